# ruff: noqa: B023, B018 - hooks close over per-library loop state; attribute reads are the test
"""``torch.autograd.graph`` against torch: saved-tensor hooks, save_on_cpu, disabling hooks,
mutation of saved tensors, multi-tensor hooks, gradient edges and node introspection."""

import numpy as np
import pytest
import torch

import numtorch

LIBS = [torch, numtorch]


def _arr(x):
    return None if x is None else np.asarray(x.detach().tolist(), dtype=float)


def _close(a, b):
    if a is None or b is None:
        assert a is None and b is None
    else:
        np.testing.assert_allclose(_arr(a), _arr(b), rtol=1e-5, atol=1e-6)


def _inputs(lib, *shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
            for s in shapes]


def _raises_same(fn):
    errs = []
    for lib in LIBS:
        with pytest.raises(Exception) as e:
            fn(lib)
        errs.append(e.value)
    assert type(errs[1]).__name__ == type(errs[0]).__name__, errs
    assert str(errs[1]) == str(errs[0]), errs


# -- saved_tensors_hooks ---------------------------------------------------------------------------
def _hooked_run(lib, retain):
    a, b = _inputs(lib, (3,), (3,))
    log = []

    def pack(t):
        log.append(("pack", tuple(t.shape), t.requires_grad, lib.is_grad_enabled()))
        return ("box", t)

    def unpack(p):
        log.append(("unpack", lib.is_grad_enabled()))
        assert p[0] == "box"
        return p[1] * 1.0  # any tensor may come back

    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = (a * b).sum()
        with lib.no_grad():
            a * b
    n_packed = len(log)
    y.backward(retain_graph=retain)
    if retain:
        y.backward()
    return log, n_packed, a.grad, b.grad


@pytest.mark.parametrize("retain", [False, True])
def test_pack_and_unpack_calls(retain):
    (tlog, tn, ta, tb), (nlog, nn_, na, nb) = (_hooked_run(lib, retain) for lib in LIBS)
    assert nlog == tlog and nn_ == tn
    _close(na, ta)
    _close(nb, tb)


def test_pack_receives_the_saved_tensor_itself():
    for lib in LIBS:
        (a,) = _inputs(lib, (3,))
        seen = []
        with lib.autograd.graph.saved_tensors_hooks(lambda t: seen.append(t is a) or t,
                                                     lambda t: t):
            a * a
        assert seen == [True, True]


def test_unpack_values_change_the_gradient():
    # the hook's unpacked value is what backward computes with
    grads = []
    for lib in LIBS:
        a, b = _inputs(lib, (4,), (4,))
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t * 2):
            y = (a * b).sum()
        y.backward()
        grads.append((a.grad, b.grad))
    _close(grads[1][0], grads[0][0])
    _close(grads[1][1], grads[0][1])


def test_saved_output_is_packed():
    logs = []
    for lib in LIBS:
        (a,) = _inputs(lib, (3,))
        log = []
        with lib.autograd.graph.saved_tensors_hooks(
                lambda t: log.append(t.grad_fn.name() if t.grad_fn else None) or t, lambda t: t):
            y = a.exp()
        y.sum().backward()
        logs.append((log, _arr(a.grad)))
    assert logs[1][0] == logs[0][0]
    np.testing.assert_allclose(logs[1][1], logs[0][1], rtol=1e-6)


def test_innermost_hooks_apply():
    for lib in LIBS:
        (a,) = _inputs(lib, (3,))
        log = []
        G = lib.autograd.graph
        with G.saved_tensors_hooks(lambda t: log.append("outer") or t, lambda t: t):
            with G.saved_tensors_hooks(lambda t: log.append("inner") or t, lambda t: t):
                a * a
            a.sin()
        assert log == ["inner", "inner", "outer"]


def test_unpack_must_return_a_tensor():
    def fn(lib):
        (a,) = _inputs(lib, (3,))
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: 5):
            y = (a * a).sum()
        y.backward()
    _raises_same(fn)


def test_hooked_tensor_skips_version_check():
    for lib in LIBS:
        (a,) = _inputs(lib, (3,))
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda t: t):
            x = a.clone()
            y = (x * x).sum()
        x.add_(1)
        y.backward()  # no error: the hook decided what was kept
    # without hooks both raise
    def fn(lib):
        (a,) = _inputs(lib, (3,))
        x = a.clone()
        y = (x * x).sum()
        x.add_(1)
        y.backward()
    with pytest.raises(RuntimeError):
        fn(numtorch)


def test_function_ctx_save_for_backward():
    results = []
    for lib in LIBS:
        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(x, y, None)
                return x * y

            @staticmethod
            def backward(ctx, g):
                x, y, none = ctx.saved_tensors
                log.append(("bwd", none))
                return g * y, g * x

        log = []
        a, b = _inputs(lib, (3,), (3,))
        c = b.detach()
        with lib.autograd.graph.saved_tensors_hooks(
                lambda t: log.append(("pack", t.requires_grad)) or t,
                lambda t: log.append("unpack") or t):
            z = Mul.apply(a, c).sum()
            with lib.no_grad():
                Mul.apply(a, c)
            Mul.apply(c, c)
        z.backward()
        results.append((log, _arr(a.grad)))
    assert results[1][0] == results[0][0]
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


