"""Inverses, determinants and linear solvers (``torch.linalg.inv/det/slogdet/solve/...``).

Forward passes call the array module's LAPACK wrappers (``xp.linalg``); backward passes are
numtorch operations following the standard matrix-calculus results (Giles, "An extended
collection of matrix derivative results for forward and reverse mode AD", 2008).
"""

from __future__ import annotations

import math

from ... import _dtype as D
from ..._backend import errstate, xp_of
from ..._backend.linalg import LinAlgError as _LapackError
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import Op, wrap_dim, write_out
from .._return_types import named_tuple
from ._common import (
    H,
    LinAlgError,
    check_square,
    conj,
    default_tols,
    eye_like,
    first_zero_pivot,
    info,
    singular_error,
    square,
)


class Inv(Op):
    """Matrix inverse; ``op_name`` names the function in the singular-input error."""

    grad_fn_name = "LinalgInvExBackward0"
    params = ("op_name",)

    def forward(self, a):
        xp = xp_of(a)
        try:
            out = xp.linalg.inv(a) if a.size else a.copy()
        except _LapackError:
            raise singular_error(a, self.op_name) from None
        if not xp.all(xp.isfinite(out)) and xp.all(xp.isfinite(a)):
            if first_zero_pivot(a) is not None:
                raise singular_error(a, self.op_name)
        self.save_outputs(0)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (out,) = self.saved_tensors
        oh = H(out)
        return (-(oh @ g @ oh),)


def inv_op(A: Tensor) -> Tensor:
    """``linalg.inv`` without its checks (for backward passes of the decompositions)."""
    return Inv.apply(A, op_name="linalg.inv")


def _pinv_or_inv(a: Tensor) -> Tensor:
    xp = xp_of(a._data)
    with errstate(xp):
        arr = xp.linalg.pinv(a._data)
    return Tensor._from_array(arr)


class Det(Op):
    grad_fn_name = "LinalgDetBackward0"
    params = ()

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(xp.linalg.det(a), dtype=a.dtype)

    def backward(self, g):
        a, d = self.saved_tensors
        if a.shape[-1] == 0:
            return (a * 0,)
        inv_h = H(_pinv_or_inv(a))
        return ((g * conj(d)).unsqueeze(-1).unsqueeze(-1) * inv_h,)


class Slogdet(Op):
    grad_fn_name = "LinalgSlogdetBackward0"
    params = ()

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        sign, logabs = xp.linalg.slogdet(a)
        return xp.asarray(sign, dtype=a.dtype), xp.asarray(logabs, dtype=a.real.dtype)

    def backward(self, gs, gl):
        (a,) = self.saved_tensors
        if gl is None or a.shape[-1] == 0:
            return (a * 0,)
        return (gl.unsqueeze(-1).unsqueeze(-1) * H(_pinv_or_inv(a)),)


def _empty_solution(xp, a, b):
    return xp.zeros(xp.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], a.dtype)


class Solve(Op):
    """``A X = B`` for matrix right-hand sides."""

    grad_fn_name = "LinalgSolveExBackward0"
    params = ()

    def forward(self, a, b):
        xp = xp_of(a)
        try:
            x = xp.linalg.solve(a, b) if a.size and b.size else _empty_solution(xp, a, b)
        except _LapackError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix "
                              "is singular.") from None
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(x, dtype=a.dtype)

    def backward(self, g):
        a, x = self.saved_tensors
        gb = Solve.apply(H(a), g)
        return -(gb @ H(x)), gb


class SolveTriangular(Op):
    grad_fn_name = "LinalgSolveTriangularBackward0"
    params = ("upper", "left", "unitriangular")

    def forward(self, a, b):
        xp = xp_of(a)
        t = xp.triu(a) if self.upper else xp.tril(a)
        if self.unitriangular:
            n = a.shape[-1]
            t = t - t * xp.eye(n, dtype=a.dtype) + xp.eye(n, dtype=a.dtype)
        with errstate(xp):
            if not (t.size and b.size):
                x = _empty_solution(xp, a, b)
            elif self.left:
                x = xp.linalg.solve(t, b)
            else:
                x = xp.swapaxes(xp.linalg.solve(xp.swapaxes(t, -1, -2), xp.swapaxes(b, -1, -2)),
                                -1, -2)
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(x, dtype=xp.result_type(a, b))

    def backward(self, g):
        a, x = self.saved_tensors
        up, unit, left = self.upper, self.unitriangular, self.left
        gb = SolveTriangular.apply(H(a), g, upper=not up, left=left, unitriangular=unit)
        ga = -(gb @ H(x)) if left else -(H(x) @ gb)
        ga = ga.triu() if up else ga.tril()
        if unit:
            ga = ga.triu(1) if up else ga.tril(-1)
        return ga, gb


class Pinv(Op):
    """Moore-Penrose pseudo-inverse through the SVD."""

    grad_fn_name = "LinalgPinvBackward0"
    params = ("atol", "rtol", "hermitian")

    def forward(self, a):
        xp = xp_of(a)
        m, n = a.shape[-2:]
        if self.hermitian:
            # like LAPACK's eigh, only the lower triangle is read
            a = xp.tril(a) + xp.conj(xp.swapaxes(xp.tril(a, -1), -1, -2))
            if a.dtype.kind == "c":  # and the real part of the diagonal
                idx = xp.arange(n)
                a[..., idx, idx] = a[..., idx, idx].real
        if a.size == 0:
            out = xp.zeros(a.shape[:-2] + (n, m), a.dtype)
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else s
            tol = xp.maximum(self.atol, self.rtol * smax)
            with errstate(xp):
                sinv = xp.where(s > tol, 1 / s, 0)
            out = xp.swapaxes(vh, -1, -2).conj() @ (sinv[..., :, None] * xp.swapaxes(u, -1, -2)
                                                    .conj())
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        # PyTorch's formula at the input as given, also for hermitian=True (whose forward reads
        # only the lower triangle)
        a, p = self.saved_tensors
        m, n = a.shape[-2:]
        ph, gh = H(p), H(g)
        term = -(ph @ g @ ph)
        term = term + (eye_like(m, a) - a @ p) @ gh @ p @ ph
        term = term + ph @ p @ gh @ (eye_like(n, a) - p @ a)
        return (term,)


