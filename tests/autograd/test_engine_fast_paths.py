"""The engine's and ops' fast paths give PyTorch's results: gradient ownership and layout,
array-level backward formulas, no reference cycles, optimizers unchanged by their buffers."""

from __future__ import annotations

import gc

import numpy as np
import pytest
import torch

import numtorch

LIBS = (torch, numtorch)


def _both(fn):
    return [fn(lib) for lib in LIBS]


def test_leaf_grad_never_aliases_other_tensors():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        y = lib.ones(3, requires_grad=True)
        g = lib.ones(3)
        (x + y).backward(g)
        aliases = (x.grad.data_ptr() == y.grad.data_ptr(), x.grad.data_ptr() == g.data_ptr())
        x.grad.add_(1)
        z = lib.ones(3, requires_grad=True)
        h = lib.ones(3)
        z.backward(h)
        return aliases, y.grad.tolist(), g.tolist(), z.grad.data_ptr() == h.data_ptr()

    t, n = _both(run)
    assert t == n


@pytest.mark.parametrize("batch", [1, 5])
def test_linear_grads_have_parameter_layout(batch):
    def run(lib):
        lib.manual_seed(0)
        lin = lib.nn.Linear(6, 4)
        x = lib.tensor(np.linspace(-1, 1, batch * 6, dtype=np.float32).reshape(batch, 6),
                       requires_grad=True)
        lin(x).square().sum().backward()
        return (lin.weight.grad.stride(), lin.bias.grad.stride(), x.grad.stride(),
                lin.weight.grad.numpy().copy(), x.grad.numpy().copy())

    t, n = _both(run)
    assert t[:3] == n[:3]
    np.testing.assert_allclose(n[3], t[3], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(n[4], t[4], rtol=1e-6, atol=1e-6)


def test_mm_backward_graph_names_follow_torch_layout_rule():
    def names(fn):
        out = []
        while fn is not None:
            out.append(fn.name())
            fn = fn.next_functions[0][0] if fn.next_functions else None
        return out

    def run(lib):
        lib.manual_seed(0)
        lin = lib.nn.Linear(5, 3)
        x = lib.randn(4, 5, requires_grad=True)
        gx, gw = lib.autograd.grad(lin(x).sum(), (x, lin.weight), create_graph=True)
        return names(gw.grad_fn), gw.stride(), names(gx.grad_fn)

    t, n = _both(run)
    assert t == n


def test_relu_gradient_is_torchs_threshold_backward():
    def run(lib):
        x = lib.tensor([[-1.0, 0.0, 2.0, float("inf"), float("nan")]], requires_grad=True)
        x.relu().backward(lib.tensor([[-3.0, -2.0, float("inf"), -1.0, 5.0]]))
        grad = x.grad.numpy()
        y = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        (g,) = lib.autograd.grad((y.relu() ** 3).sum(), y, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), y)
        return grad.tolist(), np.signbit(grad).tolist(), g.grad_fn.name(), gg.tolist()

    t, n = _both(run)
    assert str(t) == str(n)


def test_log_softmax_nll_fast_path_matches_general_path():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((7, 5)).astype(np.float32)
    target = np.array([0, 4, 2, 2, 1, 3, 0])

    def run(lib, **kw):
        x = lib.tensor(logits, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor(target), **kw)
        loss.backward()
        return loss.item(), x.grad.numpy().copy(), loss.grad_fn.name()

    t = run(torch)
    fast = run(numtorch)
    general = run(numtorch, ignore_index=2)  # takes the masked path
    assert fast[2] == t[2]
    np.testing.assert_allclose(fast[0], t[0], rtol=1e-6)
    np.testing.assert_allclose(fast[1], t[1], rtol=1e-6, atol=1e-7)
    tg = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target),
                                           ignore_index=2)
    np.testing.assert_allclose(general[0], tg.item(), rtol=1e-6)


def test_no_reference_cycles_in_a_training_step():
    numtorch.manual_seed(0)
    model = numtorch.nn.Sequential(numtorch.nn.Linear(4, 8), numtorch.nn.ReLU(),
                                   numtorch.nn.Linear(8, 3))
    opt = numtorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = numtorch.randn(5, 4)
    y = numtorch.tensor([0, 1, 2, 1, 0])

    def step():
        loss = numtorch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            step()
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize("name,kw", [
    ("SGD", {}), ("SGD", {"momentum": 0.9, "dampening": 0.2}),
    ("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Adam", {}), ("Adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"betas": (0.3, 0.99), "maximize": True}), ("AdamW", {}),
])
def test_optimizer_trajectory_matches_torch(name, kw):
    rng = np.random.default_rng(0)
    init = [rng.standard_normal((6, 5)).astype(np.float32),
            rng.standard_normal(5).astype(np.float32)]
    grads = [[rng.standard_normal(a.shape).astype(np.float32) for a in init] for _ in range(4)]

    def run(lib):
        ps = [lib.tensor(a.copy(), requires_grad=True) for a in init]
        opt = getattr(lib.optim, name)(ps, lr=0.05, **kw)
        for gs in grads:
            for p, g in zip(ps, gs):
                p.grad = lib.tensor(g)
            opt.step()
        sd = opt.state_dict()
        return [p.detach().numpy().copy() for p in ps], sorted(sd["state"].get(0, {}))

    t, n = _both(run)
    assert t[1] == n[1]  # the reused buffers are not state
    for a, b in zip(n[0], t[0]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
