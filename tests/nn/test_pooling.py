"""Max/avg/adaptive pooling (functional and modules) against torch."""

import pytest
import torch

import numtorch
from tests.oracle import check, check_raises, compare_module

FLOATS = ["float32", "float64"]
LAYOUTS = ("contiguous", "transposed")

CASES = [
    ("max_pool2d", (2, 3, 7, 8), dict(kernel_size=2)),
    ("max_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                      return_indices=True)),
    ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0),
                                      dilation=(2, 1), return_indices=True)),
    ("max_pool2d", (3, 5, 5), dict(kernel_size=2, ceil_mode=True, return_indices=True)),
    ("max_pool1d", (2, 3, 9), dict(kernel_size=3, stride=2, padding=1, return_indices=True)),
    ("max_pool1d", (3, 9), dict(kernel_size=2, ceil_mode=True)),
    ("max_pool3d", (1, 2, 5, 4, 6), dict(kernel_size=2, stride=(1, 2, 2), padding=1,
                                         return_indices=True)),
    ("avg_pool2d", (2, 3, 7, 8), dict(kernel_size=2)),
    ("avg_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", (2, 3, 7, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                      count_include_pad=False)),
    ("avg_pool2d", (2, 3, 7, 8), dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1),
                                      divisor_override=5)),
    ("avg_pool1d", (2, 3, 9), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False,
                                   ceil_mode=True)),
    ("adaptive_avg_pool2d", (2, 3, 7, 8), dict(output_size=(3, 5))),
    ("adaptive_avg_pool2d", (2, 3, 7, 8), dict(output_size=1)),
    ("adaptive_avg_pool2d", (3, 7, 8), dict(output_size=(None, 3))),
    ("adaptive_avg_pool1d", (2, 3, 10), dict(output_size=4)),
    ("adaptive_max_pool2d", (2, 3, 7, 8), dict(output_size=(3, 5), return_indices=True)),
    ("adaptive_max_pool1d", (2, 3, 10), dict(output_size=4, return_indices=True)),
]


@pytest.mark.parametrize("name,shape,kw", CASES)
def test_functional(name, shape, kw):
    check(lambda lib, x: getattr(lib.nn.functional, name)(x, **kw), [shape], dtypes=FLOATS,
          layouts=LAYOUTS)


@pytest.mark.parametrize("name,shape,kw", [CASES[1], CASES[2], CASES[8], CASES[9], CASES[12]])
def test_double_backward(name, shape, kw):
    def fn(lib, x):
        y = getattr(lib.nn.functional, name)(x, **kw)
        y = y[0] if kw.get("return_indices") else y
        return y * y
    check(fn, [shape], dtypes=["float64"], second_order=True, graph=False)


def test_ties_and_nan_pick_like_torch():
    import numpy as np

    a = np.zeros((1, 1, 4, 4), np.float32)
    a[0, 0, 1, 1] = np.nan
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, 2, return_indices=True), None,
          arrays=[a], grad=False)


@pytest.mark.parametrize("name,shape,kw", [
    ("max_pool2d", (1, 2, 4, 4), dict(kernel_size=3, padding=2)),
    ("max_pool2d", (1, 2, 4, 4), dict(kernel_size=5)),
    ("max_pool2d", (4, 4), dict(kernel_size=2)),
    ("max_pool2d", (1, 2, 4, 4), dict(kernel_size=2, stride=0)),
    ("max_pool2d", (1, 2, 4, 4), dict(kernel_size=(2, 2, 2))),
    ("avg_pool2d", (1, 2, 4, 4), dict(kernel_size=5)),
    ("avg_pool1d", (4,), dict(kernel_size=2)),
    ("max_pool1d", (4,), dict(kernel_size=2)),
    ("adaptive_avg_pool2d", (4, 4), dict(output_size=2)),
    ("adaptive_max_pool2d", (4, 4), dict(output_size=2)),
    ("adaptive_avg_pool2d", (1, 2, 4, 4), dict(output_size=(2, 2, 2))),
])
def test_errors(name, shape, kw):
    check_raises(lambda lib, x: getattr(lib.nn.functional, name)(x, **kw), [shape])


@pytest.mark.parametrize("cls,args,kw,shape", [
    ("MaxPool2d", (2,), {}, (2, 3, 6, 6)),
    ("MaxPool2d", ((3, 2),), dict(stride=1, padding=1, dilation=2, ceil_mode=True), (2, 3, 7, 6)),
    ("MaxPool1d", (3,), dict(stride=2), (2, 3, 9)),
    ("MaxPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AvgPool2d", (3, 2, 1, True, False), {}, (2, 3, 7, 7)),
    ("AvgPool2d", (2,), dict(divisor_override=3), (2, 3, 6, 6)),
    ("AvgPool1d", (3, 2, 1, True, False), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveMaxPool2d", (3,), {}, (2, 3, 7, 5)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 8)),
])
def test_modules(cls, args, kw, shape):
    compare_module(lambda lib: getattr(lib.nn, cls)(*args, **kw), [shape])
    assert repr(getattr(numtorch.nn, cls)(*args, **kw)) == repr(getattr(torch.nn, cls)(*args,
                                                                                         **kw))


def test_module_return_indices():
    check(lambda lib, x: lib.nn.MaxPool2d(2, return_indices=True)(x), [(1, 2, 4, 6)])
    check(lambda lib, x: lib.nn.AdaptiveMaxPool2d(2, return_indices=True)(x), [(1, 2, 5, 6)])
