"""outer/ger argument checks and einsum's dtype rules (promotion or bmm's error) against torch."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _same_exc_type, _strip


def _both(fn):
    out = []
    for lib in (torch, numtorch):
        try:
            out.append(("ok", fn(lib)))
        except Exception as e:  # noqa: BLE001
            out.append(("err", e))
    (tk, tv), (nk, nv) = out
    assert nk == tk, f"numtorch {nk} {nv!r} vs torch {tk} {tv!r}"
    if tk == "err":
        assert _same_exc_type(nv, tv), f"{type(nv).__name__} vs {type(tv).__name__}"
        assert str(nv) == _strip(str(tv))
    else:
        assert str(nv.dtype) == str(tv.dtype)
        np.testing.assert_allclose(nv.numpy().astype(complex), tv.numpy().astype(complex))


OUTER = {
    "0d_1d": lambda lib: lib.outer(lib.tensor(2.0), lib.tensor([1.0, 2.0])),
    "1d_0d": lambda lib: lib.outer(lib.tensor([1.0, 2.0]), lib.tensor(2.0)),
    "0d_0d": lambda lib: lib.outer(lib.tensor(2.0), lib.tensor(3.0)),
    "2d_1d": lambda lib: lib.outer(lib.ones(2, 2), lib.tensor([1.0, 2.0])),
    "ger_0d": lambda lib: lib.ger(lib.tensor(2.0), lib.tensor([1.0, 2.0])),
    "method_0d": lambda lib: lib.tensor([1.0]).outer(lib.tensor(2.0)),
    "int_float": lambda lib: lib.outer(lib.tensor([1, 2]), lib.tensor([0.5, 2.0])),
    "bool": lambda lib: lib.outer(lib.tensor([True]), lib.tensor([False, True])),
}


@pytest.mark.parametrize("name", sorted(OUTER))
def test_outer_as_torch(name):
    _both(OUTER[name])


def _v(lib, dt, *shape):
    return lib.ones(*shape, dtype=getattr(lib, dt)) if shape else lib.tensor([1, 2],
                                                                          dtype=getattr(lib, dt))


EINSUM = [
    ("i,i->", "int64", "int32"), ("i,i->", "int32", "int64"), ("i,i->", "int64", "float32"),
    ("i,i->", "float32", "int64"), ("i,j->ij", "uint8", "int64"), ("i,j->ij", "int32", "int32"),
    ("i,j->ij", "float16", "float32"), ("i,j->ij", "bool", "float32"),
    ("i,j->ij", "complex64", "float32"), ("i,i->", "int32", "int32"), ("i,i->", "bool", "bool"),
    ("i,j->ij", "bool", "bool"), ("i,i->", "float16", "float16"), ("i,i->i", "int64", "float32"),
    ("i,i->", "bool", "uint8"), ("i,i->", "float32", "bool"),
]


@pytest.mark.parametrize("eq,a,b", EINSUM)
def test_einsum_dtypes_as_torch(eq, a, b):
    _both(lambda lib: lib.einsum(eq, _v(lib, a), _v(lib, b)))


MORE = {
    "single_int_sum": lambda lib: lib.einsum("i->", _v(lib, "int32")),
    "single_int_keep": lambda lib: lib.einsum("i->i", _v(lib, "int32")),
    "single_bool_sum": lambda lib: lib.einsum("i->", _v(lib, "bool")),
    "diag_int": lambda lib: lib.einsum("ii->i", _v(lib, "int32", 2, 2)),
    "presum_int32": lambda lib: lib.einsum("ij,j->", _v(lib, "int32", 2, 3),
                                           _v(lib, "int32", 3)),
    "matvec_int32": lambda lib: lib.einsum("ij,j->i", _v(lib, "int32", 2, 3),
                                           _v(lib, "int32", 3)),
    "presum_int8": lambda lib: lib.einsum("ij,j->", _v(lib, "int8", 2, 2), _v(lib, "int8", 2)),
    "presum_half_float": lambda lib: lib.einsum("ij,j->", _v(lib, "float16", 2, 2),
                                                _v(lib, "float32", 2)),
    "size1_label_mul": lambda lib: lib.einsum("ij,j->i", _v(lib, "int32", 2, 1),
                                              _v(lib, "float32", 1)),
    "three_bmm_last": lambda lib: lib.einsum("i,i,i->", _v(lib, "int64"), _v(lib, "int64"),
                                             _v(lib, "int32")),
    "three_mul_first": lambda lib: lib.einsum("i,i,i->", _v(lib, "int32"), _v(lib, "int64"),
                                              _v(lib, "int64")),
    "three_outer": lambda lib: lib.einsum("i,j,k->ijk", _v(lib, "int64"), _v(lib, "int64"),
                                          _v(lib, "float32")),
    "ellipsis": lambda lib: lib.einsum("...i,...i->...", _v(lib, "int32", 2, 3),
                                       _v(lib, "float32", 2, 3)),
    "zero_size": lambda lib: lib.einsum("i,i->", lib.zeros(0, dtype=lib.int32), lib.zeros(0)),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_einsum_more_as_torch(name):
    _both(MORE[name])


def test_einsum_mixed_grad_still_flows():
    a = numtorch.ones(2, dtype=numtorch.float16)
    b = numtorch.ones(3, requires_grad=True)
    numtorch.einsum("i,j->ij", a, b).sum().backward()
    assert b.grad.tolist() == [2.0, 2.0, 2.0]
