"""Elementwise ops: arithmetic, comparisons, logic, and unary math, with their gradients.

Binary ops follow PyTorch's type promotion (Python scalars are weak) and broadcasting; the engine
sums broadcast gradients back to each input's shape.
"""

from __future__ import annotations

import builtins
import math

import numpy as _numpy

from .._backend import xp_of
from .._tensor import Tensor
from . import _base
from ._base import Op, _wrap, float_np_dtype, result_np_dtype, tensor_method, write_out
from ._base import _state as _grad
from ._inplace import check_cast, inplace, torch_type_name

__all__ = [
    "add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "remainder", "fmod", "neg", "negative", "pow", "float_power", "exp", "exp2",
    "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "square", "abs", "absolute", "sign",
    "sgn", "sin", "cos", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh",
    "cosh", "asinh", "acosh", "atanh", "tanh", "sigmoid", "relu", "reciprocal", "floor", "ceil",
    "round", "trunc", "fix", "frac", "clamp", "clip", "clamp_min", "clamp_max", "maximum",
    "minimum", "fmax", "fmin", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal",
    "less", "less_equal", "not_equal", "equal", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "isinf",
    "isfinite", "isposinf", "isneginf", "isclose", "allclose", "signbit", "lerp", "addcmul",
    "addcdiv", "atan2", "arctan2", "hypot", "erf", "erfc",
]


def _np(x):
    return x._data if isinstance(x, Tensor) else x


def _cast(a, dt):
    """Cast an array operand to the computation dtype (Python scalars stay weak).

    A Python int that does not fit an integer dtype wraps around, as PyTorch casts it.
    """
    if hasattr(a, "dtype"):
        return a.astype(dt) if a.dtype != dt else a
    if type(a) is int and dt.kind in "iu":
        info = _iinfo(dt)
        if not info[0] <= a <= info[1]:
            return _numpy.array(a % (1 << 64), dtype=_numpy.uint64).astype(dt)[()]
    return a


_IINFO: dict = {}


def _iinfo(dt):
    r = _IINFO.get(dt)
    if r is None:
        i = _numpy.iinfo(dt)
        r = _IINFO[dt] = (int(i.min), int(i.max))
    return r


def _as_tensor(x, like: Tensor) -> Tensor:
    if isinstance(x, Tensor):
        return x
    xp = xp_of(like._data)
    return Tensor._from_array(xp.asarray(x, dtype=like._data.dtype))


# ---------------------------------------------------------------------------------------------
# arithmetic
class Add(Op):
    grad_fn_name = "AddBackward0"
    alpha = 1

    def forward(self, a, b):
        dt = self.dtype
        if self.alpha == 1 and a.dtype is dt and getattr(b, "dtype", None) is dt:
            return a + b
        a, b = _cast(a, dt), _cast(b, dt)
        if self.alpha != 1:
            b = b * self.alpha
        out = a + b
        return out if hasattr(out, "dtype") and out.dtype == dt else xp_of(a).asarray(out, dt)

    def backward(self, g):
        return g, (g * self.alpha if self.alpha != 1 else g)


class Sub(Op):
    grad_fn_name = "SubBackward0"
    alpha = 1

    def forward(self, a, b):
        dt = self.dtype
        if self.alpha == 1 and a.dtype is dt and getattr(b, "dtype", None) is dt:
            return a - b
        a, b = _cast(a, dt), _cast(b, dt)
        if self.alpha != 1:
            b = b * self.alpha
        out = a - b
        return out if hasattr(out, "dtype") and out.dtype == dt else xp_of(a).asarray(out, dt)

    def backward(self, g):
        return g, (-g if self.alpha == 1 else g * (-self.alpha))


class Rsub(Op):
    """``rsub(input, other) = other - alpha * input`` for two tensors (RsubBackward0)."""

    grad_fn_name = "RsubBackward0"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        if self.alpha != 1:
            a = a * self.alpha
        return xp_of(a).asarray(b - a, dtype=dt)

    def backward(self, g):
        return (-g if self.alpha == 1 else g * (-self.alpha)), g


def _conj_operand(v):
    """Conjugate of a saved operand (complex Tensor or Python complex), as PyTorch's grads use."""
    if isinstance(v, Tensor):
        return v.conj() if v.is_complex() else v
    return v.conjugate() if isinstance(v, complex) else v


class Mul(Op):
    grad_fn_name = "MulBackward0"

    def forward(self, a, b):
        dt = self.dtype
        self._save = (0, 1)
        if a.dtype is dt and getattr(b, "dtype", None) is dt:
            return a * b
        a, b = _cast(a, dt), _cast(b, dt)
        out = a * b
        return out if hasattr(out, "dtype") and out.dtype == dt else xp_of(a).asarray(out, dt)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = g * _conj_operand(b) if self.needs(0) else None
        gb = g * _conj_operand(a) if self.needs(1) else None
        return ga, gb

    def needs(self, i: int) -> bool:
        return self.next_functions[i][0] is not None


class Div(Op):
    grad_fn_name = "DivBackward0"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        self.save_inputs(0, 1)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        with _errstate(xp):
            out = xp.true_divide(a, b)
        return out if out.dtype == dt else out.astype(dt)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = g / _conj_operand(b) if self.next_functions[0][0] is not None else None
        gb = None
        if self.next_functions[1][0] is not None:
            gb = -g * _conj_operand(a) / _conj_operand(b * b)
        return ga, gb


class NotImplementedNode(Op):
    """An op PyTorch records without a derivative: backward raises PyTorch's error."""

    grad_fn_name = "NotImplemented"

    def name(self) -> str:
        return "torch::autograd::NotImplemented"

    def backward(self, *grads):
        raise RuntimeError(f"derivative for aten::{self.aten} is not implemented")


def _int_floor_divide(xp, a, b):
    if bool(xp.any(xp.asarray(b) == 0)):
        raise RuntimeError("ZeroDivisionError")
    return xp.floor_divide(a, b)


