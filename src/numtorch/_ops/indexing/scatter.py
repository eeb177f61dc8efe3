"""Writing elements by index into a copy: scatter, scatter_add, scatter_reduce, index_add,
index_copy, index_fill, index_reduce, put, masked_fill, masked_scatter (with their in-place
methods), the view-embedding ``select_scatter``/``slice_scatter``/``diagonal_scatter``, and
``scatter_grad`` for the gradients of max/min/median; PyTorch's checks and gradients."""

from __future__ import annotations

import math

from ... import _dtype as D
from ..._backend import add_at, xp_of
from ..._backend.scatter import reduce_at
from ..._tensor import Tensor
from .._base import Op, recording, tensor_method, wrap_dim, write_out
from .._inplace import inplace
from ..creation import tensor
from ..join import cat
from ..pointwise.ternary import where
from ._common import (
    _broadcast_or_raise,
    _check_range,
    _first_bad,
    _legacy,
    _make_inplace,
    _nd1,
    _shape_str,
)
from .getitem import slice_grad
from .select import (
    _along,
    _check_flat_range,
    _check_gather_like,
    _check_index_dtype,
    gather,
    index_select,
    masked_select,
    take,
)

__all__ = ["scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
           "index_reduce", "put", "masked_fill", "masked_scatter", "select_scatter",
           "slice_scatter", "diagonal_scatter"]

_INT64 = D.int64.np
_BOOL = D.bool_.np


# -- scatter -----------------------------------------------------------------------------------
class Scatter(Op):
    grad_fn_name = "ScatterBackward0"
    params = ("dim", "reduce")
    reduce = None

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True)
        o = _nd1(out)
        i = _nd1(idx)
        loc = _along(i, self.dim)
        if hasattr(src, "shape"):
            s = _nd1(src)
            src = s[tuple(slice(0, n) for n in i.shape)].astype(a.dtype, copy=False)
        else:
            src = xp_of(a).asarray(src, dtype=a.dtype)
        if self.reduce == "add":
            add_at(o, loc, src)
        elif self.reduce == "multiply":
            reduce_at("multiply", o, loc, src)
        else:
            o[loc] = src
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index)
        ga = scatter(g, self.dim, idx, 0) if self.needs_input_grad[0] else None
        gs = None
        if self.needs_input_grad[2]:
            gs = _pad_to(gather(g, self.dim, idx), self._input_meta[2][0])
        return ga, None, gs


def _pad_to(t: Tensor, shape) -> Tensor:
    """``t`` placed at the start of zeros of ``shape`` (grad of a src used up to index shape)."""
    shape = tuple(shape)
    if tuple(t._data.shape) == shape:
        return t
    if not shape:
        return t.reshape(())
    return slice_grad(t, shape, tuple(slice(0, n) for n in t._data.shape))


def _crop(t: Tensor, shape) -> Tensor:
    shape = tuple(shape)
    if tuple(t._data.shape) == shape or not t._data.ndim:
        return t
    return t[tuple(slice(0, n) for n in shape)]


class ScatterValue(Scatter):
    grad_fn_name = "ScatterBackward1"


class ScatterReduceLegacy(Scatter):
    grad_fn_name = "NotImplemented"

    def backward(self, g):
        raise RuntimeError("the derivative for 'scatter' with reduce is not implemented.")


class ScatterAdd(Scatter):
    grad_fn_name = "ScatterAddBackward0"
    reduce = "add"

    def backward(self, g):
        gs = None
        if self.needs_input_grad[2]:
            gs = _pad_to(gather(g, self.dim, Tensor._from_array(self.index)),
                         self._input_meta[2][0])
        return g, None, gs


def _scatter_args(name, input, dim, index, src) -> int:
    _check_index_dtype(index, name)
    if isinstance(src, Tensor) and src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return _check_gather_like(name, input, dim, index, src if isinstance(src, Tensor) else None)


@tensor_method("scatter")
def scatter(input: Tensor, dim: int, index: Tensor, src=None, value=None, *,
            reduce: str | None = None, out=None) -> Tensor:
    """Copy of ``input`` with ``src`` (a tensor, or the scalar ``value``) written at ``index``."""
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    d = _scatter_args("scatter", input, dim, index, src)
    if reduce:
        op = ScatterReduceLegacy
    else:
        op = Scatter if isinstance(src, Tensor) else ScatterValue
    return write_out(out, op.apply(input, index, src, dim=d, reduce=reduce))


