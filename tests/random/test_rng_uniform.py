"""rand / uniform_ and nn.Linear / nn.Conv2d default init, bit for bit against torch."""

import math
import platform
import struct

import numpy as np
import pytest
import torch

import numtorch._random as nt_random
from numtorch._random._cpu import cpu_capability
from numtorch._random.mt19937 import untemper

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


@pytest.mark.parametrize("n", [1, 3, 15, 16, 17, 100, 1000, 100000])
@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_rand(n, np_dt, t_dt):
    g = _seed(n)
    assert _same(g._uniform(n, np_dt), torch.rand(n, dtype=t_dt))


@pytest.mark.parametrize(
    "low,high", [(-0.3, 0.7), (-1 / math.sqrt(3), 1 / math.sqrt(3)), (2.5, 1000.1), (-5, -4.9)]
)
@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_uniform_bounds(low, high, np_dt, t_dt):
    g = _seed(1)
    assert _same(
        g._uniform(50000, np_dt, low, high), torch.empty(50000, dtype=t_dt).uniform_(low, high)
    )


@pytest.mark.parametrize(
    "low,high", [(0, 1), (-0.3, 0.77), (2.5, 1000.1), (-1 / math.sqrt(3), 0.5)]
)
def test_uniform_float16(low, high):
    g = _seed(2)
    t = torch.empty(20000, dtype=torch.float16).uniform_(low, high)
    assert _same(g._uniform(20000, np.float16, low, high), t)


def _crafted_state(values) -> np.ndarray:
    """A state whose next outputs are exactly ``values`` (left=624, next=0)."""
    buf = bytearray(5056)
    struct.pack_into("<QiiQ", buf, 0, 0, 624, 1, 0)
    words = np.zeros(624, np.uint64)
    words[: len(values)] = untemper(np.array(values, np.uint64))
    buf[24 : 24 + 8 * 624] = words.astype("<u8").tobytes()
    return np.frombuffer(bytes(buf), np.uint8).copy()


@pytest.mark.parametrize("low,high", [(1.0, 3.0), (2.5, 1000.1), (5.0, 5.0000005), (-3.0, -1.0)])
@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_uniform_result_equal_to_high_becomes_low(low, high, np_dt, t_dt):
    state = _crafted_state([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFE, 0xFFFFFFFF, 0x800000, 0] * 2)
    torch.set_rng_state(torch.from_numpy(state))
    nt_random.set_rng_state(state)
    g = nt_random.default_generator
    assert _same(g._uniform(6, np_dt, low, high), torch.empty(6, dtype=t_dt).uniform_(low, high))


def _kaiming_bounds(fan_in):
    a = math.sqrt(5)
    gain = math.sqrt(2.0 / (1 + a**2))
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
    return bound, 1 / math.sqrt(fan_in)


@pytest.mark.parametrize(
    "fan_in,fan_out", [(20, 30), (784, 128), (3, 1), (1, 1), (4096, 10), (7, 513)]
)
def test_linear_default_init(fan_in, fan_out):
    g = _seed(0)
    lin = torch.nn.Linear(fan_in, fan_out)
    w_bound, b_bound = _kaiming_bounds(fan_in)
    w = g._uniform(fan_in * fan_out, np.float32, -w_bound, w_bound)
    b = g._uniform(fan_out, np.float32, -b_bound, b_bound)
    assert w.tobytes() == lin.weight.detach().numpy().tobytes()
    assert _same(b, lin.bias.detach())


def test_conv2d_default_init():
    g = _seed(3)
    conv = torch.nn.Conv2d(3, 8, 5)
    w_bound, b_bound = _kaiming_bounds(3 * 5 * 5)
    w = g._uniform(8 * 3 * 5 * 5, np.float32, -w_bound, w_bound)
    b = g._uniform(8, np.float32, -b_bound, b_bound)
    assert w.tobytes() == conv.weight.detach().numpy().tobytes()
    assert _same(b, conv.bias.detach())
