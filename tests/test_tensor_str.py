"""numtorch's tensor printing against torch 2.13's ``repr``, character for character."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from numtorch import _dtype
from numtorch import _tensor_str as ts
from numtorch._device import device


class _Node:
    """Stand-in autograd node; numtorch prints ``type(grad_fn).__name__``."""


def _node(name: str) -> _Node:
    return type(name, (_Node,), {})()


class _Stand:
    """The attributes ``tensor_repr`` reads, built from NumPy data."""

    def __init__(self, data, dtype, *, requires_grad=False, grad_fn=None, dev="cpu"):
        self._data = data
        self.dtype = dtype
        self.device = device(dev) if isinstance(dev, str) else dev
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn


def _nt_dtype(t: torch.Tensor):
    return _dtype.ALIASES[str(t.dtype).split(".")[1]]


def mirror(t: torch.Tensor) -> _Stand:
    """A numtorch-side tensor with the same data, dtype and autograd marks as torch's ``t``."""
    grad_fn = _node(type(t.grad_fn).__name__) if t.grad_fn is not None else None
    return _Stand(t.detach().numpy().copy(), _nt_dtype(t), requires_grad=t.requires_grad,
                  grad_fn=grad_fn)


def assert_same(t: torch.Tensor, ours=None) -> None:
    ours = mirror(t) if ours is None else ours
    expected = repr(t)
    got = ts.tensor_repr(ours)
    assert got == expected, f"\ntorch:\n{expected}\nnumtorch:\n{got}"


@pytest.fixture(autouse=True)
def _restore_options():
    yield
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")


def _both_options(**kwargs) -> None:
    torch.set_printoptions(**kwargs)
    ts.set_printoptions(**kwargs)


# ---- the exact examples of TORCH_FACTS §3.3 (expected text always from torch) ----

def _examples():
    nan, inf = float("nan"), float("inf")
    yield torch.tensor([1., 1.])
    yield torch.tensor([1.5, -2.25, 3.])
    yield torch.tensor([0.1, 0.25])
    yield torch.tensor([1e-5, 1.])
    yield torch.tensor([1., 1e9])
    yield torch.tensor([1., 1e8])
    yield torch.tensor([1., 2000.])
    yield torch.tensor([1.5, 2000.])
    yield torch.tensor([1., 1000.])
    yield torch.tensor([0., 0.])
    yield torch.tensor([inf, 0.])
    yield torch.tensor([nan, 1., -inf])
    yield torch.tensor([1.5, nan])
    yield torch.tensor([-0.0, 0.0])
    yield torch.tensor([123456.789])
    yield torch.tensor(3.5)
    yield torch.tensor(3)
    yield torch.tensor(2., dtype=torch.float64)
    yield torch.tensor([1, -20, 300])
    yield torch.tensor([True, False])
    yield torch.tensor([1, 2], dtype=torch.int32)
    yield torch.tensor([1.25], dtype=torch.float64)
    yield torch.tensor([1.25], dtype=torch.float16)
    yield torch.zeros(0)
    yield torch.zeros(2, 0)
    yield torch.zeros(0, dtype=torch.int64)
    torch.manual_seed(0)
    yield torch.randn(2, 3)
    yield torch.arange(24.).reshape(2, 3, 4)
    yield torch.arange(30.) / 7
    yield torch.arange(2000)
    yield torch.arange(2000.).reshape(40, 50) / 3
    yield torch.ones(10, 10, 11)
    x = torch.tensor([1., 2.], requires_grad=True)
    yield x
    yield x * 2
    yield x + 1
    yield (x ** 2).sum()
    yield x.mean()
    yield torch.nn.Parameter(torch.ones(2)).detach().requires_grad_()
    torch.manual_seed(0)
    torch.randn(2, 3)
    yield torch.randn(3, 30, requires_grad=True) @ torch.ones(30, 1)
    yield torch.randn(70, requires_grad=True).double()
    yield torch.tensor([1 + 2j, -0.5j])


EXAMPLES = list(_examples())


@pytest.mark.parametrize("i", range(len(EXAMPLES)))
def test_facts_examples(i):
    assert_same(EXAMPLES[i])


