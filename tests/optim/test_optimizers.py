"""Optimizers: 50 steps on a small MLP from the same start give torch's parameters.

The MLP is written with plain leaf tensors (two layers, tanh), so the test needs only the core;
`test_with_nn_linear` repeats a few cases through ``nn.Linear`` when numtorch.nn provides it.
"""

import warnings

import numpy as np
import pytest
import torch

import numtorch

STEPS = 50
TOL = {"float32": 1e-5, "float64": 1e-12}

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.01, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "maximize": True, "amsgrad": True, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.2, "betas": (0.85, 0.95)}),
    ("AdamW", {"lr": 0.01, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.1, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.05, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "alpha": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "maximize": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.01, "maximize": True}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01, "maximize": True, "betas": (0.5, 0.9)}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "t0": 10, "lambd": 1e-3, "alpha": 0.5, "weight_decay": 0.1}),
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.1)}),
    ("Rprop", {"lr": 0.001}),
]
# sign-based updates amplify last-bit gradient differences into different trajectories, so
# these run on gradients copied from torch (which isolates the optimizer's own arithmetic)
SAME_GRAD_CASES = list({name: (name, kw) for name, kw in CASES}.values()) + [
    ("Rprop", {"lr": 0.001, "maximize": True}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.1), "maximize": True}),
]


def _ids(cases):
    return [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}"
            for name, kw in cases]


def _data(dtype, seed=0):
    rng = np.random.default_rng(seed)
    shapes = {"w1": (4, 3), "b1": (4,), "w2": (1, 4), "b2": (1,)}
    params = {k: (rng.standard_normal(s) * 0.5).astype(dtype) for k, s in shapes.items()}
    x = rng.standard_normal((6, 3)).astype(dtype)
    y = rng.standard_normal((6, 1)).astype(dtype)
    return params, x, y


class Problem:
    """A 3-4-1 tanh MLP with a squared-error loss, built from leaf tensors of one library."""

    def __init__(self, lib, dtype, seed=0):
        params, x, y = _data(dtype, seed)
        self.lib = lib
        self.params = [lib.tensor(v, requires_grad=True) for v in params.values()]
        self.x, self.y = lib.tensor(x), lib.tensor(y)

    def loss(self):
        w1, b1, w2, b2 = self.params
        h = (self.x @ w1.T + b1).tanh()
        return ((h @ w2.T + b2 - self.y) ** 2).mean()

    def closure_for(self, opt):
        def closure():
            opt.zero_grad()
            loss = self.loss()
            loss.backward()
            return loss
        return closure

    def values(self):
        return [p.detach().numpy().copy() for p in self.params]


def _train(lib, name, kwargs, dtype, steps=STEPS, param_groups=False):
    prob = Problem(lib, dtype)
    params = prob.params
    if param_groups:  # the first layer in its own group with its own lr
        params = [{"params": params[:2], "lr": kwargs.get("lr", 0.01) * 0.5},
                  {"params": params[2:]}]
    opt = getattr(lib.optim, name)(params, **kwargs)
    closure = prob.closure_for(opt)
    for _ in range(steps):
        closure()
        opt.step()
    return prob.values(), opt


def _assert_close(got, expected, dtype):
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", CASES, ids=_ids(CASES))
def test_trajectory_matches_torch(name, kwargs, dtype):
    expected, t_opt = _train(torch, name, kwargs, dtype)
    got, n_opt = _train(numtorch, name, kwargs, dtype)
    _assert_close(got, expected, dtype)
    n_sd, t_sd = n_opt.state_dict(), t_opt.state_dict()
    assert n_sd["param_groups"] == t_sd["param_groups"]
    assert set(n_sd["state"]) == set(t_sd["state"])
    for i, t_state in t_sd["state"].items():
        n_state = n_sd["state"][i]
        assert list(n_state) == list(t_state)
        for k, tv in t_state.items():
            nv = n_state[k]
            assert type(nv).__name__ == type(tv).__name__
            if isinstance(tv, torch.Tensor):
                assert str(nv.dtype) == str(tv.dtype) and tuple(nv.shape) == tuple(tv.shape)
                np.testing.assert_allclose(nv.numpy(), tv.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", SAME_GRAD_CASES, ids=_ids(SAME_GRAD_CASES))
def test_same_gradients_give_same_parameters(name, kwargs, dtype):
    t_prob, n_prob = Problem(torch, dtype), Problem(numtorch, dtype)
    t_opt = getattr(torch.optim, name)(t_prob.params, **kwargs)
    n_opt = getattr(numtorch.optim, name)(n_prob.params, **kwargs)
    for _ in range(STEPS):
        t_opt.zero_grad()
        t_prob.loss().backward()
        for t, n in zip(t_prob.params, n_prob.params):
            n.grad = numtorch.tensor(t.grad.numpy().copy())
        t_opt.step()
        n_opt.step()
    tol = {"float32": 1e-6, "float64": 1e-14}[dtype]
    for g, e in zip(n_prob.values(), t_prob.values()):
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol)


