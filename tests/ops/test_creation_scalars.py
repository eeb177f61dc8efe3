"""tensor()/full()/fill_() scalar conversion against torch: NumPy scalar dtypes, out-of-range
ints wrapping or raising, None, and full()'s argument errors."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _same_exc_type, _strip


def _same(fn):
    out = []
    for lib in (torch, numtorch):
        try:
            out.append(("ok", fn(lib)))
        except Exception as e:  # noqa: BLE001
            out.append(("err", e))
    (tk, tv), (nk, nv) = out
    assert nk == tk, f"numtorch {nk} {nv!r} vs torch {tk} {tv!r}"
    if tk == "err":
        assert _same_exc_type(nv, tv), f"{type(nv).__name__}: {nv} vs {type(tv).__name__}: {tv}"
        assert str(nv) == _strip(str(tv))
    else:
        assert str(nv.dtype) == str(tv.dtype)
        np.testing.assert_array_equal(nv.numpy(), tv.numpy())


NP_SCALARS = [np.float32(1.5), np.float64(1.1), np.float16(1.5), np.int8(-3), np.int16(3),
              np.int32(3), np.int64(3), np.uint8(200), np.bool_(True), np.complex64(1j),
              np.complex128(1 + 2j)]


@pytest.mark.parametrize("s", NP_SCALARS, ids=lambda s: type(s).__name__)
def test_numpy_scalar_keeps_dtype(s):
    _same(lambda lib: lib.tensor(s))
    _same(lambda lib: lib.as_tensor(s))
    _same(lambda lib: lib.tensor([s]))
    _same(lambda lib: lib.tensor([s, 2.0]))
    _same(lambda lib: lib.tensor([[s], [s]]))


@pytest.mark.parametrize("data", [
    [np.float32(1), np.float64(2)], [np.int32(1), np.float32(2)], [np.int8(1), np.uint8(2)],
    [np.float16(1), 2], [np.int8(3), 2], [np.float64(1.1), np.float32(1)],
], ids=str)
def test_numpy_scalars_promote_in_lists(data):
    _same(lambda lib: lib.tensor(data))


def test_numpy_scalar_under_float64_default():
    for lib in (torch, numtorch):
        lib.set_default_dtype(lib.float64)
    try:
        _same(lambda lib: lib.tensor(np.float32(1.1)))
        _same(lambda lib: lib.tensor([np.float32(1.1), 2.0]))
    finally:
        for lib in (torch, numtorch):
            lib.set_default_dtype(lib.float32)


INT_VALUES = [(0, -1), (256, 300), (-129, 128), (-255,), (-256,), (2 ** 15, -2 ** 15 - 1),
              (2 ** 31, -2 ** 31 - 1), (2 ** 63 - 1, -2 ** 63), (2 ** 63,), (-2 ** 63 - 1,),
              (10 ** 30,), (2.7, -1.5), (300.5,), (-0.5,), (255.9,), (float("nan"),),
              (float("inf"),), (True, False), (1j,), (np.int64(300),), (np.float64(-3.0),)]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64", "bool"]


@pytest.mark.parametrize("dt", INT_DTYPES)
@pytest.mark.parametrize("vals", INT_VALUES, ids=str)
def test_tensor_int_conversion(vals, dt):
    _same(lambda lib: lib.tensor(vals, dtype=getattr(lib, dt)))
    _same(lambda lib: lib.tensor(vals[0], dtype=getattr(lib, dt)))


def test_tensor_wraps_into_uint8():
    assert numtorch.tensor((0, -1), dtype=numtorch.uint8).tolist() == [0, 255]
    _same(lambda lib: lib.tensor([lib.tensor(-1), 2], dtype=lib.uint8))
    _same(lambda lib: lib.tensor([lib.tensor(300), 2], dtype=lib.uint8))
    _same(lambda lib: lib.tensor([[1, -2], [3, -4]], dtype=lib.uint8))


@pytest.mark.parametrize("data", [[2 ** 63], -2 ** 63 - 1, [1, 2 ** 64], [1.5, 2 ** 64]],
                         ids=str)
def test_tensor_beyond_int64(data):
    _same(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor(None), lambda lib: lib.tensor([None]),
    lambda lib: lib.tensor([1, None]), lambda lib: lib.as_tensor(None),
    lambda lib: lib.tensor(None, dtype=lib.float32), lambda lib: lib.tensor(None, dtype=lib.int64),
    lambda lib: lib.tensor(None, dtype=lib.bool), lambda lib: lib.tensor([1, None],
                                                                         dtype=lib.int64),
])
def test_tensor_none(fn):
    _same(fn)


FULL = {
    "bare_int_tensor_fill": lambda lib: lib.full(10 ** 9, lib.tensor(1.0)),
    "bare_int": lambda lib: lib.full(3, 1.0),
    "none_size": lambda lib: lib.full(None, 1.0),
    "tensor_size": lambda lib: lib.full(lib.tensor([2, 3]), 1.0),
    "numpy_int_size": lambda lib: lib.full(np.int64(2), 1.0),
    "float_elem_first": lambda lib: lib.full((3.0,), 1.0),
    "float_elem_later": lambda lib: lib.full((2, 3.0), 1.0),
    "list_size": lambda lib: lib.full([3], 1.0),
    "0d_tensor_fill": lambda lib: lib.full((3,), lib.tensor(1.0)),
    "0d_int_tensor_fill": lambda lib: lib.full((3,), lib.tensor(1)),
    "1d_tensor_fill": lambda lib: lib.full((3,), lib.tensor([1.0])),
    "grad_tensor_fill": lambda lib: lib.full((3,), lib.tensor(1.0, requires_grad=True)),
    "str_fill": lambda lib: lib.full((3,), "a"),
    "none_fill": lambda lib: lib.full((3,), None),
    "list_fill": lambda lib: lib.full((3,), [1.0]),
    "np_float_fill": lambda lib: lib.full((2,), np.float64(1.5)),
    "np_int_fill": lambda lib: lib.full((2,), np.int32(1)),
    "np_bool_fill": lambda lib: lib.full((2,), np.bool_(True)),
    "int_beyond_int64": lambda lib: lib.full((2,), 2 ** 63),
}


@pytest.mark.parametrize("name", sorted(FULL))
def test_full_arguments(name):
    _same(FULL[name])


FILL_VALUES = [-1, 300, -256, -255, 2 ** 40, 2 ** 63 - 1, 2 ** 63, -2 ** 63 - 1, 2 ** 64, 2.5,
               -0.5, 1e10, 1e300,
               float("nan"), float("inf"), True, 1j, 1 + 0j]
FILL_DTYPES = ["uint8", "int8", "int16", "int32", "int64", "bool", "float16", "float32",
               "float64", "complex64"]


@pytest.mark.parametrize("dt", FILL_DTYPES)
@pytest.mark.parametrize("v", FILL_VALUES, ids=str)
def test_full_and_fill_conversion(v, dt):
    _same(lambda lib: lib.full((2,), v, dtype=getattr(lib, dt)))
    _same(lambda lib: lib.zeros(2, dtype=getattr(lib, dt)).fill_(v))


LIKE_VALUES = [-1, 300, 2.5, 1e10, float("nan"), 1j, None, "a", 3, [3]]


@pytest.mark.parametrize("dt", ["uint8", "float16"])
@pytest.mark.parametrize("v", LIKE_VALUES, ids=str)
def test_full_like_and_new_full(v, dt):
    def fill(lib):
        return lib.tensor(v) if isinstance(v, list) else v
    _same(lambda lib: lib.full_like(lib.zeros(2, dtype=getattr(lib, dt)), fill(lib)))
    _same(lambda lib: lib.zeros(2, dtype=getattr(lib, dt)).new_full((2,), fill(lib)))


def test_new_full_bare_int_size():
    _same(lambda lib: lib.zeros(2).new_full(2, 1.0))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor("a"), lambda lib: lib.tensor(["a"]), lambda lib: lib.tensor([["a"]]),
    lambda lib: lib.tensor([1, "a"]), lambda lib: lib.tensor(["a"], dtype=lib.float32),
    lambda lib: lib.tensor("a", dtype=lib.float32),
])
def test_tensor_str(fn):
    _same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor(1j, dtype=lib.float32), lambda lib: lib.tensor([1.0, 1j],
                                                                          dtype=lib.float64),
    lambda lib: lib.tensor([[1 + 0j]], dtype=lib.float16),
])
def test_tensor_complex_into_real(fn):
    _same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.full((10 ** 9, 10 ** 9), 1.0), lambda lib: lib.zeros(10 ** 10, 10 ** 10),
    lambda lib: lib.empty(2 ** 62, 4), lambda lib: lib.full((2 ** 63 - 1,), 1.0),
    lambda lib: lib.ones(10 ** 9, 10 ** 9, dtype=lib.float64),
])
def test_too_large(fn):
    _same(fn)
