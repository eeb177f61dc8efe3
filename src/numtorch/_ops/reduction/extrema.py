"""Extrema and logical reductions: max/min (values and indices), amax/amin, aminmax,
argmax/argmin, all, any, count_nonzero."""

from __future__ import annotations

import builtins

from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import Op, tensor_method, wrap_dim, write_out
from .._return_types import named_tuple, return_types
from ._common import check_dim, dims_of, expand_back

__all__ = ["max", "min", "amax", "amin", "argmax", "argmin", "all", "any", "count_nonzero",
           "aminmax"]


def _no_complex(a, kernel):
    """PyTorch's CPU error for a complex input to an ordering kernel."""
    if a.dtype.kind == "c":
        from ..pointwise import torch_type_name

        raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(a.dtype)}\'')


class MaxDim(Op):
    grad_fn_name = "MaxBackward0"
    params = ("dim", "keepdim")
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
        if a.dtype.kind in "fV" and xp.isnan(a).any():
            idx = xp.argmax(xp.isnan(a), axis=d, keepdims=True)
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
        from ..indexing import scatter_grad

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
    params = ()
    largest = True

    def forward(self, a):
        xp = xp_of(a)
        if a.size == 0:
            raise RuntimeError(f"{'max' if self.largest else 'min'}(): Expected reduction dim to "
                               "be specified for input.numel() == 0. Specify the reduction dim "
                               "with the 'dim' argument.")
        self.save_inputs(0)
        self.save_outputs(0)
        if a.dtype.kind in "fV" and xp.isnan(a).any():
            return xp.asarray(xp.nan, dtype=a.dtype)
        return xp.asarray(xp.max(a) if self.largest else xp.min(a))

    def backward(self, g):
        # PyTorch shares the gradient evenly among the maxima (the NaNs when the result is NaN)
        a, out = self.saved_tensors
        mask = a.isnan() if builtins.bool(out._data != out._data) else (a == out)
        return g * mask / mask.sum()


class MinAll(MaxAll):
    grad_fn_name = "MinBackward1"
    largest = False


def _extremum(name: str, input, dim, keepdim: bool, all_op, dim_op):
    """``max``/``min``: over everything, along ``dim`` (values, indices), or against a tensor."""
    if isinstance(dim, Tensor):
        from .. import pointwise

        return getattr(pointwise, "maximum" if name == "max" else "minimum")(input, dim)
    if dim is None:
        if keepdim:  # PyTorch's max/min have no all-dims form with keepdim
            raise TypeError(f"{name}(): argument 'dim' must be int, not NoneType")
        if input._data.size:
            _no_complex(input._data, f"{name}_all")
        return all_op.apply(input)
    d = wrap_dim(dim, input.ndim)
    if input._data.dtype.kind == "c":
        if input._data.ndim and input._data.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        raise RuntimeError(f"{name}(): does not support complex input")
    v, i = dim_op.apply(input, dim=d, keepdim=keepdim)
    return return_types(name)(v, i)


@tensor_method("max")
def max(input, dim=None, keepdim: bool = False, *, out=None):  # noqa: A001
    """``max(x)`` (all), ``max(x, dim)`` -> (values, indices), ``max(x, other)`` (maximum)."""
    return _extremum("max", input, dim, keepdim, MaxAll, MaxDim)


@tensor_method("min")
def min(input, dim=None, keepdim: bool = False, *, out=None):  # noqa: A001
    """``min(x)`` (all), ``min(x, dim)`` -> (values, indices), ``min(x, other)`` (minimum)."""
    return _extremum("min", input, dim, keepdim, MinAll, MinDim)


def _check_empty_extrema(a, dim, name):
    """PyTorch's errors for amax/amin/aminmax over an empty dim (``dim`` as the caller gave)."""
    if dim is None or dim == () or dim == []:
        if name == "aminmax":
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                               "operation has no identity.")
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")
    for d in ((dim,) if isinstance(dim, int) else dim):
        if a.ndim and a.shape[wrap_dim(d, a.ndim)] == 0:
            if name == "aminmax":
                raise IndexError(f"aminmax: Expected reduction dim {wrap_dim(d, a.ndim)} to have "
                                 "non-zero size.")
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


class Amax(Op):
    grad_fn_name = "AmaxBackward0"
    params = ("dims", "keepdim")
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
        o = expand_back(out, shape, self.dims, True if self.keepdim else False)
        mask = (a == o)
        gx = expand_back(g, shape, self.dims, self.keepdim)
        cnt = expand_back(mask.sum(self.dims, keepdim=True), shape, self.dims, True)
        return gx * mask / cnt


class Amin(Amax):
    grad_fn_name = "AminBackward0"
    largest = False


def _amax(cls, input, dim, keepdim, name):
    check_dim(name, dim)
    a = input._data
    dims = dims_of(dim, a.ndim)
    if a.size == 0:
        _check_empty_extrema(a, dim, name)
    if a.size:
        _no_complex(a, f"{name[1:]}_values_cpu")
    return cls.apply(input, dims=dims, keepdim=keepdim)


