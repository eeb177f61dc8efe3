"""Scan ops against torch: cumsum, cumprod (gradient with zeros), cummax, cummin,
logcumsumexp, diff, trapezoid/trapz, cumulative_trapezoid."""

import numpy as np
import pytest

from tests.oracle import LAYOUTS, check, check_raises

F = ["float32", "float64"]
ZEROS = np.array([[2.0, 0, 3, 0, 4], [1, 2, 3, 4, 5], [0, 1, 2, 3, 4], [1, 2, 3, 4, 0]])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_cumprod(dim):
    check(lambda lib, x: x.cumsum(dim), [(3, 4)], dtypes=F, layouts=LAYOUTS, second_order=True)
    check(lambda lib, x: lib.cumprod(x, dim), [(3, 4)], dtypes=F, layouts=LAYOUTS,
          second_order=True, low=0.5, high=1.5)
    check(lambda lib, x: (lib.cumsum(x, dim), x.cumprod(dim)), [(3, 4)],
          dtypes=["int32", "int64", "bool"], grad=False)


def test_cumsum_misc():
    check(lambda lib, x: x.cumsum(0), [()])
    check(lambda lib, x: x.cumsum(0), [(0, 3)])
    check(lambda lib, x: lib.cumsum(x, 1, dtype=lib.float64), [(3, 4)])
    check(lambda lib, x: lib.cumsum(x, 0, dtype=lib.float32), [(5,)], dtypes=["int64"],
          grad=False)
    check_raises(lambda lib, x: x.cumsum(2), [(3, 4)])


def test_cumprod_grad_with_zeros():
    check(lambda lib, x: x.cumprod(1), arrays=[ZEROS])
    check(lambda lib, x: x.cumprod(0), arrays=[ZEROS])
    check(lambda lib, x: x.cumprod(0), arrays=[np.float32(0.0)])


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin(name):
    check(lambda lib, x: getattr(x, name)(1), [(3, 5)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: getattr(lib, name)(x, 0), [(3, 5)], dtypes=F, layouts=LAYOUTS)
    ties = np.array([[1.0, 1, 3, 3, 2, 5, 5], [3, 1, 3, np.nan, 5, np.nan, 0]])
    check(lambda lib, x: getattr(x, name)(1), arrays=[ties])
    check(lambda lib, x: getattr(lib, name)(x, 0), [(4, 3)], dtypes=["int64", "bool"],
          grad=False)
    check(lambda lib, x: getattr(x, name)(0), [()])
    check(lambda lib, x: getattr(x, name)(0), [(0, 2)])


@pytest.mark.parametrize("dim", [0, 1])
def test_logcumsumexp(dim):
    check(lambda lib, x: x.logcumsumexp(dim), [(3, 4)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: lib.logcumsumexp(x, dim), [(3, 4)], dtypes=["float64"], low=-50,
          high=50)
    check(lambda lib, x: x.logcumsumexp(0), [()])
    check(lambda lib, x: lib.logcumsumexp(x, dim), arrays=[np.array([[-np.inf, 0.0],
                                                                     [1.0, -np.inf]])],
          grad=False)
    check_raises(lambda lib, x: x.logcumsumexp(0), [(3,)], dtype="int64")


@pytest.mark.parametrize("kw", [{}, {"n": 2}, {"dim": 0}, {"n": 3, "dim": 1}, {"n": 0},
                                {"n": 5}])
def test_diff(kw):
    check(lambda lib, x: lib.diff(x, **kw), [(3, 4)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, x: x.diff(**kw), [(3, 4)], dtypes=["int64", "bool"], grad=False)


def test_diff_prepend_append():
    check(lambda lib, x, p, a: lib.diff(x, prepend=p, append=a), [(3, 4), (3, 2), (3, 1)],
          dtypes=F)
    check(lambda lib, x, p: x.diff(dim=0, prepend=p), [(3, 4), (1, 4)])
    check_raises(lambda lib, x: x.diff(), [()])
    check_raises(lambda lib, x: x.diff(n=-1), [(3,)])


def test_trapezoid():
    # values and gradients (torch decomposes these differently, so no graph comparison)
    check(lambda lib, y: lib.trapezoid(y), [(3, 4)], dtypes=F, layouts=LAYOUTS, graph=False)
    check(lambda lib, y: lib.trapezoid(y, dx=0.5, dim=0), [(3, 4)], graph=False)
    check(lambda lib, y, x: lib.trapezoid(y, x), [(3, 4), (4,)], graph=False)
    check(lambda lib, y, x: lib.trapz(y, x, dim=0), [(3, 4), (3, 4)], graph=False)
    check(lambda lib, y: lib.trapz(y, dx=2.0), [(5,)], graph=False)
    check(lambda lib, y: lib.trapezoid(y), [(0,)], graph=False)
    check(lambda lib, y: lib.cumulative_trapezoid(y), [(3, 4)], graph=False)
    check(lambda lib, y, x: lib.cumulative_trapezoid(y, x, dim=0), [(3, 4), (3,)],
          graph=False)


def test_out_arguments():
    def fn(lib, x):
        o1, o2 = lib.empty(0), lib.empty(0, dtype=lib.int64)
        lib.cumsum(x, 0, out=o1)
        lib.searchsorted(lib.tensor([0.0, 1.0]), x, out=o2)
        return o1, o2
    check(fn, [(3, 4)], grad=False)
