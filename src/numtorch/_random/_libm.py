"""The C library's math functions applied elementwise, as torch's scalar kernels call them.

NumPy's contiguous float64 ``log``/``exp``/... loops may use NumPy's own SIMD code, which can
differ from the C library in the last bit. Its plain strided loop (taken for an input with a
negative stride) calls the C library one element at a time, about ten times faster than
calling :mod:`math` from Python. Each function checks once, at first use, that this loop gives
exactly :mod:`math`'s results on a fixed sample (several sizes, the samplers' domains) and
otherwise falls back to :mod:`math`. The float functions (``logf``/``sinf``/``cosf``, DEFAULT
kernel only) go through ctypes.
"""

from __future__ import annotations

import functools
import math

import numpy as np

_FUNCS = {
    "log": (np.log, math.log),
    "log1p": (np.log1p, math.log1p),
    "cos": (np.cos, math.cos),
    "sin": (np.sin, math.sin),
    "tan": (np.tan, math.tan),
    "exp": (np.exp, math.exp),
}
_CHECK_SIZES = (1, 2, 3, 7, 8, 9, 16, 33, 1000, 4096)
_SMALL = 32  # below this many elements, calling math directly is cheaper


def _map(fn, x: np.ndarray) -> np.ndarray:
    return np.fromiter(map(fn, x.tolist()), np.float64, x.size)


def _via_numpy(ufunc, x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``ufunc(x)`` evaluated with a negative-stride input (NumPy's element-wise C loop)."""
    rev = np.empty(x.size, np.float64)[::-1]
    rev[...] = x.reshape(-1)
    if out is None:
        out = np.empty(x.size, np.float64)
    with np.errstate(all="ignore"):
        ufunc(rev, out=out)
    return out


def _check_inputs(name: str) -> np.ndarray:
    """A fixed sample over the domains the samplers use (and well beyond)."""
    rng = np.random.default_rng(20240229)
    u = (rng.integers(0, 1 << 53, 12000, dtype=np.int64) >> rng.integers(0, 40, 12000)) * 2.0**-53
    wide = rng.standard_normal(4000) * np.exp2(rng.integers(-30, 30, 4000))
    if name == "log":
        x = np.concatenate([1.0 - u, u + 2.0**-60, np.abs(wide) + 1e-300])
    elif name == "log1p":
        x = np.concatenate([-u, u, np.abs(wide)])
    elif name in ("cos", "sin"):
        x = np.concatenate([2.0 * math.pi * u, wide, np.arange(-20, 21) * (math.pi / 4)])
    elif name == "tan":
        x = np.concatenate([math.pi * (u - 0.5), wide])
    else:
        x = np.concatenate([rng.standard_normal(12000) * 20.0, wide[np.abs(wide) < 700]])
    return x[np.isfinite(x)]


@functools.cache
def numpy_matches_libm(name: str) -> bool:
    """Whether NumPy's element-wise loop for ``name`` returns exactly :mod:`math`'s values."""
    ufunc, fn = _FUNCS[name]
    x = _check_inputs(name)
    try:
        ref = _map(fn, x)
    except (ValueError, OverflowError):  # pragma: no cover - the sample avoids domain errors
        return False
    if _via_numpy(ufunc, x, None).tobytes() != ref.tobytes():
        return False
    return all(
        _via_numpy(ufunc, x[:k], None).tobytes() == ref[:k].tobytes() for k in _CHECK_SIZES
    )


def apply(name: str, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The C library's double function ``name`` on each element of ``x`` (1-D float64)."""
    ufunc, fn = _FUNCS[name]
    if x.size >= _SMALL and numpy_matches_libm(name):
        return _via_numpy(ufunc, x, out)
    res = _map(fn, np.asarray(x, np.float64).reshape(-1))
    if out is None:
        return res
    out[...] = res
    return out


def log(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return apply("log", x, out)


def log1p(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return apply("log1p", x, out)


def cos(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return apply("cos", x, out)


def sin(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return apply("sin", x, out)


def tan(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return apply("tan", x, out)


def exp(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return apply("exp", x, out)


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
