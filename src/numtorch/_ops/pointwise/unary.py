"""Unary elementwise math, generated from one table.

Each row of :data:`TABLE` names a function and gives its forward (``fn(xp, a)`` on arrays), its
derivative (``grad(g, x, out)`` on Tensors: the incoming gradient, the saved input and the saved
output), PyTorch's grad_fn name and a dtype rule:

* ``FLOAT``: integer and bool inputs compute in the default float dtype (``torch.exp(int)``);
* ``SAME``: the result keeps the input's dtype (``abs``, ``floor``, ``relu``);
* ``HOST``: a special function computed in float64 on the host and rounded to the floating
  result dtype (``lgamma``, ``i0``...).

From each row come the :class:`UnaryOp` subclass (named after the function, ``Log1p``), the
public function, and (unless ``method=False``) the Tensor methods and their in-place forms.
"""

from __future__ import annotations

import math

from ..._backend import special as S
from ..._backend import xp_of
from ..._backend.special import erf_array
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import Op, float_np_dtype, tensor_method, write_out
from .._base import _state as _grad
from .._inplace import inplace
from ._common import CPLX as _CPLX
from ._common import INTS as _INTS
from ._common import TORCH_NAME as _TORCH_NAME
from ._common import np_dtype
from ._common import quiet as _silenced
from .ternary import where

FLOAT, SAME, HOST = "float", "same", "host"
_SAVES = {"": (), "x": (0,), "y": (~0,), "xy": (0, ~0)}


_NI = NotImplementedError


def _kernel(kernel):
    """PyTorch's message for a kernel without a loop for a dtype (``{T}``: its name)."""
    return f'"{kernel}" not implemented for ' + "'{T}'"


#: name -> ((dtype names, exception, message), ...): the input dtypes PyTorch refuses
REFUSE = {
    "abs": ((("bool",), _NI, _kernel("abs_cpu")),),
    "ceil": ((("bool",), _NI, _kernel("ceil_vml_cpu")),
             (_CPLX, _NI, "ceil is not supported for complex inputs")),
    "floor": ((("bool",), _NI, _kernel("floor_vml_cpu")),
              (_CPLX, _NI, "floor is not supported for complex inputs")),
    "trunc": ((("bool",), _NI, _kernel("trunc_vml_cpu")),
              (_CPLX, _NI, "trunc is not supported for complex inputs")),
    "frac": ((("bool",) + _INTS + _CPLX, _NI, _kernel("frac_cpu")),),
    "relu": ((("bool",), RuntimeError, "Boolean inputs not supported for relu"),
             (_CPLX, _NI, "clamp is not supported for complex types")),
    "sign": ((_CPLX, _NI, "Unlike NumPy, torch.sign is not intended to support complex "
                          "numbers. Please use torch.sgn instead."),),
    "digamma": ((_CPLX, _NI, _kernel("digamma")),),
    "lgamma": ((_CPLX, _NI, _kernel("lgamma_vml_cpu")),),
    "erf": ((_CPLX, _NI, _kernel("erf_vml_cpu")),),
    "erfc": ((_CPLX, _NI, _kernel("erfc_vml_cpu")),),
    "erfinv": ((_CPLX, _NI, _kernel("erfinv_vml_cpu")),),
    "erfcx": ((_CPLX + ("float16",), _NI, _kernel("erfcx_cpu")),),
    "i0": ((_CPLX, _NI, _kernel("i0_vml_cpu")),),
    "i0e": ((_CPLX, _NI, _kernel("i0e_cpu")),),
    "i1": ((_CPLX, _NI, _kernel("i1_cpu")),),
    "i1e": ((_CPLX, _NI, _kernel("i1e_cpu")),),
    "ndtr": ((_CPLX, _NI, _kernel("erf_vml_cpu")),),
    "ndtri": ((_CPLX + ("float16",), _NI, _kernel("ndtri_cpu")),),
    "log_ndtr": ((_CPLX + ("float16",), _NI, _kernel("log_ndtr_cpu")),),
    "round": ((("bool",) + _CPLX, _NI, _kernel("round_vml_cpu")),),
}


