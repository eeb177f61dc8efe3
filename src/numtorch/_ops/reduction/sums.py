"""Sums and moments: sum, nansum, mean, nanmean, prod, var, std, var_mean, std_mean, norm,
logsumexp, with ``dim`` (int or tuple) and ``keepdim`` as PyTorch."""

from __future__ import annotations

import builtins

from ... import _dtype as D
from ..._backend import errstate, xp_of
from ..._tensor import Tensor
from .._base import Op, tensor_method, wrap_dim, write_out
from ..pointwise.ternary import where
from ._common import check_dim, dims_of, expand_back, reduced_shape

__all__ = ["sum", "mean", "nansum", "nanmean", "prod", "var", "std", "var_mean", "std_mean",
           "norm", "logsumexp"]


class Sum(Op):
    grad_fn_name = "SumBackward1"
    reduced_float_in_float32 = True
    params = ("dims", "keepdim", "dtype")

    def forward(self, a):
        xp = xp_of(a)
        out = xp.sum(a, axis=self.dims, keepdims=self.keepdim, dtype=self.dtype)
        return xp.asarray(out)

    def backward(self, g):
        return expand_back(g, self._input_meta[0][0], self.dims, self.keepdim)


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
    check_dim("sum", dim)
    a = input._data
    dt = _sum_dtype(a, dtype)
    if dim is None:
        if keepdim:  # every dim reduced, each kept as size 1 (SumBackward1 as PyTorch)
            return write_out(out, Sum.apply(input, dims=None, keepdim=True, dtype=dt))
        return write_out(out, SumAll.apply(input, dims=None, keepdim=False, dtype=dt))
    return write_out(out, Sum.apply(input, dims=dims_of(dim, a.ndim), keepdim=keepdim, dtype=dt))


class Nansum(Op):
    grad_fn_name = "NansumBackward0"
    reduced_float_in_float32 = True
    params = ("dims", "keepdim", "dtype")

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        if a.dtype.kind in "fcV":
            a = xp.where(xp.isnan(a), 0, a)
        return xp.asarray(xp.sum(a, axis=self.dims, keepdims=self.keepdim, dtype=self.dtype))

    def backward(self, g):
        (a,) = self.saved_tensors
        gx = expand_back(g, self._input_meta[0][0], self.dims, self.keepdim)
        return gx * a.isnan().logical_not()


