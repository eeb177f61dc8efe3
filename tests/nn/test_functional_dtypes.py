"""nn.functional ops under mixed or unsupported dtypes: PyTorch's result dtype or its error."""

import itertools

import numpy as np
import pytest

from tests.nn.test_loss_dtypes import _array, same_outcome

DTYPES = ("float16", "float32", "float64", "int32", "int64", "bool")


def _f(lib):
    return lib.nn.functional


def test_linear_and_bilinear_dtypes():
    for dx, dw, db in itertools.product(DTYPES, repeat=3):
        same_outcome(lambda L, x, w, b: _f(L).linear(x, w, b),
                     [_array((2, 3), dx, 0), _array((4, 3), dw, 1), _array((4,), db, 2)])
    for dx, dw in itertools.product(DTYPES, repeat=2):
        same_outcome(lambda L, x, w: _f(L).linear(x, w), [_array((2, 3), dx, 0),
                                                          _array((4, 3), dw, 1)])
        same_outcome(lambda L, x, w: _f(L).bilinear(x, x, w), [_array((2, 3), dx, 0),
                                                               _array((4, 3, 3), dw, 1)])
        same_outcome(lambda L, x, w: _f(L).bilinear(x, x, w, L.ones(4)),
                     [_array((2, 3), dx, 0), _array((4, 3, 3), dw, 1)])


CONVS = {
    "conv1d": ((1, 2, 5), (3, 2, 2)),
    "conv2d": ((1, 2, 4, 4), (3, 2, 2, 2)),
    "conv3d": ((1, 2, 3, 3, 3), (3, 2, 2, 2, 2)),
    "conv_transpose1d": ((1, 2, 4), (2, 3, 2)),
    "conv_transpose2d": ((1, 2, 4, 4), (2, 3, 2, 2)),
    "conv_transpose3d": ((1, 2, 3, 3, 3), (2, 3, 2, 2, 2)),
}


@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv_dtypes(name):
    xs, ws = CONVS[name]
    for dx, dw, db in itertools.product(DTYPES, repeat=3):
        same_outcome(lambda L, x, w, b: getattr(_f(L), name)(x, w, b),
                     [_array(xs, dx, 0), _array(ws, dw, 1), _array((3,), db, 2)])
    for dt in ("int16", "uint8", "int8"):
        same_outcome(lambda L, x, w: getattr(_f(L), name)(x, w),
                     [_array(xs, dt, 0), _array(ws, dt, 1)])


@pytest.mark.parametrize("shapes", [((2, 3, 8, 8), (4, 3, 3, 3), {}),
                                    ((1, 3, 8, 8), (4, 3, 3, 3), {"stride": 2}),
                                    ((1, 4, 8, 8), (4, 2, 3, 3), {"groups": 2}),
                                    ((1, 3, 100, 100), (4, 3, 3, 3), {}),
                                    ((1, 3, 8, 8), (4, 3, 5, 5), {})])
def test_conv_weight_dtype_message(shapes):
    """The message of a weight-dtype mismatch follows PyTorch's kernel choice."""
    xs, ws, kw = shapes
    for dx, dw in (("float32", "float64"), ("float32", "float16"), ("float64", "float32")):
        same_outcome(lambda L, x, w: _f(L).conv2d(x, w, **kw), [_array(xs, dx, 0),
                                                                 _array(ws, dw, 1)])


def test_conv_checks_come_in_order():
    same_outcome(lambda L, x, w: _f(L).conv2d(x, w), [np.ones((1, 2, 4, 4), np.float16),
                                                      np.ones((3, 5, 2, 2), np.float32)])
    same_outcome(lambda L, x, w: _f(L).conv2d(x, w, L.ones(3), stride=0),
                 [np.ones((1, 2, 4, 4), np.float16), np.ones((3, 2, 2, 2), np.float16)])
    same_outcome(lambda L, x, w: _f(L).conv_transpose2d(x, w),
                 [np.ones((1, 2, 4, 4), np.int32), np.ones((3, 3, 2, 2), np.int32)])
