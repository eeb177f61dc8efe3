"""Complex-number views and helpers: ``real``/``imag`` (views), ``conj``, ``angle``, and the
lazy-bit queries (numtorch materialises conjugates eagerly, so they are no-ops)."""

from __future__ import annotations

import math

from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import Op, tensor_method, write_out
from ._common import floatify
from .ternary import where

__all__ = ["real", "imag", "conj", "conj_physical", "resolve_conj", "resolve_neg", "angle"]


class Real(Op):
    grad_fn_name = "RealBackward0"
    params = ()
    is_view = True

    def forward(self, a):
        return a.real

    def backward(self, g):
        return (g,)


class Imag(Op):
    grad_fn_name = "ImagBackward0"
    params = ()
    is_view = True

    def forward(self, a):
        return a.imag

    def backward(self, g):
        return (g * 1j,)


class Conj(Op):
    grad_fn_name = "ConjBackward0"
    params = ()

    def forward(self, a):
        return xp_of(a).conj(a)

    def backward(self, g):
        return (conj(g),)


class ConjPhysical(Conj):
    grad_fn_name = "ConjPhysicalBackward0"


def real(input: Tensor) -> Tensor:
    """Real part (a view); a real tensor is returned as is."""
    need_tensor("real", input)
    if input._data.dtype.kind != "c":
        return input
    return Real.apply(input)


def imag(input: Tensor) -> Tensor:
    """Imaginary part (a view); real tensors raise as in PyTorch."""
    need_tensor("imag", input)
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return Imag.apply(input)


tensor_method("real")(property(real))
tensor_method("imag")(property(imag))


@tensor_method("conj")
def conj(input: Tensor) -> Tensor:
    """Complex conjugate (real tensors are returned as is)."""
    need_tensor("conj", input)
    if input._data.dtype.kind != "c":
        return input
    return Conj.apply(input)


@tensor_method("conj_physical")
def conj_physical(input: Tensor, *, out=None) -> Tensor:
    """Complex conjugate computed now (a copy with ``out=`` for real tensors)."""
    need_tensor("conj_physical", input)
    if input._data.dtype.kind != "c":
        return write_out(out, input.clone()) if out is not None else input
    return write_out(out, ConjPhysical.apply(input))


@tensor_method("resolve_conj")
def resolve_conj(input: Tensor) -> Tensor:
    """numtorch materialises conjugates eagerly, so this returns ``input``."""
    return input


@tensor_method("resolve_neg")
def resolve_neg(input: Tensor) -> Tensor:
    """numtorch has no lazy negation bit, so this returns ``input``."""
    return input


@tensor_method("is_conj")
def _is_conj(self) -> bool:
    return False


@tensor_method("is_neg")
def _is_neg(self) -> bool:
    return False


class Angle(Op):
    grad_fn_name = "AngleBackward0"
    params = ()
    _save = (0,)

    def forward(self, a):
        xp = xp_of(a)
        if a.dtype.kind == "c":
            return xp.angle(a)
        out = xp.where(a < 0, math.pi, 0.0)
        return xp.asarray(xp.where(xp.isnan(a), a, out), dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        if a._data.dtype.kind != "c":
            return (g * 0,)
        # d angle in PyTorch's convention: g * (-imag, real) / |z|^2
        denom = a.abs().pow(2)
        return (g * (-imag(a) + 1j * real(a)) / where(denom == 0, 1.0, denom)
                * (denom != 0),)


@tensor_method("angle")
def angle(input: Tensor, *, out=None) -> Tensor:
    """Argument of complex numbers; 0 or pi for real ones (nan kept)."""
    need_tensor("angle", input)
    return write_out(out, Angle.apply(floatify(input)))
