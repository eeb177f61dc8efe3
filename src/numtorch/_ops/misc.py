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
    "alias_copy", "as_strided", "as_strided_copy", "as_strided_scatter",
    "broadcast_shapes", "combinations", "diagflat", "diagonal_copy",
    "diagonal_scatter", "dsplit", "hsplit", "vsplit", "empty_permuted", "expand_copy", "fill",
    "index_reduce", "isin",
    "narrow_copy",
    "nonzero_static",
    "permute_copy", "ravel", "resize_as_",
    "select_scatter", "slice_scatter", "split_with_sizes", "split_with_sizes_copy",
    "split_copy", "squeeze_copy", "t_copy", "transpose_copy", "tril_indices",
    "triu_indices",
    "unbind_copy", "unfold_copy", "unravel_index", "unsafe_chunk", "unsafe_split",
    "unsqueeze_copy", "view_copy", "zero_",
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
class _Embed(Op):
    """``input`` with the flat positions ``self.index`` replaced by ``src`` (a scatter into a
    view): the gradient of input is zero at those positions, that of src is gathered there."""

    grad_fn_name = "ScatterBackward0"
    #: PyTorch 2.x's as_strided_scatter passes input's gradient only *at* the scattered
    #: positions (zero elsewhere); matched as observed
    invert_mask = False

    def forward(self, a, src):
        xp = xp_of(a)
        out = xp.array(a, order="C", copy=True)
        flat = out.reshape(-1)
        idx = self.index
        flat[idx.reshape(-1)] = xp.broadcast_to(xp.asarray(src, dtype=a.dtype),
                                                idx.shape).reshape(-1)
        self.shape = a.shape
        return out

    def backward(self, g):
        nt = _nt()
        keep = _np.full(int(_np.prod(self.shape, dtype=_np.int64)), not self.invert_mask)
        keep[self.index.reshape(-1)] = self.invert_mask
        ga = gs = None
        if self.next_functions[0][0] is not None:
            ga = g * nt.tensor(keep.reshape(self.shape))
        if self.next_functions[1][0] is not None:
            gs = nt.take(g, nt.tensor(self.index.astype(_np.int64)))
        return ga, gs


def _embed(input: Tensor, src, view_fn, name: str, invert_mask: bool = False) -> Tensor:
    positions = view_fn(_np.arange(input.numel(), dtype=_np.int64).reshape(tuple(input.shape)))
    positions = _np.asarray(positions)
    src_t = src if isinstance(src, Tensor) else _as_tensor(src, input)
    if tuple(src_t.shape) != positions.shape:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{list(src_t.shape)}, slice size = {list(positions.shape)}")
    node = type(name, (_Embed,), {"grad_fn_name": name})
    return node.apply(input, src_t, index=positions, invert_mask=invert_mask)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """``torch.select_scatter``: ``input`` with ``input.select(dim, index)`` replaced by src."""
    d = wrap_dim(dim, input.dim())
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return _embed(input, src, lambda a: _np.take(a, index % n, axis=d), "SelectScatterBackward0")


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start=None, end=None,
                  step: int = 1) -> Tensor:
    """``torch.slice_scatter``: ``input`` with ``input[..., start:end:step, ...]`` set to src."""
    d = wrap_dim(dim, input.dim())
    sl = (slice(None),) * d + (slice(start, end, step),)
    return _embed(input, src, lambda a: a[sl], "SliceScatterBackward0")


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """``torch.diagonal_scatter``: ``input`` with a diagonal replaced by ``src``."""
    return _embed(input, src, lambda a: _np.diagonal(a, offset, dim1, dim2),
                  "DiagonalScatterBackward0")


def _storage_of(arr):
    """(flat storage array, element offset of ``arr`` in it)."""
    root = arr
    while isinstance(root.base, _np.ndarray):
        root = root.base
    if not root.flags.c_contiguous:  # pragma: no cover - roots are allocated dense
        root = _np.ascontiguousarray(root)
        return root.reshape(-1), 0
    off = 0
    if root is not arr and arr.size:
        off = (arr.__array_interface__["data"][0]
               - root.__array_interface__["data"][0]) // arr.itemsize
    return root.reshape(-1), off


def _strided_positions(size, stride, offset) -> _np.ndarray:
    pos = _np.full(tuple(size), offset, dtype=_np.int64)
    for k, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[k] = n
        pos = pos + (_np.arange(n, dtype=_np.int64) * s).reshape(shape)
    return pos


