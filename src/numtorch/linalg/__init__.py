"""``numtorch.linalg``: PyTorch's linear-algebra namespace (``torch.linalg``).

Decompositions and solvers are ops with gradients in :mod:`numtorch._ops.decompositions`;
norms, ranks, powers and tensor solvers here are compositions of them. Singular and
non-positive-definite input raises :class:`LinAlgError` with PyTorch's messages.
"""

from __future__ import annotations

import math

from .. import _dtype as D
from .._ops import decompositions as K
from .._ops._base import wrap_dim, write_out
from .._ops.decompositions import LinAlgError, named_tuple
from .._tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig",
           "eigh", "eigvals", "eigvalsh", "householder_product", "inv", "inv_ex", "lstsq", "matmul",
           "matrix_exp",
           "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
           "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv",
           "tensorsolve", "vander", "vecdot", "vector_norm"]


def _square(A: Tensor, name: str) -> None:
    K._check_square(A._data, name)
    K._check_float(A._data, name)


def _info(A: Tensor) -> Tensor:
    from .. import zeros

    return zeros(tuple(A.shape[:-2]), dtype=D.int32)


def inv(A: Tensor, *, out=None) -> Tensor:
    """Inverse of square matrices; singular input raises LinAlgError (LinalgInvExBackward0)."""
    _square(A, "linalg.inv")
    return write_out(out, K.Inv.apply(A, name_="linalg.inv"))


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    _square(A, "linalg.inv_ex")
    return named_tuple("linalg_inv_ex", ("inverse", "info"))(
        K.Inv.apply(A, name_="linalg.inv"), _info(A))


def det(A: Tensor, *, out=None) -> Tensor:
    """Determinant of square matrices (LinalgDetBackward0)."""
    _square(A, "linalg.det")
    return write_out(out, K.Det.apply(A))


def slogdet(A: Tensor, *, out=None):
    """(sign, log|det|) of square matrices."""
    _square(A, "linalg.slogdet")
    return named_tuple("linalg_slogdet", ("sign", "logabsdet"))(*K.Slogdet.apply(A))


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``); vectors B are columns."""
    _square(A, "linalg.solve")
    if not left:
        return write_out(out, solve(A.mH, B.mH).mH)
    if _is_vector_rhs(A, B):
        return write_out(out, K.Solve.apply(A, B.unsqueeze(-1)).squeeze(-1))
    return write_out(out, K.Solve.apply(A, B))


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None):
    return named_tuple("linalg_solve_ex", ("result", "info"))(solve(A, B, left=left), _info(A))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False, out=None) -> Tensor:
    """Solve a triangular system without looking at the other triangle."""
    return write_out(out, K.SolveTriangular.apply(A, B, upper=upper, left=left,
                                                  unitriangular=unitriangular))


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Cholesky factor; non-positive-definite input raises LinAlgError."""
    _square(A, "linalg.cholesky")
    return write_out(out, K.Cholesky.apply(A, upper=upper))


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    return named_tuple("linalg_cholesky_ex", ("L", "info"))(cholesky(A, upper=upper), _info(A))


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """QR decomposition (modes 'reduced', 'complete', 'r')."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return named_tuple("linalg_qr", ("Q", "R"))(*K.QR.apply(A, mode=mode))


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices."""
    _square(A, "linalg.eigh")
    return named_tuple("linalg_eigh", ("eigenvalues", "eigenvectors"))(
        *K.Eigh.apply(A, uplo=UPLO))


def eig(A: Tensor, *, out=None):
    """Eigenvalues and eigenvectors of general square matrices (complex outputs)."""
    _square(A, "linalg.eig")
    return named_tuple("linalg_eig", ("eigenvalues", "eigenvectors"))(*K.Eig.apply(A))


