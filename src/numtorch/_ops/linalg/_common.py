"""Helpers shared by the linear-algebra kernels: PyTorch's error type and checks, conjugate
transposes, identity matrices for backward passes."""

from __future__ import annotations

from ... import _dtype as D
from ..._backend import host, xp_of
from ..._tensor import Tensor


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a RuntimeError raised for singular or non-PD input."""


# torch.linalg.LinAlgError is torch._C._LinAlgError
LinAlgError.__module__ = "torch._C"
LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"


def conj(t: Tensor) -> Tensor:
    from ..pointwise import conj as _conj

    return _conj(t)


def real(t: Tensor) -> Tensor:
    from ..pointwise import real as _real

    return _real(t)


def H(t: Tensor) -> Tensor:
    """Conjugate transpose of the last two dims."""
    return conj(t.transpose(-2, -1))


def eye_like(n: int, like: Tensor, m: int | None = None) -> Tensor:
    """An ``n x m`` identity with ``like``'s dtype, for backward passes."""
    xp = xp_of(like._data)
    return Tensor._from_array(xp.eye(n, n if m is None else m, dtype=like._data.dtype))


def batch_prefix(a, idx) -> str:
    return f"(Batch element {idx}): " if a.ndim > 2 else ""


def first_zero_pivot(a):
    """(batch index, 1-based column) of the first zero pivot of LU with partial pivoting."""
    xp = xp_of(a)
    flat = a.reshape((-1,) + a.shape[-2:]).astype(xp.complex128 if a.dtype.kind == "c"
                                                  else xp.float64)
    for b, m in enumerate(flat):
        m = m.copy()
        n = min(m.shape)
        for k in range(n):
            p = k + int(xp.argmax(xp.abs(m[k:, k])))
            if m[p, k] == 0:
                return b, k + 1
            m[[k, p]] = m[[p, k]]
            m[k + 1:, k:] -= xp.outer(m[k + 1:, k] / m[k, k], m[k, k:])
    return None


def check_square(a, name: str) -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def dtype_name(dt) -> str:
    """The C scalar name torch's messages use (``Float``)."""
    return dt.c_name


def check_float(a, name: str) -> None:
    if a.dtype.kind not in "fcV":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {dtype_name(D.from_numpy_dtype(a.dtype))}")


def square(A: Tensor, name: str) -> None:
    """PyTorch's checks for a batch of square floating matrices."""
    check_square(A._data, name)
    check_float(A._data, name)


def info(A: Tensor) -> Tensor:
    """The all-zero ``info`` output of the ``*_ex`` functions (errors raise instead)."""
    from ..creation import zeros

    return zeros(tuple(A.shape[:-2]), dtype=D.int32)


def singular_error(a, name: str):
    found = first_zero_pivot(a)
    b, col = found if found is not None else (0, 1)
    return LinAlgError(f"{name}: {batch_prefix(a, b)}The diagonal element {col} is zero, the "
                       "inversion could not be completed because the input matrix is singular.")


def to_float(v):
    return float(v.item()) if isinstance(v, Tensor) else float(v)


def default_tols(A: Tensor, atol, rtol):
    """(atol, rtol) as floats with PyTorch's default ``rtol = eps * max(m, n)``."""
    if rtol is None:
        single = A._data.dtype.name in ("float32", "complex64")
        eps = 1.1920928955078125e-07 if single else 2.220446049250313e-16
        rtol = eps * max(A.shape[-2:]) if (atol is None or to_float(atol) <= 0) else 0.0
    return (0.0 if atol is None else to_float(atol)), to_float(rtol)


def broadcast_shapes(*shapes) -> tuple:
    return tuple(host.broadcast_shapes(*shapes))