def test_more_dtypes_and_shapes():
    for t in [
        torch.tensor([0, 255], dtype=torch.uint8), torch.tensor([-128, 5], dtype=torch.int8),
        torch.tensor([[-3, 4]], dtype=torch.int16), torch.tensor(True),
        torch.tensor(-0.0), torch.tensor(float("nan")), torch.tensor(1e-9, dtype=torch.float64),
        torch.zeros(3, 0, 2, dtype=torch.bool), torch.zeros(0, dtype=torch.complex64),
        torch.zeros(0, 3, dtype=torch.float16), torch.ones(1, 1, 1, 1),
        torch.arange(2000.).reshape(2, 10, 100), torch.arange(1001) * 1000,
        torch.full((3, 400), 7, dtype=torch.int32), torch.rand(4, 4, 4, 4, 4) > 0.5,
        torch.tensor([65504.0, 6e-8], dtype=torch.float16),
        torch.tensor([1e300, 1e-300], dtype=torch.float64),
    ]:
        assert_same(t)


def test_tensor_contents():
    t = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    expected = torch._tensor_str._str(t, tensor_contents="[custom]")
    assert ts.tensor_repr(mirror(t), tensor_contents="[custom]") == expected


@pytest.mark.parametrize("n", [3, 40, 2000])
def test_device_suffix(n):
    # torch has no second device here: torch's own suffix placement builds the expected text
    t = torch.linspace(-1, 1, n, dtype=torch.float64) * 3
    body = torch._tensor_str._tensor_str(t, 7)
    suffixes = ["device='cuda:0'", "dtype=torch.float64", "requires_grad=True"]
    expected = torch._tensor_str._add_suffixes("tensor(" + body, suffixes, 7, False)
    ours = _Stand(t.numpy(), _dtype.float64, requires_grad=True, dev="cuda:0")
    assert ts.tensor_repr(ours) == expected


def test_default_dtype_float64():
    ts_default = _dtype.get_default_dtype()
    old = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        _dtype.set_default_dtype(_dtype.float64)
        for t in [torch.tensor([1.5]), torch.tensor([1.5], dtype=torch.float32),
                  torch.tensor([1j]), torch.tensor([1j], dtype=torch.complex64),
                  torch.zeros(0, dtype=torch.float32), torch.zeros(0, dtype=torch.float64)]:
            assert_same(t)
    finally:
        torch.set_default_dtype(old)
        _dtype.set_default_dtype(ts_default)


# ---- print options ----

def test_printoptions_api():
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    for kwargs in [dict(profile="short"), dict(precision=7), dict(profile="full"),
                   dict(profile="bogus"), dict(profile="default", sci_mode=True),
                   dict(precision=2, threshold=10, edgeitems=1, linewidth=40)]:
        _both_options(**kwargs)
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    with ts.printoptions(precision=1, linewidth=33):
        with torch._tensor_str.printoptions(precision=1, linewidth=33):
            assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


OPTION_SETS = [
    dict(precision=2, sci_mode=False),
    dict(precision=2),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(precision=0),
    dict(precision=8, linewidth=120),
    dict(linewidth=30),
    dict(linewidth=1),
    dict(threshold=10, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(edgeitems=0),
    dict(edgeitems=5, threshold=100),
    dict(profile="short"),
    dict(profile="full"),
]


def _option_tensors():
    torch.manual_seed(1)
    yield torch.randn(3, 4) * 1e-6
    yield torch.randn(50) * 1e9
    yield torch.tensor([1., 1e10])
    yield torch.tensor([1.5, 1e-6])
    yield torch.tensor([0., 0.])
    yield torch.tensor([float("nan"), 2., 3.])
    yield torch.arange(12).reshape(3, 4)
    yield torch.arange(2000.).reshape(40, 50) / 3
    yield torch.arange(1200)
    yield torch.randn(7, 3, 9, dtype=torch.float64)
    yield torch.tensor(3.25)
    yield torch.randn(30, dtype=torch.complex64)
    yield torch.randn(20, 60, dtype=torch.complex128) * 1e5
    yield torch.randn(8, requires_grad=True) * 2


@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: repr(o))
def test_nondefault_options(opts):
    _both_options(**opts)
    for t in _option_tensors():
        assert_same(t)


