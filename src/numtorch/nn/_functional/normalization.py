"""Normalisation functions of ``torch.nn.functional``: batch, instance, layer and group norm
(kernels in ``numtorch._ops.nn.normalization``), ``rms_norm``, ``local_response_norm`` and
``normalize`` (compositions of numtorch ops)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..._ops._base import write_out
from ..._ops.nn.normalization import batch_norm, group_norm, instance_norm, layer_norm
from ..._ops.nn.pooling import check_pool_dtype
from ..._ops.nn.sampling import pad
from ..._ops.pointwise import rsqrt
from ..._tensor import Tensor

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "normalize"]


def rms_norm(input: Tensor, normalized_shape: int | Sequence[int],
             weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """``F.rms_norm``: ``x / sqrt(mean(x^2) + eps) * weight`` over the trailing dims; eps
    defaults to the dtype's machine epsilon."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
            f"{list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"rms_norm" not implemented for \'{input.dtype.c_name}\'')
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    dims = list(range(input.dim() - k, input.dim()))
    sq = input.pow(2)  # PowBackward0, as PyTorch's graph
    ms = sq.mean(dim=dims, keepdim=True) if dims else sq
    out = input * rsqrt(ms + eps)
    if weight is None:
        return out
    out = out * weight
    return out if out.dtype is input.dtype else out.to(input.dtype)  # the input's, as PyTorch


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """``F.local_response_norm``: divide by ``(k + alpha * mean of squares over a window of
    `size` neighbouring channels) ** beta`` (zero-padded at the channel ends)."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    # PyTorch averages the squares with avg_pool2d (3-D input) or avg_pool3d: their dtypes
    if input.dim() == 3:
        check_pool_dtype(input, "avg_pool2d", ints="long")
    else:
        check_pool_dtype(input, "avg_pool3d_out_frame", ints="long", half=False)
    sq = input * input
    widths = [0, 0] * (input.dim() - 2) + [size // 2, (size - 1) // 2]
    sq = pad(sq, widths)
    win = sq.unfold(1, size, 1).sum(-1) / size
    return input / (win * alpha + k).pow(beta)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim`` (``F.normalize``)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    res = input / denom
    if out is not None:
        return write_out(out, res)
    return res