def _check_strided(size, stride, offset, storage_size, itemsize):
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if 0 in size:
        return
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > storage_size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {itemsize} requiring a storage size of {need * itemsize} are out of "
            f"bounds for storage of size {storage_size * itemsize}")


class AsStrided(Op):
    """A view of the input's storage with the given geometry; the gradient scatters back."""

    grad_fn_name = "AsStridedBackward0"
    is_view = True

    def forward(self, a):
        storage, own_off = _storage_of(a)
        off = own_off if self.offset is None else self.offset
        _check_strided(self.size, self.stride, off, storage.size, a.itemsize)
        self.in_pos = _strided_positions(a.shape, [s // a.itemsize for s in a.strides], own_off)
        self.out_pos = _strided_positions(self.size, self.stride, off)
        self.storage_size = storage.size
        return _np.lib.stride_tricks.as_strided(
            storage[off:] if storage.size > off else storage,
            shape=tuple(self.size), strides=tuple(s * a.itemsize for s in self.stride))

    def backward(self, g):
        nt = _nt()
        buf = nt.zeros(self.storage_size, dtype=g.dtype)
        buf = buf.index_add(0, nt.tensor(self.out_pos.reshape(-1)), g.reshape(-1))
        return nt.take(buf, nt.tensor(self.in_pos))


@tensor_method("as_strided")
def as_strided(input: Tensor, size, stride, storage_offset=None) -> Tensor:
    """``torch.as_strided``: a view with explicit sizes and strides (in elements)."""
    return AsStrided.apply(input, size=tuple(size), stride=tuple(stride), offset=storage_offset)


def as_strided_copy(input: Tensor, size, stride, storage_offset=None, *, out=None) -> Tensor:
    return write_out(out, _copy(as_strided(input, size, stride, storage_offset)))


def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset=None) -> Tensor:
    """``torch.as_strided_scatter``: a copy of input (dense) whose strided view is ``src``."""
    off = 0 if storage_offset is None else storage_offset
    _check_strided(size, stride, off, input.numel(), input.element_size())
    pos = _strided_positions(size, stride, off)
    return _embed(input, src, lambda a: a.reshape(-1)[pos], "AsStridedScatterBackward0",
                  invert_mask=True)


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


def unravel_index(indices, shape) -> tuple:
    """``torch.unravel_index``: coordinates of flat indices in ``shape`` (a tuple of tensors)."""
    nt = _nt()
    if not isinstance(indices, Tensor):
        indices = nt.tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == D.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    idx = indices._data.astype(_np.int64)
    coords = []
    for s in reversed(shape):
        coords.append(idx % s if s else idx * 0)
        idx = idx // s if s else idx * 0
    return tuple(nt.tensor(c) for c in reversed(coords))


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


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False
         ) -> Tensor:
    """``torch.isin``: whether each element occurs in ``test_elements`` (bool, elements' shape)."""
    nt = _nt()
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments")
    e = elements._data if isinstance(elements, Tensor) else _np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else _np.asarray(test_elements)
    xp = xp_of(e)
    return nt.tensor(xp.isin(e, t, invert=invert))


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


@tensor_method("index_reduce")
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True, out=None) -> Tensor:
    """``torch.index_reduce``: reduce ``source`` slices into ``input[index[i]]`` along dim."""
    nt = _nt()
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    zero_d = input.dim() == 0
    x = input.reshape(1) if zero_d else input
    src = source.reshape(1) if source.dim() == 0 else source
    d = wrap_dim(dim, x.dim())
    shape = [1] * src.dim()
    shape[d] = -1
    idx = index.reshape(shape).expand(*src.shape)
    res = nt.scatter_reduce(x, d, idx, src, reduce, include_self=include_self)
    if zero_d:
        res = res.reshape(())
    return write_out(out, res)


@tensor_method("index_reduce_")
def index_reduce_(self: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                  include_self: bool = True) -> Tensor:
    from ._inplace import inplace

    return inplace(self, index_reduce, dim, index, source, reduce, include_self=include_self)


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``torch.nonzero_static``: ``nonzero`` padded with ``fill_value`` or cut to ``size`` rows."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got "
                           f"{size}")
    idx = _np.argwhere(_np.asarray(input._data) != 0).astype(_np.int64)
    out = _np.full((size, input.dim()), fill_value, dtype=_np.int64)
    k = min(size, idx.shape[0])
    out[:k] = idx[:k]
    return _nt().tensor(out)
