"""numtorch's tensor printing against torch 2.13's ``repr``, character for character."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

import numtorch
from numtorch import _dtype
from numtorch import _tensor_str as ts
from numtorch._device import device


def _torch_data(seed: int, *shape, gen: torch.Generator | None = None) -> np.ndarray:
    """torch's randn values (a private generator: the global one is left alone)."""
    gen = torch.Generator().manual_seed(seed) if gen is None else gen
    return torch.randn(*shape, generator=gen).numpy()


class _Stand:
    """The attributes ``tensor_repr`` reads; only for a cuda device, which numtorch lacks here."""

    def __init__(self, data, dtype, *, requires_grad=False, dev="cpu"):
        self._data = data
        self.dtype = dtype
        self.device = device(dev)
        self.requires_grad = requires_grad
        self.grad_fn = None


def assert_same(fn) -> None:
    """``fn(lib)`` builds a tensor; numtorch's repr and str must equal torch's."""
    expected = repr(fn(torch))
    ours = fn(numtorch)
    got = repr(ours)
    assert got == expected, f"\ntorch:\n{expected}\nnumtorch:\n{got}"
    assert str(ours) == expected


def same_data(arr: np.ndarray, requires_grad: bool = False, times_one: bool = False):
    """A builder of the tensor holding ``arr`` (optionally a leaf, or ``leaf * 1``) in a lib."""

    def build(lib):
        x = lib.tensor(arr, requires_grad=requires_grad or times_one)
        return x * 1 if times_one else x

    return build


@pytest.fixture(autouse=True)
def _restore_options():
    yield
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")


def _both_options(**kwargs) -> None:
    torch.set_printoptions(**kwargs)
    ts.set_printoptions(**kwargs)


# ---- the exact examples of TORCH_FACTS §3.3 (expected text always from torch) ----

_NAN, _INF = float("nan"), float("inf")
_GEN = torch.Generator().manual_seed(0)  # the sequence of §3.3: randn(2, 3), (3, 30), (70)
_R23 = _torch_data(0, 2, 3, gen=_GEN)
_R330 = _torch_data(0, 3, 30, gen=_GEN)
_R70 = _torch_data(0, 70, gen=_GEN)

EXAMPLES = [
    lambda lib: lib.tensor([1., 1.]),
    lambda lib: lib.tensor([1.5, -2.25, 3.]),
    lambda lib: lib.tensor([0.1, 0.25]),
    lambda lib: lib.tensor([1e-5, 1.]),
    lambda lib: lib.tensor([1., 1e9]),
    lambda lib: lib.tensor([1., 1e8]),
    lambda lib: lib.tensor([1., 2000.]),
    lambda lib: lib.tensor([1.5, 2000.]),
    lambda lib: lib.tensor([1., 1000.]),
    lambda lib: lib.tensor([0., 0.]),
    lambda lib: lib.tensor([_INF, 0.]),
    lambda lib: lib.tensor([_NAN, 1., -_INF]),
    lambda lib: lib.tensor([1.5, _NAN]),
    lambda lib: lib.tensor([-0.0, 0.0]),
    lambda lib: lib.tensor([123456.789]),
    lambda lib: lib.tensor(3.5),
    lambda lib: lib.tensor(3),
    lambda lib: lib.tensor(2., dtype=lib.float64),
    lambda lib: lib.tensor([1, -20, 300]),
    lambda lib: lib.tensor([True, False]),
    lambda lib: lib.tensor([1, 2], dtype=lib.int32),
    lambda lib: lib.tensor([1.25], dtype=lib.float64),
    lambda lib: lib.tensor([1.25], dtype=lib.float16),
    lambda lib: lib.zeros(0),
    lambda lib: lib.zeros(2, 0),
    lambda lib: lib.zeros(0, dtype=lib.int64),
    lambda lib: lib.tensor(_R23),
    lambda lib: lib.arange(24.).reshape(2, 3, 4),
    lambda lib: lib.arange(30.) / 7,
    lambda lib: lib.arange(2000),
    lambda lib: lib.arange(2000.).reshape(40, 50) / 3,
    lambda lib: lib.ones(10, 10, 11),
    lambda lib: lib.tensor([1., 2.], requires_grad=True),
    lambda lib: lib.tensor([1., 2.], requires_grad=True) * 2,
    lambda lib: lib.tensor([1., 2.], requires_grad=True) + 1,
    lambda lib: (lib.tensor([1., 2.], requires_grad=True) ** 2).sum(),
    lambda lib: lib.tensor([1., 2.], requires_grad=True).mean(),
    lambda lib: lib.ones(2).requires_grad_(),  # the text after "Parameter containing:\n"
    lambda lib: lib.tensor(_R330, requires_grad=True) @ lib.ones(30, 1),
    lambda lib: lib.tensor(_R70, requires_grad=True).double(),
    lambda lib: lib.tensor([1 + 2j, -0.5j]),
]


@pytest.mark.parametrize("i", range(len(EXAMPLES)))
def test_facts_examples(i):
    assert_same(EXAMPLES[i])


