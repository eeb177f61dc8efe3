"""Joining tensors: cat/concat/concatenate, stack, hstack/vstack/dstack."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, wrap_dim, write_out

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
           "row_stack"]


class Cat(Op):
    grad_fn_name = "CatBackward0"

    def forward(self, *arrays):
        xp = xp_of(arrays[0])
        dt = self.dtype
        arrays = [a.astype(dt, copy=False) for a in arrays]
        return xp.concatenate(arrays, axis=self.dim)

    def backward(self, g):
        out = []
        start = 0
        for shape, _ in self._input_meta:
            if len(shape) == 1 and shape[0] == 0 and len(self.shape) != 1:
                out.append(None)
                continue
            n = shape[self.dim]
            out.append(g.narrow(self.dim, start, n))
            start += n
        return tuple(out)


def _check_tensors(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        "Tensor")
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    return tensors


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenate along ``dim`` with type promotion; legacy empty 1-D tensors are skipped."""
    tensors = _check_tensors(tensors, "cat")
    ref = next((t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)), tensors[0])
    nd = ref.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, nd)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D.promote_types(dt, t.dtype)
    keep = []
    for i, t in enumerate(tensors):
        if t.ndim == 1 and t.shape[0] == 0 and nd != 1:
            continue
        if t.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and "
                               f"{t.ndim}")
        for k in range(nd):
            if k != d and t.shape[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref.shape[k]} but got size {t.shape[k]} for "
                                   f"tensor number {i} in the list.")
        keep.append(t)
    res = Cat.apply(*keep, dim=d, dtype=dt.np, shape=ref.shape)
    return write_out(out, res)


concat = concatenate = cat


class Stack(Op):
    grad_fn_name = "StackBackward0"

    def forward(self, *arrays):
        xp = xp_of(arrays[0])
        return xp.stack([a.astype(self.dtype, copy=False) for a in arrays], axis=self.dim)

    def backward(self, g):
        return tuple(g.unbind(self.dim))


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Join same-shape tensors along a new dim."""
    tensors = _check_tensors(tensors, "stack")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{_fmt(shape)} at entry 0 and {_fmt(t.shape)} at entry {i}")
    d = wrap_dim(dim, len(shape) + 1)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D.promote_types(dt, t.dtype)
    return write_out(out, Stack.apply(*tensors, dim=d, dtype=dt.np))


def _fmt(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def hstack(tensors, *, out=None) -> Tensor:
    tensors = [t.reshape(1) if t.ndim == 0 else t for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None) -> Tensor:
    tensors = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    return cat(tensors, 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None) -> Tensor:
    from .shape import atleast_3d

    tensors = [atleast_3d(t) for t in tensors]
    return cat(tensors, 2, out=out)


def column_stack(tensors, *, out=None) -> Tensor:
    tensors = [t.reshape(-1, 1) if t.ndim < 2 else t for t in tensors]
    return cat(tensors, 1, out=out)


del np
