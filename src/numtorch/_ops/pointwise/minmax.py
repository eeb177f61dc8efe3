"""Clamping and elementwise extrema: ``clamp`` (``clip``, ``clamp_min``/``clamp_max``),
``maximum``/``minimum`` (NaN propagates) and ``fmax``/``fmin`` (NaN ignored)."""

from __future__ import annotations

from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import PLAIN, check, number_param, overloads, with_out
from .._base import Op, result_np_dtype, tensor_method, write_out
from .._inplace import inplace
from ._common import cast, result_of
from .ternary import where

__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin"]


class Clamp(Op):
    grad_fn_name = "ClampBackward1"
    params = ("dtype", "lo", "hi")
    _save = (0,)

    def forward(self, a, lo, hi):
        xp = xp_of(a)
        dt = self.dtype
        a = cast(a, dt)
        out = a
        if lo is not None:
            out = xp.maximum(out, cast(lo, dt))
        if hi is not None:
            out = xp.minimum(out, cast(hi, dt))
        if out is a:
            out = a.copy()
        if a.dtype.kind in "fV":
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
        # a zero where clamped, whatever g holds (inf * 0 would be NaN), as PyTorch's where
        return where(mask, g, g.new_zeros(())), None, None


class ClampTensor(Clamp):
    grad_fn_name = "ClampBackward0"

    def backward(self, g):
        # PyTorch's rule, including min > max (the result is then max everywhere)
        (a,) = self.saved_tensors
        lo, hi = self.lo, self.hi
        zero = g.new_zeros(())
        need = self.needs_input_grad
        inside = None
        if lo is not None:
            inside = a >= lo
        if hi is not None:
            inside = (a <= hi) if inside is None else inside & (a <= hi)
        ga = where(inside, g, zero) if need[0] else None
        glo = ghi = None
        if lo is not None and need[1]:
            m = a < lo
            if hi is not None:
                m = m & (lo < hi)
            glo = where(m, g, zero)
        if hi is not None and need[2]:
            m = a > hi
            if lo is not None:
                m = m | (hi < lo)
            ghi = where(m, g, zero)
        return ga, glo, ghi


class ClampMin(Clamp):
    grad_fn_name = "ClampMinBackward0"


class ClampMax(Clamp):
    grad_fn_name = "ClampMaxBackward0"


def _clamp_dtype(input, v):
    """PyTorch's promotion of ``input`` with a scalar bound."""
    return result_of(input, v)


_CLAMP = overloads("(Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)",
                   "(Tensor input, Number min = None, Number max = None, *, Tensor out = None)")
_CLAMP_MIN = overloads("(Tensor input, Tensor min, *, Tensor out = None)",
                       "(Tensor input, Number min, *, Tensor out = None)")
_CLAMP_MAX = overloads("(Tensor input, Tensor max, *, Tensor out = None)",
                       "(Tensor input, Number max, *, Tensor out = None)")
_EXTREMA = overloads("(Tensor input, Tensor other, *, Tensor out = None)")
_COMPLEX = "clamp is not supported for complex types"


def _clamp_args(name, sigs, input, bounds, out) -> None:
    """PyTorch's TypeError for the argument kinds of a clamp function."""
    given = [b for b in bounds if b is not None]
    if len(bounds) == 1 and not given:
        given = bounds  # clamp_min/clamp_max: the bound is required
    mixed = len(given) == 2 and (given[0].__class__ is Tensor) != (given[1].__class__ is Tensor)
    if (input.__class__ is not Tensor or out is not None or mixed
            or any(b.__class__ not in PLAIN for b in given)):
        args = (input, *bounds)
        if len(args) == 3 and bounds[1] is None:
            args = args[:2]
        check(name, sigs, args, with_out(None, out))


def _no_complex(input) -> None:
    if input._data.dtype.kind == "c":
        raise NotImplementedError(_COMPLEX)


