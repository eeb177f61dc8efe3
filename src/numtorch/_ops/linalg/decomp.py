"""Matrix decompositions with gradients: Cholesky, QR, eigen (``eigh``/``eig``), SVD, and
Householder QR in LAPACK's packed form (``geqrf``, ``householder_product``, ``ormqr``)."""

from __future__ import annotations

import math

from ... import _dtype as D
from ..._backend import xp_of
from ..._backend.linalg import LinAlgError as _LapackError
from ..._tensor import Tensor
from .._base import Op, write_out
from .._return_types import named_tuple
from ._common import (
    H,
    LinAlgError,
    batch_prefix,
    conj,
    default_tols,
    eye_like,
    real,
    square,
)
from .solvers import Solve, inv_op


class Cholesky(Op):
    grad_fn_name = "LinalgCholeskyExBackward0"
    params = ("upper",)

    def forward(self, a):
        xp = xp_of(a)
        try:
            L = xp.linalg.cholesky(a) if a.size else a.copy()
        except _LapackError:
            raise _not_pd_error(a) from None
        self.save_outputs(0)
        out = xp.conj(xp.swapaxes(L, -1, -2)) if self.upper else L
        return xp.asarray(out, dtype=a.dtype)

    def backward(self, g):
        (out,) = self.saved_tensors
        L = H(out) if self.upper else out
        gL = H(g) if self.upper else g
        p = (H(L) @ gL).tril()
        ga = 0.5 * (p + H(p.tril(-1)))
        linv = inv_op(L)
        return (H(linv) @ ga @ linv,)


def _not_pd_error(a):
    xp = xp_of(a)
    flat = a.reshape((-1,) + a.shape[-2:])
    for b, m in enumerate(flat):
        for k in range(1, m.shape[-1] + 1):
            try:
                xp.linalg.cholesky(m[:k, :k])
            except _LapackError:
                return LinAlgError(f"linalg.cholesky: {batch_prefix(a, b)}The factorization "
                                   "could not be completed because the input is not "
                                   f"positive-definite (the leading minor of order {k} is not "
                                   "positive-definite).")
    return LinAlgError("linalg.cholesky: The factorization could not be completed because the "
                       "input is not positive-definite.")


def _copyltu(m: Tensor) -> Tensor:
    """The strict lower triangle mirrored (conjugated) above, and the real part of the
    diagonal (R's diagonal is real, so its imaginary part carries no gradient)."""
    low = m.tril(-1)
    diag = m.diagonal(0, -2, -1)
    if m.dtype.is_complex:
        diag = real(diag).to(m.dtype)
    return low + H(low) + diag.diag_embed()


class QR(Op):
    grad_fn_name = "LinalgQrBackward0"
    params = ("mode",)

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
        gq = gq if gq is not None else q * 0
        gr = gr if gr is not None else r * 0
        if m >= n:
            return (_qr_backward_tall(gq, gr, q, r),)
        # wide A = [X | Y] with X = Q U square, Y = Q V: V = Q^H Y also moves with Q
        from ..join import cat

        u, v = r[..., :, :m], r[..., :, m:]
        gv = gr[..., :, m:]
        gx = _qr_backward_tall(gq + q @ v @ H(gv), gr[..., :, :m], q, u)
        return (cat([gx, q @ gv], -1),)


def _qr_backward_tall(gq: Tensor, gr: Tensor, q: Tensor, r: Tensor) -> Tensor:
    """Gradient of A = QR (m >= n, reduced Q) for upstream gradients gq, gr."""
    M = r @ H(gr) - H(gq) @ q
    b = gq + q @ _copyltu(M)
    return b @ H(inv_op(r))


class Eigh(Op):
    grad_fn_name = "LinalgEighBackward0"
    params = ("uplo", "values_only")
    values_only = False  # eigvalsh: the vectors are not returned, so they carry no gradient

    def forward(self, a):
        xp = xp_of(a)
        w, v = xp.linalg.eigh(a, UPLO=self.uplo)
        self.save_outputs(0, 1)
        return xp.asarray(w, dtype=a.real.dtype), xp.asarray(v, dtype=a.dtype)

    def backward(self, gw, gv):
        w, v = self.saved_tensors
        if self.values_only:
            gv = None
        vh = H(v)
        inner = gw.diag_embed() if gw is not None else None
        if gv is not None:
            e = w.unsqueeze(-2) - w.unsqueeze(-1)
            eye = eye_like(w.shape[-1], e)
            f = (1 - eye) / (e + eye)
            vg = vh @ gv
            term = f * (0.5 * (vg - H(vg)))
            inner = term if inner is None else inner + term
        return (v @ inner.to(v.dtype) @ vh,)


