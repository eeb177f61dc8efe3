"""Binary elementwise math beyond arithmetic: ``atan2``, ``hypot``, ``copysign``,
``logaddexp``, ``nextafter``, ``heaviside``, ``gcd``/``lcm``, ``ldexp``/``frexp``.

:class:`BinaryOp` and :func:`binary_function` are the template the binary special functions
(:mod:`.special`) share: both operands cast to the op's dtype, then ``compute``.
"""

from __future__ import annotations

from ... import _dtype as D
from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import PLAIN, check, need_tensor, overloads, with_out
from .._base import Op, result_np_dtype, tensor_method, write_out
from .._inplace import inplace
from .._return_types import named_tuple
from ..creation import tensor
from ._common import CPLX, INTS, arr, cast, float_result, quiet, refusals, refuse
from .arith import mul
from .arith import pow as _pow
from .ternary import where

__all__ = ["atan2", "arctan2", "hypot", "copysign", "logaddexp", "logaddexp2", "nextafter",
           "heaviside", "lcm", "gcd", "ldexp", "frexp"]


class BinaryOp(Op):
    """Both operands cast to ``self.dtype``, then ``self.compute(xp, a, b)`` (no warnings)."""

    params = ("dtype",)
    _save = (0, 1)

    #: computation dtypes PyTorch refuses (see ``_common.refusals``)
    refused: dict = {}

    def forward(self, a, b):
        dt = self.dtype
        if self.refused:
            refuse(self.refused, dt, a, b)
        xp = xp_of(a if hasattr(a, "dtype") else b)
        a = xp.asarray(a, dtype=dt)
        b = xp.asarray(b, dtype=dt)
        with quiet(xp):
            return xp.asarray(self.compute(xp, a, b), dtype=dt)

    def saved_operands(self):
        """The saved operands as Tensors of the op's dtype (Python scalars converted)."""
        out = []
        for v in self.saved_tensors:
            if not isinstance(v, Tensor):
                v = tensor(v, dtype=D.from_numpy_dtype(self.dtype))
            out.append(v)
        return out


def tensor_pair(name: str, second: str = "other"):
    """Overloads of a binary op taking two Tensors (``atan2``)."""
    return overloads(f"(Tensor input, Tensor {second}, *, Tensor out = None)")


def with_numbers(name: str, self_number: bool = True):
    """Overloads of a binary op that also takes a Number on either side (``xlogy``)."""
    sigs = ["(Tensor input, Tensor other, *, Tensor out = None)"]
    if self_number:
        sigs.append("(Number self, Tensor other, *, Tensor out = None)")
    sigs.append("(Tensor input, Number other, *, Tensor out = None)")
    return overloads(*sigs)


def binary_function(cls, name: str, floating: bool = True, method: bool = True, sigs=None):
    """The public function (and, with ``method``, the Tensor method and its in-place form) of a
    binary op; ``floating``: integral operands compute in the default float dtype; ``sigs``:
    PyTorch's overloads (default: two Tensors)."""
    sigs = sigs or tensor_pair(name)
    numbers = any(p.kind == "Number" for s in sigs for p in s.params)

    def fn(input, other, *, out=None) -> Tensor:
        if (input.__class__ is not Tensor or other.__class__ is not Tensor or out is not None) \
                and not (numbers and input.__class__ in PLAIN and other.__class__ in PLAIN
                         and out is None):
            check(name, sigs, (input, other), with_out(None, out))
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{name}() expected at least one Tensor argument")
        dt = float_result(input, other) if floating else result_np_dtype(input, other)
        return write_out(out, cls.apply(input, other, dtype=dt))
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}`` elementwise with broadcasting ({cls.grad_fn_name})."
    if method:
        tensor_method(name)(fn)
        tensor_method(name + "_")(lambda self, other: inplace(self, fn, other))
    return fn


