"""Global module hooks and the state-dict hook family, ``to_empty``, ``set_submodule`` and
``Module.compile``: the same calls, in the same order, as torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))


def _run_forward_hooks(lib):
    M = lib.nn.modules.module
    log = []
    m = _model(lib)
    handles = [
        M.register_module_forward_pre_hook(lambda mod, args: log.append(("gpre",
                                                                         type(mod).__name__))),
        M.register_module_forward_hook(lambda mod, args, out: log.append(("gpost",
                                                                          type(mod).__name__))),
        M.register_module_forward_hook(
            lambda mod, args, kwargs, out: log.append(("gkw", sorted(kwargs))), with_kwargs=True),
        m[0].register_forward_pre_hook(lambda mod, args: log.append(("pre0",))),
        m[0].register_forward_hook(lambda mod, args, out: log.append(("post0",))),
    ]
    x = lib.ones(2, 3)
    out = m(x)
    for h in handles:
        h.remove()
    m(x)
    return log, out.detach().numpy()


def test_global_forward_hooks_order():
    tl, to = _run_forward_hooks(torch)
    nl, no = _run_forward_hooks(numtorch)
    assert nl == tl
    np.testing.assert_allclose(no, to, rtol=1e-6)


def test_global_forward_hook_replaces_output_and_args():
    for lib in (torch, numtorch):
        M = lib.nn.modules.module
        m = lib.nn.Linear(2, 2)
        h1 = M.register_module_forward_pre_hook(lambda mod, args: (args[0] * 0,))
        h2 = M.register_module_forward_hook(lambda mod, args, out: out + 1)
        try:
            y = m(lib.ones(1, 2))
        finally:
            h1.remove()
            h2.remove()
        np.testing.assert_allclose(y.detach().numpy(), (m.bias + 1).detach().numpy()[None])


def _run_backward_hooks(lib):
    M = lib.nn.modules.module
    log = []
    m = _model(lib)
    handles = [
        M.register_module_full_backward_pre_hook(
            lambda mod, gout: log.append(("gbpre", type(mod).__name__))),
        M.register_module_full_backward_hook(
            lambda mod, gin, gout: log.append(("gb", type(mod).__name__,
                                               [None if g is None else tuple(g.shape)
                                                for g in gin]))),
    ]
    x = lib.ones(2, 3, requires_grad=True)
    m(x).sum().backward()
    for h in handles:
        h.remove()
    return log, x.grad.numpy()


def test_global_backward_hooks():
    tl, tg = _run_backward_hooks(torch)
    nl, ng = _run_backward_hooks(numtorch)
    assert nl == tl
    np.testing.assert_allclose(ng, tg, rtol=1e-6)


def _run_registration_hooks(lib):
    M = lib.nn.modules.module
    log = []
    handles = [
        M.register_module_buffer_registration_hook(
            lambda mod, name, b: log.append(("buf", type(mod).__name__, name))),
        M.register_module_parameter_registration_hook(
            lambda mod, name, p: log.append(("par", type(mod).__name__, name))),
        M.register_module_module_registration_hook(
            lambda mod, name, s: log.append(("mod", type(mod).__name__, name))),
    ]
    lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
    m = lib.nn.Linear(2, 2)
    m.bias = None
    m.w2 = lib.nn.Parameter(lib.zeros(1))
    m.register_buffer("x", None)
    m.add_module("k", None)
    m.child = lib.nn.ReLU()
    for h in handles:
        h.remove()
    lib.nn.Linear(2, 2)
    return log


def test_global_registration_hooks():
    assert _run_registration_hooks(numtorch) == _run_registration_hooks(torch)


def test_registration_hook_replaces_value():
    for lib in (torch, numtorch):
        M = lib.nn.modules.module
        h = M.register_module_buffer_registration_hook(lambda mod, name, b: b * 2)
        try:
            m = lib.nn.Module()
            m.register_buffer("x", lib.ones(2))
        finally:
            h.remove()
        np.testing.assert_array_equal(m.x.numpy(), np.full(2, 2.0, np.float32))


def _run_state_dict_hooks(lib):
    log = []
    m = _model(lib)
    m[0].register_state_dict_pre_hook(lambda mod, prefix, keep: log.append(("pre", prefix,
                                                                            keep)))

    def post(mod, sd, prefix, meta):
        log.append(("post", prefix, sorted(sd), sorted(meta)))
        sd[prefix + "extra"] = lib.zeros(1)
    m[2].register_state_dict_post_hook(post)
    keys = list(m.state_dict())

    def load_post(mod, keys_):
        log.append(("lpost", type(mod).__name__, list(keys_.missing_keys),
                    list(keys_.unexpected_keys)))
        keys_.unexpected_keys.clear()
    m.register_load_state_dict_post_hook(load_post)
    m[2].register_load_state_dict_post_hook(load_post)
    sd = {k: v for k, v in m.state_dict().items()}
    res = m.load_state_dict(sd)
    return log, keys, (list(res.missing_keys), list(res.unexpected_keys))


def test_state_dict_hooks():
    assert _run_state_dict_hooks(numtorch) == _run_state_dict_hooks(torch)


def test_state_dict_post_hook_must_return_none():
    for lib in (torch, numtorch):
        m = lib.nn.Linear(2, 2)
        m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: {})
        with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
            m.state_dict()


def test_load_state_dict_post_hook_must_not_return():
    for lib in (torch, numtorch):
        m = lib.nn.Linear(2, 2)
        m.register_load_state_dict_post_hook(lambda mod, keys: keys)
        with pytest.raises(AssertionError):
            m.load_state_dict(m.state_dict())


def test_to_empty():
    for lib in (torch, numtorch):
        m = _model(lib).double()
        out = m.to_empty(device="cpu")
        assert out is m
        assert [(k, tuple(v.shape), str(v.dtype)) for k, v in m.state_dict().items()] == \
            [(k, tuple(v.shape), str(v.dtype)) for k, v in _model(torch).double()
             .state_dict().items()]
        assert all(isinstance(p, lib.nn.Parameter) for p in m.parameters())


def test_set_submodule():
    cases = [("", None), ("0", 3), ("1.x", None, True), ("2.x", None), ("0.weight", None)]
    for case in cases:
        errs = []
        for lib in (torch, numtorch):
            m = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Sequential(lib.nn.ReLU()))
            args = list(case)
            if args[1] is None:
                args[1] = lib.nn.Tanh()
            with pytest.raises((ValueError, AttributeError)) as e:
                m.set_submodule(*args)
            errs.append((type(e.value), str(e.value)))
        assert errs[0] == errs[1], case
    reprs = []
    for lib in (torch, numtorch):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Sequential(lib.nn.ReLU()))
        m.set_submodule("1.new", lib.nn.Tanh())
        m.set_submodule("0", lib.nn.Identity(), strict=True)
        reprs.append(repr(m))
    assert reprs[0] == reprs[1]


def _with_extra(lib):
    class WithExtra(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lib.nn.Linear(2, 2)
            self.count = 5

        def get_extra_state(self):
            return {"count": self.count}

        def set_extra_state(self, state):
            self.count = state["count"]

    return WithExtra


def test_extra_state_round_trip():
    keys = []
    for lib in (torch, numtorch):
        cls = _with_extra(lib)
        a, b = cls(), cls()
        b.count = 0
        keys.append(list(a.state_dict()))
        b.load_state_dict(a.state_dict())
        assert b.count == 5
    assert keys[0] == keys[1]


def test_module_compile_keeps_results():
    m = _model(numtorch)
    x = numtorch.ones(2, 3)
    before = m(x).detach().numpy()
    assert m.compile() is None
    np.testing.assert_array_equal(m(x).detach().numpy(), before)


def _always_call_run(lib):
    class Boom(lib.nn.Module):
        def forward(self, x):
            raise KeyError("boom")

    log = []
    m = Boom()
    m.register_forward_hook(lambda mod, a, o: log.append(("local", o)), always_call=True)
    m.register_forward_hook(lambda mod, a, o: log.append(("local-not", o)))
    h = lib.nn.modules.module.register_module_forward_hook(
        lambda mod, a, o: log.append(("glob", o)), always_call=True)
    try:
        with pytest.raises(KeyError):
            m(1)
    finally:
        h.remove()

    def failing(mod, a, o):
        log.append(1)
        raise ValueError("h")
    lin = lib.nn.Linear(1, 1)
    lin.register_forward_hook(failing, always_call=True)
    lin.register_forward_hook(lambda mod, a, o: log.append(2), always_call=True)
    with pytest.raises(ValueError, match="h"):
        lin(lib.ones(1))
    return log


def test_always_call_forward_hooks():
    assert _always_call_run(numtorch) == _always_call_run(torch)


_NON_FULL_SCRIPT = """
import warnings
import torch
import numtorch

def run(lib):
    log = []
    h = lib.nn.modules.module.register_module_backward_hook(
        lambda m, gi, go: log.append((type(m).__name__,
                                      [None if g is None else tuple(g.shape) for g in gi],
                                      [tuple(g.shape) for g in go])))
    m = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU())
    x = lib.ones(2, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m(x).sum().backward()
    h.remove()
    try:
        lib.nn.modules.module.register_module_full_backward_hook(lambda *a: None)
    except RuntimeError as e:
        log.append(str(e))
    return log

print(run(torch) == run(numtorch))
"""


def test_global_non_full_backward_hook():
    """In a fresh process: torch's global backward-hook kind is fixed by the first one."""
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-c", _NON_FULL_SCRIPT], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.stdout.strip() == "True", out.stderr


def test_mixing_global_backward_hook_kinds_raises():
    # this process already registered global full backward hooks (test_global_backward_hooks)
    for lib in (torch, numtorch):
        lib.nn.modules.module.register_module_full_backward_hook(lambda *a: None).remove()
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks"):
            lib.nn.modules.module.register_module_backward_hook(lambda *a: None)
