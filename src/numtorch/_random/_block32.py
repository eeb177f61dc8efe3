"""Fast float32 16-lane Box-Muller block of torch's AVX2 kernel (``log32``/``sincos32``).

Same arithmetic as :func:`numtorch._random.normal.log32` / ``sincos32`` (the reference), laid
out for speed: each float32 step runs in float64 on preallocated scratch buffers (a product
of two float32 values is exact there) and is then rounded to float32 by one cast. For a fused
step that is a double rounding, which can differ from one rounding only when an inexact
float64 sum lands exactly on a float32 tie; on this transform's finite input domain
(``u = k * 2**-24``, one 24-bit k per lane) that never changes a result. This was checked for
all 2**24 values of each lane; the slow tests in ``tests/random`` repeat the check against the
reference and against torch.
"""

from __future__ import annotations

import numpy as np

from .normal import (
    _COS_C,
    _DP,
    _FOPI,
    _LOG_P,
    _LOG_Q1,
    _LOG_Q2,
    _SIN_S,
    _SQRTHF,
    TWO_PI32,
)

_P = [float(p) for p in _LOG_P]
_C = [float(c) for c in _COS_C]
_S = [float(s) for s in _SIN_S]
_DPF = [float(d) for d in _DP]
_THETA_SCALE = float(TWO_PI32) * 2.0**-24  # exact: theta = fl32(k * _THETA_SCALE)
_M24 = np.uint32(0xFFFFFF)
_SIGN = np.int32(-(1 << 31))
_SQRTHF_FIELD = int(np.array(_SQRTHF, np.float32).view(np.int32)) & 0x007FFFFF


class Workspace:
    """Scratch buffers for up to ``lanes`` log lanes and as many sincos lanes."""

    def __init__(self, lanes: int) -> None:
        self.lanes = lanes
        self.a, self.b, self.c, self.d, self.e = (np.empty(lanes) for _ in range(5))
        self.t32 = np.empty(lanes, np.float32)
        self.r32 = np.empty(lanes, np.float32)
        self.s32 = np.empty(lanes, np.float32)
        self.c32 = np.empty(lanes, np.float32)
        self.k1 = np.empty(lanes, np.uint32)
        self.k2 = np.empty(lanes, np.uint32)
        self.u = np.empty(lanes, np.uint32)
        self.j = np.empty(lanes, np.int32)
        self.j2 = np.empty(lanes, np.int32)


def _rnd(a: np.ndarray, t32: np.ndarray) -> None:
    """Round the float64 values of ``a`` to float32, in place (``t32`` is scratch)."""
    np.copyto(t32, a, casting="same_kind")
    np.copyto(a, t32)


def radius(k: np.ndarray, w: Workspace, r32: np.ndarray) -> None:
    """``r32 = sqrt32(-2 * log32(1 - k * 2**-24))`` for 24-bit integers ``k`` (uint32)."""
    n = k.size
    t32, bits, mant, small = w.t32[:n], w.u[:n].view(np.int32), w.j[:n], w.j2[:n]
    m, e, z, y, t = w.a[:n], w.b[:n], w.c[:n], w.d[:n], w.e[:n]
    # x1 * 2**24 = 2**24 - k: an integer in [1, 2**24], exact in float32. x1's significand
    # is that float's; its exponent is 24 lower. The split into exponent e and m, with
    # m = 2*sig - 1 (e lowered by one) where sig < SQRTHF, else sig - 1, is done on the
    # integer significand field: sig = 0.5 + f * 2**-24.
    np.subtract(1 << 24, k.view(np.int32), out=bits)
    np.copyto(t32, bits, casting="unsafe")
    np.copyto(bits, t32.view(np.int32))
    np.bitwise_and(bits, 0x007FFFFF, out=mant)
    np.subtract(mant, _SQRTHF_FIELD, out=small)
    np.right_shift(small, 31, out=small)  # -1 where sig < SQRTHF, else 0
    np.right_shift(bits, 23, out=bits)
    bits -= 150  # unbiased exponent of x1, plus one
    bits += small
    np.copyto(e, bits)
    np.add(mant, 1 << 23, out=bits)
    bits &= small
    mant -= 1 << 23
    mant += bits  # m * 2**24: 2f if small, else f - 2**23
    np.copyto(m, mant)
    m *= 2.0**-24
    np.multiply(m, m, out=z)
    _rnd(z, t32)
    np.multiply(m, _P[0], out=y)
    for p in _P[1:]:
        if p is not _P[1]:
            np.multiply(y, m, out=y)
        np.add(y, p, out=y)
        _rnd(y, t32)
    np.multiply(y, m, out=y)
    _rnd(y, t32)
    np.multiply(e, float(_LOG_Q1), out=t)
    _rnd(t, t32)
    np.multiply(y, z, out=y)
    np.add(y, t, out=y)
    _rnd(y, t32)
    np.multiply(z, 0.5, out=t)
    np.subtract(y, t, out=y)
    _rnd(y, t32)
    np.add(m, y, out=y)
    _rnd(y, t32)
    np.multiply(e, float(_LOG_Q2), out=t)
    np.add(y, t, out=y)
    np.copyto(r32, y, casting="same_kind")  # log32(x1)
    r32 *= np.float32(-2.0)
    np.sqrt(r32, out=r32)