class Copysign(BinaryOp):
    grad_fn_name = "CopysignBackward0"

    def compute(self, xp, a, b):
        return xp.copysign(a, b)

    def backward(self, g):
        a, b = self.saved_operands()
        out = copysign(a, b)
        ratio = where(a == 0, 0.0, out / a)
        return g * ratio, g * 0


class Logaddexp(BinaryOp):
    grad_fn_name = "LogaddexpBackward0"
    base2 = False

    def compute(self, xp, a, b):
        if a.dtype.kind == "c":  # no complex loop: max + log1p(exp(min - max)), by real part
            hi = xp.where(a.real >= b.real, a, b)
            lo = xp.where(a.real >= b.real, b, a)
            if self.base2:
                return hi + xp.log1p(xp.exp2(lo - hi)) / xp.log(2)
            return hi + xp.log1p(xp.exp(lo - hi))
        return xp.logaddexp2(a, b) if self.base2 else xp.logaddexp(a, b)

    def backward(self, g):
        a, b = self.saved_operands()
        if self.base2:
            return g / (1 + (b - a).exp2()), g / (1 + (a - b).exp2())
        return g / (1 + (b - a).exp()), g / (1 + (a - b).exp())


class Logaddexp2(Logaddexp):
    grad_fn_name = "Logaddexp2Backward0"
    base2 = True


class Nextafter(BinaryOp):
    grad_fn_name = "NextafterBackward0"

    def compute(self, xp, a, b):
        return xp.nextafter(a, b)

    def backward(self, g):
        return g, g * 0


copysign = binary_function(Copysign, "copysign", sigs=with_numbers("copysign", False))
logaddexp = binary_function(Logaddexp, "logaddexp", floating=False)
logaddexp2 = binary_function(Logaddexp2, "logaddexp2", floating=False)
nextafter = binary_function(Nextafter, "nextafter", floating=False)


class _NoDerivative(BinaryOp):
    """A binary op PyTorch defines no derivative for (backward raises)."""

    _save = ()


class Heaviside(_NoDerivative):
    grad_fn_name = "HeavisideBackward0"

    def compute(self, xp, a, b):
        return xp.where(a == 0, b, (a > 0).astype(a.dtype))


class Lcm(_NoDerivative):
    grad_fn_name = "LcmBackward0"

    def compute(self, xp, a, b):
        return xp.abs(xp.lcm(a, b))


class Gcd(_NoDerivative):
    grad_fn_name = "GcdBackward0"

    def compute(self, xp, a, b):
        return xp.gcd(a, b)


Copysign.refused = refusals("copysign_cpu", CPLX)
Logaddexp.refused = refusals("logaddexp_cpu", ("bool",) + INTS)
Logaddexp2.refused = refusals("logaddexp2_cpu", ("bool",) + INTS + CPLX)
Nextafter.refused = refusals("nextafter_cpu", ("bool",) + INTS + CPLX)
Heaviside.refused = refusals("", CPLX, RuntimeError,
                             "heaviside is not yet implemented for complex tensors.")
Lcm.refused = refusals("lcm_cpu", ("bool", "float16", "float32", "float64") + CPLX)
Gcd.refused = refusals("gcd_cpu", ("bool", "float16", "float32", "float64") + CPLX)
_HEAVISIDE = tensor_pair("heaviside", "values")
_heaviside = binary_function(Heaviside, "heaviside", floating=False, method=False,
                             sigs=_HEAVISIDE)
lcm = binary_function(Lcm, "lcm", floating=False)
gcd = binary_function(Gcd, "gcd", floating=False)


@tensor_method("heaviside")
def heaviside(input, values, *, out=None) -> Tensor:
    """Step function with ``values`` where ``input == 0`` (same dtypes required, as torch)."""
    if not (isinstance(input, Tensor) and isinstance(values, Tensor)):
        check("heaviside", _HEAVISIDE, (input, values), with_out(None, out))
    if any(v._data.dtype.kind == "c" for v in (input, values)):
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if isinstance(input, Tensor) and isinstance(values, Tensor) and \
            input._data.dtype != values._data.dtype and not (
            input._data.dtype.kind == "c" or values._data.dtype.kind == "c"):
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    return _heaviside(input, values, out=out)


