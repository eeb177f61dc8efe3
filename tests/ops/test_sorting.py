"""Sorting/selection ops against torch: sort, argsort, msort, topk, kthvalue, median, mode,
unique, unique_consecutive, searchsorted, bucketize, histc, bincount."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import LAYOUTS, check, check_raises

F = ["float32", "float64"]
TIES = np.array([[1.0, 3, 1, 3, 2, 3, 1], [2, 2, 2, 2, 2, 2, 2], [5, 4, 3, 2, 1, 0, -1]])
NANS = np.array([[1.0, np.nan, 0, 3], [np.nan, 2, np.nan, -1]])


@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"descending": True}, {"dim": 0, "stable": True},
                                {"dim": -1, "descending": True, "stable": True}])
def test_sort(kw):
    check(lambda lib, x: x.sort(**kw), [(3, 5)], dtypes=F, layouts=LAYOUTS, second_order=True)
    check(lambda lib, x: lib.sort(x, **kw), arrays=[TIES])
    check(lambda lib, x: lib.sort(x, **kw), arrays=[NANS])
    check(lambda lib, x: lib.sort(x, **kw), [(4, 3)], dtypes=["int64", "bool", "int32"],
          grad=False)
    check(lambda lib, x: (lib.argsort(x, **kw), x.argsort(**kw)), arrays=[TIES])


def test_sort_edges():
    check(lambda lib, x: x.sort(), [()])
    check(lambda lib, x: x.sort(0), [(0, 3)])
    check(lambda lib, x: lib.msort(x), [(4, 3)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: lib.sort(x, stable=True, dim=0, descending=True), arrays=[TIES])
    r = numtorch.sort(numtorch.tensor([3.0, 1.0]))
    assert type(r).__name__ == "sort" and r.values.tolist() == [1.0, 3.0]
    check_raises(lambda lib, x: x.sort(2), [(3, 4)])


@pytest.mark.parametrize("args", [(2,), (1, 0), (3, -1, False), (0,), (5, 1, True, True)])
def test_topk(args):
    check(lambda lib, x: x.topk(*args), [(4, 5)], dtypes=F, layouts=LAYOUTS)
    # among ties torch's selection picks other indices: compare the values only
    check(lambda lib, x: lib.topk(x, *args)[0], arrays=[TIES[:, :5]], grad=False)


def test_topk_misc():
    check(lambda lib, x: x.topk(1), [()])
    check(lambda lib, x: x.topk(2, largest=False)[0], [(3, 4)], dtypes=["int64"], grad=False)
    check_raises(lambda lib, x: x.topk(6), [(3, 5)])
    check_raises(lambda lib, x: x.topk(-1), [(3, 5)])


@pytest.mark.parametrize("args", [(1,), (3, 0), (5, -1, True), (2, 1, False)])
def test_kthvalue(args):
    check(lambda lib, x: x.kthvalue(*args), [(5, 5)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: lib.kthvalue(x, *args).values, arrays=[TIES[:, :5]], grad=False)


def test_kthvalue_errors():
    check(lambda lib, x: x.kthvalue(1), [()])
    check_raises(lambda lib, x: x.kthvalue(6), [(3, 5)])
    check_raises(lambda lib, x: x.kthvalue(0), [(3, 5)])


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (7,), ()])
def test_median(shape):
    check(lambda lib, x: x.median(), [shape], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: lib.nanmedian(x), [shape])
    if shape:
        check(lambda lib, x: x.median(0), [shape], dtypes=F, layouts=LAYOUTS)
        check(lambda lib, x: lib.median(x, -1, keepdim=True), [shape])
        check(lambda lib, x: lib.median(x, 0), [shape], dtypes=["int64"], grad=False)


def test_median_nan_and_ties():
    check(lambda lib, x: (x.median(), x.nanmedian()), arrays=[NANS])
    check(lambda lib, x: x.median(1).values, arrays=[NANS])
    check(lambda lib, x: x.median(1).values, arrays=[TIES], grad=False)
    check(lambda lib, x: x.nanmedian(1), arrays=[np.array([[1.0, np.nan, 0, 3]])])
    check(lambda lib, x: x.median(), [(0,)])
    check_raises(lambda lib, x: x.median(0), [(0, 3)])


def test_mode():
    check(lambda lib, x: x.mode(1), arrays=[TIES])
    check(lambda lib, x: lib.mode(x, 0, keepdim=True), arrays=[TIES])
    check(lambda lib, x: x.mode(), [(3, 4)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: lib.mode(x), arrays=[np.array([3, 1, 2, 3, 3, 1, 2, 2])])
    check(lambda lib, x: x.mode(), [()])


@pytest.mark.parametrize("kw", [{}, {"return_inverse": True}, {"return_counts": True},
                                {"return_inverse": True, "return_counts": True}])
def test_unique(kw):
    a = np.array([[3, 1, 3], [2, 1, 1], [3, 1, 3], [0, 0, 0]])
    check(lambda lib, x: lib.unique(x, **kw), arrays=[a])
    check(lambda lib, x: x.unique(sorted=True, **kw), arrays=[a.astype(np.float32)], grad=False)
    check(lambda lib, x: lib.unique(x, dim=0, **kw), arrays=[a])
    check(lambda lib, x: lib.unique(x, dim=1, **kw), arrays=[a])
    check(lambda lib, x: lib.unique(x, **kw), arrays=[np.zeros((0,), np.int64)])
    b = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    check(lambda lib, x: lib.unique_consecutive(x, **kw), arrays=[b])
    check(lambda lib, x: x.unique_consecutive(**kw), arrays=[np.array([[1, 1], [1, 1], [2, 3]])])
    check(lambda lib, x: lib.unique_consecutive(x, dim=0, **kw),
          arrays=[np.array([[1, 1], [1, 1], [2, 3], [1, 1]])])
    check(lambda lib, x: lib.unique_consecutive(x, dim=1, **kw),
          arrays=[np.array([[1, 1, 2], [1, 1, 3]])])


def test_unique_graph():
    def fn(lib, x):
        return lib.unique(x), lib.unique(x, dim=0), lib.unique_consecutive(x)
    check(fn, arrays=[np.array([3.0, 1, 3, 3])], grad=False)
    for lib in (torch, numtorch):
        x = lib.tensor([3.0, 1, 3], requires_grad=True)
        outs = (lib.unique(x, return_counts=True), lib.unique(x, dim=0, return_counts=True),
                lib.unique_consecutive(x, return_counts=True))
        names = [type(o[0].grad_fn).__name__ for o in outs]
        assert names == ["Unique2Backward0", "UniqueDimBackward0", "UniqueConsecutiveBackward0"]


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_bucketize(right):
    seq = np.array([1.0, 2, 2, 3, 5])
    vals = np.array([[0.0, 2, 2.5], [5, 6, 1]])
    check(lambda lib, s, v: lib.searchsorted(s, v, right=right), arrays=[seq, vals])
    check(lambda lib, s, v: lib.searchsorted(s, v, side="right" if right else "left"),
          arrays=[seq, vals])
    check(lambda lib, s, v: lib.searchsorted(s, v, right=right, out_int32=True),
          arrays=[np.sort(vals, 1) + 0.5, vals])
    check(lambda lib, s: lib.searchsorted(s, 2.0, right=right), arrays=[seq])
    check(lambda lib, s, v: lib.bucketize(v, s, right=right), arrays=[seq, vals])
    check(lambda lib, s, v: lib.bucketize(v, s, right=right, out_int32=True), arrays=[seq, vals])
    check(lambda lib, s, v, o: lib.searchsorted(s, v, sorter=o),
          arrays=[np.array([3.0, 1, 2]), np.array([2.5, 0]), np.array([1, 2, 0])])


def test_searchsorted_errors():
    check_raises(lambda lib, s, v: lib.searchsorted(s, v, side="mid"),
                 arrays=[np.array([1.0, 2]), np.array([1.0])])
    check_raises(lambda lib, s, v: lib.searchsorted(s, v, right=True, side="left"),
                 arrays=[np.array([1.0, 2]), np.array([1.0])])
    check_raises(lambda lib, s, v: lib.bucketize(v, s),
                 arrays=[np.ones((2, 2)), np.array([1.0])])


def test_histc_bincount():
    check(lambda lib, x: lib.histc(x, 5), [(20,)], dtypes=F)
    check(lambda lib, x: x.histc(4, min=-1, max=1), [(4, 5)], dtypes=F)
    check(lambda lib, x: lib.histc(x, bins=3, min=0, max=3),
          arrays=[np.array([0.0, 1, 2, 3, 3, 4, -1])])
    check(lambda lib, x: lib.histc(x, 3), arrays=[np.array([2.0, 2.0])])
    check_raises(lambda lib, x: lib.histc(x, 3), arrays=[np.array([1, 2])])
    check_raises(lambda lib, x: lib.histc(x, 3, min=2, max=1), arrays=[np.array([1.0])])
    idx = np.array([0, 3, 3, 1, 7])
    check(lambda lib, x: lib.bincount(x), arrays=[idx])
    check(lambda lib, x: x.bincount(minlength=10), arrays=[idx])
    for w in (np.float32, np.float64, np.int64):
        check(lambda lib, x, y: lib.bincount(x, y), arrays=[idx, np.arange(5).astype(w)],
              grad=False)
    check(lambda lib, x: lib.bincount(x), arrays=[np.zeros(0, np.int64)])
    check_raises(lambda lib, x: lib.bincount(x), arrays=[np.array([-1, 2])])
    check_raises(lambda lib, x: lib.bincount(x), arrays=[np.ones((2, 2), np.int64)])
    check_raises(lambda lib, x: lib.bincount(x), arrays=[np.ones(2)])
    assert torch.bincount(torch.tensor([1])).tolist() == numtorch.bincount(
        numtorch.tensor([1])).tolist()
