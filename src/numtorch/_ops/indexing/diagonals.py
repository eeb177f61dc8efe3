"""Diagonals and triangles: diagonal (a view), diag, diag_embed, tril and triu, with PyTorch's
nodes and gradients."""

from __future__ import annotations

from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import Op, tensor_method, wrap_dim, write_out
from .._geometry import diagonal_view
from ..shape._kinds import need_int, need_tensor
from ._common import _make_inplace

__all__ = ["diag", "diagonal", "diag_embed", "tril", "triu"]


def _diag_view(a, offset: int, d1: int, d2: int):
    """A writable view of a diagonal (NumPy's own ``diagonal`` is read-only)."""
    v = a.diagonal(offset, d1, d2)
    if a.flags.writeable:
        v.flags.writeable = True
    return v


class Diagonal(Op):
    grad_fn_name = "DiagonalBackward0"
    is_view = True
    params = ("offset", "dim1", "dim2")

    def forward(self, a):
        return diagonal_view(a, _diag_view(a, self.offset, self.dim1, self.dim2), self.offset,
                             self.dim1, self.dim2)

    def backward(self, g):
        return _DiagonalGrad.apply(g, shape=self._input_meta[0][0], offset=self.offset,
                                   dim1=self.dim1, dim2=self.dim2)


class DiagonalCopy(Diagonal):
    grad_fn_name = "DiagonalBackward0_copy"
    is_view = False

    def forward(self, a):
        return a.diagonal(self.offset, self.dim1, self.dim2).copy()


class _DiagonalGrad(Op):
    grad_fn_name = "DiagonalBackwardBackward0"
    params = ("shape", "offset", "dim1", "dim2")

    def forward(self, g):
        out = xp_of(g).zeros(self.shape, g.dtype)
        _diag_view(out, self.offset, self.dim1, self.dim2)[...] = g
        return out

    def backward(self, gg):
        return Diagonal.apply(gg, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


def _diag_dims(nd: int, dim1: int, dim2: int):
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@tensor_method("diagonal")
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of two dims as a view, moved to the last dim (DiagonalBackward0)."""
    need_int("diagonal", offset, "offset", 2)
    need_int("diagonal", dim1, "dim1", 3)
    need_int("diagonal", dim2, "dim2", 4)
    d1, d2 = _diag_dims(input._data.ndim, dim1, dim2)
    return Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)


class DiagEmbed(Op):
    grad_fn_name = "DiagEmbedBackward0"
    params = ("offset", "dim1", "dim2")

    def forward(self, a):
        n = a.shape[-1] + abs(self.offset) if a.ndim else 1 + abs(self.offset)
        shape = list(a.shape[:-1])
        for d in sorted((self.dim1, self.dim2)):
            shape.insert(d, n)
        out = xp_of(a).zeros(shape, a.dtype)
        _diag_view(out, self.offset, self.dim1, self.dim2)[...] = a
        return out

    def backward(self, g):
        return Diagonal.apply(g, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


@tensor_method("diag_embed")
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose (dim1, dim2) diagonal holds the last dim of ``input``."""
    d1, d2 = _diag_dims(input._data.ndim + 1, dim1, dim2)
    return DiagEmbed.apply(input, offset=offset, dim1=d1, dim2=d2)


@tensor_method("diag")
def diag(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """1-D -> square matrix with it on a diagonal; 2-D -> its diagonal (a copy)."""
    nd = input._data.ndim
    if nd == 1:
        return write_out(out, DiagEmbed.apply(input, offset=diagonal, dim1=0, dim2=1))
    if nd == 2:
        return write_out(out, DiagonalCopy.apply(input, offset=diagonal, dim1=0, dim2=1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


class Tril(Op):
    grad_fn_name = "TrilBackward0"
    params = ("k",)
    upper = False

    def forward(self, a):
        xp = xp_of(a)
        return xp.triu(a, self.k) if self.upper else xp.tril(a, self.k)

    def backward(self, g):
        return triu(g, self.k) if self.upper else tril(g, self.k)


class Triu(Tril):
    grad_fn_name = "TriuBackward0"
    upper = True


def _check_tri(input: Tensor, name: str, diagonal=0) -> None:
    need_tensor(name, input)
    need_int(name, diagonal, "diagonal", 2)
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


@tensor_method("tril")
def tril(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """Lower triangle of the last two dims (elements above ``diagonal`` zeroed)."""
    _check_tri(input, "tril", diagonal)
    return write_out(out, Tril.apply(input, k=diagonal))


@tensor_method("triu")
def triu(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """Upper triangle of the last two dims (elements below ``diagonal`` zeroed)."""
    _check_tri(input, "triu", diagonal)
    return write_out(out, Triu.apply(input, k=diagonal))


_make_inplace("tril_", tril)
_make_inplace("triu_", triu)


@tensor_method("fill_diagonal_")
def fill_diagonal_(self: Tensor, fill_value, wrap: bool = False) -> Tensor:
    """``Tensor.fill_diagonal_``: fill the main diagonal (all indices equal) in place; with
    ``wrap`` a tall matrix restarts its diagonal every ``ncols + 1`` rows, as PyTorch."""
    shape = tuple(self._data.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and any(n != shape[0] for n in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(shape)
    step = sum(self.stride())
    self.as_strided((n,), (step,), self.storage_offset()).fill_(fill_value)
    rows, cols = shape[0], shape[-1]
    if wrap and len(shape) == 2 and rows > cols + 1:
        if self.is_contiguous():
            start = (cols + 1) * cols
            count = (rows * cols - 1 - start) // (cols + 1) + 1
            self.as_strided((count,), (cols + 1,), self.storage_offset() + start).fill_(
                fill_value)
        else:
            for top in range(cols + 1, rows, cols + 1):
                self[top:].diagonal().fill_(fill_value)
    return self
