"""Special functions with more than one operand or a composite form: ``xlogy``/``xlog1py``,
``igamma``/``igammac``, ``zeta``, ``mvlgamma``, ``sinc``, ``logit``, ``entr``, ``expit``.

The one-operand special functions (``lgamma``, ``digamma``, ``i0``...) are rows of the unary
table (:mod:`.unary`); the host math behind all of them is :mod:`numtorch._backend.special`.
"""

from __future__ import annotations

import math

from ..._backend import special as S
from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import Op, tensor_method, write_out
from ..creation import arange
from ..reduction import all as _all
from ._common import CPLX, INTS, floatify, quiet, refusals
from .binary import BinaryOp, binary_function, with_numbers
from .ternary import where
from .unary import lgamma

__all__ = ["xlogy", "xlog1py", "igamma", "igammac", "zeta", "mvlgamma", "sinc", "logit", "entr",
           "expit"]


class Xlogy(BinaryOp):
    grad_fn_name = "XlogyBackward0"
    log1p = False

    def compute(self, xp, a, b):
        lg = xp.log1p(b) if self.log1p else xp.log(b)
        return xp.where((a == 0) & ~xp.isnan(b), 0, a * lg)

    def backward(self, g):
        a, b = self.saved_operands()
        need = self.needs_input_grad
        ga = gb = None
        if need[0]:
            lg = b.log1p() if self.log1p else b.log()
            ga = g * where((a == 0) & ~b.isnan(), 0.0, lg)
        if need[1]:
            gb = g * a / ((1 + b) if self.log1p else b)
        return ga, gb


class Xlog1py(Xlogy):
    grad_fn_name = "SpecialXlog1PyBackward0"
    log1p = True


class Igamma(BinaryOp):
    grad_fn_name = "IgammaBackward0"
    upper = False

    def compute(self, xp, a, x):
        p = xp.asarray(S.regularized_gamma(a, x))
        return 1 - p if self.upper else p

    def backward(self, g):
        if self.needs_input_grad[0]:
            raise RuntimeError("the derivative for 'self' is not implemented.")
        a, x = self.saved_operands()
        d = (-x + (a - 1) * x.log() - lgamma(a)).exp()
        return None, (-g * d if self.upper else g * d)


class Igammac(Igamma):
    grad_fn_name = "IgammacBackward0"
    upper = True


class Zeta(BinaryOp):
    grad_fn_name = "SpecialZetaBackward0"

    def compute(self, xp, s, q):
        return xp.asarray(S.zeta(s, q))


Xlogy.refused = refusals("xlogy_cpu", CPLX)
Xlog1py.refused = refusals("xlog1py_cpu", CPLX)
Zeta.refused = refusals("zeta_cpu", CPLX)
Igamma.refused = refusals("igamma_cpu", ("bool",) + INTS + CPLX)
Igammac.refused = refusals("igammac_cpu", ("bool",) + INTS + CPLX)
xlogy = binary_function(Xlogy, "xlogy", sigs=with_numbers("xlogy"))
xlog1py = binary_function(Xlog1py, "xlog1py", method=False, sigs=with_numbers("xlog1py"))
igamma = binary_function(Igamma, "igamma")
igammac = binary_function(Igammac, "igammac")
zeta = binary_function(Zeta, "zeta", method=False, sigs=with_numbers("zeta"))


@tensor_method("mvlgamma")
def mvlgamma(input: Tensor, p: int, *, out=None) -> Tensor:
    """Multivariate log-gamma of dimension ``p`` (a sum of lgamma terms)."""
    need_tensor("mvlgamma", input)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if input._data.dtype.kind in "fcV":
        if not bool(_all(input > (p - 1) / 2)):
            raise RuntimeError("All elements must be greater than (p-1)/2")
    x = floatify(input)
    shifts = arange(0, -p / 2, -0.5, dtype=x.dtype)[:p]
    res = lgamma(x.unsqueeze(-1) + shifts).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)
    return write_out(out, res)


class Sinc(Op):
    grad_fn_name = "SincBackward0"
    holomorphic = True
    params = ()
    _save = (0,)

    def forward(self, a):
        xp = xp_of(a)
        with quiet(xp):
            px = math.pi * a
            out = xp.where(a == 0, 1, xp.sin(px) / px)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        px = a * math.pi
        d = (px * px.cos() - px.sin()) / (px * a)
        return (g * where(a == 0, 0.0, d),)


@tensor_method("sinc")
def sinc(input: Tensor, *, out=None) -> Tensor:
    """Normalised sinc, ``sin(pi x) / (pi x)`` with 1 at 0 (SincBackward0)."""
    need_tensor("sinc", input)
    return write_out(out, Sinc.apply(floatify(input)))


class Logit(Op):
    grad_fn_name = "LogitBackward0"
    params = ("eps",)
    _save = (0,)

    def forward(self, a):
        xp = xp_of(a)
        x = a if self.eps is None else xp.clip(a, self.eps, 1 - self.eps)
        with quiet(xp):
            return xp.asarray(xp.log(x / (1 - x)), dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        d = g / (a * (1 - a))
        if self.eps is None:
            return (d,)
        inside = (a >= self.eps) & (a <= 1 - self.eps)
        return (where(inside, d, 0.0),)


@tensor_method("logit")
def logit(input: Tensor, eps=None, *, out=None) -> Tensor:
    """``log(p / (1 - p))``, clamping to ``[eps, 1 - eps]`` when eps is given."""
    need_tensor("logit", input)
    return write_out(out, Logit.apply(floatify(input), eps=eps))


class Entr(Op):
    grad_fn_name = "SpecialEntrBackward0"
    params = ()
    _save = (0,)

    def forward(self, a):
        xp = xp_of(a)
        with quiet(xp):
            out = xp.where(a > 0, -a * xp.log(a), xp.where(a == 0, 0, -xp.inf))
            out = xp.where(xp.isnan(a), a, out)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (a,) = self.saved_tensors
        return (-g * (a.log() + 1),)


def entr(input: Tensor, *, out=None) -> Tensor:
    """``-x log x`` (0 at 0, -inf below) as ``torch.special.entr``."""
    return write_out(out, Entr.apply(floatify(input)))


def expit(input: Tensor, *, out=None) -> Tensor:
    """``torch.special.expit`` (the logistic sigmoid)."""
    return write_out(out, input.sigmoid())


