"""torch's two normal algorithms: per-element Box-Muller with a cache (A) and the 16-lane block
fill (B), including the float32 log/sincos that torch's vectorised CPU kernel evaluates.

The float32 polynomial coefficients and the pi/4 splitting constants of ``log32``/``sincos32``
come from the Cephes math library (Stephen L. Moshier), as shipped in the zlib-licensed
``avx_mathfun.h`` (AVX port (c) 2012 Giovanni Garberoglio, after ``sse_mathfun.h`` by Julien
Pommier), which PyTorch uses. The evaluation order (which steps are fused) matches torch's
AVX2 build bit for bit.
"""

from __future__ import annotations

import numpy as np

from . import _libm
from .fma import fma32, fma64

TWO_PI64 = 2.0 * np.pi


def _f32(bits: int) -> np.float32:
    return np.array([bits], np.uint32).view(np.float32)[0]


_MIN_NORM = _f32(0x00800000)
_SQRTHF = _f32(0x3F3504F3)
_LOG_P = [
    _f32(b)
    for b in (
        0x3D9021BB,
        0xBDEBD1B8,
        0x3DEF251A,
        0xBDFE5D4F,
        0x3E11E9BF,
        0xBE2AAE50,
        0x3E4CCEAC,
        0xBE7FFFFC,
        0x3EAAAAAA,
    )
]
_LOG_Q1 = _f32(0xB95E8083)
_LOG_Q2 = _f32(0x3F318000)
_FOPI = _f32(0x3FA2F983)
_DP = [_f32(b) for b in (0xBF490000, 0xB97DA000, 0xB3222169)]
_COS_C = [_f32(b) for b in (0x37CCF5CE, 0xBAB6061A, 0x3D2AAAA5)]
_SIN_S = [_f32(b) for b in (0xB94CA1F9, 0x3C08839E, 0xBE2AAAA3)]
TWO_PI32 = _f32(0x40C90FDB)
_HALF = np.float32(0.5)
_ONE = np.float32(1.0)


def log32(x: np.ndarray) -> np.ndarray:
    """Cephes-style float32 natural log as evaluated by torch's AVX2 kernel (x in (0, 1])."""
    x = np.maximum(x.astype(np.float32), _MIN_NORM)
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(np.float32) + _ONE
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)
    small = m < _SQRTHF
    t = np.where(small, m, np.float32(0.0))
    m = m - _ONE
    e = np.where(small, e - _ONE, e)
    m = m + t
    z = m * m
    y = np.full_like(m, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = fma32(y, m, p)
    y = y * m
    y = fma32(y, z, e * _LOG_Q1)
    y = y - z * _HALF
    return (m + y) + e * _LOG_Q2


def sincos32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cephes-style float32 (sin, cos) as evaluated by torch's AVX2 kernel (x >= 0)."""
    x = x.astype(np.float32)
    sign_s = x.view(np.uint32) & np.uint32(0x80000000)
    x = np.abs(x)
    j = (x * _FOPI).astype(np.int32)
    j = (j + 1) & ~np.int32(1)
    y = j.astype(np.float32)
    sign_s = sign_s ^ ((j & 4).astype(np.uint32) << np.uint32(29))
    sign_c = ((~(j - 2)) & 4).astype(np.uint32) << np.uint32(29)
    use_sin = (j & 2) == 0
    for dp in _DP:
        x = fma32(y, dp, x)
    z = x * x
    c = np.full_like(z, _COS_C[0])
    c = fma32(c, z, _COS_C[1])
    c = fma32(c, z, _COS_C[2])
    c = c * z
    c = fma32(c, z, -(z * _HALF))
    c = c + _ONE
    s = np.full_like(z, _SIN_S[0])
    s = fma32(s, z, _SIN_S[1])
    s = fma32(s, z, _SIN_S[2])
    s = s * z
    s = fma32(s, x, x)
    sine = np.where(use_sin, s, c)
    cosine = np.where(use_sin, c, s)
    sine = (sine.view(np.uint32) ^ sign_s).view(np.float32)
    cosine = (cosine.view(np.uint32) ^ sign_c).view(np.float32)
    return sine, cosine


def _fma_t(z: np.ndarray, std: float, mean: float, dtype) -> np.ndarray:
    if dtype == np.float32:
        return fma32(z, np.float32(std), np.float32(mean))
    return fma64(z, std, mean)


def raw_block(d: np.ndarray, capability: str, out: np.ndarray | None = None) -> np.ndarray:
    """The block transform without the final ``* std + mean``: uniforms ``d`` (float32 or
    float64, length a multiple of 16) to standard normals of the same dtype."""
    dtype = d.dtype
    blocks = d.reshape(-1, 16)
    u1 = blocks[:, :8].ravel()
    u2 = blocks[:, 8:].ravel()
    if dtype == np.float32:
        x1 = np.float32(1.0) - u1
        if capability == "DEFAULT":
            r = np.sqrt(np.float32(-2.0) * _libm.float_fn("logf", x1))
            theta = (TWO_PI64 * u2.astype(np.float64)).astype(np.float32)
            cos_t = _libm.float_fn("cosf", theta)
            sin_t = _libm.float_fn("sinf", theta)
        else:
            r = np.sqrt(np.float32(-2.0) * log32(x1))
            sin_t, cos_t = sincos32(TWO_PI32 * u2)
    else:
        r = _libm.log(1.0 - u1)
        r *= -2.0
        np.sqrt(r, out=r)
        theta = TWO_PI64 * u2
        cos_t = _libm.cos(theta)
        sin_t = _libm.sin(theta)
    if out is None:
        out = np.empty(d.size, dtype)
    o = out.reshape(-1, 16)
    np.multiply(r.reshape(-1, 8), cos_t.reshape(-1, 8), out=o[:, :8])
    np.multiply(r.reshape(-1, 8), sin_t.reshape(-1, 8), out=o[:, 8:])
    return out


def block_transform(d: np.ndarray, mean: float, std: float, capability: str) -> np.ndarray:
    """Apply the 16-lane Box-Muller block transform to ``d`` (length a multiple of 16)."""
    # Even the DEFAULT kernel fuses the last step (shared template compiled with FMA).
    return _fma_t(raw_block(d, capability), std, mean, d.dtype)


def box_muller_pairs(u: np.ndarray) -> np.ndarray:
    """Algorithm A's raw normals from u53 pairs ``(u1, u2)``: cos, sin, cos, sin, ... (float64)."""
    u1 = u[0::2]
    u2 = u[1::2]
    r = np.sqrt(-2.0 * _libm.log1p(-u2))
    theta = TWO_PI64 * u1
    z = np.empty(u.size, np.float64)
    z[0::2] = r * _libm.cos(theta)
    z[1::2] = r * _libm.sin(theta)
    return z


def scale_a(z: np.ndarray, mean: float, std: float, dtype, fused: bool) -> np.ndarray:
    """Algorithm A's ``z * std + mean`` in double (fused on vectorised kernels), then to dtype."""
    if fused:
        v = fma64(z, float(std), float(mean))
    else:
        v = z * float(std) + float(mean)
    if np.dtype(dtype).itemsize == 2:  # float16/bfloat16
        return v.astype(np.float32).astype(dtype)  # torch rounds half through float
    return v.astype(dtype)
