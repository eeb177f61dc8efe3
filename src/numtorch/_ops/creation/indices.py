"""Index and structure helpers: ``tril_indices``/``triu_indices``, ``combinations``,
``diagflat``."""

from __future__ import annotations

import itertools

from ... import _dtype as D
from ..._backend import host
from ..._tensor import Tensor
from .._base import tensor_method
from .factories import tensor

__all__ = ["tril_indices", "triu_indices", "combinations", "diagflat"]


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """``torch.tril_indices``: (2, N) row/column indices of the lower triangle."""
    return _tri_indices(host.tril_indices, row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """``torch.triu_indices``: (2, N) row/column indices of the upper triangle."""
    return _tri_indices(host.triu_indices, row, col, offset, dtype, device)


def _tri_indices(fn, row, col, offset, dtype, device):
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    r, c = fn(row, offset, col)
    dt = D.int64 if dtype is None else dtype
    if dt not in (D.int64, D.int32):
        raise RuntimeError(f'"tril_indices" not implemented for \'{str(dt)[6:].capitalize()}\'')
    arr = host.stack([r, c]).astype(dt.np).reshape(2, -1)
    return tensor(arr, device=device)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """``torch.combinations``: the length-``r`` combinations of a 1-D tensor's elements."""
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty((0,))
    from ..indexing import index_select

    n = input.shape[0]
    gen = (itertools.combinations_with_replacement if with_replacement
           else itertools.combinations)
    idx = host.array(list(gen(range(n), r)), dtype=D.int64.np).reshape(-1, r)
    return index_select(input, 0, tensor(idx.reshape(-1))).reshape(idx.shape[0], r)


@tensor_method("diagflat")
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """``torch.diagflat``: a 2-D matrix with the flattened input on a diagonal."""
    from ..indexing import diag

    return diag(input.reshape(-1), offset)