@tensor_method("nansum")
def nansum(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum treating NaN as zero (NansumBackward0)."""
    if isinstance(dim, D.dtype):
        dim, dtype = None, dim
    check_dim("nansum", dim)
    dims = dims_of(dim, input._data.ndim)
    if input._data.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    return Nansum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input._data, dtype))


class Mean(Op):
    grad_fn_name = "MeanBackward1"
    reduced_float_in_float32 = True
    params = ("dims", "keepdim", "dtype")

    def forward(self, a):
        xp = xp_of(a)
        n = 1
        for d in (self.dims if self.dims is not None else builtins.range(a.ndim)):
            n *= a.shape[d]
        self.count = n
        with errstate(xp):
            out = xp.mean(a, axis=self.dims, keepdims=self.keepdim, dtype=self.dtype) \
                if a.size else xp.full(reduced_shape(a.shape, self.dims, self.keepdim), xp.nan,
                                       dtype=self.dtype)
        return xp.asarray(out)

    def backward(self, g):
        return expand_back(g, self._input_meta[0][0], self.dims, self.keepdim) / self.count


class MeanAll(Mean):
    grad_fn_name = "MeanBackward0"


@tensor_method("mean")
def mean(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Mean over ``dim``; PyTorch's error for integer inputs without a floating ``dtype``."""
    if isinstance(dim, D.dtype):
        dim, dtype = None, dim
    check_dim("mean", dim)
    a = input._data
    dt = D.to_numpy_dtype(dtype) if dtype is not None else a.dtype
    if dt.kind not in "fcV":
        from ..pointwise import torch_type_name

        which = "Input" if dtype is None else "Optional"
        raise RuntimeError(f"mean(): could not infer output dtype. {which} dtype must be either "
                           f"a floating point or complex dtype. Got: {torch_type_name(dt)}")
    if dim is None:
        if keepdim:
            return write_out(out, Mean.apply(input, dims=None, keepdim=True, dtype=dt))
        return write_out(out, MeanAll.apply(input, dims=None, keepdim=False, dtype=dt))
    return write_out(out, Mean.apply(input, dims=dims_of(dim, a.ndim), keepdim=keepdim, dtype=dt))


@tensor_method("nanmean")
def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    kind = input._data.dtype.kind
    if kind not in "fcV":
        from ..pointwise import torch_type_name

        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {torch_type_name(input._data.dtype)}")
    if kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    notnan = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / notnan


class Prod(Op):
    grad_fn_name = "ProdBackward1"
    holomorphic = True
    autocast_policy = "fp32"
    reduced_float_in_float32 = True
    params = ("dim", "keepdim", "dtype")

    def forward(self, a):
        self.save_inputs(0)
        self.save_outputs(0)
        xp = xp_of(a)
        dims = None if self.dim is None else (self.dim,)
        with errstate(xp):  # inf/NaN products: torch's values, computed silently
            return xp.asarray(xp.prod(a, axis=dims, keepdims=self.keepdim, dtype=self.dtype))

    def backward(self, g):
        (a, out) = self.saved_tensors
        shape = self._input_meta[0][0]
        dims = tuple(builtins.range(len(shape))) if self.dim is None else (self.dim,)
        gx = expand_back(g, shape, dims, self.keepdim)
        ox = expand_back(out, shape, dims, self.keepdim)
        if not builtins.bool((a._data == 0).any()):
            return gx * ox / a
        # with zeros: the product of the other elements, without dividing by zero
        return gx * _prod_others(a, self.dim)


def _prod_others(a: Tensor, dim) -> Tensor:
    """For each element, the product of the other elements along ``dim`` (all if None).

    Written with differentiable ops (an n x n mask per position) so that higher-order gradients
    work; only used when the input holds zeros.
    """
    shape = a._data.shape
    x = a.reshape(-1) if dim is None else a.movedim(dim, -1)
    n = x._data.shape[-1]
    eye = Tensor._from_array(xp_of(a._data).eye(n, dtype=bool))
    rows = x.unsqueeze(-2).expand(*x._data.shape[:-1], n, n)
    others = where(eye, rows.new_ones(()), rows).prod(-1)
    return others.reshape(shape) if dim is None else others.movedim(-1, dim)


class ProdAll(Prod):
    grad_fn_name = "ProdBackward0"


class _AllDims:
    """prod's default ``dim``: every element (an explicit None is PyTorch's TypeError)."""

    def __repr__(self) -> str:
        return "<all dims>"


_ALL_DIMS = _AllDims()


@tensor_method("prod")
def prod(input, dim=_ALL_DIMS, keepdim: bool = False, *, dtype=None) -> Tensor:
    if isinstance(dim, D.dtype):
        dim, dtype = _ALL_DIMS, dim
    if dim is _ALL_DIMS:
        dim = None
    else:
        check_dim("prod", dim, "int", none=False)
    dt = _sum_dtype(input._data, dtype)
    if dim is None:
        return ProdAll.apply(input, dim=None, keepdim=False, dtype=dt)
    d = wrap_dim(dim, input.ndim)
    return Prod.apply(input, dim=d if input.ndim else None, keepdim=keepdim, dtype=dt)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _count(shape, dims) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _plain_mean(xp, a, dims, keepdims):
    """``xp.mean``, with NaN (no NumPy warning) where nothing is averaged."""
    if a.size:
        return xp.mean(a, axis=dims, keepdims=keepdims)
    with errstate(xp):
        return xp.sum(a, axis=dims, keepdims=keepdims) / xp.zeros((), a.dtype)


def _real_np(dt):
    return {"complex64": D.float32.np, "complex128": D.float64.np}.get(dt.name, dt)


class Var(Op):
    """Variance with a ``correction`` (VarBackward0); ``std`` is StdBackward0."""

    grad_fn_name = "VarBackward0"
    reduced_float_in_float32 = True
    params = ("dims", "correction", "keepdim")
    root = False

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        dims = self.dims
        self.dof = builtins.max(_count(a.shape, dims) - self.correction, 0)
        with errstate(xp):  # inf/NaN inputs and dof 0 give NaN/inf silently, as PyTorch
            mu = _plain_mean(xp, a, dims, True)
            diff = a - mu
            sq = (diff * diff.conj()).real if a.dtype.kind == "c" else diff * diff
            out = xp.sum(sq, axis=dims, keepdims=self.keepdim) / self.dof
            if self.root:
                out = xp.sqrt(out)
        if self.root:
            self.save_outputs(0)
        return xp.asarray(out, dtype=_real_np(a.dtype))

    def backward(self, g):
        saved = self.saved_tensors
        a = saved[0]
        shape = self._input_meta[0][0]
        gx = expand_back(g, shape, self.dims, self.keepdim)
        centered = a - a.mean(self.dims, keepdim=True)
        if self.root:
            out = expand_back(saved[1], shape, self.dims, self.keepdim)
            return where(out == 0, gx.new_zeros(()), gx * centered / (out * self.dof))
        return gx * centered * (2.0 / self.dof) if self.dof else gx * centered / 0.0


class Std(Var):
    grad_fn_name = "StdBackward0"
    root = True


class VarMean(Var):
    """``var_mean``/``std_mean``: one node with two outputs, as PyTorch."""

    grad_fn_name = "VarMeanBackward0"

    def forward(self, a):
        out = super().forward(a)
        xp = xp_of(a)
        self.n = _count(a.shape, self.dims)
        with errstate(xp):
            mean = xp.asarray(_plain_mean(xp, a, self.dims, self.keepdim))
        return out, mean

    def backward(self, gv, gm):
        shape = self._input_meta[0][0]
        res = super().backward(gv)
        return res + expand_back(gm, shape, self.dims, self.keepdim) / self.n


class StdMean(VarMean):
    grad_fn_name = "StdMeanBackward0"
    root = True


def _var_args(input, dim, unbiased, keepdim, correction, name="var", fn="std and var"):
    check_dim(name if fn == "std and var" else fn, dim, flag=True)
    if input._data.dtype.kind not in "fcV":
        raise RuntimeError(f"{fn} only support floating point and complex dtypes")
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    dims = dims_of(dim, input._data.ndim)
    if _count(input._data.shape, dims) - c <= 0:
        import warnings

        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return dict(dims=dims, correction=c, keepdim=keepdim)


@tensor_method("var")
def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``)."""
    return Var.apply(input, **_var_args(input, dim, unbiased, keepdim, correction))


@tensor_method("std")
def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Standard deviation (StdBackward0)."""
    return Std.apply(input, **_var_args(input, dim, unbiased, keepdim, correction, "std"))


