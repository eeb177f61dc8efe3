"""Linear-algebra kernels with gradients (``torch.linalg`` and the top-level matrix functions).

Forward passes call NumPy's LAPACK wrappers (``xp.linalg``); backward passes are written with
numtorch operations, following the standard matrix-calculus results (Giles, "An extended
collection of matrix derivative results for forward and reverse mode AD", 2008).
"""

from __future__ import annotations

from collections import namedtuple

_NAMED: dict = {}


def named_tuple(name: str, fields: tuple):
    """PyTorch's ``torch.return_types.<name>`` structseq as a namedtuple."""
    key = (name, fields)
    if key not in _NAMED:
        nt = namedtuple(name, fields)
        nt.__module__ = "torch.return_types"
        _NAMED[key] = nt
    return _NAMED[key]


import math  # noqa: E402

import numpy as _np  # noqa: E402  (index bookkeeping and LAPACK error types only)

from .._backend import xp_of  # noqa: E402
from .._tensor import Tensor  # noqa: E402
from ._base import Op  # noqa: E402

__all__ = ["cross", "det", "logdet", "slogdet", "inverse", "cholesky", "cholesky_inverse",
           "cholesky_solve", "qr", "svd", "pinverse", "matrix_exp", "trace", "triangular_solve"]


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a RuntimeError raised for singular or non-PD input."""


# torch.linalg.LinAlgError is torch._C._LinAlgError
LinAlgError.__module__ = "torch._C"
LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"


def _conj(t: Tensor) -> Tensor:
    from .pointwise import conj

    return conj(t)


def _real(t: Tensor) -> Tensor:
    from .pointwise import real

    return real(t)


def _H(t: Tensor) -> Tensor:
    """Conjugate transpose of the last two dims."""
    return _conj(t.transpose(-2, -1))


def _eye_like(n: int, like: Tensor) -> Tensor:
    xp = xp_of(like._data)
    return Tensor._from_array(xp.eye(n, dtype=like._data.dtype))


def _batch_prefix(a, idx) -> str:
    return f"(Batch element {idx}): " if a.ndim > 2 else ""


def first_zero_pivot(a):
    """(batch index, 1-based column) of the first zero pivot of LU with partial pivoting."""
    flat = a.reshape((-1,) + a.shape[-2:]).astype(_np.complex128 if a.dtype.kind == "c"
                                                   else _np.float64)
    for b, m in enumerate(flat):
        m = m.copy()
        n = min(m.shape)
        for k in range(n):
            p = k + int(_np.argmax(_np.abs(m[k:, k])))
            if m[p, k] == 0:
                return b, k + 1
            m[[k, p]] = m[[p, k]]
            m[k + 1:, k:] -= _np.outer(m[k + 1:, k] / m[k, k], m[k, k:])
    return None


def _check_square(a, name: str) -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def _check_float(a, name: str) -> None:
    if a.dtype.kind not in "fc":
        from .. import _dtype as D

        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {_dtype_name(D.from_numpy_dtype(a.dtype))}")


def _dtype_name(dt) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
            "bool": "Bool", "uint8": "Byte", "int16": "Short", "int8": "Char",
            "float16": "Half"}.get(str(dt).replace("torch.", ""), str(dt))


def _singular_error(a, name: str):
    found = first_zero_pivot(a)
    b, col = found if found is not None else (0, 1)
    return LinAlgError(f"{name}: {_batch_prefix(a, b)}The diagonal element {col} is zero, the "
                       "inversion could not be completed because the input matrix is singular.")


class Inv(Op):
    grad_fn_name = "LinalgInvExBackward0"

    def forward(self, a):
        xp = xp_of(a)
        try:
            out = xp.linalg.inv(a) if a.size else a.copy()
        except _np.linalg.LinAlgError:
            raise _singular_error(a, self.name_) from None
        if not xp.all(xp.isfinite(out)) and xp.all(xp.isfinite(a)):
            if first_zero_pivot(a) is not None:
                raise _singular_error(a, self.name_)
        self.save_outputs(0)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (out,) = self.saved_tensors
        oh = _H(out)
        return (-(oh @ g @ oh),)


class Det(Op):
    grad_fn_name = "LinalgDetBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(xp.linalg.det(a), dtype=a.dtype)

    def backward(self, g):
        a, d = self.saved_tensors
        if a.shape[-1] == 0:
            return (a * 0,)
        inv_h = _H(_pinv_or_inv(a))
        return ((g * _conj(d)).unsqueeze(-1).unsqueeze(-1) * inv_h,)


def _pinv_or_inv(a: Tensor) -> Tensor:
    xp = xp_of(a._data)
    with _np.errstate(all="ignore"):
        arr = xp.linalg.pinv(a._data)
    return Tensor._from_array(arr)


class Slogdet(Op):
    grad_fn_name = "LinalgSlogdetBackward0"

    def forward(self, a):
        xp = xp_of(a)
        self.save_inputs(0)
        sign, logabs = xp.linalg.slogdet(a)
        return xp.asarray(sign, dtype=a.dtype), xp.asarray(logabs, dtype=a.real.dtype)

    def backward(self, gs, gl):
        (a,) = self.saved_tensors
        if gl is None or a.shape[-1] == 0:
            return (a * 0,)
        return (gl.unsqueeze(-1).unsqueeze(-1) * _H(_pinv_or_inv(a)),)


class Solve(Op):
    grad_fn_name = "LinalgSolveExBackward0"

    def forward(self, a, b):
        xp = xp_of(a)
        try:
            x = xp.linalg.solve(a, b) if a.size and b.size else xp.zeros(
                xp.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], a.dtype)
        except _np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix "
                              "is singular.") from None
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(x, dtype=a.dtype)

    def backward(self, g):
        a, x = self.saved_tensors
        gb = solve(_H(a), g)
        return -(gb @ _H(x)), gb


def solve(a: Tensor, b: Tensor) -> Tensor:
    """Matrix right-hand sides only (the public wrapper handles vectors and ``left``)."""
    return Solve.apply(a, b)


class SolveTriangular(Op):
    grad_fn_name = "LinalgSolveTriangularBackward0"

    def forward(self, a, b):
        xp = xp_of(a)
        t = xp.triu(a) if self.upper else xp.tril(a)
        if self.unitriangular:
            n = a.shape[-1]
            t = t - t * xp.eye(n, dtype=a.dtype) + xp.eye(n, dtype=a.dtype)
        with _np.errstate(all="ignore"):
            if self.left:
                x = xp.linalg.solve(t, b) if t.size and b.size else xp.zeros(
                    xp.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], a.dtype)
            else:
                x = xp.swapaxes(xp.linalg.solve(xp.swapaxes(t, -1, -2), xp.swapaxes(b, -1, -2)),
                                -1, -2) if t.size and b.size else xp.zeros(
                    xp.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], a.dtype)
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(x, dtype=xp.result_type(a, b))

    def backward(self, g):
        a, x = self.saved_tensors
        up, unit, left = self.upper, self.unitriangular, self.left
        gb = SolveTriangular.apply(_H(a), g, upper=not up, left=left, unitriangular=unit)
        ga = -(gb @ _H(x)) if left else -(_H(x) @ gb)
        ga = ga.triu() if up else ga.tril()
        if unit:
            ga = ga.triu(1) if up else ga.tril(-1)
        return ga, gb


class Cholesky(Op):
    grad_fn_name = "LinalgCholeskyExBackward0"

    def forward(self, a):
        xp = xp_of(a)
        try:
            L = xp.linalg.cholesky(a) if a.size else a.copy()
        except _np.linalg.LinAlgError:
            raise _not_pd_error(a) from None
        self.save_outputs(0)
        out = _np.conj(_np.swapaxes(L, -1, -2)) if self.upper else L
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (out,) = self.saved_tensors
        L = _H(out) if self.upper else out
        gL = _H(g) if self.upper else g
        p = (_H(L) @ gL).tril()
        ga = 0.5 * (p + _H(p.tril(-1)))
        linv = Inv.apply(L, name_="linalg.inv")
        return (_H(linv) @ ga @ linv,)


def _not_pd_error(a):
    flat = a.reshape((-1,) + a.shape[-2:])
    for b, m in enumerate(flat):
        for k in range(1, m.shape[-1] + 1):
            try:
                _np.linalg.cholesky(m[:k, :k])
            except _np.linalg.LinAlgError:
                return LinAlgError(f"linalg.cholesky: {_batch_prefix(a, b)}The factorization "
                                   "could not be completed because the input is not "
                                   f"positive-definite (the leading minor of order {k} is not "
                                   "positive-definite).")
    return LinAlgError("linalg.cholesky: The factorization could not be completed because the "
                       "input is not positive-definite.")


def _copyltu(m: Tensor) -> Tensor:
    return m.tril() + _H(m.tril(-1))


class QR(Op):
    grad_fn_name = "LinalgQrBackward0"

    def forward(self, a):
        xp = xp_of(a)
        mode = "complete" if self.mode == "complete" else "reduced"
        q, r = xp.linalg.qr(a, mode=mode)
        self.save_outputs(0, 1)
        if self.mode == "r":
            return xp.zeros((0,), a.dtype), xp.asarray(r, dtype=a.dtype)
        return xp.asarray(q, dtype=a.dtype), xp.asarray(r, dtype=a.dtype)

    def backward(self, gq, gr):
        q, r = self.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if self.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        if self.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m < n:
            raise NotImplementedError("numtorch: linalg.qr backward for wide matrices")
        gq = gq if gq is not None else q * 0
        gr = gr if gr is not None else r * 0
        M = r @ _H(gr) - _H(gq) @ q
        b = gq + q @ _copyltu(M)
        rinv = Inv.apply(r, name_="linalg.inv")
        return (b @ _H(rinv),)


class Eigh(Op):
    grad_fn_name = "LinalgEighBackward0"

    def forward(self, a):
        xp = xp_of(a)
        w, v = xp.linalg.eigh(a, UPLO=self.uplo)
        self.save_outputs(0, 1)
        return xp.asarray(w, dtype=a.real.dtype), xp.asarray(v, dtype=a.dtype)

    def backward(self, gw, gv):
        w, v = self.saved_tensors
        vh = _H(v)
        inner = gw.diag_embed() if gw is not None else None
        if gv is not None:
            e = w.unsqueeze(-2) - w.unsqueeze(-1)
            n = w.shape[-1]
            eye = _eye_like(n, e)
            f = (1 - eye) / (e + eye)
            vg = vh @ gv
            term = f * (0.5 * (vg - _H(vg)))
            inner = term if inner is None else inner + term
        return (v @ inner.to(v.dtype) @ vh,)


class Eig(Op):
    grad_fn_name = "LinalgEigBackward0"

    def forward(self, a):
        xp = xp_of(a)
        ct = "complex64" if a.dtype in (xp.float32, xp.complex64) else "complex128"
        w, v = xp.linalg.eig(a)
        self.save_outputs(0, 1)
        return xp.asarray(w, dtype=ct), xp.asarray(v, dtype=ct)

    def backward(self, gw, gv):
        w, v = self.saved_tensors
        vh = _H(v)
        n = w.shape[-1]
        if gv is not None:
            vhgv = vh @ gv
            re_diag = _real(vhgv.diagonal(0, -2, -1))
            vhgv = vhgv - (vh @ v) @ re_diag.to(v.dtype).diag_embed()
            e = _conj(w.unsqueeze(-2) - w.unsqueeze(-1))
            eye = _eye_like(n, e)
            inner = vhgv * (1 - eye) / (e + eye)
            if gw is not None:
                inner = inner + gw.diag_embed()
        else:
            inner = gw.diag_embed()
        return (solve(vh, inner @ vh),)


class SVD(Op):
    grad_fn_name = "LinalgSvdBackward0"

    def forward(self, a):
        xp = xp_of(a)
        u, s, vh = xp.linalg.svd(a, full_matrices=self.full_matrices)
        self.save_outputs(0, 1, 2)
        rt = a.real.dtype
        return xp.asarray(u, dtype=a.dtype), xp.asarray(s, dtype=rt), xp.asarray(vh, dtype=a.dtype)

    def backward(self, gu, gs, gvh):
        u, s, vh = self.saved_tensors
        k = s.shape[-1]
        u = u[..., :, :k]
        vh = vh[..., :k, :]
        if gu is not None:
            gu = gu[..., :, :k]
        if gvh is not None:
            gvh = gvh[..., :k, :]
        v = _H(vh)
        sm = s.diag_embed()
        out = u @ (gs.diag_embed() if gs is not None else sm * 0) @ vh
        if gu is None and gvh is None:
            return (out,)
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1)
        eye = _eye_like(k, e)
        f = (1 - eye) / (e + eye)
        sinv = (1 / s).diag_embed()
        if gu is not None:
            ut = _H(u)
            j = f * (ut @ gu - _H(gu) @ u)
            out = out + u @ j @ sm @ vh
            m = u.shape[-2]
            if m > k:
                out = out + (_eye_like(m, u) - u @ ut) @ gu @ sinv @ vh
        if gvh is not None:
            gv = _H(gvh)
            kk = f * (vh @ gv - _H(gv) @ v)
            out = out + u @ sm @ kk @ vh
            n = v.shape[-2]
            if n > k:
                out = out + u @ sinv @ _H(gv) @ (_eye_like(n, v) - v @ vh)
        return (out,)


class Pinv(Op):
    grad_fn_name = "LinalgPinvBackward0"

    def forward(self, a):
        xp = xp_of(a)
        m, n = a.shape[-2:]
        if getattr(self, "hermitian", False):
            # like LAPACK's eigh, only the lower triangle is read
            a = xp.tril(a) + xp.conj(xp.swapaxes(xp.tril(a, -1), -1, -2))
        self.effective = a
        if a.size == 0:
            out = xp.zeros(a.shape[:-2] + (n, m), a.dtype)
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else s
            tol = xp.maximum(self.atol, self.rtol * smax)
            with _np.errstate(all="ignore"):
                sinv = xp.where(s > tol, 1 / s, 0)
            out = xp.swapaxes(vh, -1, -2).conj() @ (sinv[..., :, None] * xp.swapaxes(u, -1, -2)
                                                    .conj())
        self.save_inputs(0)
        self.save_outputs(0)
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        _, p = self.saved_tensors
        a = Tensor._from_array(self.effective)
        m, n = a.shape[-2:]
        ph, gh = _H(p), _H(g)
        term = -(ph @ g @ ph)
        term = term + (_eye_like(m, a) - a @ p) @ gh @ p @ ph
        term = term + ph @ p @ gh @ (_eye_like(n, a) - p @ a)
        return (term,)


class MatrixExp(Op):
    grad_fn_name = "LinalgMatrixExpBackward0"

    def forward(self, a):
        self.save_inputs(0)
        return _expm(a)

    def backward(self, g):
        (a,) = self.saved_tensors
        from .. import cat

        n = a.shape[-1]
        ah = _H(a)
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


# -- top-level (torch.*) matrix functions -------------------------------------------------------
def det(input: Tensor) -> Tensor:
    from .. import linalg

    return linalg.det(input)


def slogdet(input: Tensor):
    from .. import linalg

    return linalg.slogdet(input)


def logdet(input: Tensor) -> Tensor:
    """``log(det(A))``: nan for a negative determinant, -inf for a singular matrix."""
    from .. import linalg
    from .indexing import where

    sign, logabs = linalg.slogdet(input)
    if input._data.dtype.kind == "c":
        return logabs + sign.log()
    return where(sign < 0, float("nan"), logabs)


def inverse(input: Tensor, *, out=None) -> Tensor:
    from .. import linalg

    return linalg.inv(input, out=out)


def cholesky(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    from .. import linalg

    return linalg.cholesky(input, upper=upper, out=out)


def cholesky_inverse(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Inverse of ``A = L L^H`` (or ``U^H U``) from its Cholesky factor."""
    from .. import linalg

    a = _H(input) @ input if upper else input @ _H(input)
    return linalg.inv(a, out=out)


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Solve ``A X = B`` given the Cholesky factor of ``A`` (``input2``)."""
    from .. import linalg

    a = _H(input2) @ input2 if upper else input2 @ _H(input2)
    return linalg.solve(a, input, out=out)


def qr(input: Tensor, some: bool = True, *, out=None):
    from .. import linalg

    res = linalg.qr(input, mode="reduced" if some else "complete")
    return named_tuple("qr", ("Q", "R"))(*res)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None):
    """``torch.svd``: (U, S, V) with V (not V^H); zero-filled U and V without compute_uv."""
    from .. import linalg

    u, s, vh = linalg.svd(input, full_matrices=not some)
    if not compute_uv:
        u, vh = u.detach() * 0, vh.detach() * 0
    return named_tuple("svd", ("U", "S", "V"))(u, s, _H(vh))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    from .. import linalg

    return linalg.pinv(input, rtol=rcond)


def matrix_exp(input: Tensor) -> Tensor:
    from .. import linalg

    return linalg.matrix_exp(input)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D matrix (integers promoted to int64, as torch)."""
    if input.dim() != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim "
                           f"{input.dim()}")
    d = input.diagonal()
    return d.sum()


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False, *, out=None):
    """``torch.triangular_solve``: (solution, cloned_coefficient)."""
    a = A.transpose(-2, -1) if transpose else A
    up = upper != transpose
    x = SolveTriangular.apply(a, b, upper=up, left=True, unitriangular=unitriangular)
    return named_tuple("triangular_solve", ("solution", "cloned_coefficient"))(x, A.clone())


