"""Arithmetic: add, sub, mul, div, remainder, pow and friends, with PyTorch's gradients.

Binary ops follow PyTorch's type promotion (Python scalars are weak) and broadcasting; the engine
sums broadcast gradients back to each input's shape. ``add``/``sub``/``mul`` take a plain array
fast path when nothing is recorded (``not recording(...)``) and NumPy's result dtype is PyTorch's.
"""

from __future__ import annotations

import math

from ... import _dtype as D
from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import PLAIN, check, need_tensor, number_param, overloads, py_number, with_out
from .._args import check_kinds as _kinds
from .._base import (
    Op,
    _wrap,
    broadcast_message,
    recording,
    result_np_dtype,
    tensor_method,
    write_out,
)
from .._inplace import inplace
from ._common import (
    CPLX,
    NotImplementedNode,
    as_tensor,
    cast,
    floatify,
    log_scalar,
    opmath,
    opmath_alpha,
    quiet,
    refusals,
    refuse,
)
from .ternary import where

__all__ = [
    "add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "remainder", "fmod", "neg", "negative", "pow", "float_power", "square",
    "positive", "deg2rad", "rad2deg", "nan_to_num",
]


class Add(Op):
    grad_fn_name = "AddBackward0"
    params = ("dtype", "alpha")
    alpha = 1

    def forward(self, a, b):
        dt = self.dtype
        if dt.kind == "c":  # PyTorch: a + alpha * b, a complex product (inf * 0j is NaN)
            a, b = cast(a, dt), cast(b, dt)
            return xp_of(a).asarray(a + b * dt.type(self.alpha), dtype=dt)
        if self.alpha == 1 and a.dtype is dt and getattr(b, "dtype", None) is dt:
            return a + b
        wide = opmath(dt, a, b, self.alpha, round_scalar=True)
        if wide is not None:
            return (wide[0] + wide[1] * opmath_alpha(self.alpha, dt)).astype(dt)
        a, b = cast(a, dt), cast(b, dt)
        if self.alpha != 1:
            b = b * self.alpha
        out = a + b
        return out if hasattr(out, "dtype") and out.dtype == dt else xp_of(a).asarray(out, dt)

    def backward(self, g):
        return g, (g * self.alpha if self.alpha != 1 else g)


class Sub(Op):
    grad_fn_name = "SubBackward0"
    params = ("dtype", "alpha")
    alpha = 1

    def forward(self, a, b):
        dt = self.dtype
        if dt.kind == "c":  # PyTorch: a + (-alpha) * b, a complex product (inf * 0j is NaN)
            a, b = cast(a, dt), cast(b, dt)
            return xp_of(a).asarray(a + b * dt.type(-self.alpha), dtype=dt)
        if self.alpha == 1 and a.dtype is dt and getattr(b, "dtype", None) is dt:
            return a - b
        wide = opmath(dt, a, b, self.alpha, round_scalar=True)
        if wide is not None:
            return (wide[0] - wide[1] * opmath_alpha(self.alpha, dt)).astype(dt)
        a, b = cast(a, dt), cast(b, dt)
        if self.alpha != 1:
            b = b * self.alpha
        out = a - b
        return out if hasattr(out, "dtype") and out.dtype == dt else xp_of(a).asarray(out, dt)

    def backward(self, g):
        return g, (-g if self.alpha == 1 else g * (-self.alpha))


class Rsub(Op):
    """``rsub(input, other) = other - alpha * input`` for two tensors (RsubBackward0)."""

    grad_fn_name = "RsubBackward0"
    params = ("dtype", "alpha")

    def forward(self, a, b):
        dt = self.dtype
        a, b = cast(a, dt), cast(b, dt)
        if self.alpha != 1:
            a = a * self.alpha
        return xp_of(a).asarray(b - a, dtype=dt)

    def backward(self, g):
        return (-g if self.alpha == 1 else g * (-self.alpha)), g


class RsubScalar(Op):
    """``scalar - alpha * input`` (RsubBackward1)."""

    grad_fn_name = "RsubBackward1"
    params = ("dtype", "alpha")

    def forward(self, a, s):
        dt = self.dtype
        a = cast(a, dt)
        out = s - (a * self.alpha if self.alpha != 1 else a)
        return xp_of(a).asarray(out, dtype=dt)

    def backward(self, g):
        return (-g if self.alpha == 1 else g * (-self.alpha)), None


