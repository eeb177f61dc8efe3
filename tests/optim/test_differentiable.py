"""``differentiable=True`` steps against torch: for each optimizer that takes the flag and a
few option sets, a few steps on a non-leaf parameter give torch's trajectory and state, and
``autograd.grad`` of a function of the updated parameter gives torch's gradients with respect
to the initial parameter, each step's gradient and Tensor hyperparameters that require grad.
Where torch's own graph cannot be differentiated (a saved tensor modified in place by a later
step) numtorch raises the same error.
"""

import inspect
import warnings

import numpy as np
import pytest
import torch

import numtorch

SHAPE = (2, 3)
# a Tensor hyperparameter that requires grad: ("T", value); ("t", value) does not require grad
T = "T"
t = "t"

CASES = [  # (optimizer, options, steps)
    ("SGD", {"lr": 0.1}, 3),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.05}, 3),
    ("SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True, "maximize": True}, 3),
    ("SGD", {"lr": (T, 0.1), "momentum": 0.9}, 3),
    ("SGD", {"lr": (T, [0.1]), "weight_decay": (T, 0.1)}, 2),
    ("SGD", {"lr": (t, 0.1), "weight_decay": (t, 0.1)}, 2),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "foreach": True}, 3),
    ("Adam", {"lr": 0.1}, 1),
    ("Adam", {"lr": 0.1}, 2),
    ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}, 1),
    ("Adam", {"lr": 0.05, "maximize": True, "decoupled_weight_decay": True,
              "weight_decay": 0.1}, 1),
    ("Adam", {"lr": (T, 0.1), "betas": ((T, 0.8), (T, 0.9)), "weight_decay": (T, 0.1)}, 1),
    ("Adam", {"lr": (t, 0.1), "betas": ((t, 0.8), (t, 0.9)), "amsgrad": True}, 1),
    ("AdamW", {"lr": (T, 0.1), "weight_decay": 0.2}, 1),
    ("RMSprop", {"lr": 0.1}, 2),
    ("RMSprop", {"lr": 0.1, "centered": True, "weight_decay": 0.1, "maximize": True}, 2),
    ("RMSprop", {"lr": 0.1, "momentum": 0.5, "alpha": 0.9}, 2),
    ("RMSprop", {"lr": (t, 0.1)}, 1),
    ("Adagrad", {"lr": 0.1}, 3),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "maximize": True,
                 "initial_accumulator_value": 0.1}, 3),
    ("Adadelta", {}, 1),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}, 2),
    ("Adadelta", {"lr": (t, 0.5), "maximize": True}, 2),
    ("Adamax", {"lr": 0.1}, 1),
    ("Adamax", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}, 2),
    ("ASGD", {"lr": 0.1}, 3),
    ("ASGD", {"lr": 0.1, "t0": 1, "lambd": 0.01, "weight_decay": 0.1}, 3),
    ("ASGD", {"lr": (T, 0.1), "t0": 1, "maximize": True}, 3),
    ("NAdam", {"lr": 0.1}, 2),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "momentum_decay": 0.01}, 2),
    ("NAdam", {"lr": (T, 0.1), "weight_decay": 0.1, "decoupled_weight_decay": True}, 1),
    ("NAdam", {"lr": (T, 0.1)}, 2),
    ("RAdam", {"lr": 0.1}, 2),
    ("RAdam", {"lr": (T, 0.1), "weight_decay": 0.1}, 7),
    ("RAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "maximize": True}, 7),
    ("Rprop", {"lr": 0.1}, 1),
    ("Rprop", {"lr": 0.1, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}, 3),
    ("Rprop", {"lr": (t, 0.1), "maximize": True}, 2),
]


def _ids(cases):
    return [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}-{s}steps"
            for n, kw, s, *_ in cases]