def cross(input: Tensor, other: Tensor, dim=None, *, out=None) -> Tensor:
    """``torch.cross``: without ``dim``, the first dimension of size 3 (deprecated in torch)."""
    from .. import linalg

    if dim is None:
        shape = _np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return linalg.cross(input, other, dim=dim, out=out)


# -- LU with partial pivoting (LAPACK getrf's pivot choice) -------------------------------------
def lu_array(a):
    """(packed LU, 1-based int32 pivots) for a batch of matrices, as LAPACK's getrf."""
    xp = xp_of(a)
    lu = a.copy()
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    flat = lu.reshape((math.prod(batch), m, n))
    piv = _np.zeros((flat.shape[0], k), dtype=_np.int32)
    rows = _np.arange(flat.shape[0])
    with _np.errstate(all="ignore"):
        for j in range(k):
            p = j + _np.argmax(_np.abs(flat[:, j:, j]), axis=1)
            piv[:, j] = p + 1
            top = flat[rows, j, :].copy()
            flat[rows, j, :] = flat[rows, p, :]
            flat[rows, p, :] = top
            d = flat[:, j, j]
            safe = xp.where(d == 0, 1, d)
            below = flat[:, j + 1:, j]
            col = xp.where((d == 0)[:, None], below, below / safe[:, None])
            flat[:, j + 1:, j] = col
            flat[:, j + 1:, j + 1:] -= col[:, :, None] * flat[:, j, None, j + 1:]
    return flat.reshape(a.shape), piv.reshape(batch + (k,))


