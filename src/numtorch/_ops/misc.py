"""Top-level ops of PyTorch's long tail: ``*_copy`` views, scatter-into-view ops, statistics
(``quantile``, ``cov``, ``histogram``), index helpers (``tril_indices``, ``unravel_index``), ...

Most are compositions of existing numtorch ops, so their gradients follow from those ops and
match PyTorch's; the few with their own ``Op`` class say why.
"""

from __future__ import annotations

import itertools

import numpy as _np  # index bookkeeping only

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Size, Tensor
from ._base import Op, tensor_method, wrap_dim, write_out

__all__ = [
    "alias_copy", "broadcast_shapes", "combinations", "diagflat", "diagonal_copy", "dsplit",
    "hsplit", "vsplit", "empty_permuted", "expand_copy", "fill", "narrow_copy", "permute_copy",
    "ravel", "resize_as_", "split_with_sizes", "split_with_sizes_copy", "split_copy",
    "squeeze_copy", "t_copy", "transpose_copy", "tril_indices", "triu_indices", "unbind_copy",
    "unfold_copy", "unsafe_chunk", "unsafe_split", "unsqueeze_copy", "view_copy", "zero_",
]


def _nt():
    import numtorch

    return numtorch


def _copy(t: Tensor) -> Tensor:
    """A fresh dense copy (what ``*_copy`` ops return)."""
    c = t.clone()
    return c if c.is_contiguous() else c.contiguous()


def _as_tensor(x, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    nt = _nt()
    if like is not None:
        return nt.tensor(x, dtype=like.dtype)
    return nt.tensor(x)


# -- *_copy variants of views ------------------------------------------------------------------
def alias_copy(input: Tensor, *, out=None) -> Tensor:
    """``torch.alias_copy``: a copy of the input."""
    return write_out(out, _copy(input))


def view_copy(input: Tensor, size, *, out=None) -> Tensor:
    """``torch.view_copy``: ``input.view(size)`` as a new tensor."""
    return write_out(out, _copy(input.view(size)))


def permute_copy(input: Tensor, dims, *, out=None) -> Tensor:
    return write_out(out, _copy(input.permute(*dims)))


def t_copy(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, _copy(input.t()))


def transpose_copy(input: Tensor, dim0: int, dim1: int, *, out=None) -> Tensor:
    if input.dim() == 0:
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)
        return write_out(out, input.clone())
    return write_out(out, _copy(input.transpose(dim0, dim1)))


def squeeze_copy(input: Tensor, dim=None, *, out=None) -> Tensor:
    res = input.squeeze() if dim is None else input.squeeze(dim)
    return write_out(out, _copy(res))


def unsqueeze_copy(input: Tensor, dim: int, *, out=None) -> Tensor:
    return write_out(out, _copy(input.unsqueeze(dim)))


def unbind_copy(input: Tensor, dim: int = 0) -> tuple:
    return tuple(_copy(t) for t in input.unbind(dim))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int, *, out=None) -> Tensor:
    return write_out(out, _copy(input.unfold(dimension, size, step)))


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1, *,
                  out=None) -> Tensor:
    return write_out(out, _copy(input.diagonal(offset, dim1, dim2)))


def expand_copy(input: Tensor, size, *, implicit: bool = False, out=None) -> Tensor:
    return write_out(out, _copy(input.expand(*size)))


def narrow_copy(input: Tensor, dim: int, start: int, length: int, *, out=None) -> Tensor:
    return write_out(out, _copy(input.narrow(dim, start, length)))


def split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    """``torch.split_with_sizes``: views of the given sizes along ``dim``."""
    total = sum(split_sizes)
    d = wrap_dim(dim, input.dim())
    if total != input.shape[d]:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {input.shape[d]} (input "
            f"tensor's size at dimension {dim}), but got split_sizes={list(split_sizes)}")
    return _nt().split(input, list(split_sizes), dim)


def split_with_sizes_copy(input: Tensor, split_sizes, dim: int = 0, *, out=None) -> tuple:
    return tuple(_copy(t) for t in split_with_sizes(input, split_sizes, dim))


def split_copy(input: Tensor, split_size, dim: int = 0, *, out=None) -> tuple:
    return tuple(_copy(t) for t in _nt().split(input, split_size, dim))


@tensor_method("unsafe_split")
def unsafe_split(input: Tensor, split_size, dim: int = 0) -> tuple:
    """``torch.unsafe_split``: ``split`` (the views are not tracked for in-place safety)."""
    return tuple(_nt().split(input, split_size, dim))


@tensor_method("unsafe_chunk")
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    return tuple(_nt().chunk(input, chunks, dim))


@tensor_method("ravel")
def ravel(input: Tensor) -> Tensor:
    """``torch.ravel``: a 1-D view when possible, else a contiguous copy."""
    return input.reshape(-1)


