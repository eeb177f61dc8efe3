"""Optimizer state_dict: torch's structure, and a mid-run save resumes the same trajectory."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import numtorch

from .test_optimizers import CASES, STEPS, Problem, _ids

# one representative (option-heavy) case per algorithm
RESUME_CASES = list({name: (name, kw) for name, kw in CASES}.values()) + [
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
]
HALF = STEPS // 2


def _run(lib, name, kwargs, dtype, steps, prob=None, opt=None):
    prob = prob or Problem(lib, dtype)
    opt = opt or getattr(lib.optim, name)(prob.params, **kwargs)
    closure = prob.closure_for(opt)
    for _ in range(steps):
        closure()
        opt.step()
    return prob, opt


def _resumed(lib, name, kwargs, dtype, transfer):
    """Train HALF steps, save, rebuild params+optimizer from the saved state, train the rest."""
    prob, opt = _run(lib, name, kwargs, dtype, HALF)
    saved = transfer(opt.state_dict())
    fresh = Problem(lib, dtype)
    with lib.no_grad():
        for dst, src in zip(fresh.params, prob.params):
            dst.copy_(src)
    opt2 = getattr(lib.optim, name)(fresh.params, **kwargs)
    opt2.load_state_dict(saved)
    _run(lib, name, kwargs, dtype, STEPS - HALF, prob=fresh, opt=opt2)
    return fresh.values(), opt2


@pytest.mark.parametrize("transfer", ["deepcopy", "pickle"])
@pytest.mark.parametrize("name,kwargs", RESUME_CASES, ids=_ids(RESUME_CASES))
def test_resume_gives_same_trajectory(name, kwargs, transfer):
    move = copy.deepcopy if transfer == "deepcopy" else lambda sd: pickle.loads(pickle.dumps(sd))
    straight, _ = _run(numtorch, name, kwargs, "float32", STEPS)
    resumed, opt = _resumed(numtorch, name, kwargs, "float32", move)
    for r, s in zip(resumed, straight.values()):
        np.testing.assert_array_equal(r, s)  # the same library: bit-identical
    t_prob, t_opt = _run(torch, name, kwargs, "float32", STEPS)
    for r, t in zip(resumed, t_prob.values()):
        np.testing.assert_allclose(r, t, rtol=1e-5, atol=1e-5)
    n_sd, t_sd = opt.state_dict(), t_opt.state_dict()
    assert n_sd["param_groups"] == t_sd["param_groups"]
    for i in t_sd["state"]:
        for k, tv in t_sd["state"][i].items():
            nv = n_sd["state"][i][k]
            if isinstance(tv, torch.Tensor):
                assert str(nv.dtype) == str(tv.dtype)
                np.testing.assert_allclose(nv.numpy(), tv.numpy(), rtol=1e-4, atol=1e-5)
            else:
                assert nv == tv


def _to_numtorch(value):
    if isinstance(value, torch.Tensor):
        return numtorch.tensor(value.numpy().copy())
    if isinstance(value, dict):
        return {k: _to_numtorch(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_numtorch(v) for v in value)
    return value


@pytest.mark.parametrize("name,kwargs", RESUME_CASES, ids=_ids(RESUME_CASES))
def test_torch_state_dict_loads_and_resumes(name, kwargs):
    """A state_dict made by torch mid-run, loaded into numtorch, continues torch's run."""
    t_prob, t_opt = _run(torch, name, kwargs, "float64", HALF)
    saved = _to_numtorch(t_opt.state_dict())
    n_prob = Problem(numtorch, "float64")
    with numtorch.no_grad():
        for dst, src in zip(n_prob.params, t_prob.params):
            dst.copy_(numtorch.tensor(src.detach().numpy().copy()))
    n_opt = getattr(numtorch.optim, name)(n_prob.params, **kwargs)
    n_opt.load_state_dict(saved)
    _run(torch, name, kwargs, "float64", STEPS - HALF, prob=t_prob, opt=t_opt)
    _run(numtorch, name, kwargs, "float64", STEPS - HALF, prob=n_prob, opt=n_opt)
    for n, t in zip(n_prob.values(), t_prob.values()):
        np.testing.assert_allclose(n, t, rtol=1e-12, atol=1e-12)