def _rounded_divide(xp, a, b, mode, dt):
    """``a / b`` rounded toward zero (``trunc``) or down (``floor``), as PyTorch."""
    if dt.kind in "iu":
        q = _int_floor_divide(xp, a, b)
        if mode == "trunc":
            r = a - q * b
            q = q + ((r != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0)))
        return xp.asarray(q, dtype=dt)
    with _errstate(xp):
        if mode == "trunc":
            out = xp.trunc(xp.true_divide(a, b))
        else:
            out = xp.floor_divide(a, b)
    return xp.asarray(out, dtype=dt)


class DivRounding(Op):
    """``div(a, b, rounding_mode=...)``: a zero gradient for both inputs (DivBackward2)."""

    grad_fn_name = "DivBackward2"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        return _rounded_divide(xp, a, b, self.mode, dt)

    def backward(self, g):
        z = g * 0
        return z, (z if self.next_functions[1][0] is not None else None)


class FloorDivide(NotImplementedNode):
    """``a // b`` (``floor_divide``): no derivative in PyTorch."""

    aten = "floor_divide"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        return _rounded_divide(xp, a, b, "floor", dt)


def _remainder(xp, a, b, c_style, dt):
    if dt.kind in "iu" and bool(xp.any(xp.asarray(b) == 0)):
        raise RuntimeError("ZeroDivisionError")
    with _errstate(xp):
        out = xp.fmod(a, b) if c_style else xp.remainder(a, b)
    return xp.asarray(out, dtype=dt)


class Remainder(Op):
    """``remainder``/``fmod`` of two tensors; ``other`` gets ``-g * round(a / b)``."""

    grad_fn_name = "RemainderBackward1"
    c_style = False

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        self.save_inputs(0, 1)
        return _remainder(xp_of(a), a, b, self.c_style, dt)

    def backward(self, g):
        a, b = self.saved_tensors
        gb = None
        if self.next_functions[1][0] is not None:
            q = (a / b).trunc() if self.c_style else a.div(b, rounding_mode="floor")
            gb = -g * q
        return g, gb


class Fmod(Remainder):
    grad_fn_name = "FmodBackward1"
    c_style = True


class RemainderScalar(Op):
    """``remainder``/``fmod`` by a Python scalar: the gradient passes through unchanged."""

    grad_fn_name = "RemainderBackward0"
    c_style = False

    def forward(self, a, b):
        dt = self.dtype
        return _remainder(xp_of(a), _cast(a, dt), _cast(b, dt), self.c_style, dt)

    def backward(self, g):
        return g, None


class FmodScalar(RemainderScalar):
    grad_fn_name = "FmodBackward0"
    c_style = True


class ScalarRemainder(NotImplementedNode):
    """``scalar % tensor``: no derivative in PyTorch."""

    aten = "remainder"

    def forward(self, b):
        dt = self.dtype
        return _remainder(xp_of(b), _cast(self.scalar, dt), _cast(b, dt), False, dt)


class Neg(Op):
    grad_fn_name = "NegBackward0"

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

    def forward(self, a, e):
        self.save_inputs(0)
        dt = self.dtype
        a = _cast(a, dt)
        xp = xp_of(a)
        if dt.kind in "iu" and e < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        with _errstate(xp):
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
            return g * (a * 2), None
        return g * (a.pow(e - 1) * e), None


class PowTensorTensor(Op):
    grad_fn_name = "PowBackward1"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        self.save_inputs(0, 1)
        self.save_outputs(0)
        xp = xp_of(a)
        if dt.kind in "iu" and bool(xp.any(b < 0)):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        with _errstate(xp):
            return xp.asarray(xp.power(a, b), dtype=dt)

    def backward(self, g):
        a, b, out = self.saved_tensors
        ga = gb = None
        if self.next_functions[0][0] is not None:
            ga = g * b * a.pow(b - 1)
            ga = where(b == 0, ga.new_zeros(()), ga)
        if self.next_functions[1][0] is not None:
            gb = g * out * a.log()
            gb = where((a == 0) & (b >= 0), gb.new_zeros(()), gb)
        return ga, gb


class PowScalarTensor(Op):
    grad_fn_name = "PowBackward2"

    def forward(self, b):
        dt = self.dtype
        b = _cast(b, dt)
        self.save_outputs(0)
        xp = xp_of(b)
        with _errstate(xp):
            return xp.asarray(xp.power(xp.asarray(self.base, dtype=dt), b), dtype=dt)

    def backward(self, g):
        (out,) = self.saved_tensors
        if self.base == 0:
            return g * 0
        return g * out * math.log(self.base)


def _errstate(xp):
    return xp.errstate(all="ignore")


# -- public arithmetic ------------------------------------------------------------------------
def _plain(input: Tensor, other):
    """``other``'s operand when ``input <op> other`` is plain NumPy arithmetic: no graph to
    record, no tracer, and NumPy's result dtype is PyTorch's (same dtypes, or a Python float
    with a floating tensor). Else None."""
    a = input._data
    if other.__class__ is Tensor:
        b = other._data
        if (b.dtype is a.dtype and _base._tracer is None
                and not ((input._requires_grad or other._requires_grad) and _grad.enabled)):
            return b
    elif (other.__class__ is float and a.dtype.kind in "fc" and _base._tracer is None
          and not (input._requires_grad and _grad.enabled)):
        return other
    return None


def _check_alpha(a, b, alpha) -> None:
    if alpha != 1 and isinstance(alpha, float) and not (
            getattr(a, "is_floating_point", lambda: True)() or
            getattr(b, "is_floating_point", lambda: True)()):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")