def pivots_to_permutation(piv, m: int, dtype):
    """P with ``A = P L U`` from LAPACK's 1-based row swaps."""
    batch = piv.shape[:-1]
    flat = piv.reshape((math.prod(batch), piv.shape[-1]))
    out = _np.zeros((flat.shape[0], m, m), dtype=dtype)
    for b, sw in enumerate(flat):
        perm = _np.arange(m)
        for i, p in enumerate(sw - 1):
            perm[[i, p]] = perm[[p, i]]
        out[b, perm, _np.arange(m)] = 1
    return out.reshape(batch + (m, m))


class LuFactor(Op):
    grad_fn_name = "LinalgLuFactorExBackward0"
    non_differentiable = (1,)

    def forward(self, a):
        lu, piv = lu_array(a)
        self.save_outputs(0)
        self.piv = piv
        return lu, piv

    def backward(self, g, _):
        (lu,) = self.saved_tensors
        m, n = lu.shape[-2:]
        k = min(m, n)
        L, U = unpack_lu(lu, m, n)
        P = Tensor._from_array(pivots_to_permutation(self.piv, m, lu._data.dtype))
        gL = g[..., :, :k].tril(-1)
        gU = g[..., :k, :].triu()
        return (lu_backward(L, U, P, gL, gU),)


