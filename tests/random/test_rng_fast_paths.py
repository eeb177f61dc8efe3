"""The fast paths of the samplers: chunked fills written into the destination, the vectorised
float32 block kernel, NumPy's element-wise libm loop, bulk 32-bit draws and the radix grouping
of randperm. Values are compared bit for bit with torch or with the reference code."""

import math
import platform
import tracemalloc

import numpy as np
import pytest
import torch

import numtorch as nt
import numtorch._random as nt_random
from numtorch._random import _block32, _libm, fills
from numtorch._random._cpu import cpu_capability
from numtorch._random.mt19937 import Engine
from numtorch._random.normal import TWO_PI32, log32, sincos32
from numtorch._random.randperm import _stable_order

_CAP = torch.backends.cpu.get_cpu_capability()
_BITEXACT = pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64")
    or cpu_capability() != _CAP
    or _CAP not in ("AVX2", "AVX512", "DEFAULT"),
    reason=f"bit-exact RNG is modelled for x86-64 AVX2/AVX512/DEFAULT kernels; torch uses {_CAP}",
)
_N = 2 * fills.CHUNK + 7  # crosses chunk boundaries and leaves a partial normal block


def _state_same() -> bool:
    return nt_random.default_generator._get_state_array().tobytes() == (
        torch.get_rng_state().numpy().tobytes()
    )


def _seed(s):
    torch.manual_seed(s)
    return nt_random.manual_seed(s)


@_BITEXACT
@pytest.mark.parametrize(
    "low,high", [(0.0, 1.0), (-0.1, 0.1), (-5.0, -4.9), (2.5, 1000.1), (-1e-3, 3.0)]
)
@pytest.mark.parametrize("np_dt,t_dt", [(np.float32, torch.float32), (np.float64, torch.float64),
                                        (np.float16, torch.float16)])
def test_uniform_across_chunks(low, high, np_dt, t_dt):
    g = _seed(21)
    ours = g._uniform(_N, np_dt, low, high)
    theirs = torch.empty(_N, dtype=t_dt).uniform_(low, high).numpy()
    assert ours.tobytes() == theirs.tobytes() and _state_same()


@_BITEXACT
@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (0.0, 0.01), (0.5, 2.0), (-3.0, 7.3),
                                      (-0.0, 0.5), (1e-3, 0.0)])
@pytest.mark.parametrize("np_dt,t_dt", [(np.float32, torch.float32), (np.float64, torch.float64),
                                        (np.float16, torch.float16)])
def test_normal_across_chunks(mean, std, np_dt, t_dt):
    g = _seed(22)
    ours = g._normal(_N, np_dt, mean, std)
    theirs = torch.empty(_N, dtype=t_dt).normal_(mean, std).numpy()
    assert ours.tobytes() == theirs.tobytes() and _state_same()


