"""Sorting and selection: sort/argsort/msort, topk, kthvalue, median/nanmedian, mode, unique,
unique_consecutive, searchsorted, bucketize, histc, bincount.

Values (and their gradients, scattered back through the indices) match PyTorch. NaN sorts as
the largest value. Sorting is stable; among equal values ``topk``/``kthvalue``/``median`` may
report a different index than PyTorch's selection algorithm does (the values agree).
"""

from __future__ import annotations

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out
from ._inplace import torch_type_name
from .indexing import scatter_grad
from .reduction import return_types

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
           "unique", "unique_consecutive", "searchsorted", "bucketize", "histc", "bincount"]

_INT64 = D.int64.np


def _order(a, axis: int, descending: bool):
    """Stable sort permutation along ``axis``; NaN is largest (first when descending)."""
    xp = xp_of(a)
    if a.ndim == 0:
        return xp.zeros((), _INT64)
    if a.dtype == D.bool_.np:
        a = a.astype(xp.int8)
    if a.dtype.kind in "fV":
        nan = xp.isnan(a)
        if descending:
            return xp.lexsort((-a, ~nan), axis=axis)
        return xp.lexsort((a, nan), axis=axis)
    if descending:
        if a.dtype.kind == "u":
            a = a.astype(_INT64)
        a = -a.astype(_INT64) if a.dtype.kind in "iu" else -a
    return xp.argsort(a, axis=axis, kind="stable")


def _check_sortable(a, what: str):
    """PyTorch's CPU refusals of ``what`` (sort, topk) for complex (and, for topk, bool)."""
    kind = a.dtype.kind
    if kind == "c":
        raise RuntimeError(f" {what} does not support complex dtypes on CPU")
    if kind == "b" and what == "topk":
        raise RuntimeError("topk does not support bool dtypes on CPU")


def _no_kernel(a, kernel, bad="bc"):
    """PyTorch's NotImplementedError for a kernel without a bool/complex version."""
    if a.dtype.kind in bad:
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{torch_type_name(a.dtype)}'")


def _take(a, idx, axis):
    if a.ndim == 0:
        return xp_of(a).array(a, copy=True)
    return xp_of(a).take_along_axis(a, idx, axis=axis)


class _Selected(Op):
    """Values picked from ``a`` at ``indices`` along ``dim``; grad scatters back."""

    non_differentiable = (1,)
    params = ("dim",)

    def backward(self, g, _gi=None):
        shape = self._input_meta[0][0]
        if not shape:
            return g.reshape(())
        return scatter_grad(g, self.idx_out, shape, self.dim, self.keepdim)


class Sort(_Selected):
    grad_fn_name = "SortBackward0"
    params = ("dim", "descending")
    keepdim = True

    def forward(self, a):
        idx = _order(a, self.dim, self.descending)
        self.idx_out = idx
        return _take(a, idx, self.dim), idx.astype(_INT64)


class SortStable(Sort):
    grad_fn_name = "SortBackward1"


@tensor_method("sort")
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = None,
         out=None):
    """Sorted values and their indices along ``dim`` (``torch.return_types.sort``); always
    stable. Passing ``stable=`` selects PyTorch's other overload (SortBackward1)."""
    d = wrap_dim(dim, input._data.ndim)
    _check_sortable(input._data, "Sort")
    op = Sort if stable is None else SortStable
    v, i = op.apply(input, dim=d, descending=descending)
    if out is not None:
        write_out(out[0], v)
        write_out(out[1], i)
        return return_types("sort")(out[0], out[1])
    return return_types("sort")(v, i)


class Argsort(Op):
    grad_fn_name = "ArgsortBackward0"
    non_differentiable = (0,)
    params = ("dim", "descending")

    def forward(self, a):
        return _order(a, self.dim, self.descending).astype(_INT64)


@tensor_method("argsort")
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """Indices that sort ``input`` along ``dim`` (stable)."""
    d = wrap_dim(dim, input._data.ndim)
    _check_sortable(input._data, "Sort")
    return Argsort.apply(input, dim=d, descending=descending)


