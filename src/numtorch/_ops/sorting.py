"""Sorting and selection: sort/argsort/msort, topk, kthvalue, median/nanmedian, mode, unique,
unique_consecutive, searchsorted, bucketize, histc, bincount.

Values (and their gradients, scattered back through the indices) match PyTorch. NaN sorts as
the largest value. Sorting is stable; among equal values ``topk``/``kthvalue``/``median`` may
report a different index than PyTorch's selection algorithm does (the values agree).
"""

from __future__ import annotations

import builtins

import numpy as np

from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out
from .reduction import return_types

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
           "unique", "unique_consecutive", "searchsorted", "bucketize", "histc", "bincount"]


def _order(a, axis: int, descending: bool):
    """Stable sort permutation along ``axis``; NaN is largest (first when descending)."""
    xp = xp_of(a)
    if a.ndim == 0:
        return xp.zeros((), np.int64)
    if a.dtype == np.bool_:
        a = a.astype(np.int8)
    if a.dtype.kind == "f":
        nan = xp.isnan(a)
        if descending:
            return xp.lexsort((-a, ~nan), axis=axis)
        return xp.lexsort((a, nan), axis=axis)
    if descending:
        if a.dtype.kind == "u":
            a = a.astype(np.int64)
        a = -a.astype(np.int64) if a.dtype.kind in "iu" else -a
    return xp.argsort(a, axis=axis, kind="stable")


def _take(a, idx, axis):
    if a.ndim == 0:
        return xp_of(a).array(a, copy=True)
    return xp_of(a).take_along_axis(a, idx, axis=axis)


class _Selected(Op):
    """Values picked from ``a`` at ``indices`` along ``dim``; grad scatters back."""

    non_differentiable = (1,)

    def backward(self, g, _gi=None):
        from .indexing import scatter_grad

        shape = self._input_meta[0][0]
        if not shape:
            return g.reshape(())
        return scatter_grad(g, self.idx_out, shape, self.dim, self.keepdim)


class Sort(_Selected):
    grad_fn_name = "SortBackward0"
    keepdim = True

    def forward(self, a):
        idx = _order(a, self.dim, self.descending)
        self.idx_out = idx
        return _take(a, idx, self.dim), idx.astype(np.int64)


class SortStable(Sort):
    grad_fn_name = "SortBackward1"


@tensor_method("sort")
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = None,
         out=None):
    """Sorted values and their indices along ``dim`` (``torch.return_types.sort``); always
    stable. Passing ``stable=`` selects PyTorch's other overload (SortBackward1)."""
    d = wrap_dim(dim, input._data.ndim)
    op = Sort if stable is None else SortStable
    v, i = op.apply(input, dim=d, descending=descending)
    if out is not None:
        write_out(out[0], v)
        write_out(out[1], i)
        return return_types("sort")(out[0], out[1])
    return return_types("sort")(v, i)


@tensor_method("argsort")
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """Indices that sort ``input`` along ``dim`` (stable)."""
    d = wrap_dim(dim, input._data.ndim)
    return Tensor._from_array(_order(input._data, d, descending).astype(np.int64))


@tensor_method("msort")
def msort(input: Tensor, *, out=None) -> Tensor:
    """Sort along dim 0 (values only)."""
    return write_out(out, sort(input, 0).values)


class Topk(_Selected):
    grad_fn_name = "TopkBackward0"
    keepdim = True

    def forward(self, a):
        d = self.dim
        if a.ndim == 0:
            self.idx_out = np.zeros((), np.int64)
            return xp_of(a).array(a, copy=True), np.zeros((), np.int64)
        idx = _order(a, d, self.largest)
        idx = xp_of(a).take(idx, range(self.k), axis=d)
        self.idx_out = idx
        return _take(a, idx, d), idx.astype(np.int64)


@tensor_method("topk")
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *,
         out=None):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, sorted."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    size = input._data.shape[d] if nd else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    v, i = Topk.apply(input, dim=d, k=int(k), largest=largest)
    return return_types("topk")(v, i)


class Kth(_Selected):
    """The k-th smallest along ``dim``: kthvalue, median (lower), nanmedian."""

    grad_fn_name = "KthvalueBackward0"

    def forward(self, a):
        xp = xp_of(a)
        d = self.dim
        if a.ndim == 0:
            self.idx_out = xp.zeros((), np.int64)
            return xp_of(a).array(a, copy=True), xp.zeros((), np.int64)
        order = _order(a, d, False)
        k = self.k
        if k is None:  # median: the lower middle of the non-NaN values (nanmedian) or all
            n_valid = (~xp.isnan(a)).sum(axis=d, keepdims=True) if self.skipnan else \
                xp.full(a.shape[:d] + (1,) + a.shape[d + 1:], a.shape[d])
            pos = xp.maximum(n_valid - 1, 0) // 2
            if not self.skipnan and a.dtype.kind == "f":
                has_nan = xp.isnan(a).any(axis=d, keepdims=True)
                pos = xp.where(has_nan, a.shape[d] - xp.isnan(a).sum(axis=d, keepdims=True),
                               pos)
        else:
            pos = xp.full(a.shape[:d] + (1,) + a.shape[d + 1:], k - 1)
        idx = xp.take_along_axis(order, pos.astype(np.int64), axis=d)
        vals = xp.take_along_axis(a, idx, axis=d)
        if not self.keepdim:
            idx, vals = idx.squeeze(d), vals.squeeze(d)
        self.idx_out = idx
        return vals, idx.astype(np.int64)


