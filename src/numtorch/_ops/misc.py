"""Top-level ops of PyTorch's long tail: ``*_copy`` views, scatter-into-view ops, statistics
(``quantile``, ``cov``, ``histogram``), index helpers (``tril_indices``, ``unravel_index``), ...

Most are compositions of existing numtorch ops, so their gradients follow from those ops and
match PyTorch's; the few with their own ``Op`` class say why.
"""

from __future__ import annotations

import numpy as _np  # index bookkeeping only

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out
from .creation import Fill, _as_tensor
from .shape import _copy

__all__ = [
    "addr", "as_strided", "as_strided_copy", "as_strided_scatter", "corrcoef", "cov",
    "diagonal_scatter", "gradient", "grid_sampler_2d", "histogram", "histogramdd", "index_reduce",
    "isin", "native_batch_norm", "native_group_norm", "native_layer_norm", "nonzero_static",
    "quantile", "nanquantile", "renorm", "select_scatter", "slice_scatter", "stft",
    "unravel_index",
]


def _nt():
    import numtorch

    return numtorch


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


# -- linear-algebra-ish ----------------------------------------------------------------------
@tensor_method("addr")
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``torch.addr``: ``beta * input + alpha * outer(vec1, vec2)`` (input ignored if beta=0)."""
    nt = _nt()
    if vec1.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.dim()}-D"
                           if vec1.dim() != 1 else
                           f"addr: Expected 1-D argument vec2, but got {vec2.dim()}-D")
    prod = nt.outer(vec1, vec2)
    if prod.dtype == D.bool_:
        res = prod if not alpha else prod
        if beta and bool(beta):
            res = nt.logical_or(input.bool(), res)
        return write_out(out, nt.broadcast_to(res, prod.shape) if res.dim() < 2 else res)
    term = prod if alpha == 1 else prod * alpha
    if beta == 0:
        res = term + Fill.apply(input, 0)  # input ignored (NaN too), but still gets a zero grad
    else:
        res = (input if beta == 1 else input * beta) + term
    return write_out(out, res)


@tensor_method("renorm")
def renorm(input: Tensor, p, dim: int, maxnorm) -> Tensor:
    """``torch.renorm``: rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm``."""
    nt = _nt()
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    d = wrap_dim(dim, input.dim())
    others = [k for k in range(input.dim()) if k != d]
    norms = nt.linalg.vector_norm(input, p, dim=others, keepdim=True)
    factor = nt.where(norms > maxnorm, maxnorm / (norms + 1e-7), nt.ones_like(norms))
    return input * factor


@tensor_method("renorm_")
def renorm_(self: Tensor, p, dim: int, maxnorm) -> Tensor:
    from ._inplace import inplace

    return inplace(self, renorm, p, dim, maxnorm)


# -- statistics ----------------------------------------------------------------------------------
@tensor_method("cov")
def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """``torch.cov``: covariance of the rows (variables) over the columns (observations)."""
    nt = _nt()
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = n_obs
        avg = x.sum(1) / w_sum
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if isinstance(norm, Tensor):
        norm = nt.clamp(norm, min=0)
    else:
        norm = max(norm, 0)
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    c = nt.mm(xm, xw.t().conj() if xw.is_complex() else xw.t())
    return (c / norm).squeeze()


@tensor_method("corrcoef")
def corrcoef(input: Tensor) -> Tensor:
    """``torch.corrcoef``: Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
    nt = _nt()
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = nt.diagonal(c)
    std = nt.sqrt(d.real if d.is_complex() else d)
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    if c.is_complex():
        return nt.complex(c.real.clip(-1, 1), c.imag.clip(-1, 1))
    return c.clip(-1, 1)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input: Tensor, q, dim, keepdim, interpolation, ignore_nan, name) -> Tensor:
    nt = _nt()
    if input.dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{name}() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}")
    if isinstance(q, Tensor):
        if q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        q_arr = _np.asarray(q._data, dtype=_np.float64).reshape(-1)
        scalar_q = q.dim() == 0
    else:
        q_arr = _np.asarray([float(q)])
        scalar_q = True
    if ((q_arr < 0) | (q_arr > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]" if not scalar_q
                           or isinstance(q, Tensor) else f"{name}() q must be in the range [0, 1] "
                           f"but got {q}")
    ndim = input.dim()
    if dim is None:
        x = input.reshape(-1)
        red_shape = [1] * ndim if keepdim else []
    else:
        d = wrap_dim(dim, ndim)
        x = input.movedim(d, -1) if ndim else input.reshape(1)
        shape = list(input.shape)
        if ndim:
            red_shape = shape[:d] + ([1] if keepdim else []) + shape[d + 1:]
        else:
            red_shape = []
    srt = nt.sort(x, dim=-1)[0]
    n = srt.shape[-1]
    if n == 0:
        raise IndexError(f"{name}() input tensor must be non-empty")
    npdt = input.dtype.np
    qv = q_arr.astype(npdt)
    sdat = srt._data
    nan = _np.isnan(sdat)
    if ignore_nan:
        k = (~nan).sum(-1, keepdims=True).astype(npdt)
        ranks = qv * (k - 1)
        ranks = _np.where(ranks < 0, npdt.type(0), ranks)
    else:
        last = npdt.type(n - 1)
        ranks = _np.broadcast_to(qv * last, sdat.shape[:-1] + (qv.size,)).copy()
        ranks[_np.broadcast_to(nan.any(-1, keepdims=True), ranks.shape)] = last
    if interpolation == "lower":
        ranks = _np.floor(ranks)
    elif interpolation == "higher":
        ranks = _np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = _np.round(ranks)
    below = ranks.astype(_np.int64)
    vals = nt.gather(srt, -1, nt.tensor(below))
    if interpolation in ("linear", "midpoint"):
        weights = (_np.full_like(ranks, 0.5) if interpolation == "midpoint"
                   else ranks - below.astype(npdt))
        w_t = nt.tensor(weights.astype(npdt))
        if interpolation == "linear" and isinstance(q, Tensor) and q.requires_grad:
            w_t = _rank_weights(q.reshape(-1), ranks, below, sdat, nan, ignore_nan)
        above = _np.ceil(ranks).astype(_np.int64)
        vhi = nt.gather(srt, -1, nt.tensor(above))
        vals = nt.lerp(vals, vhi, w_t)
    # vals: (*batch, Q) -> (Q, *red_shape)
    vals = vals.movedim(-1, 0).reshape([qv.size] + red_shape)
    if scalar_q:
        vals = vals.squeeze(0) if vals.dim() else vals
    return vals