@tensor_method("scatter_add")
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor, *, out=None) -> Tensor:
    """Copy of ``input`` with ``src`` summed into the places ``index`` names along ``dim``."""
    d = _scatter_args("scatter", input, dim, index, src)
    return write_out(out, ScatterAdd.apply(input, index, src, dim=d))


_REDUCE_UFUNC = {"sum": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum",
                 "mean": "add"}


class ScatterReduce(Op):
    grad_fn_name = "ScatterReduceBackward0"
    params = ("dim", "reduce", "include_self")

    def forward(self, a, idx, src):
        xp = xp_of(a)
        i = _nd1(idx)
        s = _nd1(src)[tuple(slice(0, n) for n in i.shape)]
        loc = _along(i, self.dim)
        out = xp_of(a).array(a, copy=True)
        o = _nd1(out)
        hit = xp.zeros(o.shape, _INT64)
        add_at(hit, loc, 1)
        if not self.include_self:
            init = {"sum": 0, "mean": 0, "prod": 1}.get(self.reduce)
            if init is None:
                info = xp.finfo(a.dtype) if a.dtype.kind in "fV" else xp.iinfo(a.dtype)
                init = info.min if self.reduce == "amax" else info.max
                if a.dtype.kind in "fV":
                    init = -xp.inf if self.reduce == "amax" else xp.inf
            o[hit > 0] = init
        reduce_at(_REDUCE_UFUNC[self.reduce], o, loc, s)
        if self.reduce == "mean":
            cnt = hit + (1 if self.include_self else 0)
            cnt = xp.maximum(cnt, 1)
            o[...] = (o / cnt).astype(a.dtype) if a.dtype.kind in "fV" else o // cnt
        self.index, self.hit = idx, hit
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index)
        d = self.dim
        a, src, res = self.saved_tensors
        src = _crop(src, self.index.shape)
        red = self.reduce
        hit = Tensor._from_array(self.hit.reshape(self._input_meta[0][0]))
        touched = hit > 0
        if red == "sum":
            ga = g if self.include_self else masked_fill(g, touched, 0)
            gs = gather(g, d, idx)
        elif red == "mean":
            n = hit + (1 if self.include_self else 0)
            n = n.clamp_min(1).to(g.dtype)
            ga = g / n if self.include_self else masked_fill(g, touched, 0)
            gs = gather(g / n, d, idx)
        elif red == "prod":
            ga, gs = self._prod_grads(g, a, src, idx, touched)
        else:
            ga_mask = (a == res).to(g.dtype) if self.include_self else \
                masked_fill((a == res).to(g.dtype), touched, 0)
            src_mask = (src == gather(res, d, idx)).to(g.dtype)
            count = scatter_add(ga_mask, d, idx, src_mask)
            ga = g * ga_mask / count
            gs = gather(g / count, d, idx) * src_mask
        return ga, None, _pad_to(gs, self._input_meta[2][0])

    def _prod_grads(self, g, a, src, idx, touched):
        """Product-of-the-others gradients that stay finite with zeros, as PyTorch computes."""
        d = self.dim
        a_zero, s_zero = a == 0, src == 0
        base = a_zero if self.include_self else a_zero & False
        zeros = scatter_add(base.long(), d, idx, s_zero.long())  # zeros per output slot
        a_nz, s_nz = masked_fill(a, a_zero, 1), masked_fill(src, s_zero, 1)
        pnz = scatter_reduce(a_nz, d, idx, s_nz, "prod", include_self=self.include_self)
        gp = g * pnz
        if self.include_self:
            ga = where(a_zero, gp * (zeros == 1), gp * (zeros == 0) / a_nz)
        else:
            ga = masked_fill(g, touched, 0)
        gps, zs = gather(gp, d, idx), gather(zeros, d, idx)
        gs = where(s_zero, gps * (zs == 1), gps * (zs == 0) / s_nz)
        return ga, gs