def conj_operand(v):
    """Conjugate of a saved operand (complex Tensor or Python complex), as PyTorch's grads use."""
    if isinstance(v, Tensor):
        return v.conj() if v.is_complex() else v
    return v.conjugate() if isinstance(v, complex) else v


class Mul(Op):
    grad_fn_name = "MulBackward0"
    params = ("dtype",)
    _saves_operands_as_needed = True  # _saved_self/_saved_other read None when not kept

    @property
    def _save(self) -> tuple:
        """Only the operand a gradient needs, as PyTorch saves (``other`` for ``self``'s
        gradient, ``self`` for ``other``'s): a Python scalar or a tensor modified later that
        no gradient reads is not kept."""
        fa, fb = self.next_functions
        if fa[0] is not None and fb[0] is not None:
            return (0, 1)
        return (1,) if fa[0] is not None else (0,)

    def forward(self, a, b):
        dt = self.dtype
        if a.dtype is dt and getattr(b, "dtype", None) is dt:
            return a * b
        wide = opmath(dt, a, b)
        if wide is not None:
            return (wide[0] * wide[1]).astype(dt)
        a, b = cast(a, dt), cast(b, dt)
        out = a * b
        return out if hasattr(out, "dtype") and out.dtype == dt else xp_of(a).asarray(out, dt)

    def backward(self, g):
        need = self.needs_input_grad
        saved = self.saved_tensors
        if need[0] and need[1]:
            a, b = saved
        elif need[0]:
            a, (b,) = None, saved
        else:
            (a,), b = saved, None
        ga = g * conj_operand(b) if need[0] else None
        gb = g * conj_operand(a) if need[1] else None
        return ga, gb


class Div(Op):
    grad_fn_name = "DivBackward0"
    params = ("dtype",)
    _saves_operands_as_needed = True

    @property
    def _save(self) -> tuple:
        """``other`` always; ``self`` only for ``other``'s gradient, as PyTorch saves."""
        return (0, 1) if self.next_functions[1][0] is not None else (1,)

    def forward(self, a, b):
        dt = self.dtype
        wide = opmath(dt, a, b)
        if wide is not None:
            xp = xp_of(wide[0]) if hasattr(wide[0], "shape") and wide[0].shape else \
                xp_of(wide[1])
            with quiet(xp):
                return xp.asarray(xp.true_divide(wide[0], wide[1])).astype(dt)
        a, b = cast(a, dt), cast(b, dt)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        with quiet(xp):
            out = xp.true_divide(a, b)
        return out if out.dtype == dt else out.astype(dt)

    def backward(self, g):
        need = self.needs_input_grad
        saved = self.saved_tensors
        a, b = saved if need[1] else (None, saved[0])
        ga = g / conj_operand(b) if need[0] else None
        gb = -g * conj_operand(a) / conj_operand(b * b) if need[1] else None
        return ga, gb


def _int_floor_divide(xp, a, b, compute=None):
    """Integer ``a // b`` (or ``compute()``): PyTorch's ZeroDivisionError for a zero divisor
    in a non-empty result, after its shape check."""
    sa, sb = xp.shape(a), xp.shape(b)
    msg = broadcast_message(sa, sb)
    if msg is not None:
        raise RuntimeError(msg)
    if bool(xp.any(xp.asarray(b) == 0)) and 0 not in xp.broadcast_shapes(sa, sb):
        raise RuntimeError("ZeroDivisionError")
    return xp.asarray(compute() if compute is not None else xp.floor_divide(a, b))


_REFUSED = {"trunc": refusals("div_trunc_cpu", ("bool",) + CPLX),
            "floor": refusals("div_floor_cpu", ("bool",) + CPLX),
            "remainder": refusals("remainder_cpu", ("bool",) + CPLX),
            "fmod": refusals("fmod_cpu", ("bool",) + CPLX),
            "pow": refusals("pow", ("bool",))}


def _rounded_divide(xp, a, b, mode, dt):
    """``a / b`` rounded toward zero (``trunc``) or down (``floor``), as PyTorch."""
    refuse(_REFUSED[mode], dt, a, b)
    if dt.kind in "iu":
        q = _int_floor_divide(xp, a, b)
        if mode == "trunc":
            r = a - q * b
            q = q + ((r != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0)))
        return xp.asarray(q, dtype=dt)
    with quiet(xp):
        if mode == "trunc":
            out = xp.trunc(xp.true_divide(a, b))
        else:
            out = xp.floor_divide(a, b)
    return xp.asarray(out, dtype=dt)