def refused(name: str):
    """``{array dtype: (exception class, message)}`` for ``REFUSE[name]`` (None if empty)."""
    out = {}
    for names, exc, msg in REFUSE.get(name, ()):
        for n in names:
            out[np_dtype(n)] = (exc, msg.replace("{T}", _TORCH_NAME[n]))
    return out or None


class UnaryOp(Op):
    """A table-generated unary op: ``fn`` forward, ``grad`` backward, dtype ``rule``."""

    params = ()
    rule = FLOAT
    #: compute never raises a floating-point warning (no errstate context needed)
    quiet = False
    #: which of input (x) and output (y) backward needs (``_save`` follows it)
    saves = "x"
    _save = (0,)

    #: input array dtype -> (exception class, message): the dtypes PyTorch refuses (``refuse``)
    refused = None

    def forward(self, a):
        if self.refused is not None and a.dtype in self.refused:
            exc, msg = self.refused[a.dtype]
            raise exc(msg)
        rule = self.rule
        xp = xp_of(a)
        if rule is HOST:
            return xp.asarray(self.compute(xp, a), dtype=float_np_dtype(a))
        if rule is FLOAT:
            dt = float_np_dtype(a)
            if a.dtype != dt:
                a = a.astype(dt)
        if self.quiet:
            out = self.compute(xp, a)
        else:
            with _silenced(xp):
                out = self.compute(xp, a)
        if rule is FLOAT and out.dtype != a.dtype:
            out = out.astype(a.dtype)
        return out

    def compute(self, xp, a):
        """The forward on arrays (the table's ``fn``; subclasses with parameters override)."""
        return type(self).fn(xp, a)

    def backward(self, g):
        saved = self.saved_tensors
        saves = self.saves
        x = saved[0] if saves[:1] == "x" else None
        y = saved[-1] if saves[-1:] == "y" else None
        if g.is_complex() and type(self).grad_fn_name not in _CONJ_AWARE:
            # the table gives g * f'(z); PyTorch's complex convention is g * conj(f'(z))
            return type(self).grad(g.conj(), x, y).conj()
        return type(self).grad(g, x, y)


#: ops whose table derivative already follows PyTorch's complex convention (or whose output
#: is real for complex input)
_CONJ_AWARE = frozenset({"ExpBackward0", "AbsBackward0", "SgnBackward0", "SignBackward0"})


def _host(fn):
    """A host special function of ``_backend.special`` as a table forward."""
    return lambda xp, a: fn(a)


def _conj(t: Tensor) -> Tensor:
    return t.conj() if t.is_complex() else t


def _rounding(ufunc: str):
    """A rounding forward: the array module's ``ufunc`` on floats, a copy of integers."""
    return lambda xp, a: getattr(xp, ufunc)(a) if a.dtype.kind in "fcV" else a.copy()


def _zero_grad(g, x, y):
    return g * 0


def _sign(xp, a):
    if a.dtype.kind in "fV":
        return xp.where(a != a, 0, xp.sign(a)).astype(a.dtype, copy=False)
    return xp.sign(a) if a.dtype.kind != "b" else a.copy()


def _sgn_grad(g, x, y):
    """Zero for real inputs; for complex ones PyTorch's (g - Re(conj(s) g) s) / |z|, zero at
    z = 0."""
    if not x.is_complex():
        return g * 0
    s = x.sgn()
    mag = x.abs()
    out = (g - (s.conj() * g).real * s) / where(mag == 0, mag.new_ones(()), mag)
    return where(mag == 0, out.new_zeros(()), out)


def _sgn(xp, a):
    if a.dtype.kind == "c":
        mag = xp.abs(a)
        return xp.where(mag == 0, 0, a / xp.where(mag == 0, 1, mag)).astype(a.dtype)
    return _sign(xp, a)


def _i0(xp, a):
    """``i0`` with PyTorch's NaN at +-inf."""
    return xp.where(xp.isinf(a), xp.nan, S.i0(a))


def _sigmoid(xp, a):
    if a.dtype.kind == "c":
        return 1 / (1 + xp.exp(-a))
    # numerically stable for large |a| in either sign
    e = xp.exp(-xp.abs(a))
    return xp.where(a >= 0, 1 / (1 + e), e / (1 + e))


