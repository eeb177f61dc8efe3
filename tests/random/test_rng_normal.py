"""randn / normal_: both algorithms, both dtypes, the cache, bit for bit against torch."""

import platform
import struct

import numpy as np
import pytest
import torch

import numtorch._random as nt_random
from numtorch._random import fills
from numtorch._random._cpu import cpu_capability
from numtorch._random.mt19937 import untemper
from numtorch._random.normal import block_transform

_CAP = torch.backends.cpu.get_cpu_capability()
pytestmark = pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64")
    or cpu_capability() != _CAP
    or _CAP not in ("AVX2", "AVX512", "DEFAULT"),
    reason=f"bit-exact RNG is modelled for x86-64 AVX2/AVX512/DEFAULT kernels; torch uses {_CAP}",
)
DTYPES = [(np.float32, torch.float32), (np.float64, torch.float64)]


def _same(ours: np.ndarray, theirs: torch.Tensor) -> bool:
    t = theirs.contiguous().numpy()
    ok = ours.dtype == t.dtype and ours.tobytes() == t.ravel().tobytes()
    return ok and nt_random.default_generator._get_state_array().tobytes() == (
        torch.get_rng_state().numpy().tobytes()
    )


def _seed(s=0):
    torch.manual_seed(s)
    return nt_random.manual_seed(s)


@pytest.mark.parametrize("n", [1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 1000, 100003])
@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_randn_sizes(n, np_dt, t_dt):
    g = _seed(n)
    assert _same(g._normal(n, np_dt), torch.randn(n, dtype=t_dt))


@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_randn_every_size_16_to_1000(np_dt, t_dt):
    g = _seed(7)
    for n in range(16, 1001):
        assert _same(g._normal(n, np_dt), torch.randn(n, dtype=t_dt)), n


@pytest.mark.parametrize("shape", [(5, 3), (4, 4), (2, 3, 5), (7, 9)])
def test_randn_shapes(shape):
    g = _seed(4)
    assert _same(g._normal(int(np.prod(shape)), np.float32), torch.randn(shape))


@pytest.mark.parametrize("mean,std", [(0.5, 0.02), (-3, 7.3), (0, 0.01)])
@pytest.mark.parametrize("n", [10, 1000])
@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_normal_mean_std(mean, std, n, np_dt, t_dt):
    g = _seed(11)
    assert _same(g._normal(n, np_dt, mean, std), torch.empty(n, dtype=t_dt).normal_(mean, std))


@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_non_contiguous_uses_algorithm_a(np_dt, t_dt):
    g = _seed(5)
    a = torch.empty(6, 10, dtype=t_dt)
    a.t().normal_(0.5, 2.0)
    assert _same(g._normal(60, np_dt, 0.5, 2.0, contiguous=False), a)


def test_cache_across_calls():
    g = _seed(5)
    for n in (1, 3, 20, 5, 1, 1, 16, 7, 2, 33):
        for np_dt, t_dt in DTYPES:
            assert _same(g._normal(n, np_dt), torch.randn(n, dtype=t_dt))
            assert _same(g._uniform(2, np_dt), torch.rand(2, dtype=t_dt))


def test_init_normal_weight():
    g = _seed(0)
    w = torch.empty(64, 32)
    torch.nn.init.normal_(w, 0, 0.02)
    assert _same(g._normal(64 * 32, np.float32, 0.0, 0.02), w)


def _crafted_uniforms(k: np.ndarray) -> np.ndarray:
    """State bytes whose next 608 outputs give lane j and lane j+8 of each block the value k."""
    words = np.zeros(624, np.uint64)
    vals = np.repeat(k.reshape(38, 1, 8), 2, axis=1).reshape(-1)
    words[:608] = untemper(vals.astype(np.uint64))
    buf = bytearray(5056)
    struct.pack_into("<QiiQ", buf, 0, 0, 624, 1, 0)
    buf[24 : 24 + 8 * 624] = words.astype("<u8").tobytes()
    return np.frombuffer(bytes(buf), np.uint8).copy()


def _check_transform(ks: np.ndarray, chunk: int = 304 * 512) -> None:
    cap = cpu_capability()
    ks = np.concatenate([ks, np.zeros(-ks.size % 304, ks.dtype)])
    for c0 in range(0, ks.size, chunk):
        kc = ks[c0 : c0 + chunk]
        theirs = []
        for start in range(0, kc.size, 304):
            torch.set_rng_state(torch.from_numpy(_crafted_uniforms(kc[start : start + 304])))
            theirs.append(torch.randn(608).numpy())
        theirs = np.concatenate(theirs).tobytes()
        words = np.repeat(kc.reshape(-1, 1, 8), 2, axis=1).reshape(-1).astype(np.uint32)
        ours = block_transform(words.astype(np.float32) * np.float32(2.0**-24), 0.0, 1.0, cap)
        assert ours.tobytes() == theirs, c0
        fast = np.empty(words.size, np.float32)  # the production kernel, too
        fills._Normal(np.dtype(np.float32), words.size).fill(words, fast)
        fills._scale(fast, 0.0, 1.0)
        assert fast.tobytes() == theirs, c0


def test_float32_block_transform_sampled():
    rng = np.random.default_rng(0)
    edges = np.array([0, 1, 2, 3, 2**23, 2**24 - 1, 2**24 - 2, 2**22, 2**21 + 5], np.int64)
    _check_transform(np.concatenate([edges, rng.integers(0, 2**24, 304 * 20 - edges.size)]))


@pytest.mark.slow
def test_float32_block_transform_exhaustive():
    _check_transform(np.arange(2**24, dtype=np.int64))