class DivRounding(Op):
    """``div(a, b, rounding_mode=...)``: a zero gradient for both inputs (DivBackward2)."""

    grad_fn_name = "DivBackward2"
    params = ("dtype", "mode")

    def forward(self, a, b):
        dt = self.dtype
        a, b = cast(a, dt), cast(b, dt)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        return _rounded_divide(xp, a, b, self.mode, dt)

    def backward(self, g):
        z = g * 0
        return z, (z if self.needs_input_grad[1] else None)


class FloorDivide(NotImplementedNode):
    """``a // b`` (``floor_divide``): no derivative in PyTorch."""

    aten = "floor_divide"
    params = ("dtype",)

    def forward(self, a, b):
        dt = self.dtype
        a, b = cast(a, dt), cast(b, dt)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        return _rounded_divide(xp, a, b, "floor", dt)


def _remainder(xp, a, b, c_style, dt):
    refuse(_REFUSED["fmod" if c_style else "remainder"], dt, a, b)
    if dt.kind in "iu":
        return _int_floor_divide(xp, a, b, lambda: xp.fmod(a, b) if c_style
                                 else xp.remainder(a, b)).astype(dt, copy=False)
    with quiet(xp):
        out = xp.fmod(a, b) if c_style else xp.remainder(a, b)
    return xp.asarray(out, dtype=dt)


class Remainder(Op):
    """``remainder``/``fmod`` of two tensors; ``other`` gets ``-g * round(a / b)``."""

    grad_fn_name = "RemainderBackward1"
    params = ("dtype",)
    c_style = False

    def forward(self, a, b):
        dt = self.dtype
        a, b = cast(a, dt), cast(b, dt)
        self.save_inputs(0, 1)
        return _remainder(xp_of(a), a, b, self.c_style, dt)

    def backward(self, g):
        a, b = self.saved_tensors
        gb = None
        if self.needs_input_grad[1]:
            q = (a / b).trunc() if self.c_style else a.div(b, rounding_mode="floor")
            gb = -g * q
        return g, gb


class Fmod(Remainder):
    grad_fn_name = "FmodBackward1"
    c_style = True


class RemainderScalar(Op):
    """``remainder``/``fmod`` by a Python scalar: the gradient passes through unchanged."""

    grad_fn_name = "RemainderBackward0"
    params = ("dtype",)
    c_style = False

    def forward(self, a, b):
        dt = self.dtype
        return _remainder(xp_of(a), cast(a, dt), cast(b, dt), self.c_style, dt)

    def backward(self, g):
        return g, None


class FmodScalar(RemainderScalar):
    grad_fn_name = "FmodBackward0"
    c_style = True


class ScalarRemainder(NotImplementedNode):
    """``scalar % tensor``: no derivative in PyTorch."""

    aten = "remainder"
    params = ("dtype", "scalar")

    def forward(self, b):
        dt = self.dtype
        return _remainder(xp_of(b), cast(self.scalar, dt), cast(b, dt), False, dt)


class Neg(Op):
    grad_fn_name = "NegBackward0"
    params = ()

    def forward(self, a):
        if a.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return -a

    def backward(self, g):
        return -g


class PowTensorScalar(Op):
    grad_fn_name = "PowBackward0"
    params = ("dtype", "exponent")

    def forward(self, a, e):
        self.save_inputs(0)
        dt = self.dtype  # a bool tensor to a Python bool power is allowed (PowTensorScalar)
        a = cast(a, dt)
        xp = xp_of(a)
        if dt.kind in "iu" and e < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        with quiet(xp):
            if dt.kind in "fcV" and (e == 0.5 or e == -0.5):
                # PyTorch computes these as sqrt/rsqrt (NaN for -inf, where pow gives inf/0)
                out = xp.sqrt(a) if e > 0 else 1 / xp.sqrt(a)
            else:
                out = xp.power(a, e)
        return xp.asarray(out, dtype=dt)

    def backward(self, g):
        (a,) = self.saved_tensors
        e = self.exponent
        if e == 0:
            return g * 0, None
        if e == 1:
            return g, None
        if e == 2:
            return g * conj_operand(a * 2), None
        return g * conj_operand(a.pow(e - 1) * e), None


