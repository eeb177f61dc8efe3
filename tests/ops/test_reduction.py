"""Reductions against torch: dim/keepdim, dtypes, values+indices, ties, NaN, grads, errors."""

# the loop lambdas below are called at once, inside their iteration
# ruff: noqa: B023

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracle import LAYOUTS, check, check_raises

pytestmark = pytest.mark.filterwarnings("ignore:.*degrees of freedom")

FLOATS = ["float32", "float64"]
ALL_LAYOUTS = LAYOUTS + ("expanded",)

DIM_ARGS = [{}, {"dim": 0}, {"dim": 1}, {"dim": -1}, {"dim": 1, "keepdim": True},
            {"dim": (0, 2)}, {"dim": (0, -1), "keepdim": True}, {"dim": ()}]


@pytest.mark.parametrize("kw", DIM_ARGS, ids=str)
@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin", "logsumexp", "var", "std",
                                "nansum", "nanmean", "norm"])
def test_multi_dim_reductions(op, kw):
    if op == "logsumexp" and "dim" not in kw:
        kw = dict(kw, dim=(0, 1, 2))
    if op in ("norm", "logsumexp") and kw.get("dim") == ():
        return
    # torch's var/std backward treats dim=() as "no dims" (an inf gradient): values only
    grad = not (op in ("var", "std") and kw.get("dim") == ())
    check(lambda lib, a: getattr(a, op)(**kw), [(2, 3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS,
          grad=grad)


@pytest.mark.parametrize("op", ["sum", "mean", "var", "std", "logsumexp", "norm", "prod"])
def test_second_order(op):
    kw = {"dim": 1} if op != "sum" else {}
    check(lambda lib, a: getattr(a, op)(**kw), [(3, 4)], dtypes=["float64"], second_order=True,
          low=0.5)


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "amax", "amin", "var", "std",
                                "logsumexp", "norm", "max", "min", "argmax", "argmin", "all",
                                "any", "nansum", "count_nonzero"])
def test_zero_dim_input(op):
    kw = {"dim": 0} if op == "logsumexp" else {}
    check(lambda lib, a: getattr(a, op)(**kw), [()])
    if op not in ("count_nonzero", "all", "any", "nansum"):
        check(lambda lib, a: getattr(a, op)(0), [()])
        check(lambda lib, a: getattr(a, op)(-1, keepdim=True), [()])


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "amax", "var", "logsumexp", "norm",
                                "all", "any", "nansum", "count_nonzero"])
def test_empty_input(op):
    kw = {"dim": (0, 1)} if op == "logsumexp" else {}
    check(lambda lib, a: getattr(a, op)(**kw), [(0, 3)])
    check(lambda lib, a: getattr(a, op)(1), [(0, 3)])


def test_empty_errors():
    check_raises(lambda lib, a: a.max(), [(0, 3)])
    check_raises(lambda lib, a: a.argmax(), [(0, 3)])
    check_raises(lambda lib, a: a.max(0), [(0, 3)])
    check_raises(lambda lib, a: a.amax(0), [(0, 3)])
    check(lambda lib, a: a.max(1), [(0, 3)])


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "int16"])
def test_int_reductions(dtype):
    for f in (lambda lib, a: a.sum(), lambda lib, a: a.sum(1), lambda lib, a: a.prod(),
              lambda lib, a: a.prod(0), lambda lib, a: a.amax(1), lambda lib, a: a.max(),
              lambda lib, a: a.max(1), lambda lib, a: a.min(0, keepdim=True),
              lambda lib, a: a.argmax(), lambda lib, a: a.argmin(1), lambda lib, a: a.all(),
              lambda lib, a: a.any(1), lambda lib, a: a.sum(dtype=lib.float64),
              lambda lib, a: a.mean(dtype=lib.float32), lambda lib, a: a.count_nonzero(0),
              lambda lib, a: a.sum(1, keepdim=True), lambda lib, a: a.nansum(),
              lambda lib, a: a.amin()):
        check(f, [(3, 4)], dtypes=[dtype])


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_mean_of_int_raises(dtype):
    check_raises(lambda lib, a: a.mean(), [(3,)], dtype=dtype)
    check_raises(lambda lib, a: a.mean(0), [(3,)], dtype=dtype)
    check_raises(lambda lib, a: a.mean(dtype=lib.int64), [(3,)], dtype="float32")


