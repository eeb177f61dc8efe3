"""In-place resizing (``resize_``, ``resize_as_``) and ``sum_to_size``."""

from __future__ import annotations

import math

from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import tensor_method

__all__ = ["resize_as_"]


@tensor_method("resize_")
def resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
    """``Tensor.resize_``: new shape, keeping the leading elements (new ones are zero here)."""
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(sizes)}: {list(sizes)}")
    n = math.prod(int(s) for s in sizes)
    arr = self._data
    if arr.shape == tuple(sizes):
        return self
    xp = xp_of(arr)
    flat = xp.ascontiguousarray(arr).reshape(-1)
    if n <= flat.size:
        new = flat[:n].copy().reshape(sizes)
    else:
        new = xp.zeros(n, dtype=arr.dtype)
        new[:flat.size] = flat
        new = new.reshape(sizes)
    self._data = new
    return self


@tensor_method("resize_as_")
def resize_as_(input: Tensor, the_template: Tensor, *, memory_format=None) -> Tensor:
    """``torch.resize_as_``: ``resize_`` to the template's shape."""
    return resize_(input, tuple(the_template.shape))


@tensor_method("sum_to_size")
def sum_to_size(self: Tensor, *size) -> Tensor:
    """``Tensor.sum_to_size``: sum broadcast dims so the result has ``size``."""
    if len(size) == 1 and not isinstance(size[0], int):
        size = tuple(size[0])
    shape = tuple(self.shape)
    ok = len(size) <= len(shape) and all(
        s == 1 or s == d for s, d in zip(size[::-1], shape[::-1]))
    if not ok:
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, shape))}}}.")
    lead = len(shape) - len(size)
    dims = list(range(lead)) + [lead + i for i, s in enumerate(size)
                                if s == 1 and shape[lead + i] != 1]
    res = self
    if dims:
        res = self.sum(dim=dims, keepdim=True)
    if lead:
        res = res.reshape(size)
    return res
