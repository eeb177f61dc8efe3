"""nn.init and default layer initialisation: bit-identical to torch under the same seed."""

import math
import warnings

import numpy as np
import pytest
import torch

import numtorch
from numtorch.nn import init as ninit


def _both(make, seed=0):
    """Run ``make(lib)`` after ``manual_seed(seed)`` in both libraries; return NumPy results."""
    out = []
    for lib in (torch, numtorch):
        lib.manual_seed(seed)
        res = make(lib)
        res = res if isinstance(res, (list, tuple)) else [res]
        out.append([r.detach().numpy() for r in res])
    return out


@pytest.mark.parametrize("fi,fo", [(20, 30), (784, 128), (3, 1), (1, 1), (4096, 10),
                                   (7, 513), (784, 512)])
def test_linear_default_init_bit_exact(fi, fo):
    a, b = _both(lambda lib: list(lib.nn.Linear(fi, fo).parameters()))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_model_init_sequence_bit_exact():
    def make(lib):
        m = lib.nn.Sequential(lib.nn.Linear(784, 512), lib.nn.ReLU(), lib.nn.Linear(512, 10),
                              lib.nn.Bilinear(3, 4, 5), lib.nn.PReLU(2), lib.nn.Embedding(6, 3))
        return list(m.parameters()) + [lib.randn(4)]
    a, b = _both(make, seed=42)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_linear_float64_init():
    a, b = _both(lambda lib: list(lib.nn.Linear(5, 4, dtype=lib.float64).parameters()))
    for x, y in zip(a, b):
        assert x.dtype == y.dtype == np.float64
        np.testing.assert_array_equal(x, y)


INITS = {
    "uniform_": lambda i, t: i.uniform_(t, -0.3, 0.7),
    "normal_": lambda i, t: i.normal_(t, 0.1, 0.02),
    "constant_": lambda i, t: i.constant_(t, 0.3),
    "ones_": lambda i, t: i.ones_(t),
    "zeros_": lambda i, t: i.zeros_(t),
    "eye_": lambda i, t: i.eye_(t),
    "xavier_uniform_": lambda i, t: i.xavier_uniform_(t, gain=1.5),
    "xavier_normal_": lambda i, t: i.xavier_normal_(t),
    "kaiming_uniform_": lambda i, t: i.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
    "kaiming_normal_": lambda i, t: i.kaiming_normal_(t, a=0.1),
    "kaiming_uniform_sqrt5": lambda i, t: i.kaiming_uniform_(t, a=math.sqrt(5)),
}


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("shape", [(64, 32), (7, 513), (3, 2)])
def test_init_functions_bit_exact(name, shape):
    fn = INITS[name]

    def make(lib):
        t = lib.empty(*shape, requires_grad=True)
        out = fn(lib.nn.init, t)
        assert out is t
        return t
    a, b = _both(make, seed=7)
    np.testing.assert_array_equal(a[0], b[0])


def test_init_conv_shaped_and_dirac():
    for name in ["xavier_uniform_", "kaiming_normal_", "kaiming_uniform_sqrt5"]:
        a, b = _both(lambda lib, name=name: INITS[name](lib.nn.init, lib.empty(8, 3, 5, 5)))
        np.testing.assert_array_equal(a[0], b[0])
    a, b = _both(lambda lib: lib.nn.init.dirac_(lib.empty(6, 3, 3, 3), groups=2))
    np.testing.assert_array_equal(a[0], b[0])


def test_orthogonal():
    for shape in [(6, 4), (4, 6), (3, 2, 2)]:
        a, b = _both(lambda lib, shape=shape: lib.nn.init.orthogonal_(lib.empty(*shape), 2.0))
        np.testing.assert_allclose(a[0], b[0], rtol=1e-5, atol=1e-6)


def test_calculate_gain():
    for args in [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                 ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("selu",)]:
        assert ninit.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    for args in [("foo",), ("leaky_relu", "x")]:
        with pytest.raises(ValueError) as ours:
            ninit.calculate_gain(*args)
        with pytest.raises(ValueError) as theirs:
            torch.nn.init.calculate_gain(*args)
        assert str(ours.value) == str(theirs.value)


def test_init_errors():
    cases = [lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
             lambda lib: lib.nn.init.eye_(lib.empty(3, 3, 3)),
             lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 3), mode="fan"),
             lambda lib: lib.nn.init.orthogonal_(lib.empty(3))]
    for case in cases:
        with pytest.raises(ValueError) as theirs:
            case(torch)
        with pytest.raises(ValueError) as ours:
            case(numtorch)
        assert str(ours.value) == str(theirs.value)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ninit.kaiming_uniform_(numtorch.empty(0, 3))
    assert "Initializing zero-element tensors is a no-op" in str(w[0].message)


def test_init_under_grad_keeps_leaf():
    p = numtorch.nn.Parameter(numtorch.empty(3, 4))
    ninit.xavier_uniform_(p)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize("args", [(0.0, 1.0, -2.0, 2.0), (0.1, 0.5, -0.5, 0.6),
                                  (0.0, 1.0, 1.0, 3.0), (0.0, 0.02, -0.04, 0.04),
                                  (2.0, 0.5, -1.0, 0.5)])
def test_trunc_normal_bit_exact(args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the (2.0, 0.5, -1.0, 0.5) case warns in both
        a, b = _both(lambda lib: lib.nn.init.trunc_normal_(lib.empty(40, 30), *args))
    np.testing.assert_array_equal(a[0], b[0])
