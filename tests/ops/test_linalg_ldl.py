"""linalg.ldl_factor / ldl_factor_ex / ldl_solve against PyTorch (LAPACK sytrf/sytrs): the
packed factors and pivots exactly as LAPACK's Bunch-Kaufman lays them out, and the solves."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises


def _sym(rng, shape, dtype):
    x = rng.standard_normal(shape)
    if dtype.startswith("complex"):
        x = x + 1j * rng.standard_normal(shape)
    return (x + np.swapaxes(x, -1, -2)).astype(dtype)


def _cases():
    rng = np.random.default_rng(0)
    out = []
    for dtype in ("float64", "float32", "complex128"):
        for shape in [(1, 1), (2, 2), (3, 3), (5, 5), (8, 8), (2, 4, 4), (3, 1, 6, 6)]:
            out.append(pytest.param(_sym(rng, shape, dtype), id=f"{dtype}-{shape}"))
    # pivoting paths: 2x2 blocks, interchanges, a zero diagonal, an exactly singular matrix
    out.append(pytest.param(np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]]),
                            id="zero-diagonal"))
    out.append(pytest.param(np.array([[1e-3, 5.0, 0.1], [5.0, 2.0, 4.0], [0.1, 4.0, 1e-2]]),
                            id="interchange"))
    out.append(pytest.param(np.diag([1.0, 0.0, 2.0]), id="singular"))
    return out


@pytest.mark.parametrize("arr", _cases())
def test_ldl_factor_ex_matches_lapack(arr):
    check(lambda lib, a: tuple(lib.linalg.ldl_factor_ex(a)), arrays=[arr], grad=False)


@pytest.mark.parametrize("arr", _cases()[:21])
def test_ldl_factor_and_solve(arr):
    check(lambda lib, a: tuple(lib.linalg.ldl_factor(a)), arrays=[arr], grad=False)
    rng = np.random.default_rng(1)
    b = rng.standard_normal(arr.shape[:-1] + (3,)).astype(arr.dtype)

    def solve(lib, a, bb):
        ld, piv = lib.linalg.ldl_factor(a)
        return lib.linalg.ldl_solve(ld, piv, bb)

    check(solve, arrays=[arr, b], grad=False,
          rtol=1e-3 if arr.dtype == np.float32 else None,
          atol=1e-4 if arr.dtype == np.float32 else None)


def test_ldl_solve_broadcasts_and_records_a_node():
    rng = np.random.default_rng(2)
    a = _sym(rng, (2, 4, 4), "float64")
    b = rng.standard_normal((4, 2))

    def solve(lib, x, bb):
        ld, piv = lib.linalg.ldl_factor(x)
        return lib.linalg.ldl_solve(ld, piv, bb)

    check(solve, arrays=[a, b], grad=False)
    ld, piv = numtorch.linalg.ldl_factor(numtorch.tensor(a))
    x = numtorch.linalg.ldl_solve(ld, piv, numtorch.tensor(b).requires_grad_())
    assert x.requires_grad and type(x.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_solve is not "
                                           "implemented"):
        x.sum().backward()


def test_ldl_factor_errors():
    check_raises(lambda lib, a: lib.linalg.ldl_factor(a), [(3, 4)], dtype="float64")
    check_raises(lambda lib, a: lib.linalg.ldl_factor(a), [(3,)], dtype="float64")
    singular = torch.linalg.ldl_factor_ex(torch.zeros(3, 3, dtype=torch.float64)).info
    ours = numtorch.linalg.ldl_factor_ex(numtorch.zeros(3, 3, dtype=numtorch.float64)).info
    assert ours.item() == singular.item() and ours.dtype == numtorch.int32
    with pytest.raises(RuntimeError, match="Unknown error code: 1"):
        numtorch.linalg.ldl_factor(numtorch.zeros(3, 3, dtype=numtorch.float64))