def sincos(k: np.ndarray, w: Workspace, sin32: np.ndarray, cos32: np.ndarray) -> None:
    """float32 ``sincos32(fl32(TWO_PI32 * k * 2**-24))`` for 24-bit integers ``k``."""
    n = k.size
    t32, j, flip = w.t32[:n], w.j[:n], w.j2[:n]
    x, y, z, c, s = w.a[:n], w.b[:n], w.c[:n], w.d[:n], w.e[:n]
    np.copyto(x, k.view(np.int32))
    x *= _THETA_SCALE
    _rnd(x, t32)
    np.multiply(x, float(_FOPI), out=y)
    np.copyto(t32, y, casting="same_kind")
    np.copyto(j, t32, casting="unsafe")  # truncation toward zero
    j += 1
    j &= -2
    np.copyto(y, j)
    # theta - j*pi/4 in three parts; the first two sums are multiples of 2**-24 below 1 in
    # magnitude (so exact in float32), only the third needs rounding
    for dp in _DPF:
        np.multiply(y, dp, out=c)
        np.add(c, x, out=x)
    _rnd(x, t32)
    np.multiply(x, x, out=z)
    _rnd(z, t32)
    # cosine polynomial
    np.multiply(z, _C[0], out=c)
    np.add(c, _C[1], out=c)
    _rnd(c, t32)
    np.multiply(c, z, out=c)
    np.add(c, _C[2], out=c)
    _rnd(c, t32)
    np.multiply(c, z, out=c)
    _rnd(c, t32)
    np.multiply(c, z, out=c)
    np.multiply(z, -0.5, out=y)
    np.add(c, y, out=c)
    _rnd(c, t32)
    np.add(c, 1.0, out=c)  # rounded when stored below
    # sine polynomial
    np.multiply(z, _S[0], out=s)
    np.add(s, _S[1], out=s)
    _rnd(s, t32)
    np.multiply(s, z, out=s)
    np.add(s, _S[2], out=s)
    _rnd(s, t32)
    np.multiply(s, z, out=s)
    _rnd(s, t32)
    np.multiply(s, x, out=s)
    np.add(s, x, out=s)  # rounded when stored below
    # select by octant and flip the sign bits, on the float32 bit patterns: start from
    # sine <- cosine polynomial, cosine <- sine polynomial, and swap where j & 2 == 0
    sb, cb = sin32.view(np.int32), cos32.view(np.int32)
    np.copyto(sin32, c, casting="same_kind")
    np.copyto(cos32, s, casting="same_kind")
    d, sign = w.u[:n].view(np.int32), j
    np.bitwise_xor(sb, cb, out=d)
    np.bitwise_and(j, 2, out=flip)
    np.right_shift(flip, 1, out=flip)
    flip -= 1  # all ones where j & 2 == 0, else 0
    d &= flip
    sb ^= d
    cb ^= d
    np.left_shift(j, 29, out=flip)  # bit 2 of j flips the sine
    flip &= _SIGN
    sb ^= flip
    sign += 2  # bit 2 of j + 2 is NOT bit 2 of j - 2, which flips the cosine
    np.left_shift(sign, 29, out=flip)
    flip &= _SIGN
    cb ^= flip


def transform(words: np.ndarray, out: np.ndarray, w: Workspace) -> None:
    """Raw normals of whole blocks: ``words`` (uint32, 16 per block) -> ``out`` (float32)."""
    blocks = words.size // 16
    n = blocks * 8
    lanes = words.reshape(blocks, 16)
    k1, k2 = w.k1[:n], w.k2[:n]
    np.bitwise_and(lanes[:, :8], _M24, out=k1.reshape(blocks, 8))
    np.bitwise_and(lanes[:, 8:], _M24, out=k2.reshape(blocks, 8))
    r32, sin32, cos32 = w.r32[:n], w.s32[:n], w.c32[:n]
    radius(k1, w, r32)
    sincos(k2, w, sin32, cos32)
    o = out.reshape(blocks, 16)
    np.multiply(r32.reshape(blocks, 8), cos32.reshape(blocks, 8), out=o[:, :8])
    np.multiply(r32.reshape(blocks, 8), sin32.reshape(blocks, 8), out=o[:, 8:])