def test_sum_dtype_and_out():
    check(lambda lib, a: a.sum(dtype=lib.float64), [(3, 4)])
    check(lambda lib, a: lib.sum(a, 1, dtype=lib.float64), [(3, 4)])
    check(lambda lib, a: a.mean(1, dtype=lib.float64), [(3, 4)])

    def fn(lib, a):
        out = lib.empty(4)
        lib.sum(a.detach(), 0, out=out)
        return out
    check(fn, [(3, 4)])


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_dim(op):
    check(lambda lib, a: getattr(a, op)(1), [(3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS)
    check(lambda lib, a: getattr(lib, op)(a, 0, keepdim=True), [(3, 4)])
    check(lambda lib, a: getattr(a, op)(dim=-1).values, [(2, 3, 4)])
    check(lambda lib, a: getattr(a, op)(), [(3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS)
    # ties: all-reduce shares the gradient, dim-reduce picks one index (the first, as torch)
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    check(lambda lib, a: getattr(a, op)(), None, arrays=[ties])
    check(lambda lib, a: getattr(a, op)(1), None, arrays=[ties])
    check(lambda lib, a: getattr(a, op)(0), None, arrays=[ties])
    nan = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 0.0]])
    check(lambda lib, a: getattr(a, op)(), None, arrays=[nan])
    check(lambda lib, a: getattr(a, op)(1), None, arrays=[nan])
    check(lambda lib, a: getattr(a, "a" + op)(1), None, arrays=[nan])
    check(lambda lib, a: getattr(a, "arg" + op)(1), None, arrays=[nan])
    check(lambda lib, a: getattr(a, "arg" + op)(), None, arrays=[nan])


def test_max_return_type():
    import torch

    import numtorch

    for lib in (torch, numtorch):
        r = lib.tensor([[1.0, 5.0], [7.0, 2.0]]).max(1)
        v, i = r
        assert type(r).__name__ == "max"
        assert r.values.tolist() == [5.0, 7.0] and r.indices.tolist() == [1, 0]
        assert r[0] is r.values or r[0].tolist() == v.tolist()
        assert i.dtype == lib.int64
    assert repr(numtorch.tensor([1.0, 2.0]).max(0)).startswith("torch.return_types.max(")
    assert repr(numtorch.tensor([1.0, 2.0]).max(0)) == repr(torch.tensor([1.0, 2.0]).max(0))


def test_amax_ties_grad():
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    check(lambda lib, a: a.amax(1), None, arrays=[ties])
    check(lambda lib, a: a.amin(), None, arrays=[ties])
    check(lambda lib, a: a.amax((0, 1), keepdim=True), None, arrays=[ties])


@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_arg_reductions(op):
    check(lambda lib, a: getattr(a, op)(), [(3, 4)], layouts=ALL_LAYOUTS)
    check(lambda lib, a: getattr(a, op)(1), [(3, 4)], layouts=ALL_LAYOUTS)
    check(lambda lib, a: getattr(a, op)(0, keepdim=True), [(3, 4)])
    check(lambda lib, a: getattr(lib, op)(a, dim=-1, keepdim=True), [(2, 3, 4)])
    check(lambda lib, a: getattr(a, op)(keepdim=True), [(2, 3)])
    check(lambda lib, a: getattr(a, op)(), None, arrays=[np.array([1.0, 3.0, 3.0, 0.0])])


def test_prod():
    check(lambda lib, a: a.prod(), [(3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS)
    check(lambda lib, a: a.prod(1), [(3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS)
    check(lambda lib, a: a.prod(0, keepdim=True), [(3, 4)])
    check(lambda lib, a: a.prod(dtype=lib.float64), [(3, 4)])
    zeros = np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [4.0, 5.0, 6.0]])
    check(lambda lib, a: a.prod(), None, arrays=[zeros])
    check(lambda lib, a: a.prod(1), None, arrays=[zeros])
    check(lambda lib, a: a.prod(0), None, arrays=[zeros])
    check(lambda lib, a: a.prod(1), None, arrays=[zeros], second_order=True)


def test_var_std_options():
    for kw in ({"unbiased": False}, {"correction": 0}, {"correction": 2}, {"dim": 1,
               "unbiased": True}, {"dim": 0, "correction": 0, "keepdim": True}):
        check(lambda lib, a: a.var(**kw), [(3, 4)], dtypes=FLOATS)
        check(lambda lib, a: a.std(**kw), [(3, 4)], dtypes=FLOATS)
    check(lambda lib, a: a.var(False), [(3, 4)])
    check(lambda lib, a: a.var(1, False), [(3, 4)])
    check(lambda lib, a: lib.var_mean(a, 1), [(3, 4)])
    check(lambda lib, a: lib.std_mean(a, 1, keepdim=True), [(3, 4)])
    check(lambda lib, a: lib.var_mean(a), [(3, 4)])
    check(lambda lib, a: a.var(), [(1,)], grad=False)
    check(lambda lib, a: a.std(0), [(1, 3)], grad=False)
    check(lambda lib, a: a.var(), [(4,)], arrays=[np.full(4, 2.0)])


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf"), float("-inf"), 0, "fro"])
def test_norm(p):
    check(lambda lib, a: a.norm(p), [(3, 4)], dtypes=FLOATS)
    check(lambda lib, a: a.norm(p, dim=1), [(3, 4)], dtypes=FLOATS)
    check(lambda lib, a: lib.norm(a, p, dim=(0, 1), keepdim=True), [(3, 4)])
    check(lambda lib, a: a.norm(p, 0), None, arrays=[np.array([[0.0, 1.0], [0.0, -2.0]])])


def test_norm_errors():
    check_raises(lambda lib, a: a.long().norm(), [(3,)])


def test_logsumexp_extremes():
    arr = np.array([[1000.0, 1000.0, -np.inf], [-np.inf, -np.inf, -np.inf], [1.0, 2.0, 3.0]])
    check(lambda lib, a: a.logsumexp(1), None, arrays=[arr], grad=False)
    check(lambda lib, a: a.logsumexp(1), None, arrays=[arr[[0, 2]]])
    check(lambda lib, a: a.logsumexp(1), None, arrays=[np.array([[np.inf, 1.0]])], grad=False)
    check(lambda lib, a: lib.logsumexp(a.long(), 1), [(2, 3)], grad=False)


def test_all_any():
    arrs = [np.array([[True, False], [True, True]])]
    for f in (lambda lib, a: a.all(), lambda lib, a: a.any(), lambda lib, a: a.all(1),
              lambda lib, a: a.any(0, keepdim=True), lambda lib, a: lib.all(a, dim=-1)):
        check(f, None, arrays=arrs)
        check(f, None, arrays=[np.array([[0.0, 1.5], [2.0, 3.0]])], grad=False)
        check(f, None, arrays=[np.array([[0, 2], [255, 1]], dtype=np.uint8)])


def test_dim_errors():
    check_raises(lambda lib, a: a.sum(2), [(3, 4)])
    check_raises(lambda lib, a: a.sum((0, 0)), [(3, 4)])
    check_raises(lambda lib, a: a.max(-3), [(3, 4)])
    check_raises(lambda lib, a: a.mean(5), [(3, 4)])
    check_raises(lambda lib, a: a.argmax(2), [(3, 4)])


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data(),
       st.sampled_from(["sum", "mean", "amax", "var", "logsumexp", "max", "argmin", "prod",
                        "std", "norm"]))
def test_fuzz_reductions(shape, data, op):
    nd = len(shape)
    keepdim = data.draw(st.booleans())
    if op in ("max", "argmin"):
        dim = data.draw(st.integers(-nd, nd - 1))
    else:
        dims = data.draw(st.lists(st.integers(0, nd - 1), unique=True, min_size=1, max_size=nd))
        dim = tuple(dims) if op != "prod" else dims[0]
    check(lambda lib, a: getattr(a, op)(dim=dim, keepdim=keepdim), [tuple(shape)],
          dtypes=["float64"], low=0.5)