@tensor_method("add", "__add__")
def add(input, other, *, alpha=1, out=None) -> Tensor:
    """``input + alpha * other`` with broadcasting and type promotion."""
    if out is None and alpha == 1 and isinstance(input, Tensor):
        dt = input._data.dtype
        if other.__class__ is Tensor and other._data.dtype is dt:
            if ((input._requires_grad or other._requires_grad) and _grad.enabled
                    or _base._tracer is not None):
                return Add.apply(input, other, dtype=dt)
            try:
                return _wrap(input._data + other._data)
            except ValueError:
                pass  # shapes that do not broadcast: the op raises PyTorch's error
        else:
            b = _plain(input, other)
            if b is not None:
                try:
                    return _wrap(input._data + b)
                except ValueError:
                    pass
        return Add.apply(input, other, dtype=result_np_dtype(input, other))
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
    if (out is None and alpha == 1 and isinstance(input, Tensor)
            and input._data.dtype.kind != "b"
            and not (isinstance(other, Tensor) and other._data.dtype.kind == "b")):
        b = _plain(input, other)
        if b is not None:
            try:
                return _wrap(input._data - b)
            except ValueError:
                pass
        return Sub.apply(input, other, dtype=result_np_dtype(input, other))
    _check_bool_sub(input, other)
    if not isinstance(input, Tensor):
        return write_out(out, _RsubScalar.apply(other, input, alpha=alpha,
                                                dtype=result_np_dtype(input, other)))
    return write_out(out, Sub.apply(input, other, alpha=alpha,
                                    dtype=result_np_dtype(input, other)))


subtract = sub


def _check_bool_sub(a, b) -> None:
    ba = isinstance(a, Tensor) and a._data.dtype.kind == "b"
    bb = isinstance(b, Tensor) and b._data.dtype.kind == "b"
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
    dt = result_np_dtype(input, other)
    _check_bool_sub(input, other)
    if isinstance(other, Tensor):
        return Rsub.apply(input, other, alpha=alpha, dtype=dt)
    return _RsubScalar.apply(input, other, alpha=alpha, dtype=dt)


class _RsubScalar(Op):
    grad_fn_name = "RsubBackward1"

    def forward(self, a, s):
        dt = self.dtype
        a = _cast(a, dt)
        out = s - (a * self.alpha if self.alpha != 1 else a)
        return xp_of(a).asarray(out, dtype=dt)

    def backward(self, g):
        return (-g if self.alpha == 1 else g * (-self.alpha)), None


@tensor_method("mul", "__mul__", "multiply")
def mul(input, other, *, out=None) -> Tensor:
    """Elementwise product."""
    if out is None and isinstance(input, Tensor):
        b = _plain(input, other)
        if b is not None:
            try:
                return _wrap(input._data * b)
            except ValueError:
                pass
        return Mul.apply(input, other, dtype=result_np_dtype(input, other))
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
        from .. import _dtype as D

        return D.get_default_dtype().np
    return dt


@tensor_method("div", "__truediv__", "divide", "true_divide")
def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division (ints give floats); ``rounding_mode='trunc'|'floor'`` as PyTorch."""
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            return write_out(out, _rdiv(other, input))
        return write_out(out, Div.apply(input, other, dtype=_div_dtype(input, other)))
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    a, b = (input, other) if isinstance(input, Tensor) else (_as_tensor(input, other), other)
    return write_out(out, DivRounding.apply(a, b, mode=rounding_mode,
                                            dtype=result_np_dtype(input, other)))


divide = div
true_divide = div


@tensor_method("__rtruediv__")
def _rdiv(self, other):
    """``scalar / tensor`` as PyTorch computes it: ``tensor.reciprocal() * scalar``."""
    return mul(reciprocal(self), other)


@tensor_method("floor_divide", "__floordiv__")
def floor_divide(input, other, *, out=None) -> Tensor:
    """``input // other`` rounded down (no derivative, as PyTorch)."""
    a = input if isinstance(input, Tensor) else _as_tensor(input, other)
    return write_out(out, FloorDivide.apply(a, other, dtype=result_np_dtype(input, other)))


@tensor_method("__rfloordiv__")
def _rfloordiv(self, other):
    return floor_divide(_as_tensor(other, self), self)


@tensor_method("remainder", "__mod__")
def remainder(input, other, *, out=None) -> Tensor:
    """Python-style modulus (sign of the divisor)."""
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
    dt = result_np_dtype(input, other)
    if isinstance(other, Tensor):
        return write_out(out, Fmod.apply(input, other, dtype=dt))
    return write_out(out, FmodScalar.apply(input, other, dtype=dt))


@tensor_method("neg", "__neg__", "negative")
def neg(input, *, out=None) -> Tensor:
    return write_out(out, Neg.apply(input))


negative = neg


@tensor_method("pow", "__pow__")
def pow(input, exponent, *, out=None) -> Tensor:  # noqa: A001
    """``input ** exponent`` for tensor/scalar combinations (PowBackward0/1/2)."""
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
    from .. import _dtype as D

    cplx = (isinstance(input, Tensor) and input.is_complex()) or isinstance(exponent, complex)
    dt = D.complex128 if cplx else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return pow(a, b)


@tensor_method("square")
def square(input) -> Tensor:
    return pow(input, 2)


# ---------------------------------------------------------------------------------------------
# unary math: one class per function; ``_unary`` builds the public function and method
class _Unary(Op):
    floating = True  # integer inputs compute in the default float dtype
    #: compute never raises a floating-point warning (no errstate context needed)
    quiet = False

    def forward(self, a):
        if self.floating:
            dt = float_np_dtype(a)
            if a.dtype != dt:
                a = a.astype(dt)
        self._save = (0,)
        xp = xp_of(a)
        if self.quiet:
            out = self.compute(xp, a)
        else:
            with _errstate(xp):
                out = self.compute(xp, a)
        if out.dtype != a.dtype and self.floating:
            out = out.astype(a.dtype)
        return out


def _unary(cls, *names):
    def fn(input, *, out=None):
        return write_out(out, cls.apply(input))
    fn.__name__ = names[0]
    fn.__doc__ = f"Elementwise ``{names[0]}`` as ``torch.{names[0]}`` (grad_fn {cls.grad_fn_name})."
    tensor_method(*names)(fn)

    def inplace(self):
        return _inplace(self, fn)
    tensor_method(*(n + "_" for n in names))(inplace)
    return fn


class Exp(_Unary):
    grad_fn_name = "ExpBackward0"

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return xp.exp(a)

    def backward(self, g):
        (out,) = self.saved_tensors
        return g * (out.conj() if out.is_complex() else out)