class Eig(Op):
    grad_fn_name = "LinalgEigBackward0"
    params = ()

    def forward(self, a):
        xp = xp_of(a)
        ct = "complex64" if a.dtype in (xp.float32, xp.complex64) else "complex128"
        w, v = xp.linalg.eig(a)
        self.save_outputs(0, 1)
        return xp.asarray(w, dtype=ct), xp.asarray(v, dtype=ct)

    def backward(self, gw, gv):
        w, v = self.saved_tensors
        vh = H(v)
        if gv is not None:
            vhgv = vh @ gv
            re_diag = real(vhgv.diagonal(0, -2, -1))
            vhgv = vhgv - (vh @ v) @ re_diag.to(v.dtype).diag_embed()
            e = conj(w.unsqueeze(-2) - w.unsqueeze(-1))
            eye = eye_like(w.shape[-1], e)
            inner = vhgv * (1 - eye) / (e + eye)
            if gw is not None:
                inner = inner + gw.diag_embed()
        else:
            inner = gw.diag_embed()
        ga = Solve.apply(vh, inner @ vh)
        if not self._input_meta[0][1].is_complex:  # a real input takes the real part
            ga = real(ga)
        return (ga,)


class SVD(Op):
    grad_fn_name = "LinalgSvdBackward0"
    params = ("full_matrices", "values_only")
    values_only = False  # svdvals: U and Vh are not returned, so they carry no gradient

    def forward(self, a):
        xp = xp_of(a)
        u, s, vh = xp.linalg.svd(a, full_matrices=self.full_matrices)
        self.save_outputs(0, 1, 2)
        rt = a.real.dtype
        return xp.asarray(u, dtype=a.dtype), xp.asarray(s, dtype=rt), xp.asarray(vh, dtype=a.dtype)

    def backward(self, gu, gs, gvh):
        u, s, vh = self.saved_tensors
        if self.values_only:
            gu = gvh = None
        k = s.shape[-1]
        u = u[..., :, :k]
        vh = vh[..., :k, :]
        if gu is not None:
            gu = gu[..., :, :k]
        if gvh is not None:
            gvh = gvh[..., :k, :]
        v = H(vh)
        sm = s.diag_embed()
        out = u @ (gs.diag_embed() if gs is not None else sm * 0) @ vh
        if gu is None and gvh is None:
            return (out,)
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1)
        eye = eye_like(k, e)
        f = (1 - eye) / (e + eye)
        sinv = (1 / s).diag_embed()
        if gu is not None:
            ut = H(u)
            j = f * (ut @ gu - H(gu) @ u)
            out = out + u @ j @ sm @ vh
            m = u.shape[-2]
            if m > k:
                out = out + (eye_like(m, u) - u @ ut) @ gu @ sinv @ vh
        if gvh is not None:
            gv = H(gvh)
            kk = f * (vh @ gv - H(gv) @ v)
            out = out + u @ sm @ kk @ vh
            n = v.shape[-2]
            if n > k:
                out = out + u @ sinv @ H(gv) @ (eye_like(n, v) - v @ vh)
        return (out,)


