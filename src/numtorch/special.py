"""``numtorch.special``: PyTorch's special-function namespace (``torch.special``).

Implemented in NumPy without SciPy (see :mod:`numtorch._backend.special` for the methods and
their sources): SciPy is a heavy optional dependency, and PyTorch itself does not call it.
Functions with a PyTorch derivative carry gradients; the Bessel functions and orthogonal
polynomials are forward-only, as in PyTorch.
"""

from __future__ import annotations

from . import _dtype as D
from ._backend import special as S
from ._backend import xp_of
from ._ops import pointwise as P
from ._ops._base import Op, write_out
from ._ops.nn import activation as _activation
from ._tensor import Tensor

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma",
    "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc",
    "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e",
    "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax",
    "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
    "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py",
    "xlogy", "zeta",
]

digamma = psi = P.digamma
entr = P.entr
erfcx = P.erfcx
erfinv = P.erfinv
expit = P.expit
gammaln = P.lgamma
i0 = P.i0
i0e = P.i0e
i1 = P.i1
i1e = P.i1e
log_ndtr = P.log_ndtr
logit = P.logit
ndtr = P.ndtr
ndtri = P.ndtri
polygamma = P.polygamma
sinc = P.sinc
xlog1py = P.xlog1py
xlogy = P.xlogy
zeta = P.zeta
gammainc = P.igamma
gammaincc = P.igammac


def multigammaln(input: Tensor, p: int, *, out=None) -> Tensor:
    return P.mvlgamma(input, p, out=out)


def erf(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, input.erf())


def erfc(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, input.erfc())


def exp2(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, input.exp2())


def expm1(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, input.expm1())


def log1p(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, input.log1p())


def round(input: Tensor, *, decimals: int = 0, out=None) -> Tensor:  # noqa: A001
    return write_out(out, input.round(decimals=decimals))


def logsumexp(input: Tensor, dim, keepdim: bool = False, *, out=None) -> Tensor:
    return write_out(out, input.logsumexp(dim, keepdim))


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _activation.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    return _activation.log_softmax(input, dim, dtype=dtype)


# -- forward-only functions ---------------------------------------------------------------------
class _ForwardOnly(Op):
    """``fn`` elementwise in the input's floating dtype (the default one for integers); with
    an input that requires grad it records a ``NotImplemented`` node whose backward raises."""

    grad_fn_name = "NotImplemented"
    params = ("fn", "op_name")

    def forward(self, a):
        dt = a.dtype if a.dtype.kind in "fV" else D.get_default_dtype().np
        return xp_of(a).asarray(self.fn(a), dtype=dt)

    def backward(self, g):
        raise RuntimeError(f"the derivative for '{self.op_name}' is not implemented.")


def _forward_only(name, fn):
    def public(input: Tensor, *, out=None) -> Tensor:
        return write_out(out, _ForwardOnly.apply(input, fn=fn, op_name=name))
    public.__name__ = name
    public.__doc__ = f"``torch.special.{name}`` (no derivative, as in PyTorch)."
    return public


airy_ai = _forward_only("airy_ai", S.airy_ai)
bessel_j0 = _forward_only("bessel_j0", lambda a: S.bessel_j(a, 0))
bessel_j1 = _forward_only("bessel_j1", lambda a: S.bessel_j(a, 1))
bessel_y0 = _forward_only("bessel_y0", lambda a: S.bessel_y(a, 0))
bessel_y1 = _forward_only("bessel_y1", lambda a: S.bessel_y(a, 1))
modified_bessel_i0 = _forward_only("modified_bessel_i0", S.i0)
modified_bessel_i1 = _forward_only("modified_bessel_i1", S.i1)
modified_bessel_k0 = _forward_only("modified_bessel_k0", lambda a: S.bessel_k(a, 0))
modified_bessel_k1 = _forward_only("modified_bessel_k1", lambda a: S.bessel_k(a, 1))
scaled_modified_bessel_k0 = _forward_only("scaled_modified_bessel_k0",
                                          lambda a: S.bessel_k_scaled(a, 0))
scaled_modified_bessel_k1 = _forward_only("scaled_modified_bessel_k1",
                                          lambda a: S.bessel_k_scaled(a, 1))
spherical_bessel_j0 = _forward_only("spherical_bessel_j0", S.spherical_j0)


class _Polynomial(Op):
    """An orthogonal polynomial ``fn(x, n)`` by its recurrence, in double precision, rounded to
    ``dtype``; ``shift`` maps x to ``2x - 1``. Not differentiable (numtorch records none)."""

    grad_fn_name = "PolynomialBackward0"
    non_differentiable = (0,)
    params = ("fn", "shift", "dtype")

    def forward(self, x, n):
        xp = xp_of(x) if hasattr(x, "dtype") else xp_of(n)
        xx = xp.asarray(x, dtype="float64")
        if self.shift:
            xx = 2 * xx - 1
        n = xp.asarray(n)
        if n.dtype.kind in "fV":
            n = xp.where(xp.isfinite(n), n, -1).astype("int64")
        return xp.asarray(self.fn(xx, n), dtype=self.dtype)


def _polynomial(name, fn, shift=False):
    def public(input, n, *, out=None) -> Tensor:
        x = input._data if isinstance(input, Tensor) else input
        nn = n._data if isinstance(n, Tensor) else n
        if isinstance(input, Tensor) and isinstance(n, Tensor):
            dt = D.to_numpy_dtype(D.result_type(input, n))
        else:
            dt = x.dtype if hasattr(x, "dtype") else nn.dtype
        if dt.kind not in "fV":
            dt = D.get_default_dtype().np
        return write_out(out, _Polynomial.apply(input, n, fn=fn, shift=shift, dtype=dt))
    public.__name__ = name
    public.__doc__ = f"``torch.special.{name}(x, n)`` by its three-term recurrence."
    return public


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", S.chebyshev_t)
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", S.chebyshev_u)
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", S.chebyshev_v)
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", S.chebyshev_w)
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t", S.chebyshev_t,
                                             True)
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u", S.chebyshev_u,
                                             True)
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v", S.chebyshev_v,
                                             True)
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w", S.chebyshev_w,
                                             True)
hermite_polynomial_h = _polynomial("hermite_polynomial_h", S.hermite_h)
hermite_polynomial_he = _polynomial("hermite_polynomial_he", S.hermite_he)
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", S.laguerre_l)
legendre_polynomial_p = _polynomial("legendre_polynomial_p", S.legendre_p)


from ._ops._numpy_aliases import install_numpy_aliases as _install_numpy_aliases  # noqa: E402

_install_numpy_aliases(globals())
