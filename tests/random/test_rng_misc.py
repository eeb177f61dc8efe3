"""bernoulli, dropout's mask, exponential_, geometric_, cauchy_, log_normal_ against torch."""

import platform

import numpy as np
import pytest
import torch

import numtorch._random as nt_random
from numtorch._random._cpu import cpu_capability

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


@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_bernoulli_probability_tensor(np_dt, t_dt):
    p = np.linspace(0, 1, 10000).astype(np_dt)
    g = _seed(1)
    assert _same(g._bernoulli_tensor(p), torch.bernoulli(torch.from_numpy(p)))


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 1 / 3])
@pytest.mark.parametrize("np_dt,t_dt", DTYPES + [(np.int64, torch.int64), (np.bool_, torch.bool)])
def test_bernoulli_scalar(p, np_dt, t_dt):
    g = _seed(2)
    assert _same(g._bernoulli_scalar(10000, p, np_dt), torch.empty(10000, dtype=t_dt).bernoulli_(p))


@pytest.mark.parametrize("p", [0.1, 0.5, 0.7, 1 / 3])
def test_dropout_mask(p):
    g = _seed(3)
    x = torch.randn(100, 50)
    g._normal(5000, np.float32)
    out = torch.nn.functional.dropout(x, p)
    keep = np.float32(1.0 - p)
    noise = g._bernoulli_scalar(5000, 1.0 - p, np.float32) / keep
    assert _same(x.numpy().ravel() * noise, out)


@pytest.mark.parametrize("lambd", [1.0, 2.5])
@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_exponential(lambd, np_dt, t_dt):
    g = _seed(4)
    assert _same(
        g._exponential(10000, np_dt, lambd), torch.empty(10000, dtype=t_dt).exponential_(lambd)
    )


@pytest.mark.parametrize("np_dt,t_dt", DTYPES)
def test_geometric_cauchy_log_normal(np_dt, t_dt):
    g = _seed(5)
    assert _same(g._geometric(5000, np_dt, 0.3), torch.empty(5000, dtype=t_dt).geometric_(0.3))
    assert _same(g._cauchy(5000, np_dt, 0.5, 2.0), torch.empty(5000, dtype=t_dt).cauchy_(0.5, 2.0))
    assert _same(
        g._log_normal(5000, np_dt, 0.5, 2.0), torch.empty(5000, dtype=t_dt).log_normal_(0.5, 2.0)
    )