def unpack_lu(lu: Tensor, m: int, n: int):
    k = min(m, n)
    L = lu[..., :, :k].tril(-1) + _eye_rect(m, k, lu)
    U = lu[..., :k, :].triu()
    return L, U


def _eye_rect(m, k, like):
    xp = xp_of(like._data)
    return Tensor._from_array(xp.eye(m, k, dtype=like._data.dtype))


def lu_backward(L: Tensor, U: Tensor, P: Tensor, gL, gU) -> Tensor:
    """Gradient of ``A = P L U`` (square, wide and tall cases)."""
    m, k = L.shape[-2:]
    n = U.shape[-1]
    gL = gL if gL is not None else L * 0
    gU = gU if gU is not None else U * 0
    if m == n:
        linv = Inv.apply(L, name_="linalg.inv")
        uinv = Inv.apply(U, name_="linalg.inv")
        gm = (_H(L) @ gL).tril(-1) + (gU @ _H(U)).triu()
        return P @ _H(linv) @ gm @ _H(uinv)
    from .. import cat

    if m < n:
        U1, U2 = U[..., :, :m], U[..., :, m:]
        gU1, gU2 = gU[..., :, :m], gU[..., :, m:]
        linv = Inv.apply(L, name_="linalg.inv")
        u1inv = Inv.apply(U1, name_="linalg.inv")
        gm = (_H(L) @ gL - gU2 @ _H(U2)).tril(-1) + (gU1 @ _H(U1)).triu()
        ga1 = _H(linv) @ gm @ _H(u1inv)
        ga2 = _H(linv) @ gU2
        return P @ cat([ga1, ga2], -1)
    L1, L2 = L[..., :n, :], L[..., n:, :]
    gL1, gL2 = gL[..., :n, :], gL[..., n:, :]
    l1inv = Inv.apply(L1, name_="linalg.inv")
    uinv = Inv.apply(U, name_="linalg.inv")
    gm = (_H(L1) @ gL1).tril(-1) + (gU @ _H(U) - _H(L2) @ gL2).triu()
    ga1 = _H(l1inv) @ gm @ _H(uinv)
    ga2 = gL2 @ _H(uinv)
    return P @ cat([ga1, ga2], -2)


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False, out=None):
    """``torch.lu``: (LU, pivots[, infos])."""
    from .. import linalg

    res = linalg.lu_factor_ex(A, pivot=pivot)
    return (res[0], res[1], res[2]) if get_infos else (res[0], res[1])


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor:
    from .. import linalg

    return linalg.lu_solve(LU_data, LU_pivots, b, out=out)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True, *, out=None):
    """(P, L, U) from a packed LU factorisation."""
    m, n = LU_data.shape[-2:]
    L, U = unpack_lu(LU_data, m, n)
    P = Tensor._from_array(pivots_to_permutation(LU_pivots._data, m, LU_data._data.dtype))
    return named_tuple("lu_unpack", ("P", "L", "U"))(P, L, U)