PARAM_GROUP_CASES = [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.01}),
                     ("RMSprop", {"lr": 0.01, "centered": True}), ("Adagrad", {"lr": 0.1})]


@pytest.mark.parametrize("name,kwargs", PARAM_GROUP_CASES, ids=_ids(PARAM_GROUP_CASES))
def test_param_groups_with_own_lr(name, kwargs):
    expected, t_opt = _train(torch, name, kwargs, "float32", steps=20, param_groups=True)
    got, n_opt = _train(numtorch, name, kwargs, "float32", steps=20, param_groups=True)
    _assert_close(got, expected, "float32")
    assert n_opt.state_dict()["param_groups"] == t_opt.state_dict()["param_groups"]


LBFGS_CASES = [{}, {"line_search_fn": "strong_wolfe"},
               {"lr": 0.5, "max_iter": 5, "history_size": 4},
               {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 8}]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=_ids([("LBFGS", k) for k in LBFGS_CASES]))
def test_lbfgs_matches_torch(kwargs, dtype):
    def run(lib):
        prob = Problem(lib, dtype)
        opt = lib.optim.LBFGS(prob.params, **kwargs)
        closure = prob.closure_for(opt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses = [float(opt.step(closure)) for _ in range(3)]
        return prob.values(), losses, opt.state_dict()

    (got, n_losses, n_sd), (expected, t_losses, t_sd) = run(numtorch), run(torch)
    tol = 1e-4 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(n_losses, t_losses, rtol=tol, atol=tol)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol)
    n_state, t_state = n_sd["state"][0], t_sd["state"][0]
    assert list(n_state) == list(t_state)
    for k in ("func_evals", "n_iter"):
        assert n_state[k] == t_state[k]
    for k, tv in t_state.items():
        assert type(n_state[k]).__name__ == type(tv).__name__, k
    assert len(n_state["old_dirs"]) == len(t_state["old_dirs"])
    assert n_sd["param_groups"] == t_sd["param_groups"]


def test_lbfgs_converges_on_quadratic():
    a = numtorch.tensor([[3.0, 1.0], [1.0, 2.0]])
    b = numtorch.tensor([1.0, -1.0])
    x = numtorch.zeros(2, requires_grad=True)
    opt = numtorch.optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x @ a @ x) - b @ x
        loss.backward()
        return loss

    opt.step(closure)
    expected = np.linalg.solve(a.numpy(), b.numpy())
    np.testing.assert_allclose(x.detach().numpy(), expected, atol=1e-5)


def test_step_with_closure_returns_loss():
    for lib in (numtorch, torch):
        prob = Problem(lib, "float32")
        opt = lib.optim.Adam(prob.params, lr=0.01)
        loss = opt.step(prob.closure_for(opt))
        assert isinstance(loss, lib.Tensor)
    n_prob, t_prob = Problem(numtorch, "float32"), Problem(torch, "float32")
    n_opt, t_opt = numtorch.optim.SGD(n_prob.params, lr=0.1), torch.optim.SGD(t_prob.params,
                                                                              lr=0.1)
    assert float(n_opt.step(n_prob.closure_for(n_opt))) == pytest.approx(
        float(t_opt.step(t_prob.closure_for(t_opt))), rel=1e-6)
    _assert_close(n_prob.values(), t_prob.values(), "float32")


def test_params_without_grad_are_skipped():
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0], requires_grad=True)
        opt = lib.optim.Adam([a, b], lr=0.1)
        (a ** 2).sum().backward()
        opt.step()
        return a.detach().numpy(), b.detach().numpy(), sorted(opt.state_dict()["state"])

    n, t = run(numtorch), run(torch)
    np.testing.assert_allclose(n[0], t[0], rtol=1e-6)
    np.testing.assert_array_equal(n[1], t[1])
    assert n[2] == t[2]


def test_step_bumps_version_and_keeps_identity():
    p = numtorch.tensor([1.0, 2.0], requires_grad=True)
    data = p._data
    opt = numtorch.optim.SGD([p], lr=0.1)
    p.grad = numtorch.tensor([1.0, 1.0])
    v = p._version
    opt.step()
    assert p._data is data and p._version == v + 1 and p.is_leaf and p.requires_grad
    np.testing.assert_allclose(p.detach().numpy(), [0.9, 1.9], rtol=1e-6)


