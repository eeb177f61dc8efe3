"""Exact fused multiply-add on NumPy arrays (one rounding), as torch's AVX2 kernels compute it.

NumPy has no FMA ufunc; these emulate ``fl(a*b + c)`` with a single rounding through
round-to-odd, so the results are bit-identical to hardware FMA. Scalar ``b``/``c`` (the
common case: ``u * w + low``, ``z * std + mean``) are never broadcast to full arrays, and
``out=`` lets callers fill a destination chunk by chunk.
"""

from __future__ import annotations

import numpy as np

_F32_MIN_NORMAL = float(np.finfo(np.float32).tiny)
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for float64
_TIE_MASK = 0x1FFFFFFF  # float64 significand bits below float32 precision
_TIE = 0x10000000  # ... exactly half a float32 ulp


def _round_to_odd(s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Nudge ``s`` (float64) to its odd neighbour towards ``e`` where ``s + e`` is inexact.

    ``s`` is modified in place (and returned). ``s`` is never zero where ``e`` is non-zero
    (``s = fl(x)`` and ``e = x - s``), so moving one unit in the integer view is exactly a
    step to the float64 neighbour: up in magnitude when ``e`` has ``s``'s sign, else down.
    """
    sb = s.view(np.int64)
    eb = e.view(np.int64)
    step = np.bitwise_xor(sb, eb)
    np.right_shift(step, 63, out=step)  # 0 where the signs agree, -1 where they differ
    np.left_shift(step, 1, out=step)
    step += 1  # +1 or -1
    fix = np.bitwise_and(sb, 1)
    np.bitwise_xor(fix, 1, out=fix)  # 1 where s is even
    fix *= e != 0
    step *= fix
    sb += step
    return s


def _suspect32(s: np.ndarray) -> np.ndarray:
    """Where ``fl32(s)`` may differ from one rounding of the exact value ``s`` stands for:
    ``s`` on a float32 tie, or in float32's subnormal range."""
    bits = np.bitwise_and(s.view(np.int64), _TIE_MASK)
    sus = bits == _TIE
    sus |= np.abs(s) < _F32_MIN_NORMAL
    return sus


def fma32(a, b, c, out: np.ndarray | None = None) -> np.ndarray:
    """``fl32(a*b + c)`` with one rounding, for float32 inputs (arrays or scalars).

    The product is exact in float64 (24x24-bit significands), so ``fl32(fl64(a*b + c))`` is
    right except where the float64 sum sits exactly on a float32 tie (or is tiny); only those
    rare elements take the exact round-to-odd path.
    """
    a, b, c = (np.asarray(x, np.float32) for x in (a, b, c))
    shape = np.broadcast_shapes(a.shape, b.shape, c.shape) or (1,)
    p = np.multiply(a, b, dtype=np.float64)
    s = np.add(p, c, dtype=np.float64)
    s = np.broadcast_to(s, shape) if s.shape != shape else s
    if out is None:
        out = np.empty(shape, np.float32)
    np.copyto(out, s, casting="same_kind")
    suspect = _suspect32(s)
    if suspect.any():
        idx = np.nonzero(suspect)
        p_s = np.broadcast_to(p, shape)[idx]
        c_s = np.broadcast_to(c, shape)[idx].astype(np.float64)
        s_s = s[idx]
        bb = s_s - p_s
        e = (p_s - (s_s - bb)) + (c_s - bb)
        out[idx] = _round_to_odd(s_s.copy(), e).astype(np.float32)
    return out


def _split(x):
    t = _SPLIT * x
    hi = t - (t - x)
    return hi, x - hi


def fma64(a, b, c, out: np.ndarray | None = None) -> np.ndarray:
    """``fl64(a*b + c)`` with one rounding (Boldo-Melquiond emulation), for float64 inputs.

    Scalar ``b`` and ``c`` are split once and broadcast lazily.
    """
    a = np.atleast_1d(np.asarray(a, np.float64))
    b, c = (np.asarray(x, np.float64) for x in (b, c))
    if b.ndim == 0:
        b = float(b)
    if c.ndim == 0:
        c = float(c)
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    perr = a_hi * b_hi
    perr -= p
    perr += a_hi * b_lo
    perr += a_lo * b_hi
    perr += a_lo * b_lo
    th = c + p
    bb = th - c
    tl = c - (th - bb)
    tl += p - bb
    v = tl + perr
    bb = v - tl
    ve = tl - (v - bb)
    ve += perr - bb
    _round_to_odd(v, ve)
    if out is None:
        return th + v
    return np.add(th, v, out=out)
