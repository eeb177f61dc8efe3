"""Distance functions of ``torch.nn.functional``: ``pairwise_distance``, ``cosine_similarity``
and ``pdist``."""

from __future__ import annotations

import numpy as np

from ..._ops.creation import tensor as _tensor
from ..._ops.indexing import index_select
from ..._ops.shape import broadcast_to
from ..._tensor import Tensor
from ...autograd import grad_mode

__all__ = ["pairwise_distance", "cosine_similarity", "pdist"]


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dimension (``F.pairwise_distance``)."""
    nd = max(x1.ndim, x2.ndim)
    return (x1 - x2 + eps).norm(p, nd - 1, keepdim=keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (norms clamped at eps)."""
    shape = tuple(np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape)))
    a = broadcast_to(x1, shape) if tuple(x1.shape) != shape else x1
    b = broadcast_to(x2, shape) if tuple(x2.shape) != shape else x2
    na = a.norm(2, dim, keepdim=True)
    nb = b.norm(2, dim, keepdim=True)
    with grad_mode.no_grad():
        fa = (na.clamp_min(eps) / na.masked_fill(na == 0, 1)).masked_fill(na == 0, 1)
        fb = (nb.clamp_min(eps) / nb.masked_fill(nb == 0, 1)).masked_fill(nb == 0, 1)
    na = na * fa if bool((na < eps).any()) else na
    nb = nb * fb if bool((nb < eps).any()) else nb
    return ((a / na) * (b / nb)).sum(dim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """``F.pdist``: p-norm distances between all row pairs i < j (row-major order)."""
    from ...linalg import vector_norm

    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    a = index_select(input, 0, _tensor(i.astype(np.int64)))
    b = index_select(input, 0, _tensor(j.astype(np.int64)))
    return vector_norm(a - b, p, dim=-1)