@tensor_method("msort")
def msort(input: Tensor, *, out=None) -> Tensor:
    """Sort along dim 0 (values only)."""
    return write_out(out, sort(input, 0).values)


class Topk(_Selected):
    grad_fn_name = "TopkBackward0"
    params = ("dim", "k", "largest")
    keepdim = True

    def forward(self, a):
        d = self.dim
        if a.ndim == 0:
            self.idx_out = xp_of(a).zeros((), _INT64)
            return xp_of(a).array(a, copy=True), xp_of(a).zeros((), _INT64)
        idx = _order(a, d, self.largest)
        idx = xp_of(a).take(idx, range(self.k), axis=d)
        self.idx_out = idx
        return _take(a, idx, d), idx.astype(_INT64)


@tensor_method("topk")
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *,
         out=None):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, sorted."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    size = input._data.shape[d] if nd else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    _check_sortable(input._data, "topk")
    v, i = Topk.apply(input, dim=d, k=int(k), largest=largest)
    return return_types("topk")(v, i)


class Kth(_Selected):
    """The k-th smallest along ``dim``: kthvalue, median (lower), nanmedian."""

    grad_fn_name = "KthvalueBackward0"
    params = ("dim", "k", "keepdim", "skipnan")

    def forward(self, a):
        xp = xp_of(a)
        d = self.dim
        if a.ndim == 0:
            self.idx_out = xp.zeros((), _INT64)
            return xp_of(a).array(a, copy=True), xp.zeros((), _INT64)
        order = _order(a, d, False)
        k = self.k
        if k is None:  # median: the lower middle of the non-NaN values (nanmedian) or all
            n_valid = (~xp.isnan(a)).sum(axis=d, keepdims=True) if self.skipnan else \
                xp.full(a.shape[:d] + (1,) + a.shape[d + 1:], a.shape[d])
            pos = xp.maximum(n_valid - 1, 0) // 2
            if not self.skipnan and a.dtype.kind in "fV":
                has_nan = xp.isnan(a).any(axis=d, keepdims=True)
                pos = xp.where(has_nan, a.shape[d] - xp.isnan(a).sum(axis=d, keepdims=True),
                               pos)
        else:
            pos = xp.full(a.shape[:d] + (1,) + a.shape[d + 1:], k - 1)
        idx = xp.take_along_axis(order, pos.astype(_INT64), axis=d)
        vals = xp.take_along_axis(a, idx, axis=d)
        if not self.keepdim:
            idx, vals = idx.squeeze(d), vals.squeeze(d)
        self.idx_out = idx
        return vals, idx.astype(_INT64)


class Median1(Kth):
    grad_fn_name = "MedianBackward1"


class Nanmedian1(Kth):
    grad_fn_name = "NanmedianBackward1"


class _MedianAll(Op):
    """Median of all elements (Kth's forward on the flattened input)."""

    grad_fn_name = "MedianBackward0"
    params = ("dim", "k", "keepdim", "skipnan")

    def forward(self, a):
        flat = a.reshape(-1)
        self.save_inputs(0)
        self.save_outputs(0)
        if flat.size == 0:  # PyTorch gives NaN (the lowest value for integers, True for bool)
            xp = xp_of(a)
            kind = a.dtype.kind
            fill = xp.nan if kind in "fcV" else True if kind == "b" else xp.iinfo(a.dtype).min
            return xp.full((), fill, a.dtype)
        return Kth.forward(self, flat)[0]

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
    if nd and size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if nd:
        _no_kernel(input._data, "kthvalue_cpu")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    v, i = Kth.apply(input, dim=d, k=int(k), keepdim=keepdim or nd == 0, skipnan=False)
    return return_types("kthvalue")(v, i)


