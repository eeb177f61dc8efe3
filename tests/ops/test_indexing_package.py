"""The indexing/sorting/scan families as Ops: index-valued results (nonzero, argsort,
searchsorted, unique's inverse, isin, unravel_index, ...) against torch with inputs that require
grad, the view-embedding and as_strided ops, and the op contract of the package (declared
params, re-exported names, no NumPy in the modules)."""

import inspect

import pytest

import numtorch
from numtorch._ops import indexing
from tests.oracle import check

INDEX_VALUED = [
    lambda lib, x: lib.nonzero(x > 0),
    lambda lib, x: lib.nonzero(x > 0, as_tuple=True),
    lambda lib, x: lib.argwhere(x > 0),
    lambda lib, x: lib.where(x > 0),
    lambda lib, x: lib.nonzero_static(x > 0, size=4),
    lambda lib, x: lib.nonzero_static(x, size=20, fill_value=-2),
    lambda lib, x: lib.argsort(x, 1, descending=True),
    lambda lib, x: lib.searchsorted(lib.tensor([-1.0, 0.0, 1.0]), x),
    lambda lib, x: lib.searchsorted(lib.tensor([-1.0, 0.0, 1.0]), 0.5, right=True),
    lambda lib, x: lib.bucketize(x, lib.tensor([-1.0, 0.0, 1.0]), out_int32=True),
    lambda lib, x: lib.histc(x, bins=5, min=-2, max=2),
    lambda lib, x: lib.isin(x, x[0]),
    lambda lib, x: lib.isin(x, x[1], invert=True),
    lambda lib, x: lib.unique(x.round(), return_inverse=True, return_counts=True)[1:],
    lambda lib, x: lib.unique((x > 0).float(), dim=1, return_inverse=True),
    lambda lib, x: lib.unique_consecutive((x > 0).long(), return_counts=True),
    lambda lib, x: lib.unravel_index(lib.argsort(x.reshape(-1)), (3, 4)),
]


@pytest.mark.parametrize("fn", INDEX_VALUED)
def test_index_valued_outputs(fn):
    check(fn, [(3, 4)], graph=False)


def test_nonzero_of_scalars_and_empties():
    check(lambda lib, x: lib.nonzero(x[0, 0]), [(2, 2)], graph=False)
    check(lambda lib, x: lib.nonzero(x[0, 0] * 0, as_tuple=True), [(2, 2)], graph=False)
    check(lambda lib, x: lib.nonzero(x[:0]), [(2, 2)], graph=False)


def test_bincount_weights():
    check(lambda lib, w: lib.bincount(lib.tensor([0, 3, 3, 1]), weights=w, minlength=6),
          [(4,)], dtypes=("float32", "float64"), grad=False)


EMBEDDINGS = [
    ((3, 4), (4,), lambda lib, x, s: lib.select_scatter(x, s, 0, -1)),
    ((3, 4), (3, 2), lambda lib, x, s: lib.slice_scatter(x, s, 1, 1, None, 2)),
    ((4, 4), (3,), lambda lib, x, s: lib.diagonal_scatter(x, s, -1)),
    ((3, 4), (2, 2), lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (1, 3), 2)),
]


@pytest.mark.parametrize("shape,src,fn", EMBEDDINGS)
def test_view_embeddings(shape, src, fn):
    check(fn, [shape, src], dtypes=("float32", "float64"))


@pytest.mark.parametrize("size,stride,offset", [((2, 2), (1, 3), 1), ((3,), (4,), None),
                                                ((2, 3), (0, 1), 0)])
def test_as_strided(size, stride, offset):
    check(lambda lib, x: lib.as_strided(x, size, stride, offset) * 2, [(3, 4)])
    check(lambda lib, x: lib.as_strided_copy(x, size, stride, offset), [(3, 4)], graph=False)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce(reduce):
    check(lambda lib, x, s: lib.index_reduce(x, 0, lib.tensor([0, 2, 0]), s, reduce),
          [(3, 2), (3, 2)], grad=reduce != "prod", graph=False)


# by import path: ``indexing.scatter`` and ``indexing.where`` are the functions of those names


def test_names_moved_from_misc_stay_public():
    for name in ("as_strided", "as_strided_copy", "as_strided_scatter", "select_scatter",
                 "slice_scatter", "diagonal_scatter", "unravel_index", "isin", "index_reduce",
                 "nonzero_static"):
        # the public name wraps the function once (``__torch_function__`` dispatch)
        assert inspect.unwrap(getattr(numtorch, name)) is getattr(indexing, name)
    assert inspect.unwrap(numtorch.Tensor.index_reduce_) is indexing.index_reduce_