def eigvals(A: Tensor, *, out=None) -> Tensor:
    _square(A, "linalg.eigvals")
    return write_out(out, K.Eig.apply(A)[0])


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    _square(A, "linalg.eigvalsh")
    return write_out(out, K.Eigh.apply(A, uplo=UPLO)[0])


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """(U, S, Vh) with singular values in descending order."""
    return named_tuple("linalg_svd", ("U", "S", "Vh"))(
        *K.SVD.apply(A, full_matrices=full_matrices))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    return write_out(out, K.SVD.apply(A, full_matrices=False)[1])


def _default_rtol(A: Tensor, atol, rtol):
    if rtol is None:
        eps = float(D.finfo(A.dtype).eps) if hasattr(D, "finfo") else \
            (1.1920928955078125e-07 if A._data.dtype.itemsize in (4, 8) and
             A._data.dtype.name in ("float32", "complex64") else 2.220446049250313e-16)
        rtol = eps * max(A.shape[-2:]) if (atol is None or _to_float(atol) <= 0) else 0.0
    return (0.0 if atol is None else _to_float(atol)), _to_float(rtol)


def _to_float(v):
    return float(v.item()) if isinstance(v, Tensor) else float(v)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """Moore-Penrose pseudo-inverse; singular values below max(atol, rtol*s_max) dropped."""
    a, r = _default_rtol(A, atol, rtol)
    return write_out(out, K.Pinv.apply(A, atol=a, rtol=r, hermitian=hermitian))


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None,
                out=None) -> Tensor:
    """Number of singular values above max(atol, rtol * s_max) (int64)."""
    if tol is not None:
        atol, rtol = tol, 0.0
    a, r = _default_rtol(A, atol, rtol)
    s = svdvals(A) if not hermitian else eigvalsh(A).abs()
    if s.numel() == 0:
        from .. import zeros

        return zeros(tuple(A.shape[:-2]), dtype=D.int64)
    smax = s.amax(-1, keepdim=True)
    tol_t = (smax * r).clamp_min(a)
    return write_out(out, (s > tol_t).sum(-1))


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """``A`` to an integer power by repeated squaring (negative: of the inverse)."""
    K._check_square(A._data, "linalg.matrix_power")
    if n == 0:
        from .. import eye

        e = eye(A.shape[-1], dtype=A.dtype)
        return write_out(out, A * 0 + e)
    if n < 0:
        A = inv(A)
        n = -n
    result = None
    base = A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return write_out(out, result)


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential (scaling and squaring; LinalgMatrixExpBackward0)."""
    K._check_square(A._data, "linalg.matrix_exp")
    return K.MatrixExp.apply(A)


def multi_dot(tensors, *, out=None) -> Tensor:
    """Chained matrix product; a 1-D first (last) operand is a row (column) vector."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    ts = list(tensors)
    first_vec = ts[0].dim() == 1
    last_vec = ts[-1].dim() == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    res = ts[0]
    for t in ts[1:]:
        res = res @ t
    if first_vec and last_vec:
        res = res.squeeze(-1).squeeze(0)
    elif first_vec:
        res = res.squeeze(0)
    elif last_vec:
        res = res.squeeze(-1)
    return write_out(out, res)


