# ruff: noqa: B023 - the callables run inside the loop iteration that defines them
"""``torch.utils.checkpoint`` against torch and against plain (uncheckpointed) numtorch:
outputs, gradients of inputs and parameters, RNG replay, warnings and errors."""

import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint  # noqa: F401 - makes torch.utils.checkpoint reachable

import numtorch
import numtorch.utils.checkpoint  # noqa: F401

LIBS = [torch, numtorch]
VARIANTS = [True, False]


def _arr(x):
    return np.asarray(x.detach().tolist(), dtype=float)


def _model(lib, dropout=0.0):
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Dropout(dropout), nn.Linear(8, 8),
                         nn.ReLU(), nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, 3))


def _input(lib, requires_grad=True):
    data = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    return lib.tensor(data, requires_grad=requires_grad)


def _run(lib, how, reentrant, dropout=0.0):
    """Forward + backward of the model, plain or checkpointed; values and all gradients."""
    model = _model(lib, dropout)
    x = _input(lib)
    C = lib.utils.checkpoint
    lib.manual_seed(7)
    if how == "plain":
        out = model(x)
    elif how == "checkpoint":
        out = C.checkpoint(lambda t: model[4:](model[:4](t)), x, use_reentrant=reentrant)
    else:
        out = C.checkpoint_sequential(model, 3, x, use_reentrant=reentrant)
    upstream = lib.tensor(np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32))
    (out * upstream).sum().backward()
    return [_arr(out), _arr(x.grad)] + [_arr(p.grad) for p in model.parameters()]


@pytest.mark.parametrize("reentrant", VARIANTS)
@pytest.mark.parametrize("how", ["checkpoint", "sequential"])
@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_same_gradients(how, reentrant, dropout):
    theirs = _run(torch, how, reentrant, dropout)
    ours = _run(numtorch, how, reentrant, dropout)
    plain = _run(numtorch, "plain", reentrant, dropout)
    for o, t, p in zip(ours, theirs, plain):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(o, p, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reentrant", VARIANTS)
def test_dropout_mask_replayed(reentrant):
    # with preserve_rng_state the recomputation draws the forward's mask; the generator's
    # state after backward is the one forward left
    res = []
    for lib in LIBS:
        x = _input(lib)
        lib.manual_seed(3)
        y = lib.utils.checkpoint.checkpoint(
            lambda t: lib.nn.functional.dropout(t.exp(), 0.5) * t, x, use_reentrant=reentrant)
        y.sum().backward()
        res.append((_arr(y), _arr(x.grad), _arr(lib.rand(3))))
    for o, t in zip(res[1], res[0]):
        np.testing.assert_allclose(o, t, rtol=1e-6)


@pytest.mark.parametrize("reentrant", VARIANTS)
def test_without_preserve_rng_state(reentrant):
    # the recomputation draws a fresh mask: gradients differ from a plain run, as in torch
    res = []
    for lib in LIBS:
        x = _input(lib)
        lib.manual_seed(3)
        y = lib.utils.checkpoint.checkpoint(
            lambda t: lib.nn.functional.dropout(t.exp(), 0.5), x, use_reentrant=reentrant,
            preserve_rng_state=False)
        y.sum().backward()
        lib.manual_seed(3)
        x2 = _input(lib)
        lib.nn.functional.dropout(x2.exp(), 0.5).sum().backward()
        res.append((_arr(x.grad), _arr(x2.grad)))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-6)
    assert not np.allclose(res[1][0], res[1][1])


@pytest.mark.parametrize("reentrant", VARIANTS)
def test_grad_fn_and_outputs(reentrant):
    names = []
    for lib in LIBS:
        x = _input(lib)
        y, k = lib.utils.checkpoint.checkpoint(lambda t: (t * 2, 3), x, use_reentrant=reentrant)
        names.append((y.grad_fn.name(), k, y.requires_grad))
    assert names[1] == names[0]


def _warnings(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(m.category.__name__, str(m.message)) for m in w]


def test_use_reentrant_default_warns_and_is_reentrant():
    got = []
    for lib in LIBS:
        x = _input(lib)
        box = []
        msgs = _warnings(lambda: box.append(lib.utils.checkpoint.checkpoint(
            lambda t: t.sin(), x)))
        msgs2 = _warnings(lambda: lib.utils.checkpoint.checkpoint_sequential(
            [lib.nn.Tanh(), lib.nn.Tanh()], 2, x))
        got.append((msgs, msgs2, box[0].grad_fn.name()))
    assert got[1] == got[0]


@pytest.mark.parametrize("reentrant", VARIANTS)
def test_no_input_requires_grad(reentrant):
    got = []
    for lib in LIBS:
        x = _input(lib, requires_grad=False)
        box = []
        msgs = _warnings(lambda: box.append(lib.utils.checkpoint.checkpoint(
            lambda t: t * 2, x, use_reentrant=reentrant)))
        got.append((msgs, box[0].requires_grad))
    assert got[1] == got[0]


