"""grad, grad_and_value and vjp compared with torch.func: values, argnums, has_aux, nesting,
composition with vmap (per-sample gradients) and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.func._common import both, rand, same
from tests.oracle import check_raises


def _loss(lib):
    def f(x, y):
        return (lib.tanh(x) * y).sum() + (x ** 2).mean()
    return f


def test_grad_values():
    ours, theirs, _, _ = both(lambda L, x, y: L.func.grad(_loss(L))(x, y), [rand(3, 4),
                                                                        rand(3, 4)])
    same(ours, theirs)


@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1,), -1])
def test_argnums(argnums):
    ours, theirs, _, _ = both(lambda L, x, y: L.func.grad(_loss(L), argnums)(x, y),
                              [rand(3, 4), rand(3, 4)])
    same(ours, theirs)


def test_grad_and_value_has_aux():
    def fn(lib, x):
        def f(t):
            out = (t.sin() ** 2).sum()
            return out, {"aux": t.cos(), "more": [t * 2]}
        g, (v, aux) = lib.func.grad_and_value(f, has_aux=True)(x)
        return g, v, aux["aux"], aux["more"][0]
    ours, theirs, _, _ = both(fn, [rand(5)])
    same(ours, theirs)
    assert not ours[1].requires_grad and not ours[2].requires_grad


def test_grad_pytree_argument():
    def fn(lib, a, b):
        def f(p):
            return (p["w"] * p["v"][0]).sum()
        return lib.func.grad(f)({"w": a, "v": (b,)})
    ours, theirs, _, _ = both(fn, [rand(4), rand(4)])
    same(ours["w"], theirs["w"])
    same(ours["v"], theirs["v"])


def test_grad_of_grad():
    def fn(lib, x):
        return lib.func.grad(lambda t: lib.func.grad(lambda u: (u ** 3).sum())(t).sum())(x)
    ours, theirs, _, _ = both(fn, [rand(4)])
    same(ours, theirs)


def test_grad_captures_outer_variable():
    def fn(lib, x, y):
        return lib.func.grad(lambda a: lib.func.grad(lambda b: (a * b).sin().sum())(y).sum())(x)
    ours, theirs, _, _ = both(fn, [rand(3), rand(3)])
    same(ours, theirs)


def test_grad_result_differentiable_wrt_requires_grad_input():
    """grad(f)(x) is a function of x: backward through it reaches x as in torch."""
    def fn(lib, x):
        g = lib.func.grad(lambda t: (t.sin() * t).sum())(x)
        return lib.autograd.grad(g.sum(), x)[0]
    ours, theirs, _, _ = both(fn, [rand(4)], requires_grad=True)
    same(ours, theirs)


def test_grad_ignores_outer_no_grad():
    def fn(lib, x):
        with lib.no_grad():
            return lib.func.grad(lambda t: (t ** 2).sum())(x)
    ours, theirs, _, _ = both(fn, [rand(4)])
    same(ours, theirs)


def test_per_sample_grads_mlp():
    """The torch.func tutorial: vmap(grad(loss)) over a batch, with functional_call."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 10)).astype("float32")
    y = rng.integers(0, 3, 6)

    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(10, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3))
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, sample, target):
            out = lib.func.functional_call(model, p, (sample.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, target.unsqueeze(0))
        return lib.func.vmap(lib.func.grad(loss), in_dims=(None, 0, 0))(
            params, lib.tensor(x), lib.tensor(y))
    ours, theirs = run(numtorch), run(torch)
    assert sorted(ours) == sorted(theirs)
    for k in theirs:
        same(ours[k], theirs[k], rtol=1e-4, atol=1e-6)


def test_grad_of_vmap():
    def fn(lib, x, w):
        return lib.func.grad(lambda v: lib.vmap(lambda r: (r @ v).tanh())(x).sum())(w)
    ours, theirs, _, _ = both(fn, [rand(5, 3), rand(3)])
    same(ours, theirs)


def test_vmap_of_grad_of_vmap_nested():
    def fn(lib, x):
        inner = lib.func.grad(lambda r: lib.vmap(lambda e: e.sin() * r.sum())(r).sum())
        return lib.vmap(inner)(x)
    ours, theirs, _, _ = both(fn, [rand(4, 3)])
    same(ours, theirs)


def test_vjp():
    def fn(lib, x, y, v):
        out, f = lib.func.vjp(lambda a, b: (a * b).sin(), x, y)
        return out, f(v)
    ours, theirs, _, _ = both(fn, [rand(3, 4), rand(4), rand(3, 4)])
    same(ours, theirs)


def test_vjp_has_aux_and_pytree_output():
    def fn(lib, x, v1, v2):
        out, f, aux = lib.func.vjp(lambda a: ((a.exp(), a.sum()), a * 2), x, has_aux=True)
        return out, f((v1, v2)), aux
    ours, theirs, _, _ = both(fn, [rand(3), rand(3), rand(1).reshape(())])
    same(ours, theirs)


def test_vmap_of_vjp_fn():
    def fn(lib, x, vs):
        _, f = lib.func.vjp(lambda a: a.sin() * a.sum(), x)
        return lib.vmap(f)(vs)
    ours, theirs, _, _ = both(fn, [rand(3), rand(4, 3)])
    same(ours, theirs)


@pytest.mark.parametrize("case", [
    lambda lib, x: lib.func.grad(lambda t: t)(x),
    lambda lib, x: lib.func.grad(lambda t: t.sum(), argnums=1)(x),
    lambda lib, x: lib.func.grad(lambda t: t.sum(), has_aux=True)(x),
    lambda lib, x: lib.func.grad(lambda t: 3.0)(x),
    lambda lib, x: lib.func.grad(lambda t: t.sum())(3.0),
    lambda lib, x: lib.func.grad(lambda t: t.sum(), argnums=())(x),
    lambda lib, x: lib.func.grad(lambda t: t.sum(), argnums=1.0)(x),
    lambda lib, x: lib.func.grad(lambda t: t.sum())(x.long()),
    lambda lib, x: lib.func.grad(lambda t: (t.sum(), 1), has_aux=True)(x),
], ids=["non-scalar", "argnum-range", "aux-not-tuple", "non-tensor-out", "non-tensor-in",
        "empty-argnums", "float-argnums", "int-input", "aux-int"])
def test_errors(case):
    check_raises(case, shapes=[(2, 3)])


@pytest.mark.parametrize("argnum", [0, 1])
def test_grad_inside_two_vmaps(argnum):
    """The differentiated argument is batched at one vmap level only; its gradient still
    differs per sample of the other level."""
    def fn(lib, x, y):
        def f(a, b):
            return (a.sin() * b).sum() * (a if argnum == 0 else b).sum()
        g = lib.func.grad(f, argnums=argnum)
        return lib.vmap(lib.vmap(g, in_dims=(None, 0)), in_dims=(0, None))(x, y)
    ours, theirs, _, _ = both(fn, [rand(3, 4), rand(5, 4)])
    same(ours, theirs, rtol=1e-4)
