"""logcumsumexp of complex tensors (values and gradients) as PyTorch; it used to raise NumPy's
ufunc TypeError."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check


@pytest.mark.parametrize("dt", ["complex64", "complex128"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_logcumsumexp_complex(dim, dt):
    rng = np.random.default_rng(0)
    arr = (rng.uniform(-2, 2, (3, 4)) + 1j * rng.uniform(-2, 2, (3, 4))).astype(dt)
    up = (rng.uniform(-1, 1, (3, 4)) + 1j * rng.uniform(-1, 1, (3, 4))).astype(dt)
    res = []
    for lib in (torch, numtorch):
        x = lib.tensor(arr, requires_grad=True)
        y = x.logcumsumexp(dim)
        y.backward(lib.tensor(up))
        grad = x.grad.resolve_conj() if lib is torch else x.grad
        res.append((str(y.dtype), y.detach().numpy(), grad.numpy()))
    (tdt, ty, tg), (ndt, ny, ng) = res
    assert ndt == tdt
    tol = 1e-5 if dt == "complex64" else 1e-10
    np.testing.assert_allclose(ny, ty, rtol=tol, atol=tol)
    np.testing.assert_allclose(ng, tg, rtol=tol, atol=tol)


def test_logcumsumexp_complex_empty_and_single():
    check(lambda L, x: L.logcumsumexp(x, 0), [(0, 3)], dtypes=("complex128",), grad=False)
    check(lambda L, x: L.logcumsumexp(x, 0), [(1,)], dtypes=("complex128",), grad=False)
