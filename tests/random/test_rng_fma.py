"""Exact fused multiply-add emulation (numtorch._random.fma) against exact rational arithmetic."""

from fractions import Fraction

import numpy as np

from numtorch._random.fma import fma32, fma64


def _round32(x: Fraction) -> float:
    """Round an exact rational to the nearest float32 (ties to even)."""
    f = np.float32(float(x))
    best = None
    for c in (np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))):
        key = (abs(Fraction(float(c)) - x), int(np.array(c).view(np.int32)) & 1)
        if best is None or key < best[0]:
            best = (key, c)
    return float(best[1])


def _cases(dtype, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(n) * rng.choice([1.0, 1e3, 1e-3], n)).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    c = rng.standard_normal(n).astype(dtype)
    c[::4] = -(a[::4].astype(np.float64) * b[::4]).astype(dtype)  # heavy cancellation
    return a, b, c


def test_fma32_matches_exact_rounding():
    a, b, c = _cases(np.float32)
    out = fma32(a, b, c)
    assert out.dtype == np.float32
    ref = [
        _round32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
        for x, y, z in zip(a, b, c)
    ]
    assert out.tobytes() == np.array(ref, np.float32).tobytes()


def test_fma32_double_rounding_case():
    # a*b + c lands just below a float32 tie after float64 rounding; a single rounding goes down.
    a, b, c = np.float32(8 * (1 + 2**-23)), np.float32(8 * (1 - 2**-23)), np.float32(2**30 + 128)
    assert fma32(a, b, c)[0] == np.float32(2**30 + 128)


def test_fma64_matches_exact_rounding():
    a, b, c = _cases(np.float64)
    out = fma64(a, b, c)
    ref = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    assert out.tobytes() == np.array(ref, np.float64).tobytes()


def test_signed_zero():
    assert np.signbit(fma64(-0.0, 1.0, 0.0)[0]) == np.signbit(np.float64(0.0))
    assert not np.signbit(fma32(np.float32(-0.0), np.float32(1), np.float32(0))[0])


def test_fma32_many_double_rounding_cases():
    # products 64*(1 + small) added to 2**30-scale values: many float64 sums land exactly on a
    # float32 tie without being exact, where only the round-to-odd path gets it right
    rng = np.random.default_rng(3)
    n = 4000
    a = (8 * (1 + rng.integers(-50, 50, n) * 2.0**-23)).astype(np.float32)
    b = (8 * (1 + rng.integers(-50, 50, n) * 2.0**-23)).astype(np.float32)
    b *= rng.choice([1, -1], n).astype(np.float32)
    c = (2.0**30 + 128 * rng.integers(0, 1000, n)).astype(np.float32)
    c *= rng.choice([1, -1], n).astype(np.float32)
    ref = np.array(
        [_round32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
         for x, y, z in zip(a, b, c)],
        np.float32,
    )
    naive = (a.astype(np.float64) * b + c).astype(np.float32)
    assert (naive != ref).any()  # the case is really exercised
    assert fma32(a, b, c).tobytes() == ref.tobytes()


def test_fma64_scalar_operands_and_out():
    rng = np.random.default_rng(4)
    u = rng.integers(0, 2**53, 3000) * 2.0**-53
    for w, lo in [(0.2, -0.1), (1e-3, 7.25), (0.7, -0.35)]:
        out = np.empty_like(u)
        res = fma64(u, w, lo, out=out, work=np.empty((7, u.size)))
        ref = [float(Fraction(x) * Fraction(w) + Fraction(lo)) for x in u.tolist()]
        assert res is out and out.tobytes() == np.array(ref).tobytes()