_ZEROS: dict = {}


def _zeros_like(a):
    """A read-only zero array shaped like ``a`` (a view of a cached, lazily mapped buffer)."""
    n = a.size
    buf = _ZEROS.get(a.dtype)
    if buf is None or buf.size < n:
        buf = xp_of(a).zeros(max(n, 4096), dtype=a.dtype)
        buf.flags.writeable = False
        _ZEROS[a.dtype] = buf
    return buf[:n].reshape(a.shape)


def _relu(xp, a):
    if a.dtype.kind == "b":
        raise RuntimeError('"clamp_min_scalar_cpu" not implemented for \'Bool\'')
    if a.dtype.kind in "fV":
        # NumPy's maximum is ~3x faster against an array of zeros than against a scalar
        return xp.maximum(a, _zeros_like(a))
    return xp.maximum(a, 0).astype(a.dtype, copy=False)


def _threshold_grad(g, out):
    """``g`` where ``out > 0`` or NaN, else +0.0 (PyTorch's threshold_backward)."""
    xp = xp_of(g)
    keep = xp.asarray(xp.less_equal(out, 0))
    xp.logical_not(keep, out=keep)  # NaN outputs pass the gradient, as in PyTorch
    if g.dtype.kind in "fV" and g.ndim and g.shape == out.shape:
        # mask g's bits: exact for every value (an infinite g gives 0, not nan), no branches
        ibits = xp.dtype(f"int{8 * g.dtype.itemsize}")
        mask = xp.negative(keep.view(xp.int8), dtype=ibits)
        xp.bitwise_and(xp.ascontiguousarray(g).view(ibits), mask, out=mask)
        return mask.view(g.dtype)
    return xp.asarray(xp.where(keep, g, xp.zeros((), dtype=g.dtype)), dtype=g.dtype)


def _relu_grad(g, x, out):
    if _grad.enabled:
        # create_graph: a node of its own (it depends on the output, as in PyTorch)
        return ThresholdBackward.apply(g, out)
    return Tensor._from_array(_threshold_grad(g._data, out._data))


class ThresholdBackward(Op):
    """relu's gradient as a graph node (create_graph=True): ThresholdBackwardBackward0."""

    grad_fn_name = "ThresholdBackwardBackward0"
    params = ()
    _save = (1,)

    def forward(self, g, out):
        return _threshold_grad(g, out)

    def backward(self, gg):
        (out,) = self.saved_tensors
        need = self.needs_input_grad
        ggrad = ThresholdBackward.apply(gg, out) if need[0] else None
        gout = gg * 0 if need[1] else None
        return ggrad, gout


_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _u(name, fn, grad, grad_fn_name, doc, rule=FLOAT, save="x", aliases=(), quiet=False,
       method=True, inplace_backward1=False):
    return dict(name=name, fn=fn, grad=grad, grad_fn_name=grad_fn_name, doc=doc, rule=rule,
                saves=save, aliases=aliases, quiet=quiet, method=method,
                inplace_backward1=inplace_backward1)