def var_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(variance, mean) in one node (VarMeanBackward0)."""
    return VarMean.apply(input, **_var_args(input, dim, unbiased, keepdim, correction,
                                            fn="var_mean"))


def std_mean(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(standard deviation, mean) in one node (StdMeanBackward0)."""
    return StdMean.apply(input, **_var_args(input, dim, unbiased, keepdim, correction, "std",
                                            fn="std_mean"))


_INF = float("inf")


class Norm(Op):
    """Vector p-norm (LinalgVectorNormBackward0, what ``Tensor.norm`` records in PyTorch)."""

    grad_fn_name = "LinalgVectorNormBackward0"
    reduced_float_in_float32 = True
    params = ("p", "dims", "keepdim")

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        self.save_outputs(0)
        p, dims, kd = self.p, self.dims, self.keepdim
        x = xp.abs(a)
        if p == 2:
            out = xp.sqrt(xp.sum(x * x, axis=dims, keepdims=kd))
        elif p == _INF or p == -_INF:
            if x.size == 0 and builtins.any(a.shape[d] == 0 for d in dims):
                raise RuntimeError(f"linalg.vector_norm cannot compute the {p} norm on an empty "
                                   "tensor because the operation does not have an identity")
            out = (xp.max if p > 0 else xp.min)(x, axis=dims, keepdims=kd)
        elif p == 0:
            out = xp.sum(x != 0, axis=dims, keepdims=kd)
        elif p == 1:
            out = xp.sum(x, axis=dims, keepdims=kd)
        else:
            with errstate(xp):
                out = xp.sum(x ** p, axis=dims, keepdims=kd) ** (1.0 / p)
        return xp.asarray(out, dtype=_real_np(a.dtype))

    def backward(self, g):
        a, out = self.saved_tensors
        shape = self._input_meta[0][0]
        p = self.p
        gx = expand_back(g, shape, self.dims, self.keepdim)
        ox = expand_back(out, shape, self.dims, self.keepdim)
        zero = gx.new_zeros(())
        if p == 0:
            return gx * 0
        if p == 1:
            return gx * a.sgn()
        if p == 2:
            return where(ox == 0, zero, gx * a / ox)
        if p == _INF or p == -_INF:
            mask = a.abs() == ox
            cnt = expand_back(mask.sum(self.dims, keepdim=True), shape, self.dims, True)
            return gx * a.sgn() * mask / cnt
        scale = a.sgn() * a.abs().pow(p - 1) / ox.pow(p - 1)
        return where(ox == 0, zero, gx * scale)


