"""Seeding and the 5056-byte generator state, byte for byte against torch."""

import struct

import numpy as np
import pytest
import torch

import numtorch._random as nt_random
from numtorch._random import Generator
from numtorch._random.mt19937 import seed_words, temper, untemper

SEEDS = [0, 1, 42, 2**32 + 5, 2**63 + 7, -1, -(2**63)]


def _torch_state(gen=None) -> bytes:
    st = torch.get_rng_state() if gen is None else gen.get_state()
    return st.numpy().tobytes()


def _our_state(gen=None) -> bytes:
    return (gen or nt_random.default_generator)._get_state_array().tobytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_manual_seed_state_bytes(seed):
    torch.manual_seed(seed)
    g = nt_random.manual_seed(seed)
    assert g is nt_random.default_generator
    assert _our_state() == _torch_state()
    assert nt_random.initial_seed() == torch.initial_seed()
    assert len(_our_state()) == 5056


def test_fresh_generator_state():
    g = Generator()
    assert g.initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert _our_state(g) == _torch_state(torch.Generator())
    assert str(g.device) == "cpu"


def test_generator_manual_seed_returns_self():
    g = Generator()
    assert g.manual_seed(5) is g
    assert _our_state(g) == _torch_state(torch.Generator().manual_seed(5))


def test_anchor_values():
    eng = Generator().manual_seed(0)._get_engine()
    assert eng.next32(2).tolist() == [2357136044, 2546248239]


def test_seed_words_match_numpy_legacy_seeding():
    words = seed_words(12345)
    bitgen = np.random.MT19937(0)
    bitgen._legacy_seeding(12345)
    assert words.tolist() == list(bitgen.state["state"]["key"])


def test_untemper_inverts_temper():
    v = np.random.default_rng(0).integers(0, 2**32, 1000, dtype=np.uint64)
    assert temper(untemper(v)).tolist() == v.tolist()


@pytest.mark.parametrize("bad", [2**64, -(2**63) - 1])
def test_seed_overflow(bad):
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        torch.manual_seed(bad)
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        nt_random.manual_seed(bad)


def test_nondeterministic_seed():
    s = nt_random.seed()
    assert 0 <= s < 2**64 and nt_random.initial_seed() == s
    g = Generator()
    s2 = g.seed()
    assert g.initial_seed() == s2


def test_state_roundtrip_after_draws_and_cache():
    torch.manual_seed(9)
    torch.randn(3)  # leaves a cached normal
    torch.rand(7)
    nt_random.set_rng_state(torch.get_rng_state().numpy())
    assert _our_state() == _torch_state()
    g = nt_random.default_generator
    assert g._normal(5, np.float32).tobytes() == torch.randn(5).numpy().tobytes()
    assert _our_state() == _torch_state()


@pytest.mark.parametrize("left,nxt", [(624, 0), (1, 0), (5, 100), (300, 2), (1, 624), (100, 525)])
def test_state_with_unusual_counters(left, nxt):
    rng = np.random.default_rng(left)
    buf = bytearray(5056)
    struct.pack_into("<QiiQ", buf, 0, 77, left, 1, nxt)
    buf[24 : 24 + 8 * 624] = rng.integers(0, 2**32, 624, dtype=np.uint64).astype("<u8").tobytes()
    torch.set_rng_state(torch.from_numpy(np.frombuffer(bytes(buf), np.uint8).copy()))
    nt_random.set_rng_state(np.frombuffer(bytes(buf), np.uint8))
    assert _our_state() == _torch_state()
    g = nt_random.default_generator
    for n in (1, 3, 700, 2):
        assert g._uniform(n, np.float32).tobytes() == torch.rand(n).numpy().tobytes()
        assert _our_state() == _torch_state()


def test_set_state_errors():
    g = Generator()
    with pytest.raises(
        RuntimeError, match="of size 5056 but found the input RNG state size to be 10"
    ):
        g.set_state(np.zeros(10, np.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(np.zeros(5056, np.uint8))
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        g.set_state(np.zeros(5056, np.float32))
    bad = g._get_state_array()
    bad[8:12] = 0  # left = 0
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(bad)


def test_default_generator_is_lazy():
    g = Generator._lazy()
    assert g._engine is None
    g._uniform(1, np.float32)
    assert g._engine is not None
