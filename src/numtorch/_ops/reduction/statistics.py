"""Statistics over tensors: ``cov``, ``corrcoef``, ``quantile``/``nanquantile``, ``histogram``/
``histogramdd`` and ``gradient`` (finite differences), as PyTorch computes them.

All but the histograms are compositions of recorded ops, so their gradients are PyTorch's;
the histograms are one non-differentiable op.
"""

from __future__ import annotations

from ... import _dtype as D
from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import Op, tensor_method, wrap_dim, write_out
from .._return_types import named_tuple
from ..pointwise.ternary import where

__all__ = ["cov", "corrcoef", "quantile", "nanquantile", "histogram", "histogramdd", "gradient"]


@tensor_method("cov")
def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """``torch.cov``: covariance of the rows (variables) over the columns (observations)."""
    from ..linalg.products import mm
    from ..pointwise import clamp

    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    n_obs = x.shape[1]
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
    norm = clamp(norm, min=0) if isinstance(norm, Tensor) else max(norm, 0)
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    c = mm(xm, xw.t().conj() if xw.is_complex() else xw.t())
    return (c / norm).squeeze()


@tensor_method("corrcoef")
def corrcoef(input: Tensor) -> Tensor:
    """``torch.corrcoef``: Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
    from ..creation import complex as _complex
    from ..indexing import diagonal
    from ..pointwise import sqrt

    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = diagonal(c)
    std = sqrt(d.real if d.is_complex() else d)
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    if c.is_complex():
        return _complex(c.real.clip(-1, 1), c.imag.clip(-1, 1))
    return c.clip(-1, 1)


# -- quantiles ------------------------------------------------------------------------------------
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input: Tensor, q, dim, keepdim, interpolation, ignore_nan, name) -> Tensor:
    from ..creation import tensor
    from ..indexing import gather
    from ..pointwise import lerp
    from ..sorting import sort

    name = "quantile"  # PyTorch's messages say quantile() for nanquantile too; its order:
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    xp = xp_of(input._data)
    if not isinstance(q, Tensor) and not 0 <= float(q) <= 1:
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {float(q):g}")
    if input._data.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.dim() > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if input.dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        q_arr = xp.asarray(q._data, dtype=xp.float64).reshape(-1)
        scalar_q = q.dim() == 0
        if ((q_arr < 0) | (q_arr > 1)).any():
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    else:
        q_arr = xp.asarray([float(q)])
        scalar_q = True
    ndim = input.dim()
    if dim is None:
        x = input.reshape(-1)
        red_shape = [1] * ndim if keepdim else []
    else:
        d = wrap_dim(dim, ndim)
        x = input.movedim(d, -1) if ndim else input.reshape(1)
        shape = list(input.shape)
        red_shape = (shape[:d] + ([1] if keepdim else []) + shape[d + 1:]) if ndim else []
    srt = sort(x, dim=-1)[0]
    n = srt.shape[-1]
    if n == 0:
        raise IndexError(f"{name}() input tensor must be non-empty")
    npdt = input.dtype.np
    qv = q_arr.astype(npdt)
    sdat = srt._data
    nan = xp.isnan(sdat)
    if ignore_nan:
        k = (~nan).sum(-1, keepdims=True).astype(npdt)
        ranks = qv * (k - 1)
        ranks = xp.where(ranks < 0, npdt.type(0), ranks)
    else:
        last = npdt.type(n - 1)
        ranks = xp.broadcast_to(qv * last, sdat.shape[:-1] + (qv.size,)).copy()
        ranks[xp.broadcast_to(nan.any(-1, keepdims=True), ranks.shape)] = last
    if interpolation == "lower":
        ranks = xp.floor(ranks)
    elif interpolation == "higher":
        ranks = xp.ceil(ranks)
    elif interpolation == "nearest":
        ranks = xp.round(ranks)
    below = ranks.astype(xp.int64)
    vals = gather(srt, -1, tensor(below))
    if interpolation in ("linear", "midpoint"):
        weights = (xp.full_like(ranks, 0.5) if interpolation == "midpoint"
                   else ranks - below.astype(npdt))
        w_t = tensor(weights.astype(npdt))
        if interpolation == "linear" and isinstance(q, Tensor) and q.requires_grad:
            w_t = _rank_weights(q.reshape(-1), ranks, below, sdat, nan, ignore_nan)
        above = xp.ceil(ranks).astype(xp.int64)
        vhi = gather(srt, -1, tensor(above))
        vals = lerp(vals, vhi, w_t)
    # vals: (*batch, Q) -> (Q, *red_shape)
    vals = vals.movedim(-1, 0).reshape([qv.size] + red_shape)
    if scalar_q:
        vals = vals.squeeze(0) if vals.dim() else vals
    return vals


def _rank_weights(q: Tensor, ranks, below, sdat, nan, ignore_nan) -> Tensor:
    """The linear interpolation weights as a function of ``q`` (so ``q`` gets a gradient)."""
    from ..creation import full_like, tensor, zeros_like
    xp = xp_of(sdat)
    npdt = sdat.dtype
    if ignore_nan:
        k = (~nan).sum(-1, keepdims=True).astype(npdt)
        r = q * tensor(k - 1)
        r = where(tensor((q._data * (k - 1)) < 0), zeros_like(r), r)
    else:
        last = sdat.shape[-1] - 1
        r = (q * last).expand(*ranks.shape)
        r = where(tensor(xp.broadcast_to(nan.any(-1, keepdims=True), ranks.shape)),
                  full_like(r, last), r)
    return r - tensor(below.astype(npdt))


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


# -- histograms ------------------------------------------------------------------------------------
def _hist_edges(x, bins: int, rng, dtype):
    """Bin edges as torch computes them for an int count: linspace of the (padded) range."""
    from ..creation import linspace

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
    return linspace(lo, hi, bins + 1, dtype=dtype)._data


def _bin_counts(x, edges_list, weight):
    """N-d histogram of x (N, D) over per-dim edges; last edge inclusive, outside ignored."""
    xp = xp_of(x)
    shape = tuple(len(e) - 1 for e in edges_list)
    keep = xp.ones(x.shape[0], dtype=bool)
    flat = xp.zeros(x.shape[0], dtype=xp.int64)
    for k, e in enumerate(edges_list):
        v = x[:, k]
        nb = len(e) - 1
        keep &= (v >= e[0]) & (v <= e[-1])
        pos = xp.searchsorted(e, v, side="right") - 1
        pos = xp.clip(pos, 0, max(nb - 1, 0))
        flat = flat * nb + pos
    w = None if weight is None else weight[keep]
    size = 1
    for s in shape:
        size *= s
    counts = xp.bincount(flat[keep], weights=w, minlength=size)
    return counts.reshape(shape)


class Histogramdd(Op):
    """(hist, *bin_edges) of the rows of ``x`` (``columns`` coordinates each), weighted by
    ``weight``; ``bins`` holds a count or an edge array per coordinate. Not differentiable."""

    grad_fn_name = "HistogramddBackward0"
    non_differentiable = tuple(range(65))   # hist and up to 64 edge tensors
    params = ("bins", "ranges", "density", "columns", "dtype")

    def forward(self, x, weight):
        xp = xp_of(x)
        x = x.reshape(-1, self.columns)
        weight = None if weight is None else weight.reshape(-1)
        dtype = self.dtype
        dims = x.shape[1]
        bins = [self.bins] * dims if isinstance(self.bins, int) else self.bins
        edges = []
        for k in range(dims):
            b = bins[k]
            if isinstance(b, int):
                r = None if self.ranges is None else (self.ranges[2 * k], self.ranges[2 * k + 1])
                b = _hist_edges(x[:, k], b, r, dtype)
            edges.append(b)
        hist = _bin_counts(x, edges, weight).astype(dtype.np)
        if self.density:
            total = hist.sum()
            vol = xp.ones(hist.shape, dtype=dtype.np)
            for k, e in enumerate(edges):
                shape = [1] * dims
                shape[k] = -1
                vol = vol * xp.diff(e).reshape(shape)
            hist = hist / (total * vol)
        return (hist.astype(dtype.np),) + tuple(e.astype(dtype.np, copy=True) for e in edges)


def _bins_param(bins):
    if isinstance(bins, int):
        return bins
    return [b._data if isinstance(b, Tensor) else int(b) for b in bins]


@tensor_method("histogram")
def histogram(input: Tensor, bins=100, *, range=None, weight=None, density: bool = False,  # noqa: A002
              out=None):
    """``torch.histogram``: (hist, bin_edges) of the flattened input."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f'"histogram_cpu" not implemented for '
                           f"'{str(input.dtype)[6:].capitalize()}'")
    hist, edges = Histogramdd.apply(input, weight, bins=_bins_param([bins]), ranges=range,
                                    density=density, columns=1, dtype=input.dtype)
    return named_tuple("histogram", ("hist", "bin_edges"))(hist, edges)