#: name, forward, backward (g, x, out), grad_fn name, doc, then options (see the module doc)
TABLE = (
    _u("exp", lambda xp, a: xp.exp(a), lambda g, x, y: g * _conj(y), "ExpBackward0",
       "the exponential e**x", save="y"),
    _u("exp2", lambda xp, a: xp.exp2(a), lambda g, x, y: g * x.exp2() * _LN2, "Exp2Backward0",
       "2**x"),
    _u("log", lambda xp, a: xp.log(a), lambda g, x, y: g / x, "LogBackward0",
       "the natural logarithm"),
    _u("log2", lambda xp, a: xp.log2(a), lambda g, x, y: g / (x * _LN2), "Log2Backward0",
       "the base-2 logarithm"),
    _u("log10", lambda xp, a: xp.log10(a), lambda g, x, y: g / (x * _LN10), "Log10Backward0",
       "the base-10 logarithm"),
    _u("log1p", lambda xp, a: xp.log1p(a), lambda g, x, y: g / (x + 1), "Log1PBackward0",
       "log(1 + x), accurate for small x"),
    _u("expm1", lambda xp, a: xp.expm1(a), lambda g, x, y: g * (y + 1), "Expm1Backward0",
       "e**x - 1, accurate for small x", save="y"),
    _u("sqrt", lambda xp, a: xp.sqrt(a), lambda g, x, y: g / (y * 2), "SqrtBackward0",
       "the square root", save="y"),
    _u("rsqrt", lambda xp, a: 1 / xp.sqrt(a), lambda g, x, y: g * y.pow(3) * -0.5,
       "RsqrtBackward0", "1 / sqrt(x)", save="y"),
    _u("abs", lambda xp, a: xp.abs(a), lambda g, x, y: g * x.sgn(), "AbsBackward0",
       "the absolute value (complex magnitude)", rule=SAME, aliases=("absolute",), quiet=True),
    _u("sign", _sign, _zero_grad, "SignBackward0", "the sign (-1, 0 or 1; 0 for NaN)",
       rule=SAME, quiet=True),
    _u("sgn", _sgn, _sgn_grad, "SgnBackward0", "the sign, z / |z| for complex numbers",
       rule=SAME, quiet=True),
    _u("sin", lambda xp, a: xp.sin(a), lambda g, x, y: g * x.cos(), "SinBackward0", "the sine"),
    _u("cos", lambda xp, a: xp.cos(a), lambda g, x, y: g * -x.sin(), "CosBackward0",
       "the cosine"),
    _u("tan", lambda xp, a: xp.tan(a), lambda g, x, y: g * (y * y + 1), "TanBackward0",
       "the tangent", save="y"),
    _u("asin", lambda xp, a: xp.arcsin(a), lambda g, x, y: g * (1 - x * x).rsqrt(),
       "AsinBackward0", "the inverse sine", aliases=("arcsin",)),
    _u("acos", lambda xp, a: xp.arccos(a), lambda g, x, y: -g * (1 - x * x).rsqrt(),
       "AcosBackward0", "the inverse cosine", aliases=("arccos",)),
    _u("atan", lambda xp, a: xp.arctan(a), lambda g, x, y: g / (x * x + 1), "AtanBackward0",
       "the inverse tangent", aliases=("arctan",)),
    _u("sinh", lambda xp, a: xp.sinh(a), lambda g, x, y: g * x.cosh(), "SinhBackward0",
       "the hyperbolic sine"),
    _u("cosh", lambda xp, a: xp.cosh(a), lambda g, x, y: g * x.sinh(), "CoshBackward0",
       "the hyperbolic cosine"),
    _u("asinh", lambda xp, a: xp.arcsinh(a), lambda g, x, y: g * (x * x + 1).rsqrt(),
       "AsinhBackward0", "the inverse hyperbolic sine", aliases=("arcsinh",),
       inplace_backward1=True),
    _u("acosh", lambda xp, a: xp.arccosh(a),
       lambda g, x, y: g * ((x + 1).rsqrt() * (x - 1).rsqrt()),
       "AcoshBackward0", "the inverse hyperbolic cosine", aliases=("arccosh",),
       inplace_backward1=True),
    _u("atanh", lambda xp, a: xp.arctanh(a), lambda g, x, y: g / (1 - x * x),
       "AtanhBackward0", "the inverse hyperbolic tangent", aliases=("arctanh",),
       inplace_backward1=True),
    _u("tanh", lambda xp, a: xp.tanh(a), lambda g, x, y: g * (1 - y * y), "TanhBackward0",
       "the hyperbolic tangent", save="y", quiet=True),
    _u("sigmoid", _sigmoid, lambda g, x, y: g * y * (1 - y), "SigmoidBackward0",
       "the logistic function 1 / (1 + e**-x)", save="y", quiet=True),
    _u("relu", _relu, _relu_grad, "ReluBackward0", "max(x, 0)", rule=SAME, save="y",
       quiet=True),
    _u("reciprocal", lambda xp, a: 1 / a, lambda g, x, y: -g * y * y, "ReciprocalBackward0",
       "1 / x", save="y"),
    _u("erf", erf_array, lambda g, x, y: g * (2.0 / _SQRT_PI) * (-(x * x)).exp(),
       "ErfBackward0", "the error function"),
    _u("erfc", lambda xp, a: 1 - erf_array(xp, a),
       lambda g, x, y: -g * (2.0 / _SQRT_PI) * (-(x * x)).exp(), "ErfcBackward0",
       "the complementary error function 1 - erf(x)"),
    _u("floor", _rounding("floor"), _zero_grad, "FloorBackward0",
       "rounded down (integers unchanged)", rule=SAME, quiet=True),
    _u("ceil", _rounding("ceil"), _zero_grad, "CeilBackward0",
       "rounded up (integers unchanged)", rule=SAME, quiet=True),
    _u("trunc", _rounding("trunc"), _zero_grad, "TruncBackward0",
       "rounded toward zero (integers unchanged)", rule=SAME, aliases=("fix",), quiet=True),
    _u("frac", lambda xp, a: a - xp.trunc(a), lambda g, x, y: g, "FracBackward0",
       "the fractional part x - trunc(x)"),
    # special functions: float64 on the host, rounded to the result dtype
    _u("lgamma", _host(S.lgamma), lambda g, x, y: g * x.digamma(), "LgammaBackward0",
       "the log of the absolute value of the gamma function", rule=HOST, save="xy"),
    _u("digamma", _host(S.digamma), lambda g, x, y: g * polygamma(1, x), "DigammaBackward0",
       "the logarithmic derivative of the gamma function", rule=HOST, save="xy"),
    _u("erfinv", _host(S.erfinv), lambda g, x, y: g * ((_SQRT_PI / 2) * (y * y).exp()),
       "ErfinvBackward0", "the inverse error function", rule=HOST, save="xy"),
    _u("i0", _i0, lambda g, x, y: g * _FN["i1"](x), "I0Backward0",
       "the modified Bessel function of the first kind, order 0", rule=HOST, save="xy"),
    _u("i0e", _host(S.i0e), lambda g, x, y: g * (_FN["i1e"](x) - x.sgn() * y),
       "SpecialI0EBackward0", "the exponentially scaled i0, e**-|x| i0(x)", rule=HOST,
       save="xy", method=False),
    _u("i1", _host(S.i1), lambda g, x, y: g * where(x == 0, 0.5, x.i0() - y / x),
       "SpecialI1Backward0", "the modified Bessel function of the first kind, order 1",
       rule=HOST, save="xy", method=False),
    _u("i1e", _host(S.i1e),
       lambda g, x, y: g * where(x == 0, 0.5, _FN["i0e"](x) - y * (x.sgn() + 1 / x)),
       "SpecialI1EBackward0", "the exponentially scaled i1, e**-|x| i1(x)", rule=HOST,
       save="xy", method=False),
    _u("ndtri", _host(S.ndtri), lambda g, x, y: g * (_SQRT_2PI * (y * y / 2).exp()),
       "SpecialNdtriBackward0", "the inverse of the standard normal CDF", rule=HOST,
       save="xy", method=False),
    _u("ndtr", _host(S.ndtr), lambda g, x, y: g * ((-(x * x) / 2).exp() / _SQRT_2PI),
       "SpecialNdtrBackward0", "the standard normal CDF", rule=HOST, save="xy", method=False),
    _u("log_ndtr", _host(S.log_ndtr), lambda g, x, y: g * ((-(x * x) / 2 - y).exp() / _SQRT_2PI),
       "SpecialLogNdtrBackward0", "the log of the standard normal CDF", rule=HOST, save="xy",
       method=False),
    _u("erfcx", _host(S.erfcx), lambda g, x, y: g * (2 * x * y - 2 / _SQRT_PI),
       "SpecialErfcxBackward0", "the scaled complementary error function e**(x*x) erfc(x)",
       rule=HOST, save="xy", method=False),
)


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