MORE = [
    np.array([0, 255], dtype=np.uint8), np.array([-128, 5], dtype=np.int8),
    np.array([[-3, 4]], dtype=np.int16), np.array(True), np.array(-0.0, dtype=np.float32),
    np.array(np.nan, dtype=np.float32), np.array(1e-9), np.zeros((3, 0, 2), dtype=bool),
    np.zeros(0, dtype=np.complex64), np.zeros((0, 3), dtype=np.float16),
    np.ones((1, 1, 1, 1), dtype=np.float32),
    np.arange(2000, dtype=np.float32).reshape(2, 10, 100), np.arange(1001) * 1000,
    np.full((3, 400), 7, dtype=np.int32), _torch_data(5, 4, 4, 4, 4, 4) > 0.5,
    np.array([65504.0, 6e-8], dtype=np.float16), np.array([1e300, 1e-300]),
]


@pytest.mark.parametrize("i", range(len(MORE)))
def test_more_dtypes_and_shapes(i):
    assert_same(same_data(MORE[i]))


@pytest.mark.parametrize("view", [
    lambda x: x.t(), lambda x: x[::2, 1:], lambda x: x[3], lambda x: x.expand(3, 40, 50)[1:],
])
def test_views(view):
    arr = np.arange(2000, dtype=np.float32).reshape(40, 50) - 1000.5
    assert_same(lambda lib: view(lib.tensor(arr)))


def test_tensor_contents():
    arr = np.array([[1.0, 2.0]])
    expected = torch._tensor_str._str(torch.tensor(arr), tensor_contents="[custom]")
    assert ts.tensor_repr(numtorch.tensor(arr), tensor_contents="[custom]") == expected


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
        for arr in [np.array([1.5]), np.array([1.5], dtype=np.float32), np.array([1j]),
                    np.array([1j], dtype=np.complex64), np.zeros(0, dtype=np.float32),
                    np.zeros(0)]:
            assert_same(same_data(arr))
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


def _option_arrays():
    yield _torch_data(1, 3, 4) * 1e-6
    yield _torch_data(2, 50) * 1e9
    yield np.array([1., 1e10], dtype=np.float32)
    yield np.array([1.5, 1e-6], dtype=np.float32)
    yield np.array([0., 0.], dtype=np.float32)
    yield np.array([np.nan, 2., 3.], dtype=np.float32)
    yield np.arange(12).reshape(3, 4)
    yield np.arange(2000, dtype=np.float32).reshape(40, 50) / np.float32(3)
    yield np.arange(1200)
    yield _torch_data(3, 7, 3, 9).astype(np.float64)
    yield np.array(3.25, dtype=np.float32)
    yield (_torch_data(4, 30) + 1j * _torch_data(5, 30)).astype(np.complex64)
    yield (_torch_data(6, 20, 60) - 1j * _torch_data(7, 20, 60)) * 1e5


@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: repr(o))
def test_nondefault_options(opts):
    _both_options(**opts)
    for arr in _option_arrays():
        assert_same(same_data(arr))
    assert_same(same_data(_torch_data(8, 8), times_one=True))
    assert_same(same_data(_torch_data(8, 2, 3), requires_grad=True))


def test_big_tensor_full_profile():
    _both_options(profile="full")
    assert_same(same_data(_torch_data(9, 40, 60)))


# ---- complex (real and imaginary parts get separate formats) ----

_COMPLEX = [
    np.array(1 - 2j, dtype=np.complex64), np.array(complex(-0.0, -0.0)),
    np.array(complex(np.nan, np.inf)),
    np.array([complex(0.0, -0.0), complex(-0.0, 0.0), 1 + 0j], dtype=np.complex64),
    np.array([complex(np.nan, 1), complex(1, np.nan), complex(np.inf, -np.inf)]),
    np.array([1e-7 + 1j, 5 + 3e9j]),
    np.array([[1 + 1j, 2 + 2j], [3.5 - 1j, 0j]], dtype=np.complex64),
    ((_torch_data(10, 5, 7) + 1j * _torch_data(11, 5, 7)) * 1000).astype(np.complex64),
    _torch_data(12, 2000) + 1j * _torch_data(13, 2000),
    (_torch_data(14, 40, 40) + 1j).astype(np.complex64),
]


@pytest.mark.parametrize("i", range(len(_COMPLEX)))
def test_complex(i):
    assert_same(same_data(_COMPLEX[i]))
    if _COMPLEX[i].ndim and np.isfinite(_COMPLEX[i]).all():
        assert_same(same_data(_COMPLEX[i], times_one=True))


# ---- seeded fuzz (TORCH_FACTS §3.4) ----

_FUZZ_DTYPES = ["float32", "float32", "float64", "float16", "int64", "int32", "uint8", "bool",
                "intfloat", "complex64", "complex128"]


def _fuzz_case(rng: np.random.Generator):
    """A builder for one random tensor: shape, dtype, scale, zeros, nan/inf, autograd marks."""
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
    x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-7, 9)
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
    x = np.asarray(x)
    floating = x.dtype.kind in "fc"
    if floating and x.size and rng.random() < 0.15:
        x.reshape(-1)[0] = [np.nan, np.inf, -np.inf][rng.integers(3)]
    mark = rng.random() if floating else 1.0
    return same_data(x, requires_grad=mark < 0.15, times_one=0.15 <= mark < 0.3)


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
    ours = numtorch.tensor(x)
    repr(ours)
    start = time.perf_counter()
    for _ in range(10):
        text = repr(ours)
    assert (time.perf_counter() - start) / 10 < 0.02
    assert text == repr(torch.tensor(x))
