"""Cases the differential fuzzer found in linalg and nn.functional, pinned against torch."""

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import numtorch
import numtorch.nn.functional as NF

INF, NAN = math.inf, math.nan


def _both(fn_t, fn_n, *arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = fn_n(*[numtorch.tensor(a) for a in arrays])
    want = fn_t(*[torch.tensor(a) for a in arrays])
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-3, atol=1e-6)
    assert got.shape == tuple(want.shape)


@pytest.mark.parametrize("call", [
    lambda lib: lib.dot(lib.ones(2), None),
    lambda lib: lib.mm(None, lib.ones(2, 2)),
    lambda lib: lib.matmul(lib.ones(2), [1, 2]),
    lambda lib: lib.trace("a"),
    lambda lib: lib.linalg.det(None),
    lambda lib: lib.linalg.inv([1]),
    lambda lib: lib.linalg.vector_norm(None),
    lambda lib: lib.linalg.vector_norm(lib.ones(2), dim="a"),
    lambda lib: lib.linalg.vector_norm(lib.ones(2), dim=(None,)),
    *[lambda lib, n=n: getattr(lib.nn.functional, n)(None)
      for n in ("relu", "relu6", "hardtanh", "hardshrink", "mish")],
    lambda lib: lib.nn.functional.cross_entropy(lib.ones(2, 3), None),
    lambda lib: lib.nn.functional.nll_loss([1], lib.ones(2)),
])
def test_wrong_kinds_are_type_errors(call):
    with pytest.raises(TypeError) as want:
        call(torch)
    with pytest.raises(TypeError) as got:
        call(numtorch)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_products_of_nonfinite_values_warn_not(dtype):
    a = np.array([[INF, 1.0], [NAN, 0.0]], dtype)
    _both(torch.mm, numtorch.mm, a, a)
    _both(torch.matmul, numtorch.matmul, a[0], a)
    _both(torch.dot, numtorch.dot, a[0], a[1])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape", [(), (1,), (5,)])
@pytest.mark.parametrize("name", ["gelu", "silu", "mish", "hardswish", "hardshrink",
                                  "softshrink"])
def test_activations_of_nonfinite_values(name, shape, dtype):
    a = np.resize(np.array([INF, -INF, NAN, 0.7, -2.0], dtype), shape)
    _both(getattr(TF, name), getattr(NF, name), a)


@pytest.mark.parametrize("values", [[INF], [NAN], [-INF, 1.0], [INF, 1.0], [NAN, 2.0]])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_nonfinite_values(name, values):
    a = np.array(values, "float32")
    for x in (a, a[0]):
        _both(lambda t: getattr(TF, name)(t, 0), lambda t: getattr(NF, name)(t, 0), x)


@pytest.mark.parametrize("name", ["mse_loss", "smooth_l1_loss", "huber_loss", "l1_loss",
                                  "binary_cross_entropy", "binary_cross_entropy_with_logits"])
def test_mean_of_an_empty_loss_is_nan(name):
    a = np.zeros((0,), "float32")
    _both(getattr(TF, name), getattr(NF, name), a, a)


@pytest.mark.parametrize("shapes", [((3,), (2, 3)), ((1,), (3,)), ((3,), (1,)), ((2, 3), (3,))])
def test_soft_margin_loss_does_not_broadcast_its_input(shapes):
    sa, sb = shapes
    a, b = np.ones(sa, "float32"), -np.ones(sb, "float32")
    try:
        want = TF.soft_margin_loss(torch.tensor(a), torch.tensor(b), reduction="none")
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape"):
            NF.soft_margin_loss(numtorch.tensor(a), numtorch.tensor(b), reduction="none")
        assert "doesn't match" in str(e)
        return
    got = NF.soft_margin_loss(numtorch.tensor(a), numtorch.tensor(b), reduction="none")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_shapes_are_checked_before_the_reduction(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(RuntimeError, match="must match the size"):
            getattr(NF, name)(numtorch.ones(3), numtorch.ones(4), reduction="bad")
        with pytest.raises(ValueError, match="not a valid value for reduction"):
            getattr(NF, name)(numtorch.ones(3), numtorch.ones(3), reduction="bad")