def test_freed_after_backward():
    def fn(lib):
        (a,) = _inputs(lib, (3,))
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = (a * a).sum()
        y.backward()
        y.backward()
    _raises_same(fn)


# -- save_on_cpu, disable_saved_tensors_hooks, allow_mutation_on_saved_tensors --------------
def test_save_on_cpu_gradients():
    grads = []
    for lib in LIBS:
        a, b = _inputs(lib, (2, 3), (3, 4))
        with lib.autograd.graph.save_on_cpu(pin_memory=False):
            y = (a @ b).tanh().sum()
        y.backward()
        grads.append((a.grad, b.grad))
    _close(grads[1][0], grads[0][0])
    _close(grads[1][1], grads[0][1])


@pytest.mark.parametrize("pin", [False, True])
def test_save_on_cpu_copy_or_not(pin):
    # a CPU tensor is kept as is (a later in-place write shows), a pinned one is copied
    grads = []
    for lib in LIBS:
        (a,) = _inputs(lib, (3,))
        with lib.autograd.graph.save_on_cpu(pin_memory=pin):
            x = a * 1
            y = (x * x).sum()
        with lib.no_grad():
            x.add_(5)
        y.backward()
        grads.append(a.grad)
    _close(grads[1], grads[0])


def test_disable_saved_tensors_hooks():
    def enter_hooks(lib):
        G = lib.autograd.graph
        with G.disable_saved_tensors_hooks("no hooks here"):
            with G.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    _raises_same(enter_hooks)

    def enter_save_on_cpu(lib):
        with lib.autograd.graph.disable_saved_tensors_hooks("no cpu"):
            with lib.autograd.graph.save_on_cpu():
                pass
    _raises_same(enter_save_on_cpu)

    def disable_inside_hooks(lib):
        G = lib.autograd.graph
        with G.saved_tensors_hooks(lambda t: t, lambda t: t):
            with G.disable_saved_tensors_hooks("too late"):
                pass
    _raises_same(disable_inside_hooks)

    def nested(lib):
        G = lib.autograd.graph
        with G.disable_saved_tensors_hooks("outer"):
            with G.disable_saved_tensors_hooks("inner"):
                pass
            with G.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    _raises_same(nested)

    for lib in LIBS:  # ops themselves still work
        (a,) = _inputs(lib, (3,))
        with lib.autograd.graph.disable_saved_tensors_hooks("x"):
            (a * a).sum().backward()
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass  # enabled again afterwards


def test_allow_mutation_on_saved_tensors():
    grads = []
    for lib in LIBS:
        (a,) = _inputs(lib, (4,))
        with lib.autograd.graph.allow_mutation_on_saved_tensors() as ctx:
            assert type(ctx).__name__ == "_AllowMutationOnSavedContext"
            x = a.clone()
            y = (x * x.exp()).sum()
            x.sin_()
            y.backward()
        grads.append(a.grad)
    _close(grads[1], grads[0])

    def outside(lib):
        (a,) = _inputs(lib, (3,))
        with lib.autograd.graph.allow_mutation_on_saved_tensors():
            y = (a.clone() ** 2).sum()
        y.backward()
    _raises_same(outside)

    def nested(lib):
        G = lib.autograd.graph
        with G.allow_mutation_on_saved_tensors():
            with G.allow_mutation_on_saved_tensors():
                pass
    _raises_same(nested)


def test_increment_version():
    versions = []
    for lib in LIBS:
        t = lib.zeros(2)
        seen = [t._version]
        lib.autograd.graph.increment_version(t)
        seen.append(t._version)
        lib.autograd.graph.increment_version([t, t[0]])
        seen.append(t._version)
        versions.append(seen)
    assert versions[1] == versions[0]


# -- register_multi_grad_hook ----------------------------------------------------------------------
def _multi_all(lib):
    a, b, c = _inputs(lib, (3,), (3,), (3,))
    log = []

    def fn(grads):
        log.append([None if g is None else _arr(g).round(5).tolist() for g in grads])
    h = lib.autograd.graph.register_multi_grad_hook((a, b, c), fn)
    (a * b).sum().backward()
    (a * 2).sum().backward()
    (a * b * c).sum().backward()
    x = a * 1
    h2 = lib.autograd.graph.register_multi_grad_hook((x, b * 1), fn)
    lib.autograd.grad((x * b * c).sum(), [x])
    h.remove()
    h2.remove()
    (a * b).sum().backward()
    return log


def test_multi_grad_hook_all():
    assert _multi_all(numtorch) == _multi_all(torch)


