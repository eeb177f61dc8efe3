"""Tensor-list ops (cat/stack and friends) reject non-Tensor elements and non-sequence
arguments with PyTorch's TypeError and message."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from tests.oracle import check_raises


class _Custom:
    pass


_BAD = {"dict": lambda: {"a": 1}, "int": lambda: 1, "float": lambda: 1.5, "bool": lambda: True,
        "str": lambda: "s", "None": lambda: None, "list": lambda: [1],
        "ndarray": lambda: np.ones(2),
        "np.float64": lambda: np.float64(1), "OrderedDict": collections.OrderedDict,
        "custom": _Custom, "complex": lambda: 1j}

_LIST_OPS = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
             "column_stack"]
_VARARG_OPS = ["block_diag", "cartesian_prod", "broadcast_tensors"]


@pytest.mark.parametrize("bad", sorted(_BAD))
@pytest.mark.parametrize("op", _LIST_OPS)
@pytest.mark.parametrize("pos", [0, 1, 2])
def test_list_ops_non_tensor_element(op, bad, pos):
    def fn(lib, t):
        items = [t, t]
        items.insert(pos, _BAD[bad]())
        getattr(lib, op)(items)

    check_raises(fn, [(2,)])


@pytest.mark.parametrize("op", ["cat", "stack"])
def test_dim_and_out_do_not_skip_the_check(op):
    check_raises(lambda lib, t: getattr(lib, op)((t, {"a": 1}), dim=0), [(2,)])
    check_raises(lambda lib, t: getattr(lib, op)([t, {"a": 1}], 0, out=lib.empty(4)), [(2,)])


@pytest.mark.parametrize("arg", ["int", "str", "generator", "set", "dict", "ndarray", "range",
                                 "tensor"])
@pytest.mark.parametrize("op", ["cat", "stack", "hstack", "vstack", "dstack", "column_stack"])
def test_tensors_argument_must_be_a_sequence(op, arg):
    def fn(lib, t):
        value = {"int": 5, "str": "ab", "generator": (x for x in [t, t]), "set": {t},
                 "dict": {"a": t}, "ndarray": np.ones(2), "range": range(2), "tensor": t}[arg]
        getattr(lib, op)(value)

    check_raises(fn, [(2,)])


def test_list_subclass_and_tuple_accepted():
    import numtorch

    class L(list):
        pass

    t = numtorch.ones(2)
    assert numtorch.stack(L([t, t])).shape == (2, 2)
    assert numtorch.cat((t, t)).shape == (4,)


@pytest.mark.parametrize("op", _VARARG_OPS + ["meshgrid"])
@pytest.mark.parametrize("bad", ["int", "dict", "None"])
def test_vararg_ops_non_tensor_element(op, bad):
    def fn(lib, t):
        kw = {"indexing": "ij"} if op == "meshgrid" else {}
        getattr(lib, op)(t, _BAD[bad](), **kw)

    check_raises(fn, [(2,)])


def test_meshgrid_list_argument():
    check_raises(lambda lib, t: lib.meshgrid([t, 1], indexing="ij"), [(2,)])