def _int_power(xp, a, b, dt):
    """Integer ``a ** b`` with PyTorch's values for negative exponents (1 and -1 keep a
    magnitude of 1, anything else gives 0)."""
    a, b = xp.asarray(a, dtype=dt), xp.asarray(b, dtype=dt)
    neg = b < 0
    if not bool(xp.any(neg)):
        return xp.asarray(xp.power(a, b), dtype=dt)
    pos = xp.power(a, xp.where(neg, 0, b))
    odd = (b % 2) != 0
    inv = xp.where(a == 1, 1, xp.where(a == -1, xp.where(odd, -1, 1), 0))
    return xp.asarray(xp.where(neg, inv, pos), dtype=dt)


class PowTensorTensor(Op):
    grad_fn_name = "PowBackward1"
    params = ("dtype",)

    def forward(self, a, b):
        dt = self.dtype
        refuse(_REFUSED["pow"], dt, a, b)
        a, b = cast(a, dt), cast(b, dt)
        self.save_inputs(0, 1)
        self.save_outputs(0)
        xp = xp_of(a)
        if dt.kind in "iu":
            return _int_power(xp, a, b, dt)
        with quiet(xp):
            if dt.kind == "c":  # PyTorch's complex pow of two tensors: exp(b * log(a))
                return xp.asarray(xp.exp(b * xp.log(a)), dtype=dt)
            return xp.asarray(xp.power(a, b), dtype=dt)

    def backward(self, g):
        a, b, out = self.saved_tensors
        need = self.needs_input_grad
        ga = gb = None
        if need[0]:
            ga = g * conj_operand(b * a.pow(b - 1))
            ga = where(b == 0, ga.new_zeros(()), ga)
        if need[1]:
            gb = g * conj_operand(out * a.log())
            bre = b.real if b.is_complex() else b
            gb = where((a == 0) & (bre >= 0), gb.new_zeros(()), gb)
        return ga, gb


class PowScalarTensor(Op):
    grad_fn_name = "PowBackward2"
    params = ("dtype", "base")

    def forward(self, b):
        dt = self.dtype
        refuse(_REFUSED["pow"], dt, b)
        b = cast(b, dt)
        self.save_outputs(0)
        xp = xp_of(b)
        if dt.kind in "iu":
            return _int_power(xp, cast(self.base, dt), b, dt)
        with quiet(xp):
            return xp.asarray(xp.power(xp.asarray(self.base, dtype=dt), b), dtype=dt)

    def backward(self, g):
        (out,) = self.saved_tensors
        if self.base == 0:
            return g * 0
        return g * conj_operand(out * log_scalar(self.base))


# -- argument kinds (checked only when an argument is not a Tensor or a Python number) ----------
_T2 = "(Tensor input, Tensor other, *, Tensor out = None)"
_ADD = overloads("(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)")
_MUL = overloads(_T2)
_DIV = overloads(_T2, "(Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)",
                 "(Tensor input, Number other, *, str rounding_mode)")
_REM = overloads(_T2, "(Number self, Tensor other)",
                 "(Tensor input, Number other, *, Tensor out = None)")
_FMOD = overloads(_T2, "(Tensor input, Number other, *, Tensor out = None)")
_FLOORDIV = overloads(_T2, "(Tensor input, Number other)")
_RSUB = overloads("(Tensor input, Tensor other, *, Number alpha = 1)",
                  "(Tensor input, Number other, Number alpha = 1)")


def _pow_sigs(name):
    return overloads(f"(Tensor input, Tensor {name}, *, Tensor out = None)",
                     f"(Number self, Tensor {name}, *, Tensor out = None)",
                     f"(Tensor input, Number {name}, *, Tensor out = None)")


_POW = _pow_sigs("exponent")


# -- public arithmetic ------------------------------------------------------------------------
# add/sub/mul take the plain array path when nothing is recorded and the array module's result
# dtype is PyTorch's: two tensors of one dtype, or a Python float with a floating tensor.
def _check_alpha(a, b, alpha) -> None:
    bad_bool = alpha is True and result_np_dtype(a, b).kind != "b"
    bad_float = alpha != 1 and isinstance(alpha, float) and result_np_dtype(a, b).kind not in "fcV"
    if bad_bool or bad_float:
        msg = broadcast_message(*[x._data.shape if isinstance(x, Tensor) else () for x in (a, b)])
        if msg is not None:  # PyTorch reports the shapes first
            raise RuntimeError(msg)
    if bad_bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if bad_float:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")


