"""Shared comparison of one distribution built the same way in numtorch and in torch."""

from __future__ import annotations

import warnings

import numpy as np
import torch

import numtorch
from tests.oracle import _same_exc_type, assert_same_value, graph_names

PROPS = ("mean", "mode", "variance", "stddev")


def outcome(fn, *args):
    """``("ok", value)`` or ``("raise", exception)``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", fn(*args)
    except Exception as e:  # noqa: BLE001 - torch's behaviour is the spec
        return "raise", e


def same(ours, theirs, what, rtol=None, atol=None, message=True):
    """Both raised the same exception type (and message), or returned equal values."""
    (ko, o), (kt, t) = ours, theirs
    assert ko == kt, f"{what}: numtorch {ko} {o!r}, torch {kt} {t!r}"
    if kt == "raise":
        assert _same_exc_type(o, t), \
            f"{what}: {type(o).__name__}: {o} vs torch {type(t).__name__}: {t}"
        if message:
            assert str(o) == str(t), f"{what}: message {o} != torch {t}"
        return False
    if isinstance(t, torch.Tensor):
        assert_same_value(o, t, rtol, atol, what=what)
    elif isinstance(t, (tuple, list)):
        assert len(o) == len(t)
        for i, (a, b) in enumerate(zip(o, t)):
            same(("ok", a), ("ok", b), f"{what}[{i}]", rtol, atol)
    elif isinstance(t, torch.Size):
        assert tuple(o) == tuple(t), f"{what}: {o} != {t}"
    elif isinstance(t, torch.distributions.Distribution):
        assert repr(o) == repr(t), f"{what}: {o!r} != {t!r}"
    else:
        assert o == t, f"{what}: {o!r} != {t!r}"
    return True


def build(lib, make, arrays, grad=True):
    """Tensors of ``arrays`` (floats require grad when ``grad``), then ``make(lib, *ts)``."""
    ts = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            t = lib.tensor(a)
            if grad and a.dtype.kind == "f":
                t.requires_grad_(True)
            ts.append(t)
        else:
            ts.append(a)
    return make(lib, *ts), ts


def grads_match(out_n, out_t, ins_n, ins_t, what, rtol=None, atol=None, seed=1):
    """Backpropagate the same random upstream gradient; compare parameter gradients."""
    if not out_t.requires_grad:
        assert not out_n.requires_grad, f"{what}: numtorch output requires grad, torch not"
        return
    assert out_n.requires_grad, f"{what}: torch output requires grad, numtorch not"
    rng = np.random.default_rng(seed)
    g = rng.uniform(-1, 1, tuple(out_t.shape)).astype(str(out_t.dtype).replace("torch.", ""))
    pairs = [(n, t) for n, t in zip(ins_n, ins_t)
             if isinstance(t, torch.Tensor) and t.requires_grad]
    tg = outcome(lambda: torch.autograd.grad(out_t, [t for _, t in pairs], torch.tensor(g),
                                             allow_unused=True, retain_graph=True))
    ng = outcome(lambda: numtorch.autograd.grad(out_n, [n for n, _ in pairs],
                                                numtorch.tensor(g), allow_unused=True,
                                                retain_graph=True))
    if tg[0] == "raise":  # e.g. a derivative torch does not implement
        assert ng[0] == "raise", f"{what}: torch raised {tg[1]!r}, numtorch did not"
        # numtorch's gammainc reports a missing derivative as RuntimeError (the base of
        # torch's NotImplementedError there): a core difference, not a distributions one
        missing = "derivative" in str(ng[1]) and "not implemented" in str(ng[1])
        assert _same_exc_type(ng[1], tg[1]) or missing, (ng[1], tg[1])
        return
    assert ng[0] == "ok", f"{what}: numtorch raised {ng[1]!r}"
    tg, ng = tg[1], ng[1]
    for i, (a, b) in enumerate(zip(ng, tg)):
        if b is None:
            assert a is None or not np.any(a.detach().numpy()), f"{what}: grad {i}"
            continue
        assert a is not None, f"{what}: no gradient for input {i}"
        assert_same_value(a, b, rtol, atol, what=f"{what}: grad of input {i}")


def seeded(lib, fn, seed=7):
    """``fn()``'s outcome after ``manual_seed(seed)``, and the generator's next draws."""
    lib.manual_seed(seed)
    out = outcome(fn)
    after = np.concatenate([lib.rand(2, dtype=lib.float64).numpy(), lib.randn(1).numpy()])
    return out, after


def check_distribution(make, arrays, value, *, exact=False, rtol=None, atol=None,
                       sample_rtol=0.0, cdf=True, icdf=True, grad=True, graph=True,
                       grad_rtol=None):
    """Compare everything a distribution offers between numtorch and torch.

    ``make(lib, *tensors)`` builds it from ``arrays``; ``value`` (NumPy) is a point of the
    support for log_prob/cdf; ``exact`` says samples must equal torch's for a seed.
    """
    dn, n_in = build(numtorch, make, arrays, grad)
    dt, t_in = build(torch, make, arrays, grad)
    for attr in ("batch_shape", "event_shape", "has_rsample", "has_enumerate_support"):
        same(outcome(getattr, dn, attr), outcome(getattr, dt, attr), attr)
    assert repr(dn) == repr(dt)
    same(outcome(lambda d: repr(d.support), dn), outcome(lambda d: repr(d.support), dt),
         "support")
    same(outcome(lambda d: {k: repr(v) for k, v in d.arg_constraints.items()}, dn),
         outcome(lambda d: {k: repr(v) for k, v in d.arg_constraints.items()}, dt),
         "arg_constraints")
    calls = [(p, lambda d, p=p: getattr(d, p)) for p in PROPS]
    calls += [("entropy", lambda d: d.entropy()), ("perplexity", lambda d: d.perplexity())]
    vn, vt = numtorch.tensor(value), torch.tensor(value)
    calls.append(("log_prob", lambda d, v=None: d.log_prob(v)))
    if cdf:
        calls.append(("cdf", lambda d, v=None: d.cdf(v)))
    if icdf:
        q = np.linspace(0.05, 0.95, 7).reshape((7,) + (1,) * len(dt.batch_shape))
        q = np.broadcast_to(q, (7, *dt.batch_shape)).astype(value.dtype).copy()
        calls.append(("icdf", lambda d, v=None, q=q: d.icdf(_like(d, q))))
    calls.append(("enumerate_support", lambda d: d.enumerate_support()))
    calls.append(("enumerate_support(False)", lambda d: d.enumerate_support(False)))
    for name, fn in calls:
        if name in ("log_prob", "cdf", "icdf"):
            o, t = outcome(fn, dn, vn), outcome(fn, dt, vt)
        else:
            o, t = outcome(fn, dn), outcome(fn, dt)
        if same(o, t, name, rtol, atol, message=name not in PROPS) and grad \
                and isinstance(t[1], torch.Tensor) and t[1].dtype.is_floating_point:
            if graph:
                assert graph_names(o[1].grad_fn) == graph_names(t[1].grad_fn), \
                    f"{name}: graph {graph_names(o[1].grad_fn)} != {graph_names(t[1].grad_fn)}"
            grads_match(o[1], t[1], n_in, t_in, name, rtol, atol)
    # expand keeps the parameters and validation
    shape = (2, *dt.batch_shape)
    en, et = outcome(lambda: dn.expand(shape)), outcome(lambda: dt.expand(shape))
    if same(en, et, "expand"):
        assert repr(en[1]) == repr(et[1])
        assert tuple(en[1].batch_shape) == tuple(et[1].batch_shape)
        assert en[1]._validate_args == et[1]._validate_args
        same(outcome(en[1].log_prob, vn), outcome(et[1].log_prob, vt), "expanded log_prob",
             rtol, atol)
    # sampling
    for method, shape in (("sample", (3,)), ("rsample", (3,)), ("sample", ()),
                          ("sample", [2, 1]), ("sample", torch.Size([1]))):
        o, o_after = seeded(numtorch, lambda m=method, s=shape: getattr(dn, m)(s))
        t, t_after = seeded(torch, lambda m=method, s=shape: getattr(dt, m)(s))
        if exact:
            same(o, t, method, sample_rtol, 0.0 if sample_rtol == 0.0 else atol)
            assert np.array_equal(o_after, t_after), f"{method}: generator state differs"
            if o[0] == "ok" and method == "rsample" and grad:
                grads_match(o[1], t[1], n_in, t_in, method, grad_rtol or rtol, atol)
        else:
            assert o[0] == t[0], (method, o, t)
            if t[0] == "ok":
                assert tuple(o[1].shape) == tuple(t[1].shape)
                assert str(o[1].dtype) == str(t[1].dtype)
                assert o[1].requires_grad == t[1].requires_grad, method
    return dn, dt


def _like(d, q):
    """A tensor of ``q``'s values in ``d``'s library."""
    lib = torch if isinstance(d, torch.distributions.Distribution) else numtorch
    return lib.tensor(q)
