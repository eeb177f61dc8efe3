"""LDL^T factorisation with Bunch-Kaufman pivoting (``torch.linalg.ldl_factor(_ex)``) and the
solve with its packed factors (``ldl_solve``), in LAPACK's ``sytrf``/``sytrs`` layout: the
lower triangle of ``LD`` holds L's strict lower part and D's 1x1/2x2 blocks, and ``pivots``
are 1-based int32 (negative, twice, for a 2x2 block). Neither has a derivative in PyTorch."""

from __future__ import annotations

import math

from ... import _dtype as D
from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import Op, write_out
from .._return_types import named_tuple
from ._common import broadcast_shapes

__all__ = ["ldl_factor", "ldl_factor_ex", "ldl_solve"]

_ALPHA = (1.0 + math.sqrt(17.0)) / 8.0


def _mag(x) -> float:
    """LAPACK's ``cabs1``: |re| + |im| (|x| for real numbers)."""
    return abs(x.real) + abs(x.imag) if isinstance(x, complex) else abs(x)


def _argmax(xp, v):
    """Index of the first largest ``cabs1`` magnitude (LAPACK's i?amax)."""
    mags = xp.abs(v.real) + xp.abs(v.imag) if v.dtype.kind == "c" else xp.abs(v)
    return int(xp.argmax(mags))


def _sytf2_lower(a, xp):
    """Factor one symmetric matrix in place (LAPACK's unblocked ?sytf2, lower); returns
    (1-based pivots, info)."""
    n = a.shape[0]
    piv = [0] * n
    info = 0
    k = 0
    while k < n:
        kstep = 1
        absakk = _mag(a[k, k].item())
        if k < n - 1:
            imax = k + 1 + _argmax(xp, a[k + 1:, k])
            colmax = _mag(a[imax, k].item())
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0 or math.isnan(absakk):
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                row = a[imax, k:imax]
                rowmax = _mag(row[_argmax(xp, row)].item())
                if imax < n - 1:
                    col = a[imax + 1:, imax]
                    rowmax = max(rowmax, _mag(col[_argmax(xp, col)].item()))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif _mag(a[imax, imax].item()) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:  # swap rows and columns kk and kp of the trailing submatrix
                if kp < n - 1:
                    a[kp + 1:, [kk, kp]] = a[kp + 1:, [kp, kk]]
                for j in range(kk + 1, kp):
                    a[j, kk], a[kp, j] = a[kp, j].copy(), a[j, kk].copy()
                a[kk, kk], a[kp, kp] = a[kp, kp].copy(), a[kk, kk].copy()
                if kstep == 2:
                    a[k + 1, k], a[kp, k] = a[kp, k].copy(), a[k + 1, k].copy()
            if kstep == 1:
                if k < n - 1:
                    d11 = 1 / a[k, k]
                    x = a[k + 1:, k].copy()
                    a[k + 1:, k + 1:] -= xp.tril(xp.outer(x, d11 * x))
                    a[k + 1:, k] = d11 * x
            elif k < n - 2:
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1 / (d11 * d22 - 1)
                d21 = t / d21
                c0, c1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                wk = d21 * (d11 * c0 - c1)
                wkp1 = d21 * (d22 * c1 - c0)
                a[k + 2:, k + 2:] -= xp.tril(xp.outer(c0, wk) + xp.outer(c1, wkp1))
                a[k + 2:, k] = wk
                a[k + 2:, k + 1] = wkp1
        if kstep == 1:
            piv[k] = kp + 1
        else:
            piv[k] = piv[k + 1] = -(kp + 1)
        k += kstep
    return piv, info