@tensor_method("amax")
def amax(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    return write_out(out, _amax(Amax, input, dim, keepdim, "amax"))


@tensor_method("amin")
def amin(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    return write_out(out, _amax(Amin, input, dim, keepdim, "amin"))


@tensor_method("aminmax")
def aminmax(input, *, dim=None, keepdim: bool = False):
    nt = named_tuple("aminmax", ("min", "max"))
    a = input._data
    if a.size == 0:
        _check_empty_extrema(a, dim, "aminmax")
    if a.ndim == 0 and dim is not None and a.dtype.kind == "c":
        from ..pointwise import torch_type_name

        raise RuntimeError(f"aminmax not implemented for {torch_type_name(a.dtype)}")
    _no_complex(a, "aminmax_cpu")
    d = () if dim is None else dim
    return nt(amin(input, d, keepdim), amax(input, d, keepdim))


class Argmax(Op):
    """Index of the first maximum (minimum) along ``dim`` or of the flattened input; a NaN
    counts as the extremum, as PyTorch. Integer output: never differentiable."""

    grad_fn_name = "ArgmaxBackward0"
    non_differentiable = (0,)
    params = ("dim", "keepdim")
    largest = True

    def forward(self, a):
        xp = xp_of(a)
        largest, keepdim = self.largest, self.keepdim
        if self.dim is None:
            flat = a.reshape(-1)
            nan = xp.isnan(flat) if flat.dtype.kind in "fV" else None
            if nan is not None and nan.any():
                r = xp.argmax(nan)
            else:
                r = xp.argmax(flat) if largest else xp.argmin(flat)
            res = xp.asarray(r, dtype=xp.int64)
            return res.reshape((1,) * a.ndim) if keepdim else res
        if a.ndim == 0:
            return xp.zeros((), xp.int64)
        d = self.dim
        r = xp.argmax(a, axis=d, keepdims=keepdim) if largest else xp.argmin(a, axis=d,
                                                                             keepdims=keepdim)
        if a.dtype.kind in "fV":
            nan = xp.isnan(a)
            if nan.any():
                r = xp.where(nan.any(axis=d, keepdims=keepdim),
                             xp.argmax(nan, axis=d, keepdims=keepdim), r)
        return xp.asarray(r, dtype=xp.int64)


    @staticmethod
    def onnx_lowering(g, r):
        """ONNX ArgMax/ArgMin (first index of the extremum); the flattened input for dim=None."""
        op = "ArgMax" if r.cls.largest else "ArgMin"
        x = g.name(r.ins[0])
        dim, keep = r.params["dim"], r.params["keepdim"]
        if dim is not None:
            return g.node(op, [x], axis=dim, keepdims=int(keep), select_last_index=0)
        flat = g.node("Reshape", [x, g.ints([-1])])
        res = g.node(op, [flat], axis=0, keepdims=0, select_last_index=0)
        if keep:
            res = g.node("Reshape", [res, g.ints([1] * len(r.ins[0].shape))])
        return res


class Argmin(Argmax):
    grad_fn_name = "ArgminBackward0"
    largest = False
    onnx_lowering = Argmax.__dict__["onnx_lowering"]


def _arg(cls, input, dim, keepdim, name):
    check_dim(name, dim, "int")
    a = input._data
    if a.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    if a.dtype.kind == "c":
        raise RuntimeError(f"{name}(): does not support complex input")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
    else:
        dim = wrap_dim(dim, a.ndim)
        if a.ndim and a.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    return cls.apply(input, dim=dim, keepdim=keepdim)


@tensor_method("argmax")
def argmax(input, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the first maximum (NaN counts as the maximum, as PyTorch)."""
    return _arg(Argmax, input, dim, keepdim, "argmax")


@tensor_method("argmin")
def argmin(input, dim=None, keepdim: bool = False) -> Tensor:
    return _arg(Argmin, input, dim, keepdim, "argmin")


class All(Op):
    """``all``/``any`` over ``dims`` (all when None): bool output (uint8 for uint8 input)."""

    grad_fn_name = "AllBackward0"
    non_differentiable = (0,)
    params = ("dims", "keepdim")
    fn = "all"

    def forward(self, a):
        xp = xp_of(a)
        r = xp.asarray(getattr(xp, self.fn)(a, axis=self.dims, keepdims=self.keepdim))
        return r.astype(xp.uint8) if a.dtype == xp.uint8 else r


class Any(All):
    grad_fn_name = "AnyBackward0"
    fn = "any"


def _logical_reduce(cls, input, dim, keepdim):
    check_dim(cls.fn, dim)
    if dim is None:
        dims = None
    elif not isinstance(dim, int) and len(dim) == 0:
        dims = ()  # an empty dim list reduces nothing in all/any (unlike sum)
    else:
        dims = dims_of(dim, input._data.ndim)
    return cls.apply(input, dims=dims, keepdim=keepdim)


@tensor_method("all")
def all(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _logical_reduce(All, input, dim, keepdim)


@tensor_method("any")
def any(input, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _logical_reduce(Any, input, dim, keepdim)


class CountNonzero(Op):
    grad_fn_name = "CountNonzeroBackward0"
    non_differentiable = (0,)
    params = ("dims",)

    def forward(self, a):
        xp = xp_of(a)
        return xp.asarray(xp.count_nonzero(a, axis=self.dims), dtype=xp.int64)


@tensor_method("count_nonzero")
def count_nonzero(input, dim=None) -> Tensor:
    check_dim("count_nonzero", dim)
    dims = None if dim is None else dims_of(dim, input._data.ndim)
    return CountNonzero.apply(input, dims=dims)
