"""The top-level matrix functions (``torch.det``, ``torch.svd``, ``torch.lu``, ...): PyTorch's
older spellings, composed of the ``torch.linalg`` kernels."""

from __future__ import annotations

from ..._backend import host
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import tensor_method
from .._return_types import named_tuple
from ..pointwise.ternary import where
from . import decomp, lu_decomp, solvers, vectors
from ._common import H
from .decomp import geqrf, ormqr
from .lu_decomp import lu_unpack
from .norms import cdist, dist
from .solvers import SolveTriangular

__all__ = ["cross", "det", "logdet", "slogdet", "inverse", "cholesky", "cholesky_inverse",
           "cholesky_solve", "qr", "svd", "pinverse", "matrix_exp", "trace", "triangular_solve",
           "lu", "lu_solve", "lu_unpack", "geqrf", "ormqr", "dist", "cdist"]


def det(input: Tensor) -> Tensor:
    return solvers.det(input)


def slogdet(input: Tensor):
    return named_tuple("slogdet", ("sign", "logabsdet"))(*solvers.slogdet(input))


def logdet(input: Tensor) -> Tensor:
    """``log(det(A))``: nan for a negative determinant, -inf for a singular matrix."""
    sign, logabs = solvers.slogdet(input)
    if input._data.dtype.kind == "c":
        return logabs + sign.log()
    return where(sign < 0, float("nan"), logabs)


def inverse(input: Tensor, *, out=None) -> Tensor:
    return solvers.inv(input, out=out)


def cholesky(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    return decomp.cholesky(input, upper=upper, out=out)


def cholesky_inverse(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Inverse of ``A = L L^H`` (or ``U^H U``) from its Cholesky factor."""
    a = H(input) @ input if upper else input @ H(input)
    return solvers.inv(a, out=out)


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Solve ``A X = B`` given the Cholesky factor of ``A`` (``input2``)."""
    a = H(input2) @ input2 if upper else input2 @ H(input2)
    return solvers.solve(a, input, out=out)


def qr(input: Tensor, some: bool = True, *, out=None):
    res = decomp.qr(input, mode="reduced" if some else "complete")
    return named_tuple("qr", ("Q", "R"))(*res)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None):
    """``torch.svd``: (U, S, V) with V (not V^H); zero-filled U and V without compute_uv."""
    u, s, vh = decomp.svd(input, full_matrices=not some)
    if not compute_uv:
        u, vh = u.detach() * 0, vh.detach() * 0
    return named_tuple("svd", ("U", "S", "V"))(u, s, H(vh))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    return solvers.pinv(input, rtol=rcond)


def matrix_exp(input: Tensor) -> Tensor:
    return solvers.matrix_exp(input)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D matrix (integers promoted to int64, as torch)."""
    need_tensor("trace", input)
    if input.dim() != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim "
                           f"{input.dim()}")
    return input.diagonal().sum()


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False, *, out=None):
    """``torch.triangular_solve``: (solution, cloned_coefficient)."""
    a = A.transpose(-2, -1) if transpose else A
    up = upper != transpose
    x = SolveTriangular.apply(a, b, upper=up, left=True, unitriangular=unitriangular)
    return named_tuple("triangular_solve", ("solution", "cloned_coefficient"))(x, A.clone())


def cross(input: Tensor, other: Tensor, dim=None, *, out=None) -> Tensor:
    """``torch.cross``: without ``dim``, the first dimension of size 3 (deprecated in torch)."""
    if dim is None:
        shape = host.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return vectors.cross(input, other, dim=dim, out=out)


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False, out=None):
    """``torch.lu``: (LU, pivots[, infos])."""
    res = lu_decomp.lu_factor_ex(A, pivot=pivot)
    return (res[0], res[1], res[2]) if get_infos else (res[0], res[1])


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor:
    return lu_decomp.lu_solve(LU_data, LU_pivots, b, out=out)


for _name in ("det", "logdet", "slogdet", "inverse", "cholesky", "cholesky_inverse",
              "cholesky_solve", "qr", "svd", "pinverse", "matrix_exp", "trace",
              "triangular_solve", "lu", "lu_solve", "geqrf", "ormqr", "cross"):
    tensor_method(_name)(globals()[_name])
del _name