class Median1(Kth):
    grad_fn_name = "MedianBackward1"


class Nanmedian1(Kth):
    grad_fn_name = "NanmedianBackward1"


class _MedianAll(Op):
    grad_fn_name = "MedianBackward0"

    def forward(self, a):
        flat = a.reshape(-1)
        self.save_inputs(0)
        self.save_outputs(0)
        if flat.size == 0:  # PyTorch gives NaN (the lowest value for integers)
            fill = np.nan if a.dtype.kind == "f" else np.iinfo(a.dtype).min
            return xp_of(a).full((), fill, a.dtype)
        vals, idx = Kth.forward(self, flat)
        return vals

    def backward(self, g):
        # PyTorch spreads the gradient evenly over every element equal to the result
        x, v = self.saved_tensors
        hit = (x == v)
        if x.is_floating_point():
            hit = hit.logical_or(x.isnan().logical_and(v.isnan()))
        hit = hit.to(g.dtype)
        return g * hit / hit.sum()


class _NanmedianAll(_MedianAll):
    grad_fn_name = "NanmedianBackward0"


@tensor_method("kthvalue")
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False, *, out=None):
    """The k-th smallest value along ``dim`` and its index (``torch.return_types.kthvalue``)."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    size = input._data.shape[d] if nd else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    v, i = Kth.apply(input, dim=d, k=int(k), keepdim=keepdim or nd == 0, skipnan=False)
    return return_types("kthvalue")(v, i)


def _median(input, dim, keepdim, skipnan, name):
    nd = input._data.ndim
    if dim is None:
        op = _NanmedianAll if skipnan else _MedianAll
        return op.apply(input, dim=0, k=None, keepdim=False, skipnan=skipnan)
    d = wrap_dim(dim, nd)
    if nd and input._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    op = Nanmedian1 if skipnan else Median1
    v, i = op.apply(input, dim=d, k=None, keepdim=keepdim or nd == 0, skipnan=skipnan)
    return return_types(name)(v, i)


@tensor_method("median")
def median(input: Tensor, dim: int | None = None, keepdim: bool = False, *, out=None):
    """The lower median (of all elements, or along ``dim`` with its index); NaN propagates."""
    return _median(input, dim, keepdim, False, "median")


@tensor_method("nanmedian")
def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False, *, out=None):
    """``median`` ignoring NaN."""
    return _median(input, dim, keepdim, True, "nanmedian")


class Mode(_Selected):
    grad_fn_name = "ModeBackward0"

    def forward(self, a):
        xp = xp_of(a)
        d = self.dim
        if a.ndim == 0:
            self.idx_out = xp.zeros((), np.int64)
            return xp_of(a).array(a, copy=True), xp.zeros((), np.int64)
        moved = xp.moveaxis(a, d, -1)
        rows = moved.reshape(-1, moved.shape[-1])
        vals = xp.empty(rows.shape[0], a.dtype)
        idxs = xp.empty(rows.shape[0], np.int64)
        for r in range(rows.shape[0]):
            u, inv, cnt = xp.unique(rows[r], return_inverse=True, return_counts=True)
            best = int(xp.argmax(cnt))  # the smallest among the most frequent
            vals[r] = u[best]
            idxs[r] = int(xp.nonzero(inv.reshape(-1) == best)[0][-1])
        shape = moved.shape[:-1]
        vals, idxs = vals.reshape(shape), idxs.reshape(shape)
        if self.keepdim:
            vals, idxs = xp.expand_dims(vals, d), xp.expand_dims(idxs, d)
        self.idx_out = idxs
        return vals, idxs


@tensor_method("mode")
def mode(input: Tensor, dim: int = -1, keepdim: bool = False, *, out=None):
    """The most frequent value along ``dim`` (smallest on ties) and its last index."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    v, i = Mode.apply(input, dim=d, keepdim=keepdim or nd == 0)
    return return_types("mode")(v, i)


# -- unique ------------------------------------------------------------------------------------
class _Unique(Op):
    """Carries precomputed unique results into the graph; PyTorch has no derivative for them."""

    grad_fn_name = "Unique2Backward0"
    non_differentiable = (1, 2)
    aten_name = "_unique2"

    def forward(self, a):
        return self.arrays

    def backward(self, *grads):
        raise RuntimeError(f"the derivative for '{self.aten_name}' is not implemented.")


class _UniqueDim(_Unique):
    grad_fn_name = "UniqueDimBackward0"
    aten_name = "unique_dim"


class _UniqueConsecutive(_Unique):
    grad_fn_name = "UniqueConsecutiveBackward0"
    aten_name = "unique_consecutive"


