"""In-place forms of elementwise ops defined out of place in the sibling modules
(``float_power_``, ``ldexp_``, ``deg2rad_``, ``logit_``, ``sinc_``, ``mvlgamma_``, ``polygamma_``,
``conj_physical_``) and the in-place spellings PyTorch keeps as aliases (``arctan2_``,
``greater_``, ``less_equal_``, ``not_equal_``...). Each writes through ``_inplace.inplace``
(version counter, views, leaf errors) as PyTorch's in-place kernels do.
"""

from __future__ import annotations

from ..._tensor import Tensor
from .._base import tensor_method
from .._inplace import inplace, torch_type_name
from .arith import deg2rad, float_power, rad2deg
from .binary import atan2, ldexp
from .compare import COMPARE_INPLACE
from .complex import ConjPhysical
from .special import logit, mvlgamma, sinc
from .unary import Polygamma, polygamma

__all__: list = []


@tensor_method("float_power_")
def float_power_(self: Tensor, exponent) -> Tensor:
    """``Tensor.float_power_``: ``self`` must already be double (complex double for a complex
    result), as PyTorch requires."""
    cplx = self._data.dtype.kind == "c" or isinstance(exponent, complex) or (
        isinstance(exponent, Tensor) and exponent._data.dtype.kind == "c")
    want = "ComplexDouble" if cplx else "Double"
    have = torch_type_name(self._data.dtype)
    if have != want:
        raise RuntimeError(f"the base given to float_power_ has dtype {have} but the "
                           f"operation's result requires dtype {want}")
    return inplace(self, float_power, exponent)


@tensor_method("ldexp_")
def ldexp_(self: Tensor, other: Tensor) -> Tensor:
    """``Tensor.ldexp_``: ``self * 2 ** other`` in place (float ``self`` only)."""
    if self._data.dtype.kind not in "fcV":
        raise RuntimeError(f"ldexp can't be cast to the desired output type "
                           f"{torch_type_name(self._data.dtype)}")
    return inplace(self, ldexp, other)


_POLYGAMMA_ = type("PolygammaInplace", (Polygamma,), {"grad_fn_name": "PolygammaBackward1",
                                                     "__module__": __name__})


@tensor_method("polygamma_")
def polygamma_(self: Tensor, n: int) -> Tensor:
    """``Tensor.polygamma_(n)``: the n-th derivative of digamma, in place."""
    if n < 0:
        return polygamma(n, self)  # PyTorch's error
    return inplace(self, lambda x: _POLYGAMMA_.apply(x, n=n))


@tensor_method("mvlgamma_")
def mvlgamma_(self: Tensor, p: int) -> Tensor:
    """``Tensor.mvlgamma_(p)``: the multivariate log-gamma, in place."""
    return inplace(self, mvlgamma, p)


@tensor_method("logit_")
def logit_(self: Tensor, eps=None) -> Tensor:
    """``Tensor.logit_(eps)``: ``log(p / (1 - p))`` in place."""
    return inplace(self, logit, eps)


class ConjPhysicalInplace(ConjPhysical):
    grad_fn_name = "ConjPhysicalBackward1"


@tensor_method("conj_physical_")
def conj_physical_(self: Tensor) -> Tensor:
    """``Tensor.conj_physical_``: conjugate in place (real tensors are unchanged)."""
    return inplace(self, ConjPhysicalInplace.apply)


for _name, _fn in (("sinc_", sinc), ("deg2rad_", deg2rad), ("rad2deg_", rad2deg),
                   ("arctan2_", atan2)):
    tensor_method(_name)(lambda self, *args, _fn=_fn: inplace(self, _fn, *args))
del _name, _fn
for _name, _short in (("greater_", "gt"), ("greater_equal_", "ge"), ("less_", "lt"),
                      ("less_equal_", "le"), ("not_equal_", "ne")):
    tensor_method(_name)(COMPARE_INPLACE[_short])
del _name, _short
