"""Linalg gradients and edge cases that used to differ from PyTorch: QR backward for wide
matrices (and complex inputs), pinv(hermitian=True) gradients, svdvals/eigvalsh gradients at
repeated values, matrix norms of empty matrices, matrix_rank with per-matrix tolerances."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.oracle import check, check_raises

# mode="complete" of a tall matrix is not differentiable (in torch either): not a case here
_QR_CASES = [(shape, mode) for shape in [(3, 5), (2, 3, 5), (1, 4), (2, 2, 6), (4, 4), (5, 3)]
             for mode in ("reduced", "complete") if not (mode == "complete"
                                                         and shape[-2] > shape[-1])]


@pytest.mark.parametrize("shape,mode", _QR_CASES)
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
@pytest.mark.parametrize("which", ["both", "Q", "R"])
def test_qr_backward(shape, mode, dtype, which):
    pick = {"both": lambda r: r, "Q": lambda r: r[0], "R": lambda r: r[1]}[which]
    check(lambda lib, a: pick(lib.linalg.qr(a, mode=mode)), [shape], dtypes=(dtype,))


def test_qr_wide_second_order_and_layouts():
    check(lambda lib, a: lib.linalg.qr(a), [(3, 5)], dtypes=("float64",), second_order=True)
    check(lambda lib, a: lib.linalg.qr(a)[0].sum() + lib.linalg.qr(a)[1].sum(), [(2, 4)],
          dtypes=("float64",), layouts=("contiguous", "transposed", "strided"))
    check(lambda lib, a: lib.qr(a), [(2, 3, 6)], dtypes=("float64",))


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3)])
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_pinv_hermitian_grad_of_non_hermitian_input(shape, dtype):
    # the forward reads the lower triangle only; the gradient is PyTorch's formula at the input
    check(lambda lib, a: lib.linalg.pinv(a, hermitian=True), [shape], dtypes=(dtype,))


def test_pinv_hermitian_grad_of_hermitian_input():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 4))
    check(lambda lib, a: lib.linalg.pinv(a, hermitian=True), arrays=[x + x.T])


@pytest.mark.parametrize("fn", ["svdvals", "eigvalsh", "nuc", "2", "-2"])
def test_value_gradients_at_repeated_values(fn):
    def f(lib, a):
        if fn == "svdvals":
            return lib.linalg.svdvals(a)
        if fn == "eigvalsh":
            return lib.linalg.eigvalsh(a)
        return lib.linalg.matrix_norm(a, fn if fn == "nuc" else int(fn))

    check(f, arrays=[np.zeros((4, 4))])
    check(f, arrays=[np.eye(3) * 2.0])


@pytest.mark.parametrize("shape", [(0, 0), (5, 0), (0, 5), (2, 0, 3)])
@pytest.mark.parametrize("ord", [1, -1, 2, -2, math.inf, -math.inf, "nuc", "fro"])
@pytest.mark.parametrize("keepdim", [False, True])
def test_matrix_norm_of_empty(shape, ord, keepdim):
    def f(lib, a):
        return lib.linalg.matrix_norm(a, ord, keepdim=keepdim)

    arr = np.zeros(shape, np.float32)
    try:
        import torch

        torch.linalg.matrix_norm(torch.zeros(shape), ord, keepdim=keepdim)
    except IndexError:
        check_raises(f, arrays=[arr])
    else:
        check(f, arrays=[arr], grad=False)
        check(lambda lib, a: lib.linalg.norm(a, ord, keepdim=keepdim), arrays=[arr], grad=False)


def test_matrix_rank_tensor_tolerances():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 5, 5)).astype(np.float32)
    low = (rng.standard_normal((2, 5, 3)) @ rng.standard_normal((2, 3, 5))).astype(np.float32)
    for arr in (a, low):
        check(lambda lib, x: lib.linalg.matrix_rank(x, rtol=lib.tensor([1.0, 1e-3])),
              arrays=[arr], grad=False)
        check(lambda lib, x: lib.linalg.matrix_rank(x, atol=lib.tensor([0.5, 0.0])),
              arrays=[arr], grad=False)
        check(lambda lib, x: lib.linalg.matrix_rank(x, atol=lib.tensor([[0.5], [100.0]])),
              arrays=[arr], grad=False)
        check(lambda lib, x: lib.linalg.matrix_rank(x, atol=lib.tensor(0.3), hermitian=True),
              arrays=[arr], grad=False)
        check(lambda lib, x: lib.linalg.matrix_rank(x, atol=lib.tensor([0.1, 0.2]),
                                                    rtol=lib.tensor([0.0, 0.5])),
              arrays=[arr], grad=False)
    for shape in [(0, 5, 5), (2, 0, 0)]:
        check(lambda lib, x: lib.linalg.matrix_rank(x, rtol=lib.tensor([1.0] * x.shape[0])),
              arrays=[np.zeros(shape, np.float32)], grad=False)
    check_raises(lambda lib, x: lib.linalg.matrix_rank(x, atol=lib.tensor([0.5, 1.0, 3.0])),
                 arrays=[a])


def test_eig_grad_of_real_input_is_real_without_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(lambda lib, a: lib.linalg.eig(a)[1].abs(), [(4, 4)], dtypes=("float64",))
        check(lambda lib, a: lib.linalg.eigvals(a), [(2, 3, 3)], dtypes=("float64",))