def _named(fn, name: str, doc: str):
    """Give a generated function its public name everywhere (code object included, so
    tracebacks and ``write_out``'s error name it)."""
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = doc
    return fn


def _make(row) -> tuple:
    """The op class and the public function of one table row (methods registered)."""
    name = row["name"]
    cls = type(_camel(name), (UnaryOp,), {
        "__module__": __name__, "__qualname__": _camel(name),
        "__doc__": f"``{name}``: {row['doc']} ({row['grad_fn_name']}).",
        "grad_fn_name": row["grad_fn_name"], "fn": staticmethod(row["fn"]),
        "compute": staticmethod(row["fn"]),
        "grad": staticmethod(row["grad"]), "rule": row["rule"], "saves": row["saves"],
        "_save": _SAVES[row["saves"]], "quiet": row["quiet"], "refused": refused(name)})

    def fn(input, *, out=None):
        if input.__class__ is not Tensor:
            need_tensor(name, input)
        return write_out(out, cls.apply(input))
    home = "torch." if row["method"] else "torch.special."
    _named(fn, name, f"Elementwise {row['doc']}, as ``{home}{name}`` (grad_fn "
                     f"``{row['grad_fn_name']}``).")
    if row["method"]:
        names = (name,) + row["aliases"]
        tensor_method(*names)(fn)
        apply = _inplace_backward1(cls).apply if row["inplace_backward1"] else fn

        def method(self):
            return inplace(self, apply)
        _named(method, name + "_", f"In-place ``{name}``.")
        tensor_method(*(n + "_" for n in names))(method)
    return cls, fn


