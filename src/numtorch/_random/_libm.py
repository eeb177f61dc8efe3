"""The C library's math functions applied elementwise, as torch's scalar kernels call them.

NumPy's own SIMD ``log``/``sin``/``cos`` can differ from the C library in the last bit, so the
double functions go through :mod:`math` (which calls the C library); the float functions
(``logf``/``sinf``/``cosf``, DEFAULT kernel only) go through ctypes.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def _map(fn, x: np.ndarray) -> np.ndarray:
    return np.fromiter(map(fn, x.tolist()), np.float64, x.size)


def log(x: np.ndarray) -> np.ndarray:
    return _map(math.log, x)


def log1p(x: np.ndarray) -> np.ndarray:
    return _map(math.log1p, x)


def cos(x: np.ndarray) -> np.ndarray:
    return _map(math.cos, x)


def sin(x: np.ndarray) -> np.ndarray:
    return _map(math.sin, x)


def tan(x: np.ndarray) -> np.ndarray:
    return _map(math.tan, x)


def exp(x: np.ndarray) -> np.ndarray:
    return _map(math.exp, x)


@functools.cache
def _float_fn(name: str):
    import ctypes
    import ctypes.util

    lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    fn = getattr(lib, name)
    fn.restype = ctypes.c_float
    fn.argtypes = [ctypes.c_float]
    return fn


def float_fn(name: str, x: np.ndarray) -> np.ndarray:
    """The C library's float function ``name`` (``logf``, ``sinf``, ...) on a float32 array."""
    fn = _float_fn(name)
    return np.fromiter(map(fn, x.tolist()), np.float32, x.size)
