"""Elementwise ops, by topic:

* :mod:`.arith`: add, sub, mul, div, remainder, pow... (with the array fast paths);
* :mod:`.unary`: the table-generated unary math (exp, sin, relu, lgamma...);
* :mod:`.compare`: comparisons, logical and bitwise ops, isnan/isinf/signbit/isclose...;
* :mod:`.minmax`: clamp, maximum/minimum, fmax/fmin;
* :mod:`.ternary`: where, lerp, addcmul, addcdiv;
* :mod:`.binary`: atan2, hypot, copysign, logaddexp, heaviside, gcd/lcm, ldexp/frexp...;
* :mod:`.special`: xlogy, igamma, zeta, mvlgamma, sinc, logit, entr...;
* :mod:`.complex`: real/imag views, conj, angle.

This package is what the rest of numtorch imports elementwise ops from.
"""

# re-exported for the op families that import them from here
from .._inplace import inplace as _inplace  # noqa: F401
from .._inplace import torch_type_name  # noqa: F401
from . import arith, binary, compare, complex, minmax, special, ternary, unary
from . import inplace as _inplace_forms  # noqa: F401  (registers the in-place methods)
from .arith import *  # noqa: F403
from .binary import *  # noqa: F403
from .compare import *  # noqa: F403
from .complex import *  # noqa: F403
from .minmax import *  # noqa: F403
from .special import *  # noqa: F403
from .ternary import *  # noqa: F403
from .unary import *  # noqa: F403

__all__ = (arith.__all__ + unary.__all__ + minmax.__all__ + compare.__all__ + ternary.__all__
           + binary.__all__ + special.__all__ + complex.__all__)
