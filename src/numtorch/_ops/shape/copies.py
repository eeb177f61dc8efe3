"""``*_copy`` variants of the view ops: the same values as the view, in a new dense tensor."""

from __future__ import annotations

from ..._tensor import Tensor
from .._base import tensor_method, wrap_dim, write_out
from .splits import split, split_with_sizes

__all__ = ["alias_copy", "view_copy", "permute_copy", "t_copy", "transpose_copy",
           "squeeze_copy", "unsqueeze_copy", "unbind_copy", "unfold_copy", "diagonal_copy",
           "expand_copy", "narrow_copy", "split_with_sizes_copy", "split_copy", "detach_copy",
           "select_copy", "slice_copy", "view_as_real_copy", "view_as_complex_copy"]


def _copy(t: Tensor) -> Tensor:
    """A fresh dense copy (what ``*_copy`` ops return)."""
    c = t.clone()
    return c if c.is_contiguous() else c.contiguous()


def alias_copy(input: Tensor, *, out=None) -> Tensor:
    """``torch.alias_copy``: a copy of the input."""
    return write_out(out, _copy(input))


def view_copy(input: Tensor, size, *, out=None) -> Tensor:
    """``torch.view_copy``: ``input.view(size)`` as a new tensor."""
    return write_out(out, _copy(input.view(size)))


def permute_copy(input: Tensor, dims, *, out=None) -> Tensor:
    return write_out(out, _copy(input.permute(*dims)))


def t_copy(input: Tensor, *, out=None) -> Tensor:
    return write_out(out, _copy(input.t()))


def transpose_copy(input: Tensor, dim0: int, dim1: int, *, out=None) -> Tensor:
    if input.dim() == 0:
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)
        return write_out(out, input.clone())
    return write_out(out, _copy(input.transpose(dim0, dim1)))


def squeeze_copy(input: Tensor, dim=None, *, out=None) -> Tensor:
    res = input.squeeze() if dim is None else input.squeeze(dim)
    return write_out(out, _copy(res))


def unsqueeze_copy(input: Tensor, dim: int, *, out=None) -> Tensor:
    return write_out(out, _copy(input.unsqueeze(dim)))


def unbind_copy(input: Tensor, dim: int = 0) -> tuple:
    return tuple(_copy(t) for t in input.unbind(dim))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int, *, out=None) -> Tensor:
    return write_out(out, _copy(input.unfold(dimension, size, step)))


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1, *,
                  out=None) -> Tensor:
    return write_out(out, _copy(input.diagonal(offset, dim1, dim2)))


def expand_copy(input: Tensor, size, *, implicit: bool = False, out=None) -> Tensor:
    return write_out(out, _copy(input.expand(*size)))


def narrow_copy(input: Tensor, dim: int, start: int, length: int, *, out=None) -> Tensor:
    return write_out(out, _copy(input.narrow(dim, start, length)))


def split_with_sizes_copy(input: Tensor, split_sizes, dim: int = 0, *, out=None) -> tuple:
    return tuple(_copy(t) for t in split_with_sizes(input, split_sizes, dim))


def split_copy(input: Tensor, split_size, dim: int = 0, *, out=None) -> tuple:
    return tuple(_copy(t) for t in split(input, split_size, dim))


tensor_method("narrow_copy")(narrow_copy)


def detach_copy(input: Tensor, *, out=None) -> Tensor:
    """``torch.detach_copy``: a detached copy."""
    return write_out(out, _copy(input.detach()))


def select_copy(input: Tensor, dim: int, index: int, *, out=None) -> Tensor:
    """``torch.select_copy``: ``input.select(dim, index)`` as a new tensor."""
    return write_out(out, _copy(input.select(dim, index)))


def slice_copy(input: Tensor, dim: int = 0, start=None, end=None, step: int = 1, *,
               out=None) -> Tensor:
    """``torch.slice_copy``: ``input[start:end:step]`` along ``dim`` as a new tensor."""
    d = wrap_dim(dim, input.dim())
    index = (slice(None),) * d + (slice(start, end, step),)
    return write_out(out, _copy(input[index]))


def view_as_real_copy(input: Tensor, *, out=None) -> Tensor:
    """``torch.view_as_real_copy``: ``view_as_real`` as a new tensor."""
    from .views import view_as_real

    return write_out(out, _copy(view_as_real(input)))


def view_as_complex_copy(input: Tensor, *, out=None) -> Tensor:
    """``torch.view_as_complex_copy``: ``view_as_complex`` as a new tensor."""
    from .views import view_as_complex

    return write_out(out, _copy(view_as_complex(input)))