@tensor_method("scatter_reduce")
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True, out=None) -> Tensor:
    """Reduce ``src`` into ``input`` at ``index`` along ``dim`` (sum, prod, mean, amax, amin)."""
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    d = _scatter_args("scatter_reduce", input, dim, index, src)
    if not recording(input, src):
        res = ScatterReduce.apply(input, index, src, dim=d, reduce=reduce,
                                  include_self=include_self)
        return write_out(out, res)
    # backward needs the result; compute it first without grad and pass it as a constant input
    res = ScatterReduce.apply(input.detach(), index, src.detach(), dim=d, reduce=reduce,
                              include_self=include_self)
    return write_out(out, _ScatterReduceGrad.apply(input, index, src, res, dim=d, reduce=reduce,
                                                   include_self=include_self))


class _ScatterReduceGrad(ScatterReduce):
    grad_fn_name = "ScatterReduceBackward0"

    def forward(self, a, idx, src, res):
        self.save_inputs(0, 2, 3)
        return ScatterReduce.forward(self, a, idx, src)

    def backward(self, g):
        ga, _, gs = ScatterReduce.backward(self, g)
        return ga, None, gs, None


# -- index_add / index_copy / index_fill / index_reduce -----------------------------------------
class IndexAdd(Op):
    grad_fn_name = "IndexAddBackward0"
    params = ("dim", "alpha")

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True)
        self.index = idx
        if not out.size or not idx.size:  # PyTorch leaves these unchecked and untouched
            return out
        o = _nd1(out)
        s = src.reshape(1) if src.ndim == 0 else src
        if self.dim != 0 or o.ndim != 1:
            s = s if s.ndim == o.ndim else s.reshape(o.shape[:self.dim] + (-1,) +
                                                      o.shape[self.dim + 1:])
        loc = (slice(None),) * self.dim + (idx.reshape(-1),)
        s = s * self.alpha if self.alpha != 1 else s
        add_at(o, loc, s.astype(a.dtype, copy=False))
        self.index = idx
        return out

    def backward(self, g):
        gs = None
        if self.needs_input_grad[2]:
            gs = index_select(g, self.dim, Tensor._from_array(self.index.reshape(-1)))
            if self.alpha != 1:
                gs = gs * self.alpha
            gs = gs.reshape(self._input_meta[2][0])
        return g, None, gs


def _check_index_source(name, input, dim, index, source):
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if index._data.dtype not in (_INT64, D.int32.np):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    n = index._data.size
    ssize = source._data.shape[d] if source._data.ndim else 1
    if source._data.ndim and n != ssize:
        raise RuntimeError(f"{name}(): Number of indices ({n}) should be equal to "
                           f"source.size(dim): ({ssize}), for dim: {d}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{name}(): self ({_legacy(input._data.dtype)}) and source "
                           f"({_legacy(source._data.dtype)}) must have the same scalar type")
    return d


@tensor_method("index_add")
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1,
              out=None) -> Tensor:
    """Copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``."""
    d = _check_index_source("index_add_", input, dim, index, source)
    nd = input._data.ndim
    size = input._data.shape[d] if nd else 1
    ia = index._data
    if nd <= 1 or (ia.size and input._data.size):  # PyTorch skips empty N-d inputs unchecked
        bad = _first_bad(ia, 0, size)
        if bad is not None:
            # PyTorch hands these cases to scatter_add, whose message names the index
            if nd > 1 and d in (0, nd - 1) and alpha == 1 and not isinstance(alpha, bool) \
                    and ia.dtype == _INT64:
                raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size "
                                   f"{size}")
            raise IndexError("index out of range in self")
    return write_out(out, IndexAdd.apply(input, index, source, dim=d, alpha=alpha))


class IndexCopy(Op):
    grad_fn_name = "IndexCopyBackward0"
    params = ("dim",)

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True)
        self.index = idx
        if out.size:  # an empty input is left unchecked and untouched, as in PyTorch
            _nd1(out)[(slice(None),) * self.dim + (idx.reshape(-1),)] = _nd1(src)
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index.reshape(-1))
        ga = index_fill(g, self.dim, idx, 0) if self.needs_input_grad[0] else None
        gs = None
        if self.needs_input_grad[2]:
            gs = index_select(g, self.dim, idx).reshape(self._input_meta[2][0])
        return ga, None, gs