class Exp2(_Unary):
    grad_fn_name = "Exp2Backward0"

    def compute(self, xp, a):
        return xp.exp2(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * exp2(a) * math.log(2.0)


class Log(_Unary):
    grad_fn_name = "LogBackward0"

    def compute(self, xp, a):
        return xp.log(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g / a


class Log2(_Unary):
    grad_fn_name = "Log2Backward0"

    def compute(self, xp, a):
        return xp.log2(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g / (a * math.log(2.0))


class Log10(_Unary):
    grad_fn_name = "Log10Backward0"

    def compute(self, xp, a):
        return xp.log10(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g / (a * math.log(10.0))


class Log1p(_Unary):
    grad_fn_name = "Log1PBackward0"

    def compute(self, xp, a):
        return xp.log1p(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g / (a + 1)


class Expm1(_Unary):
    grad_fn_name = "Expm1Backward0"

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return xp.expm1(a)

    def backward(self, g):
        (out,) = self.saved_tensors
        return g * (out + 1)


class Sqrt(_Unary):
    grad_fn_name = "SqrtBackward0"

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return xp.sqrt(a)

    def backward(self, g):
        (out,) = self.saved_tensors
        return g / (out * 2)


class Rsqrt(_Unary):
    grad_fn_name = "RsqrtBackward0"

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return 1 / xp.sqrt(a)

    def backward(self, g):
        (out,) = self.saved_tensors
        return g * out.pow(3) * -0.5


class Abs(_Unary):
    grad_fn_name = "AbsBackward0"
    quiet = True
    floating = False

    def compute(self, xp, a):
        return xp.abs(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * a.sgn()


class Sign(_Unary):
    grad_fn_name = "SignBackward0"
    quiet = True
    floating = False

    def compute(self, xp, a):
        if a.dtype.kind == "f":
            return xp.where(a != a, 0, xp.sign(a)).astype(a.dtype, copy=False)
        return xp.sign(a) if a.dtype.kind != "b" else a.copy()

    def backward(self, g):
        return g * 0


class Sgn(Sign):
    grad_fn_name = "SgnBackward0"

    def compute(self, xp, a):
        if a.dtype.kind == "c":
            mag = xp.abs(a)
            return xp.where(mag == 0, 0, a / xp.where(mag == 0, 1, mag)).astype(a.dtype)
        return super().compute(xp, a)


class Sin(_Unary):
    grad_fn_name = "SinBackward0"

    def compute(self, xp, a):
        return xp.sin(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * a.cos()


class Cos(_Unary):
    grad_fn_name = "CosBackward0"

    def compute(self, xp, a):
        return xp.cos(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * -a.sin()


class Tan(_Unary):
    grad_fn_name = "TanBackward0"

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return xp.tan(a)

    def backward(self, g):
        (out,) = self.saved_tensors
        return g * (out * out + 1)


class Asin(_Unary):
    grad_fn_name = "AsinBackward0"

    def compute(self, xp, a):
        return xp.arcsin(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * (1 - a * a).rsqrt()


class Acos(_Unary):
    grad_fn_name = "AcosBackward0"

    def compute(self, xp, a):
        return xp.arccos(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return -g * (1 - a * a).rsqrt()


class Atan(_Unary):
    grad_fn_name = "AtanBackward0"

    def compute(self, xp, a):
        return xp.arctan(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g / (a * a + 1)


class Sinh(_Unary):
    grad_fn_name = "SinhBackward0"

    def compute(self, xp, a):
        return xp.sinh(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * a.cosh()


class Cosh(_Unary):
    grad_fn_name = "CoshBackward0"

    def compute(self, xp, a):
        return xp.cosh(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * a.sinh()


class Asinh(_Unary):
    grad_fn_name = "AsinhBackward0"

    def compute(self, xp, a):
        return xp.arcsinh(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * (a * a + 1).rsqrt()


class Acosh(_Unary):
    grad_fn_name = "AcoshBackward0"

    def compute(self, xp, a):
        return xp.arccosh(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * (a * a - 1).rsqrt()


class Atanh(_Unary):
    grad_fn_name = "AtanhBackward0"

    def compute(self, xp, a):
        return xp.arctanh(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g / (1 - a * a)


class Tanh(_Unary):
    grad_fn_name = "TanhBackward0"
    quiet = True

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return xp.tanh(a)

    def backward(self, g):
        (out,) = self.saved_tensors
        return g * (1 - out * out)


class Sigmoid(_Unary):
    grad_fn_name = "SigmoidBackward0"
    quiet = True

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        # numerically stable for large |a| in either sign
        e = xp.exp(-xp.abs(a))
        return xp.where(a >= 0, 1 / (1 + e), e / (1 + e))

    def backward(self, g):
        (out,) = self.saved_tensors
        return g * out * (1 - out)


class Relu(_Unary):
    grad_fn_name = "ReluBackward0"
    floating = False

    def forward(self, a):
        if a.dtype.kind == "b":
            raise RuntimeError('"clamp_min_scalar_cpu" not implemented for \'Bool\'')
        self._save = (~0,)
        xp = xp_of(a)
        if a.dtype.kind == "f":
            # NumPy's maximum is ~3x faster against an array of zeros than against a scalar
            return xp.maximum(a, _zeros_like(a))
        return xp.maximum(a, 0).astype(a.dtype, copy=False)

    def backward(self, g):
        (out,) = self.saved_tensors
        if _grad.enabled:
            # create_graph: a node of its own (it depends on the output, as in PyTorch)
            return ThresholdBackward.apply(g, out)
        return Tensor._from_array(_threshold_grad(g._data, out._data))


def _threshold_grad(g, out):
    """``g`` where ``out > 0`` or NaN, else +0.0 (PyTorch's threshold_backward)."""
    xp = xp_of(g)
    keep = xp.asarray(xp.less_equal(out, 0))
    xp.logical_not(keep, out=keep)  # NaN outputs pass the gradient, as in PyTorch
    if g.dtype.kind == "f" and g.ndim and g.shape == out.shape:
        # mask g's bits: exact for every value (an infinite g gives 0, not nan), no branches
        ibits = xp.dtype(f"int{8 * g.dtype.itemsize}")
        mask = xp.negative(keep.view(xp.int8), dtype=ibits)
        xp.bitwise_and(xp.ascontiguousarray(g).view(ibits), mask, out=mask)
        return mask.view(g.dtype)
    return xp.asarray(xp.where(keep, g, xp.zeros((), dtype=g.dtype)), dtype=g.dtype)


class ThresholdBackward(Op):
    """relu's gradient as a graph node (create_graph=True): ThresholdBackwardBackward0."""

    grad_fn_name = "ThresholdBackwardBackward0"

    def forward(self, g, out):
        self._save = (1,)
        return _threshold_grad(g, out)

    def backward(self, gg):
        (out,) = self.saved_tensors
        ggrad = ThresholdBackward.apply(gg, out) if self.next_functions[0][0] else None
        gout = gg * 0 if self.next_functions[1][0] else None
        return ggrad, gout


_ZEROS: dict = {}


def _zeros_like(a):
    """A read-only zero array shaped like ``a`` (a view of a cached, lazily mapped buffer)."""
    n = a.size
    buf = _ZEROS.get(a.dtype)
    if buf is None or buf.size < n:
        buf = xp_of(a).zeros(max(n, 4096), dtype=a.dtype)
        buf.flags.writeable = False
        _ZEROS[a.dtype] = buf
    return buf[:n].reshape(a.shape)


class Reciprocal(_Unary):
    grad_fn_name = "ReciprocalBackward0"

    def forward(self, a):
        out = super().forward(a)
        self.clear_saved()
        self.save_outputs(0)
        return out

    def compute(self, xp, a):
        return 1 / a

    def backward(self, g):
        (out,) = self.saved_tensors
        return -g * out * out


class Erf(_Unary):
    grad_fn_name = "ErfBackward0"

    def compute(self, xp, a):
        from ._special import erf_array

        return erf_array(xp, a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * (2.0 / math.sqrt(math.pi)) * (-(a * a)).exp()


class Erfc(_Unary):
    grad_fn_name = "ErfcBackward0"

    def compute(self, xp, a):
        from ._special import erf_array

        return 1 - erf_array(xp, a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return -g * (2.0 / math.sqrt(math.pi)) * (-(a * a)).exp()


class _IntegerValued(_Unary):
    floating = False

    def backward(self, g):
        return g * 0


class Floor(_IntegerValued):
    grad_fn_name = "FloorBackward0"
    quiet = True

    def compute(self, xp, a):
        return xp.floor(a) if a.dtype.kind in "fc" else a.copy()


class Ceil(_IntegerValued):
    grad_fn_name = "CeilBackward0"
    quiet = True

    def compute(self, xp, a):
        return xp.ceil(a) if a.dtype.kind in "fc" else a.copy()


class Trunc(_IntegerValued):
    grad_fn_name = "TruncBackward0"
    quiet = True

    def compute(self, xp, a):
        return xp.trunc(a) if a.dtype.kind in "fc" else a.copy()


class Round(_IntegerValued):
    grad_fn_name = "RoundBackward0"
    quiet = True

    def compute(self, xp, a):
        return xp.round(a) if a.dtype.kind in "fc" else a.copy()


class RoundDecimals(_IntegerValued):
    grad_fn_name = "RoundBackward1"

    def compute(self, xp, a):
        return xp.round(a, self.decimals)


class Frac(_Unary):
    grad_fn_name = "FracBackward0"

    def compute(self, xp, a):
        return a - xp.trunc(a)

    def backward(self, g):
        return g


exp = _unary(Exp, "exp")
exp2 = _unary(Exp2, "exp2")
log = _unary(Log, "log")
log2 = _unary(Log2, "log2")
log10 = _unary(Log10, "log10")
log1p = _unary(Log1p, "log1p")
expm1 = _unary(Expm1, "expm1")
sqrt = _unary(Sqrt, "sqrt")
rsqrt = _unary(Rsqrt, "rsqrt")
abs = _unary(Abs, "abs", "absolute")  # noqa: A001
absolute = abs
sign = _unary(Sign, "sign")
sgn = _unary(Sgn, "sgn")
sin = _unary(Sin, "sin")
cos = _unary(Cos, "cos")
tan = _unary(Tan, "tan")
asin = _unary(Asin, "asin", "arcsin")
acos = _unary(Acos, "acos", "arccos")
atan = _unary(Atan, "atan", "arctan")
arcsin, arccos, arctan = asin, acos, atan
sinh = _unary(Sinh, "sinh")
cosh = _unary(Cosh, "cosh")
asinh = _unary(Asinh, "asinh", "arcsinh")
acosh = _unary(Acosh, "acosh", "arccosh")
atanh = _unary(Atanh, "atanh", "arctanh")
tanh = _unary(Tanh, "tanh")
sigmoid = _unary(Sigmoid, "sigmoid")
relu = _unary(Relu, "relu")
reciprocal = _unary(Reciprocal, "reciprocal")
erf = _unary(Erf, "erf")
erfc = _unary(Erfc, "erfc")
floor = _unary(Floor, "floor")
ceil = _unary(Ceil, "ceil")
trunc = _unary(Trunc, "trunc", "fix")
fix = trunc
frac = _unary(Frac, "frac")


def _inplace_variant(cls, *names):
    """In-place forms whose node PyTorch names ``...Backward1`` (acosh_, asinh_, atanh_)."""
    def backward(self, g):
        raise NotImplementedError(f"the derivative for 'inplace version of {names[0][:-1]}' is "
                                  "not implemented.")
    node = type(cls.__name__ + "Inplace", (cls,),
                {"grad_fn_name": cls.grad_fn_name[:-1] + "1", "__module__": __name__,
                 "backward": backward})

    def method(self):
        return _inplace(self, node.apply)
    tensor_method(*names)(method)


_inplace_variant(Acosh, "acosh_", "arccosh_")
_inplace_variant(Asinh, "asinh_", "arcsinh_")
_inplace_variant(Atanh, "atanh_", "arctanh_")


@tensor_method("round")
def round(input, *, decimals: int = 0, out=None) -> Tensor:  # noqa: A001
    """Round half to even; ``decimals`` as PyTorch."""
    if decimals:
        return write_out(out, RoundDecimals.apply(input, decimals=decimals))
    return write_out(out, Round.apply(input))


@tensor_method("round_")
def _round_(self, *, decimals: int = 0):
    return _inplace(self, round, decimals=decimals)


# ---------------------------------------------------------------------------------------------
# clamp, maximum/minimum
class Clamp(Op):
    grad_fn_name = "ClampBackward1"

    def forward(self, a, lo, hi):
        self.save_inputs(0)
        xp = xp_of(a)
        dt = self.dtype
        a = _cast(a, dt)
        out = a
        if lo is not None:
            out = xp.maximum(out, _cast(lo, dt))
        if hi is not None:
            out = xp.minimum(out, _cast(hi, dt))
        if out is a:
            out = a.copy()
        if a.dtype.kind == "f":
            out = xp.where(xp.isnan(a), a, out)
        return xp.asarray(out, dtype=dt)

    def backward(self, g):
        (a,) = self.saved_tensors
        lo, hi = self.lo, self.hi
        mask = None
        if lo is not None:
            mask = a >= lo
        if hi is not None:
            m = a <= hi
            mask = m if mask is None else mask & m
        return g * mask, None, None


class ClampTensor(Clamp):
    grad_fn_name = "ClampBackward0"

    def backward(self, g):
        # PyTorch's rule, including min > max (the result is then max everywhere)
        (a,) = self.saved_tensors
        lo, hi = self.lo, self.hi
        zero = g.new_zeros(())
        nf = self.next_functions
        inside = None
        if lo is not None:
            inside = a >= lo
        if hi is not None:
            inside = (a <= hi) if inside is None else inside & (a <= hi)
        ga = where(inside, g, zero) if nf[0][0] is not None else None
        glo = ghi = None
        if lo is not None and nf[1][0] is not None:
            m = a < lo
            if hi is not None:
                m = m & (lo < hi)
            glo = where(m, g, zero)
        if hi is not None and nf[2][0] is not None:
            m = a > hi
            if lo is not None:
                m = m | (hi < lo)
            ghi = where(m, g, zero)
        return ga, glo, ghi


@tensor_method("clamp", "clip")
def clamp(input, min=None, max=None, *, out=None) -> Tensor:  # noqa: A002
    """Limit values to [min, max] (NaN stays NaN); gradient 1 inside, 0 outside."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = input._data.dtype
        for v in (min, max):
            if v is not None:
                dt = result_np_dtype(Tensor._from_array(xp_of(input._data).empty((1,), dt)), v)
        return write_out(out, ClampTensor.apply(input, min, max, lo=min, hi=max, dtype=dt))
    dt = input._data.dtype
    for v in (min, max):
        if v is not None and isinstance(v, float) and dt.kind in "iub":
            from .. import _dtype as D

            dt = D.get_default_dtype().np
    return write_out(out, Clamp.apply(input, min, max, lo=min, hi=max, dtype=dt))


clip = clamp


@tensor_method("clamp_", "clip_")
def _clamp_(self, min=None, max=None):  # noqa: A002
    return _inplace(self, clamp, min, max)


class ClampMin(Clamp):
    grad_fn_name = "ClampMinBackward0"


class ClampMax(Clamp):
    grad_fn_name = "ClampMaxBackward0"


def _clamp_dtype(input, v):
    dt = input._data.dtype
    if isinstance(v, float) and dt.kind in "iub":
        from .. import _dtype as D

        dt = D.get_default_dtype().np
    return dt


@tensor_method("clamp_min")
def clamp_min(input, min, *, out=None) -> Tensor:  # noqa: A002
    """``max(input, min)`` (ClampMinBackward0)."""
    if isinstance(min, Tensor):
        return clamp(input, min=min, out=out)
    return write_out(out, ClampMin.apply(input, min, None, lo=min, hi=None,
                                         dtype=_clamp_dtype(input, min)))


@tensor_method("clamp_max")
def clamp_max(input, max, *, out=None) -> Tensor:  # noqa: A002
    """``min(input, max)`` (ClampMaxBackward0)."""
    if isinstance(max, Tensor):
        return clamp(input, max=max, out=out)
    return write_out(out, ClampMax.apply(input, None, max, lo=None, hi=max,
                                         dtype=_clamp_dtype(input, max)))


@tensor_method("clamp_min_")
def _clamp_min_(self, min):  # noqa: A002
    return _inplace(self, clamp_min, min)


@tensor_method("clamp_max_")
def _clamp_max_(self, max):  # noqa: A002
    return _inplace(self, clamp_max, max)


class Maximum(Op):
    grad_fn_name = "MaximumBackward0"
    largest = True

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        self.save_inputs(0, 1)
        xp = xp_of(a)
        if self.nan_ignoring:
            return xp.fmax(a, b) if self.largest else xp.fmin(a, b)
        return xp.maximum(a, b) if self.largest else xp.minimum(a, b)

    def backward(self, g):
        # PyTorch: ties share the gradient; with a NaN both inputs get all of it
        a, b = self.saved_tensors
        zero = g.new_zeros(())
        split = where(a == b, g / 2, g)
        lose_a, lose_b = (a < b, a > b) if self.largest else (a > b, a < b)
        ga = where(lose_a, zero, split) if self.next_functions[0][0] is not None else None
        gb = where(lose_b, zero, split) if self.next_functions[1][0] is not None else None
        return ga, gb


class Minimum(Maximum):
    grad_fn_name = "MinimumBackward0"
    largest = False


class Fmax(Maximum):
    grad_fn_name = "FmaxBackward0"

    def backward(self, g):
        # PyTorch: ``a`` takes the gradient where it won (ties included) or ``b`` is NaN
        a, b = self.saved_tensors
        zero = g.new_zeros(())
        wins = (a >= b) if self.largest else (a <= b)
        to_a = wins | b.isnan()
        return where(to_a, g, zero), where(to_a, zero, g)


class Fmin(Fmax):
    grad_fn_name = "FminBackward0"
    largest = False


def _binary_tensors(input, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"expected Tensor as element 1 in argument 1, but got "
                        f"{type(other).__name__}")
    return result_np_dtype(input, other)


@tensor_method("maximum")
def maximum(input, other, *, out=None) -> Tensor:
    """Elementwise max (NaN propagates); equal values share the gradient."""
    return write_out(out, Maximum.apply(input, other, dtype=_binary_tensors(input, other),
                                        nan_ignoring=False))


@tensor_method("minimum")
def minimum(input, other, *, out=None) -> Tensor:
    return write_out(out, Minimum.apply(input, other, dtype=_binary_tensors(input, other),
                                        nan_ignoring=False))


@tensor_method("fmax")
def fmax(input, other, *, out=None) -> Tensor:
    return write_out(out, Fmax.apply(input, other, dtype=_binary_tensors(input, other),
                                     nan_ignoring=True))


@tensor_method("fmin")
def fmin(input, other, *, out=None) -> Tensor:
    return write_out(out, Fmin.apply(input, other, dtype=_binary_tensors(input, other),
                                     nan_ignoring=True))


# ---------------------------------------------------------------------------------------------
# comparisons and logic: no gradient, bool results
def _compare(ufunc_name):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            input, other = _as_tensor(input, other), other
        dt = result_np_dtype(input, other)
        a = _cast(input._data, dt)
        b = _cast(_np(other), dt)
        xp = xp_of(a)
        res = Tensor._from_array(xp.asarray(getattr(xp, ufunc_name)(a, b)))
        return write_out(out, res)
    return fn


eq = tensor_method("eq", "__eq__")(_compare("equal"))
ne = tensor_method("ne", "__ne__", "not_equal")(_compare("not_equal"))
lt = tensor_method("lt", "__lt__", "less")(_compare("less"))
le = tensor_method("le", "__le__", "less_equal")(_compare("less_equal"))
gt = tensor_method("gt", "__gt__", "greater")(_compare("greater"))
ge = tensor_method("ge", "__ge__", "greater_equal")(_compare("greater_equal"))
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge
for _n, _f in (("eq_", eq), ("ne_", ne), ("lt_", lt), ("le_", le), ("gt_", gt), ("ge_", ge)):
    tensor_method(_n)(lambda self, other, _f=_f: _inplace(self, _f, other))


@tensor_method("equal")
def equal(input, other) -> bool:
    """True when both tensors have the same shape and values."""
    return input._data.shape == other._data.shape and bool((input._data == other._data).all())


def _logical(name):
    def fn(input, other, *, out=None):
        xp = xp_of(input._data)
        res = getattr(xp, name)(input._data.astype(bool), _np(other).astype(bool)
                                if hasattr(_np(other), "astype") else builtins.bool(other))
        return write_out(out, Tensor._from_array(xp.asarray(res)))
    return fn


logical_and = tensor_method("logical_and")(_logical("logical_and"))
logical_or = tensor_method("logical_or")(_logical("logical_or"))
logical_xor = tensor_method("logical_xor")(_logical("logical_xor"))


@tensor_method("logical_not")
def logical_not(input, *, out=None) -> Tensor:
    return write_out(out, Tensor._from_array(xp_of(input._data).logical_not(input._data)))


def _bitwise(name, sym):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            input, other = _as_tensor(input, other), other
        dt = result_np_dtype(input, other)
        if dt.kind not in "iub":
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{torch_type_name(dt)}'")
        xp = xp_of(input._data)
        res = getattr(xp, name)(_cast(input._data, dt), _cast(_np(other), dt))
        return write_out(out, Tensor._from_array(xp.asarray(res, dtype=dt)))
    return fn


bitwise_and = tensor_method("bitwise_and", "__and__", "__rand__")(
    _bitwise("bitwise_and", "&"))
bitwise_or = tensor_method("bitwise_or", "__or__", "__ror__")(_bitwise("bitwise_or", "|"))
bitwise_xor = tensor_method("bitwise_xor", "__xor__", "__rxor__")(
    _bitwise("bitwise_xor", "^"))


@tensor_method("__invert__")
def _invert(self) -> Tensor:
    if self._data.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return bitwise_not(self)


@tensor_method("bitwise_not")
def bitwise_not(input, *, out=None) -> Tensor:
    if input._data.dtype.kind not in "iub":
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for "
                                  f"'{torch_type_name(input._data.dtype)}'")
    return write_out(out, Tensor._from_array(xp_of(input._data).invert(input._data)))


for _n, _f in (("__iand__", bitwise_and), ("__ior__", bitwise_or), ("__ixor__", bitwise_xor),
               ("bitwise_and_", bitwise_and), ("bitwise_or_", bitwise_or),
               ("bitwise_xor_", bitwise_xor), ("logical_and_", logical_and),
               ("logical_or_", logical_or), ("logical_xor_", logical_xor)):
    tensor_method(_n)(lambda self, other, _f=_f: _inplace(self, _f, other))


def _predicate(fn_name):
    def fn(input):
        xp = xp_of(input._data)
        a = input._data
        if a.dtype.kind not in "fc":
            if fn_name == "isfinite":
                return Tensor._from_array(xp.ones(a.shape, bool))
            return Tensor._from_array(xp.zeros(a.shape, bool))
        return Tensor._from_array(xp.asarray(getattr(xp, fn_name)(a)))
    return fn


isnan = tensor_method("isnan")(_predicate("isnan"))
isinf = tensor_method("isinf")(_predicate("isinf"))
isfinite = tensor_method("isfinite")(_predicate("isfinite"))
isposinf = tensor_method("isposinf")(_predicate("isposinf"))
isneginf = tensor_method("isneginf")(_predicate("isneginf"))


@tensor_method("signbit")
def signbit(input) -> Tensor:
    xp = xp_of(input._data)
    return Tensor._from_array(xp.asarray(xp.signbit(input._data)))


@tensor_method("isclose")
def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    xp = xp_of(input._data)
    return Tensor._from_array(xp.asarray(xp.isclose(input._data, _np(other), rtol=rtol, atol=atol,
                                                    equal_nan=equal_nan)))


@tensor_method("allclose")
def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ---------------------------------------------------------------------------------------------
# composites
def _result_np(*operands):
    from .. import _dtype as D

    return D.to_numpy_dtype(D.result_type(*operands))


class Lerp(Op):
    """``start + weight * (end - start)`` with a scalar weight (LerpBackward0)."""

    grad_fn_name = "LerpBackward0"

    def forward(self, a, b, w):
        dt = self.dtype
        a, b, w = _cast(a, dt), _cast(b, dt), _cast(w, dt)
        if self.tensor_weight:
            self.save_inputs(0, 1, 2)
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
        nf = self.next_functions
        ga = g * (1 - w) if nf[0][0] is not None else None
        gb = g * w if nf[1][0] is not None else None
        gw = g * (b - a) if nf[2][0] is not None else None
        return ga, gb, gw


@tensor_method("lerp")
def lerp(input, end, weight, *, out=None) -> Tensor:
    """``input + weight * (end - input)`` (LerpBackward0/1)."""
    if isinstance(weight, Tensor):
        dt = _result_np(input, end, weight)
        return write_out(out, LerpTensor.apply(input, end, weight, tensor_weight=True,
                                               dtype=dt))
    dt = _result_np(input, end)
    return write_out(out, Lerp.apply(input, end, weight, weight=weight, tensor_weight=False,
                                     dtype=dt))


class Addcmul(Op):
    grad_fn_name = "AddcmulBackward0"

    def forward(self, a, t1, t2):
        dt = self.dtype
        a, t1, t2 = _cast(a, dt), _cast(t1, dt), _cast(t2, dt)
        self.save_inputs(1, 2)
        v = self.value
        prod = t1 * t2
        return xp_of(prod).asarray(a + (prod * v if v != 1 else prod), dtype=dt)

    def backward(self, g):
        t1, t2 = self.saved_tensors
        v = self.value
        gv = g * v if v != 1 else g
        nf = self.next_functions
        return (g, gv * t2 if nf[1][0] is not None else None,
                gv * t1 if nf[2][0] is not None else None)


class Addcdiv(Op):
    grad_fn_name = "AddcdivBackward0"

    def forward(self, a, t1, t2):
        dt = self.dtype
        a, t1, t2 = _cast(a, dt), _cast(t1, dt), _cast(t2, dt)
        self.save_inputs(1, 2)
        v = self.value
        xp = xp_of(t1)
        with _errstate(xp):
            q = t1 / t2
        return xp.asarray(a + (q * v if v != 1 else q), dtype=dt)

    def backward(self, g):
        t1, t2 = self.saved_tensors
        v = self.value
        gv = g * v if v != 1 else g
        nf = self.next_functions
        return (g, gv / t2 if nf[1][0] is not None else None,
                -gv * t1 / (t2 * t2) if nf[2][0] is not None else None)


@tensor_method("addcmul")
def addcmul(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 * tensor2`` (AddcmulBackward0)."""
    dt = _result_np(input, tensor1, tensor2)
    return write_out(out, Addcmul.apply(input, tensor1, tensor2, value=value, dtype=dt))


@tensor_method("addcdiv")
def addcdiv(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 / tensor2`` (AddcdivBackward0)."""
    if (tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub"):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    dt = _result_np(input, tensor1, tensor2)
    return write_out(out, Addcdiv.apply(input, tensor1, tensor2, value=value, dtype=dt))


class Hypot(Op):
    grad_fn_name = "HypotBackward0"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        self.save_inputs(0, 1)
        self.save_outputs(0)
        return xp_of(a).hypot(a, b)

    def backward(self, g):
        a, b, out = self.saved_tensors
        return g * a / out, g * b / out


class Atan2(Op):
    grad_fn_name = "Atan2Backward0"

    def forward(self, a, b):
        dt = self.dtype
        a, b = _cast(a, dt), _cast(b, dt)
        self.save_inputs(0, 1)
        return xp_of(a).arctan2(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        den = a * a + b * b
        return g * b / den, -g * a / den


@tensor_method("atan2", "arctan2")
def atan2(input, other, *, out=None) -> Tensor:
    dt = result_np_dtype(input, other)
    if dt.kind not in "fc":
        from .. import _dtype as D

        dt = D.get_default_dtype().np
    return write_out(out, Atan2.apply(input, other, dtype=dt))


arctan2 = atan2


@tensor_method("hypot")
def hypot(input, other, *, out=None) -> Tensor:
    """``sqrt(input**2 + other**2)`` without overflow (HypotBackward0)."""
    return write_out(out, Hypot.apply(input, other, dtype=result_np_dtype(input, other)))


# ---------------------------------------------------------------------------------------------
# in-place forms (the machinery lives in _inplace.py)
_inplace = inplace
_check_cast = check_cast


def _make_inplace(name, fn):
    def method(self, *args, **kwargs):
        return _inplace(self, fn, *args, **kwargs)
    method.__name__ = name
    return method


for _name, _fn in (("add_", add), ("sub_", sub), ("subtract_", sub), ("mul_", mul),
                   ("multiply_", mul), ("div_", div), ("divide_", div), ("true_divide_", div),
                   ("pow_", pow), ("remainder_", remainder), ("fmod_", fmod),
                   ("floor_divide_", floor_divide), ("neg_", neg), ("negative_", neg),
                   ("__iadd__", add), ("__isub__", sub), ("__imul__", mul),
                   ("__itruediv__", div), ("__ipow__", pow), ("__ifloordiv__", floor_divide),
                   ("__imod__", remainder), ("lerp_", lerp), ("addcmul_", addcmul),
                   ("addcdiv_", addcdiv), ("square_", square), ("atan2_", atan2),
                   ("logical_not_", logical_not), ("bitwise_not_", bitwise_not),
                   ("hypot_", hypot)):
    tensor_method(_name)(_make_inplace(_name, _fn))


def where(condition, input, other):  # re-bound by indexing.where at import; used by Pow backward
    from .indexing import where as _where

    return _where(condition, input, other)
