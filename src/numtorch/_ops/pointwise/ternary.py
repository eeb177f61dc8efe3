"""Ternary elementwise ops: ``where``, ``lerp``, ``addcmul``, ``addcdiv``."""

from __future__ import annotations

from ... import _dtype as D
from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import PLAIN, check, overloads, with_out
from .._base import Op, broadcast_message, result_np_dtype, tensor_method, write_out
from .._inplace import inplace, torch_type_name
from ..creation import tensor
from ._common import cast, quiet, result_of

__all__ = ["where", "lerp", "addcmul", "addcdiv"]


class Where(Op):
    """``condition ? input : other`` (WhereBackward0); the condition gets no gradient."""

    grad_fn_name = "WhereBackward0"
    params = ("dtype",)

    def forward(self, c, a, b):
        xp = xp_of(c)
        dt = self.dtype
        a = a.astype(dt, copy=False) if hasattr(a, "dtype") else a
        b = b.astype(dt, copy=False) if hasattr(b, "dtype") else b
        self.cond = c
        return xp.asarray(xp.where(c, a, b), dtype=dt)

    def backward(self, g):
        c = Tensor._from_array(self.cond)
        # exact zeros where the other branch was taken (g * 0 would turn inf/NaN into NaN)
        z = Tensor._from_array(xp_of(g._data).zeros((), dtype=g._data.dtype))
        need = self.needs_input_grad
        ga = where(c, g, z) if need[1] else None
        gb = where(c, z, g) if need[2] else None
        return None, ga, gb


def _check_broadcast(shapes) -> None:
    """PyTorch's message naming the first pair of shapes that do not broadcast."""
    res: tuple = ()
    for s in shapes:
        msg = broadcast_message(res, s)
        if msg is not None:
            raise RuntimeError(msg)
        n = max(len(res), len(s))
        a = (1,) * (n - len(res)) + tuple(res)
        b = (1,) * (n - len(s)) + tuple(s)
        res = tuple(y if x == 1 else x for x, y in zip(a, b))


_WHERE = overloads("(Tensor condition)",
                   "(Tensor condition, Tensor input, Tensor other, *, Tensor out = None)",
                   "(Tensor condition, Number self, Tensor other)",
                   "(Tensor condition, Tensor input, Number other)",
                   "(Tensor condition, Number self, Number other)")
_LERP = overloads("(Tensor input, Tensor end, Tensor weight, *, Tensor out = None)",
                  "(Tensor input, Tensor end, Number weight, *, Tensor out = None)")


def _addc(name):
    return overloads("(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, "
                     "Tensor out = None)")


_ADDCMUL, _ADDCDIV = _addc("addcmul"), _addc("addcdiv")


def _addc_kinds(name, sigs, input, t1, t2, value, out) -> None:
    if not (input.__class__ is Tensor and t1.__class__ is Tensor and t2.__class__ is Tensor
            and value.__class__ in PLAIN and out is None):
        kw = {"value": value} if value is None or value.__class__ not in PLAIN else None
        check(name, sigs, (input, t1, t2), with_out(kw, out))


@tensor_method("where")
def _where_method(self, condition, other):
    return where(condition, self, other)


def where(condition: Tensor, input=None, other=None, *, out=None):
    """``condition ? input : other`` with broadcasting; ``where(cond)`` is ``nonzero(as_tuple)``."""
    if condition.__class__ is not Tensor or input.__class__ is not Tensor or (
            other.__class__ is not Tensor or out is not None):
        args = (condition,) if input is None and other is None else (condition, input, other)
        check("where", _WHERE, args, with_out(None, out))
    if input is None and other is None:
        from ..indexing import nonzero  # indexing imports this module

        return nonzero(condition, as_tuple=True)
    dt = condition._data.dtype
    if dt.kind != "b":
        if dt.kind == "u" and dt.itemsize == 1:
            condition = condition.to(D.bool_)
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {torch_type_name(dt)}")
    _check_broadcast([condition._data.shape] + [x._data.shape for x in (input, other)
                                                if isinstance(x, Tensor)])
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = tensor(input)
    dt = result_np_dtype(input, other)
    return write_out(out, Where.apply(condition, input, other, dtype=dt))


class Lerp(Op):
    """``start + weight * (end - start)`` with a scalar weight (LerpBackward0)."""

    grad_fn_name = "LerpBackward0"
    params = ("dtype", "weight", "tensor_weight")

    def forward(self, a, b, w):
        dt = self.dtype
        if self.tensor_weight:
            self.save_inputs(0, 1, 2)
        if dt.itemsize == 2 and dt.kind in "fV":  # float16/bfloat16: float32 math, one rounding
            low, dt = dt, a.dtype.type(0).astype("float32").dtype
            a, b = cast(a, low).astype(dt), cast(b, low).astype(dt)
            w = cast(w, low).astype(dt) if hasattr(w, "dtype") else w
            xp = xp_of(a)
            diff = b - a
            out = xp.where(xp.abs(w) < 0.5, a + w * diff, b - diff * (1 - w))
            return xp.asarray(out, dtype=dt).astype(low)
        a, b, w = cast(a, dt), cast(b, dt), cast(w, dt)
        xp = xp_of(a)
        diff = b - a
        # PyTorch's formula: exact at both ends
        out = xp.where(xp.abs(w) < 0.5, a + w * diff, b - diff * (1 - w))
        return xp.asarray(out, dtype=dt)

    def backward(self, g):
        w = self.weight
        return g * (1 - w), g * w


