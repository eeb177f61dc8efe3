"""Tensor-level random ops against torch after the same manual_seed: values (bytes), dtype,
shape and the generator state bytes."""

import platform

import numpy as np
import pytest
import torch

import numtorch as nt
from numtorch._random._cpu import cpu_capability

_CAP = torch.backends.cpu.get_cpu_capability()
pytestmark = pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64")
    or cpu_capability() != _CAP
    or _CAP not in ("AVX2", "AVX512", "DEFAULT"),
    reason=f"bit-exact RNG is modelled for x86-64 AVX2/AVX512/DEFAULT kernels; torch uses {_CAP}",
)


def _state_same() -> bool:
    return nt.get_rng_state()._data.tobytes() == torch.get_rng_state().numpy().tobytes()


def _same(ours, theirs, state=True) -> bool:
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours._data.tobytes() == theirs.detach().contiguous().numpy().tobytes()
    assert not state or _state_same()
    return True


def _both(fn, seed=0):
    """Run ``fn(lib)`` for numtorch and torch after the same seed; compare outputs and state."""
    nt.manual_seed(seed)
    torch.manual_seed(seed)
    ours = fn(nt)
    theirs = fn(torch)
    if isinstance(ours, tuple):
        for o, t in zip(ours, theirs):
            _same(o, t, state=False)
        assert _state_same()
    else:
        _same(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.rand(3, 4),
        lambda L: L.rand((2, 5)),
        lambda L: L.rand([7]),
        lambda L: L.rand(size=(2, 3)),
        lambda L: L.rand(()),
        lambda L: L.rand(0),
        lambda L: L.rand(100, dtype=L.float64),
        lambda L: L.rand(33, dtype=L.float16),
        lambda L: L.randn(5, 3),
        lambda L: L.randn(4, 4),
        lambda L: L.randn(2, 3, 5),
        lambda L: L.randn(1001, dtype=L.float64),
        lambda L: L.randn(17, dtype=L.float16),
        lambda L: L.randint(10, (5,)),
        lambda L: L.randint(-5, 7, (3, 4)),
        lambda L: L.randint(0, 2**40, (100,)),
        lambda L: L.randint(3, 10, size=(6,), dtype=L.int32),
        lambda L: L.randint(100, (50,), dtype=L.float32),
        lambda L: L.randint(low=2, high=9, size=(4,)),
        lambda L: L.randperm(10),
        lambda L: L.randperm(1000, dtype=L.float32),
        lambda L: L.randperm(0),
        lambda L: L.normal(0.5, 2.0, (20,)),
        lambda L: L.normal(0.5, 2.0, size=(3,), dtype=L.float64),
    ],
)
def test_factories(fn):
    _both(fn)


def test_generator_argument_and_state():
    g, tg = nt.Generator().manual_seed(11), torch.Generator().manual_seed(11)
    _same(nt.randn(40, generator=g), torch.randn(40, generator=tg), state=False)
    _same(nt.randperm(30, generator=g), torch.randperm(30, generator=tg), state=False)
    _same(nt.randint(4, (9,), generator=g), torch.randint(4, (9,), generator=tg), state=False)
    assert g.get_state()._data.tobytes() == tg.get_state().numpy().tobytes()
    assert str(g.get_state().dtype) == "torch.uint8"


def test_set_state_from_torch_tensor_bytes():
    torch.manual_seed(3)
    torch.randn(5)
    nt.set_rng_state(nt.tensor(torch.get_rng_state().numpy()))
    _same(nt.randn(9), torch.randn(9))
    state = nt.get_rng_state()
    a = nt.rand(4)
    nt.set_rng_state(state)
    assert nt.rand(4)._data.tobytes() == a._data.tobytes()