__all__ += ["lu", "lu_solve", "lu_unpack"]


def _geqrf_array(a):
    """Householder QR in LAPACK's compact form (dgeqrf/dlarfg conventions), real inputs."""
    out = a.astype(_np.float64 if a.dtype.kind == "f" else _np.complex128, copy=True)
    m, n = a.shape[-2:]
    k = min(m, n)
    flat = out.reshape((math.prod(a.shape[:-2]), m, n))
    taus = _np.zeros((flat.shape[0], k), dtype=flat.dtype)
    for b in range(flat.shape[0]):
        r = flat[b]
        for j in range(k):
            alpha = r[j, j]
            xnorm = _np.linalg.norm(r[j + 1:, j])
            if xnorm == 0:
                continue
            beta = -math.copysign(math.hypot(alpha, xnorm), alpha)
            tau = (beta - alpha) / beta
            v = r[j + 1:, j] / (alpha - beta)
            r[j + 1:, j] = v
            r[j, j] = beta
            w = r[j, j + 1:] + v @ r[j + 1:, j + 1:]
            r[j, j + 1:] -= tau * w
            r[j + 1:, j + 1:] -= tau * _np.outer(v, w)
            taus[b, j] = tau
    return (xp_of(a).asarray(out, dtype=a.dtype),
            xp_of(a).asarray(taus.reshape(a.shape[:-2] + (k,)), dtype=a.dtype))