def test_lbfgs_resume():
    def train(lib, prob, opt, steps):
        closure = prob.closure_for(opt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(steps):
                opt.step(closure)

    kw = {"line_search_fn": "strong_wolfe", "history_size": 5, "max_iter": 4}
    straight = Problem(numtorch, "float64")
    train(numtorch, straight, numtorch.optim.LBFGS(straight.params, **kw), 4)
    prob = Problem(numtorch, "float64")
    opt = numtorch.optim.LBFGS(prob.params, **kw)
    train(numtorch, prob, opt, 2)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    fresh = Problem(numtorch, "float64")
    with numtorch.no_grad():
        for dst, src in zip(fresh.params, prob.params):
            dst.copy_(src)
    opt2 = numtorch.optim.LBFGS(fresh.params, **kw)
    opt2.load_state_dict(saved)
    train(numtorch, fresh, opt2, 2)
    for r, s in zip(fresh.values(), straight.values()):
        np.testing.assert_array_equal(r, s)


def test_state_dict_structure_matches_torch():
    def run(lib):
        a = lib.zeros(2, 3, requires_grad=True)
        b = lib.zeros(3, requires_grad=True)
        c = lib.zeros(1, requires_grad=True)
        opt = lib.optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.1, "amsgrad": True}])
        for p in (a, b, c):
            p.grad = lib.ones_like(p)
        opt.step()
        opt.step()
        return opt.state_dict()

    n, t = run(numtorch), run(torch)
    assert n["param_groups"] == t["param_groups"]
    assert list(n["state"]) == list(t["state"]) == [0, 1, 2]
    for i in t["state"]:
        assert list(n["state"][i]) == list(t["state"][i])
        for k, tv in t["state"][i].items():
            nv = n["state"][i][k]
            assert isinstance(nv, numtorch.Tensor)
            assert (str(nv.dtype), tuple(nv.shape)) == (str(tv.dtype), tuple(tv.shape))
            np.testing.assert_allclose(nv.numpy(), tv.numpy(), rtol=1e-6)


def test_state_is_cast_to_param_dtype_but_step_is_not():
    def run(lib):
        p64 = lib.zeros(3, dtype=lib.float64, requires_grad=True)
        opt = lib.optim.Adam([p64], lr=0.1)
        p64.grad = lib.ones_like(p64)
        opt.step()
        sd = opt.state_dict()
        p32 = lib.zeros(3, requires_grad=True)
        opt32 = lib.optim.Adam([p32], lr=0.5)
        opt32.load_state_dict(sd)
        st = opt32.state[p32]
        return ({k: str(v.dtype) for k, v in st.items()}, opt32.param_groups[0]["lr"],
                st["exp_avg"] is sd["state"][0]["exp_avg"], st["step"] is sd["state"][0]["step"])

    assert run(numtorch) == run(torch)


def test_load_keeps_same_dtype_state_without_copy():
    """torch's ``Tensor.to`` returns the same tensor when nothing changes; so does the load."""
    def run(lib):
        p = lib.zeros(3, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        p.grad = lib.ones_like(p)
        opt.step()
        sd = opt.state_dict()
        q = lib.zeros(3, requires_grad=True)
        opt2 = lib.optim.SGD([q], lr=0.1, momentum=0.9)
        opt2.load_state_dict(sd)
        return opt2.state[q]["momentum_buffer"] is sd["state"][0]["momentum_buffer"]

    assert run(numtorch) == run(torch)


def test_load_replaces_group_options():
    def run(lib):
        p = lib.zeros(2, requires_grad=True)
        sd = lib.optim.SGD([p], lr=0.3, momentum=0.5, nesterov=True).state_dict()
        q = lib.zeros(2, requires_grad=True)
        opt = lib.optim.SGD([q], lr=0.1)
        opt.load_state_dict(sd)
        return [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups], \
            opt.param_groups[0]["params"][0] is q

    assert run(numtorch) == run(torch)


@pytest.mark.parametrize("case", ["groups", "sizes"])
def test_load_errors_match_torch(case):
    def run(lib):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(2, requires_grad=True)
        src = lib.optim.SGD([a, b], lr=0.1) if case == "sizes" else \
            lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
        dst = lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=0.1)
        with pytest.raises(ValueError) as info:
            dst.load_state_dict(src.state_dict())
        return str(info.value)

    assert run(numtorch) == run(torch)