def _rank_weights(q: Tensor, ranks, below, sdat, nan, ignore_nan) -> Tensor:
    """The linear interpolation weights as a function of ``q`` (so ``q`` gets a gradient)."""
    nt = _nt()
    npdt = sdat.dtype
    if ignore_nan:
        k = (~nan).sum(-1, keepdims=True).astype(npdt)
        r = q * nt.tensor(k - 1)
        r = nt.where(nt.tensor((q._data * (k - 1)) < 0), nt.zeros_like(r), r)
    else:
        last = sdat.shape[-1] - 1
        r = (q * last).expand(*ranks.shape)
        r = nt.where(nt.tensor(_np.broadcast_to(nan.any(-1, keepdims=True), ranks.shape)),
                     nt.full_like(r, last), r)
    return r - nt.tensor(below.astype(npdt))


@tensor_method("quantile")
def quantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear",
             out=None) -> Tensor:
    """``torch.quantile``: q-th quantiles along ``dim`` (NaN if a slice has NaN)."""
    return write_out(out, _quantile(input, q, dim, keepdim, interpolation, False, "quantile"))


@tensor_method("nanquantile")
def nanquantile(input: Tensor, q, dim=None, keepdim: bool = False, *,
                interpolation: str = "linear", out=None) -> Tensor:
    """``torch.nanquantile``: ``quantile`` ignoring NaN values."""
    return write_out(out, _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile"))


def _hist_edges(x: _np.ndarray, bins, rng, dtype):
    """Bin edges as torch computes them for an int count: linspace of the (padded) range."""
    nt = _nt()
    if rng is not None:
        lo, hi = float(rng[0]), float(rng[1])
    elif x.size:
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 0.0
    if lo > hi:
        raise RuntimeError(f"histogramdd(): min should not exceed max, but got min {lo} max {hi}"
                           " for dimension 0")
    if lo == hi and x.size:
        lo, hi = lo - 0.5, hi + 0.5
    elif lo == hi:
        lo, hi = 0.0, 1.0
    return nt.linspace(lo, hi, bins + 1, dtype=dtype)._data


def _bin_counts(x: _np.ndarray, edges_list, weight):
    """N-d histogram of x (N, D) over per-dim edges; last edge inclusive, outside ignored."""
    shape = tuple(len(e) - 1 for e in edges_list)
    keep = _np.ones(x.shape[0], dtype=bool)
    flat = _np.zeros(x.shape[0], dtype=_np.int64)
    for k, e in enumerate(edges_list):
        v = x[:, k]
        nb = len(e) - 1
        keep &= (v >= e[0]) & (v <= e[-1])
        pos = _np.searchsorted(e, v, side="right") - 1
        pos = _np.clip(pos, 0, max(nb - 1, 0))
        flat = flat * nb + pos
    w = None if weight is None else weight[keep]
    counts = _np.bincount(flat[keep], weights=w, minlength=int(_np.prod(shape)))
    return counts.reshape(shape)


def _histogramdd(x: _np.ndarray, bins, rng, weight, density, dtype):
    nt = _nt()
    dims = x.shape[1]
    if isinstance(bins, int):
        bins = [bins] * dims
    edges = []
    for k in range(dims):
        b = bins[k]
        r = None if rng is None else (rng[2 * k], rng[2 * k + 1])
        if isinstance(b, Tensor):
            edges.append(b._data)
        else:
            edges.append(_hist_edges(x[:, k], int(b), r, dtype))
    hist = _bin_counts(x, edges, weight).astype(dtype.np)
    if density:
        total = hist.sum()
        widths = [_np.diff(e) for e in edges]
        vol = _np.ones(hist.shape, dtype=dtype.np)
        for k, wdt in enumerate(widths):
            shape = [1] * dims
            shape[k] = -1
            vol = vol * wdt.reshape(shape)
        hist = hist / (total * vol)
    return nt.tensor(hist.astype(dtype.np)), [nt.tensor(e.astype(dtype.np)) for e in edges]


def _named(name, fields):
    from .decompositions import named_tuple

    return named_tuple(name, fields)


@tensor_method("histogram")
def histogram(input: Tensor, bins=100, *, range=None, weight=None, density: bool = False,  # noqa: A002
              out=None):
    """``torch.histogram``: (hist, bin_edges) of the flattened input."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f'"histogram_cpu" not implemented for '
                           f"'{str(input.dtype)[6:].capitalize()}'")
    x = input._data.reshape(-1, 1)
    w = None if weight is None else weight._data.reshape(-1)
    hist, edges = _histogramdd(x, [bins], range, w, density, input.dtype)
    return _named("histogram", ("hist", "bin_edges"))(hist, edges[0])


@tensor_method("histogramdd")
def histogramdd(input: Tensor, bins=10, *, range=None, weight=None, density: bool = False,  # noqa: A002
                out=None):
    """``torch.histogramdd``: (hist, bin_edges) over the last dim's coordinates."""
    x = input._data.reshape(-1, input.shape[-1])
    w = None if weight is None else weight._data.reshape(-1)
    if not isinstance(bins, int):
        bins = list(bins)
    hist, edges = _histogramdd(x, bins, range, w, density, input.dtype)
    return _named("histogramdd", ("hist", "bin_edges"))(hist, tuple(edges))


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """``torch.gradient``: second-order central differences inside, one-sided at the edges."""
    ndim = input.dim()
    if dim is None:
        dims = list(range(ndim))
    elif isinstance(dim, int):
        dims = [wrap_dim(dim, ndim)]
    else:
        dims = [wrap_dim(d, ndim) for d in dim]
    if spacing is None:
        spacing = 1
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar, or a list of "
                f"length equal to 'self.dim() = {ndim}', since dim argument was not given, but "
                f"got a list of length {len(spacing)}")
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(_grad_along(input, d, h, edge_order) for d, h in zip(dims, spacings))