def _inplace_backward1(cls):
    """The node of the in-place forms PyTorch names ``...Backward1`` (acosh_, asinh_, atanh_):
    it has no derivative."""
    name = cls.__name__.lower()

    def backward(self, g):
        raise NotImplementedError(f"the derivative for 'inplace version of {name}' is "
                                  "not implemented.")
    return type(cls.__name__ + "Inplace", (cls,),
                {"grad_fn_name": cls.grad_fn_name[:-1] + "1", "__module__": __name__,
                 "backward": backward})


#: the generated public functions by name (aliases included)
_FN: dict = {}
for _row in TABLE:
    _cls, _fn = _make(_row)
    globals()[_cls.__name__] = _cls
    for _name in (_row["name"],) + _row["aliases"]:
        globals()[_name] = _FN[_name] = _fn
del _row, _cls, _fn, _name

__all__ = [r["name"] for r in TABLE] + [a for r in TABLE for a in r["aliases"]] + [
    "round", "polygamma"]


class RoundDecimals(UnaryOp):
    """``round(x, decimals=d)`` (RoundBackward1)."""

    grad_fn_name = "RoundBackward1"
    params = ("decimals",)
    rule = SAME
    grad = staticmethod(_zero_grad)

    def compute(self, xp, a):
        return xp.round(a, self.decimals)


class Round(UnaryOp):
    """``round(x)``: half to even (RoundBackward0)."""

    grad_fn_name = "RoundBackward0"
    rule = SAME
    quiet = True
    refused = refused("round")
    fn = compute = staticmethod(_rounding("round"))
    grad = staticmethod(_zero_grad)


@tensor_method("round")
def round(input, *, decimals: int = 0, out=None) -> Tensor:  # noqa: A001
    """Round half to even; ``decimals`` as PyTorch."""
    need_tensor("round", input)
    if decimals:
        return write_out(out, RoundDecimals.apply(input, decimals=decimals))
    return write_out(out, Round.apply(input))


@tensor_method("round_")
def _round_(self, *, decimals: int = 0):
    return inplace(self, round, decimals=decimals)


class Polygamma(UnaryOp):
    """``polygamma(n, x)`` for n >= 1 (PolygammaBackward0)."""

    grad_fn_name = "PolygammaBackward0"
    params = ("n",)
    rule = HOST

    def compute(self, xp, a):
        return S.polygamma(self.n, a)

    def backward(self, g):
        (a,) = self.saved_tensors
        return g * polygamma(self.n + 1, a)


def polygamma(n: int, input: Tensor, *, out=None) -> Tensor:
    """``torch.polygamma(n, x)``: the n-th derivative of digamma."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return write_out(out, _FN["digamma"](input))
    return write_out(out, Polygamma.apply(input, n=n))


@tensor_method("polygamma")
def _polygamma_method(self, n: int) -> Tensor:
    return polygamma(n, self)
