"""``numtorch.linalg``: PyTorch's linear-algebra namespace (``torch.linalg``).

The kernels live in :mod:`numtorch._ops.linalg`; this module is the public namespace. Singular
and non-positive-definite input raises :class:`LinAlgError` with PyTorch's messages.
"""

from __future__ import annotations

from .._ops.linalg._common import LinAlgError
from .._ops.linalg.decomp import (
    cholesky,
    cholesky_ex,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    householder_product,
    matrix_rank,
    qr,
    svd,
    svdvals,
)
from .._ops.linalg.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .._ops.linalg.lu_decomp import lu, lu_factor, lu_factor_ex, lu_solve
from .._ops.linalg.norms import cond, matrix_norm, norm, vector_norm
from .._ops.linalg.products import matmul
from .._ops.linalg.solvers import (
    det,
    inv,
    inv_ex,
    lstsq,
    matrix_exp,
    matrix_power,
    pinv,
    slogdet,
    solve,
    solve_ex,
    solve_triangular,
    tensorinv,
    tensorsolve,
)
from .._ops.linalg.vectors import cross, diagonal, multi_dot, vander, vecdot

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig",
           "eigh", "eigvals", "eigvalsh", "householder_product", "inv", "inv_ex", "lstsq", "matmul",
           "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv",
           "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals",
           "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm", "lu", "lu_factor",
           "lu_factor_ex", "lu_solve", "ldl_factor", "ldl_factor_ex", "ldl_solve"]


from .._ops._numpy_aliases import install_numpy_aliases as _install_numpy_aliases  # noqa: E402

_install_numpy_aliases(globals())