@tensor_method("index_copy")
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor, *, out=None) -> Tensor:
    """Copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``."""
    d = _check_index_source("index_copy_", input, dim, index, source)
    size = input._data.shape[d] if input._data.ndim else 1
    if input._data.size or not size:  # PyTorch skips the check on other empty inputs
        _check_range(index._data, size, d, "index_copy_(): ", lo=0)
    return write_out(out, IndexCopy.apply(input, index, source, dim=d))


class IndexFill(Op):
    grad_fn_name = "IndexFillBackward0"
    params = ("dim",)

    def forward(self, a, idx, value):
        out = xp_of(a).array(a, copy=True)
        if out.size:  # an empty input is left unchecked and untouched, as in PyTorch
            _nd1(out)[(slice(None),) * self.dim + (idx.reshape(-1),)] = value
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index.reshape(-1))
        gv = None
        if self.needs_input_grad[2]:
            gv = index_select(g, self.dim, idx).sum()
        return index_fill(g, self.dim, idx, 0), None, gv


class IndexFillTensor(IndexFill):
    grad_fn_name = "IndexFillBackward1"


@tensor_method("index_fill")
def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """Copy of ``input`` with ``value`` written at ``index`` along ``dim``."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if index._data.ndim > 1:
        raise IndexError("index_fill_(): Expected a 1-D tensor for index")
    if index._data.dtype != _INT64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    size = input._data.shape[d] if nd else 1
    if input._data.size or not size:  # PyTorch skips the check on other empty inputs
        _check_range(index._data, size, d)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return IndexFillTensor.apply(input, index, value, dim=d)
    return IndexFill.apply(input, index, value, dim=d)


@tensor_method("index_reduce")
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True, out=None) -> Tensor:
    """``torch.index_reduce``: reduce ``source`` slices into ``input[index[i]]`` along dim."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    zero_d = input.dim() == 0
    x = input.reshape(1) if zero_d else input
    src = source.reshape(1) if source.dim() == 0 else source
    d = wrap_dim(dim, x.dim())
    size = x._data.shape[d]
    if not include_self and input._data.size:  # PyTorch first index_fills the reduced slots
        _check_range(index._data, size, d)
    if _first_bad(index._data, 0, size) is not None:
        raise IndexError("index out of range in self")
    shape = [1] * src.dim()
    shape[d] = -1
    idx = index.reshape(shape).expand(*src.shape)
    res = scatter_reduce(x, d, idx, src, reduce, include_self=include_self)
    if zero_d:
        res = res.reshape(())
    return write_out(out, res)


@tensor_method("index_reduce_")
def index_reduce_(self: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                  include_self: bool = True) -> Tensor:
    return inplace(self, index_reduce, dim, index, source, reduce, include_self=include_self)


# -- put ---------------------------------------------------------------------------------------
class Put(Op):
    grad_fn_name = "PutBackward0"
    params = ("accumulate",)

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True, order="C")  # so that reshape(-1) is a view
        flat = out.reshape(-1)
        i = idx.reshape(-1)
        s = src.reshape(-1).astype(a.dtype, copy=False)
        if self.accumulate:
            add_at(flat, i, s)
        else:
            flat[i] = s
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index)
        ga = g if self.accumulate else put(g, idx, g.new_zeros(idx.shape))
        gs = None
        if self.needs_input_grad[2]:
            gs = take(g, idx).reshape(self._input_meta[2][0])
        return ga, None, gs


@tensor_method("put")
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """Copy of ``input`` with ``source`` written (or added) at flat positions ``index``."""
    if index._data.dtype != _INT64:
        raise RuntimeError("put_(): Expected a long tensor for index, but got "
                           f"{_legacy(index._data.dtype)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"put_(): self ({_legacy(input._data.dtype)}) and source "
                           f"({_legacy(source._data.dtype)}) must have the same scalar type")
    if index._data.size != source._data.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source._data.size}, "
                           f"index.numel() = {index._data.size}")
    _check_flat_range(index._data, input._data.size,
                      "put_(): Tried to put elements into an empty tensor")
    return Put.apply(input, index, source, accumulate=accumulate)