def _grad_along(f: Tensor, d: int, h, edge_order: int) -> Tensor:
    nt = _nt()
    n = f.shape[d]

    def sl(a, b):
        return f.narrow(d, a, b - a)

    if isinstance(h, Tensor) and h.dim() == 1:
        x = h._data.astype(_np.float64)
        dx = _np.diff(x)
        shape = [1] * f.dim()
        shape[d] = -1

        def c(arr):
            return nt.tensor(_np.asarray(arr).reshape(shape).astype(
                f.dtype.np if f.dtype.is_floating_point else D.get_default_dtype().np))

        dx1, dx2 = dx[:-1], dx[1:]
        a = -dx2 / (dx1 * (dx1 + dx2))
        b = (dx2 - dx1) / (dx1 * dx2)
        cc = dx1 / (dx2 * (dx1 + dx2))
        mid = c(a) * sl(0, n - 2) + c(b) * sl(1, n - 1) + c(cc) * sl(2, n)
        if edge_order == 1:
            first = (sl(1, 2) - sl(0, 1)) / c(dx[:1])
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / c(dx[-1:])
        else:
            d1, d2 = dx[0], dx[1]
            a0 = -(2.0 * d1 + d2) / (d1 * (d1 + d2))
            b0 = (d1 + d2) / (d1 * d2)
            c0 = -d1 / (d2 * (d1 + d2))
            first = c([a0]) * sl(0, 1) + c([b0]) * sl(1, 2) + c([c0]) * sl(2, 3)
            d1, d2 = dx[-2], dx[-1]
            a1 = d2 / (d1 * (d1 + d2))
            b1 = -(d2 + d1) / (d1 * d2)
            c1 = (2.0 * d2 + d1) / (d2 * (d1 + d2))
            last = c([a1]) * sl(n - 3, n - 2) + c([b1]) * sl(n - 2, n - 1) + c([c1]) * sl(n - 1, n)
        return nt.cat([first, mid, last], d)
    if isinstance(h, Tensor):
        h = h.item()
    mid = (sl(2, n) - sl(0, n - 2)) / (2 * h)
    if edge_order == 1:
        first = (sl(1, 2) - sl(0, 1)) / h
        last = (sl(n - 1, n) - sl(n - 2, n - 1)) / h
    else:
        first = (-1.5 * sl(0, 1) + 2 * sl(1, 2) - 0.5 * sl(2, 3)) / h
        last = (0.5 * sl(n - 3, n - 2) - 2 * sl(n - 2, n - 1) + 1.5 * sl(n - 1, n)) / h
    return nt.cat([first, mid, last], d)


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


