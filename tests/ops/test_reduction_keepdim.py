"""Reductions over every dim (``dim=None``/omitted) honour ``keepdim`` as PyTorch, including
0-d and empty inputs; all/any with an empty dim list reduce nothing; empty-dim errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises

SHAPES = [(2, 3), (3,), (), (0, 3), (0,), (2, 0, 3), (1, 1)]
FLOAT_OPS = {
    "sum": lambda L, x, kw: x.sum(**kw),
    "mean": lambda L, x, kw: x.mean(**kw),
    "nansum": lambda L, x, kw: L.nansum(x, **kw),
    "nanmean": lambda L, x, kw: L.nanmean(x, **kw),
    "var": lambda L, x, kw: x.var(**kw),
    "std": lambda L, x, kw: x.std(**kw),
    "var_mean": lambda L, x, kw: L.var_mean(x, **kw),
    "std_mean": lambda L, x, kw: L.std_mean(x, **kw),
    "norm": lambda L, x, kw: x.norm(**kw),
    "all": lambda L, x, kw: x.all(**kw),
    "any": lambda L, x, kw: x.any(**kw),
    "amax": lambda L, x, kw: x.amax(**kw),
    "argmax": lambda L, x, kw: x.argmax(**kw),
}
KWARGS = [dict(dim=None, keepdim=True), dict(dim=None, keepdim=False), dict(dim=None)]


def _compare(fn, arr):
    def run(lib):
        try:
            return fn(lib, lib.tensor(arr)), None
        except Exception as e:  # noqa: BLE001
            return None, e

    t, te = run(torch)
    n, ne = run(numtorch)
    if isinstance(te, TypeError):
        return  # torch's argument parser refuses the combination (e.g. sum(keepdim=True))
    if te is not None:
        assert ne is not None and type(ne) is type(te), f"torch raised {te!r}, numtorch {ne!r}"
        return
    assert ne is None, f"numtorch raised {ne!r}"
    ts = t if isinstance(t, tuple) else (t,)
    ns = n if isinstance(n, tuple) else (n,)
    for a, b in zip(ns, ts):
        assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.numpy().astype(np.float64), b.numpy().astype(np.float64),
                                   rtol=1e-5, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("name", sorted(FLOAT_OPS))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_dim_none_keepdim(name, shape):
    arr = np.asarray(np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) - 1.5)
    for kw in KWARGS + [dict(keepdim=True)]:
        _compare(lambda L, x, kw=kw: FLOAT_OPS[name](L, x, kw), arr)


@pytest.mark.parametrize("dt", ["int64", "bool", "uint8"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_dim_none_keepdim_int(dt, shape):
    arr = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dt)
    for name in ("sum", "all", "any", "amax"):
        for kw in KWARGS + [dict(keepdim=True)]:
            if name == "sum" and "dim" not in kw:
                continue  # torch's sum has no keepdim without dim
            _compare(lambda L, x, n=name, kw=kw: FLOAT_OPS[n](L, x, kw), arr)


def test_sum_keepdim_grad():
    check(lambda L, x: x.sum(None, True), [(2, 3)])
    check(lambda L, x: x.mean(dim=None, keepdim=True), [(2, 3)])
    check(lambda L, x: L.nansum(x, keepdim=True), [(2, 3)])
    check(lambda L, x: x.var(keepdim=True) + x.std(dim=None, keepdim=True), [(3, 2)])
    check(lambda L, x: x.norm(dim=None, keepdim=True), [(3, 2)])


@pytest.mark.parametrize("dim", [(), []])
@pytest.mark.parametrize("shape", [(2, 3), (0, 3), ()], ids=str)
def test_all_any_empty_dim_list_reduces_nothing(shape, dim):
    for dt in ("float32", "uint8", "bool"):
        arr = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) % 2).astype(dt)
        for kd in (True, False):
            _compare(lambda L, x, kd=kd: x.all(dim=dim, keepdim=kd), arr)
            _compare(lambda L, x, kd=kd: x.any(dim, kd), arr)


@pytest.mark.parametrize("fn", [
    lambda L, x: x.amax(0), lambda L, x: x.amax((-2, 1)), lambda L, x: x.amin((1, -2)),
    lambda L, x: x.amax(), lambda L, x: L.aminmax(x), lambda L, x: L.aminmax(x, dim=0),
    lambda L, x: L.aminmax(x, dim=-2, keepdim=True), lambda L, x: x.argmax(0),
    lambda L, x: x.argmin(-2, keepdim=True), lambda L, x: x.mode(0), lambda L, x: x.mode(-2),
    lambda L, x: x.nanmedian(0), lambda L, x: x.kthvalue(1, 0), lambda L, x: x.quantile(0.5),
    lambda L, x: x.quantile(0.5, dim=1), lambda L, x: x.int().quantile(0.5),
])
def test_empty_reduction_errors(fn):
    check_raises(fn, [(0, 3)])


def test_empty_reduction_errors_1d():
    for fn in (lambda L, x: x.amax(0), lambda L, x: x.amin(-1), lambda L, x: x.argmax(-1),
               lambda L, x: x.mode(), lambda L, x: L.aminmax(x, dim=-1)):
        check_raises(fn, [(0,)])


@pytest.mark.parametrize("fn", [
    lambda L, x: x.max(dim=None, keepdim=True), lambda L, x: L.min(x, None, True),
    lambda L, x: x.median(None, True), lambda L, x: x.nanmedian(dim=None, keepdim=True),
    lambda L, x: x.logsumexp(None), lambda L, x: L.logsumexp(x, dim=None, keepdim=True),
])
def test_no_all_dims_keepdim_form(fn):
    """Where PyTorch has no ``dim=None`` + ``keepdim`` form, a TypeError, not a dropped keepdim."""
    check_raises(fn, [(2, 3)], match_message=False)
