"""functional_call, stack_module_state, functionalize, debug_unwrap and
replace_all_batch_norm_modules_, compared with torch.func."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.func._common import rand, same
from tests.oracle import copy_weights


def _linear(lib):
    lib.manual_seed(0)
    return lib.nn.Linear(3, 2)


def _both(fn):
    return fn(numtorch), fn(torch)


def test_replaces_parameters_and_restores():
    x, w = rand(4, 3), rand(2, 3)

    def fn(lib):
        m = _linear(lib)
        before = m.weight.detach().clone()
        out = lib.func.functional_call(m, {"weight": lib.tensor(w)}, lib.tensor(x))
        assert bool((m.weight == before).all())
        return out
    ours, theirs = _both(fn)
    same(ours, theirs)


def test_tuple_of_dicts_and_kwargs():
    x, w, b = rand(4, 3), rand(2, 3), rand(2)

    def fn(lib):
        m = _linear(lib)
        return lib.func.functional_call(m, ({"weight": lib.tensor(w)}, {"bias": lib.tensor(b)}),
                                        (), {"input": lib.tensor(x)})
    ours, theirs = _both(fn)
    same(ours, theirs)


def test_buffers():
    x = rand(5, 3)

    def fn(lib):
        m = lib.nn.BatchNorm1d(3).eval()
        return lib.func.functional_call(m, {"running_mean": lib.ones(3),
                                            "running_var": lib.full((3,), 4.0)}, lib.tensor(x))
    ours, theirs = _both(fn)
    same(ours, theirs)


def _tied(lib):
    class Tied(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Linear(2, 2)
            self.b = lib.nn.Linear(2, 2)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))
    lib.manual_seed(0)
    return Tied()


@pytest.mark.parametrize("tie", [True, False])
def test_tie_weights(tie):
    def fn(lib):
        m = _tied(lib)
        return lib.func.functional_call(m, {"a.weight": lib.zeros(2, 2)}, lib.ones(1, 2),
                                        tie_weights=tie)
    ours, theirs = _both(fn)
    same(ours, theirs)


def _raises(fn):
    errs = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as info:
            fn(lib)
        errs.append(info.value)
    t, n = errs
    assert type(n) is type(t), (n, t)
    assert str(n) == str(t)


def test_errors():
    x = rand(4, 3)
    _raises(lambda lib: lib.func.functional_call(
        _linear(lib), {"weight": lib.ones(2, 3), "foo": lib.ones(1)}, (lib.tensor(x),),
        strict=True))
    _raises(lambda lib: lib.func.functional_call(_linear(lib), {"weight": lib.ones(2, 3)},
                                                 (lib.tensor(x),), strict=True))
    _raises(lambda lib: lib.func.functional_call(
        _linear(lib), ({"weight": lib.ones(2, 3)}, {"weight": lib.ones(2, 3)}), (lib.tensor(x),)))
    _raises(lambda lib: lib.func.functional_call(_linear(lib), 3, (lib.tensor(x),)))
    _raises(lambda lib: lib.func.functional_call(
        _tied(lib), {"a.weight": lib.zeros(2, 2), "b.weight": lib.ones(2, 2)}, lib.ones(1, 2)))


def test_gradient_through_functional_call():
    x, w = rand(4, 3), rand(2, 3)

    def fn(lib):
        m = _linear(lib)
        wt = lib.tensor(w, requires_grad=True)
        out = lib.func.functional_call(m, {"weight": wt}, lib.tensor(x))
        return lib.autograd.grad(out.sum(), wt)[0]
    ours, theirs = _both(fn)
    same(ours, theirs)


def test_stack_module_state_and_ensemble():
    x = rand(4, 3)
    base_n, base_t = numtorch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    models_n = [numtorch.nn.Linear(3, 2) for _ in range(3)]
    models_t = [torch.nn.Linear(3, 2) for _ in range(3)]
    for mn, mt in zip(models_n, models_t):
        copy_weights(mt, mn)
    copy_weights(base_t, base_n)

    def run(lib, models, base):
        params, buffers = lib.func.stack_module_state(models)

        def f(p, b, inp):
            return lib.func.functional_call(base, (p, b), (inp,))
        out = lib.vmap(f, in_dims=(0, 0, None))(params, buffers, lib.tensor(x))
        return params, buffers, out
    pn, bn, on = run(numtorch, models_n, base_n)
    pt, bt, ot = run(torch, models_t, base_t)
    assert sorted(pn) == sorted(pt) and bn == bt == {}
    for k in pt:
        same(pn[k], pt[k])
        assert pn[k].requires_grad == pt[k].requires_grad
        assert pn[k].is_leaf == pt[k].is_leaf
    same(on, ot)


def test_stack_module_state_errors():
    _raises(lambda lib: lib.func.stack_module_state([]))
    _raises(lambda lib: lib.func.stack_module_state([lib.nn.Linear(1, 1).eval(),
                                                     lib.nn.Linear(1, 1)]))


def test_functionalize_same_results_and_mutations():
    x = rand(4)

    def fn(lib):
        t = lib.tensor(x)

        def f(a):
            b = a.clone()
            b.add_(1)
            a.mul_(2)
            return b
        out = lib.func.functionalize(f)(t)
        return out, t
    ours, theirs = _both(fn)
    same(ours, theirs)


def test_debug_unwrap():
    def fn(lib):
        return lib.vmap(lambda t: lib.func.debug_unwrap(t) * 1)(lib.ones(2, 3))
    ours, theirs = _both(fn)
    same(ours, theirs)


def test_replace_all_batch_norm_modules():
    def fn(lib):
        m = lib.nn.Sequential(lib.nn.BatchNorm1d(3), lib.nn.Linear(3, 1))
        lib.func.replace_all_batch_norm_modules_(m)
        bn = m[0]
        return bn.running_mean, bn.running_var, bn.track_running_stats
    ours, theirs = _both(fn)
    assert ours == theirs
    _ = np