@tensor_method("heaviside_")
def _heaviside_(self, values):
    return inplace(self, heaviside, values)


class Hypot(Op):
    grad_fn_name = "HypotBackward0"
    params = ("dtype",)
    _save = (0, 1, ~0)

    def forward(self, a, b):
        dt = self.dtype
        refuse(_HYPOT_REFUSED, dt, a, b)
        a, b = cast(a, dt), cast(b, dt)
        return xp_of(a).hypot(a, b)

    def backward(self, g):
        a, b, out = self.saved_tensors
        return g * a / out, g * b / out


class Atan2(Op):
    grad_fn_name = "Atan2Backward0"
    params = ("dtype",)
    _save = (0, 1)

    def forward(self, a, b):
        dt = self.dtype
        refuse(_ATAN2_REFUSED, dt, a, b)
        a, b = cast(a, dt), cast(b, dt)
        return xp_of(a).arctan2(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        den = a * a + b * b
        return g * b / den, -g * a / den


_PAIR = tensor_pair("atan2")
_HYPOT_REFUSED = refusals("hypot_cpu", ("bool",) + INTS + CPLX)
_ATAN2_REFUSED = refusals("atan2_cpu", CPLX)


@tensor_method("atan2", "arctan2")
def atan2(input, other, *, out=None) -> Tensor:
    """The angle of the point (other, input), in (-pi, pi] (Atan2Backward0)."""
    if input.__class__ is not Tensor or other.__class__ is not Tensor or out is not None:
        check("atan2", _PAIR, (input, other), with_out(None, out))
    return write_out(out, Atan2.apply(input, other, dtype=float_result(input, other)))


arctan2 = atan2


@tensor_method("hypot")
def hypot(input, other, *, out=None) -> Tensor:
    """``sqrt(input**2 + other**2)`` without overflow (HypotBackward0)."""
    if input.__class__ is not Tensor or other.__class__ is not Tensor or out is not None:
        check("hypot", _PAIR, (input, other), with_out(None, out))
    return write_out(out, Hypot.apply(input, other, dtype=result_np_dtype(input, other)))


@tensor_method("ldexp")
def ldexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``input * 2 ** other`` (a composite, as in PyTorch)."""
    if input.__class__ is not Tensor or other.__class__ is not Tensor or out is not None:
        check("ldexp", _PAIR, (input, other), with_out(None, out))
    dt = float_result(input, other)
    if other._data.dtype.kind == "b" and input._data.dtype.kind in "fV":
        refuse(refusals("ldexp_cpu_exp", ("bool",)), other._data.dtype, input._data, other._data)
    two = Tensor._from_array(xp_of(arr(input)).asarray(2.0, dtype=dt))
    return write_out(out, mul(input, _pow(two, other)))


class Frexp(Op):
    grad_fn_name = "FrexpBackward0"
    params = ()
    non_differentiable = (1,)

    def forward(self, a):
        m, e = xp_of(a).frexp(a)
        self.exponent = e
        return m, e.astype("int32")

    def backward(self, g, _):
        scale = Tensor._from_array(xp_of(g._data).ldexp(g._data.dtype.type(1), -self.exponent))
        return (g * scale,)


@tensor_method("frexp")
def frexp(input: Tensor, *, out=None):
    """(mantissa, exponent) with ``input = mantissa * 2 ** exponent``; exponent is int32."""
    need_tensor("frexp", input)
    if input._data.dtype.kind not in "fV":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    result = named_tuple("frexp", ("mantissa", "exponent"))
    return result(*Frexp.apply(input))


for _name, _fn in (("atan2_", atan2), ("hypot_", hypot)):
    tensor_method(_name)(lambda self, *args, _fn=_fn: inplace(self, _fn, *args))