class MatrixExp(Op):
    grad_fn_name = "LinalgMatrixExpBackward0"
    params = ()

    def forward(self, a):
        self.save_inputs(0)
        return _expm(a)

    def backward(self, g):
        from ..join import cat

        (a,) = self.saved_tensors
        n = a.shape[-1]
        ah = H(a)
        top = cat([ah, g], -1)
        bottom = cat([g * 0, ah], -1)
        big = MatrixExp.apply(cat([top, bottom], -2))
        return (big[..., :n, n:],)


def _expm(a):
    """Scaling and squaring with an 18-term Taylor polynomial, computed in double precision."""
    xp = xp_of(a)
    work = a.astype(xp.complex128 if a.dtype.kind == "c" else xp.float64)
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm = xp.abs(work).sum(-2).max(-1) if n else xp.zeros(a.shape[:-2])
    s = int(max(0, math.ceil(math.log2(float(norm.max()) + 1e-300)) + 1)) if norm.size else 0
    s = min(s, 1000)
    x = work / (2.0 ** s)
    eye = xp.broadcast_to(xp.eye(n, dtype=work.dtype), work.shape)
    term = eye.copy()
    total = eye.copy()
    for k in range(1, 19):
        term = term @ x / k
        total = total + term
    for _ in range(s):
        total = total @ total
    return xp.asarray(total, dtype=a.dtype)


# -- torch.linalg functions ---------------------------------------------------------------------
def inv(A: Tensor, *, out=None) -> Tensor:
    """Inverse of square matrices; singular input raises LinAlgError (LinalgInvExBackward0)."""
    need_tensor("linalg_inv", A, "A")
    square(A, "linalg.inv")
    return write_out(out, inv_op(A))


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    square(A, "linalg.inv_ex")
    return named_tuple("linalg_inv_ex", ("inverse", "info"))(inv_op(A), info(A))


def det(A: Tensor, *, out=None) -> Tensor:
    """Determinant of square matrices (LinalgDetBackward0)."""
    need_tensor("linalg_det", A, "A")
    square(A, "linalg.det")
    return write_out(out, Det.apply(A))


def slogdet(A: Tensor, *, out=None):
    """(sign, log|det|) of square matrices."""
    square(A, "linalg.slogdet")
    return named_tuple("linalg_slogdet", ("sign", "logabsdet"))(*Slogdet.apply(A))


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``); vectors B are columns."""
    square(A, "linalg.solve")
    if not left:
        return write_out(out, solve(A.mH, B.mH).mH)
    if _is_vector_rhs(A, B):
        return write_out(out, Solve.apply(A, B.unsqueeze(-1)).squeeze(-1))
    return write_out(out, Solve.apply(A, B))


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None):
    return named_tuple("linalg_solve_ex", ("result", "info"))(solve(A, B, left=left), info(A))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False, out=None) -> Tensor:
    """Solve a triangular system without looking at the other triangle."""
    return write_out(out, SolveTriangular.apply(A, B, upper=upper, left=left,
                                                unitriangular=unitriangular))


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """Moore-Penrose pseudo-inverse; singular values below max(atol, rtol*s_max) dropped."""
    a, r = default_tols(A, atol, rtol)
    return write_out(out, Pinv.apply(A, atol=a, rtol=r, hermitian=hermitian))


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential (scaling and squaring; LinalgMatrixExpBackward0)."""
    check_square(A._data, "linalg.matrix_exp")
    return MatrixExp.apply(A)


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """``A`` to an integer power by repeated squaring (negative: of the inverse)."""
    check_square(A._data, "linalg.matrix_power")
    if n == 0:
        from ..creation import eye

        return write_out(out, A * 0 + eye(A.shape[-1], dtype=A.dtype))
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


def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """Inverse with respect to ``tensordot`` over the first ``ind`` dims."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows = math.prod(A.shape[:ind])
    cols = math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
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
    from ..creation import empty
    from .decomp import matrix_rank, svdvals

    drv = driver or "gelsy"
    if drv not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           "gelsy, gelsd, gelss)")
    vec = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vec else B
    x = pinv(A) @ Bm
    m, n = A.shape[-2:]
    real_dt = A.real.dtype if A.is_complex() else A.dtype
    flat = x.reshape(-1)[:0]
    resid = flat.abs() if x._data.dtype.kind == "c" else flat
    if m > n and drv != "gelsy":
        full = bool((matrix_rank(A) == n).all()) if A.numel() else True
        if full:
            resid = ((A @ x - Bm).abs() ** 2).sum(-2)
    rank = empty((0,), dtype=D.int64)
    sv = empty((0,), dtype=real_dt)
    if drv != "gels":
        rank = matrix_rank(A)
    if drv in ("gelsd", "gelss"):
        sv = svdvals(A)
    if vec:
        x = x.squeeze(-1)
    return named_tuple("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(
        x, resid, rank, sv)
