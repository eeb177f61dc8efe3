"""Reductions that return integer or bool tensors record through ``Op.apply`` like every op:
argmax/argmin/all/any/count_nonzero and the histograms, against torch; the layering of the
reduction, linear-algebra and spectral kernels."""


import numpy as np
import pytest
import torch

import numtorch as nt
from numtorch._ops.reduction import extrema
from tests.oracle import check


@pytest.mark.parametrize("kw", [{}, {"dim": 1}, {"dim": -1, "keepdim": True},
                                {"keepdim": True}], ids=str)
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_arg_reductions_with_grad_input(op, kw):
    check(lambda lib, a: getattr(a, op)(**kw), [(3, 4)], dtypes=["float32", "float64"])


def test_arg_reductions_nan_and_errors():
    a = np.array([[1.0, np.nan, 3.0], [4.0, 2.0, 0.0]], dtype=np.float32)
    for op in ("argmax", "argmin"):
        for kw in ({}, {"dim": 1}, {"dim": 0}):
            ours = getattr(nt.tensor(a, requires_grad=True), op)(**kw)
            theirs = getattr(torch.tensor(a, requires_grad=True), op)(**kw)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
            assert ours.dtype == nt.int64 and not ours.requires_grad and ours.grad_fn is None
    with pytest.raises(RuntimeError, match="does not support bool input"):
        nt.tensor([True]).argmax()
    with pytest.raises(IndexError, match="Expected reduction dim to be specified"):
        nt.zeros(0).argmin()
    with pytest.raises(IndexError, match="Dimension out of range"):
        nt.zeros(2, 3).argmax(2)


@pytest.mark.parametrize("op", ["all", "any", "count_nonzero"])
@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"dim": 1}], ids=str)
def test_logical_reductions_with_grad_input(op, kw):
    if op == "count_nonzero" and kw == {}:
        kw = {"dim": None}
    check(lambda lib, a: getattr(lib, op)(a, **kw), [(3, 4)], dtypes=["float32"])


@pytest.mark.parametrize("dt", ["uint8", "bool", "int64"])
def test_all_any_dtypes(dt):
    a = np.array([[0, 1, 2], [3, 4, 5]]).astype(dt)
    for op in ("all", "any"):
        for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
            ours = getattr(nt.tensor(a), op)(**kw)
            theirs = getattr(torch.tensor(a), op)(**kw)
            assert str(ours.dtype) == str(theirs.dtype)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_histograms_take_no_gradient():
    x = np.random.default_rng(0).normal(size=(20, 2))
    w = np.random.default_rng(1).uniform(size=20)
    ours = nt.histogramdd(nt.tensor(x), bins=[3, 4], weight=nt.tensor(w, requires_grad=True),
                          density=True)
    theirs = torch.histogramdd(torch.tensor(x), bins=[3, 4], weight=torch.tensor(w),
                               density=True)
    np.testing.assert_allclose(ours.hist.numpy(), theirs.hist.numpy(), rtol=1e-12)
    assert not ours.hist.requires_grad
    for e, f in zip(ours.bin_edges, theirs.bin_edges):
        np.testing.assert_allclose(e.numpy(), f.numpy())
    x0 = x[:, 0].astype(np.float32)
    h = nt.histogram(nt.tensor(x0, requires_grad=True), bins=nt.tensor([-1.0, 0.0, 2.0]))
    t = torch.histogram(torch.tensor(x0), bins=torch.tensor([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(h.hist.numpy(), t.hist.numpy())
    assert type(h).__name__ == "histogram" and not h.bin_edges.requires_grad


def test_ops_refuse_unknown_parameters():
    with pytest.raises(TypeError, match="unexpected parameter"):
        extrema.Argmax.apply(nt.ones(2), dim=None, keepdim=False, axis=0)