def geqrf(input: Tensor, *, out=None):
    """``torch.geqrf``: (a, tau), the Householder QR in LAPACK's packed form (no gradient)."""
    if input._data.dtype.kind == "c":
        raise NotImplementedError("numtorch: geqrf of complex input")
    a, tau = _geqrf_array(input._data)
    return named_tuple("geqrf", ("a", "tau"))(Tensor._from_array(a), Tensor._from_array(tau))


def ormqr(input: Tensor, input2: Tensor, input3: Tensor, left: bool = True,
          transpose: bool = False, *, out=None) -> Tensor:
    """Multiply ``input3`` by the full Q of a packed QR (``input``, ``input2``)."""
    from .. import cat, linalg, zeros

    m = input.shape[-2]
    k = input2.shape[-1]
    a = input[..., :, :k]
    if m > k:
        a = cat([a, zeros(*a.shape[:-1], m - k, dtype=a.dtype)], -1)
    q = linalg.householder_product(a, input2)
    if transpose:
        q = _H(q)
    return q @ input3 if left else input3 @ q


__all__ += ["geqrf", "ormqr"]


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """``torch.dist``: the p-norm of ``input - other`` (broadcasting)."""
    from .. import linalg

    return linalg.vector_norm(input - other, p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` and ``x2`` (batched)."""
    from .. import linalg

    if x1.dim() < 2 or x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError("X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return linalg.vector_norm(diff, p, dim=-1)


__all__ += ["dist", "cdist"]


def _register_methods() -> None:
    from ._base import tensor_method

    for name in ("det", "logdet", "slogdet", "inverse", "cholesky", "cholesky_inverse",
                 "cholesky_solve", "qr", "svd", "pinverse", "matrix_exp", "trace",
                 "triangular_solve", "lu", "lu_solve", "geqrf", "ormqr", "dist", "cross"):
        tensor_method(name)(globals()[name])


_register_methods()
