"""The pointwise long tail of PyTorch: special functions, angle helpers, complex views, ...

Each op matches ``torch.<name>`` in values, dtype promotion (integer inputs give the default
float dtype) and gradient; the special functions come from :mod:`._special_math`.
"""

from __future__ import annotations

import math

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from . import _special_math as S
from ._base import Op, float_np_dtype, result_np_dtype, tensor_method, write_out
from ._inplace import inplace as _inplace

__all__ = [
    "copysign", "deg2rad", "rad2deg", "logaddexp", "logaddexp2", "xlogy", "i0", "sinc", "logit",
    "nan_to_num", "heaviside", "lcm", "gcd", "nextafter", "ldexp", "frexp", "polygamma",
    "mvlgamma", "lgamma", "digamma", "erfinv", "igamma", "igammac", "positive",
    "bitwise_left_shift", "bitwise_right_shift", "angle", "isreal", "real", "imag", "conj",
    "conj_physical", "resolve_conj", "resolve_neg", "xlog1py", "entr",
    "ndtr", "ndtri", "log_ndtr", "erfcx", "i0e", "i1", "i1e", "zeta", "expit",
]


def _arr(x):
    return x._data if isinstance(x, Tensor) else x


def _tensor(x, np_dtype) -> Tensor:
    if isinstance(x, Tensor):
        return x
    from .. import tensor

    return tensor(x, dtype=D.from_numpy_dtype(np_dtype))


def _float_result(*operands):
    """PyTorch's dtype for a floating binary op: promoted, then float if integral."""
    dt = result_np_dtype(*operands) if len(operands) == 2 else float_np_dtype(_arr(operands[0]))
    if dt.kind not in "fc":
        dt = D.get_default_dtype().np
    return dt


def _where(cond, a, b):
    from .indexing import where

    return where(cond, a, b)


# -- unary special functions -------------------------------------------------------------------
class _SpecialUnary(Op):
    """Computes ``self.fn`` in float64 and rounds to the (floating) result dtype."""

    fn = None

    def forward(self, a):
        dt = float_np_dtype(a)
        self.save_inputs(0)
        self.save_outputs(0)
        xp = xp_of(a)
        return xp.asarray(type(self).fn(a), dtype=dt)


def _special_unary(name, fn, grad_fn_name, deriv):
    cls = type(name.capitalize(), (_SpecialUnary,), {
        "grad_fn_name": grad_fn_name, "fn": staticmethod(fn),
        "backward": lambda self, g: g * deriv(*self.saved_tensors)})
    return cls


_Lgamma = _special_unary("lgamma", S.lgamma, "LgammaBackward0", lambda a, o: digamma(a))
_Digamma = _special_unary("digamma", S.digamma, "DigammaBackward0",
                          lambda a, o: polygamma(1, a))
_Erfinv = _special_unary("erfinv", S.erfinv, "ErfinvBackward0",
                         lambda a, o: (math.sqrt(math.pi) / 2) * (o * o).exp())
_I0 = _special_unary("i0", S.i0, "I0Backward0", lambda a, o: i1(a))
_I0e = _special_unary("i0e", S.i0e, "SpecialI0EBackward0",
                      lambda a, o: i1e(a) - a.sgn() * o)
_I1 = _special_unary("i1", S.i1, "SpecialI1Backward0",
                     lambda a, o: _where(a == 0, 0.5, i0(a) - o / a))
_I1e = _special_unary("i1e", S.i1e, "SpecialI1EBackward0",
                      lambda a, o: _where(a == 0, 0.5, i0e(a) - o * (a.sgn() + 1 / a)))
_Ndtri = _special_unary("ndtri", S.ndtri, "SpecialNdtriBackward0",
                        lambda a, o: math.sqrt(2 * math.pi) * (o * o / 2).exp())
_Ndtr = _special_unary("ndtr", S.ndtr, "SpecialNdtrBackward0",
                       lambda a, o: (-(a * a) / 2).exp() / math.sqrt(2 * math.pi))
_LogNdtr = _special_unary("log_ndtr", S.log_ndtr, "SpecialLogNdtrBackward0",
                          lambda a, o: (-(a * a) / 2 - o).exp() / math.sqrt(2 * math.pi))
_Erfcx = _special_unary("erfcx", S.erfcx, "SpecialErfcxBackward0",
                        lambda a, o: 2 * a * o - 2 / math.sqrt(math.pi))


def _unary_api(cls, name, method=True):
    def fn(input, *, out=None) -> Tensor:
        return write_out(out, cls.apply(input))
    fn.__name__ = name
    fn.__doc__ = f"``torch.{name}`` elementwise ({cls.grad_fn_name})."
    if method:
        tensor_method(name)(fn)
        tensor_method(name + "_")(lambda self: _inplace(self, fn))
    return fn


