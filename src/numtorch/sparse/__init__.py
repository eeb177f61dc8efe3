"""``torch.sparse``: products and reductions of sparse COO tensors."""

from __future__ import annotations

from .._sparse import SparseCOOTensor
from .._sparse import sparse_mm as mm
from .._sparse import sparse_sum as sum  # noqa: A004 - torch's name

__all__ = ["mm", "sum", "softmax", "log_softmax", "SparseCOOTensor"]


def softmax(input, dim: int, *, dtype=None):
    """``torch.sparse.softmax``: softmax over the specified entries along ``dim`` (entries not
    specified count as -inf, so they stay zero); the result has ``input``'s sparsity."""
    return _masked_softmax(input, dim, dtype, log=False)


def log_softmax(input, dim: int, *, dtype=None):
    """``torch.sparse.log_softmax``: log of :func:`softmax` on the specified entries."""
    return _masked_softmax(input, dim, dtype, log=True)


def _masked_softmax(input, dim: int, dtype, log: bool):
    import numtorch

    if not isinstance(input, SparseCOOTensor):
        f = numtorch.log_softmax if log else numtorch.softmax
        return f(input, dim, dtype=dtype)
    s = input.coalesce()
    dense = s.to_dense(dtype)
    ones = numtorch.ones_like(s._values(), dtype=dense.dtype)
    mask = SparseCOOTensor._make(s._indices(), ones, tuple(s.shape), True).to_dense() != 0
    filled = dense.masked_fill(~mask, float("-inf"))
    out = (numtorch.log_softmax if log else numtorch.softmax)(filled, dim)
    vals = out[tuple(s._indices())]
    return SparseCOOTensor._make(s._indices(), vals, tuple(s.shape), True)