class LerpTensor(Lerp):
    grad_fn_name = "LerpBackward1"

    def backward(self, g):
        a, b, w = self.saved_tensors
        need = self.needs_input_grad
        ga = g * (1 - w) if need[0] else None
        gb = g * w if need[1] else None
        gw = g * (b - a) if need[2] else None
        return ga, gb, gw


_C_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
           "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
           "bool": "bool", "complex64": "c10::complex<float>",
           "complex128": "c10::complex<double>"}


def _lerp_dtypes(input, end, weight) -> None:
    """PyTorch's lerp wants one dtype for ``input``, ``end`` and a tensor ``weight``, and a
    floating or complex one."""
    dt = input._data.dtype
    for name, v in (("end", end), ("weight", weight)):
        if isinstance(v, Tensor) and v._data.dtype != dt:
            raise RuntimeError(f"expected dtype {_C_NAME.get(dt.name, dt.name)} for `{name}` but "
                               f"got dtype {_C_NAME.get(v._data.dtype.name, v._data.dtype.name)}")
    if dt.kind not in "fcV":
        kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(dt)}\'')


@tensor_method("lerp")
def lerp(input, end, weight, *, out=None) -> Tensor:
    """``input + weight * (end - input)`` (LerpBackward0/1)."""
    if input.__class__ is not Tensor or end.__class__ is not Tensor or out is not None or (
            weight.__class__ not in PLAIN):
        check("lerp", _LERP, (input, end, weight), with_out(None, out))
    _lerp_dtypes(input, end, weight)
    if isinstance(weight, Tensor):
        dt = result_of(input, end, weight)
        return write_out(out, LerpTensor.apply(input, end, weight, tensor_weight=True,
                                               dtype=dt))
    dt = result_of(input, end)
    return write_out(out, Lerp.apply(input, end, weight, weight=weight, tensor_weight=False,
                                     dtype=dt))


class Addcmul(Op):
    grad_fn_name = "AddcmulBackward0"
    holomorphic = True
    params = ("dtype", "value")
    _save = (1, 2)

    def forward(self, a, t1, t2):
        dt = self.dtype
        a, t1, t2 = cast(a, dt), cast(t1, dt), cast(t2, dt)
        v = self.value
        prod = t1 * t2
        return xp_of(prod).asarray(a + (prod * v if v != 1 else prod), dtype=dt)

    def backward(self, g):
        t1, t2 = self.saved_tensors
        v = self.value
        gv = g * v if v != 1 else g
        need = self.needs_input_grad
        return g, gv * t2 if need[1] else None, gv * t1 if need[2] else None


class Addcdiv(Op):
    grad_fn_name = "AddcdivBackward0"
    holomorphic = True
    params = ("dtype", "value")
    _save = (1, 2)

    def forward(self, a, t1, t2):
        dt = self.dtype
        a, t1, t2 = cast(a, dt), cast(t1, dt), cast(t2, dt)
        v = self.value
        xp = xp_of(t1)
        with quiet(xp):
            q = t1 / t2
        return xp.asarray(a + (q * v if v != 1 else q), dtype=dt)

    def backward(self, g):
        t1, t2 = self.saved_tensors
        v = self.value
        gv = g * v if v != 1 else g
        need = self.needs_input_grad
        return (g, gv / t2 if need[1] else None,
                -gv * t1 / (t2 * t2) if need[2] else None)


@tensor_method("addcmul")
def addcmul(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 * tensor2`` (AddcmulBackward0)."""
    _addc_kinds("addcmul", _ADDCMUL, input, tensor1, tensor2, value, out)
    _check_broadcast([input._data.shape, tensor1._data.shape, tensor2._data.shape])
    dt = result_of(input, tensor1, tensor2)
    return write_out(out, Addcmul.apply(input, tensor1, tensor2, value=value, dtype=dt))


@tensor_method("addcdiv")
def addcdiv(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 / tensor2`` (AddcdivBackward0)."""
    _addc_kinds("addcdiv", _ADDCDIV, input, tensor1, tensor2, value, out)
    _check_broadcast([input._data.shape, tensor1._data.shape, tensor2._data.shape])
    if (tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub"):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    dt = result_of(input, tensor1, tensor2)
    return write_out(out, Addcdiv.apply(input, tensor1, tensor2, value=value, dtype=dt))


for _name, _fn in (("lerp_", lerp), ("addcmul_", addcmul), ("addcdiv_", addcdiv)):
    tensor_method(_name)(lambda self, *args, _fn=_fn, **kwargs:
                         inplace(self, _fn, *args, **kwargs))