@tensor_method("histogramdd")
def histogramdd(input: Tensor, bins=10, *, range=None, weight=None, density: bool = False,  # noqa: A002
                out=None):
    """``torch.histogramdd``: (hist, bin_edges) over the last dim's coordinates."""
    res = Histogramdd.apply(input, weight, bins=_bins_param(bins), ranges=range,
                            density=density, columns=input.shape[-1], dtype=input.dtype)
    return named_tuple("histogramdd", ("hist", "bin_edges"))(res[0], tuple(res[1:]))


# -- finite differences ----------------------------------------------------------------------------
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
    from ..creation import tensor
    from ..join import cat

    n = f.shape[d]

    def sl(a, b):
        return f.narrow(d, a, b - a)

    if isinstance(h, Tensor) and h.dim() == 1:
        xp = xp_of(h._data)
        dx = xp.diff(h._data.astype(xp.float64))
        shape = [1] * f.dim()
        shape[d] = -1
        npdt = f.dtype.np if f.dtype.is_floating_point else D.get_default_dtype().np

        def c(arr):
            return tensor(xp.asarray(arr).reshape(shape).astype(npdt))

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
        return cat([first, mid, last], d)
    if isinstance(h, Tensor):
        h = h.item()
    mid = (sl(2, n) - sl(0, n - 2)) / (2 * h)
    if edge_order == 1:
        first = (sl(1, 2) - sl(0, 1)) / h
        last = (sl(n - 1, n) - sl(n - 2, n - 1)) / h
    else:
        first = (-1.5 * sl(0, 1) + 2 * sl(1, 2) - 0.5 * sl(2, 3)) / h
        last = (0.5 * sl(n - 3, n - 2) - 2 * sl(n - 2, n - 1) + 1.5 * sl(n - 1, n)) / h
    return cat([first, mid, last], d)