def test_requires_grad_and_out():
    t = nt.rand(3, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        nt.randint(10, (3,), requires_grad=True)

    def fn(L):
        o = L.empty(2, 2, dtype=L.float64)
        r = L.rand(5, out=o)
        assert r is o
        return o

    _both(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L, x: x.uniform_(-0.3, 0.7),
        lambda L, x: x.uniform_(),
        lambda L, x: x.normal_(0.5, 0.02),
        lambda L, x: x.normal_(),
        lambda L, x: x.exponential_(2.5),
        lambda L, x: x.bernoulli_(0.3),
        lambda L, x: x.bernoulli_(),
        lambda L, x: x.random_(),
        lambda L, x: x.random_(10),
        lambda L, x: x.random_(-5, 5),
        lambda L, x: x.random_(3, None),
        lambda L, x: x.geometric_(0.3),
        lambda L, x: x.cauchy_(0.5, 2.0),
        lambda L, x: x.log_normal_(0.5, 0.7),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["contiguous", "t", "permute", "gapped", "small"])
def test_inplace_fills(fn, dtype, layout):
    def run(L):
        shape = {"small": (3, 4), "permute": (3, 4, 5)}.get(layout, (6, 10))
        base = L.empty(*shape, dtype=getattr(L, dtype))
        base.zero_()
        view = {
            "t": lambda b: b.t(),
            "permute": lambda b: b.permute(2, 0, 1),
            "gapped": lambda b: b[:, ::2],
        }.get(layout, lambda b: b)(base)
        r = fn(L, view)
        assert r is view
        return base

    _both(run)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool"])
def test_random_integer_dtypes(dtype):
    _both(lambda L: L.empty(100, dtype=getattr(L, dtype)).random_())
    _both(lambda L: L.empty(100, dtype=getattr(L, dtype)).random_(0, 2))
    _both(lambda L: L.empty(100, dtype=getattr(L, dtype)).bernoulli_(0.4))


@pytest.mark.parametrize("shape", [(3,), (5, 3), (40,), (4, 6)])
def test_like_functions(shape):
    def run(L):
        x = L.zeros(*shape)
        xt = x.t() if len(shape) == 2 else x
        return (L.rand_like(x), L.randn_like(xt), L.randint_like(x, 10), L.randint_like(xt, 3, 9),
                L.rand_like(xt, dtype=L.float64))

    _both(run)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L, m, s: L.normal(m, s),
        lambda L, m, s: L.normal(m, 0.3),
        lambda L, m, s: L.normal(-1.5, s),
        lambda L, m, s: L.normal(m[:1], s),
        lambda L, m, s: L.normal(m.reshape(2, 1, 20)[:, :, :5], s[:5]),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_tensor_forms(fn, dtype):
    m = np.linspace(-2, 2, 40)
    s = np.linspace(0.1, 3, 40)

    def run(L):
        dt = getattr(L, dtype)
        return fn(L, L.tensor(m, dtype=dt), L.tensor(s, dtype=dt))

    _both(run)


def test_bernoulli_forms():
    p = np.linspace(0, 1, 50)
    for dt in ("float32", "float64"):
        _both(lambda L, dt=dt: L.bernoulli(L.tensor(p, dtype=getattr(L, dt))))
        _both(lambda L, dt=dt: L.tensor(p, dtype=getattr(L, dt)).bernoulli())
        _both(lambda L, dt=dt: L.bernoulli(L.tensor(p, dtype=getattr(L, dt)), 0.3))
        _both(lambda L, dt=dt: L.bernoulli(L.tensor(p, dtype=getattr(L, dt)).reshape(5, 10).t()))
        _both(lambda L, dt=dt: L.tensor(p, dtype=getattr(L, dt)).reshape(5, 10).t().bernoulli(0.3))
    _both(lambda L: L.empty(50).bernoulli_(L.tensor(p, dtype=L.float32)))
    _both(lambda L: L.empty(50, dtype=L.float64).bernoulli_(L.tensor(p, dtype=L.float32)))
    _both(lambda L: L.empty(5, 10).bernoulli_(L.tensor(p[:10], dtype=L.float64)))


def test_nn_linear_style_init():
    def run(L):
        w = L.empty(30, 20)
        with L.no_grad():
            w.uniform_(-0.2, 0.2)
        return w

    _both(run)


def test_autograd_nodes_pass_zero_gradients():
    for name, fn in [
        ("UniformBackward0", lambda y: y.uniform_()),
        ("NormalBackward0", lambda y: y.normal_()),
        ("RandomBackward2", lambda y: y.random_()),
        ("RandomBackward1", lambda y: y.random_(5)),
        ("RandomBackward0", lambda y: y.random_(1, 5)),
        ("BernoulliBackward2", lambda y: y.bernoulli_(0.5)),
        ("ExponentialBackward0", lambda y: y.exponential_()),
    ]:
        x = nt.ones(3, requires_grad=True)
        r = fn(x * 2)
        assert r.grad_fn.name() == name
        (g,) = nt.autograd.grad(r.sum(), x)
        assert g.tolist() == [0.0, 0.0, 0.0]
    m = nt.zeros(3, requires_grad=True)
    s = nt.ones(3, requires_grad=True)
    o = nt.normal(m, s)
    assert o.grad_fn.name() == "NormalBackward3"
    assert [t.tolist() for t in nt.autograd.grad(o.sum(), [m, s])] == [[0.0] * 3] * 2
    assert nt.normal(m, 2.0).grad_fn.name() == "NormalBackward1"
    assert nt.normal(1.0, s).grad_fn.name() == "NormalBackward2"
    assert nt.bernoulli(nt.rand(3, requires_grad=True)).grad_fn.name() == "BernoulliBackward0"


def _raises_like(fn):
    """Both libraries raise the same exception type and message, and draw nothing."""
    nt.manual_seed(0)
    torch.manual_seed(0)
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(nt)
    assert str(ours.value) == str(theirs.value)
    assert _state_same()


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.rand(3, dtype=L.int64),
        lambda L: L.randn(3, dtype=L.int32),
        lambda L: L.empty(3).uniform_(1, 0),
        lambda L: L.empty(3).normal_(0, -1),
        lambda L: L.empty(3).random_(5, 5),
        lambda L: L.randint(5, 5, (3,)),
        lambda L: L.empty(3).bernoulli_(2),
        lambda L: L.empty(3).exponential_(0),
        lambda L: L.empty(3).geometric_(1.5),
        lambda L: L.empty(3).cauchy_(0, -1),
        lambda L: L.empty(3).log_normal_(0, 0),
        lambda L: L.empty(3, dtype=L.int64).exponential_(),
        lambda L: L.empty(3, dtype=L.uint8).random_(-3, 5),
        lambda L: L.empty(3, dtype=L.int8).random_(0, 1000),
        lambda L: L.bernoulli(L.tensor([1.5])),
        lambda L: L.normal(L.zeros(3), -1.0),
        lambda L: L.normal(L.zeros(3), -L.ones(3)),
        lambda L: L.randperm(3000, dtype=L.float16),
        lambda L: L.randperm(-1),
        lambda L: L.ones(3, requires_grad=True).uniform_(),
    ],
)
def test_errors(fn):
    _raises_like(fn)


@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("k", [1, 3, 6])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_multinomial(replacement, k, dtype):
    w = np.array([[0.1, 0.5, 2.0, 0.0, 1.2, 0.7, 0.3], [1, 1, 1, 1, 1, 1, 1.0]])

    def run(L):
        t = L.tensor(w, dtype=getattr(L, dtype))
        return (L.multinomial(t, k, replacement), t[0].multinomial(k, replacement=replacement))

    _both(run)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.multinomial(L.tensor([0.5, 0.5]), 0),
        lambda L: L.multinomial(L.tensor([0.5, 0.5]), 3),
        lambda L: L.multinomial(L.tensor([0.5, -0.5]), 1),
        lambda L: L.multinomial(L.tensor([0.0, 0.0]), 1, True),
        lambda L: L.multinomial(L.tensor([1, 2]), 1),
        lambda L: L.multinomial(L.ones(2, 2, 2), 1),
    ],
)
def test_multinomial_errors(fn):
    _raises_like(fn)