def test_old_checkpoint_with_float_step():
    """A numeric ``step`` (old checkpoints) becomes a tensor on load, as in torch."""
    def run(lib):
        p = lib.zeros(2, requires_grad=True)
        opt = lib.optim.Adam([p], lr=0.1)
        p.grad = lib.ones_like(p)
        opt.step()
        sd = copy.deepcopy(opt.state_dict())
        sd["state"][0]["step"] = 1
        opt2 = lib.optim.Adam([p], lr=0.1)
        opt2.load_state_dict(sd)
        step = opt2.state[p]["step"]
        return type(step).__name__, str(step.dtype), float(step)

    assert run(numtorch) == run(torch)


def test_state_dict_hooks():
    p = numtorch.zeros(2, requires_grad=True)
    opt = numtorch.optim.SGD([p], lr=0.1)
    seen = []
    opt.register_state_dict_pre_hook(lambda o: seen.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append("load_pre"))
    opt.register_load_state_dict_post_hook(lambda o: seen.append("load_post"))
    sd = opt.state_dict()
    assert sd["extra"] == 1 and seen == ["pre"]
    opt.load_state_dict(sd)
    assert seen == ["pre", "load_pre", "load_post"]


def test_adagrad_state_exists_before_first_step():
    def run(lib):
        p = lib.zeros(2, requires_grad=True)
        sd = lib.optim.Adagrad([p], initial_accumulator_value=0.5).state_dict()
        return {k: (str(v.dtype), v.tolist()) for k, v in sd["state"][0].items()}

    assert run(numtorch) == run(torch)


def test_default_dtype_float64_makes_float64_step():
    def run(lib):
        old = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            p = lib.zeros(2, requires_grad=True)
            opt = lib.optim.NAdam([p])
            p.grad = lib.ones_like(p)
            opt.step()
            return {k: str(v.dtype) for k, v in opt.state[p].items()}
        finally:
            lib.set_default_dtype(old)

    assert run(numtorch) == run(torch)


def test_pickled_optimizer_keeps_state_and_params_linked():
    prob, opt = _run(numtorch, "Adam", {"lr": 0.01}, "float32", 3)
    blob = pickle.dumps({"params": prob.params, "opt": opt})
    loaded = pickle.loads(blob)
    opt2, params2 = loaded["opt"], loaded["params"]
    assert opt2.param_groups[0]["params"][0] is params2[0]
    assert set(opt2.state) == set(params2)
    assert opt2.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    opt2.register_step_pre_hook(lambda *a: None)  # hook dicts exist after unpickling


def test_checkpoint_resume_with_model_and_scheduler():
    """Model + Adam + OneCycleLR checkpointed mid-run resume bit-identically (and match torch)."""
    from .test_optimizers import _require_nn

    _require_nn()

    def make(lib):
        rng = np.random.default_rng(7)
        model = lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.Linear(5, 1))
        with lib.no_grad():
            for p in model.parameters():
                p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
        opt = lib.optim.Adam(model.parameters(), lr=0.01, weight_decay=0.01)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=STEPS)
        return model, opt, sched

    def train(lib, model, opt, sched, steps):
        rng = np.random.default_rng(11)
        x = lib.tensor(rng.standard_normal((8, 3)).astype(np.float32))
        y = lib.tensor(rng.standard_normal((8, 1)).astype(np.float32))
        for _ in range(steps):
            opt.zero_grad()
            lib.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
            sched.step()

    def straight(lib):
        model, opt, sched = make(lib)
        train(lib, model, opt, sched, STEPS - 1)
        return [p.detach().numpy().copy() for p in model.parameters()]

    model, opt, sched = make(numtorch)
    train(numtorch, model, opt, sched, HALF)
    ckpt = pickle.loads(pickle.dumps({"model": model.state_dict(), "opt": opt.state_dict(),
                                      "sched": sched.state_dict()}))
    model2, opt2, sched2 = make(numtorch)
    model2.load_state_dict(ckpt["model"])
    opt2.load_state_dict(ckpt["opt"])
    sched2.load_state_dict(ckpt["sched"])
    train(numtorch, model2, opt2, sched2, STEPS - 1 - HALF)
    resumed = [p.detach().numpy() for p in model2.parameters()]
    for r, s in zip(resumed, straight(numtorch)):
        np.testing.assert_array_equal(r, s)
    for r, t in zip(resumed, straight(torch)):
        np.testing.assert_allclose(r, t, rtol=1e-5, atol=1e-5)
