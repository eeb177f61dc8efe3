"""Scans along a dim: cumsum, cumprod, cummax/cummin, logcumsumexp, diff, trapezoid/trapz and
cumulative_trapezoid, with PyTorch's dtypes (integers accumulate in int64) and gradients
(cumprod's is exact with zeros in the input)."""

from __future__ import annotations

from .. import _dtype as D
from .._backend import errstate, xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out
from ._inplace import inplace, torch_type_name
from .indexing import CopyBackwards, scatter_add
from .join import cat
from .reduction import return_types
from .reduction._common import check_dim

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff", "trapezoid",
           "trapz", "cumulative_trapezoid"]

_INT64 = D.int64.np


def _scan_dtype(a, dtype):
    if dtype is not None:
        return D.to_numpy_dtype(dtype)
    return _INT64 if a.dtype.kind in "iub" else a.dtype


#: PyTorch's CPU scans accumulate single precision in double, rounding each running value once
_ACC = {"float32": D.float64.np, "complex64": D.complex128.np}


def _scan(xp, fn, a, axis, dtype):
    """``fn`` (cumsum/cumprod) of ``a`` in ``dtype``, accumulated as PyTorch's CPU kernels."""
    acc = _ACC.get(dtype.name)
    if acc is None:
        return fn(a, axis=axis, dtype=dtype)
    return fn(a, axis=axis, dtype=acc).astype(dtype, copy=False)


def _flip_cumsum(g: Tensor, d: int) -> Tensor:
    """Sum from each position to the end of ``d`` (the adjoint of cumsum)."""
    return g.flip(d).cumsum(d).flip(d)


class Cumsum(Op):
    grad_fn_name = "CumsumBackward0"
    reduced_float_in_float32 = True
    params = ("dim", "dtype")

    def forward(self, a):
        if a.ndim == 0:
            return a.astype(self.dtype)
        xp = xp_of(a)
        with errstate(xp):  # inf - inf is NaN silently, as PyTorch
            return _scan(xp, xp.cumsum, a, self.dim, xp.dtype(self.dtype))

    def backward(self, g):
        if g.ndim == 0:
            return g
        return _flip_cumsum(g, self.dim)


@tensor_method("cumsum")
def cumsum(input: Tensor, dim: int, *, dtype=None, out=None) -> Tensor:
    """Running sum along ``dim`` (integer and bool inputs give int64)."""
    check_dim("cumsum", dim, "int", none=False)
    d = wrap_dim(dim, input._data.ndim)
    return write_out(out, Cumsum.apply(input, dim=d, dtype=_scan_dtype(input._data, dtype)))


class Cumprod(Op):
    grad_fn_name = "CumprodBackward0"
    holomorphic = True
    reduced_float_in_float32 = True
    params = ("dim", "dtype")

    def forward(self, a):
        self.save_inputs(0)
        self.save_outputs(0)
        if a.ndim == 0:
            return a.astype(self.dtype)
        xp = xp_of(a)
        with errstate(xp):  # inf/NaN products: computed silently, as PyTorch
            dt = xp.dtype(self.dtype)
            if dt.kind == "c" and a.shape[self.dim]:
                # PyTorch's running product starts from 1: its first element is 1 * a[0], which
                # for a complex inf is not a[0] (1 * (inf+0j) is inf+nanj)
                a = a.astype(_ACC.get(dt.name, dt), copy=True)
                first = xp.moveaxis(a, self.dim, 0)
                first[0] = first[0] * xp.ones((), a.dtype)
            return _scan(xp, xp.cumprod, a, self.dim, dt)

    def backward(self, g):
        x, out = self.saved_tensors
        if g.ndim == 0:
            return g
        d = self.dim
        if not bool((x == 0).any()):
            return _flip_cumsum(g * out, d) / x
        return _CumprodGradZeros.apply(g, x, out, dim=d)


class _CumprodGradZeros(Op):
    """cumprod's gradient when the input has zeros: exact, via the first zero of each line."""

    grad_fn_name = "CumprodBackwardBackward0"
    params = ("dim",)

    def forward(self, g, x, out):
        xp = xp_of(x)
        d = self.dim
        gm, xm, om = (xp.moveaxis(t, d, -1) for t in (g, x, out))
        n = xm.shape[-1]
        zero = xm == 0
        first = xp.where(zero.any(-1), zero.argmax(-1), n)[..., None]
        pos = xp.arange(n)
        safe = xp.where(zero, 1, xm)
        # before the first zero the usual formula holds; after it every gradient is 0
        res = xp.where(pos < first, xp.flip(xp.cumsum(xp.flip(gm * om, -1), -1), -1) / safe, 0)
        # at the first zero z: sum_{j>=z} g_j * prod_{k<=j, k!=z} x_k
        prefix = xp.where(first > 0, xp.take_along_axis(om, xp.maximum(first - 1, 0), -1), 1)
        run = xp.cumprod(xp.where(pos > first, xm, 1), -1) * prefix
        atz = xp.where(pos >= first, gm * run, 0).sum(-1, keepdims=True)
        res = xp.where(pos == first, atz, res)
        return xp.moveaxis(res.astype(x.dtype, copy=False), -1, d)


