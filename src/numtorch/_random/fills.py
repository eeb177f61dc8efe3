"""Chunked ``uniform_`` and block ``normal_`` fills, written straight into a destination.

Both follow torch's CPU kernels bit for bit (see :mod:`.distributions` for the formulas) but
draw and transform at most ``CHUNK`` elements at a time into preallocated scratch, so a
100M-element fill needs no full-size float64 temporaries.
"""

from __future__ import annotations

import sys
from fractions import Fraction

import numpy as np

from . import _block32
from ._cpu import cpu_capability, fused_kernel
from .fma import _suspect32, fma32, fma64
from .normal import raw_block

CHUNK = 1 << 16  # elements per step: the scratch stays in the CPU caches
_M24 = np.uint32(0xFFFFFF)
_M53 = np.uint64((1 << 53) - 1)
_U32 = np.uint64(32)
_LITTLE = sys.byteorder == "little"
_U24 = np.float32(2.0**-24)


def _reduced(dtype: np.dtype) -> bool:
    """float16 or bfloat16: sampled in float32 and rounded, as torch does."""
    return dtype.itemsize == 2 and dtype.kind in "fV"


def u53(words: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """float64 uniforms from pairs of 32-bit draws (the first is the high word):
    ``(r & (2**53 - 1)) * 2**-53``. ``words`` must be contiguous."""
    v = words.view(np.uint64)  # each pair as one 64-bit word in memory order
    if _LITTLE:
        k = np.left_shift(v, _U32)
        k |= np.right_shift(v, _U32)  # the first draw becomes the high half
    else:
        k = v.copy()
    k &= _M53
    return np.multiply(k.view(np.int64), 2.0**-53, out=out)


def u24(words: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """float32 uniforms from 32-bit draws: ``(r & 0xFFFFFF) * 2**-24``."""
    k = np.bitwise_and(words, _M24)
    return np.multiply(k, _U24, out=out, dtype=np.float32, casting="unsafe")


def _low_bit(x: float) -> Fraction:
    num, den = abs(x).as_integer_ratio()
    return Fraction(num & -num, den)


def _sum_always_exact(w: float, lo: float) -> bool:
    """Whether ``k * w * 2**-24 + lo`` is exact in float64 for every k < 2**24 (so a plain
    float64 sum rounded to float32 is the fused result)."""
    if not (np.isfinite(w) and np.isfinite(lo)):
        return False
    quanta = [q for q in (_low_bit(w) / (1 << 24), _low_bit(lo)) if q]
    if not quanta:
        return True
    return Fraction(abs(w)) + Fraction(abs(lo)) < min(quanta) * (1 << 53)


class _Uniform:
    """``u * w + lo`` (fused on vectorised kernels) for one dtype and pair of bounds other
    than rand's (0, 1) in float32/float64."""

    def __init__(self, dtype: np.dtype, low: float, high: float) -> None:
        self.dtype = dtype
        self.calc = np.dtype(np.float32) if _reduced(dtype) else dtype
        self.words_per = 2 if self.calc == np.float64 else 1
        ct = self.calc.type
        self.lo, self.w = ct(low), ct(ct(high) - ct(low))
        self.fused = fused_kernel()
        self.checked = (
            self.calc == np.float32
            and self.fused
            and not _sum_always_exact(float(self.w), float(self.lo))
        )
        self.low, self.top = dtype.type(low), dtype.type(high)
        self.clamp = False
        self.work = None
        # u -> u*w + lo is monotone, so the extreme draws show whether any result can reach
        # ``high`` (torch then returns ``low`` instead)
        v = np.empty(2, dtype)
        self.fill(np.repeat(np.array([0, 0xFFFFFFFF], np.uint32), self.words_per), v)
        self.clamp = not (np.isfinite(v).all() and (v < self.top).all())

    def fill(self, words: np.ndarray, out: np.ndarray) -> None:
        if self.calc == np.float64:
            u = u53(words, out)
            if not self.fused:
                v = np.multiply(u, self.w, out=u)
                v += self.lo
            elif self.lo == 0:
                v = np.multiply(u, self.w, out=u)  # fma(u, w, 0) = fl(u*w): u*w >= +0
            else:
                if self.work is None or self.work.shape[1] != u.size:
                    self.work = np.empty((7, u.size))
                v = fma64(u, self.w, self.lo, out=u, work=self.work)
        elif not self.fused:
            v = u24(words)
            v *= self.w
            v += self.lo
        else:
            k = np.bitwise_and(words, _M24)
            s = np.multiply(k, float(self.w) * 2.0**-24)  # exact product in float64
            s += float(self.lo)
            v = out if self.dtype == np.float32 else np.empty(out.size, np.float32)
            np.copyto(v, s, casting="same_kind")
            if self.checked:
                sus = _suspect32(s)
                if sus.any():
                    idx = np.nonzero(sus)[0]
                    v[idx] = fma32(k[idx] * _U24, self.w, self.lo)
        if v is not out:
            np.copyto(out, v, casting="same_kind")
        if self.clamp:
            out[out >= self.top] = self.low


def uniform(gen, n: int, dtype, low: float, high: float, out: np.ndarray | None) -> np.ndarray:
    """``Tensor.uniform_(low, high)`` into ``out`` (1-D, storage order), chunk by chunk."""
    dtype = np.dtype(dtype)
    eng = gen._get_engine()
    if out is None:
        out = np.empty(n, dtype)
    if low == 0.0 and high == 1.0 and not _reduced(dtype):  # rand: the raw uniforms
        raw, words_per = (u53, 2) if dtype == np.float64 else (u24, 1)
        for s in range(0, n, CHUNK):
            e = min(n, s + CHUNK)
            raw(eng.next32_u32((e - s) * words_per), out[s:e])
        return out
    plan = _Uniform(dtype, low, high)
    for s in range(0, n, CHUNK):
        e = min(n, s + CHUNK)
        plan.fill(eng.next32_u32((e - s) * plan.words_per), out[s:e])
    return out


def _fma32_scalar(v: np.ndarray, b: np.float32, c: np.float32, t: np.ndarray) -> None:
    """``v = fma32(v, b, c)`` in place for scalar ``b``, ``c``; ``t`` is float64 scratch."""
    np.copyto(t, v)
    t *= float(b)  # exact
    t += float(c)
    sus = _suspect32(t)  # a float32 tie or tiny: those take the exact path
    fix = np.flatnonzero(sus) if sus.any() else None
    exact = None if fix is None else fma32(v[fix], b, c)
    np.copyto(v, t, casting="same_kind")
    if fix is not None:
        v[fix] = exact


def _scale(v: np.ndarray, mean: float, std: float, work: np.ndarray | None = None) -> None:
    """``v = fma(v, std, mean)`` in v's dtype (float32 or float64), in place; ``work`` is
    optional float64 scratch of shape ``(7, v.size)``."""
    ct = v.dtype.type
    m, sd = ct(mean), ct(std)
    if m == 0:
        if sd != 1:
            np.multiply(v, sd, out=v)  # fma(v, std, 0) is one rounding of the exact product
        if not np.signbit(m):
            np.add(v, ct(0.0), out=v)  # ... and -0 + +0 = +0
        return
    if work is None or work.shape[1] != v.size:
        work = np.empty((7, v.size))
    if v.dtype == np.float32:
        _fma32_scalar(v, sd, m, work[0])
    else:
        fma64(v, float(sd), float(m), out=v, work=work)


class _Normal:
    """The 16-lane block transform of one dtype on the current CPU kernel."""

    def __init__(self, calc: np.dtype, n: int) -> None:
        self.calc = calc
        self.cap = cpu_capability()
        self.words_per = 2 if calc == np.float64 else 1
        self.fast32 = calc == np.float32 and self.cap != "DEFAULT"
        self.ws = _block32.Workspace(max(8, min(CHUNK, n) // 2)) if self.fast32 else None
        self.work = None

    def scale(self, v: np.ndarray, mean: float, std: float) -> None:
        if self.calc.type(mean) != 0 and (self.work is None or self.work.shape[1] != v.size):
            self.work = np.empty((7, v.size))
        _scale(v, mean, std, self.work)

    def fill(self, words: np.ndarray, out: np.ndarray) -> None:
        if self.fast32:
            step = 2 * self.ws.lanes
            for s in range(0, words.size, step):
                _block32.transform(words[s : s + step], out[s : s + step], self.ws)
        elif self.calc == np.float64:
            raw_block(u53(words), self.cap, out)
        else:
            raw_block(u24(words), self.cap, out)


def normal_block(gen, n: int, dtype, mean: float, std: float, out: np.ndarray | None):
    """Block fill (B) for a contiguous tensor of n >= 16 elements: whole blocks of 16 in
    order; a partial last block is redrawn from 16 fresh uniforms and overwrites the last 16
    values (float16 instead tops its leftover uniforms up to 16)."""
    dtype = np.dtype(dtype)
    calc = np.dtype(np.float32) if _reduced(dtype) else dtype
    if out is None:
        out = np.empty(n, dtype)
    kern = _Normal(calc, n)
    eng = gen._get_engine()
    full = n - n % 16
    tmp = None if calc == dtype else np.empty(min(CHUNK, full), calc)
    for s in range(0, full, CHUNK):
        e = min(full, s + CHUNK)
        dst = out[s:e] if tmp is None else tmp[: e - s]
        kern.fill(eng.next32_u32((e - s) * kern.words_per), dst)
        kern.scale(dst, mean, std)
        if tmp is not None:
            np.copyto(out[s:e], dst, casting="same_kind")
    if full != n:
        if not _reduced(dtype):
            eng.skip((n - full) * kern.words_per)
        last = np.empty(16, calc)
        kern.fill(eng.next32_u32(16 * kern.words_per), last)
        _scale(last, mean, std)
        np.copyto(out[n - 16 :], last, casting="same_kind")
    return out
