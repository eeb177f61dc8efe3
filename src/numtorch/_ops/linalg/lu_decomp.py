"""LU with partial pivoting (LAPACK getrf's pivot choice): ``torch.linalg.lu_factor``,
``lu``, ``lu_solve`` and ``torch.lu_unpack``, with gradients through the packed factors."""

from __future__ import annotations

import math

from ..._backend import errstate, host, xp_of
from ..._tensor import Tensor
from .._base import Op, write_out
from .._return_types import named_tuple
from ._common import H, info
from .solvers import SolveTriangular, inv_op


def lu_array(a):
    """(packed LU, 1-based int32 pivots) for a batch of matrices, as LAPACK's getrf."""
    xp = xp_of(a)
    lu = a.copy()
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    flat = lu.reshape((math.prod(batch), m, n))
    piv = xp.zeros((flat.shape[0], k), dtype=xp.int32)
    rows = xp.arange(flat.shape[0])
    with errstate(xp):
        for j in range(k):
            p = j + xp.argmax(xp.abs(flat[:, j:, j]), axis=1)
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
    xp = xp_of(piv)
    batch = piv.shape[:-1]
    swaps = host.asarray(piv).reshape((math.prod(batch), piv.shape[-1]))
    out = xp.zeros((swaps.shape[0], m, m), dtype=dtype)
    cols = host.arange(m)
    for b, sw in enumerate(swaps):
        perm = host.arange(m)
        for i, p in enumerate(sw - 1):
            perm[[i, p]] = perm[[p, i]]
        out[b, perm, cols] = 1
    return out.reshape(batch + (m, m))


class PivotsToPermutation(Op):
    """The permutation matrix of LU pivots (an integer input: never differentiable)."""

    grad_fn_name = "LuUnpackBackward0"
    non_differentiable = (0,)
    params = ("m", "dtype")

    def forward(self, piv):
        return pivots_to_permutation(piv, self.m, self.dtype)


class LuFactor(Op):
    grad_fn_name = "LinalgLuFactorExBackward0"
    non_differentiable = (1,)
    params = ()

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
    """(L with unit diagonal, U) from the packed factors."""
    from ..creation import eye

    k = min(m, n)
    L = lu[..., :, :k].tril(-1) + eye(m, k, dtype=lu.dtype)
    U = lu[..., :k, :].triu()
    return L, U


def lu_backward(L: Tensor, U: Tensor, P: Tensor, gL, gU) -> Tensor:
    """Gradient of ``A = P L U`` (square, wide and tall cases)."""
    from ..join import cat

    m, k = L.shape[-2:]
    n = U.shape[-1]
    gL = gL if gL is not None else L * 0
    gU = gU if gU is not None else U * 0
    if m == n:
        linv, uinv = inv_op(L), inv_op(U)
        gm = (H(L) @ gL).tril(-1) + (gU @ H(U)).triu()
        return P @ H(linv) @ gm @ H(uinv)
    if m < n:
        U1, U2 = U[..., :, :m], U[..., :, m:]
        gU1, gU2 = gU[..., :, :m], gU[..., :, m:]
        linv, u1inv = inv_op(L), inv_op(U1)
        gm = (H(L) @ gL - gU2 @ H(U2)).tril(-1) + (gU1 @ H(U1)).triu()
        ga1 = H(linv) @ gm @ H(u1inv)
        ga2 = H(linv) @ gU2
        return P @ cat([ga1, ga2], -1)
    L1, L2 = L[..., :n, :], L[..., n:, :]
    gL1, gL2 = gL[..., :n, :], gL[..., n:, :]
    l1inv, uinv = inv_op(L1), inv_op(U)
    gm = (H(L1) @ gL1).tril(-1) + (gU @ H(U) - H(L2) @ gL2).triu()
    ga1 = H(l1inv) @ gm @ H(uinv)
    ga2 = gL2 @ H(uinv)
    return P @ cat([ga1, ga2], -2)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True, *, out=None):
    """``torch.lu_unpack``: (P, L, U) from a packed LU factorisation."""
    m, n = LU_data.shape[-2:]
    L, U = unpack_lu(LU_data, m, n)
    P = PivotsToPermutation.apply(LU_pivots, m=m, dtype=LU_data._data.dtype)
    return named_tuple("lu_unpack", ("P", "L", "U"))(P, L, U)


# -- torch.linalg functions ---------------------------------------------------------------------
def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out=None):
    """(LU, pivots, info): LAPACK getrf's packed factors and 1-based int32 pivots."""
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.lu_factor: Expected tensor with 2 or more dimensions. "
                           f"Got size: {list(A.shape)} instead")
    lu, piv = LuFactor.apply(A)
    return named_tuple("linalg_lu_factor_ex", ("LU", "pivots", "info"))(lu, piv, info(A))


def lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    res = lu_factor_ex(A, pivot=pivot)
    return named_tuple("linalg_lu_factor", ("LU", "pivots"))(res[0], res[1])


def lu(A: Tensor, *, pivot: bool = True, out=None):
    """(P, L, U) with ``A = P L U``."""
    res = lu_factor_ex(A, pivot=pivot)
    return named_tuple("linalg_lu", ("P", "L", "U"))(*lu_unpack(res[0], res[1]))


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False, out=None) -> Tensor:
    """Solve with a packed LU factorisation (``A X = B``, ``X A = B``, or with A^H)."""
    P, L, U = lu_unpack(LU, pivots)
    tri = SolveTriangular.apply
    if left and not adjoint:   # X = U^-1 L^-1 P^T B
        y = tri(L, P.mT @ B, upper=False, left=True, unitriangular=True)
        x = tri(U, y, upper=True, left=True, unitriangular=False)
    elif left:                 # A^H X = B: X = P L^-H U^-H B
        y = tri(H(U), B, upper=False, left=True, unitriangular=False)
        x = P @ tri(H(L), y, upper=True, left=True, unitriangular=True)
    elif not adjoint:          # X A = B: X = B U^-1 L^-1 P^T
        y = tri(U, B, upper=True, left=False, unitriangular=False)
        x = tri(L, y, upper=False, left=False, unitriangular=True) @ P.mT
    else:                      # X A^H = B: X = B P L^-H U^-H
        y = tri(H(L), B @ P, upper=True, left=False, unitriangular=True)
        x = tri(H(U), y, upper=False, left=False, unitriangular=False)
    return write_out(out, x)