def test_big_tensor_full_profile():
    _both_options(profile="full")
    torch.manual_seed(2)
    assert_same(torch.randn(40, 60))


# ---- complex ----

def test_complex():
    nan, inf = float("nan"), float("inf")
    torch.manual_seed(3)
    for t in [
        torch.tensor(1 - 2j), torch.tensor(-0.0 - 0.0j), torch.tensor(complex(nan, inf)),
        torch.tensor([complex(0.0, -0.0), complex(-0.0, 0.0), 1 + 0j]),
        torch.tensor([complex(nan, 1), complex(1, nan), complex(inf, -inf)]),
        torch.tensor([1e-7 + 1j, 5 + 3e9j], dtype=torch.complex128),
        torch.tensor([[1 + 1j, 2 + 2j], [3.5 - 1j, 0j]], dtype=torch.complex64),
        torch.randn(5, 7, dtype=torch.complex64) * 1000,
        torch.randn(2000, dtype=torch.complex128),
        torch.randn(40, 40, dtype=torch.complex64, requires_grad=True) * 1,
    ]:
        assert_same(t)


# ---- seeded fuzz (TORCH_FACTS §3.4) ----

_FUZZ_DTYPES = ["float32", "float32", "float64", "float16", "int64", "int32", "uint8", "bool",
                "intfloat", "complex64", "complex128"]


def _fuzz_case(rng: np.random.Generator):
    kind = _FUZZ_DTYPES[rng.integers(len(_FUZZ_DTYPES))]
    r = rng.random()
    if r < 0.1:
        shape = ()
    elif r < 0.3:
        shape = (int(rng.integers(0, 40)),)
    elif r < 0.85:
        shape = tuple(int(s) for s in rng.integers(0, 9, size=rng.integers(2, 4)))
    else:
        shape = tuple(int(s) for s in rng.integers(1, 30, size=rng.integers(0, 3))) + (
            int(rng.integers(40, 200)),)
    scale = 10.0 ** rng.uniform(-7, 9)
    x = rng.standard_normal(shape) * scale
    if kind in ("complex64", "complex128"):
        x = x + 1j * rng.standard_normal(shape) * 10.0 ** rng.uniform(-7, 9)
    if rng.random() < 0.2:
        x = np.where(rng.random(shape) < 0.3, 0, x)
    if kind == "intfloat":
        x = np.round(x).astype(np.float32)
    elif kind == "bool":
        x = x > 0
    elif kind in ("int64", "int32", "uint8"):
        x = np.round(x) % 256 if kind == "uint8" else np.clip(np.round(x), -2e9, 2e9)
        x = x.astype(kind)
    else:
        with np.errstate(over="ignore"):
            x = x.astype(kind)
    floating = x.dtype.kind in "fc"
    if floating and x.size and rng.random() < 0.15:
        x.reshape(-1)[0] = [np.nan, np.inf, -np.inf][rng.integers(3)]
    t = torch.from_numpy(np.ascontiguousarray(x))
    mark = rng.random()
    if floating and mark < 0.15:
        t = t.requires_grad_()
    elif floating and mark < 0.3:
        t = t.requires_grad_() * 1
    return t


def test_fuzz_default_options():
    rng = np.random.default_rng(2024)
    for _ in range(300):
        assert_same(_fuzz_case(rng))


def test_fuzz_nondefault_options():
    rng = np.random.default_rng(7)
    for i in range(120):
        _both_options(**OPTION_SETS[i % len(OPTION_SETS)])
        assert_same(_fuzz_case(rng))


# ---- speed: only the shown entries are formatted ----

def test_large_tensor_is_fast():
    x = np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32)
    ours = _Stand(x, _dtype.float32)
    ts.tensor_repr(ours)
    start = time.perf_counter()
    for _ in range(10):
        text = ts.tensor_repr(ours)
    assert (time.perf_counter() - start) / 10 < 0.02
    assert text == repr(torch.from_numpy(x))