@tensor_method("cumprod")
def cumprod(input: Tensor, dim: int, *, dtype=None, out=None) -> Tensor:
    """Running product along ``dim`` (integer and bool inputs give int64)."""
    check_dim("cumprod", dim, "int", none=False)
    d = wrap_dim(dim, input._data.ndim)
    return write_out(out, Cumprod.apply(input, dim=d, dtype=_scan_dtype(input._data, dtype)))


class _CumExtreme(Op):
    """Running max (``is_max``) or min along ``dim`` and the index where it was last attained."""

    non_differentiable = (1,)
    params = ("dim",)

    def forward(self, a):
        xp = xp_of(a)
        if a.ndim == 0:
            self.index = xp.zeros((), _INT64)
            return xp_of(a).array(a, copy=True), self.index
        if a.shape[self.dim] == 0:
            self.index = xp.zeros(a.shape, _INT64)
            return xp_of(a).array(a, copy=True), self.index
        m = xp.moveaxis(a, self.dim, -1)
        vals = xp.empty_like(m)
        idx = xp.empty(m.shape, _INT64)
        cur = m[..., 0].copy()
        ci = xp.zeros(m.shape[:-1], _INT64)
        floating = a.dtype.kind in "fV"
        for k in range(m.shape[-1]):
            x = m[..., k]
            better = (x >= cur) if self.is_max else (x <= cur)
            if floating:
                better = better | xp.isnan(x)
                better = better & ~(xp.isnan(cur) & ~xp.isnan(x))
            cur = xp.where(better, x, cur)
            ci = xp.where(better, k, ci)
            vals[..., k] = cur
            idx[..., k] = ci
        self.index = xp.moveaxis(idx, -1, self.dim)
        return xp.moveaxis(vals, -1, self.dim), self.index

    def backward(self, g, _gi=None):
        if g.ndim == 0:
            return g
        return scatter_add(g.new_zeros(g.shape), self.dim, Tensor._from_array(self.index), g)


class Cummax(_CumExtreme):
    grad_fn_name = "CummaxBackward0"
    is_max = True


class Cummin(_CumExtreme):
    grad_fn_name = "CumminBackward0"
    is_max = False


def _no_complex(input: Tensor, kernel: str) -> None:
    a = input._data
    if a.dtype.kind == "c" and a.ndim and a.size:
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{torch_type_name(input._data.dtype)}'")