def _multi_any(lib):
    a, b = _inputs(lib, (3,), (3,))
    log = []
    h = lib.autograd.graph.register_multi_grad_hook(
        (a, b), lambda g: log.append(_arr(g).round(5).tolist()) or g * 0, mode="any")
    (a * b.exp()).sum().backward()
    (a.exp() * b).sum().backward()
    h.remove()
    (a * b).sum().backward()
    return log, _arr(a.grad).round(5).tolist()


def test_multi_grad_hook_any():
    assert _multi_any(numtorch) == _multi_any(torch)


def test_multi_grad_hook_non_leaf_and_errors():
    logs = []
    for lib in LIBS:
        a, b = _inputs(lib, (3,), (3,))
        x, y = a * 2, b * 3
        log = []
        lib.autograd.graph.register_multi_grad_hook(
            (x, y), lambda gs: log.append([_arr(g).round(5).tolist() for g in gs]))
        (x * y).sum().backward()
        logs.append(log)
    assert logs[1] == logs[0]
    _raises_same(lambda lib: lib.autograd.graph.register_multi_grad_hook(
        _inputs(lib, (2,)), print, mode="some"))

    def leaf_in_grad(lib):
        a, b = _inputs(lib, (3,), (3,))
        lib.autograd.graph.register_multi_grad_hook((a, b), print)
        lib.autograd.grad((a * b).sum(), [a])
    _raises_same(leaf_in_grad)


# -- gradient edges and nodes ----------------------------------------------------------------------
def test_gradient_edge():
    res = []
    for lib in LIBS:
        G = lib.autograd.graph
        a, b = _inputs(lib, (3,), (3,))
        x = a * b
        e = G.get_gradient_edge(x)
        assert e.node is x.grad_fn and e.output_nr == 0 and e.ownership_token is None
        assert G.get_gradient_edge(a).node.name() == "torch::autograd::AccumulateGrad" or \
            type(G.get_gradient_edge(a).node).__name__ == "AccumulateGrad"
        assert repr(e).startswith("GradientEdge(node=<MulBackward0 object at ")
        assert tuple(G.GradientEdge(x.grad_fn, 0)) == (x.grad_fn, 0, None)
        y = x.exp().sum()
        (gx,) = lib.autograd.grad(y, G.get_gradient_edge(x), retain_graph=True)
        gx2, ga = lib.autograd.grad(y, [G.get_gradient_edge(x), a])
        res.append([_arr(gx), _arr(gx2), _arr(ga)])
    for n, t in zip(res[1], res[0]):
        np.testing.assert_allclose(n, t, rtol=1e-5)
    _raises_same(lambda lib: lib.autograd.graph.get_gradient_edge(lib.zeros(2)))


def test_node_introspection():
    for lib in LIBS:
        G = lib.autograd.graph
        a, b = _inputs(lib, (3,), (3,))
        n = (a * b).grad_fn
        assert isinstance(n, G.Node) and not isinstance(3, G.Node)
        assert isinstance(a.exp().grad_fn, G.Node)
        assert n.name() == "MulBackward0"
        assert [type(f).__name__ for f, _ in n.next_functions] == ["AccumulateGrad"] * 2
        assert n.metadata == {} and type(n.metadata) is dict
        n.metadata["k"] = 1
        assert n.metadata == {"k": 1}
        assert isinstance(n._sequence_nr(), int)
        e = a.exp()
        assert e.grad_fn._saved_result.grad_fn is e.grad_fn or lib is numtorch
        _close(e.grad_fn._saved_result, e)
        m = a * b
        _close(m.grad_fn._saved_other, b)
        _close(m.grad_fn._saved_self, a)
        with pytest.raises(AttributeError):
            m.grad_fn._saved_nothing_like_this


def test_saved_attribute_after_free():
    def fn(lib):
        a, b = _inputs(lib, (3,), (3,))
        m = a * b
        m.sum().backward()
        m.grad_fn._saved_other
    _raises_same(fn)


def test_node_hooks():
    logs = []
    for lib in LIBS:
        a, b = _inputs(lib, (3,), (3,))
        m = a * b
        log = []
        m.grad_fn.register_prehook(lambda go: log.append(("pre", len(go))))
        m.grad_fn.register_hook(
            lambda gi, go: log.append(("post", len(gi), len(go))) or (gi[0] * 2, gi[1]))
        m.sum().backward()
        logs.append((log, _arr(a.grad)))
    assert logs[1][0] == logs[0][0]
    np.testing.assert_allclose(logs[1][1], logs[0][1], rtol=1e-6)


def test_saved_attribute_unpacks_one_entry():
    logs = []
    for lib in LIBS:
        a, b = _inputs(lib, (3,), (3,))
        log = []
        with lib.autograd.graph.saved_tensors_hooks(lambda t: log.append("pack") or t,
                                                     lambda t: log.append("unpack") or t):
            m = a * b
        _close(m.grad_fn._saved_other, b)
        logs.append(log)
    assert logs[1] == logs[0]