# -- masked_fill / masked_scatter ---------------------------------------------------------------
class MaskedFill(Op):
    grad_fn_name = "MaskedFillBackward0"
    params = ()

    def forward(self, a, mask, value):
        xp = xp_of(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        out = xp.broadcast_to(a, shape).copy()
        self.mask = mask
        out[xp.broadcast_to(mask, shape)] = value
        return out

    def backward(self, g):
        m = Tensor._from_array(self.mask)
        gv = None
        if self.needs_input_grad[2]:
            gv = where(m, g, g * 0).sum()
        return where(m, g * 0, g), None, gv


class MaskedFillTensor(MaskedFill):
    grad_fn_name = "MaskedFillBackward1"


@tensor_method("masked_fill")
def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """Copy of ``input`` with ``value`` where ``mask`` is True (mask broadcasts)."""
    if mask._data.dtype != _BOOL:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.cpp_name}")
    _broadcast_or_raise([mask._data.shape, input._data.shape])
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value)


@tensor_method("masked_fill_")
def _masked_fill_(self, mask, value):
    if isinstance(value, Tensor) and not value._requires_grad:
        value = value.item()
    return inplace(self, masked_fill, mask, value)


class MaskedScatter(Op):
    grad_fn_name = "MaskedScatterBackward0"
    params = ()

    def forward(self, a, mask, src):
        xp = xp_of(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        m = xp.broadcast_to(mask, shape)
        out = xp.broadcast_to(a, shape).copy()
        n = int(m.sum())
        out[m] = src.reshape(-1)[:n].astype(out.dtype, copy=False)
        self.mask, self.n, self.src_shape = m, n, src.shape
        return out

    def backward(self, g):
        m = Tensor._from_array(self.mask)
        ga = masked_fill(g, m, 0) if self.needs_input_grad[0] else None
        gs = None
        if self.needs_input_grad[2]:
            total = math.prod(self.src_shape)
            sel = masked_select(g, m)
            gs = cat([sel, g.new_zeros(total - self.n)]).reshape(self.src_shape)
        return ga, None, gs


@tensor_method("masked_scatter")
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """Copy of ``input`` with consecutive ``source`` elements written where ``mask`` is True."""
    if mask._data.dtype != _BOOL:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                           f"{_legacy(input._data.dtype)} and {_legacy(source._data.dtype)}")
    shape = _broadcast_or_raise([mask._data.shape, input._data.shape])
    if int(xp_of(mask._data).broadcast_to(mask._data, shape).sum()) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, mask, source)


def _check_mask_expands(self: Tensor, mask: Tensor) -> None:
    """In-place masked_scatter_ expands the mask to ``self``'s shape: PyTorch's expand errors."""
    ms, ss = tuple(mask._data.shape), tuple(self._data.shape)
    if mask._data.dtype == _BOOL and ms != ss:
        if len(ms) > len(ss):
            raise RuntimeError(f"expand({self.device.type.upper()}BoolType{{{_shape_str(ms)}}}, "
                               f"size={_shape_str(ss)}): the number of sizes provided "
                               f"({len(ss)}) must be greater or equal to the number of "
                               f"dimensions in the tensor ({len(ms)})")
        off = len(ss) - len(ms)
        for i, m in enumerate(ms):
            if m != 1 and m != ss[off + i]:
                raise RuntimeError(f"The expanded size of the tensor ({ss[off + i]}) must match "
                                   f"the existing size ({m}) at non-singleton dimension "
                                   f"{off + i}.  Target sizes: {_shape_str(ss)}.  Tensor sizes: "
                                   f"{_shape_str(ms)}")


# the generic in-place signature (self, *args, **kwargs), as the Tensor stub records it
@tensor_method("masked_scatter_")
def _masked_scatter_(self, *args, **kwargs):
    mask = args[0] if args else kwargs.get("mask")
    if isinstance(mask, Tensor):
        _check_mask_expands(self, mask)
    return inplace(self, masked_scatter, *args, **kwargs)