def _raises_same(fn):
    errs = []
    for lib in LIBS:
        with pytest.raises(Exception) as e:
            fn(lib)
        errs.append(e.value)
    assert type(errs[1]).__name__ == type(errs[0]).__name__, errs
    assert str(errs[1]) == str(errs[0])


def test_reentrant_refuses_autograd_grad():
    def fn(lib):
        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t: t.exp(), x, use_reentrant=True)
        lib.autograd.grad(y.sum(), x)
    _raises_same(fn)

    def with_inputs(lib):
        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t: t.exp(), x, use_reentrant=True)
        y.sum().backward(inputs=[x])
    _raises_same(with_inputs)


def test_non_reentrant_allows_autograd_grad():
    res = []
    for lib in LIBS:
        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t: t.exp() * t, x, use_reentrant=False)
        res.append(_arr(lib.autograd.grad(y.sum(), x)[0]))
    np.testing.assert_allclose(res[1], res[0], rtol=1e-6)


def test_argument_errors():
    def ck(lib):
        return lib.utils.checkpoint
    _raises_same(lambda lib: ck(lib).checkpoint(lambda t, s=1: t * s, _input(lib),
                                                use_reentrant=True, s=3))
    _raises_same(lambda lib: ck(lib).checkpoint(lambda t: t, _input(lib), use_reentrant=True,
                                                context_fn=lambda: (None, None)))
    _raises_same(lambda lib: ck(lib).checkpoint(lambda t: t, _input(lib), use_reentrant=True,
                                                debug=True))
    _raises_same(lambda lib: ck(lib).checkpoint(lambda t: t, _input(lib), use_reentrant=False,
                                                determinism_check="bad"))
    _raises_same(lambda lib: ck(lib).checkpoint_sequential([lib.nn.Tanh()], 1, _input(lib),
                                                           use_reentrant=False, foo=1))


def test_non_reentrant_kwargs():
    res = []
    for lib in LIBS:
        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t, s=1: (t * s).exp(), x, use_reentrant=False,
                                            s=3)
        y.sum().backward()
        res.append(_arr(x.grad))
    np.testing.assert_allclose(res[1], res[0], rtol=1e-5)


def _changing(lib, kind):
    calls = [0]

    def fn(t):
        calls[0] += 1
        if kind == "shape":
            return (t[:calls[0]] * t[:calls[0]]).sum()
        y = t.exp()
        if (kind == "fewer" and calls[0] == 1) or (kind == "more" and calls[0] == 2):
            y = y.exp()
        return y.sum()
    return fn


@pytest.mark.parametrize("kind", ["shape", "fewer"])
def test_determinism_errors(kind):
    def fn(lib):
        x = _input(lib)
        lib.utils.checkpoint.checkpoint(_changing(lib, kind), x, use_reentrant=False).backward()
    _raises_same(fn)


def test_determinism_check_none_and_early_stop():
    for lib in LIBS:
        x = _input(lib)
        C = lib.utils.checkpoint
        C.checkpoint(_changing(lib, "shape"), x, use_reentrant=False,
                     determinism_check="none").backward()
        # more tensors saved during recomputation: early stop never sees them
        C.checkpoint(_changing(lib, "more"), x, use_reentrant=False).backward()

    def no_early_stop(lib):
        x = _input(lib)
        with lib.utils.checkpoint.set_checkpoint_early_stop(False):
            y = lib.utils.checkpoint.checkpoint(_changing(lib, "more"), x, use_reentrant=False)
        y.backward()
    _raises_same(no_early_stop)


@pytest.mark.parametrize("reentrant", VARIANTS)
def test_retain_graph_twice(reentrant):
    res = []
    for lib in LIBS:
        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t: t.exp().sin(), x, use_reentrant=reentrant)
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        res.append(_arr(x.grad))
    np.testing.assert_allclose(res[1], res[0], rtol=1e-5)


def test_context_fn_runs_around_forward_and_recompute():
    logs = []
    for lib in LIBS:
        import contextlib

        log = []

        @contextlib.contextmanager
        def tag(name, log=log):
            log.append(name)
            yield

        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t: t.exp(), x, use_reentrant=False,
                                            context_fn=lambda tag=tag: (tag("fwd"), tag("re")))
        y.sum().backward()
        logs.append(log)
    assert logs[1] == logs[0]


def test_helpers():
    for lib in LIBS:
        C = lib.utils.checkpoint
        a, b = C.noop_context_fn()
        with a, b:
            pass
        x = _input(lib)
        (d,) = C.detach_variable((x,))
        assert d.requires_grad and d.grad_fn is None and d is not x
        assert [p.name for p in C.CheckpointPolicy] == [p.name for p in
                                                       torch.utils.checkpoint.CheckpointPolicy]
        assert issubclass(C.CheckpointError, RuntimeError)


def test_reentrant_output_without_grad():
    def fn(lib):
        x = _input(lib)
        y = lib.utils.checkpoint.checkpoint(lambda t: t.detach() * 2, x, use_reentrant=True)
        y.sum().backward()
    _raises_same(fn)