def test_zero_grad():
    for set_to_none in (True, False):
        p = numtorch.tensor([1.0, 2.0], requires_grad=True)
        opt = numtorch.optim.SGD([p], lr=0.1)
        (p * 3).sum().backward()
        g = p.grad
        opt.zero_grad(set_to_none=set_to_none)
        if set_to_none:
            assert p.grad is None
        else:
            assert p.grad is g and g.tolist() == [0.0, 0.0]
    p = numtorch.tensor([1.0], requires_grad=True)
    opt = numtorch.optim.SGD([p], lr=0.1)
    opt.zero_grad()  # no grad yet: nothing to do
    assert p.grad is None


COMPLEX_CASES = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.1, "amsgrad": True}),
                 ("AdamW", {"lr": 0.1}), ("RMSprop", {"lr": 0.01, "centered": True,
                                                      "momentum": 0.5}),
                 ("Adagrad", {"lr": 0.1}), ("Adadelta", {}), ("Adamax", {"lr": 0.1}),
                 ("NAdam", {"lr": 0.1}), ("RAdam", {"lr": 0.1}), ("ASGD", {"lr": 0.1}),
                 ("Rprop", {"lr": 0.1})]


@pytest.mark.parametrize("name,kwargs", COMPLEX_CASES, ids=_ids(COMPLEX_CASES))
def test_complex_params_match_torch(name, kwargs):
    """Complex params are updated as pairs of reals (gradients given, no complex autograd)."""
    def run(lib):
        rng = np.random.default_rng(3)
        z0 = (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64)
        z = lib.tensor(z0, requires_grad=True)
        opt = getattr(lib.optim, name)([z], **kwargs)
        for _ in range(20):
            cur = z.detach().numpy()
            z.grad = lib.tensor((2 * cur + 0.3j * cur ** 2).astype(np.complex64))
            opt.step()
        return z.detach().numpy()

    np.testing.assert_allclose(run(numtorch), run(torch), rtol=1e-5, atol=1e-6)


def test_repr_matches_torch():
    for name, kw in [("SGD", {"lr": 0.1}), ("Adam", {}), ("LBFGS", {})]:
        n = getattr(numtorch.optim, name)([numtorch.zeros(2, requires_grad=True)], **kw)
        t = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kw)
        assert repr(n) == repr(t)


def test_hooks_run_around_step():
    calls = []
    p = numtorch.tensor([1.0], requires_grad=True)
    opt = numtorch.optim.SGD([p], lr=0.1)
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    opt.step()
    h1.remove()
    opt.step()
    assert calls == ["pre", "post", "post"]


def test_add_param_group_defaults():
    def run(lib):
        a = lib.zeros(2, requires_grad=True)
        b = lib.zeros(3, requires_grad=True)
        opt = lib.optim.SGD([a], lr=0.1, momentum=0.5)
        opt.add_param_group({"params": b, "lr": 0.01})
        return opt.state_dict()["param_groups"]

    assert run(numtorch) == run(torch)


def test_named_params_store_param_names():
    def run(lib):
        a = lib.zeros(2, requires_grad=True)
        b = lib.zeros(3, requires_grad=True)
        return lib.optim.Adam([("a", a), ("b", b)]).state_dict()["param_groups"]

    assert run(numtorch) == run(torch)