# -- writing a source into a view of a copy ----------------------------------------------------
class _Embed(Op):
    """``input`` with the flat positions ``index`` replaced by ``src`` (a scatter into a view):
    input's gradient is zero at those positions, src's is gathered there."""

    grad_fn_name = "ScatterBackward0"
    params = ("index",)
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
        keep = xp_of(g._data).full(math.prod(self.shape), not self.invert_mask)
        keep[self.index.reshape(-1)] = self.invert_mask
        ga = gs = None
        if self.needs_input_grad[0]:
            ga = g * Tensor._from_array(keep.reshape(self.shape))
        if self.needs_input_grad[1]:
            gs = take(g, Tensor._from_array(self.index.astype(_INT64)))
        return ga, gs


class SelectScatter(_Embed):
    grad_fn_name = "SelectScatterBackward0"


class SliceScatter(_Embed):
    grad_fn_name = "SliceScatterBackward0"


class DiagonalScatter(_Embed):
    grad_fn_name = "DiagonalScatterBackward0"


class AsStridedScatter(_Embed):
    grad_fn_name = "AsStridedScatterBackward0"
    invert_mask = True


def _embed(input: Tensor, src, view_fn, op) -> Tensor:
    """``op`` writing ``src`` at the positions ``view_fn`` selects from input's flat positions."""
    xp = xp_of(input._data)
    positions = xp.asarray(view_fn(xp.arange(input.numel(), dtype=_INT64)
                                   .reshape(tuple(input.shape))))
    src_t = src if isinstance(src, Tensor) else tensor(src, dtype=input.dtype)
    if tuple(src_t.shape) != positions.shape:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{list(src_t.shape)}, slice size = {list(positions.shape)}")
    return op.apply(input, src_t, index=positions)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """``torch.select_scatter``: ``input`` with ``input.select(dim, index)`` replaced by src."""
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.dim())
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return _embed(input, src, lambda a: a.take(index % n, axis=d), SelectScatter)


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start=None, end=None,
                  step: int = 1) -> Tensor:
    """``torch.slice_scatter``: ``input`` with ``input[..., start:end:step, ...]`` set to src."""
    d = wrap_dim(dim, input.dim())
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    sl = (slice(None),) * d + (slice(start, end, step),)
    return _embed(input, src, lambda a: a[sl], SliceScatter)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """``torch.diagonal_scatter``: ``input`` with a diagonal replaced by ``src``."""
    return _embed(input, src, lambda a: a.diagonal(offset, dim1, dim2), DiagonalScatter)


for _n, _f in (("scatter_", scatter), ("scatter_add_", scatter_add),
               ("scatter_reduce_", scatter_reduce), ("index_add_", index_add),
               ("index_copy_", index_copy), ("index_fill_", index_fill), ("put_", put)):
    _make_inplace(_n, _f)


# -- helpers for gradients of reductions ------------------------------------------------------
class ScatterAlong(Op):
    """Zeros of ``shape`` with ``g`` placed at ``indices`` along ``dim`` (grad of max/min/etc)."""

    grad_fn_name = "ScatterBackward0"
    params = ("indices", "shape", "dim", "keepdim")

    def forward(self, g):
        xp = xp_of(g)
        out = xp.zeros(self.shape, dtype=g.dtype)
        idx = self.indices
        gg = g
        if not self.keepdim:
            idx = xp.expand_dims(idx, self.dim) if idx.ndim < len(self.shape) else idx
            gg = xp.expand_dims(g, self.dim) if g.ndim < len(self.shape) else g
        xp.put_along_axis(out, idx, gg, axis=self.dim)
        self.idx_k = idx
        return out

    def backward(self, gg):
        xp = xp_of(gg._data)
        r = Tensor._from_array(xp.take_along_axis(gg._data, self.idx_k, axis=self.dim))
        return r if self.keepdim else r.squeeze(self.dim)


def scatter_grad(g: Tensor, indices, shape, dim: int, keepdim: bool) -> Tensor:
    """Zeros of ``shape`` with ``g`` put at ``indices`` along ``dim`` (for max/min/median)."""
    return ScatterAlong.apply(g, indices=indices, shape=shape, dim=dim, keepdim=keepdim)


tensor_method("diagonal_scatter")(diagonal_scatter)
tensor_method("select_scatter")(select_scatter)
tensor_method("slice_scatter")(slice_scatter)
