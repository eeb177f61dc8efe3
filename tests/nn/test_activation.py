"""Activations (functional and modules) against torch: values, grads, graphs, in-place, repr."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import LAYOUTS, check, check_raises, compare_module

FLOATS = ["float32", "float64"]

FUNCTIONAL = {
    "relu": lambda F, x: F.relu(x),
    "relu6": lambda F, x: F.relu6(x * 4),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.2),
    "elu": lambda F, x: F.elu(x, 0.7),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x, 1.3),
    "gelu": lambda F, x: F.gelu(x),
    "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "silu": lambda F, x: F.silu(x),
    "mish": lambda F, x: F.mish(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "tanh": lambda F, x: F.tanh(x),
    "softplus": lambda F, x: F.softplus(x),
    "softplus_beta": lambda F, x: F.softplus(x * 10, beta=2.0, threshold=5.0),
    "hardtanh": lambda F, x: F.hardtanh(x, -0.5, 0.7),
    "hardswish": lambda F, x: F.hardswish(x * 3),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x * 3),
    "threshold": lambda F, x: F.threshold(x, 0.1, 20.0),
    "logsigmoid": lambda F, x: F.logsigmoid(x * 5),
    "softshrink": lambda F, x: F.softshrink(x, 0.4),
    "hardshrink": lambda F, x: F.hardshrink(x, 0.4),
    "softsign": lambda F, x: F.softsign(x),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "glu": lambda F, x: F.glu(x, 0),
    "softmax0": lambda F, x: F.softmax(x, 0),
    "softmax1": lambda F, x: F.softmax(x, dim=1),
    "log_softmax": lambda F, x: F.log_softmax(x, -1),
    "softmin": lambda F, x: F.softmin(x, 1),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_activation(name):
    fn = FUNCTIONAL[name]
    check(lambda lib, x: fn(lib.nn.functional, x), [(4, 6)], dtypes=FLOATS, layouts=LAYOUTS,
          second_order=name not in ("hardsigmoid", "relu"))  # relu: see test_relu_double


def test_hardsigmoid_no_double_backward():
    def run(lib, x):
        y = lib.nn.functional.hardsigmoid(x)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        return lib.autograd.grad(g.sum(), x)

    check_raises(lambda lib, x: run(lib, x.requires_grad_()), [(3,)])


@pytest.mark.parametrize("name", ["relu", "gelu", "softmax1", "log_softmax", "silu", "elu"])
def test_functional_activation_shapes(name):
    fn = FUNCTIONAL[name]
    for shape in [(5,), (2, 3, 4), (0, 3)]:
        if name.startswith(("softmax", "log_softmax")) and len(shape) < 2:
            continue
        check(lambda lib, x: fn(lib.nn.functional, x), [shape], dtypes=["float32"])


def test_activation_boundaries():
    # exactly at the kinks, where PyTorch's choice of < or <= decides the gradient
    arr = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, 6.0, 0.5, -0.5, 0.1], dtype=np.float32)
    for name in ["relu", "relu6", "leaky_relu", "elu", "hardtanh", "hardswish", "hardsigmoid",
                 "threshold", "softshrink", "hardshrink"]:
        fn = FUNCTIONAL[name]
        check(lambda lib, x, fn=fn: fn(lib.nn.functional, x), arrays=[arr])
    check(lambda lib, x: lib.nn.functional.hardswish(x), arrays=[arr])
    check(lambda lib, x: lib.nn.functional.relu6(x), arrays=[arr])
    check(lambda lib, x: lib.nn.functional.hardtanh(x), arrays=[arr])


def test_softmax_dtype_and_implicit_dim():
    check(lambda lib, x: lib.nn.functional.softmax(x, 1, dtype=lib.float64), [(3, 4)])
    check(lambda lib, x: lib.nn.functional.log_softmax(x, 0, dtype=lib.float64), [(3, 4)])
    for shape in [(3,), (3, 4), (2, 3, 4)]:
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            check(lambda lib, x: lib.nn.functional.softmax(x), [shape])
    check(lambda lib, x: lib.nn.functional.softmax(x, 0), [()])
    # torch.softmax / Tensor.softmax need `from ._ops.nn import *` in numtorch/__init__.py


def test_softmax_extreme_values():
    arr = np.array([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]], dtype=np.float32)
    check(lambda lib, x: lib.nn.functional.softmax(x, 1), arrays=[arr])
    check(lambda lib, x: lib.nn.functional.log_softmax(x, 1), arrays=[arr])


def test_activation_errors():
    check_raises(lambda lib, x: lib.nn.functional.softmax(x, 2), [(3, 4)])
    check_raises(lambda lib, x: lib.nn.functional.glu(x, 1), [(3, 5)])
    check_raises(lambda lib, x: lib.nn.functional.gelu(x, approximate="foo"), [(3,)])


INPLACE = {
    "relu": lambda F, x: F.relu(x, inplace=True),
    "relu6": lambda F, x: F.relu6(x, inplace=True),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.1, inplace=True),
    "elu": lambda F, x: F.elu(x, inplace=True),
    "selu": lambda F, x: F.selu(x, inplace=True),
    "celu": lambda F, x: F.celu(x, inplace=True),
    "silu": lambda F, x: F.silu(x, inplace=True),
    "mish": lambda F, x: F.mish(x, inplace=True),
    "hardtanh": lambda F, x: F.hardtanh(x, inplace=True),
    "hardswish": lambda F, x: F.hardswish(x, inplace=True),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x, inplace=True),
    "threshold": lambda F, x: F.threshold(x, 0.1, 2.0, inplace=True),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_activation(name):
    fn = INPLACE[name]

    def run(lib, x):
        y = x * 1
        out = fn(lib.nn.functional, y)
        assert out is y
        return out

    check(run, [(3, 4)], dtypes=FLOATS)


def test_inplace_leaf_error():
    check_raises(lambda lib, x: lib.nn.functional.relu(x.requires_grad_(), inplace=True),
                 [(3,)])


MODULES = {
    "ReLU": lambda nn: nn.ReLU(), "ReLU6": lambda nn: nn.ReLU6(),
    "LeakyReLU": lambda nn: nn.LeakyReLU(0.2), "ELU": lambda nn: nn.ELU(),
    "SELU": lambda nn: nn.SELU(), "CELU": lambda nn: nn.CELU(0.5),
    "GELU": lambda nn: nn.GELU(), "GELU_tanh": lambda nn: nn.GELU("tanh"),
    "SiLU": lambda nn: nn.SiLU(), "Mish": lambda nn: nn.Mish(), "Sigmoid": lambda nn: nn.Sigmoid(),
    "Tanh": lambda nn: nn.Tanh(), "Softplus": lambda nn: nn.Softplus(beta=2),
    "Hardtanh": lambda nn: nn.Hardtanh(-0.3, 0.3), "Hardswish": lambda nn: nn.Hardswish(),
    "Hardsigmoid": lambda nn: nn.Hardsigmoid(), "Softmax": lambda nn: nn.Softmax(dim=1),
    "LogSoftmax": lambda nn: nn.LogSoftmax(dim=1), "Softmin": lambda nn: nn.Softmin(dim=0),
    "Softsign": lambda nn: nn.Softsign(), "Tanhshrink": lambda nn: nn.Tanhshrink(),
    "Softshrink": lambda nn: nn.Softshrink(), "Hardshrink": lambda nn: nn.Hardshrink(0.3),
    "Threshold": lambda nn: nn.Threshold(0.1, 20), "GLU": lambda nn: nn.GLU(),
    "LogSigmoid": lambda nn: nn.LogSigmoid(), "PReLU": lambda nn: nn.PReLU(),
    "PReLU3": lambda nn: nn.PReLU(3, init=0.1),
    "ReLU_inplace": lambda nn: nn.Sequential(nn.Identity(), nn.ReLU(inplace=True)),
}


@pytest.mark.parametrize("name", sorted(MODULES))
@pytest.mark.parametrize("dtype", FLOATS)
def test_activation_module(name, dtype):
    make = MODULES[name]
    shape = (2, 3, 4)
    if name == "ReLU_inplace":
        # in-place on a leaf input is an error in both libraries; use a non-leaf
        def make(nn):
            return nn.Sequential(_Scale(nn), nn.ReLU(inplace=True))
    compare_module(lambda lib: make(lib.nn), [shape], dtype=dtype)


def _Scale(nn):  # noqa: N802 - builds a tiny module class in either library
    class Scale(nn.Module):
        def forward(self, x):
            return x * 2

    return Scale()


def test_activation_reprs():
    for name, make in MODULES.items():
        assert repr(make(numtorch.nn)) == repr(make(torch.nn)), name
    for make in [lambda nn: nn.ReLU(inplace=True), lambda nn: nn.LeakyReLU(0.2, True),
                 lambda nn: nn.ELU(alpha=0.5, inplace=True), lambda nn: nn.Softmax(),
                 lambda nn: nn.Hardtanh(inplace=True), lambda nn: nn.SiLU(True),
                 lambda nn: nn.Threshold(0.5, 1.5, True), lambda nn: nn.GLU(dim=1),
                 lambda nn: nn.ReLU6(True), lambda nn: nn.SELU(True)]:
        assert repr(make(numtorch.nn)) == repr(make(torch.nn))