@tensor_method("add", "__add__")
def add(input, other, *, alpha=1, out=None) -> Tensor:
    """``input + alpha * other`` with broadcasting and type promotion."""
    if out is None and alpha == 1 and alpha is not True and isinstance(input, Tensor):
        a = input._data
        if other.__class__ is Tensor:
            b = other._data
            if b.dtype is a.dtype and a.dtype.kind != "c" and not recording(input, other):
                try:
                    return _wrap(a + b)
                except ValueError:
                    pass  # shapes that do not broadcast: the op raises PyTorch's error
        elif (other.__class__ is float and a.dtype.kind == "f" and a.dtype.itemsize > 2
              and not recording(input)):  # float16/bfloat16 compute in float32 (Add.forward)
            return _wrap(a + other)
        if other.__class__ not in PLAIN:
            input, other = _kinds("add", _ADD, (input, other), numbers=True)
        return Add.apply(input, other, dtype=result_np_dtype(input, other))
    input, other = _kinds("add", _ADD, (input, other), {"alpha": alpha} if alpha != 1 else None,
                          out, numbers=True)
    alpha = number_param(alpha)
    if not isinstance(input, Tensor):
        input, other = other, input
    _check_alpha(input, other, alpha)
    return write_out(out, Add.apply(input, other, alpha=alpha,
                                    dtype=result_np_dtype(input, other)))


@tensor_method("__radd__")
def _radd(self, other):
    return Add.apply(self, other, dtype=result_np_dtype(self, other))


@tensor_method("sub", "__sub__", "subtract")
def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """``input - alpha * other``."""
    if (out is None and alpha == 1 and alpha is not True and isinstance(input, Tensor)
            and input._data.dtype.kind != "b"
            and not (isinstance(other, Tensor) and other._data.dtype.kind == "b")):
        a = input._data
        if other.__class__ is Tensor:
            b = other._data
            if b.dtype is a.dtype and a.dtype.kind != "c" and not recording(input, other):
                try:
                    return _wrap(a - b)
                except ValueError:
                    pass
        elif (other.__class__ is float and a.dtype.kind == "f" and a.dtype.itemsize > 2
              and not recording(input)):  # float16/bfloat16 compute in float32 (Add.forward)
            return _wrap(a - other)
        if other.__class__ not in PLAIN:
            input, other = _kinds("sub", _ADD, (input, other), numbers=True)
        if other.__class__ is bool:
            _check_bool_sub(input, other)
        return Sub.apply(input, other, dtype=result_np_dtype(input, other))
    input, other = _kinds("sub", _ADD, (input, other), {"alpha": alpha} if alpha != 1 else None,
                          out, numbers=True)
    alpha = number_param(alpha)
    _check_bool_sub(input, other)
    _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        return write_out(out, RsubScalar.apply(other, input, alpha=alpha,
                                               dtype=result_np_dtype(input, other)))
    return write_out(out, Sub.apply(input, other, alpha=alpha,
                                    dtype=result_np_dtype(input, other)))


subtract = sub


def _check_bool_sub(a, b) -> None:
    # a Python bool operand counts as a bool tensor (PyTorch wraps it)
    ba = a.__class__ is bool or isinstance(a, Tensor) and a._data.dtype.kind == "b"
    bb = b.__class__ is bool or isinstance(b, Tensor) and b._data.dtype.kind == "b"
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


@tensor_method("__rsub__")
def rsub(input, other, *, alpha=1) -> Tensor:
    """``other - alpha * input`` (``torch.rsub``)."""
    input, other = _kinds("rsub", _RSUB, (input, other), {"alpha": alpha} if alpha != 1 else None)
    alpha = number_param(alpha)
    dt = result_np_dtype(input, other)
    _check_bool_sub(input, other)
    if isinstance(other, Tensor):
        return Rsub.apply(input, other, alpha=alpha, dtype=dt)
    return RsubScalar.apply(input, other, alpha=alpha, dtype=dt)


