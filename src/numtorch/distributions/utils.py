"""Helpers shared by the distributions, as ``torch.distributions.utils`` offers them."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from numbers import Number
from typing import Any

import numpy as np

import numtorch as torch
from numtorch._tensor import Tensor

__all__ = ["broadcast_all", "clamp_probs", "euler_constant", "lazy_property", "logits_to_probs",
           "probs_to_logits", "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def _finfo(dtype) -> np.finfo:
    """Floating-point limits of a numtorch dtype (what ``torch.finfo`` reports)."""
    return np.finfo(dtype.np)


def _eps(dtype) -> float:
    return float(_finfo(dtype).eps)


def _tiny(dtype) -> float:
    return float(_finfo(dtype).tiny)


def is_tensor_like(x: Any) -> bool:
    """Whether ``x`` is a Tensor (numtorch has no ``__torch_function__`` subclasses)."""
    return isinstance(x, Tensor)


def broadcast_all(*values) -> tuple[Tensor, ...]:
    """Broadcast Tensors and numbers together, as torch's ``broadcast_all``.

    Numbers become tensors of the first Tensor argument's dtype and device (the default dtype
    when there is none).
    """
    if not all(is_tensor_like(v) or isinstance(v, Number) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(is_tensor_like(v) for v in values):
        opts: dict = {"dtype": torch.get_default_dtype()}
        for v in values:
            if is_tensor_like(v):
                opts = {"dtype": v.dtype, "device": v.device}
                break
        values = tuple(v if is_tensor_like(v) else torch.tensor(v, **opts) for v in values)
    return tuple(torch.broadcast_tensors(*values))


def _standard_normal(shape, dtype, device) -> Tensor:
    """Standard normal draws of ``shape`` through ``normal_`` (torch's generator order)."""
    return torch.empty(shape, dtype=dtype, device=device).normal_()


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """Sum out the ``dim`` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Sigmoid of binary logits, or softmax over the last dimension."""
    if is_binary:
        return torch.sigmoid(logits)
    return torch.softmax(logits, dim=-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """Clamp probabilities into ``[eps, 1 - eps]`` of their dtype."""
    eps = _eps(probs.dtype)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Log-odds of binary probabilities, or log-probabilities of categorical ones (clamped)."""
    clamped = clamp_probs(probs)
    if is_binary:
        return torch.log(clamped) - torch.log1p(-clamped)
    return torch.log(clamped)


class lazy_property:
    """A property computed on first access and then stored on the instance (under grad mode).

    On the class it reads as a property, so documentation tools see it.
    """

    def __init__(self, wrapped: Callable) -> None:
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with torch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a ``lazy_property`` reads as on its class."""

    def __init__(self, wrapped: Callable) -> None:
        property.__init__(self, wrapped)


def _tril_mask(n: int, diag: int, device) -> Tensor:
    arange = torch.arange(n, device=device)
    return arange < arange.view(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The lower-triangular part (below diagonal ``diag``) of the last two dims, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag, mat.device)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """Inverse of :func:`tril_matrix_to_vec`: a square matrix with zeros above diagonal ``diag``."""
    k = 1 + 2 * diag
    n = (-k + (k ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > _eps(vec.dtype):
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be "
                         "expressed as the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    mat[..., _tril_mask(n, diag, vec.device)] = vec
    return mat
