"""numtorch.linalg and the top-level matrix functions against torch: values, gradients, errors."""

import numpy as np
import pytest
import torch

import numtorch
import numtorch.linalg
from tests.oracle import check, check_raises

F64 = ["float64"]


def _spd(n, batch=()):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _well_conditioned(shape, seed=2):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    return a + 3 * np.eye(shape[-2], shape[-1])


@pytest.mark.parametrize("name", ["inv", "det", "matrix_exp"])
def test_square_functions(name):
    check(lambda lib, a: getattr(lib.linalg, name)(a), arrays=[_well_conditioned((2, 4, 4))])
    check(lambda lib, a: getattr(lib.linalg, name)(a), arrays=[_well_conditioned((3, 3))],
          graph=False)


def test_slogdet_and_logdet():
    a = _well_conditioned((3, 3))
    check(lambda lib, x: lib.linalg.slogdet(x), arrays=[a], graph=False)
    check(lambda lib, x: lib.logdet(x), arrays=[_spd(3)], graph=False) if hasattr(
        numtorch, "logdet") else None


def test_solve_matrix_and_vector_rhs():
    a = _well_conditioned((4, 4))
    rng = np.random.default_rng(3)
    check(lambda lib, x, b: lib.linalg.solve(x, b), arrays=[a, rng.standard_normal((4, 2))])
    check(lambda lib, x, b: lib.linalg.solve(x, b), arrays=[a, rng.standard_normal(4)],
          graph=False)
    check(lambda lib, x, b: lib.linalg.solve(x, b, left=False),
          arrays=[a, rng.standard_normal((2, 4))], graph=False)


@pytest.mark.parametrize("upper", [True, False])
def test_cholesky(upper):
    check(lambda lib, a: lib.linalg.cholesky(a, upper=upper), arrays=[_spd(4, (2,))],
          graph=False)


def test_qr_reduced_and_complete():
    a = np.random.default_rng(4).standard_normal((5, 3))
    check(lambda lib, x: lib.linalg.qr(x), arrays=[a], graph=False)
    check(lambda lib, x: lib.linalg.qr(x, mode="complete"), arrays=[a], grad=False)
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete'"):
        numtorch.linalg.qr(numtorch.tensor(a, requires_grad=True), mode="complete")[0].sum() \
            .backward()


def test_eigh_values_and_abs_vectors():
    a = _spd(4)
    check(lambda lib, x: lib.linalg.eigvalsh(x), arrays=[a], graph=False)
    check(lambda lib, x: (lambda r: (r[0], r[1].abs()))(lib.linalg.eigh(x)), arrays=[a],
          graph=False)


def test_svd_gauge_invariant_outputs():
    a = np.random.default_rng(5).standard_normal((4, 3))
    check(lambda lib, x: lib.linalg.svdvals(x), arrays=[a], graph=False)
    check(lambda lib, x: (lambda r: r[0] @ r[1].diag_embed() @ r[2])(
        lib.linalg.svd(x, full_matrices=False)), arrays=[a], graph=False)


def test_pinv_rank_and_norms():
    a = np.random.default_rng(6).standard_normal((4, 3))
    check(lambda lib, x: lib.linalg.pinv(x), arrays=[a], graph=False)
    check(lambda lib, x: lib.linalg.matrix_rank(x), arrays=[a], grad=False)
    for ord_ in ["fro", "nuc", 1, -1, 2, -2, float("inf")]:
        check(lambda lib, x, o=ord_: lib.linalg.matrix_norm(x, o), arrays=[a], graph=False)
    check(lambda lib, x: lib.linalg.vector_norm(x, 3, dim=0), arrays=[a], graph=False)
    check(lambda lib, x: lib.linalg.norm(x), arrays=[a], graph=False)
    check(lambda lib, x: lib.linalg.cond(x), arrays=[_well_conditioned((3, 3))], graph=False)


def test_lu_family():
    a = np.random.default_rng(7).standard_normal((2, 4, 4))
    b = np.random.default_rng(8).standard_normal((2, 4, 3))
    check(lambda lib, x: lib.linalg.lu_factor(x), arrays=[a], graph=False)
    check(lambda lib, x: lib.linalg.lu(x), arrays=[a[:, :3]], graph=False)
    check(lambda lib, x, y: lib.linalg.lu_solve(*lib.linalg.lu_factor(x), y), arrays=[a, b],
          graph=False)


def test_composites():
    rng = np.random.default_rng(9)
    a = _well_conditioned((3, 3))
    check(lambda lib, x: lib.linalg.matrix_power(x, -3), arrays=[a], graph=False)
    check(lambda lib, x, y: lib.linalg.cross(x, y), arrays=[rng.standard_normal((4, 3)),
                                                             rng.standard_normal((4, 3))],
          graph=False)
    check(lambda lib, x, y, z: lib.linalg.multi_dot([x, y, z]),
          arrays=[rng.standard_normal(3), rng.standard_normal((3, 4)), rng.standard_normal(4)],
          graph=False)
    check(lambda lib, x: lib.linalg.vander(x, N=4), arrays=[rng.standard_normal(3)], graph=False)
    check(lambda lib, x: lib.linalg.tensorinv(x, ind=1),
          arrays=[_well_conditioned((6, 6)).reshape(6, 2, 3)], graph=False)
    check(lambda lib, x, t: lib.linalg.householder_product(x, t),
          arrays=[rng.standard_normal((4, 3)), rng.standard_normal(3)], graph=False)


def test_eig_complex_outputs():
    a = _well_conditioned((3, 3), seed=11)
    check(lambda lib, x: lib.linalg.eigvals(x), arrays=[a], graph=False)


# -- bad input: torch's exception types and messages ----------------------------------------
def test_singular_inverse_message():
    check_raises(lambda lib, a: lib.linalg.inv(a), arrays=[np.zeros((3, 3), np.float32)])
    check_raises(lambda lib, a: lib.linalg.inv(a), arrays=[np.zeros((2, 3, 3))])
    with pytest.raises(numtorch.linalg.LinAlgError):
        numtorch.linalg.inv(numtorch.zeros(3, 3))
    assert issubclass(numtorch.linalg.LinAlgError, RuntimeError)


@pytest.mark.parametrize("fn", [
    lambda lib, a: lib.linalg.inv(a), lambda lib, a: lib.linalg.det(a),
    lambda lib, a: lib.linalg.cholesky(a), lambda lib, a: lib.linalg.matrix_power(a, 2)])
def test_non_square_messages(fn):
    check_raises(fn, [(2, 3)])
    check_raises(fn, [(3,)]) if fn.__code__.co_names[-1] != "matrix_power" else None


def test_not_positive_definite_message():
    check_raises(lambda lib, a: lib.linalg.cholesky(a), arrays=[np.array([[1.0, 2], [2, 1]])])
    check_raises(lambda lib, a: lib.linalg.cholesky(a), arrays=[-np.eye(2)])


def test_other_errors():
    check_raises(lambda lib, a: lib.linalg.solve(a, a), arrays=[np.zeros((3, 3))])
    check_raises(lambda lib, a: lib.linalg.inv(a), arrays=[np.ones((3, 3), np.int64)])
    check_raises(lambda lib, a: lib.linalg.vector_norm(a, dim=3), [(3, 3)])
    check_raises(lambda lib, a: lib.linalg.cross(a, a), [(3, 2)])
    check_raises(lambda lib, a: lib.linalg.qr(a, mode="x"), [(3, 2)])


def test_torch_namespace_names():
    t = torch.linalg
    for name in numtorch.linalg.__all__:
        assert hasattr(t, name), name