# -- torch.linalg functions ---------------------------------------------------------------------
def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Cholesky factor; non-positive-definite input raises LinAlgError."""
    square(A, "linalg.cholesky")
    return write_out(out, Cholesky.apply(A, upper=upper))


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    from ._common import info

    return named_tuple("linalg_cholesky_ex", ("L", "info"))(cholesky(A, upper=upper), info(A))


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """QR decomposition (modes 'reduced', 'complete', 'r')."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return named_tuple("linalg_qr", ("Q", "R"))(*QR.apply(A, mode=mode))


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices."""
    square(A, "linalg.eigh")
    return named_tuple("linalg_eigh", ("eigenvalues", "eigenvectors"))(
        *Eigh.apply(A, uplo=UPLO))


def eig(A: Tensor, *, out=None):
    """Eigenvalues and eigenvectors of general square matrices (complex outputs)."""
    square(A, "linalg.eig")
    return named_tuple("linalg_eig", ("eigenvalues", "eigenvectors"))(*Eig.apply(A))


def eigvals(A: Tensor, *, out=None) -> Tensor:
    square(A, "linalg.eigvals")
    return write_out(out, Eig.apply(A)[0])


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    square(A, "linalg.eigvalsh")
    return write_out(out, Eigh.apply(A, uplo=UPLO, values_only=True)[0])


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """(U, S, Vh) with singular values in descending order."""
    return named_tuple("linalg_svd", ("U", "S", "Vh"))(*SVD.apply(A, full_matrices=full_matrices))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    return write_out(out, SVD.apply(A, full_matrices=False, values_only=True)[1])


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None,
                out=None) -> Tensor:
    """Number of singular values above max(atol, rtol * s_max) (int64)."""
    if tol is not None:
        atol, rtol = tol, 0.0
    if A.numel() == 0:  # no nonzero rows: rank 0 (one per matrix of the batch)
        from ..creation import zeros

        return write_out(out, zeros(tuple(A.shape[:-2]), dtype=D.int64))
    s = svdvals(A) if not hermitian else eigvalsh(A).abs()
    smax = s.amax(-1, keepdim=True)
    if isinstance(atol, Tensor) or isinstance(rtol, Tensor):
        a, r = _tensor_tols(A, atol, rtol)
        tol_t = (r.unsqueeze(-1) * smax).maximum(a.unsqueeze(-1))
    else:
        a, r = default_tols(A, atol, rtol)
        tol_t = (smax * r).clamp_min(a)
    return write_out(out, (s > tol_t).sum(-1))


def _tensor_tols(A: Tensor, atol, rtol) -> tuple[Tensor, Tensor]:
    """PyTorch's (atol, rtol) tensors, one per matrix when given per matrix: atol defaults to
    0, rtol to ``eps * max(m, n)`` (0 where a positive atol is given)."""
    from ..creation import tensor
    from ..pointwise.ternary import where

    def as_t(x):
        return x if isinstance(x, Tensor) else tensor(float(x), dtype=D.float64)

    a = as_t(0.0 if atol is None else atol)
    if rtol is not None:
        return a, as_t(rtol)
    _, default = default_tols(A, None, None)
    if atol is None:
        return a, as_t(default)
    return a, where(a > 0, as_t(0.0), as_t(default))


# -- Householder QR in LAPACK's packed form ---------------------------------------------------
def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """Product of Householder reflectors ``I - tau_i v_i v_i^H`` (first n columns)."""
    from ..creation import eye

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
        Q = Q - (Q @ v) @ (t * H(v))
    if k == 0:  # keep the result attached to the graph, as torch's is
        Q = Q + (A * 0).sum((-2, -1), keepdim=True) + (tau * 0).sum(-1, keepdim=True).unsqueeze(-1)
    return write_out(out, Q[..., :, :n])


def _geqrf_array(a):
    """Householder QR in LAPACK's compact form (dgeqrf/dlarfg conventions), real inputs."""
    xp = xp_of(a)
    out = a.astype(xp.float64 if a.dtype.kind in "fV" else xp.complex128, copy=True)
    m, n = a.shape[-2:]
    k = min(m, n)
    flat = out.reshape((math.prod(a.shape[:-2]), m, n))
    taus = xp.zeros((flat.shape[0], k), dtype=flat.dtype)
    for b in range(flat.shape[0]):
        r = flat[b]
        for j in range(k):
            alpha = float(r[j, j])
            xnorm = float(xp.linalg.norm(r[j + 1:, j]))
            if xnorm == 0:
                continue
            beta = -math.copysign(math.hypot(alpha, xnorm), alpha)
            tau = (beta - alpha) / beta
            v = r[j + 1:, j] / (alpha - beta)
            r[j + 1:, j] = v
            r[j, j] = beta
            w = r[j, j + 1:] + v @ r[j + 1:, j + 1:]
            r[j, j + 1:] -= tau * w
            r[j + 1:, j + 1:] -= tau * xp.outer(v, w)
            taus[b, j] = tau
    return (xp.asarray(out, dtype=a.dtype),
            xp.asarray(taus.reshape(a.shape[:-2] + (k,)), dtype=a.dtype))


class Geqrf(Op):
    """``torch.geqrf``'s packed factors; no derivative (numtorch records none)."""

    grad_fn_name = "GeqrfBackward0"
    non_differentiable = (0, 1)
    params = ()

    def forward(self, a):
        return _geqrf_array(a)


def geqrf(input: Tensor, *, out=None):
    """``torch.geqrf``: (a, tau), the Householder QR in LAPACK's packed form (no gradient)."""
    if input._data.dtype.kind == "c":
        raise NotImplementedError("numtorch: geqrf of complex input")
    return named_tuple("geqrf", ("a", "tau"))(*Geqrf.apply(input))


def ormqr(input: Tensor, input2: Tensor, input3: Tensor, left: bool = True,
          transpose: bool = False, *, out=None) -> Tensor:
    """Multiply ``input3`` by the full Q of a packed QR (``input``, ``input2``)."""
    from ..creation import zeros
    from ..join import cat

    m = input.shape[-2]
    k = input2.shape[-1]
    a = input[..., :, :k]
    if m > k:
        a = cat([a, zeros(*a.shape[:-1], m - k, dtype=a.dtype)], -1)
    q = householder_product(a, input2)
    if transpose:
        q = H(q)
    return q @ input3 if left else input3 @ q
