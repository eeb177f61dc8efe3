"""randint, random_, randperm: values and draw counts (state bytes) against torch."""

import warnings

import numpy as np
import pytest
import torch

import numtorch._random as nt_random
from numtorch._random.randperm import forward_shuffle, inside_out_shuffle


def _same(ours: np.ndarray, theirs: torch.Tensor) -> bool:
    t = theirs.contiguous().numpy()
    ok = ours.dtype == t.dtype and ours.tobytes() == t.ravel().tobytes()
    return ok and nt_random.default_generator._get_state_array().tobytes() == (
        torch.get_rng_state().numpy().tobytes()
    )


def _seed(s=0):
    torch.manual_seed(s)
    return nt_random.manual_seed(s)


@pytest.mark.parametrize(
    "low,high",
    [
        (0, 1),
        (0, 10),
        (0, 12),
        (0, 2**28 - 1),
        (0, 2**28),
        (0, 2**31),
        (0, 2**32),
        (0, 2**41),
        (-5, 7),
        (5, 5 + 2**28),
        (-(2**40), 2**40),
        (-(2**63), 2**63 - 1),
    ],
)
def test_randint_int64(low, high):
    g = _seed(3)
    assert _same(g._randint(1000, low, high), torch.randint(low, high, (1000,)))


@pytest.mark.parametrize(
    "low,high,np_dt,t_dt",
    [
        (0, 100, np.int32, torch.int32),
        (0, 2**28, np.int32, torch.int32),
        (0, 2**28 - 1, np.float64, torch.float64),
        (0, 2**28, np.float64, torch.float64),
        (0, 2**30, np.float64, torch.float64),
        (-3, 100, np.int16, torch.int16),
        (0, 200, np.uint8, torch.uint8),
        (0, 2, np.bool_, torch.bool),
        (0, 100, np.float16, torch.float16),
        # float bounds past the exactly representable integers (torch warns and adjusts `high`)
        (0, 2**25, np.float32, torch.float32),
        (0, 2**30, np.float32, torch.float32),
        (-(2**25), 0, np.float32, torch.float32),
        (-(2**54), 2**54, np.float64, torch.float64),
        (0, 2**54 + 6, np.float64, torch.float64),
        (0, 5000, np.float16, torch.float16),
    ],
)
def test_randint_dtypes(low, high, np_dt, t_dt):
    g = _seed(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        theirs = torch.randint(low, high, (1000,), dtype=t_dt)
    assert _same(g._randint(1000, low, high, np_dt), theirs)


DTYPES = [
    (np.int64, torch.int64),
    (np.int32, torch.int32),
    (np.int16, torch.int16),
    (np.int8, torch.int8),
    (np.uint8, torch.uint8),
    (np.bool_, torch.bool),
    (np.float16, torch.float16),
    (np.float32, torch.float32),
    (np.float64, torch.float64),
]


@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_random_unbounded(np_dt, t_dt):
    g = _seed(5)
    assert _same(g._random(1000, np_dt), torch.empty(1000, dtype=t_dt).random_())


@pytest.mark.parametrize(
    "low,high,np_dt,t_dt",
    [
        (5, None, np.int64, torch.int64),
        (-(2**63), None, np.int64, torch.int64),
        (2**62, None, np.int64, torch.int64),
        (-(2**31), None, np.int64, torch.int64),
        (5, None, np.int32, torch.int32),
        (-(2**31), None, np.int32, torch.int32),
        (5, None, np.int16, torch.int16),
        (3, None, np.uint8, torch.uint8),
        (-7, None, np.int8, torch.int8),
        (0, None, np.bool_, torch.bool),
        (5, None, np.float32, torch.float32),
        (-100, None, np.float64, torch.float64),
        (-7, None, np.float16, torch.float16),
        (0, 7, np.int64, torch.int64),
        (0, 2**28 + 5, np.int64, torch.int64),
        (-(2**20), 2**20, np.float32, torch.float32),
    ],
)
def test_random_bounded(low, high, np_dt, t_dt):
    g = _seed(6)
    theirs = torch.empty(1000, dtype=t_dt).random_(low, high)
    assert _same(g._random_bounded(1000, low, high, np_dt), theirs)


def test_random_int64_anchor():
    g = _seed(0)
    assert g._random(1, np.int64)[0] == 900450186894289455


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 1000, 100000, 1000000])
def test_randperm(n):
    g = _seed(n)
    assert _same(g._randperm(n), torch.randperm(n))


def test_randperm_dtype_and_generator():
    g = nt_random.Generator().manual_seed(3)
    tg = torch.Generator().manual_seed(3)
    t = torch.randperm(50, generator=tg, dtype=torch.float32)
    assert g._randperm(50, np.float32).tobytes() == t.numpy().tobytes()
    assert g._get_state_array().tobytes() == tg.get_state().numpy().tobytes()


def _naive_forward(n, targets):
    a = list(range(n))
    for i in range(n - 1):
        a[i], a[targets[i]] = a[targets[i]], a[i]
    return a


def _naive_inside_out(n, picks):
    a = [0] * n
    for i in range(n):
        a[i] = a[picks[i]]
        a[picks[i]] = i
    return a


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 17, 200, 3000])
def test_shuffle_resolution_matches_sequential_loops(n):
    rng = np.random.default_rng(n)
    for _ in range(10 if n < 100 else 2):
        targets = np.array([rng.integers(i, n) for i in range(max(n - 1, 0))], np.int64)
        assert forward_shuffle(n, targets).tolist() == _naive_forward(n, targets)
        picks = np.array([rng.integers(0, i + 1) for i in range(n)], np.int64)
        assert inside_out_shuffle(n, picks).tolist() == _naive_inside_out(n, picks)
