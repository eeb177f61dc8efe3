"""Vector and matrix norms (``torch.linalg.vector_norm/matrix_norm/norm/cond``) and the
top-level functions built on them (``dist``, ``cdist``, ``renorm``)."""

from __future__ import annotations

import math

from ..._tensor import Tensor
from .._args import arg_error, need_tensor
from .._base import tensor_method, wrap_dim, write_out
from ..pointwise.ternary import where
from ..reduction import Norm, dims_of
from ._common import dtype_name
from .decomp import svdvals
from .solvers import inv


def _is_int(v) -> bool:
    return not isinstance(v, (bool, Tensor)) and hasattr(type(v), "__index__")


def _vector_norm_kinds(x, dim) -> None:
    """torch's TypeError for a non-Tensor ``x`` or a ``dim`` that is no int (tuple)."""
    need_tensor("linalg_vector_norm", x)
    if dim is None or isinstance(dim, (tuple, list)) and all(_is_int(d) for d in dim):
        return
    if not _is_int(dim):  # torch's text for a keyword dim
        raise arg_error("linalg_vector_norm", "dim", dim, "tuple of ints")


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """Vector ``ord``-norm over ``dim`` (all elements by default)."""
    if not isinstance(x, Tensor) or not (dim is None or dim.__class__ is int):
        _vector_norm_kinds(x, dim)
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fcV":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {dtype_name(x.dtype)}")
    if isinstance(dim, int):
        dim = (dim,)
    res = Norm.apply(x, p=ord, dims=dims_of(dim, x.dim()), keepdim=keepdim and dim is not None)
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
    if ord == "nuc":
        r = svdvals(A.movedim((d0, d1), (nd - 2, nd - 1))).sum(-1)
    elif ord in (2, -2):
        r = _max_min(svdvals(A.movedim((d0, d1), (nd - 2, nd - 1))), -1, False, ord > 0)
    elif ord in (1, -1, math.inf, -math.inf):
        # PyTorch's order of reductions: a 1-norm down one dim, then max/min down the other
        if ord in (math.inf, -math.inf):
            d0, d1 = d1, d0
        if not keepdim and d0 < d1:
            d1 -= 1
        return write_out(out, _max_min(vector_norm(A, 1, d0, keepdim), d1, keepdim, ord > 0))
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        for d in sorted((d0, d1)):
            r = r.unsqueeze(d)
    return write_out(out, r)


def _max_min(x: Tensor, dim: int, keepdim: bool, largest: bool) -> Tensor:
    """amax/amin over ``dim``; an empty input gives zeros for amax, as PyTorch's norms do."""
    if x.numel() == 0 or x.shape[dim] == 0:
        if largest:
            from ..creation import zeros

            shape = list(x.shape)
            if keepdim:
                shape[dim] = 1
            else:
                del shape[dim]
            return zeros(shape, dtype=x.dtype)
        raise IndexError(f"amin(): Expected reduction dim {dim} to have non-zero size.")
    return x.amax(dim, keepdim) if largest else x.amin(dim, keepdim)


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


# -- top-level (torch.*) functions --------------------------------------------------------------
@tensor_method("dist")
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """``torch.dist``: the p-norm of ``input - other`` (broadcasting)."""
    return vector_norm(input - other, p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` and ``x2`` (batched)."""
    if x1.dim() < 2 or x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError("X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return vector_norm(diff, p, dim=-1)


@tensor_method("renorm")
def renorm(input: Tensor, p, dim: int, maxnorm) -> Tensor:
    """``torch.renorm``: rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm``."""
    from ..creation import ones_like
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    d = wrap_dim(dim, input.dim())
    others = [k for k in range(input.dim()) if k != d]
    norms = vector_norm(input, p, dim=others, keepdim=True)
    factor = where(norms > maxnorm, maxnorm / (norms + 1e-7), ones_like(norms))
    return input * factor


@tensor_method("renorm_")
def renorm_(self: Tensor, p, dim: int, maxnorm) -> Tensor:
    from .._inplace import inplace

    return inplace(self, renorm, p, dim, maxnorm)