_GRID_MODES = ("bilinear", "nearest", "bicubic")
_GRID_PADDING = ("zeros", "border", "reflection")


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """``torch.grid_sampler_2d``: ``F.grid_sample`` with the modes given as enum integers."""
    from ..nn.functional import grid_sample

    return grid_sample(input, grid, _GRID_MODES[interpolation_mode],
                       _GRID_PADDING[padding_mode], align_corners)


@tensor_method("stft")
def stft(input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
         window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect",
         normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None) -> Tensor:
    """``torch.stft``: FFTs of windowed frames, (batch?, freq, frames); centred frames pad the
    signal by ``n_fft // 2`` with ``pad_mode``; ``normalized`` scales by ``n_fft ** -0.5``."""
    nt = _nt()
    from .. import fft as _fft
    from ..nn.functional import pad as _pad

    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D tensor")
    complex_in = input.is_complex() or (window is not None and window.is_complex())
    if return_complex is None:
        if not complex_in:
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
        return_complex = True
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not 0 < win <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    x = input if input.dim() == 2 else input.unsqueeze(0)
    if center:
        p = n_fft // 2
        x = _pad(x.unsqueeze(1), [p, p], mode=pad_mode).squeeze(1)
    if not 0 < n_fft <= x.shape[-1]:
        raise RuntimeError(f"stft: expected 0 < n_fft < {x.shape[-1]}, but got n_fft={n_fft}")
    frames = x.unfold(-1, n_fft, hop)
    if window is not None:
        w = window
        if win < n_fft:
            left = (n_fft - win) // 2
            w = _pad(w.reshape(1, 1, -1), [left, n_fft - win - left]).reshape(-1)
        frames = frames * w
    elif win < n_fft:
        left = (n_fft - win) // 2
        mask = _np.zeros(n_fft, dtype=frames.dtype.np)
        mask[left:left + win] = 1
        frames = frames * nt.tensor(mask)
    one = (not complex_in) if onesided is None else onesided
    norm = "ortho" if normalized else "backward"
    spec = _fft.rfft(frames, dim=-1, norm=norm) if one else _fft.fft(frames, dim=-1, norm=norm)
    spec = spec.transpose(-1, -2)
    if input.dim() == 1:
        spec = spec.squeeze(0)
    return spec if return_complex else nt.view_as_real(spec.contiguous())


