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


def _round_to_odd(s: np.ndarray, e: np.ndarray, work: np.ndarray | None = None) -> np.ndarray:
    """Nudge ``s`` (float64) to its odd neighbour towards ``e`` where ``s + e`` is inexact.

    ``s`` is modified in place (and returned); ``work`` is optional scratch of shape
    ``(2,) + s.shape``. ``s`` is never zero where ``e`` is non-zero (``s = fl(x)`` and
    ``e = x - s``), so on the integer view a step to the neighbour away from zero is +1 and
    one towards zero is -1. Where e != 0 the result is ``bits | 1`` (e has s's sign) or
    ``(bits - 1) | 1`` (opposite signs): an odd s is kept, an even one moves.
    """
    if work is None:
        work = np.empty((2,) + s.shape)
    sb, eb = s.view(np.int64), e.view(np.int64)
    down, inexact = work[0].view(np.int64), work[1].view(np.int64)
    np.not_equal(e, 0, out=inexact)  # 1 where s + e is inexact, else 0
    np.bitwise_xor(sb, eb, out=down)
    np.right_shift(down, 63, out=down)  # -1 where the signs differ, else 0
    down *= inexact
    sb += down
    sb |= inexact
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


def _split(x: float) -> tuple[float, float]:
    """Veltkamp's split of a Python float into two halves of at most 26 bits each."""
    t = _SPLIT * x
    hi = t - (t - x)
    return hi, x - hi


def fma64(a, b, c, out: np.ndarray | None = None, work: np.ndarray | None = None) -> np.ndarray:
    """``fl64(a*b + c)`` with one rounding (Boldo-Melquiond emulation), for float64 inputs.

    Every step runs in place on ``work`` (optional scratch of shape ``(7, n)`` for a 1-D
    result of n elements); scalar ``b`` and ``c`` are split once and never broadcast.
    """
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    shape = np.broadcast_shapes(a.shape, b.shape, c.shape) or (1,)
    if a.shape != shape:
        a = np.broadcast_to(a, shape)
    if work is None or work.shape[1:] != shape:
        work = np.empty((7,) + shape)
    p, ah, al, perr, th, tl, bb = work
    b = float(b) if b.ndim == 0 else b
    c = float(c) if c.ndim == 0 else c
    np.multiply(a, b, out=p)
    np.multiply(a, _SPLIT, out=ah)  # a = ah + al exactly, 26 bits each
    np.subtract(ah, a, out=al)
    np.subtract(ah, al, out=ah)
    np.subtract(a, ah, out=al)
    if isinstance(b, float):
        b_hi, b_lo = _split(b)
    else:
        t = _SPLIT * b
        b_hi = t - (t - b)
        b_lo = b - b_hi
    np.multiply(ah, b_hi, out=perr)  # a*b = p + perr exactly (Dekker)
    perr -= p
    np.multiply(ah, b_lo, out=bb)
    perr += bb
    np.multiply(al, b_hi, out=bb)
    perr += bb
    np.multiply(al, b_lo, out=bb)
    perr += bb
    np.add(c, p, out=th)  # c + p = th + tl exactly (TwoSum)
    np.subtract(th, c, out=bb)
    np.subtract(th, bb, out=tl)
    np.subtract(c, tl, out=tl)
    np.subtract(p, bb, out=bb)
    tl += bb
    v, ve = p, ah  # v + ve = tl + perr exactly (TwoSum); then v rounded to odd
    np.add(tl, perr, out=v)
    np.subtract(v, tl, out=bb)
    np.subtract(v, bb, out=ve)
    np.subtract(tl, ve, out=ve)
    np.subtract(perr, bb, out=bb)
    ve += bb
    _round_to_odd(v, ve, work[5:7])
    if out is None:
        out = np.empty(shape)
    return np.add(th, v, out=out)