def _hyper(lib, value, dtype, leaves):
    """Options with ("T"/"t", v) markers made into tensors of ``lib`` (recorded in
    ``leaves`` when they require grad)."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in (T, t):
        x = lib.tensor(value[1], dtype=getattr(lib, dtype), requires_grad=value[0] == T)
        if value[0] == T:
            leaves.append(x)
        return x
    if isinstance(value, tuple):
        return tuple(_hyper(lib, v, dtype, leaves) for v in value)
    return value


def _data(dtype, steps, seed=0):
    rng = np.random.default_rng(seed)

    def draw():
        x = rng.uniform(-1, 1, SHAPE)
        if dtype.startswith("complex"):
            x = x + 1j * rng.uniform(-1, 1, SHAPE)
        return x.astype(dtype)

    return draw(), [draw() for _ in range(steps)], draw()


def _run(lib, name, kwargs, steps, dtype="float32", hyper_dtype="float32"):
    """Trajectory, final state, grad_fn name, and the gradients of a function of the final
    param with respect to [initial param, each step's gradient, Tensor hyperparameters] (or
    the exception of ``autograd.grad``)."""
    w0, g0, c0 = _data(dtype, steps)
    leaves = []
    kw = {k: _hyper(lib, v, hyper_dtype, leaves) for k, v in kwargs.items()}
    w = lib.tensor(w0, requires_grad=True)
    p = w.clone()
    grads = [lib.tensor(g, requires_grad=True) for g in g0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = getattr(lib.optim, name)([p], differentiable=True, **kw)
    trajectory = []
    for g in grads:
        p.grad = g * 1.0
        opt.step()
        trajectory.append(p.detach().numpy().copy())
    state = {k: v.detach().numpy().copy() for k, v in opt.state[p].items()
             if isinstance(v, lib.Tensor)}
    loss = p * p + p * lib.tensor(c0)
    loss = (lib.view_as_real(loss) if loss.is_complex() else loss).sum()
    try:
        result = lib.autograd.grad(loss, [w, *grads, *leaves], allow_unused=True)
        result = [None if r is None else r.numpy() for r in result]
    except RuntimeError as e:
        result = (type(e).__name__, str(e).split(":")[0])
    return trajectory, state, type(p.grad_fn).__name__, result


TOL = {"float32": 2e-5, "float64": 1e-10, "complex64": 2e-5}


def _assert_same(n, t, dtype):
    n_traj, n_state, n_fn, n_res = n
    t_traj, t_state, t_fn, t_res = t
    tol = TOL[dtype]
    for a, b in zip(n_traj, t_traj, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    assert n_state.keys() == t_state.keys()
    for k in t_state:
        assert n_state[k].dtype == t_state[k].dtype, k
        np.testing.assert_allclose(n_state[k], t_state[k], rtol=tol, atol=tol, err_msg=k)
    if not dtype.startswith("complex"):  # numtorch updates complex params by a copy_
        assert n_fn == t_fn
    if isinstance(t_res, tuple):
        assert n_res == t_res
        return
    assert isinstance(n_res, list)
    for i, (a, b) in enumerate(zip(n_res, t_res, strict=True)):
        assert (a is None) == (b is None), i
        if b is not None:
            assert a.shape == b.shape and a.dtype == b.dtype, i
            tol_i = TOL[str(b.dtype)] * 10  # hyperparameters are float32
            np.testing.assert_allclose(a, b, rtol=tol_i, atol=tol_i, err_msg=str(i))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs,steps", CASES, ids=_ids(CASES))
def test_differentiable_steps_match_torch(name, kwargs, steps, dtype):
    n = _run(numtorch, name, kwargs, steps, dtype)
    t = _run(torch, name, kwargs, steps, dtype)
    _assert_same(n, t, dtype)


COMPLEX_CASES = [c for c in CASES if not any(isinstance(v, tuple) and v[0] == T
                                              for v in c[1].values())]


@pytest.mark.parametrize("name,kwargs,steps", COMPLEX_CASES, ids=_ids(COMPLEX_CASES))
def test_differentiable_steps_on_complex_params_match_torch(name, kwargs, steps):
    n = _run(numtorch, name, kwargs, steps, "complex64")
    t = _run(torch, name, kwargs, steps, "complex64")
    _assert_same(n, t, "complex64")


def test_table_exercises_gradients_and_every_supported_optimizer():
    """Every optimizer whose torch constructor takes ``differentiable`` is in the table, and
    most cases give gradients (not errors) to compare."""
    names = {n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
             and issubclass(getattr(torch.optim, n), torch.optim.Optimizer)
             and "differentiable" in inspect.signature(getattr(torch.optim, n)).parameters}
    assert names == {n for n, *_ in CASES}
    graded = sum(isinstance(_run(torch, *c)[3], list) for c in CASES)
    assert graded >= len(CASES) * 3 // 4


DIFF_NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "ASGD",
              "NAdam", "RAdam", "Rprop"]
ERROR_CASES = (
    [(n, {"foreach": True}, g) for n in DIFF_NAMES for g in (True, False)]
    + [(n, {"capturable": True}, True) for n in DIFF_NAMES
       if "capturable" in inspect.signature(getattr(torch.optim, n)).parameters]
    + [(n, {"fused": True}, True) for n in ("SGD", "Adam", "AdamW", "Adagrad")]
    + [(n, {"lr": (T, 0.1)}, True) for n in DIFF_NAMES]
    + [("RMSprop", {"lr": (T, 0.1), "momentum": 0.5}, True),
       ("Rprop", {"lr": (T, 0.1), "differentiable": False}, True),
       ("Adam", {"step": (T, 0.0)}, True),
       ("SGD", {"differentiable": None}, True), ("Adam", {"differentiable": 1}, True)]
)


def _outcome(lib, name, kwargs, grad):
    """(stage, exception type, message) of a differentiable step, and the state after it."""
    leaves = []
    kw = {k: _hyper(lib, v, "float32", leaves) for k, v in kwargs.items() if k != "step"}
    kw.setdefault("differentiable", True)
    p = lib.tensor([1.0, -2.0, 0.5], requires_grad=True).clone()
    outcome = ("ok", None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            opt = getattr(lib.optim, name)([p], **kw)
        except Exception as e:  # noqa: BLE001
            return ("ctor", type(e).__name__, str(e)), {}
        if "step" in kwargs:
            opt.state[p].update(step=_hyper(lib, kwargs["step"], "float32", leaves),
                                exp_avg=lib.zeros(3), exp_avg_sq=lib.zeros(3))
        if grad:
            p.grad = lib.tensor([0.3, 0.2, -0.1])
        try:
            opt.step()
        except Exception as e:  # noqa: BLE001
            outcome = ("step", type(e).__name__, str(e))
    state = {k: v.detach().numpy().tolist() for k, v in opt.state[p].items()}
    return outcome, state


@pytest.mark.parametrize("name,kwargs,grad", ERROR_CASES,
                         ids=[f"{n}-{kw}-{'grad' if g else 'nograd'}"
                              for n, kw, g in ERROR_CASES])
def test_unsupported_options_raise_like_torch(name, kwargs, grad):
    (n_out, n_state), (t_out, t_state) = (_outcome(lib, name, kwargs, grad)
                                          for lib in (numtorch, torch))
    assert n_out == t_out
    assert n_state.keys() == t_state.keys()
    for k in t_state:
        np.testing.assert_allclose(n_state[k], t_state[k], rtol=1e-6, err_msg=k)


@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf")
@pytest.mark.parametrize("name", DIFF_NAMES)
def test_param_groups_and_params_without_gradient(name):
    """Two groups with their own lr, a param without gradient left alone (no state)."""
    def run(lib):
        w = lib.tensor([[0.5, -1.0], [1.5, 0.25]], requires_grad=True)
        p, q, r = w[0].clone(), w[1].clone(), lib.ones(2, requires_grad=True).clone()
        opt = getattr(lib.optim, name)([{"params": [p, r]}, {"params": [q], "lr": 0.05}],
                                       lr=0.1, differentiable=True)
        g = lib.tensor([0.3, -0.4], requires_grad=True)
        for k in range(2):
            p.grad, q.grad = g * (k + 1), g * g
            opt.step()
        loss = (p * p).sum() + (q * lib.tensor([1.0, 2.0])).sum()
        try:
            grads = [x.numpy() for x in lib.autograd.grad(loss, [w, g])]
        except RuntimeError as e:
            grads = type(e).__name__
        return ([x.detach().numpy() for x in (p, q, r)], grads, r in opt.state,
                len(opt.state[p]))

    n, t = run(numtorch), run(torch)
    assert n[2:] == t[2:]
    assert isinstance(n[1], str) == isinstance(t[1], str)
    for a, b in zip(n[0] + ([] if isinstance(t[1], str) else n[1]),
                    t[0] + ([] if isinstance(t[1], str) else t[1])):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-5)


def test_non_leaf_param_without_gradient_warns_like_torch():
    def run(lib):
        p = lib.ones(2, requires_grad=True).clone()
        opt = lib.optim.Adam([p], differentiable=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            opt.step()
        return [str(w.message).split(".")[0] for w in caught]

    assert run(numtorch) == run(torch)