@tensor_method("mul", "__mul__", "multiply")
def mul(input, other, *, out=None) -> Tensor:
    """Elementwise product."""
    if out is None and isinstance(input, Tensor):
        a = input._data
        if other.__class__ is Tensor:
            b = other._data
            if b.dtype is a.dtype and not recording(input, other):
                try:
                    return _wrap(a * b)
                except ValueError:
                    pass
        elif (other.__class__ is float and a.dtype.kind in "fc" and a.dtype.itemsize > 2
              and not recording(input)):  # float16/bfloat16 compute in float32 (Mul.forward)
            return _wrap(a * other)
        if other.__class__ not in PLAIN:
            input, other = _kinds("mul", _MUL, (input, other), numbers=True)
        return Mul.apply(input, other, dtype=result_np_dtype(input, other))
    input, other = _kinds("mul", _MUL, (input, other), out=out, numbers=True)
    if not isinstance(input, Tensor):
        input, other = other, input
    return write_out(out, Mul.apply(input, other, dtype=result_np_dtype(input, other)))


multiply = mul


@tensor_method("__rmul__")
def _rmul(self, other):
    return Mul.apply(self, other, dtype=result_np_dtype(self, other))


def _div_dtype(a, b):
    dt = result_np_dtype(a, b)
    if dt.kind in "iub":
        return D.get_default_dtype().np
    return dt


@tensor_method("div", "__truediv__", "divide", "true_divide")
def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division (ints give floats); ``rounding_mode='trunc'|'floor'`` as PyTorch."""
    if rounding_mode is None:
        input, other = _kinds("div", _DIV, (input, other), None, out, numbers=True)
    else:
        check("div", _DIV, (input, other), with_out({"rounding_mode": rounding_mode}, out),
              numbers_as_tensors=True)
        input, other = py_number(input), py_number(other)
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            return write_out(out, _rdiv(other, input))
        return write_out(out, Div.apply(input, other, dtype=_div_dtype(input, other)))
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    a, b = (input, other) if isinstance(input, Tensor) else (as_tensor(input, other), other)
    return write_out(out, DivRounding.apply(a, b, mode=rounding_mode,
                                            dtype=result_np_dtype(input, other)))


divide = div
true_divide = div


@tensor_method("__rtruediv__", "__rdiv__")
def _rdiv(self, other):
    """``scalar / tensor`` as PyTorch computes it: ``tensor.reciprocal() * scalar``."""
    return mul(self.reciprocal(), other)


@tensor_method("floor_divide", "__floordiv__")
def floor_divide(input, other, *, out=None) -> Tensor:
    """``input // other`` rounded down (no derivative, as PyTorch)."""
    input, other = _kinds("floor_divide", _FLOORDIV, (input, other), out=out)
    a = input if isinstance(input, Tensor) else as_tensor(input, other)
    return write_out(out, FloorDivide.apply(a, other, dtype=result_np_dtype(input, other)))


@tensor_method("__rfloordiv__")
def _rfloordiv(self, other):
    return floor_divide(as_tensor(other, self), self)


@tensor_method("remainder", "__mod__")
def remainder(input, other, *, out=None) -> Tensor:
    """Python-style modulus (sign of the divisor)."""
    input, other = _kinds("remainder", _REM, (input, other), out=out)
    dt = result_np_dtype(input, other)
    if not isinstance(input, Tensor):
        return write_out(out, ScalarRemainder.apply(other, scalar=input, dtype=dt))
    if isinstance(other, Tensor):
        return write_out(out, Remainder.apply(input, other, dtype=dt))
    return write_out(out, RemainderScalar.apply(input, other, dtype=dt))


@tensor_method("__rmod__")
def _rmod(self, other):
    return remainder(other, self)


@tensor_method("fmod")
def fmod(input, other, *, out=None) -> Tensor:
    """C-style modulus (sign of the dividend)."""
    input, other = _kinds("fmod", _FMOD, (input, other), out=out)
    dt = result_np_dtype(input, other)
    if isinstance(other, Tensor):
        return write_out(out, Fmod.apply(input, other, dtype=dt))
    return write_out(out, FmodScalar.apply(input, other, dtype=dt))


@tensor_method("neg", "__neg__", "negative")
def neg(input, *, out=None) -> Tensor:
    """``-input`` (bool tensors refused, as PyTorch)."""
    if input.__class__ is not Tensor:
        need_tensor("neg", input)
    return write_out(out, Neg.apply(input))


negative = neg


