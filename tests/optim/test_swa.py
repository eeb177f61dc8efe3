"""``optim.swa_utils`` against torch: averaged parameters and buffers after several updates
(SWA, EMA, per-tensor and list-wise functions, ``use_buffers``), ``n_averaged``, state_dict
keys, ``SWALR`` lr sequences, ``update_bn`` statistics and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import copy_weights


def _model(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))


def _avg_kwargs(lib, kind):
    su = lib.optim.swa_utils
    return {"swa": {}, "ema_multi": {"multi_avg_fn": su.get_ema_multi_avg_fn(0.9)},
            "ema": {"avg_fn": su.get_ema_avg_fn(0.8)},
            "swa_multi": {"multi_avg_fn": su.get_swa_multi_avg_fn()},
            "swa_fn": {"avg_fn": su.get_swa_avg_fn()}}[kind]


def _run(lib, kind, use_buffers, init_state):
    model = _model(lib)
    model.load_state_dict({k: lib.tensor(v) for k, v in init_state.items()})
    avg = lib.optim.swa_utils.AveragedModel(model, use_buffers=use_buffers,
                                            **_avg_kwargs(lib, kind))
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(0)
    for _ in range(4):
        x = lib.tensor(rng.standard_normal((5, 3)).astype(np.float32))
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
        avg.update_parameters(model)
    out = avg.eval()(lib.tensor(np.ones((2, 3), np.float32)))
    return {k: v.numpy().copy() for k, v in avg.state_dict().items()}, out.detach().numpy()


@pytest.mark.parametrize("kind", ["swa", "ema_multi", "ema", "swa_multi", "swa_fn"])
@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model(kind, use_buffers):
    if kind == "swa_multi" and use_buffers:
        # the integer num_batches_tracked buffer makes torch's list-wise mean raise
        for lib in (torch, numtorch):
            with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
                _run(lib, kind, use_buffers, {k: v.numpy() for k, v in
                                              _model(torch).state_dict().items()})
        return
    torch.manual_seed(0)
    init = {k: v.numpy().copy() for k, v in _model(torch).state_dict().items()}
    tsd, tout = _run(torch, kind, use_buffers, init)
    nsd, nout = _run(numtorch, kind, use_buffers, init)
    assert list(nsd) == list(tsd)
    for k in tsd:
        np.testing.assert_allclose(nsd[k], tsd[k], rtol=1e-5, atol=1e-6, err_msg=k)
        assert nsd[k].dtype == tsd[k].dtype
    np.testing.assert_allclose(nout, tout, rtol=1e-5, atol=1e-6)


def test_averaged_model_int_params_and_errors():
    for lib in (torch, numtorch):
        su = lib.optim.swa_utils
        with pytest.raises(ValueError, match="Invalid decay value"):
            su.get_ema_avg_fn(1.5)
        with pytest.raises(ValueError, match="Invalid decay value"):
            su.get_ema_multi_avg_fn(-0.1)
    a = [torch.tensor([1, 5]), torch.tensor([2.0, 4.0])]
    b = [torch.tensor([3, 9]), torch.tensor([4.0, 0.0])]
    na = [numtorch.tensor([1, 5]), numtorch.tensor([2.0, 4.0])]
    nb = [numtorch.tensor([3, 9]), numtorch.tensor([4.0, 0.0])]
    torch.optim.swa_utils.get_ema_multi_avg_fn(0.5)(a[:1], b[:1], None)
    numtorch.optim.swa_utils.get_ema_multi_avg_fn(0.5)(na[:1], nb[:1], None)
    np.testing.assert_array_equal(na[0].numpy(), a[0].numpy())
    torch.optim.swa_utils.get_swa_multi_avg_fn()(a[1:], b[1:], torch.tensor(3))
    numtorch.optim.swa_utils.get_swa_multi_avg_fn()(na[1:], nb[1:], numtorch.tensor(3))
    np.testing.assert_allclose(na[1].numpy(), a[1].numpy())


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 4])
def test_swalr_lrs(strategy, anneal_epochs):
    lrs = []
    for lib in (torch, numtorch):
        p = lib.zeros(2, requires_grad=True)
        q = lib.zeros(2, requires_grad=True)
        opt = lib.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.3}], lr=0.5)
        sched = lib.optim.swa_utils.SWALR(opt, swa_lr=[0.05, 0.01], anneal_epochs=anneal_epochs,
                                          anneal_strategy=strategy)
        seq = [sched.get_last_lr()]
        for _ in range(7):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr())
        lrs.append((seq, sorted(sched.state_dict())))
    assert lrs[1][0] == lrs[0][0]
    assert lrs[1][1] == lrs[0][1]


def test_swalr_errors():
    for args, kw in [((0.1,), {"anneal_strategy": "exp"}), ((0.1,), {"anneal_epochs": -1}),
                     (([0.1, 0.2],), {})]:
        msgs = []
        for lib in (torch, numtorch):
            opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
            with pytest.raises(ValueError) as e:
                lib.optim.swa_utils.SWALR(opt, *args, **kw)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


def test_update_bn():
    torch.manual_seed(0)
    tm = _model(torch)
    nm = _model(numtorch)
    copy_weights(tm, nm)
    tm[1].momentum = 0.3
    nm[1].momentum = 0.3
    rng = np.random.default_rng(0)
    data = [rng.standard_normal((6, 3)).astype(np.float32) for _ in range(3)]
    tm.eval()
    nm.eval()
    torch.optim.swa_utils.update_bn([(torch.tensor(d), 0) for d in data], tm)
    numtorch.optim.swa_utils.update_bn([(numtorch.tensor(d), 0) for d in data], nm)
    assert nm.training is tm.training is False
    assert nm[1].momentum == tm[1].momentum == 0.3
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(nm.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6)