class LdlFactor(Op):
    """Packed LD, int32 pivots and int32 info; LD records a node whose backward raises."""

    grad_fn_name = "NotImplemented"
    non_differentiable = (1, 2)
    params = ()

    def backward(self, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented")

    def forward(self, a):
        xp = xp_of(a)
        batch, n = a.shape[:-2], a.shape[-1]
        count = math.prod(batch)
        work = xp.array(a, copy=True).reshape((count, n, n))
        pivs = xp.zeros((count, n), D.int32.np)
        infos = xp.zeros((count,), D.int32.np)
        for b in range(count):
            p, info = _sytf2_lower(work[b], xp)
            pivs[b] = p
            infos[b] = info
        ld = xp.tril(work).reshape(a.shape)
        return ld, pivs.reshape(batch + (n,)), infos.reshape(batch)


def _check_square(A: Tensor, name: str) -> None:
    if A.dim() < 2:
        raise RuntimeError(f"torch.linalg.{name}: The input tensor A must have at least 2 "
                           "dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.{name}: A must be batches of square matrices, but "
                           f"they are {A.shape[-2]} by {A.shape[-1]} matrices")


def ldl_factor_ex(A: Tensor, *, hermitian: bool = False, check_errors: bool = False,
                  out=None):
    """(LD, pivots, info) of LAPACK's Bunch-Kaufman ``sytrf`` (lower)."""
    _check_square(A, "ldl_factor_ex")
    if hermitian and A.is_complex():
        raise NotImplementedError("numtorch: linalg.ldl_factor with hermitian=True for complex "
                                  "input")
    ld, piv, info = LdlFactor.apply(A)
    if check_errors and bool((info._data != 0).any()):
        raise RuntimeError(f"torch.linalg.ldl_factor_ex: Unknown error code: "
                           f"{int(info._data.max())}.")
    return named_tuple("linalg_ldl_factor_ex", ("LD", "pivots", "info"))(ld, piv, info)


def ldl_factor(A: Tensor, *, hermitian: bool = False, out=None):
    """(LD, pivots): ``ldl_factor_ex`` raising when D is singular."""
    ld, piv, info = ldl_factor_ex(A, hermitian=hermitian)
    if bool((info._data != 0).any()):
        raise RuntimeError(f"torch.linalg.ldl_factor: Unknown error code: "
                           f"{int(info._data.max())}.")
    return named_tuple("linalg_ldl_factor", ("LD", "pivots"))(ld, piv)


def _sytrs_lower(a, piv, b, xp) -> None:
    """Solve in place with one packed factorisation (LAPACK's ?sytrs, lower)."""
    n = a.shape[0]
    k = 0
    while k < n:  # L D Y = P B
        if piv[k] > 0:
            kp = piv[k] - 1
            if kp != k:
                b[[k, kp]] = b[[kp, k]]
            if k < n - 1:
                b[k + 1:] -= xp.outer(a[k + 1:, k], b[k])
            b[k] /= a[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            if kp != k + 1:
                b[[k + 1, kp]] = b[[kp, k + 1]]
            if k < n - 2:
                b[k + 2:] -= xp.outer(a[k + 2:, k], b[k]) + xp.outer(a[k + 2:, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1 = a[k, k] / akm1k
            ak = a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k] = (ak * bkm1 - bk) / denom
            b[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T X = Y, then undo the interchanges
        if piv[k] > 0:
            if k < n - 1:
                b[k] -= a[k + 1:, k] @ b[k + 1:]
            kp = piv[k] - 1
            if kp != k:
                b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            if k < n - 1:
                b[k] -= a[k + 1:, k] @ b[k + 1:]
                b[k - 1] -= a[k + 1:, k - 1] @ b[k + 1:]
            kp = -piv[k] - 1
            if kp != k:
                b[[k, kp]] = b[[kp, k]]
            k -= 2


class LdlSolve(Op):
    grad_fn_name = "NotImplemented"  # as PyTorch: the node is recorded, its backward raises
    params = ("shape",)

    def backward(self, g):
        raise RuntimeError("derivative for aten::linalg_ldl_solve is not implemented")

    def forward(self, ld, piv, b):
        xp = xp_of(ld)
        n = ld.shape[-1]
        dt = xp.result_type(ld.dtype, b.dtype)
        count = math.prod(self.shape[:-2])
        lds = xp.broadcast_to(ld, self.shape[:-2] + (n, n)).reshape((count, n, n))
        pivs = xp.broadcast_to(piv, self.shape[:-2] + (n,)).reshape((count, n))
        out = xp.array(xp.broadcast_to(b, self.shape), dtype=dt, copy=True)
        flat = out.reshape((count,) + self.shape[-2:])
        for i in range(count):
            _sytrs_lower(lds[i], [int(p) for p in pivs[i]], flat[i], xp)
        return out


def ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False,
              out=None) -> Tensor:
    """Solve ``A X = B`` with ``ldl_factor``'s packed factors (batch dims broadcast)."""
    if hermitian and LD.is_complex():
        raise NotImplementedError("numtorch: linalg.ldl_solve with hermitian=True for complex "
                                  "input")
    if LD.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, "
                           f"but got LD with dtype {LD.dtype} and B with dtype {B.dtype} "
                           "instead")
    batch = broadcast_shapes(LD.shape[:-2], pivots.shape[:-1], B.shape[:-2])
    return write_out(out, LdlSolve.apply(LD, pivots, B, shape=tuple(batch) + tuple(B.shape[-2:])))