def _median(input, dim, keepdim, skipnan, name):
    nd = input._data.ndim
    if dim is None:
        if keepdim:  # PyTorch's all-elements median takes no keepdim
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
        if input._data.size:
            _no_kernel(input._data, "median_cpu")
        op = _NanmedianAll if skipnan else _MedianAll
        return op.apply(input, dim=0, k=None, keepdim=False, skipnan=skipnan)
    d = wrap_dim(dim, nd)
    if nd and input._data.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    _no_kernel(input._data, "median_out")
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
    params = ("dim", "keepdim")

    def forward(self, a):
        xp = xp_of(a)
        d = self.dim
        if a.ndim == 0:
            self.idx_out = xp.zeros((), _INT64)
            return xp_of(a).array(a, copy=True), xp.zeros((), _INT64)
        moved = xp.moveaxis(a, d, -1)
        rows = moved.reshape(-1, moved.shape[-1])
        vals = xp.empty(rows.shape[0], a.dtype)
        idxs = xp.empty(rows.shape[0], _INT64)
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
    if nd and input._data.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    if nd and input._data.size:
        _no_kernel(input._data, "mode_cpu", "c")
    v, i = Mode.apply(input, dim=d, keepdim=keepdim or nd == 0)
    return return_types("mode")(v, i)


# -- unique ------------------------------------------------------------------------------------
class _Unique(Op):
    """(values, inverse, counts) of ``unique`` over all elements; PyTorch has no derivative."""

    grad_fn_name = "Unique2Backward0"
    non_differentiable = (1, 2)
    params = ()
    aten_name = "_unique2"

    def forward(self, a):
        u, inv, cnt = xp_of(a).unique(a.reshape(-1), return_inverse=True, return_counts=True)
        return u, inv.reshape(a.shape).astype(_INT64), cnt.astype(_INT64)

    def backward(self, *grads):
        raise RuntimeError(f"the derivative for '{self.aten_name}' is not implemented.")


class _UniqueDim(_Unique):
    grad_fn_name = "UniqueDimBackward0"
    params = ("dim",)
    aten_name = "unique_dim"

    def forward(self, a):
        u, inv, cnt = xp_of(a).unique(a, return_inverse=True, return_counts=True, axis=self.dim)
        return u, inv.reshape(-1).astype(_INT64), cnt.astype(_INT64)


class _UniqueConsecutive(_Unique):
    """Runs of equal consecutive values (``dim`` None) or slices along ``dim``."""

    grad_fn_name = "UniqueConsecutiveBackward0"
    params = ("dim",)
    aten_name = "unique_consecutive"

    def forward(self, a):
        xp = xp_of(a)
        d = self.dim
        if d is None:
            flat = a.reshape(-1)
            if flat.size == 0:
                return flat, xp.zeros(a.shape, _INT64), xp.zeros(0, _INT64)
            new = xp.concatenate([xp.ones(1, bool), flat[1:] != flat[:-1]])
            starts = xp.nonzero(new)[0]
            inv = xp.cumsum(new) - 1
            cnt = xp.diff(xp.concatenate([starts, [flat.size]]))
            return flat[starts], inv.reshape(a.shape).astype(_INT64), cnt.astype(_INT64)
        moved = xp.moveaxis(a, d, 0)
        n = moved.shape[0]
        if n == 0:
            return a, xp.zeros(0, _INT64), xp.zeros(0, _INT64)
        rows = moved.reshape(n, -1)
        new = xp.concatenate([xp.ones(1, bool), (rows[1:] != rows[:-1]).any(axis=1)])
        starts = xp.nonzero(new)[0]
        inv = xp.cumsum(new) - 1
        cnt = xp.diff(xp.concatenate([starts, [n]]))
        vals = xp.ascontiguousarray(xp.moveaxis(moved[starts], 0, d))
        return vals, inv.astype(_INT64), cnt.astype(_INT64)


def _pick(outs, return_inverse, return_counts):
    v, i, c = outs
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
    _no_kernel(input._data, "unique" if dim is None else "unique_dim", "c")
    if dim is None:
        outs = _Unique.apply(input)
    else:
        shape = input._data.shape
        if not shape:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = wrap_dim(dim, len(shape))
        if 0 in shape[:d] + shape[d + 1:]:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique "
                               "cannot be applied")
        outs = _UniqueDim.apply(input, dim=d)
    return _pick(outs, return_inverse, return_counts)