@tensor_method("cummax")
def cummax(input: Tensor, dim: int, *, out=None):
    """Running maximum along ``dim`` and where it was last attained (NaN propagates)."""
    if input._data.ndim == 0 and dim not in (0, -1):
        raise IndexError(f"cummax(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    d = wrap_dim(dim, input._data.ndim)
    _no_complex(input, "cummax_cpu")
    v, i = Cummax.apply(input, dim=d)
    return return_types("cummax")(v, i)


@tensor_method("cummin")
def cummin(input: Tensor, dim: int, *, out=None):
    """Running minimum along ``dim`` and where it was last attained (NaN propagates)."""
    if input._data.ndim == 0 and dim not in (0, -1):
        raise IndexError(f"cummin(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    d = wrap_dim(dim, input._data.ndim)
    _no_complex(input, "cummin_cpu")
    v, i = Cummin.apply(input, dim=d)
    return return_types("cummin")(v, i)


def _complex_logcumsumexp(xp, a, dim):
    """Running ``log(exp(x) + exp(y))`` along ``dim`` for complex ``a``, anchored at the operand
    with the larger real part (a -inf real part contributes nothing)."""
    x = xp.moveaxis(a, dim, 0)
    out = xp.empty_like(x)
    if x.shape[0]:
        acc = x[0].copy()
        out[0] = acc
        with errstate(xp):
            for k in range(1, x.shape[0]):
                y = x[k]
                first = acc.real >= y.real
                hi, lo = xp.where(first, acc, y), xp.where(first, y, acc)
                acc = xp.where(xp.isneginf(lo.real), hi, hi + xp.log1p(xp.exp(lo - hi)))
                out[k] = acc
    return xp.ascontiguousarray(xp.moveaxis(out, 0, dim))


class Logcumsumexp(Op):
    grad_fn_name = "LogcumsumexpBackward0"
    reduced_float_in_float32 = True
    params = ("dim",)

    def forward(self, a):
        self.save_inputs(0)
        self.save_outputs(0)
        if a.ndim == 0:
            return xp_of(a).array(a, copy=True)
        xp = xp_of(a)
        if a.dtype.kind == "c":
            return _complex_logcumsumexp(xp, a, self.dim)
        with errstate(xp, invalid="ignore"):
            return xp.logaddexp.accumulate(a, axis=self.dim)

    def backward(self, g):
        x, out = self.saved_tensors
        if g.ndim == 0:
            return g
        d = self.dim
        if g.is_complex():  # no sign split needed: log of the conjugate gradient
            lg = g.conj().log() - out
            return (lg.flip(d).logcumsumexp(d).flip(d) + x).exp().conj()

        def part(w):
            # sum_{j>=i} w_j exp(x_i - out_j) computed in log space, for w >= 0
            return (x + (w.log() - out).flip(d).logcumsumexp(d).flip(d)).exp()
        return part(g.clamp_min(0)) - part((-g).clamp_min(0))


@tensor_method("logcumsumexp")
def logcumsumexp(input: Tensor, dim: int, *, out=None) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably (floating inputs only)."""
    if input._data.dtype.kind not in "fcV":
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                           f"'{torch_type_name(input._data.dtype)}'")
    d = wrap_dim(dim, input._data.ndim)
    return write_out(out, Logcumsumexp.apply(input, dim=d))


@tensor_method("diff")
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend=None, append=None, *,
         out=None) -> Tensor:
    """n-th forward difference along ``dim`` (xor for bool), after prepending/appending."""
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = wrap_dim(dim, nd)
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0:  # PyTorch copies the input into a new tensor (CopyBackwards)
        target = Tensor._from_array(xp_of(input._data).empty_like(input._data))
        return write_out(out, CopyBackwards.apply(target, input, steps=[], adv=None,
                                                  accumulate=False))
    x = input
    if prepend is not None or append is not None:
        parts = [t for t in (prepend, x, append) if t is not None]
        x = cat(parts, d)
    for _ in range(n):
        size = x._data.shape[d]
        if size == 0:
            break
        hi, lo = x.narrow(d, 1, size - 1), x.narrow(d, 0, size - 1)
        x = hi.logical_xor(lo) if x._data.dtype == D.bool_.np else hi - lo
    return write_out(out, x)


def trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Trapezoidal rule along ``dim`` with sample points ``x`` or spacing ``dx`` (default 1)."""
    d = wrap_dim(dim, y._data.ndim)
    n = y._data.shape[d]
    if n == 0:
        return y.new_zeros(y._data.shape[:d] + y._data.shape[d + 1:])
    if isinstance(x, Tensor):
        if x._data.ndim == 1:
            shape = [1] * y._data.ndim
            shape[d] = -1
            x = x.view(shape)
        if x._data.shape[d if x._data.ndim == y._data.ndim else -1] != n:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        dxs = x.diff(dim=d if x._data.ndim == y._data.ndim else -1)
        return ((y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * dxs).sum(d) / 2
    step = dx if dx is not None else (x if x is not None else 1)
    return (y.sum(d) - (y.select(d, 0) + y.select(d, n - 1)) * 0.5) * step


def trapz(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Alias of ``trapezoid``."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Running trapezoidal integral along ``dim`` (one element shorter than ``y``)."""
    d = wrap_dim(dim, y._data.ndim)
    n = y._data.shape[d]
    avg = (y.narrow(d, 1, max(n - 1, 0)) + y.narrow(d, 0, max(n - 1, 0))) / 2
    if isinstance(x, Tensor):
        if x._data.ndim == 1:
            shape = [1] * y._data.ndim
            shape[d] = -1
            x = x.view(shape)
        avg = avg * x.diff(dim=d)
    else:
        step = dx if dx is not None else (x if x is not None else 1)
        avg = avg * step
    return avg.cumsum(d)


#: C++ spellings of PyTorch's scalar types, as its in-place dtype errors print them
_CPP = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char",
        "Byte": "unsigned char", "Bool": "bool", "Float": "float", "Double": "double",
        "Half": "c10::Half", "BFloat16": "c10::BFloat16",
        "ComplexFloat": "c10::complex<float>", "ComplexDouble": "c10::complex<double>"}


def _scan_inplace(name: str, fn, self: Tensor, dim: int, dtype) -> Tensor:
    have = torch_type_name(self._data.dtype)
    if dtype is not None:
        want = torch_type_name(D.to_numpy_dtype(dtype))
        if want != have:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {_CPP.get(have, have)} "
                               f"and output tensor dtype {_CPP.get(want, want)} should match")
    if have == "Bool":
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    return inplace(self, fn, dim, dtype=dtype)


@tensor_method("cumsum_")
def cumsum_(self: Tensor, dim: int, *, dtype=None) -> Tensor:
    """``Tensor.cumsum_``: running sum in place (``dtype``, if given, must be ``self``'s)."""
    return _scan_inplace("cumsum", cumsum, self, dim, dtype)


@tensor_method("cumprod_")
def cumprod_(self: Tensor, dim: int, *, dtype=None) -> Tensor:
    """``Tensor.cumprod_``: running product in place (``dtype``, if given, must be ``self``'s)."""
    return _scan_inplace("cumprod", cumprod, self, dim, dtype)