def _pack(input, op, vals, inverse, counts, return_inverse, return_counts):
    arrays = (vals, inverse.astype(np.int64), counts.astype(np.int64))
    v, i, c = op.apply(input, arrays=arrays)
    res = [v]
    if return_inverse:
        res.append(i)
    if return_counts:
        res.append(c)
    return res[0] if len(res) == 1 else tuple(res)


@tensor_method("unique")
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None):
    """The distinct values (or slices along ``dim``), sorted; optional inverse and counts."""
    a = input._data
    xp = xp_of(a)
    if dim is None:
        u, inv, cnt = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        return _pack(input, _Unique, u, inv.reshape(a.shape), cnt, return_inverse,
                     return_counts)
    d = wrap_dim(dim, a.ndim)
    u, inv, cnt = xp.unique(a, return_inverse=True, return_counts=True, axis=d)
    return _pack(input, _UniqueDim, u, inv.reshape(-1), cnt, return_inverse, return_counts)


def _unique_consecutive(input: Tensor, return_inverse: bool = False,
                        return_counts: bool = False, dim: int | None = None):
    a = input._data
    xp = xp_of(a)
    if dim is None:
        flat = a.reshape(-1)
        if flat.size == 0:
            z = xp.zeros(0, np.int64)
            return _pack(input, _UniqueConsecutive, flat, z.reshape(a.shape), z,
                         return_inverse, return_counts)
        new = xp.concatenate([xp.ones(1, bool), flat[1:] != flat[:-1]])
        starts = xp.nonzero(new)[0]
        inv = xp.cumsum(new) - 1
        cnt = xp.diff(xp.concatenate([starts, [flat.size]]))
        return _pack(input, _UniqueConsecutive, flat[starts], inv.reshape(a.shape), cnt,
                     return_inverse, return_counts)
    d = wrap_dim(dim, a.ndim)
    moved = xp.moveaxis(a, d, 0)
    n = moved.shape[0]
    if n == 0:
        z = xp.zeros(0, np.int64)
        return _pack(input, _UniqueConsecutive, a, z, z, return_inverse, return_counts)
    rows = moved.reshape(n, -1)
    new = xp.concatenate([xp.ones(1, bool), (rows[1:] != rows[:-1]).any(axis=1)])
    starts = xp.nonzero(new)[0]
    inv = xp.cumsum(new) - 1
    cnt = xp.diff(xp.concatenate([starts, [n]]))
    vals = xp.moveaxis(moved[starts], 0, d)
    return _pack(input, _UniqueConsecutive, xp.ascontiguousarray(vals), inv, cnt,
                 return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None):
    """Collapse runs of equal consecutive values (or slices along ``dim``)."""
    return _unique_consecutive(input, return_inverse, return_counts, dim)


tensor_method("unique_consecutive")(unique_consecutive)


# -- searchsorted / bucketize / histc / bincount ---------------------------------------------
def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, out=None, sorter=None) -> Tensor:
    """Insertion points of ``input`` in the innermost dim of ``sorted_sequence``."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    vals = xp_of(seq).asarray(input) if scalar else input._data
    xp = xp_of(seq)
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    s = "right" if right else "left"
    if seq.ndim <= 1:
        res = xp.searchsorted(seq, vals, side=s)
    else:
        if seq.shape[:-1] != vals.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}")
        s2 = seq.reshape(-1, seq.shape[-1])
        v2 = vals.reshape(-1, vals.shape[-1])
        res = xp.stack([xp.searchsorted(s2[i], v2[i], side=s) for i in range(s2.shape[0])])
        res = res.reshape(vals.shape)
    res = xp.asarray(res, dtype=np.int32 if out_int32 else np.int64)
    return write_out(out, Tensor._from_array(res))


@tensor_method("bucketize")
def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False,
              out=None) -> Tensor:
    """Bucket index of each element in the 1-D ``boundaries`` (``right`` picks the closed side)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


@tensor_method("histc")
def histc(input: Tensor, bins: int = 100, min=0, max=0, *, out=None) -> Tensor:  # noqa: A002
    """Histogram with ``bins`` equal bins over [min, max] (the data's range when equal)."""
    a = input._data
    xp = xp_of(a)
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                           f"'{_scalar_name(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    x = a.reshape(-1)
    x = x[(x >= lo) & (x <= hi)]
    pos = ((x.astype(np.float64) - lo) * bins / (hi - lo)).astype(np.int64)
    pos = xp.minimum(pos, bins - 1)
    counts = xp.bincount(pos, minlength=bins).astype(a.dtype)
    return write_out(out, Tensor._from_array(counts))


def _scalar_name(dt) -> str:
    from .pointwise import torch_type_name

    return torch_type_name(np.dtype(dt))


@tensor_method("bincount")
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Counts (or summed ``weights``) of each non-negative integer in the 1-D ``input``."""
    a = input._data
    xp = xp_of(a)
    if a.dtype.kind not in "iub" or a.dtype == np.bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for "
                                  f"'{_scalar_name(a.dtype)}'")
    if a.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if a.size and int(a.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._from_array(xp.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if w.dtype in (np.float32, np.float64) else np.float64
    res = xp.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(dt)
    return Tensor._from_array(res)


del builtins