def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (broadcasting)."""
    from .. import broadcast_tensors, stack

    a, b = broadcast_tensors(input, other)
    d = wrap_dim(dim, a.dim())
    if a.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d] if input.dim() > d else 1} and "
                           f"{other.shape[d] if other.dim() > d else 1}")
    a0, a1, a2 = a.unbind(d)
    b0, b1, b2 = b.unbind(d)
    return write_out(out, stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d))


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """``sum(conj(x) * y, dim)``."""
    return write_out(out, (K._conj(x) * y).sum(dim))


def vander(x: Tensor, *, N=None) -> Tensor:
    """Columns ``x^0, x^1, ..., x^(N-1)`` (increasing powers, as torch.linalg.vander)."""
    from .. import cumprod, ones_like, stack  # noqa: F401

    if x.dim() < 1:
        x = x.reshape(1)
    n = x.shape[-1] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if n <= 1:
        return ones_like(x).unsqueeze(-1)[..., :n] if n == 1 else x.unsqueeze(-1)[..., :0]
    return _cat_ones(x, cumprod(stack([x] * (n - 1), -1), -1))


def _cat_ones(x: Tensor, powers: Tensor) -> Tensor:
    from .. import cat, ones_like

    return cat([ones_like(x).unsqueeze(-1), powers], -1)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return A.diagonal(offset, dim1, dim2)


def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """Product of Householder reflectors ``I - tau_i v_i v_i^H`` (first n columns)."""
    from .. import eye

    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater "
                           "than or equal to input.shape[-1]")
    k = tau.shape[-1]
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater "
                           "than or equal to tau.shape[-1]")
    V = A.tril(-1) + eye(m, n, dtype=A.dtype)
    Q = eye(m, dtype=A.dtype).expand(*A.shape[:-2], m, m)
    for i in range(k):
        v = V[..., :, i:i + 1]
        t = tau[..., i:i + 1].unsqueeze(-1)
        Q = Q - (Q @ v) @ (t * K._H(v))
    if k == 0:  # keep the result attached to the graph, as torch's is
        Q = Q + (A * 0).sum((-2, -1), keepdim=True) + (tau * 0).sum(-1, keepdim=True).unsqueeze(-1)
    return write_out(out, Q[..., :, :n])


def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """Inverse with respect to ``tensordot`` over the first ``ind`` dims."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows = math.prod(A.shape[:ind])
    cols = math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           "prod(self.shape[:ind]), but got "
                           f"{cols} != {rows}")
    return write_out(out, inv(A.reshape(rows, cols)).reshape(out_shape))


def tensorsolve(A: Tensor, B: Tensor, dims=None, *, out=None) -> Tensor:
    """Solve ``tensordot(A, X, X.ndim) = B`` for X."""
    if dims is not None:
        nd = A.dim()
        dims = [wrap_dim(d, nd) for d in dims]
        A = A.movedim(dims, list(range(nd - len(dims), nd)))
    rest = tuple(A.shape[B.dim():])
    n = math.prod(B.shape)
    return write_out(out, solve(A.reshape(n, math.prod(rest)), B.reshape(n)).reshape(rest))


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least squares via the pseudo-inverse, with torch's per-driver extra outputs."""
    from .. import empty

    drv = driver or "gelsy"
    if drv not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           "gelsy, gelsd, gelss)")
    vec = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vec else B
    x = pinv(A) @ Bm
    m, n = A.shape[-2:]
    real = A.real.dtype if A.is_complex() else A.dtype
    flat = x.reshape(-1)[:0]
    resid = flat.abs() if x._data.dtype.kind == "c" else flat
    if m > n and drv != "gelsy":
        full = bool((matrix_rank(A) == n).all()) if A.numel() else True
        if full:
            resid = ((A @ x - Bm).abs() ** 2).sum(-2)
    rank = empty((0,), dtype=D.int64)
    sv = empty((0,), dtype=real)
    if drv != "gels":
        rank = matrix_rank(A)
    if drv in ("gelsd", "gelss"):
        sv = svdvals(A)
    if vec:
        x = x.squeeze(-1)
    return named_tuple("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(
        x, resid, rank, sv)


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """Vector ``ord``-norm over ``dim`` (all elements by default)."""
    from .._ops.reduction import Norm, _dims

    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {K._dtype_name(x.dtype)}")
    if isinstance(dim, int):
        dim = (dim,)
    res = Norm.apply(x, p=ord, dims=_dims(dim, x.dim()), keepdim=keepdim and dim is not None)
    if keepdim and dim is None:
        res = res.reshape([1] * x.dim())
    return write_out(out, res)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None,
                out=None):
    """Matrix norms: 'fro', 'nuc', +-1, +-2, +-inf over the two dims ``dim``."""
    if dtype is not None:
        A = A.to(dtype)
    nd = A.dim()
    if nd < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    d0, d1 = (wrap_dim(d, nd) for d in dim)
    if ord == "fro":
        return write_out(out, vector_norm(A, 2, (d0, d1), keepdim))
    Am = A.movedim((d0, d1), (nd - 2, nd - 1))
    if ord == "nuc":
        r = svdvals(Am).sum(-1)
    elif ord in (2, -2):
        s = svdvals(Am)
        r = s.amax(-1) if ord == 2 else s.amin(-1)
    elif ord in (1, -1):
        c = Am.abs().sum(-2)
        r = c.amax(-1) if ord == 1 else c.amin(-1)
    elif ord in (math.inf, -math.inf):
        c = Am.abs().sum(-1)
        r = c.amax(-1) if ord > 0 else c.amin(-1)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        for d in sorted((d0, d1)):
            r = r.unsqueeze(d)
    return write_out(out, r)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """``torch.linalg.norm``: vector or matrix norm depending on ``ord`` and ``dim``."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
    if dim is None and ord is not None:
        if A.dim() == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
        if A.dim() != 1:
            raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must "
                               f"be 1D or 2D. Got {A.dim()}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """Condition number in the ``p``-norm (2 by default, from singular values)."""
    if p is None or p in (2, -2):
        s = svdvals(A)
        r = s.amax(-1) / s.amin(-1) if p != -2 else s.amin(-1) / s.amax(-1)
        return write_out(out, r)
    return write_out(out, matrix_norm(A, p) * matrix_norm(inv(A), p))


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    from .. import matmul as _mm

    return _mm(input, other, out=out)


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out=None):
    """(LU, pivots, info): LAPACK getrf's packed factors and 1-based int32 pivots."""
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.lu_factor: Expected tensor with 2 or more dimensions. "
                           f"Got size: {list(A.shape)} instead")
    lu, piv = K.LuFactor.apply(A)
    return named_tuple("linalg_lu_factor_ex", ("LU", "pivots", "info"))(lu, piv, _info(A))


def lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    res = lu_factor_ex(A, pivot=pivot)
    return named_tuple("linalg_lu_factor", ("LU", "pivots"))(res[0], res[1])


def lu(A: Tensor, *, pivot: bool = True, out=None):
    """(P, L, U) with ``A = P L U``."""
    res = lu_factor_ex(A, pivot=pivot)
    return named_tuple("linalg_lu", ("P", "L", "U"))(*K.lu_unpack(res[0], res[1]))


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False, out=None) -> Tensor:
    """Solve with a packed LU factorisation (``A X = B``, ``X A = B``, or with A^H)."""
    P, L, U = K.lu_unpack(LU, pivots)
    tri = K.SolveTriangular.apply
    if left and not adjoint:   # X = U^-1 L^-1 P^T B
        y = tri(L, P.mT @ B, upper=False, left=True, unitriangular=True)
        x = tri(U, y, upper=True, left=True, unitriangular=False)
    elif left:                 # A^H X = B: X = P L^-H U^-H B
        y = tri(K._H(U), B, upper=False, left=True, unitriangular=False)
        x = P @ tri(K._H(L), y, upper=True, left=True, unitriangular=True)
    elif not adjoint:          # X A = B: X = B U^-1 L^-1 P^T
        y = tri(U, B, upper=True, left=False, unitriangular=False)
        x = tri(L, y, upper=False, left=False, unitriangular=True) @ P.mT
    else:                      # X A^H = B: X = B P L^-H U^-H
        y = tri(K._H(L), B @ P, upper=True, left=False, unitriangular=True)
        x = tri(K._H(U), y, upper=False, left=False, unitriangular=False)
    return write_out(out, x)


__all__ += ["lu", "lu_factor", "lu_factor_ex", "lu_solve"]