@_BITEXACT
@pytest.mark.parametrize("np_dt,t_dt", [(np.float32, torch.float32), (np.float64, torch.float64)])
def test_algorithm_a_across_chunks(np_dt, t_dt):
    g = _seed(23)
    assert g._normal(3, np_dt).tobytes() == torch.randn(3, dtype=t_dt).numpy().tobytes()
    base = torch.empty(3, _N // 3, dtype=t_dt)
    base.t().normal_(0.5, 2.0)  # not contiguous: per-element Box-Muller, cache included
    ours = g._normal(_N, np_dt, 0.5, 2.0, contiguous=False)
    assert ours.tobytes() == base.numpy().tobytes() and _state_same()


@_BITEXACT
def test_inplace_fill_writes_into_the_tensor():
    nt.manual_seed(5)
    torch.manual_seed(5)
    x = nt.empty(3, _N // 3)
    ptr = x._data.ctypes.data
    y = x.normal_(0.5, 0.25)
    assert y is x and x._data.ctypes.data == ptr
    assert x._data.tobytes() == torch.empty(3, _N // 3).normal_(0.5, 0.25).numpy().tobytes()
    xt = nt.empty(40, 30).t()
    xt.uniform_(-2, 3)
    assert xt._data.base is not None
    t = torch.empty(40, 30).t().uniform_(-2, 3)
    assert xt._data.tobytes() == t.numpy().tobytes() and _state_same()


def test_fill_memory_stays_bounded():
    x = nt.empty(2_000_000, dtype=nt.float64)
    y = nt.empty(4_000_000)
    tracemalloc.start()
    try:
        x.normal_(0.5, 2.0)
        x.uniform_(-1.0, 2.0)
        y.normal_(0.5, 2.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 * 2**20  # the tensors are 16 MB each: no full-size temporaries


def _reference_lanes(k: np.ndarray):
    u = k.astype(np.float32) * np.float32(2.0**-24)
    r = np.sqrt(np.float32(-2.0) * log32(np.float32(1.0) - u))
    s, c = sincos32(TWO_PI32 * u)
    return r, s, c


def _fast_lanes(k: np.ndarray):
    k = k.astype(np.uint32)
    w = _block32.Workspace(k.size)
    r, s, c = (np.empty(k.size, np.float32) for _ in range(3))
    _block32.radius(k, w, r)
    _block32.sincos(k, w, s, c)
    return r, s, c


def _check_lanes(k: np.ndarray) -> None:
    for fast, ref in zip(_fast_lanes(k), _reference_lanes(k)):
        assert fast.tobytes() == ref.tobytes()


def test_block32_matches_reference_sampled():
    rng = np.random.default_rng(1)
    edges = np.array([0, 1, 2, 3, 1 << 23, (1 << 24) - 1, (1 << 24) - 2, 1 << 22], np.int64)
    near = (np.arange(1, 9)[:, None] * (1 << 21) + np.arange(-40, 40)).ravel()  # octant edges
    near = near[near < (1 << 24)]
    _check_lanes(np.concatenate([edges, near, rng.integers(0, 1 << 24, 200000)]))


@pytest.mark.slow
def test_block32_matches_reference_exhaustive():
    for start in range(0, 1 << 24, 1 << 21):
        _check_lanes(np.arange(start, start + (1 << 21), dtype=np.int64))


@pytest.mark.parametrize("name", ["log", "log1p", "cos", "sin", "tan", "exp"])
def test_libm_apply_matches_math(name):
    rng = np.random.default_rng(2)
    u = rng.integers(0, 1 << 53, 5000) * 2.0**-53
    x = {"log": 1.0 - u, "log1p": -u, "cos": 2 * math.pi * u, "sin": 2 * math.pi * u,
         "tan": math.pi * (u - 0.5), "exp": (u - 0.5) * 80}[name]
    ref = np.array([getattr(math, name)(v) for v in x.tolist()])
    assert _libm.apply(name, x).tobytes() == ref.tobytes()
    for k in (0, 1, 5, 16):
        assert _libm.apply(name, x[:k]).tobytes() == ref[:k].tobytes()


def test_libm_self_check_rejects_a_different_log(monkeypatch):
    x = _libm._check_inputs("log")
    simd = np.log(x)  # the contiguous loop, which may be NumPy's own SIMD code
    if simd.tobytes() == np.array([math.log(v) for v in x.tolist()]).tobytes():
        pytest.skip("NumPy's contiguous log equals the C library's on this host")
    _libm.numpy_matches_libm.cache_clear()
    monkeypatch.setattr(_libm, "_via_numpy", lambda ufunc, v, out: ufunc(v, out=out))
    try:
        assert not _libm.numpy_matches_libm("log")
    finally:
        _libm.numpy_matches_libm.cache_clear()


def test_bulk_draws_equal_raw_draws():
    a, b = Engine(1234), Engine(1234)
    for n in (0, 1, 623, 624, 625, 5000):
        assert np.array_equal(a.next32_u32(n), b.next32(n))
        assert a.words_and_counters()[1:] == b.words_and_counters()[1:]
    a.skip(3000)
    b.next32(3000)
    assert np.array_equal(a.next32_u32(10), b.next32(10))


@pytest.mark.parametrize("bound", [1, 7, 1 << 16, (1 << 16) + 3, 1 << 20, 3 << 32])
def test_stable_order_is_a_stable_argsort(bound):
    keys = np.random.default_rng(bound).integers(0, bound, 20000)
    assert np.array_equal(_stable_order(keys, bound), np.argsort(keys, kind="stable"))
