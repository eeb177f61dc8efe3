"""Pointwise ops raise torch's argument-kind TypeErrors (and its dtype refusals) before any array
work, and never let a NumPy exception or floating-point warning through."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _strip


def _x(lib, dtype="float32"):
    return lib.tensor(np.array([1.0, -2.0, 0.5]).astype(dtype))


CASES = {
    "add list": lambda L: L.add(_x(L), [1, 2]),
    "add None": lambda L: L.add(_x(L), None),
    "add str first": lambda L: L.add("a", _x(L)),
    "add alpha str": lambda L: L.add(_x(L), _x(L), alpha="a"),
    "add out list": lambda L: L.add(_x(L), _x(L), out=[1]),
    "sub alpha None": lambda L: L.sub(_x(L), _x(L), alpha=None),
    "mul str": lambda L: L.mul(_x(L), "a"),
    "div None": lambda L: L.div(_x(L), None),
    "div mode int": lambda L: L.div(_x(L), 2, rounding_mode=3),
    "eq None": lambda L: L.eq(_x(L), None),
    "lt list": lambda L: L.lt(_x(L), [1]),
    "lt number first": lambda L: L.lt(1, _x(L)),
    "maximum int": lambda L: L.maximum(_x(L), 1),
    "minimum list": lambda L: L.minimum(_x(L), [1]),
    "pow None": lambda L: L.pow(_x(L), None),
    "float_power list": lambda L: L.float_power(_x(L), [1]),
    "remainder None first": lambda L: L.remainder(None, _x(L)),
    "floor_divide None": lambda L: L.floor_divide(_x(L), None),
    "fmod tuple": lambda L: L.fmod(_x(L), (1,)),
    "bitwise_and list": lambda L: L.bitwise_and(_x(L, "int32"), [1, 2]),
    "bitwise_or tuple": lambda L: L.bitwise_or(_x(L, "int32"), (1, 2.0)),
    "logical_and int": lambda L: L.logical_and(_x(L), 1),
    "atan2 int": lambda L: L.atan2(_x(L), 1),
    "copysign None": lambda L: L.copysign(_x(L), None),
    "heaviside int": lambda L: L.heaviside(_x(L), 1),
    "where list": lambda L: L.where(_x(L) > 0, _x(L), [1, 2]),
    "where cond list": lambda L: L.where([True], _x(L), _x(L)),
    "lerp None": lambda L: L.lerp(_x(L), _x(L), None),
    "addcmul None": lambda L: L.addcmul(_x(L), _x(L), None),
    "addcmul value None": lambda L: L.addcmul(_x(L), _x(L), _x(L), value=None),
    "addcdiv list": lambda L: L.addcdiv(_x(L), [1.0], _x(L)),
    "clamp str": lambda L: L.clamp(_x(L), "a"),
    "clamp tensor and number": lambda L: L.clamp(_x(L), _x(L), 1),
    "clamp_min None": lambda L: L.clamp_min(_x(L), None),
    "nan_to_num str": lambda L: L.nan_to_num(_x(L), nan="a"),
    "sin list": lambda L: L.sin([1.0]),
    "exp float": lambda L: L.exp(1.0),
    "abs int": lambda L: L.abs(1),
    "isnan None": lambda L: L.isnan(None),
    "neg None": lambda L: L.neg(None),
    "relu complex": lambda L: L.relu(_x(L, "complex64")),
    "sign complex": lambda L: L.sign(_x(L, "complex64")),
    "clamp complex": lambda L: L.clamp(_x(L, "complex64"), 0, 1),
    "clamp_min complex": lambda L: L.clamp_min(_x(L, "complex64"), 0),
    "maximum complex": lambda L: L.maximum(_x(L, "complex64"), _x(L, "complex64")),
    "relu bool": lambda L: L.relu(_x(L, "bool")),
    "floor complex": lambda L: L.floor(_x(L, "complex64")),
    "frac int": lambda L: L.frac(_x(L, "int64")),
    "lt complex": lambda L: L.lt(_x(L, "complex64"), _x(L, "complex64")),
    "remainder complex": lambda L: L.remainder(_x(L, "complex64"), 1),
    "hypot int": lambda L: L.hypot(_x(L, "int64"), _x(L, "int64")),
    "bitwise float broadcast first": lambda L: L.bitwise_and(L.ones(1, 3), L.ones(2, 0)),
    "lerp dtypes": lambda L: L.lerp(_x(L), _x(L, "float64"), 0.5),
    "add bool alpha": lambda L: L.add(_x(L), _x(L), alpha=True),
    "sub python bool": lambda L: L.sub(_x(L), True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_error_as_torch(name):
    fn = CASES[name]
    with pytest.raises(Exception) as t_info:
        fn(torch)
    with pytest.raises(Exception) as n_info:
        fn(numtorch)
    t_exc, n_exc = t_info.value, n_info.value
    assert type(n_exc).__name__ == type(t_exc).__name__, (n_exc, t_exc)
    assert _strip(str(n_exc)) == _strip(str(t_exc))


VALUES = {
    "eq None dunder": lambda L: _x(L) == None,  # noqa: E711 - the operator is under test
    "ne None dunder": lambda L: _x(L) != None,  # noqa: E711
    "alpha numpy": lambda L: L.add(_x(L), _x(L), alpha=np.float64(2)),
    "alpha 0-d tensor": lambda L: L.add(_x(L), _x(L), alpha=L.tensor(2.0)),
    "other numpy": lambda L: L.add(_x(L), np.float64(2)),
    "int pow negative": lambda L: L.pow(L.tensor([2, 0, 1, -1, -1]),
                                        L.tensor([-1, -1, -3, -3, -2])),
    "pow -inf by -0.5": lambda L: L.pow(L.tensor([-float("inf"), 4.0]), -0.5),
    "complex sigmoid": lambda L: L.sigmoid(_x(L, "complex64")),
    "clamp bool by int": lambda L: L.clamp(_x(L, "bool"), None, 1),
    "clamp mixed 0-d": lambda L: L.clamp(_x(L, "bool"), -1, L.tensor(1.5, dtype=L.float64)),
    "i0 inf": lambda L: L.i0(L.tensor([float("inf"), 1.0])),
    "floor_divide empty by 0": lambda L: L.floor_divide(L.zeros(2, 0, dtype=L.int64), 0),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_same_value_as_torch(name):
    t_out = VALUES[name](torch)
    n_out = VALUES[name](numtorch)
    if isinstance(t_out, bool):
        assert n_out is t_out
        return
    assert str(n_out.dtype) == str(t_out.dtype)
    np.testing.assert_allclose(n_out.numpy(), t_out.numpy(), rtol=1e-6, equal_nan=True)


def test_no_numpy_warnings_from_pointwise():
    """inf - inf, overflow and 0/0 give torch's values without a NumPy RuntimeWarning (under
    the filter an ordinary import installs)."""
    from numtorch._ops.pointwise._common import _FP_WARNING

    a = numtorch.tensor([float("inf"), 3e38, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", _FP_WARNING[0], RuntimeWarning, _FP_WARNING[1])
        got = [a - a, a * a, a / a, a + a, numtorch.exp(a * 1000), a.pow(a)]
    t = torch.tensor([float("inf"), 3e38, 0.0])
    want = [t - t, t * t, t / t, t + t, torch.exp(t * 1000), t.pow(t)]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())
