"""Array-level samplers with PyTorch's CPU draw order and rounding.

Each sampler takes a :class:`~numtorch._random.generator.Generator` and returns a 1-D NumPy
array of ``n`` values in storage order; the tensor ops write them into the target's storage.
"""

from __future__ import annotations

import math

import numpy as np

from . import _libm
from . import fills as _fills
from ._cpu import fused_kernel
from .fma import fma64
from .normal import box_muller_pairs, scale_a

_U64 = np.uint64


def _reduced(dtype: np.dtype) -> bool:
    """float16 or bfloat16: torch computes their samples in float32 and rounds."""
    return dtype.itemsize == 2 and dtype.kind in "fV"


def _digits(dtype: np.dtype) -> int:
    if dtype.kind == "V":  # bfloat16
        return 8
    return {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}[dtype]


def uniform_raw(gen, n: int, dtype) -> np.ndarray:
    """``n`` raw uniforms in [0, 1): u24 from one draw (float32), u53 from two (float64)."""
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"uniform sampling is not supported for dtype {dtype}")
    return _fills.uniform(gen, n, dtype, 0.0, 1.0, None)


def uniform(
    gen, n: int, dtype, low: float = 0.0, high: float = 1.0, out: np.ndarray | None = None
) -> np.ndarray:
    """``Tensor.uniform_(low, high)``: ``u * (high - low) + low``; a result equal to ``high``
    is replaced by ``low``, as torch does.

    float16 draws u24 and computes in float32 (its accumulate type) before rounding.
    Values go to ``out`` (1-D, storage order) when given.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64) and not _reduced(dtype):
        raise TypeError(f"uniform sampling is not supported for dtype {dtype}")
    return _fills.uniform(gen, n, dtype, low, high, out)


def _cast(v: np.ndarray, dtype) -> np.ndarray:
    """Round double results to ``dtype``; torch reaches float16 through float32."""
    dtype = np.dtype(dtype)
    if _reduced(dtype):
        return v.astype(np.float32).astype(dtype)
    return v.astype(dtype)


def normal(
    gen,
    n: int,
    dtype,
    mean: float = 0.0,
    std: float = 1.0,
    contiguous: bool = True,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """``Tensor.normal_(mean, std)``: block fill (B) for contiguous n >= 16, else algorithm A.

    Values go to ``out`` (1-D, storage order) when given.
    """
    dtype = np.dtype(dtype)
    if dtype.kind not in "fV":
        raise TypeError(f"normal sampling is not supported for dtype {dtype}")
    if n >= 16 and contiguous:
        return _fills.normal_block(gen, n, dtype, float(mean), float(std), out)
    return _normal_a(gen, n, dtype, float(mean), float(std), out)


def raw_normal_a(gen, n: int) -> np.ndarray:
    """``n`` raw standard normals of algorithm A (float64), using and refilling the cache."""
    z = np.empty(n, np.float64)
    start = 0
    if n and gen._normal_cache is not None:
        z[0] = gen._normal_cache
        gen._normal_cache = None
        start = 1
    m = n - start
    if m:
        pairs = (m + 1) // 2
        u = uniform_raw(gen, 2 * pairs, np.float64)
        zz = box_muller_pairs(u)
        z[start:] = zz[:m]
        if m % 2:
            gen._normal_cache = float(zz[-1])
    return z


def _normal_a(gen, n: int, dtype, mean: float, std: float, out=None) -> np.ndarray:
    """Algorithm A, chunk by chunk (the cache carries odd counts across chunks as well)."""
    if out is None:
        out = np.empty(n, dtype)
    fused = fused_kernel()
    for s in range(0, n, _fills.CHUNK):
        e = min(n, s + _fills.CHUNK)
        out[s:e] = scale_a(raw_normal_a(gen, e - s), mean, std, dtype, fused)
    return out


def log_normal(gen, n: int, dtype, mean: float = 1.0, std: float = 2.0) -> np.ndarray:
    """``Tensor.log_normal_(mean, std)``: ``exp(normal A in double)`` rounded to dtype."""
    z = raw_normal_a(gen, n)
    if fused_kernel():
        v = fma64(z, float(std), float(mean))
    else:
        v = z * float(std) + float(mean)
    return _cast(_libm.exp(v), dtype)


def _as_dtype(vals_u64: np.ndarray, offset: int, dtype) -> np.ndarray:
    """``vals + offset`` (int64 wrap-around), cast to ``dtype``."""
    dtype = np.dtype(dtype)
    v = (vals_u64 + _U64(offset % (1 << 64))).view(np.int64)
    if dtype == np.bool_:
        return v != 0
    return v.astype(dtype)


def _float_high(high: int, dtype: np.dtype) -> int:
    """torch lowers an exclusive float bound whose ``high - 1`` rounds up to ``high``."""
    top = dtype.type(high - 1)
    if int(top) >= high:
        return int(np.nextafter(top, dtype.type(-np.inf)))
    return high


def randint(gen, n: int, low: int, high: int, dtype=np.int64) -> np.ndarray:
    """``torch.randint(low, high)``: ``draw % span + low``, 32-bit draws for spans < 2**28."""
    dtype = np.dtype(dtype)
    low, high = int(low), int(high)
    if dtype.kind in "fV":
        high = _float_high(high, dtype)
    span = high - low
    eng = gen._get_engine()
    if span < (1 << 28):
        r = eng.next32(n) % _U64(span)
    else:
        r = eng.next64(n) % _U64(span)
    return _as_dtype(r, low, dtype)


_RANDOM_MOD = {
    np.dtype(np.int64): (64, 1 << 63),
    np.dtype(np.int32): (32, 1 << 31),
    np.dtype(np.int16): (32, 1 << 15),
    np.dtype(np.int8): (32, 1 << 7),
    np.dtype(np.uint8): (32, 1 << 8),
    np.dtype(np.bool_): (32, 2),
    np.dtype(np.float16): (32, (1 << 11) + 1),
    np.dtype(np.float32): (32, (1 << 24) + 1),
    np.dtype(np.float64): (64, (1 << 53) + 1),
}


def random(gen, n: int, dtype) -> np.ndarray:
    """``Tensor.random_()``: uniform integers in [0, max] (max = 2**digits for floats)."""
    dtype = np.dtype(dtype)
    bits, mod = _RANDOM_MOD[dtype] if dtype.kind != "V" else (32, (1 << 8) + 1)
    eng = gen._get_engine()
    r = eng.next64(n) if bits == 64 else eng.next32(n)
    return _as_dtype(r % _U64(mod), 0, dtype)


def random_bounded(gen, n: int, low: int, high: int | None, dtype) -> np.ndarray:
    """``Tensor.random_(low, high)``; ``high=None`` means up to the dtype's largest value
    (2**digits for floating dtypes), and int64 from -2**63 takes all 64 bits."""
    dtype = np.dtype(dtype)
    if high is not None:
        return randint(gen, n, low, high, dtype)
    low = int(low)
    if dtype == np.int64 and low == -(1 << 63):
        return gen._get_engine().next64(n).view(np.int64)
    if dtype == np.bool_:
        top = 1
    elif dtype.kind in "fV":
        top = 1 << _digits(dtype)
    else:
        top = int(np.iinfo(dtype).max)
    return randint(gen, n, low, top + 1, dtype)


def bernoulli_tensor(gen, p: np.ndarray) -> np.ndarray:
    """``torch.bernoulli(p)``: per element ``u < p`` with u24 (float32 p) or u53 (float64 p)."""
    p = np.ascontiguousarray(p).ravel()
    dtype = p.dtype
    draw_dtype = np.float32 if dtype == np.float32 or _reduced(dtype) else np.float64
    u = uniform_raw(gen, p.size, draw_dtype)
    return (u < p).astype(dtype)


def bernoulli_scalar(gen, n: int, p: float, dtype) -> np.ndarray:
    """``Tensor.bernoulli_(p)`` with a float p: ``u53 < p`` per element."""
    u = uniform_raw(gen, n, np.float64)
    return _as_bool(u < float(p), dtype)


def _as_bool(mask: np.ndarray, dtype) -> np.ndarray:
    return mask.astype(np.dtype(dtype))


def exponential(gen, n: int, dtype, lambd: float = 1.0) -> np.ndarray:
    """``Tensor.exponential_(lambd)``: ``(-1/lambd) * log1p(-u53)`` in double, then to dtype."""
    u = uniform_raw(gen, n, np.float64)
    v = (-1.0 / float(lambd)) * _libm.log1p(-u)
    return _cast(v, dtype)


def geometric(gen, n: int, dtype, p: float) -> np.ndarray:
    """``Tensor.geometric_(p)``: ``ceil(log(u) / log1p(-p))``."""
    u = uniform_raw(gen, n, np.float64)
    v = np.ceil(_libm.log(u) / math.log1p(-float(p)))
    return _cast(v, dtype)


def cauchy(gen, n: int, dtype, median: float = 0.0, sigma: float = 1.0) -> np.ndarray:
    """``Tensor.cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``."""
    u = uniform_raw(gen, n, np.float64)
    v = float(median) + float(sigma) * _libm.tan(np.pi * (u - 0.5))
    return _cast(v, dtype)


def multinomial(gen, probs: np.ndarray, k: int, replacement: bool) -> np.ndarray:
    """``torch.multinomial`` on a 2-D (rows, categories) array: int64 (rows, k).

    Without replacement (or for one sample) torch ranks ``p / Exp(1)`` noise (the
    Efraimidis-Spirakis trick); with replacement it binary-searches a normalised cumulative
    sum for one u53 per sample, row by row.
    """
    rows, cats = probs.shape
    if not replacement or k == 1:
        calc = np.dtype(np.float32) if _reduced(probs.dtype) else probs.dtype
        q = exponential(gen, probs.size, probs.dtype, 1.0).reshape(probs.shape)
        q = (probs.astype(calc) / q.astype(calc)).astype(probs.dtype)
        if k == 1:
            return np.argmax(q, axis=1).astype(np.int64).reshape(rows, 1)
        return np.argsort(-q, axis=1, kind="stable")[:, :k].astype(np.int64)
    calc = np.dtype(np.float32) if _reduced(probs.dtype) else probs.dtype
    out = np.empty((rows, k), np.int64)
    for r in range(rows):
        cum = np.cumsum(probs[r].astype(calc), dtype=calc)
        cum = (cum / cum[-1]).astype(calc)
        cum[-1] = 1
        u = uniform_raw(gen, k, np.float64)
        out[r] = np.searchsorted(cum.astype(np.float64), u, side="left")
    return out
