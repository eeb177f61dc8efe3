"""nn.DataParallel and nn.parallel.data_parallel on a machine without GPUs, as torch's."""

from __future__ import annotations

import numpy as np
import torch

import numtorch as nt
from tests.oracle import check_raises, copy_weights


def test_data_parallel_wraps_and_runs_the_module():
    tm = torch.nn.DataParallel(torch.nn.Linear(2, 3))
    nm = nt.nn.DataParallel(nt.nn.Linear(2, 3))
    copy_weights(tm, nm)
    assert repr(nm) == repr(tm)
    assert nm.device_ids == tm.device_ids == []
    assert list(nm.state_dict()) == list(tm.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_allclose(nm(nt.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    assert nm.module is nm._modules["module"]


def test_data_parallel_function_needs_a_device():
    check_raises(lambda L: L.nn.parallel.data_parallel(L.nn.Linear(2, 3), L.ones(1, 2)), [])
