"""Special functions on arrays without SciPy.

``erf`` uses the C library's ``erf`` through Python's ``math`` module (correctly rounded to about
1 ulp, as PyTorch's CPU kernels); float32 inputs are evaluated in double and rounded.
"""

from __future__ import annotations

import math

import numpy as np

_erf = np.frompyfunc(math.erf, 1, 1)


def erf_array(xp, a):
    host = np.asarray(a, dtype=np.float64)
    out = _erf(host).astype(np.float64) if host.ndim else np.float64(math.erf(float(host)))
    return xp.asarray(out, dtype=a.dtype)