lgamma = _unary_api(_Lgamma, "lgamma")
digamma = _unary_api(_Digamma, "digamma")
erfinv = _unary_api(_Erfinv, "erfinv")
i0 = _unary_api(_I0, "i0")
i0e = _unary_api(_I0e, "i0e", method=False)
i1 = _unary_api(_I1, "i1", method=False)
i1e = _unary_api(_I1e, "i1e", method=False)
ndtri = _unary_api(_Ndtri, "ndtri", method=False)
ndtr = _unary_api(_Ndtr, "ndtr", method=False)
log_ndtr = _unary_api(_LogNdtr, "log_ndtr", method=False)
erfcx = _unary_api(_Erfcx, "erfcx", method=False)


class _Polygamma(Op):
    grad_fn_name = "PolygammaBackward0"

    def forward(self, a):
        self.save_inputs(0)
        return xp_of(a).asarray(S.polygamma(self.n, a), dtype=float_np_dtype(a))

    def backward(self, g):
        (a,) = self.saved_tensors
        return (g * polygamma(self.n + 1, a),)


def polygamma(n: int, input: Tensor, *, out=None) -> Tensor:
    """``torch.polygamma(n, x)``: the n-th derivative of digamma."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return write_out(out, digamma(input))
    return write_out(out, _Polygamma.apply(input, n=n))


@tensor_method("polygamma")
def _polygamma_method(self, n: int) -> Tensor:
    return polygamma(n, self)


@tensor_method("mvlgamma")
def mvlgamma(input: Tensor, p: int, *, out=None) -> Tensor:
    """Multivariate log-gamma of dimension ``p`` (a sum of lgamma terms)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if input._data.dtype.kind in "fc":
        from .reduction import all as _all

        if not bool(_all(input > (p - 1) / 2)):
            raise RuntimeError("All elements must be greater than (p-1)/2")
    x = input if input._data.dtype.kind in "fc" else input.to(D.get_default_dtype())
    from .. import arange

    shifts = arange(0, -p / 2, -0.5, dtype=x.dtype)[:p]
    res = lgamma(x.unsqueeze(-1) + shifts).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)
    return write_out(out, res)


# -- binary ------------------------------------------------------------------------------------
class _Binary(Op):
    """Both operands cast to ``self.dtype`` before ``self.compute``."""

    def forward(self, a, b):
        dt = self.dtype
        xp = xp_of(a if hasattr(a, "dtype") else b)
        a = xp.asarray(a, dtype=dt)
        b = xp.asarray(b, dtype=dt)
        self.save_inputs(0, 1)
        with xp.errstate(all="ignore"):
            return xp.asarray(self.compute(xp, a, b), dtype=dt)