@tensor_method("clamp", "clip")
def clamp(input, min=None, max=None, *, out=None) -> Tensor:  # noqa: A002
    """Limit values to [min, max] (NaN stays NaN); gradient 1 inside, 0 outside."""
    _clamp_args("clamp", _CLAMP, input, (min, max), out)
    if (min.__class__ is Tensor) != (max.__class__ is Tensor) and not (min is None or max is None):
        # a Number with a 0-d Tensor: PyTorch's Number overload takes the tensor's value
        min, max = number_param(min), number_param(max)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    _no_complex(input)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = result_of(*[v for v in (input, min, max) if v is not None])
        return write_out(out, ClampTensor.apply(input, min, max, lo=min, hi=max, dtype=dt))
    dt = result_of(*[v for v in (input, min, max) if v is not None])
    return write_out(out, Clamp.apply(input, min, max, lo=min, hi=max, dtype=dt))


clip = clamp


@tensor_method("clamp_min")
def clamp_min(input, min, *, out=None) -> Tensor:  # noqa: A002
    """``max(input, min)`` (ClampMinBackward0)."""
    _clamp_args("clamp_min", _CLAMP_MIN, input, (min,), out)
    _no_complex(input)
    if isinstance(min, Tensor):
        return clamp(input, min=min, out=out)
    return write_out(out, ClampMin.apply(input, min, None, lo=min, hi=None,
                                         dtype=_clamp_dtype(input, min)))


@tensor_method("clamp_max")
def clamp_max(input, max, *, out=None) -> Tensor:  # noqa: A002
    """``min(input, max)`` (ClampMaxBackward0)."""
    _clamp_args("clamp_max", _CLAMP_MAX, input, (max,), out)
    _no_complex(input)
    if isinstance(max, Tensor):
        return clamp(input, max=max, out=out)
    return write_out(out, ClampMax.apply(input, None, max, lo=None, hi=max,
                                         dtype=_clamp_dtype(input, max)))


@tensor_method("clamp_", "clip_")
def _clamp_(self, min=None, max=None):  # noqa: A002
    return inplace(self, clamp, min, max)


@tensor_method("clamp_min_")
def _clamp_min_(self, min):  # noqa: A002
    return inplace(self, clamp_min, min)


@tensor_method("clamp_max_")
def _clamp_max_(self, max):  # noqa: A002
    return inplace(self, clamp_max, max)


class Maximum(Op):
    grad_fn_name = "MaximumBackward0"
    params = ("dtype", "nan_ignoring")
    _save = (0, 1)
    largest = True

    def forward(self, a, b):
        dt = self.dtype
        a, b = cast(a, dt), cast(b, dt)
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
        need = self.needs_input_grad
        ga = where(lose_a, zero, split) if need[0] else None
        gb = where(lose_b, zero, split) if need[1] else None
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


def _binary_tensors(name, input, other, out):
    if input.__class__ is not Tensor or other.__class__ is not Tensor or out is not None:
        check(name, _EXTREMA, (input, other), with_out(None, out))
    if input._data.dtype.kind == "c" or other._data.dtype.kind == "c":
        raise RuntimeError(f"{name} not implemented for complex tensors.")
    return result_np_dtype(input, other)


@tensor_method("maximum")
def maximum(input, other, *, out=None) -> Tensor:
    """Elementwise max (NaN propagates); equal values share the gradient."""
    return write_out(out, Maximum.apply(input, other,
                                        dtype=_binary_tensors("maximum", input, other, out),
                                        nan_ignoring=False))


@tensor_method("minimum")
def minimum(input, other, *, out=None) -> Tensor:
    """Elementwise min (NaN propagates); equal values share the gradient."""
    return write_out(out, Minimum.apply(input, other,
                                        dtype=_binary_tensors("minimum", input, other, out),
                                        nan_ignoring=False))


@tensor_method("fmax")
def fmax(input, other, *, out=None) -> Tensor:
    """Elementwise max ignoring NaN (NaN only where both are NaN)."""
    return write_out(out, Fmax.apply(input, other,
                                        dtype=_binary_tensors("fmax", input, other, out),
                                     nan_ignoring=True))


@tensor_method("fmin")
def fmin(input, other, *, out=None) -> Tensor:
    """Elementwise min ignoring NaN (NaN only where both are NaN)."""
    return write_out(out, Fmin.apply(input, other,
                                        dtype=_binary_tensors("fmin", input, other, out),
                                     nan_ignoring=True))
