"""LAPACK-facing specifics of the array modules: the error type their solvers raise."""

from __future__ import annotations

import numpy

#: what ``xp.linalg`` raises for singular or non-positive-definite input (CuPy reuses it)
LinAlgError = numpy.linalg.LinAlgError
