"""Dropout functions of ``torch.nn.functional``: element, channel (1-3 D) and alpha dropout.

Masks come from ``bernoulli_`` on the default generator, so after the same seed they equal
PyTorch's CPU masks.
"""

from __future__ import annotations

import math
import warnings

from ..._tensor import Tensor
from ...autograd import grad_mode

__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d",
           "dropout3d"]


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _memory_order(input: Tensor) -> list[int]:
    """Dims from outermost to innermost in memory, ordered as torch's ``empty_like`` orders
    them (an insertion sort on strides where a zero stride leaves the order alone)."""
    n = input.ndim
    strides, sizes = input.stride(), input.shape
    perm = list(range(n - 1, -1, -1))  # innermost first

    def should_swap(d0: int, d1: int) -> int:
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return 1 if s0 > s1 else -1
        return 1 if sizes[d0] > sizes[d1] else 0

    for i in range(1, n):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            cmp = should_swap(perm[d0], perm[d1])
            if cmp > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif cmp < 0:
                break
    return perm[::-1]


def _empty_in_layout(input: Tensor) -> Tensor:
    """An empty tensor laid out as torch's ``empty_like`` lays out ``input`` (a permuted input
    keeps its dim order), so that ``bernoulli_``, which fills in memory order, draws the mask
    torch draws for a transposed input."""
    if input.is_contiguous():
        return input.new_empty(tuple(input.shape))
    order = _memory_order(input)
    inverse = sorted(range(input.ndim), key=lambda i: order[i])
    return input.new_empty(tuple(input.shape[d] for d in order)).permute(*inverse)


def _dropout_impl(input: Tensor, p: float, train: bool, inplace: bool, feature: bool,
                  alpha: bool) -> Tensor:
    """PyTorch's dropout arithmetic: mask = bernoulli_(1 - p) (one draw per element, or per
    (N, C) plane for feature dropout), kept values scaled by 1/(1 - p) in the input's dtype.
    Alpha dropout keeps the SELU mean and variance instead."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = input.new_zeros(())
        return input.mul_(zero) if inplace else input * zero
    if feature:
        if input.ndim < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    else:
        shape = tuple(input.shape)
    noise = input.new_empty(shape) if feature else _empty_in_layout(input)
    with grad_mode.no_grad():
        noise.bernoulli_(1 - p)
        if alpha:
            a_const = 1.7580993408473766
            a = 1.0 / math.sqrt((a_const * a_const * p + 1) * (1 - p))
            b = noise.add(-1).mul_(a_const * a).add_(a_const * a * p)
            noise.mul_(a)
        else:
            noise.div_(1 - p)
    out = input.mul_(noise) if inplace else input * noise
    if alpha:
        out = out.add_(b) if inplace else out + b
    return out


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """``F.dropout``: the same mask as PyTorch's CPU generator after the same seed."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, False, False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, False, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, True, True)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool,
                     batched: bool) -> Tensor:
    if not batched:
        out = _dropout_impl(input.unsqueeze(0), p, training, inplace, True, False)
        return out.squeeze(0) if out is not input else input
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
            "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    _check_p(p)
    nd = input.ndim
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    _check_p(p)
    nd = input.ndim
    if nd not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, nd != 4)