@tensor_method("unique_consecutive")
def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None):
    """Collapse runs of equal consecutive values (or slices along ``dim``)."""
    _no_kernel(input._data, "unique", "c")
    d = None if dim is None else wrap_dim(dim, input._data.ndim)
    return _pick(_UniqueConsecutive.apply(input, dim=d), return_inverse, return_counts)


# -- searchsorted / bucketize / histc / bincount ---------------------------------------------
class Searchsorted(Op):
    grad_fn_name = "SearchsortedBackward0"
    non_differentiable = (0,)
    params = ("right", "out_int32")

    def forward(self, seq, vals, sorter):
        xp = xp_of(seq)
        vals = xp.asarray(vals)  # a Python scalar
        if sorter is not None:
            seq = xp.take_along_axis(seq, sorter, axis=-1)
        s = "right" if self.right else "left"
        if seq.ndim <= 1:
            res = xp.searchsorted(seq, vals, side=s)
        else:
            if seq.shape[:-1] != vals.shape[:-1]:
                raise RuntimeError(
                    "torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                    "N-1 dimensions of boundaries tensor and input value tensor must match, but "
                    f"we got boundaries tensor {list(seq.shape)} and input value tensor "
                    f"{list(vals.shape)}")
            s2 = seq.reshape(-1, seq.shape[-1])
            v2 = vals.reshape(-1, vals.shape[-1])
            res = xp.stack([xp.searchsorted(s2[i], v2[i], side=s) for i in range(s2.shape[0])])
            res = res.reshape(vals.shape)
        return xp.asarray(res, dtype=xp.int32 if self.out_int32 else xp.int64)


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
    res = Searchsorted.apply(sorted_sequence, input, sorter, right=right, out_int32=out_int32)
    return write_out(out, res)


@tensor_method("bucketize")
def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False,
              out=None) -> Tensor:
    """Bucket index of each element in the 1-D ``boundaries`` (``right`` picks the closed side)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


class Histc(Op):
    grad_fn_name = "HistcBackward0"
    non_differentiable = (0,)
    params = ("bins", "lo", "hi")

    def forward(self, a):
        xp = xp_of(a)
        lo, hi, bins = self.lo, self.hi, self.bins
        if lo == hi and a.size:
            lo, hi = float(a.min()), float(a.max())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        x = a.reshape(-1)
        x = x[(x >= lo) & (x <= hi)]
        pos = ((x.astype(xp.float64) - lo) * bins / (hi - lo)).astype(xp.int64)
        pos = xp.minimum(pos, bins - 1)
        return xp.bincount(pos, minlength=bins).astype(a.dtype)


@tensor_method("histc")
def histc(input: Tensor, bins: int = 100, min=0, max=0, *, out=None) -> Tensor:  # noqa: A002
    """Histogram with ``bins`` equal bins over [min, max] (the data's range when equal)."""
    dt = input._data.dtype
    if dt.kind not in "fV":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                                  f"'{torch_type_name(dt)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    return write_out(out, Histc.apply(input, bins=bins, lo=lo, hi=hi))


class Bincount(Op):
    grad_fn_name = "BincountBackward0"
    non_differentiable = (0,)
    params = ("minlength",)

    def forward(self, a, w):
        xp = xp_of(a)
        if w is None:
            return xp.bincount(a, minlength=self.minlength).astype(xp.int64)
        dt = w.dtype if w.dtype in (xp.float32, xp.float64) else xp.float64
        return xp.bincount(a, weights=w.astype(xp.float64), minlength=self.minlength).astype(dt)


@tensor_method("bincount")
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Counts (or summed ``weights``) of each non-negative integer in the 1-D ``input``."""
    a = input._data
    if a.dtype.kind not in "iub" or a.dtype == D.bool_.np:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for "
                                  f"'{torch_type_name(a.dtype)}'")
    if a.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if a.size and int(a.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and weights._data.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    return Bincount.apply(input, weights, minlength=minlength)