@tensor_method("norm")
def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default); 'fro' is the 2-norm."""
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        from ..linalg.norms import matrix_norm

        dims = tuple(builtins.range(input.dim())) if dim is None else tuple(dim)
        if len(dims) != 2 and input.dim() >= 2:
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(d) for d in dims))
        return matrix_norm(input, "nuc", dim=dims, keepdim=keepdim, dtype=dtype)
    if input._data.dtype.kind not in "fcV":
        from ..pointwise import torch_type_name

        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {torch_type_name(input._data.dtype)}")
    if p == 2 and isinstance(dim, (tuple, list)) and len(dim) > 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(str(d) for d in dim)}")
    dims = dims_of(dim, input._data.ndim)
    return Norm.apply(input, p=p, dims=dims, keepdim=keepdim)


class Logsumexp(Op):
    """``log(sum(exp(x)))`` computed stably (LogsumexpBackward0)."""

    grad_fn_name = "LogsumexpBackward0"
    holomorphic = True
    reduced_float_in_float32 = True
    params = ("dims", "keepdim")

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        self.save_outputs(0)
        dims = self.dims
        if a.size == 0:
            m = xp.zeros([1 if i in dims else s for i, s in enumerate(a.shape)], a.dtype)
        else:  # complex: shifted by the largest real part, as PyTorch (the same branch of log)
            m = xp.max(a.real if a.dtype.kind == "c" else a, axis=dims, keepdims=True)
            m = xp.where(xp.isinf(m), 0, m)
        with errstate(xp):
            s = xp.log(xp.sum(xp.exp(a - m), axis=dims, keepdims=True)) + m
        if not self.keepdim:
            s = s.reshape([n for i, n in enumerate(a.shape) if i not in dims])
        return xp.asarray(s, dtype=a.dtype)

    def backward(self, g):
        a, out = self.saved_tensors
        shape = self._input_meta[0][0]
        gx = expand_back(g, shape, self.dims, self.keepdim)
        ox = expand_back(out, shape, self.dims, self.keepdim)
        return gx * (a - ox).exp()


@tensor_method("logsumexp")
def logsumexp(input, dim, keepdim: bool = False, *, out=None) -> Tensor:
    """``log(sum(exp(x)))`` over ``dim``; integer inputs compute in the default float dtype."""
    check_dim("logsumexp", dim, none=False)
    if input._data.dtype.kind not in "fcV":
        input = input.to(D.get_default_dtype())
    dims = dims_of(dim, input._data.ndim)
    return write_out(out, Logsumexp.apply(input, dims=dims, keepdim=keepdim))
