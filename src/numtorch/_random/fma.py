"""Exact fused multiply-add on NumPy arrays (one rounding), as torch's AVX2 kernels compute it.

NumPy has no FMA ufunc; these emulate ``fl(a*b + c)`` with a single rounding through
round-to-odd, so the results are bit-identical to hardware FMA.
"""

from __future__ import annotations

import numpy as np

_F32_MIN_NORMAL = float(np.finfo(np.float32).tiny)
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for float64


def _round_to_odd(s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Nudge ``s`` (float64) to its odd neighbour towards ``e`` where ``s + e`` is inexact."""
    even = (s.view(np.int64) & 1) == 0
    fix = even & (e != 0)
    if fix.any():
        s = s.copy()
        s[fix] = np.nextafter(s[fix], np.where(e[fix] > 0, np.inf, -np.inf))
    return s


def fma32(a, b, c) -> np.ndarray:
    """``fl32(a*b + c)`` with one rounding, for float32 inputs (arrays or scalars)."""
    a64, b64, c64 = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, np.float32)).astype(np.float64) for x in (a, b, c))
    )
    p = a64 * b64  # exact: 24x24-bit significands fit in 53 bits
    s = p + c64
    out = s.astype(np.float32)
    # Double rounding can only go wrong where s sits exactly on a float32 tie (or is tiny).
    bits = s.view(np.int64)
    suspect = ((bits & 0x1FFFFFFF) == 0x10000000) | (np.abs(s) < _F32_MIN_NORMAL)
    if suspect.any():
        idx = np.nonzero(suspect)
        p_s, c_s, s_s = p[idx], c64[idx], s[idx]
        bb = s_s - p_s
        e = (p_s - (s_s - bb)) + (c_s - bb)
        out[idx] = _round_to_odd(s_s, e).astype(np.float32)
    return out


def fma64(a, b, c) -> np.ndarray:
    """``fl64(a*b + c)`` with one rounding (Boldo-Melquiond emulation), for float64 inputs."""
    a, b, c = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, np.float64)) for x in (a, b, c)))
    p = a * b
    t = _SPLIT * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = _SPLIT * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    perr = (((a_hi * b_hi - p) + a_hi * b_lo) + a_lo * b_hi) + a_lo * b_lo
    th = c + p
    bb = th - c
    tl = (c - (th - bb)) + (p - bb)
    v = tl + perr
    bb = v - tl
    ve = (tl - (v - bb)) + (perr - bb)
    return th + _round_to_odd(v, ve)