def _named_split(name: str, min_dim: int, dim: int):
    def fn(input: Tensor, indices_or_sections) -> tuple:
        if input.dim() < min_dim:
            raise RuntimeError(
                f"torch.{name} requires a tensor with at least {min_dim} dimension"
                f"{'s' if min_dim > 1 else ''}, but got a tensor with {input.dim()} dimensions!")
        d = dim if input.dim() > 1 or name != "hsplit" else 0
        if isinstance(indices_or_sections, int):
            size = input.shape[d]
            if indices_or_sections == 0 or size % indices_or_sections:
                raise RuntimeError(
                    f"torch.{name} attempted to split along dimension {d}, but the size of the "
                    f"dimension {size} is not divisible by the split_size "
                    f"{indices_or_sections}!")
        else:
            indices_or_sections = list(indices_or_sections)
        return tuple(_nt().tensor_split(input, indices_or_sections, d))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}``: ``tensor_split`` along dim {dim}."
    return fn


hsplit = tensor_method("hsplit")(_named_split("hsplit", 1, 1))
vsplit = tensor_method("vsplit")(_named_split("vsplit", 2, 0))
dsplit = tensor_method("dsplit")(_named_split("dsplit", 3, 2))


# -- writing a source into a view of a copy ------------------------------------------------------

# -- small creation / shape helpers --------------------------------------------------------------
def broadcast_shapes(*shapes) -> Size:
    """``torch.broadcast_shapes``: the broadcast of the shapes, PyTorch's error on mismatch."""
    norm = []
    for s in shapes:
        s = (s,) if isinstance(s, int) or (hasattr(s, "__index__") and
                                            not isinstance(s, (tuple, list, Size))) else s
        s = tuple(int(v) for v in s)
        for v in s:
            if v < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {v}: "
                                   f"{list(s)}")
        norm.append(s)
    ndim = max((len(s) for s in norm), default=0)
    out = [1] * ndim
    for idx, s in enumerate(norm):
        for k in range(1, len(s) + 1):
            v = s[-k]
            if v == 1:
                continue
            if out[-k] == 1:
                out[-k] = v
            elif out[-k] != v:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {v} at {-k}! Mismatching "
                    f"argument at index {idx} had {tuple(s)}; but expected shape should be "
                    f"broadcastable to {out}")
    return Size(tuple(out))


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``torch.empty_permuted``: uninitialised memory of ``size`` (the layout is not kept)."""
    size = tuple(size)
    if sorted(physical_layout) != list(range(len(size))):
        raise RuntimeError("Dimension order of physical_layout must be a permutation of "
                           f"0..{len(size) - 1}")
    return _nt().empty(size, dtype=dtype, device=device, requires_grad=requires_grad)


@tensor_method("new_empty_strided")
def _new_empty_strided(self: Tensor, size, stride, *, dtype=None, layout=None, device=None,
                       requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    return _nt().empty_strided(tuple(size), tuple(stride), dtype=dtype or self.dtype,
                               device=device, requires_grad=requires_grad)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """``torch.tril_indices``: (2, N) row/column indices of the lower triangle."""
    return _tri_indices(_np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None,
                 layout=None) -> Tensor:
    """``torch.triu_indices``: (2, N) row/column indices of the upper triangle."""
    return _tri_indices(_np.triu_indices, row, col, offset, dtype, device)


def _tri_indices(fn, row, col, offset, dtype, device):
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    r, c = fn(row, offset, col)
    dt = D.int64 if dtype is None else dtype
    if dt not in (D.int64, D.int32):
        raise RuntimeError(f'"tril_indices" not implemented for \'{str(dt)[6:].capitalize()}\'')
    arr = _np.stack([r, c]).astype(D.to_numpy_dtype(dt)).reshape(2, -1)
    return _nt().tensor(arr, device=device)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """``torch.combinations``: the length-``r`` combinations of a 1-D tensor's elements."""
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    nt = _nt()
    if r == 0:
        return input.new_empty((0,))
    n = input.shape[0]
    gen = (itertools.combinations_with_replacement if with_replacement
           else itertools.combinations)
    idx = _np.array(list(gen(range(n), r)), dtype=_np.int64).reshape(-1, r)
    return nt.index_select(input, 0, nt.tensor(idx.reshape(-1))).reshape(idx.shape[0], r)


@tensor_method("diagflat")
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """``torch.diagflat``: a 2-D matrix with the flattened input on a diagonal."""
    return _nt().diag(input.reshape(-1), offset)


def zero_(input: Tensor) -> Tensor:
    """``torch.zero_``: fill with zeros in place."""
    return input.zero_()


class Fill(Op):
    """``torch.fill``: a tensor of ``value`` with input's shape; no gradient to input."""

    grad_fn_name = "FillBackward0"

    def forward(self, a, v):
        xp = xp_of(a)
        return xp.full(a.shape, v, dtype=a.dtype)

    def backward(self, g):
        gv = g.sum() if self.next_functions[1][0] is not None else None
        return _nt().zeros_like(g), gv


def fill(input: Tensor, value) -> Tensor:
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.dim()} dimensions.")
    return Fill.apply(input, value)


# -- in-place resizing ---------------------------------------------------------------------------
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
    n = int(_np.prod(sizes, dtype=_np.int64))
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


@tensor_method("__rdiv__")
def _rdiv(self: Tensor, other) -> Tensor:
    return _nt().div(other, self)