def _err(lib, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as info:
            fn(lib)
    return type(info.value), str(info.value)


def _leaf(lib):
    return lib.zeros(2, requires_grad=True)


ERROR_CASES = {
    "negative_lr": lambda lib: lib.optim.SGD([_leaf(lib)], lr=-1),
    "adam_negative_lr": lambda lib: lib.optim.Adam([_leaf(lib)], lr=-0.5),
    "single_tensor": lambda lib: lib.optim.SGD(_leaf(lib), lr=0.1),
    "empty": lambda lib: lib.optim.Adam([]),
    "non_tensor": lambda lib: lib.optim.SGD([_leaf(lib), 3], lr=0.1),
    "non_leaf": lambda lib: lib.optim.SGD([_leaf(lib) * 2], lr=0.1),
    "set_params": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1).add_param_group(
        {"params": {_leaf(lib)}}),
    "duplicate_group": lambda lib: (lambda p: lib.optim.SGD([{"params": [p]},
                                                              {"params": [p]}], lr=0.1))(
        _leaf(lib)),
    "nesterov": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, nesterov=True),
    "momentum": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, momentum=-0.1),
    "sgd_wd": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, weight_decay=-1),
    "beta0": lambda lib: lib.optim.Adam([_leaf(lib)], betas=(1.0, 0.9)),
    "beta1": lambda lib: lib.optim.AdamW([_leaf(lib)], betas=(0.9, -0.1)),
    "eps": lambda lib: lib.optim.Adam([_leaf(lib)], eps=-1e-8),
    "adam_wd": lambda lib: lib.optim.Adam([_leaf(lib)], weight_decay=-1e-2),
    "lr_decay": lambda lib: lib.optim.Adagrad([_leaf(lib)], lr_decay=-1),
    "init_acc": lambda lib: lib.optim.Adagrad([_leaf(lib)], initial_accumulator_value=-1),
    "rho": lambda lib: lib.optim.Adadelta([_leaf(lib)], rho=1.5),
    "alpha": lambda lib: lib.optim.RMSprop([_leaf(lib)], alpha=-1),
    "rms_momentum": lambda lib: lib.optim.RMSprop([_leaf(lib)], momentum=-1),
    "momentum_decay": lambda lib: lib.optim.NAdam([_leaf(lib)], momentum_decay=-1),
    "radam_beta": lambda lib: lib.optim.RAdam([_leaf(lib)], betas=(0.9, 1.0)),
    "adamax_eps": lambda lib: lib.optim.Adamax([_leaf(lib)], eps=-1),
    "rprop_etas": lambda lib: lib.optim.Rprop([_leaf(lib)], etas=(1.5, 1.2)),
    "asgd_wd": lambda lib: lib.optim.ASGD([_leaf(lib)], weight_decay=-1),
    "lbfgs_groups": lambda lib: lib.optim.LBFGS([{"params": [_leaf(lib)]},
                                                 {"params": [_leaf(lib)]}]),
    "lbfgs_ls": lambda lib: (lambda p: lib.optim.LBFGS([p], line_search_fn="armijo").step(
        lambda: (p ** 2).sum().backward()))(lib.ones(2, requires_grad=True)),
    "group_not_dict": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1).add_param_group([1]),
    "sparse_adam_lr": lambda lib: lib.optim.SparseAdam([_leaf(lib)], lr=0.0),
    "sparse_adam_dense": lambda lib: (lambda p: (setattr(p, "grad", lib.ones_like(p)),
                                                 lib.optim.SparseAdam([p]).step()))(_leaf(lib)),
    "fused_foreach": lambda lib: lib.optim.SGD([_leaf(lib)], lr=0.1, fused=True,
                                               foreach=True),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_match_torch(case):
    fn = ERROR_CASES[case]
    assert _err(numtorch, fn) == _err(torch, fn)


def test_duplicate_param_warning():
    def run(lib):
        p = _leaf(lib)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        return [str(x.message) for x in w]

    assert run(numtorch) == run(torch)


def test_default_hyperparameters_match_torch():
    names = ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop", "Adamax", "NAdam",
             "RAdam", "LBFGS", "ASGD", "Rprop"]
    for name in names:
        n = getattr(numtorch.optim, name)([numtorch.zeros(1, requires_grad=True)])
        t = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)])
        assert n.defaults == t.defaults, name
        assert n.state_dict() == {"state": {}, "param_groups": t.state_dict()["param_groups"]} \
            or name == "Adagrad"


def _require_nn():
    """Skip while numtorch.nn (written in parallel) lacks what the model tests use."""
    nn = getattr(numtorch, "nn", None)
    needed = ("Linear", "Sequential", "Tanh", "functional")
    if nn is None or not all(hasattr(nn, n) for n in needed) \
            or not hasattr(nn.functional, "mse_loss"):
        pytest.skip("numtorch.nn is not complete yet")


@pytest.mark.parametrize("name,kwargs", [("SGD", {"lr": 0.05, "momentum": 0.9}),
                                         ("Adam", {"lr": 0.01}), ("RMSprop", {"lr": 0.01})])
def test_with_nn_linear(name, kwargs):
    _require_nn()

    def run(lib):
        rng = np.random.default_rng(5)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))
        with lib.no_grad():
            for p in model.parameters():
                p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
        x = lib.tensor(rng.standard_normal((5, 3)).astype(np.float32))
        y = lib.tensor(rng.standard_normal((5, 2)).astype(np.float32))
        opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
        for _ in range(STEPS):
            opt.zero_grad()
            lib.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
        return [p.detach().numpy() for p in model.parameters()]

    _assert_close(run(numtorch), run(torch), "float32")