class _Copysign(_Binary):
    grad_fn_name = "CopysignBackward0"

    def compute(self, xp, a, b):
        return xp.copysign(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        a = _tensor(a, self.dtype)
        b = _tensor(b, self.dtype)
        out = copysign(a, b)
        ratio = _where(a == 0, 0.0, out / a)
        return g * ratio, g * 0


class _Logaddexp(_Binary):
    grad_fn_name = "LogaddexpBackward0"
    base2 = False

    def compute(self, xp, a, b):
        if self.base2:
            return xp.logaddexp2(a, b)
        return xp.logaddexp(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        a, b = _tensor(a, self.dtype), _tensor(b, self.dtype)
        if self.base2:
            return g / (1 + (b - a).exp2()), g / (1 + (a - b).exp2())
        return g / (1 + (b - a).exp()), g / (1 + (a - b).exp())


class _Logaddexp2(_Logaddexp):
    grad_fn_name = "Logaddexp2Backward0"
    base2 = True


class _Xlogy(_Binary):
    grad_fn_name = "XlogyBackward0"
    log1p = False

    def compute(self, xp, a, b):
        lg = xp.log1p(b) if self.log1p else xp.log(b)
        return xp.where((a == 0) & ~xp.isnan(b), 0, a * lg)

    def backward(self, g):
        a, b = self.saved_tensors
        a, b = _tensor(a, self.dtype), _tensor(b, self.dtype)
        nf = self.next_functions
        ga = gb = None
        if nf[0][0] is not None:
            lg = b.log1p() if self.log1p else b.log()
            ga = g * _where((a == 0) & ~b.isnan(), 0.0, lg)
        if nf[1][0] is not None:
            gb = g * a / ((1 + b) if self.log1p else b)
        return ga, gb


class _Xlog1py(_Xlogy):
    grad_fn_name = "SpecialXlog1PyBackward0"
    log1p = True


def _binary_api(cls, name, floating=True, method=True):
    def fn(input, other, *, out=None) -> Tensor:
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{name}() expected at least one Tensor argument")
        dt = _float_result(input, other) if floating else result_np_dtype(input, other)
        return write_out(out, cls.apply(input, other, dtype=dt))
    fn.__name__ = name
    fn.__doc__ = f"``torch.{name}`` elementwise with broadcasting ({cls.grad_fn_name})."
    if method:
        tensor_method(name)(fn)
        tensor_method(name + "_")(lambda self, other: _inplace(self, fn, other))
    return fn


copysign = _binary_api(_Copysign, "copysign")
logaddexp = _binary_api(_Logaddexp, "logaddexp", floating=False)
logaddexp2 = _binary_api(_Logaddexp2, "logaddexp2", floating=False)
xlogy = _binary_api(_Xlogy, "xlogy")
xlog1py = _binary_api(_Xlog1py, "xlog1py", method=False)


def _nograd_binary(name, compute, floating=False, out_dtype=None):
    class _NoGrad(Op):
        grad_fn_name = f"{name.capitalize()}Backward0"

        def forward(self, a, b):
            xp = xp_of(a if hasattr(a, "dtype") else b)
            a = xp.asarray(a, dtype=self.dtype)
            b = xp.asarray(b, dtype=self.dtype)
            with xp.errstate(all="ignore"):
                return xp.asarray(compute(xp, a, b), dtype=out_dtype or self.dtype)

    return _binary_api(_NoGrad, name, floating=floating)


def _heaviside(xp, a, b):
    return xp.where(a == 0, b, (a > 0).astype(a.dtype))


def _check_heaviside(input, values):
    if isinstance(input, Tensor) and isinstance(values, Tensor) and \
            input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes")


_heaviside_fn = _nograd_binary("heaviside", _heaviside)


@tensor_method("heaviside")
def heaviside(input, values, *, out=None) -> Tensor:
    """Step function with ``values`` where ``input == 0`` (same dtypes required, as torch)."""
    _check_heaviside(input, values)
    return _heaviside_fn(input, values, out=out)


lcm = _nograd_binary("lcm", lambda xp, a, b: xp.abs(xp.lcm(a, b)))
gcd = _nograd_binary("gcd", lambda xp, a, b: xp.gcd(a, b))
class _Nextafter(_Binary):
    grad_fn_name = "NextafterBackward0"

    def compute(self, xp, a, b):
        return xp.nextafter(a, b)

    def backward(self, g):
        return g, g * 0


nextafter = _binary_api(_Nextafter, "nextafter", floating=False)


def _shift(left):
    def compute(xp, a, b):
        bits = a.dtype.itemsize * 8
        big = (b < 0) | (b >= bits)
        bb = xp.where(big, 0, b)
        if left:
            res = xp.left_shift(a, bb)
            return xp.where(big, 0, res)
        res = xp.right_shift(a, bb)
        return xp.where(big, xp.where(a < 0, -1, 0).astype(a.dtype), res)
    return compute


bitwise_left_shift = _nograd_binary("bitwise_left_shift", _shift(True))
bitwise_right_shift = _nograd_binary("bitwise_right_shift", _shift(False))
tensor_method("__lshift__")(bitwise_left_shift)
tensor_method("__rshift__")(bitwise_right_shift)


class _Igamma(_Binary):
    grad_fn_name = "IgammaBackward0"
    upper = False

    def compute(self, xp, a, x):
        p = _regularized_gamma(a.astype("float64"), x.astype("float64"))
        return 1 - p if self.upper else p

    def backward(self, g):
        a, x = self.saved_tensors
        if self.next_functions[0][0] is not None:
            raise RuntimeError("the derivative for 'self' is not implemented.")
        a, x = _tensor(a, self.dtype), _tensor(x, self.dtype)
        d = (-x + (a - 1) * x.log() - lgamma(a)).exp()
        return None, (-g * d if self.upper else g * d)


class _Igammac(_Igamma):
    grad_fn_name = "IgammacBackward0"
    upper = True


def _regularized_gamma(a, x):
    """P(a, x): series for x < a + 1, Lentz's continued fraction for Q otherwise
    (Numerical Recipes, 3rd ed., section 6.2)."""
    import numpy as np

    a, x = np.broadcast_arrays(a, x)
    with np.errstate(all="ignore"):
        lg = S.lgamma(a)
        pre = np.exp(-x + a * np.log(x) - lg)
        # series
        ap = a.copy()
        term = 1 / a
        total = term.copy()
        for _ in range(500):
            ap = ap + 1
            term = term * x / ap
            total = total + term
        p_series = total * pre
        # continued fraction for Q
        tiny = 1e-300
        b = x + 1 - a
        c = np.full_like(b, 1 / tiny)
        d = 1 / b
        h = d.copy()
        for i in range(1, 500):
            an = -i * (i - a)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            h = h * d * c
        q_cf = pre * h
        p = np.where(x < a + 1, p_series, 1 - q_cf)
        p = np.where(x == 0, 0.0, p)
        p = np.where((a < 0) | (x < 0), np.nan, p)
        p = np.where((a == 0) & (x > 0), 1.0, p)
        p = np.where(np.isinf(x) & (x > 0), 1.0, p)
    return p


igamma = _binary_api(_Igamma, "igamma")
igammac = _binary_api(_Igammac, "igammac")


class _Zeta(_Binary):
    grad_fn_name = "SpecialZetaBackward0"

    def compute(self, xp, s, q):
        return S.zeta(s, q)


zeta = _binary_api(_Zeta, "zeta", method=False)


@tensor_method("ldexp")
def ldexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``input * 2 ** other`` (a composite, as in PyTorch)."""
    from .pointwise import mul
    from .pointwise import pow as _pow

    dt = _float_result(input, other)
    two = Tensor._from_array(xp_of(_arr(input)).asarray(2.0, dtype=dt))
    return write_out(out, mul(input, _pow(two, other)))


@tensor_method("frexp")
def frexp(input: Tensor, *, out=None):
    """(mantissa, exponent) with ``input = mantissa * 2 ** exponent``; exponent is int32."""
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    from ._return_types import named_tuple

    result = named_tuple("frexp", ("mantissa", "exponent"))
    return result(*_Frexp.apply(input))


class _Frexp(Op):
    grad_fn_name = "FrexpBackward0"
    non_differentiable = (1,)

    def forward(self, a):
        m, e = xp_of(a).frexp(a)
        self.exponent = e
        return m, e.astype("int32")

    def backward(self, g, _):
        scale = Tensor._from_array(xp_of(g._data).ldexp(g._data.dtype.type(1), -self.exponent))
        return (g * scale,)


# -- unary composites ---------------------------------------------------------------------------
def _floatify(input: Tensor) -> Tensor:
    return input if input._data.dtype.kind in "fc" else input.to(D.get_default_dtype())


@tensor_method("deg2rad")
def deg2rad(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, _floatify(input) * (math.pi / 180))


@tensor_method("rad2deg")
def rad2deg(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, _floatify(input) * (180 / math.pi))


class _Sinc(Op):
    grad_fn_name = "SincBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        with xp.errstate(all="ignore"):
            px = math.pi * a
            out = xp.where(a == 0, 1, xp.sin(px) / px)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        px = a * math.pi
        d = (px * px.cos() - px.sin()) / (px * a)
        return (g * _where(a == 0, 0.0, d),)


@tensor_method("sinc")
def sinc(input: Tensor, *, out=None) -> Tensor:
    """Normalised sinc, ``sin(pi x) / (pi x)`` with 1 at 0 (SincBackward0)."""
    return write_out(out, _Sinc.apply(_floatify(input)))


class _Logit(Op):
    grad_fn_name = "LogitBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        x = a if self.eps is None else xp.clip(a, self.eps, 1 - self.eps)
        with xp.errstate(all="ignore"):
            return xp.asarray(xp.log(x / (1 - x)), dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        d = g / (a * (1 - a))
        if self.eps is None:
            return (d,)
        inside = (a >= self.eps) & (a <= 1 - self.eps)
        return (_where(inside, d, 0.0),)


@tensor_method("logit")
def logit(input: Tensor, eps=None, *, out=None) -> Tensor:
    """``log(p / (1 - p))``, clamping to ``[eps, 1 - eps]`` when eps is given."""
    return write_out(out, _Logit.apply(_floatify(input), eps=eps))


class _Entr(Op):
    grad_fn_name = "SpecialEntrBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        with xp.errstate(all="ignore"):
            out = xp.where(a > 0, -a * xp.log(a), xp.where(a == 0, 0, -xp.inf))
            out = xp.where(xp.isnan(a), a, out)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        return (-g * (a.log() + 1),)


def entr(input: Tensor, *, out=None) -> Tensor:
    """``-x log x`` (0 at 0, -inf below) as ``torch.special.entr``."""
    return write_out(out, _Entr.apply(_floatify(input)))


class _NanToNum(Op):
    grad_fn_name = "NanToNumBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        if a.dtype.kind not in "fc":
            return a.copy()
        info = xp.finfo(a.dtype)
        pos = info.max if self.posinf is None else self.posinf
        neg = info.min if self.neginf is None else self.neginf
        return xp.asarray(xp.nan_to_num(a, nan=self.nan, posinf=pos, neginf=neg), dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        return (g * a.isfinite(),)


@tensor_method("nan_to_num")
def nan_to_num(input: Tensor, nan: float = 0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN, +inf and -inf (defaults: 0 and the dtype's largest/smallest values)."""
    return write_out(out, _NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf))


@tensor_method("nan_to_num_")
def _nan_to_num_(self, nan: float = 0.0, posinf=None, neginf=None):
    return _inplace(self, nan_to_num, nan, posinf, neginf)


def expit(input: Tensor, *, out=None) -> Tensor:
    """``torch.special.expit`` (the logistic sigmoid)."""
    return write_out(out, input.sigmoid())


@tensor_method("__abs__")
def _abs_dunder(self) -> Tensor:
    """``abs(t)`` (Python's builtin) is ``t.abs()``."""
    return self.abs()


@tensor_method("positive")
def positive(input: Tensor) -> Tensor:
    """Returns ``input`` itself (booleans rejected, as PyTorch)."""
    if input._data.dtype == bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# -- complex helpers -----------------------------------------------------------------------------
class _Real(Op):
    grad_fn_name = "RealBackward0"
    is_view = True

    def forward(self, a):
        return a.real

    def backward(self, g):
        return (g,)


class _Imag(Op):
    grad_fn_name = "ImagBackward0"
    is_view = True

    def forward(self, a):
        return a.imag

    def backward(self, g):
        return (g * 1j,)


class _Conj(Op):
    grad_fn_name = "ConjBackward0"

    def forward(self, a):
        return xp_of(a).conj(a)

    def backward(self, g):
        return (conj(g),)


class _ConjPhysical(_Conj):
    grad_fn_name = "ConjPhysicalBackward0"


def real(input: Tensor) -> Tensor:
    """Real part (a view); a real tensor is returned as is."""
    if input._data.dtype.kind != "c":
        return input
    return _Real.apply(input)


def imag(input: Tensor) -> Tensor:
    """Imaginary part (a view); real tensors raise as in PyTorch."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _Imag.apply(input)


tensor_method("real")(property(real))
tensor_method("imag")(property(imag))


@tensor_method("conj")
def conj(input: Tensor) -> Tensor:
    """Complex conjugate (real tensors are returned as is)."""
    if input._data.dtype.kind != "c":
        return input
    return _Conj.apply(input)


@tensor_method("conj_physical")
def conj_physical(input: Tensor, *, out=None) -> Tensor:
    if input._data.dtype.kind != "c":
        return write_out(out, input.clone()) if out is not None else input
    return write_out(out, _ConjPhysical.apply(input))


@tensor_method("resolve_conj")
def resolve_conj(input: Tensor) -> Tensor:
    """numtorch materialises conjugates eagerly, so this returns ``input``."""
    return input


@tensor_method("resolve_neg")
def resolve_neg(input: Tensor) -> Tensor:
    """numtorch has no lazy negation bit, so this returns ``input``."""
    return input


@tensor_method("is_conj")
def _is_conj(self) -> bool:
    return False


@tensor_method("is_neg")
def _is_neg(self) -> bool:
    return False


class _Angle(Op):
    grad_fn_name = "AngleBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        if a.dtype.kind == "c":
            return xp.angle(a)
        out = xp.where(a < 0, math.pi, 0.0)
        return xp.asarray(xp.where(xp.isnan(a), a, out), dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        if a._data.dtype.kind != "c":
            return (g * 0,)
        # d angle: imag(conj(g_c)...) in PyTorch's convention: g * (-imag, real) / |z|^2
        denom = a.abs().pow(2)
        return (g * (-imag(a) + 1j * real(a)) / _where(denom == 0, 1.0, denom)
                * (denom != 0),)


@tensor_method("angle")
def angle(input: Tensor, *, out=None) -> Tensor:
    """Argument of complex numbers; 0 or pi for real ones (nan kept)."""
    return write_out(out, _Angle.apply(_floatify(input)))


@tensor_method("isreal")
def isreal(input: Tensor) -> Tensor:
    a = input._data
    xp = xp_of(a)
    if a.dtype.kind != "c":
        return Tensor._from_array(xp.ones(a.shape, bool))
    return Tensor._from_array(a.imag == 0)
