"""nn.Module and nn.Parameter against torch: registration, traversal, state_dict, modes,
conversions, hooks, repr and error messages."""

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import numtorch


def build(lib):
    """A small model with nested containers, a shared module, buffers and a None bias."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 4)
            self.act = nn.ReLU()
            self.register_buffer("running", lib.ones(4))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)
            self.register_parameter("unused", None)

        def forward(self, x):
            return self.act(self.fc(x)) * self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            shared = nn.Linear(4, 4, bias=False)
            self.layers = nn.Sequential(shared, nn.Tanh(), shared)
            self.head = nn.ModuleDict({"out": nn.Linear(4, 2)})
            self.scale = nn.Parameter(lib.tensor(2.0))

        def forward(self, x):
            return self.head["out"](self.layers(self.block(x))) * self.scale

    lib.manual_seed(0)
    return Net()


def both():
    return build(torch), build(numtorch)


def _names(it):
    return [n for n, _ in it]


def test_traversal_names_and_order():
    t, n = both()
    assert _names(t.named_parameters()) == _names(n.named_parameters())
    assert _names(t.named_parameters(remove_duplicate=False)) == \
        _names(n.named_parameters(remove_duplicate=False))
    assert _names(t.named_buffers()) == _names(n.named_buffers())
    assert _names(t.named_modules()) == _names(n.named_modules())
    assert _names(t.named_modules(remove_duplicate=False)) == \
        _names(n.named_modules(remove_duplicate=False))
    assert _names(t.named_children()) == _names(n.named_children())
    assert _names(t.block.named_parameters(prefix="p", recurse=False)) == \
        _names(n.block.named_parameters(prefix="p", recurse=False))
    assert len(list(t.parameters())) == len(list(n.parameters()))
    assert len(list(t.modules())) == len(list(n.modules()))
    assert len(list(t.children())) == len(list(n.children()))
    assert len(list(t.buffers(recurse=False))) == len(list(n.buffers(recurse=False)))
    for (_, pa), (_, pb) in zip(t.named_parameters(), n.named_parameters()):
        np.testing.assert_array_equal(pa.detach().numpy(), pb.detach().numpy())
        assert isinstance(pb, numtorch.nn.Parameter) and pb.requires_grad


def test_repr_nested():
    t, n = both()
    assert repr(t) == repr(n)
    assert str(t.block) == str(n.block)


def test_forward_and_backward_match():
    t, n = both()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    yt, yn = t(torch.tensor(x)), n(numtorch.tensor(x))
    np.testing.assert_allclose(yn.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    yt.sum().backward()
    yn.sum().backward()
    for (name, a), (_, b) in zip(t.named_parameters(), n.named_parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=name)


def test_state_dict_keys_values_and_metadata():
    t, n = both()
    st, sn = t.state_dict(), n.state_dict()
    assert list(st) == list(sn)
    assert type(sn) is OrderedDict
    assert dict(st._metadata) == dict(sn._metadata)
    for k in st:
        np.testing.assert_array_equal(st[k].numpy(), sn[k].numpy())
        assert not sn[k].requires_grad
    kv = n.state_dict(keep_vars=True)
    assert kv["scale"] is n.scale
    assert list(n.state_dict(prefix="m.")) == list(t.state_dict(prefix="m."))


def _load_result(model, sd, **kw):
    try:
        return "ok", repr(model.load_state_dict(sd, **kw))
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)


def test_load_state_dict_roundtrip_and_errors():
    t, n = both()
    sd_np = {k: v.numpy() for k, v in t.state_dict().items()}
    rng = np.random.default_rng(1)
    sd_np = {k: (v + rng.normal(size=v.shape)).astype(v.dtype) for k, v in sd_np.items()}
    variants = {
        "full": lambda d: d,
        "missing": lambda d: {k: v for k, v in d.items() if k != "block.fc.bias"},
        "unexpected": lambda d: {**d, "extra": np.zeros(1, np.float32),
                                 "block.nothing": np.zeros(1, np.float32)},
        "shape": lambda d: {**d, "head.out.bias": np.zeros(3, np.float32)},
        "all": lambda d: {**{k: v for k, v in d.items() if k != "scale"},
                          "x.y": np.zeros(1, np.float32),
                          "block.running": np.zeros(5, np.float32)},
    }
    for name, make in variants.items():
        d = make(sd_np)
        for strict in (True, False):
            rt = _load_result(t, {k: torch.tensor(v) for k, v in d.items()}, strict=strict)
            rn = _load_result(n, {k: numtorch.tensor(v) for k, v in d.items()}, strict=strict)
            assert rn == rt, (name, strict)
    n.load_state_dict({k: numtorch.tensor(v) for k, v in sd_np.items()})
    np.testing.assert_array_equal(n.block.fc.weight.detach().numpy(), sd_np["block.fc.weight"])
    assert n.block.fc.weight.is_leaf and n.block.fc.weight.requires_grad
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        n.load_state_dict([1])


def test_load_state_dict_assign_and_dtype_cast():
    n = numtorch.nn.Linear(2, 3)
    w = numtorch.ones(3, 2, dtype=numtorch.float64)
    n.load_state_dict({"weight": w, "bias": numtorch.zeros(3)})
    assert n.weight.dtype == numtorch.float32
    n.load_state_dict({"weight": w, "bias": numtorch.zeros(3)}, assign=True)
    assert n.weight.dtype == numtorch.float64 and isinstance(n.weight, numtorch.nn.Parameter)


def test_train_eval_requires_grad_zero_grad():
    t, n = both()
    for m in (t, n):
        assert m.training and m.block.act.training
        assert m.eval() is m
        assert not m.block.act.training
        m.train()
        m.requires_grad_(False)
    assert [p.requires_grad for p in t.parameters()] == [p.requires_grad for p in n.parameters()]
    n.requires_grad_()
    n(numtorch.ones(2, 3)).sum().backward()
    assert all(p.grad is not None for p in n.parameters())
    n.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in n.parameters())
    n.zero_grad()
    assert all(p.grad is None for p in n.parameters())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        n.train("yes")


def test_to_and_casts_keep_parameter_identity():
    n = build(numtorch)
    w = n.block.fc.weight
    n(numtorch.ones(2, 3)).sum().backward()
    assert n.double() is n
    assert n.block.fc.weight is w and w.dtype == numtorch.float64
    assert w.grad.dtype == numtorch.float64
    assert n.block.running.dtype == numtorch.float64
    n.to(numtorch.float32)
    assert w.dtype == numtorch.float32
    n.half()
    assert w.dtype == numtorch.float16
    n.float().to("cpu")
    n.to(device="cpu", dtype=numtorch.float64)
    assert w.dtype == numtorch.float64
    with pytest.raises(TypeError) as ours:
        n.to(numtorch.int64)
    with pytest.raises(TypeError) as theirs:
        build(torch).to(torch.int64)
    assert str(ours.value) == str(theirs.value)
    n.register_buffer("steps", numtorch.tensor(3))
    n.double()
    assert n.steps.dtype == numtorch.int64


def test_apply_order():
    seen = {}
    for lib in (torch, numtorch):
        m = build(lib)
        order = []
        m.apply(lambda mod, order=order: order.append(type(mod).__name__))
        seen[lib.__name__] = order
    assert seen["torch"] == seen["numtorch"]


def _raises_same(fn):
    res = []
    for lib in (torch, numtorch):
        try:
            fn(lib)
        except Exception as e:  # noqa: BLE001
            res.append((type(e).__name__, str(e)))
        else:
            res.append(None)
    assert res[0] is not None, "torch did not raise"
    assert res[0] == res[1]


def test_registration_errors():
    cases = [
        lambda lib: setattr(lib.nn.Linear(2, 3), "weight", lib.ones(3, 2)),
        lambda lib: lib.nn.Linear(2, 3).register_buffer("x", 3),
        lambda lib: lib.nn.Linear(2, 3).register_buffer("a.b", None),
        lambda lib: lib.nn.Linear(2, 3).register_buffer("", None),
        lambda lib: lib.nn.Linear(2, 3).register_buffer(1, None),
        lambda lib: lib.nn.Linear(2, 3).register_buffer("weight", None),
        lambda lib: lib.nn.Linear(2, 3).register_parameter("q", lib.ones(2)),
        lambda lib: lib.nn.Linear(2, 3).register_parameter("a.b", None),
        lambda lib: lib.nn.Linear(2, 3).register_parameter("", None),
        lambda lib: lib.nn.Linear(2, 3).register_parameter(3, None),
        lambda lib: lib.nn.Linear(2, 3).register_parameter("in_features", None),
        lambda lib: lib.nn.Linear(2, 3).add_module("x", 3),
        lambda lib: lib.nn.Linear(2, 3).add_module("a.b", lib.nn.ReLU()),
        lambda lib: lib.nn.Linear(2, 3).add_module("", lib.nn.ReLU()),
        lambda lib: lib.nn.Linear(2, 3).add_module(3, lib.nn.ReLU()),
        lambda lib: lib.nn.Linear(2, 3).add_module("weight", lib.nn.ReLU()),
        lambda lib: lib.nn.Linear(2, 3).nothing,
        lambda lib: lib.nn.Module()(1),
        lambda lib: lib.nn.Linear(2, 3).get_submodule("x"),
        lambda lib: lib.nn.Parameter(lib.ones(2, dtype=lib.long)),
    ]
    for case in cases:
        _raises_same(case)

    def early(lib, kind):
        class A(lib.nn.Module):
            def __init__(self):
                if kind == "param":
                    self.w = lib.nn.Parameter(lib.ones(1))
                elif kind == "module":
                    self.w = lib.nn.ReLU()
                else:
                    self.register_buffer("w", None)
        A()

    for kind in ("param", "module", "buffer"):
        _raises_same(lambda lib, kind=kind: early(lib, kind))

    def reassign_buffer(lib):
        m = lib.nn.Linear(2, 3)
        m.register_buffer("buf", lib.ones(1))
        m.buf = 3
    _raises_same(reassign_buffer)


def test_attribute_semantics():
    m = numtorch.nn.Linear(2, 3)
    m.register_buffer("buf", numtorch.ones(1))
    m.buf = numtorch.zeros(2)
    assert "buf" in dict(m.named_buffers())
    m.bias = None
    assert m.bias is None and "bias" not in dict(m.named_parameters())
    m.weight = numtorch.nn.Parameter(numtorch.ones(3, 2))
    assert float(m.weight.sum()) == 6
    del m.buf
    assert "buf" not in dict(m.named_buffers())
    m.sub = numtorch.nn.ReLU()
    m.sub = None
    assert list(m.named_children()) == []
    m.b2 = numtorch.nn.Buffer(numtorch.ones(2))
    m.b3 = numtorch.nn.Buffer(numtorch.ones(2), persistent=False)
    assert "b2" in m.state_dict() and "b3" not in m.state_dict()
    assert "weight" in dir(m)
    assert m.get_parameter("weight") is m.weight
    seq = numtorch.nn.Sequential(m)
    assert seq.get_submodule("0") is m and seq.get_buffer("0.b2") is m.b2


def test_parameter_repr_and_behaviour():
    for make in [lambda lib: lib.nn.Parameter(lib.ones(2)),
                 lambda lib: lib.nn.Parameter(lib.ones(2, dtype=lib.long), requires_grad=False),
                 lambda lib: lib.nn.Parameter(),
                 lambda lib: lib.nn.Parameter(lib.arange(6.).reshape(2, 3), False)]:
        assert repr(make(numtorch)) == repr(make(torch))
    t = numtorch.ones(3)
    p = numtorch.nn.Parameter(t)
    assert isinstance(p, numtorch.Tensor) and p.is_leaf
    t[0] = 5
    assert float(p[0]) == 5  # shares storage
    assert type(p * 2) is numtorch.Tensor
    assert repr(p[:2]) == repr(torch.nn.Parameter(torch.tensor([5., 1., 1.]))[:2])
    q = copy.deepcopy(p)
    assert isinstance(q, numtorch.nn.Parameter) and q.requires_grad
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, numtorch.nn.Parameter) and float(r[0]) == 5


def test_deepcopy_and_pickle_module():
    n = build(numtorch)
    m = copy.deepcopy(n)
    assert repr(m) == repr(n)
    assert m.layers[0] is m.layers[2]
    assert m.block.fc.weight is not n.block.fc.weight
    seq = numtorch.nn.Sequential(numtorch.nn.Linear(3, 4), numtorch.nn.ReLU())
    seq.register_buffer("b", numtorch.ones(2), persistent=False)
    k = pickle.loads(pickle.dumps(seq))
    assert repr(k) == repr(seq) and "b" in dict(k.named_buffers())
    for (a, pa), (b, pb) in zip(seq.state_dict().items(), k.state_dict().items()):
        assert a == b
        np.testing.assert_array_equal(pa.numpy(), pb.numpy())


def test_forward_hooks():
    logs = {}
    for lib in (torch, numtorch):
        m = lib.nn.Linear(3, 2)
        log = []

        def pre(mod, args, log=log):
            log.append(("pre", tuple(args[0].shape)))
            return (args[0] * 2,)

        def pre_kw(mod, args, kwargs, log=log):
            log.append(("pre_kw", sorted(kwargs)))

        def post(mod, args, out, log=log):
            log.append(("post", tuple(out.shape)))
            return out + 1

        h1 = m.register_forward_pre_hook(pre)
        m.register_forward_pre_hook(pre_kw, with_kwargs=True)
        h3 = m.register_forward_hook(post)
        m.register_forward_hook(lambda mod, a, o, log=log: log.append("first"), prepend=True)
        with lib.no_grad():
            m.weight.fill_(1.0)
            m.bias.fill_(0.0)
        out = m(lib.ones(4, 3))
        log.append(float(out.sum().detach()))
        h1.remove()
        h3.remove()
        log.append(float(m(lib.ones(4, 3)).sum().detach()))
        logs[lib.__name__] = log
    assert logs["torch"] == logs["numtorch"]


def test_full_backward_hooks():
    logs = {}
    for lib in (torch, numtorch):
        m = lib.nn.Linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.arange(6.0).reshape(2, 3) / 5)
        log = []

        def hook(mod, gin, gout, log=log):
            log.append(("hook", [None if g is None else np.round(g.numpy(), 5).tolist()
                                 for g in gin],
                        [np.round(g.numpy(), 5).tolist() for g in gout]))
            return tuple(None if g is None else g * 2 for g in gin)

        def pre(mod, gout, log=log):
            log.append(("pre", len(gout)))

        m.register_full_backward_hook(hook)
        m.register_full_backward_pre_hook(pre)
        x = lib.ones(2, 3, requires_grad=True)
        out = m(x)
        log.append(type(out.grad_fn).__name__)
        out.backward(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
        log.append(np.round(x.grad.numpy(), 5).tolist())
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            m(lib.ones(2, 3)).sum().backward()
        logs[lib.__name__] = log
    assert logs["torch"] == logs["numtorch"]
