"""Reductions: sum, mean, prod, max/min (values and indices), amax/amin, argmax/argmin, var, std,
norm, logsumexp, all, any, with ``dim`` (int or tuple) and ``keepdim`` as PyTorch.
"""

from __future__ import annotations

import builtins
from collections import namedtuple

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out

__all__ = ["sum", "mean", "nansum", "nanmean", "prod", "max", "min", "amax", "amin", "argmax",
           "argmin", "var", "std", "var_mean", "std_mean", "norm", "logsumexp", "all", "any",
           "count_nonzero", "aminmax"]

_values_indices = {}


def return_types(name: str):
    """PyTorch's structseq-like ``torch.return_types.<name>`` (values, indices)."""
    if name not in _values_indices:
        nt = namedtuple(name, ["values", "indices"])
        nt.__module__ = "torch.return_types"
        nt.__repr__ = lambda self: (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                                    f"indices={self.indices!r})")
        _values_indices[name] = nt
    return _values_indices[name]


def _dims(dim, ndim):
    """Normalised tuple of reduced dims (None or empty -> all)."""
    if dim is None:
        return tuple(builtins.range(ndim))
    if isinstance(dim, int):
        return (wrap_dim(dim, ndim),)
    dims = tuple(wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        d = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims if dims else tuple(builtins.range(ndim))


def _expand_back(g: Tensor, shape, dims, keepdim):
    """Reshape a reduced gradient so it broadcasts against the input shape."""
    if dims is None:
        dims = tuple(builtins.range(len(shape)))
    if not keepdim and len(shape):
        kshape = tuple(1 if i in dims else s for i, s in enumerate(shape))
        g = g.reshape(kshape)
    return g.expand(shape)


class Sum(Op):
    grad_fn_name = "SumBackward1"

    def forward(self, a):
        xp = xp_of(a)
        out = xp.sum(a, axis=self.dims, keepdims=self.keepdim, dtype=self.dtype)
        return xp.asarray(out)

    def backward(self, g):
        return _expand_back(g, self._input_meta[0][0], self.dims, self.keepdim)


class SumAll(Sum):
    grad_fn_name = "SumBackward0"


def _sum_dtype(a, dtype):
    if dtype is not None:
        return D.to_numpy_dtype(dtype)
    if a.dtype.kind in "bui" or a.dtype.kind == "i":
        return D.int64.np
    return a.dtype


@tensor_method("sum")
def sum(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (all dims by default); integer inputs sum in int64 as PyTorch."""
    if isinstance(dim, D.dtype):
        dim, dtype = None, dim
    a = input._data
    dt = _sum_dtype(a, dtype)
    if dim is None:
        return write_out(out, SumAll.apply(input, dims=None, keepdim=False, dtype=dt))
    return write_out(out, Sum.apply(input, dims=_dims(dim, a.ndim), keepdim=keepdim, dtype=dt))


@tensor_method("nansum")
def nansum(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    from .indexing import where

    return sum(where(input.isnan(), 0.0, input), dim, keepdim, dtype=dtype)


class Mean(Op):
    grad_fn_name = "MeanBackward1"

    def forward(self, a):
        xp = xp_of(a)
        n = 1
        for d in (self.dims if self.dims is not None else builtins.range(a.ndim)):
            n *= a.shape[d]
        self.count = n
        return xp.asarray(xp.mean(a, axis=self.dims, keepdims=self.keepdim, dtype=self.dtype))

    def backward(self, g):
        return _expand_back(g, self._input_meta[0][0], self.dims, self.keepdim) / self.count


class MeanAll(Mean):
    grad_fn_name = "MeanBackward0"


@tensor_method("mean")
def mean(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Mean over ``dim``; PyTorch's error for integer inputs without a floating ``dtype``."""
    if isinstance(dim, D.dtype):
        dim, dtype = None, dim
    a = input._data
    dt = D.to_numpy_dtype(dtype) if dtype is not None else a.dtype
    if dt.kind not in "fc":
        name = input.dtype.name.capitalize() if dtype is None else dtype.name
        tn = {"Int64": "Long", "Int32": "Int", "Bool": "Bool", "Uint8": "Byte", "Int16": "Short",
              "Int8": "Char"}.get(name, name)
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {tn}")
    if dim is None:
        return write_out(out, MeanAll.apply(input, dims=None, keepdim=False, dtype=dt))
    return write_out(out, Mean.apply(input, dims=_dims(dim, a.ndim), keepdim=keepdim, dtype=dt))


@tensor_method("nanmean")
def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    notnan = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / notnan


class Prod(Op):
    grad_fn_name = "ProdBackward1"

    def forward(self, a):
        self.save_inputs(0)
        self.save_outputs(0)
        xp = xp_of(a)
        dims = None if self.dim is None else (self.dim,)
        return xp.asarray(xp.prod(a, axis=dims, keepdims=self.keepdim, dtype=self.dtype))

    def backward(self, g):
        (a, out) = self.saved_tensors
        shape = self._input_meta[0][0]
        dims = tuple(builtins.range(len(shape))) if self.dim is None else (self.dim,)
        gx = _expand_back(g, shape, dims, self.keepdim)
        ox = _expand_back(out, shape, dims, self.keepdim)
        if not builtins.bool((a._data == 0).any()):
            return gx * ox / a
        # with zeros: the product of the other elements, without dividing by zero
        return gx * Tensor._from_array(_prod_others(a._data, self.dim))


def _prod_others(a, dim):
    """For each element, the product of the other elements along ``dim`` (all if None)."""
    xp = xp_of(a)
    shape = a.shape
    x = a.reshape(-1) if dim is None else a
    d = 0 if dim is None else dim
    n = x.shape[d]
    ones = xp.ones_like(xp.take(x, [0], axis=d))
    head = xp.take(x, builtins.range(n - 1), axis=d)
    left = xp.concatenate([ones, xp.cumprod(head, axis=d)], axis=d)
    rev = xp.flip(x, axis=d)
    rhead = xp.take(rev, builtins.range(n - 1), axis=d)
    right = xp.flip(xp.concatenate([ones, xp.cumprod(rhead, axis=d)], axis=d), axis=d)
    return (left * right).reshape(shape)


class ProdAll(Prod):
    grad_fn_name = "ProdBackward0"


@tensor_method("prod")
def prod(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if isinstance(dim, D.dtype):
        dim, dtype = None, dim
    dt = _sum_dtype(input._data, dtype)
    if dim is None:
        return ProdAll.apply(input, dim=None, keepdim=False, dtype=dt)
    return Prod.apply(input, dim=wrap_dim(dim, input.ndim), keepdim=keepdim, dtype=dt)


class MaxDim(Op):
    grad_fn_name = "MaxBackward0"
    non_differentiable = (1,)
    largest = True

    def forward(self, a):
        xp = xp_of(a)
        d = self.dim
        if a.ndim == 0:
            return a.copy(), xp.zeros((), dtype=xp.int64)
        if a.shape[d] == 0:
            raise IndexError(f"{'max' if self.largest else 'min'}(): Expected reduction dim {d} "
                             "to have non-zero size.")
        if a.dtype.kind == "f" and xp.isnan(a).any():
            idx = xp.argmax(xp.isnan(a) if True else a, axis=d, keepdims=True)
            has = xp.isnan(a).any(axis=d, keepdims=True)
            best = (xp.argmax(a, axis=d, keepdims=True) if self.largest
                    else xp.argmin(a, axis=d, keepdims=True))
            idx = xp.where(has, idx, best)
        else:
            idx = (xp.argmax(a, axis=d, keepdims=True) if self.largest
                   else xp.argmin(a, axis=d, keepdims=True))
        vals = xp.take_along_axis(a, idx, axis=d)
        if not self.keepdim:
            vals = xp.squeeze(vals, axis=d)
            idx = xp.squeeze(idx, axis=d)
        self.indices = idx
        return vals, idx.astype(xp.int64)

    def backward(self, g, _gi=None):
        from .indexing import scatter_grad

        shape = self._input_meta[0][0]
        if len(shape) == 0:
            return g
        return scatter_grad(g, self.indices, shape, self.dim, self.keepdim)


class MinDim(MaxDim):
    grad_fn_name = "MinBackward0"
    largest = False


class MaxAll(Op):
    """max()/min() of all elements: the gradient is shared evenly among tied maxima."""

    grad_fn_name = "MaxBackward1"
    largest = True

    def forward(self, a):
        xp = xp_of(a)
        if a.size == 0:
            raise RuntimeError(f"{'max' if self.largest else 'min'}(): Expected reduction dim to "
                               "be specified for input.numel() == 0. Specify the reduction dim "
                               "with the 'dim' argument.")
        self.save_inputs(0)
        self.save_outputs(0)
        if a.dtype.kind == "f" and xp.isnan(a).any():
            return xp.asarray(xp.nan, dtype=a.dtype)
        return xp.asarray(xp.max(a) if self.largest else xp.min(a))

    def backward(self, g):
        a, out = self.saved_tensors
        mask = (a == out)
        return g * mask / mask.sum()


class MinAll(MaxAll):
    grad_fn_name = "MinBackward1"
    largest = False


@tensor_method("max")
def max(input, dim=None, keepdim: bool = False, *, out=None):  # noqa: A001
    """``max(x)`` (all), ``max(x, dim)`` -> (values, indices), ``max(x, other)`` (maximum)."""
    if isinstance(dim, Tensor):
        from .pointwise import maximum

        return maximum(input, dim)
    if dim is None:
        return MaxAll.apply(input)
    v, i = MaxDim.apply(input, dim=wrap_dim(dim, input.ndim), keepdim=keepdim)
    return return_types("max")(v, i)


@tensor_method("min")
def min(input, dim=None, keepdim: bool = False, *, out=None):  # noqa: A001
    if isinstance(dim, Tensor):
        from .pointwise import minimum

        return minimum(input, dim)
    if dim is None:
        return MinAll.apply(input)
    v, i = MinDim.apply(input, dim=wrap_dim(dim, input.ndim), keepdim=keepdim)
    return return_types("min")(v, i)


class Amax(Op):
    grad_fn_name = "AmaxBackward0"
    largest = True

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        self.save_outputs(0)
        f = xp.max if self.largest else xp.min
        return xp.asarray(f(a, axis=self.dims, keepdims=self.keepdim))

    def backward(self, g):
        a, out = self.saved_tensors
        shape = self._input_meta[0][0]
        o = _expand_back(out, shape, self.dims, True if self.keepdim else False)
        mask = (a == o)
        gx = _expand_back(g, shape, self.dims, self.keepdim)
        cnt = _expand_back(mask.sum(self.dims, keepdim=True), shape, self.dims, True)
        return gx * mask / cnt


class Amin(Amax):
    grad_fn_name = "AminBackward0"
    largest = False


@tensor_method("amax")
def amax(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    return write_out(out, Amax.apply(input, dims=_dims(dim, input.ndim), keepdim=keepdim))


@tensor_method("amin")
def amin(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    return write_out(out, Amin.apply(input, dims=_dims(dim, input.ndim), keepdim=keepdim))


@tensor_method("aminmax")
def aminmax(input, *, dim=None, keepdim: bool = False):
    nt = namedtuple("aminmax", ["min", "max"])
    d = () if dim is None else dim
    return nt(amin(input, d, keepdim), amax(input, d, keepdim))


def _arg(input, dim, keepdim, largest):
    a = input._data
    xp = xp_of(a)
    if dim is None:
        flat = a.reshape(-1)
        if flat.size == 0:
            raise RuntimeError(f"{'argmax' if largest else 'argmin'}(): Expected reduction dim "
                               "to be specified for input.numel() == 0.")
        nan = xp.isnan(flat) if flat.dtype.kind == "f" else None
        if nan is not None and nan.any():
            r = xp.argmax(nan)
        else:
            r = xp.argmax(flat) if largest else xp.argmin(flat)
        res = xp.asarray(r, dtype=xp.int64)
        if keepdim:
            res = res.reshape((1,) * a.ndim)
        return Tensor._from_array(res)
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        return Tensor._from_array(xp.zeros((), xp.int64))
    r = xp.argmax(a, axis=d, keepdims=keepdim) if largest else xp.argmin(a, axis=d,
                                                                         keepdims=keepdim)
    if a.dtype.kind == "f":
        nan = xp.isnan(a)
        if nan.any():
            r = xp.where(nan.any(axis=d, keepdims=keepdim), xp.argmax(nan, axis=d,
                                                                      keepdims=keepdim), r)
    return Tensor._from_array(xp.asarray(r, dtype=xp.int64))


@tensor_method("argmax")
def argmax(input, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the first maximum (NaN counts as the maximum, as PyTorch)."""
    return _arg(input, dim, keepdim, True)


@tensor_method("argmin")
def argmin(input, dim=None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, False)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


@tensor_method("var")
def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``)."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    dims = _dims(dim, input.ndim)
    n = 1
    for d in dims:
        n *= input._data.shape[d]
    mu = input.mean(dims, keepdim=True)
    diff = input - mu
    sq = (diff * diff.conj()).real if input.is_complex() else diff * diff
    return sq.sum(dims, keepdim=keepdim) / builtins.max(n - c, 0)


@tensor_method("std")
def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def var_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim) if dim is not None else mean(input))


def std_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim) if dim is not None else mean(input))


class Norm(Op):
    grad_fn_name = "NormBackward1"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        self.save_outputs(0)
        p = self.p
        x = xp.abs(a)
        if p == 2:
            out = xp.sqrt(xp.sum(x * x, axis=self.dims, keepdims=self.keepdim))
        elif p == float("inf"):
            out = xp.max(x, axis=self.dims, keepdims=self.keepdim)
        elif p == float("-inf"):
            out = xp.min(x, axis=self.dims, keepdims=self.keepdim)
        elif p == 0:
            out = xp.sum(x != 0, axis=self.dims, keepdims=self.keepdim).astype(a.dtype)
        elif p == 1:
            out = xp.sum(x, axis=self.dims, keepdims=self.keepdim)
        else:
            out = xp.sum(x ** p, axis=self.dims, keepdims=self.keepdim) ** (1.0 / p)
        return xp.asarray(out, dtype=a.dtype if a.dtype.kind == "f" else x.dtype)

    def backward(self, g):
        a, out = self.saved_tensors
        shape = self._input_meta[0][0]
        p = self.p
        gx = _expand_back(g, shape, self.dims, self.keepdim)
        ox = _expand_back(out, shape, self.dims, self.keepdim)
        if p == 2:
            from .indexing import where

            return where(ox == 0, gx * 0, gx * a / ox)
        if p == 1:
            return gx * a.sgn()
        if p in (float("inf"), float("-inf")):
            mask = a.abs() == ox
            cnt = _expand_back(mask.sum(self.dims, keepdim=True), shape, self.dims, True)
            return gx * a.sgn() * mask / cnt
        if p == 0:
            return gx * 0
        return gx * a.sgn() * a.abs().pow(p - 1) / ox.pow(p - 1)


class NormAll(Norm):
    grad_fn_name = "NormBackward0"


@tensor_method("norm")
def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default); 'fro' is the 2-norm."""
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("numtorch: norm(p='nuc') needs numtorch.linalg.matrix_norm")
    if input._data.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype.name.capitalize()}")
    if dim is None:
        return NormAll.apply(input, p=p, dims=None, keepdim=False)
    return Norm.apply(input, p=p, dims=_dims(dim, input.ndim), keepdim=keepdim)


@tensor_method("logsumexp")
def logsumexp(input, dim, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` computed stably (max shifted)."""
    dims = _dims(dim, input.ndim)
    m = input.detach().amax(dims, keepdim=True)
    m = m.masked_fill(m.isinf(), 0.0)
    s = (input - m).exp().sum(dims, keepdim=True).log() + m
    if not keepdim:
        s = s.squeeze(dims) if len(dims) else s
    return s


def _logical_reduce(input, dim, keepdim, fn):
    a = input._data
    xp = xp_of(a)
    axis = None if dim is None else _dims(dim, a.ndim)
    r = xp.asarray(getattr(xp, fn)(a, axis=axis, keepdims=keepdim if dim is not None else False))
    if a.dtype == xp.uint8:
        r = r.astype(xp.uint8)
    return Tensor._from_array(r)


@tensor_method("all")
def all(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _logical_reduce(input, dim, keepdim, "all")


@tensor_method("any")
def any(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _logical_reduce(input, dim, keepdim, "any")


@tensor_method("count_nonzero")
def count_nonzero(input, dim=None) -> Tensor:
    a = input._data
    xp = xp_of(a)
    axis = None if dim is None else _dims(dim, a.ndim)
    return Tensor._from_array(xp.asarray(xp.count_nonzero(a, axis=axis), dtype=xp.int64))
