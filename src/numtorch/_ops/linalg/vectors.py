"""``torch.linalg``'s vector helpers and chained products: ``cross``, ``vecdot``,
``multi_dot``, ``vander``, ``diagonal`` (compositions of recorded ops)."""

from __future__ import annotations

from ..._tensor import Tensor
from .._base import wrap_dim, write_out
from ._common import conj


def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (broadcasting)."""
    from ..join import broadcast_tensors, stack

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
    return write_out(out, (conj(x) * y).sum(dim))


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


def vander(x: Tensor, *, N=None) -> Tensor:
    """Columns ``x^0, x^1, ..., x^(N-1)`` (increasing powers, as torch.linalg.vander)."""
    from ..creation import ones_like
    from ..join import cat, stack
    from ..scan import cumprod

    if x.dim() < 1:
        x = x.reshape(1)
    n = x.shape[-1] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if n <= 1:
        return ones_like(x).unsqueeze(-1)[..., :n] if n == 1 else x.unsqueeze(-1)[..., :0]
    powers = cumprod(stack([x] * (n - 1), -1), -1)
    return cat([ones_like(x).unsqueeze(-1), powers], -1)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return A.diagonal(offset, dim1, dim2)
