"""Adafactor and Muon against torch (defaults, trajectories, state_dict layout, resume,
errors, Muon's bfloat16 Newton-Schulz update), ``differentiable=True`` steps of SGD, Adam,
RMSprop and Adagrad from a given state (the full table is in test_differentiable.py) and
``swap_in_optimizer_params_and_state``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch

SHAPES = {"Adafactor": [(3, 4), (4,), (), (2, 3, 2)], "Muon": [(3, 4), (5, 2)]}
CASES = [
    ("Adafactor", {}),
    ("Adafactor", {"lr": 0.1, "weight_decay": 0.1, "maximize": True, "eps": (1e-3, 1e-3)}),
    ("Adafactor", {"beta2_decay": -0.5, "d": 2.0}),
    ("Muon", {}),
    ("Muon", {"nesterov": False, "adjust_lr_fn": "match_rms_adamw", "lr": 0.02}),
    ("Muon", {"momentum": 0.5, "ns_steps": 3, "weight_decay": 0.0}),
]


def _params(lib, shapes, dtype="float32"):
    rng = np.random.default_rng(0)
    return [lib.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def _loss(ps):
    return sum((p * p * p).sum() + p.sum() ** 2 for p in ps)


def _train(lib, cls, kw, shapes, steps, opt=None, ps=None):
    if ps is None:
        ps = _params(lib, shapes)
    if opt is None:
        opt = getattr(lib.optim, cls)(ps, **kw)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(ps).backward()
        opt.step()
        history.append([p.detach().numpy().copy() for p in ps])
    return history, opt, ps


@pytest.mark.parametrize("cls,kw", CASES)
def test_trajectory_and_state(cls, kw):
    shapes = SHAPES[cls]
    th, topt, tps = _train(torch, cls, kw, shapes, 6)
    nh, nopt, nps = _train(numtorch, cls, kw, shapes, 6)
    for step, (a, b) in enumerate(zip(nh, th)):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6, err_msg=f"step {step}")
    tsd, nsd = topt.state_dict(), nopt.state_dict()
    assert nsd["param_groups"] == tsd["param_groups"]
    assert list(nsd["state"]) == list(tsd["state"])
    for i in tsd["state"]:
        assert list(nsd["state"][i]) == list(tsd["state"][i])
        for k, v in tsd["state"][i].items():
            assert tuple(nsd["state"][i][k].shape) == tuple(v.shape)
            assert str(nsd["state"][i][k].dtype) == str(v.dtype)
            np.testing.assert_allclose(nsd["state"][i][k].numpy(), v.numpy(), rtol=1e-5,
                                       atol=1e-6)
    assert repr(nopt) == repr(topt)


@pytest.mark.parametrize("cls,kw", CASES[:1] + CASES[3:4])
def test_resume_from_state_dict(cls, kw):
    shapes = SHAPES[cls]
    full, _, _ = _train(numtorch, cls, kw, shapes, 6)
    _, opt, ps = _train(numtorch, cls, kw, shapes, 3)
    sd = opt.state_dict()
    ps2 = [numtorch.tensor(p.detach().numpy(), requires_grad=True) for p in ps]
    opt2 = getattr(numtorch.optim, cls)(ps2, **kw)
    opt2.load_state_dict(sd)
    rest, _, _ = _train(numtorch, cls, kw, shapes, 3, opt=opt2, ps=ps2)
    for x, y in zip(rest[-1], full[-1]):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("cls,kw,shape", [
    ("Adafactor", {"lr": -1}, (2,)), ("Adafactor", {"beta2_decay": 0.1}, (2,)),
    ("Adafactor", {"eps": (-1, 1e-3)}, (2,)), ("Adafactor", {"eps": (None, -1)}, (2,)),
    ("Adafactor", {"d": 0.5}, (2,)), ("Adafactor", {"weight_decay": -1}, (2,)),
    ("Muon", {"lr": -1}, (2, 2)), ("Muon", {"weight_decay": -1}, (2, 2)),
    ("Muon", {"momentum": -1}, (2, 2)), ("Muon", {"adjust_lr_fn": "x"}, (2, 2)),
    ("Muon", {}, (4,)),
])
def test_constructor_errors(cls, kw, shape):
    msgs = []
    for lib in (torch, numtorch):
        with pytest.raises(ValueError) as e:
            getattr(lib.optim, cls)([lib.zeros(shape, requires_grad=True)], **kw)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_adafactor_complex_error():
    msgs = []
    for lib in (torch, numtorch):
        p = lib.zeros(2, 2, dtype=lib.complex64, requires_grad=True)
        p.grad = lib.ones(2, 2, dtype=lib.complex64)
        with pytest.raises(RuntimeError) as e:
            lib.optim.Adafactor([p]).step()
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


DIFF_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "maximize": True}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.2}),
    ("RMSprop", {"lr": 0.1}),
    ("RMSprop", {"lr": 0.1, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1}),
]


def _diff_run(lib, cls, kw):
    """Steps with ``differentiable=True``; SGD twice, Adam once from a given state (torch's
    own Adam graph cannot be backpropagated through two in-place steps)."""
    w = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    g1 = lib.tensor([0.5, 0.1, -0.3], requires_grad=True)
    g2 = lib.tensor([-0.2, 0.4, 0.7], requires_grad=True)
    p = w.clone()
    opt = getattr(lib.optim, cls)([p], differentiable=True, **kw)
    leaves = [w, g1, g2]
    if cls in ("SGD", "Adagrad"):
        grads = (g1, g2)
    elif cls == "RMSprop":
        grads = (g1,)
    else:
        grads = (g1,)
        ea = lib.tensor([0.1, -0.2, 0.05], requires_grad=True)
        eas = lib.tensor([0.3, 0.02, 0.5], requires_grad=True)
        state = {"step": lib.tensor(2.0), "exp_avg": ea.clone(), "exp_avg_sq": eas.clone()}
        if kw.get("amsgrad"):
            state["max_exp_avg_sq"] = eas.clone() * 1.5
        opt.state[p].update(state)
        leaves += [ea, eas]
    for g in grads:
        p.grad = g * 2
        opt.step()
    (p * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
    return [p.detach().numpy(), type(p.grad_fn).__name__] + [
        None if t.grad is None else t.grad.numpy() for t in leaves]


@pytest.mark.parametrize("cls,kw", DIFF_CASES)
def test_differentiable_step(cls, kw):
    t = _diff_run(torch, cls, kw)
    n = _diff_run(numtorch, cls, kw)
    assert n[1] == t[1]
    for a, b in zip(n[:1] + n[2:], t[:1] + t[2:]):
        assert (a is None) == (b is None)
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def _swap_run(lib):
    import copy

    p = lib.ones(2, requires_grad=True)
    opt = lib.optim.Adam([p], lr=0.1)
    p.grad = lib.ones(2)
    opt.step()
    q = lib.full((2,), 5.0, requires_grad=True)
    q.grad = lib.tensor([1.0, -2.0])
    sd = copy.deepcopy(opt.state_dict())
    sd["param_groups"][0]["lr"] = 0.5
    with lib.optim.swap_in_optimizer_params_and_state(opt, {"p": q}, sd):
        inside = (opt.param_groups[0]["params"][0] is q, next(iter(opt.state)) is q,
                  opt.param_groups[0]["lr"])
        opt.step()
    after = (opt.param_groups[0]["params"][0] is p, opt.param_groups[0]["lr"],
             float(opt.state[p]["step"]))
    with pytest.raises(RuntimeError) as e:
        with lib.optim.swap_in_optimizer_params_and_state(opt, {}, sd):
            pass
    return (inside, after, q.detach().numpy().tolist(), p.detach().numpy().tolist(),
            float(sd["state"][0]["step"]), sd["state"][0]["exp_avg"].numpy().tolist(),
            str(e.value))


def test_swap_in_optimizer_params_and_state():
    t, n = _swap_run(torch), _swap_run(numtorch)
    assert n[:2] == t[:2] and n[-1] == t[-1] and n[4] == t[4]
    for a, b in zip(n[2:6], t[2:6]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("shape", [(3, 5), (6, 2), (8, 8), (16, 32)])
@pytest.mark.parametrize("nesterov", [True, False])
def test_muon_orthogonalizes_in_bfloat16_like_torch(shape, nesterov):
    """One step from zero with lr=1 and no weight decay leaves ``-scale * update``: the
    Newton-Schulz result is a bfloat16 tensor (its values are bfloat16 numbers for scale 1)
    equal to torch's up to bfloat16 rounding of differently ordered float32 sums."""
    g = np.random.default_rng(1).standard_normal(shape).astype("float32")

    def run(lib):
        p = lib.zeros(shape, requires_grad=True)
        opt = lib.optim.Muon([p], lr=1.0, weight_decay=0.0, nesterov=nesterov)
        p.grad = lib.tensor(g)
        opt.step()
        return p.detach().numpy()

    n, t = run(numtorch), run(torch)
    assert n.dtype == t.dtype
    np.testing.assert_allclose(n, t, rtol=2 ** -7, atol=2 ** -12)
    assert (n == t).mean() > 0.8
    if shape[0] <= shape[1]:  # the lr scale is 1: the values are bfloat16 numbers
        rounded = numtorch.tensor(n).to(numtorch.bfloat16).float().numpy()
        np.testing.assert_array_equal(rounded, n)
