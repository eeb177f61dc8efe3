"""numtorch._ops.misc against torch: *_copy views, scatter-into-view ops, statistics, index
helpers and the native normalisation primitives (values, dtypes, gradients, errors)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises

COPIES = [
    (lambda lib, x: lib.view_copy(x, (6, 4)), [(2, 3, 4)]),
    (lambda lib, x: lib.permute_copy(x, (2, 0, 1)), [(2, 3, 4)]),
    (lambda lib, x: lib.transpose_copy(x, 0, 2), [(2, 3, 4)]),
    (lambda lib, x: lib.t_copy(x), [(3, 4)]),
    (lambda lib, x: lib.squeeze_copy(x, 1), [(3, 1, 4)]),
    (lambda lib, x: lib.unsqueeze_copy(x, -1), [(3, 4)]),
    (lambda lib, x: lib.unbind_copy(x, 1), [(3, 4)]),
    (lambda lib, x: lib.unfold_copy(x, 1, 2, 1), [(3, 4)]),
    (lambda lib, x: lib.diagonal_copy(x, 1), [(4, 4)]),
    (lambda lib, x: lib.expand_copy(x, (3, 4)), [(1, 4)]),
    (lambda lib, x: lib.narrow_copy(x, 1, 1, 2), [(3, 4)]),
    (lambda lib, x: lib.alias_copy(x), [(3, 4)]),
    (lambda lib, x: lib.split_with_sizes(x, [1, 3], 1), [(3, 4)]),
    (lambda lib, x: lib.split_with_sizes_copy(x, [2, 1]), [(3, 4)]),
    (lambda lib, x: lib.unsafe_split(x, 2, 1), [(3, 4)]),
    (lambda lib, x: lib.unsafe_chunk(x, 2), [(3, 4)]),
    (lambda lib, x: lib.ravel(x.t()), [(3, 4)]),
    (lambda lib, x: lib.hsplit(x, 2), [(3, 4)]),
    (lambda lib, x: lib.vsplit(x, [1]), [(3, 4)]),
    (lambda lib, x: lib.dsplit(x, [1, 3]), [(2, 3, 4)]),
    (lambda lib, x: lib.diagflat(x, -1), [(2, 2)]),
    (lambda lib, x: lib.combinations(x, 2), [(4,)]),
    (lambda lib, x: lib.combinations(x, 3, with_replacement=True), [(3,)]),
    (lambda lib, x: x.sum_to_size(1, 4), [(3, 4)]),
    (lambda lib, x: x.sum_to_size((3, 1)), [(2, 3, 4)]),
    (lambda lib, x: lib.as_strided(x, (2, 2), (1, 2), 1), [(3, 3)]),
    (lambda lib, x: lib.as_strided_copy(x, (3,), (4,)), [(3, 4)]),
    (lambda lib, x: lib.fill(x, 2.5), [(3, 4)]),
    (lambda lib, x: lib.renorm(x, 2, 0, 1.0), [(3, 4)]),
    (lambda lib, x: lib.renorm(x, 1, 1, 0.5), [(3, 4)]),
]


@pytest.mark.parametrize("fn,shapes", COPIES)
def test_views_and_copies(fn, shapes):
    check(fn, shapes, dtypes=["float64"], graph=False)


SCATTERS = [
    (lambda lib, x, s: lib.select_scatter(x, s, 1, 2), [(3, 4), (3,)]),
    (lambda lib, x, s: lib.slice_scatter(x, s, 1, 0, 4, 2), [(3, 4), (3, 2)]),
    (lambda lib, x, s: lib.diagonal_scatter(x, s, 1), [(4, 4), (3,)]),
    (lambda lib, x, s: lib.as_strided_scatter(x, s, (2, 2), (1, 2), 1), [(3, 3), (2, 2)]),
    (lambda lib, x, a, b: lib.addr(x, a, b, beta=0.5, alpha=2), [(3, 4), (3,), (4,)]),
    (lambda lib, x, a, b: lib.addr(x, a, b, beta=0), [(3, 4), (3,), (4,)]),
]


@pytest.mark.parametrize("fn,shapes", SCATTERS)
def test_scatters(fn, shapes):
    check(fn, shapes, dtypes=["float64"], graph=False)


def test_rdiv():
    check(lambda lib, x, y: x.__rdiv__(y), [(3, 4), (4,)], dtypes=["float64"], graph=False)


STATS = [
    (lambda lib, x: lib.cov(x), [(3, 5)]),
    (lambda lib, x: lib.cov(x, correction=0), [(5,)]),
    (lambda lib, x, w: lib.cov(x, aweights=w.abs()), [(3, 5), (5,)]),
    (lambda lib, x: lib.corrcoef(x), [(3, 5)]),
    (lambda lib, x: lib.quantile(x, 0.3), [(3, 5)]),
    (lambda lib, x: lib.quantile(x, 0.3, dim=1, keepdim=True), [(3, 5)]),
    (lambda lib, x, q: lib.quantile(x, q.abs() / 3, dim=0), [(3, 5), (2,)]),
    (lambda lib, x: lib.nanquantile(x, 0.7, dim=1, interpolation="midpoint"), [(3, 5)]),
    (lambda lib, x: lib.quantile(x, 0.7, dim=0, interpolation="nearest"), [(3, 5)]),
    (lambda lib, x: lib.quantile(x, 0.7, interpolation="lower"), [(3, 5)]),
    (lambda lib, x: lib.gradient(x), [(4, 5)]),
    (lambda lib, x: lib.gradient(x, spacing=2.0, dim=1, edge_order=2), [(4, 5)]),
    (lambda lib, x: lib.native_layer_norm(x, (5,), None, None, 1e-5), [(3, 5)]),
    (lambda lib, x, w, b: lib.native_group_norm(x, w, b, 2, 4, 3, 2, 1e-5),
     [(2, 4, 3), (4,), (4,)]),
]


@pytest.mark.parametrize("fn,shapes", STATS)
def test_statistics(fn, shapes):
    check(fn, shapes, dtypes=["float64"], graph=False)


def test_nanquantile_ignores_nan():
    arr = np.array([[1.0, np.nan, 3.0, 4.0], [np.nan, np.nan, np.nan, np.nan]])
    check(lambda lib, x: lib.nanquantile(x, 0.4, dim=1), arrays=[arr], graph=False)
    check(lambda lib, x: lib.quantile(x, 0.4, dim=1), arrays=[arr], grad=False)


def test_native_batch_norm_updates_running_stats():
    x = np.random.default_rng(1).standard_normal((4, 3, 2))

    def run(lib):
        rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        out = lib.native_batch_norm(lib.tensor(x), None, None, rm, rv, True, 0.1, 1e-5)
        return [o.numpy() for o in out] + [rm.numpy(), rv.numpy()]

    for a, b in zip(run(numtorch), run(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_histograms():
    x = np.random.default_rng(2).standard_normal(50).astype(np.float32)
    check(lambda lib, t: lib.histogram(t, 7), arrays=[x], grad=False)
    check(lambda lib, t: lib.histogram(t, 4, range=(-1.0, 1.0), density=True), arrays=[x],
          grad=False)
    pts = np.random.default_rng(3).standard_normal((30, 2)).astype(np.float32)
    check(lambda lib, t: lib.histogramdd(t, [3, 4]), arrays=[pts], grad=False)
    check(lambda lib, t: lib.histogramdd(t, 2, density=True), arrays=[pts], grad=False)


def test_index_helpers():
    for row, col, off in [(3, 4, 0), (4, 3, 1), (3, 3, -1), (0, 2, 0)]:
        check(lambda lib, r=row, c=col, o=off: lib.tril_indices(r, c, o), arrays=[])
        check(lambda lib, r=row, c=col, o=off: lib.triu_indices(r, c, o), arrays=[])
    idx = np.array([[3, 8, 13], [0, 5, 19]])
    check(lambda lib, i: lib.unravel_index(i, (4, 5)), arrays=[idx])
    assert numtorch.broadcast_shapes((5, 1), (3,), 1) == torch.broadcast_shapes((5, 1), (3,), 1)
    check_raises(lambda lib: lib.broadcast_shapes((5, 1), (3,), 2), arrays=[])
    check_raises(lambda lib: lib.broadcast_shapes((2,), (3,)), arrays=[])


def test_isin_and_nonzero_static():
    a = np.array([1, 2, 3, 4, 5])
    b = np.array([2, 5, 7])
    check(lambda lib, x, y: lib.isin(x, y), arrays=[a, b])
    check(lambda lib, x, y: lib.isin(x, y, invert=True), arrays=[a, b])
    check(lambda lib, x: lib.isin(x, 3), arrays=[a])
    m = np.array([[0, 1], [2, 0]])
    check(lambda lib, x: lib.nonzero_static(x, size=4), arrays=[m])
    check(lambda lib, x: lib.nonzero_static(x, size=1, fill_value=7), arrays=[m])


def test_index_reduce():
    x = np.random.default_rng(4).standard_normal((4, 3))
    src = np.random.default_rng(5).standard_normal((5, 3))
    idx = np.array([0, 2, 0, 3, 2])
    for red in ("prod", "mean", "amax", "amin"):
        for inc in (True, False):
            check(lambda lib, a, i, s, r=red, c=inc: lib.index_reduce(a, 0, i, s, r,
                                                                     include_self=c),
                  arrays=[x, idx, src], graph=False)


def test_resize():
    for lib in (numtorch, torch):
        t = lib.arange(6.0)
        t.resize_(2, 2)
        assert tuple(t.shape) == (2, 2) and t.tolist() == [[0.0, 1.0], [2.0, 3.0]]
        t.resize_as_(lib.zeros(4))
        assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    check_raises(lambda lib: lib.ones(2, requires_grad=True).resize_(3), arrays=[])


def test_empty_creation_metadata():
    for lib in (numtorch, torch):
        t = lib.empty_permuted((2, 3, 4), (0, 2, 1), dtype=lib.float64)
        assert tuple(t.shape) == (2, 3, 4) and t.dtype == lib.float64
        s = lib.zeros(2).new_empty_strided((2, 3), (3, 1))
        assert tuple(s.shape) == (2, 3)


def test_zero_and_errors():
    check(lambda lib, x: lib.zero_(x.clone()), [(3, 4)], graph=False)
    check_raises(lambda lib, x: lib.hsplit(x, 3), [(3, 4)])
    check_raises(lambda lib, x: lib.dsplit(x, 2), [(3, 4)], match_message=False)
    check_raises(lambda lib, x: lib.select_scatter(x, x[0], 0, 5), [(3, 4)],
                 match_message=False)


def test_stft():
    sig = np.random.default_rng(6).standard_normal((2, 64))
    win = np.hanning(12)
    check(lambda lib, x: lib.stft(x, 16, return_complex=True), arrays=[sig[0]], graph=False)
    check(lambda lib, x, w: lib.stft(x, 16, 5, 12, w, return_complex=True, normalized=True),
          arrays=[sig, win], graph=False)
    check(lambda lib, x: lib.stft(x, 8, center=False, onesided=False, return_complex=True),
          arrays=[sig], graph=False)
    check(lambda lib, x: lib.stft(x, 16, return_complex=False), arrays=[sig], graph=False)