# -- normalisation primitives -----------------------------------------------------------------
def native_layer_norm(input: Tensor, normalized_shape, weight, bias, eps: float) -> tuple:
    """``torch.native_layer_norm``: (output, mean, rstd); mean/rstd have trailing 1-dims."""
    nt = _nt()
    k = len(tuple(normalized_shape))
    dims = list(range(input.dim() - k, input.dim()))
    mean = input.mean(dim=dims, keepdim=True) if dims else input * 1
    var = (input.var(dim=dims, unbiased=False, keepdim=True) if dims
           else nt.zeros_like(input))
    rstd = nt.rsqrt(var + eps)
    out = (input - mean) * rstd
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out, mean.detach(), rstd.detach()


def native_group_norm(input: Tensor, weight, bias, N: int, C: int, HxW: int, group: int,
                      eps: float) -> tuple:
    """``torch.native_group_norm``: (output, mean (N, G), rstd (N, G)), all differentiable."""
    nt = _nt()
    x = input.reshape(N, group, (C // group) * HxW)
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=False, keepdim=True)
    rstd = nt.rsqrt(var + eps)
    out = ((x - mean) * rstd).reshape(input.shape)
    shape = [1, C] + [1] * (input.dim() - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out, mean.reshape(N, group), rstd.reshape(N, group)


def native_batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool,
                      momentum: float, eps: float) -> tuple:
    """``torch.native_batch_norm``: (output, save_mean, save_invstd); updates running stats
    in training mode; in eval mode the saved statistics are empty."""
    nt = _nt()
    dims = [0] + list(range(2, input.dim()))
    shape = [1, -1] + [1] * (input.dim() - 2)
    if training:
        mean = input.mean(dim=dims)
        var = input.var(dim=dims, unbiased=False)
        invstd = nt.rsqrt(var + eps)
        with nt.no_grad():
            n = input.numel() // input.shape[1]
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(mean.detach() * momentum)
            if running_var is not None:
                unb = var.detach() * (n / max(n - 1, 1))
                running_var.mul_(1 - momentum).add_(unb * momentum)
        out = (input - mean.reshape(shape)) * invstd.reshape(shape)
        save_mean, save_invstd = mean.detach(), invstd.detach()
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        out = (input - running_mean.reshape(shape)) * nt.rsqrt(running_var.reshape(shape) + eps)
        save_mean = input.new_empty((0,))
        save_invstd = input.new_empty((0,))
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out, save_mean, save_invstd