@tensor_method("pow", "__pow__")
def pow(input, exponent, *, out=None) -> Tensor:  # noqa: A001
    """``input ** exponent`` for tensor/scalar combinations (PowBackward0/1/2)."""
    input, exponent = _kinds("pow", _POW, (input, exponent), out=out)
    if not isinstance(input, Tensor):
        dt = result_np_dtype(input, exponent)
        return write_out(out, PowScalarTensor.apply(exponent, base=input, dtype=dt))
    if isinstance(exponent, Tensor):
        return write_out(out, PowTensorTensor.apply(input, exponent,
                                                    dtype=result_np_dtype(input, exponent)))
    return write_out(out, PowTensorScalar.apply(input, exponent, exponent=exponent,
                                                dtype=result_np_dtype(input, exponent)))


@tensor_method("__rpow__")
def _rpow(self, other):
    return pow(other, self)


@tensor_method("float_power")
def float_power(input, exponent) -> Tensor:
    """``pow`` computed in double (complex double for complex operands)."""
    input, exponent = _kinds("float_power", _POW, (input, exponent))
    cplx = any(isinstance(v, Tensor) and v.is_complex() or isinstance(v, complex)
               for v in (input, exponent))
    dt = D.complex128 if cplx else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return pow(a, b)


@tensor_method("square")
def square(input) -> Tensor:
    """``input ** 2`` (PowBackward0)."""
    need_tensor("square", input)
    return pow(input, 2)


@tensor_method("positive")
def positive(input: Tensor) -> Tensor:
    """Returns ``input`` itself (booleans rejected, as PyTorch)."""
    need_tensor("positive", input)
    if input._data.dtype == bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@tensor_method("__abs__")
def _abs_dunder(self) -> Tensor:
    """``abs(t)`` (Python's builtin) is ``t.abs()``."""
    return self.abs()


def _no_complex(name, input) -> None:
    need_tensor(name, input)
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{name} is not supported for complex tensors.")


@tensor_method("deg2rad")
def deg2rad(input: Tensor, *, out=None) -> Tensor:
    """Degrees to radians (integers give the default float dtype)."""
    _no_complex("deg2rad", input)
    return write_out(out, floatify(input) * (math.pi / 180))


@tensor_method("rad2deg")
def rad2deg(input: Tensor, *, out=None) -> Tensor:
    """Radians to degrees (integers give the default float dtype)."""
    _no_complex("rad2deg", input)
    return write_out(out, floatify(input) * (180 / math.pi))


class NanToNum(Op):
    grad_fn_name = "NanToNumBackward0"
    params = ("nan", "posinf", "neginf")

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        if a.dtype.kind not in "fcV":
            return a.copy()
        info = xp.finfo(a.dtype)
        pos = info.max if self.posinf is None else self.posinf
        neg = info.min if self.neginf is None else self.neginf
        return xp.asarray(xp.nan_to_num(a, nan=self.nan, posinf=pos, neginf=neg), dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        return (g * a.isfinite(),)


_NAN_TO_NUM = overloads("(Tensor input, float nan = None, float posinf = None, "
                        "float neginf = None, *, Tensor out = None)")


@tensor_method("nan_to_num")
def nan_to_num(input: Tensor, nan: float = 0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN, +inf and -inf (defaults: 0 and the dtype's largest/smallest values)."""
    if input.__class__ is not Tensor or not (
            nan.__class__ is float and posinf is None and neginf is None):
        check("nan_to_num", _NAN_TO_NUM, (input,), {"nan": nan, "posinf": posinf,
                                                    "neginf": neginf})
    return write_out(out, NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf))


@tensor_method("nan_to_num_")
def _nan_to_num_(self, nan: float = 0.0, posinf=None, neginf=None):
    return inplace(self, nan_to_num, nan, posinf, neginf)


def _make_inplace(name, fn):
    def method(self, *args, **kwargs):
        return inplace(self, fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``."
    return method


for _name, _fn in (("add_", add), ("sub_", sub), ("subtract_", sub), ("mul_", mul),
                   ("multiply_", mul), ("div_", div), ("divide_", div), ("true_divide_", div),
                   ("pow_", pow), ("remainder_", remainder), ("fmod_", fmod),
                   ("floor_divide_", floor_divide), ("neg_", neg), ("negative_", neg),
                   ("__iadd__", add), ("__isub__", sub), ("__imul__", mul),
                   ("__itruediv__", div), ("__ipow__", pow), ("__ifloordiv__", floor_divide),
                   ("__imod__", remainder), ("square_", square)):
    tensor_method(_name)(_make_inplace(_name, _fn))
