"""Splitting into views: ``split``/``split_with_sizes``, ``chunk``, ``tensor_split``, their
``unsafe_*`` aliases and ``hsplit``/``vsplit``/``dsplit``."""

from __future__ import annotations

import builtins

from ..._tensor import Tensor
from .._args import arg_error
from .._base import Op, tensor_method, wrap_dim
from .._geometry import slice_view
from ._kinds import combination, is_int, is_int_list, need_int
from .views import Slice

_SPLIT = ("(Tensor input, int split_size, int dim = 0)",
          "(Tensor input, tuple of ints split_size, int dim = 0)")

__all__ = ["split", "chunk", "tensor_split", "split_with_sizes", "unsafe_split_with_sizes",
           "unsafe_split", "unsafe_chunk",
           "hsplit", "vsplit", "dsplit"]


class SplitWithSizes(Op):
    grad_fn_name = "SplitWithSizesBackward0"
    params = ("sizes", "dim")
    is_view = True

    def forward(self, a):
        out = []
        start = 0
        for s in self.sizes:
            sl = slice(start, start + s)
            out.append(slice_view(a, a[(slice(None),) * self.dim + (sl,)], self.dim, sl))
            start += s
        return tuple(out)

    def backward(self, *grads):
        from ..join import cat

        return cat(list(grads), self.dim)


class Split(SplitWithSizes):
    grad_fn_name = "SplitBackward0"


@tensor_method("split")
def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into chunks of a size (last may be smaller) or of the given sizes; views."""
    if not is_int(split_size_or_sections):
        fname = "split_with_sizes"
        if not is_int_list(split_size_or_sections):
            raise arg_error(fname, "split_sizes", split_size_or_sections, "tuple of ints", 2)
    else:
        fname = "split"
    if not is_int(dim):
        if fname == "split":
            raise combination("split", (tensor, split_size_or_sections, dim), _SPLIT)
        raise arg_error(fname, "dim", dim, "int", 3)
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if fname == "split" and split_size_or_sections < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size="
                           f"{split_size_or_sections}")
    d = wrap_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [s] * (n // s) + ([n % s] if n % s else []) if s and n else [0]
        return Split.apply(tensor, sizes=tuple(sizes), dim=d)
    sizes = tuple(int(s) for s in split_size_or_sections)
    if builtins.sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {d}), but got split_sizes="
                           f"[{', '.join(map(str, sizes))}]")
    return SplitWithSizes.apply(tensor, sizes=sizes, dim=d)


@tensor_method("split_with_sizes")
def _split_with_sizes(self, split_sizes, dim: int = 0):
    return split(self, list(split_sizes), dim)


@tensor_method("chunk")
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    need_int("chunk", chunks, "chunks", 2)
    need_int("chunk", dim, "dim", 3)
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if n == 0:
        return SplitWithSizes.apply(input, sizes=(0,) * chunks, dim=d)
    return split(input, -(-n // chunks), d)


@tensor_method("tensor_split")
def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    if isinstance(indices_or_sections, Tensor):
        # PyTorch: a 0-d tensor is a number of sections, a 1-D tensor a list of indices
        if indices_or_sections.dim() == 0:
            indices_or_sections = int(indices_or_sections.item())
        else:
            indices_or_sections = indices_or_sections.tolist()
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
    else:
        idx = [builtins.min(builtins.max(int(i) + (n if int(i) < 0 else 0), 0), n)
               for i in indices_or_sections]
        bounds = [0] + idx + [n]
        sizes = [builtins.max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]
    # PyTorch returns one narrow (SliceBackward0) per piece
    out = []
    start = 0
    for size in sizes:
        out.append(Slice.apply(input, index=(slice(None),) * d + (slice(start, start + size),)))
        start += size
    return tuple(out)


def split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    """``torch.split_with_sizes``: views of the given sizes along ``dim``."""
    total = builtins.sum(split_sizes)
    d = wrap_dim(dim, input.dim())
    if total != input.shape[d]:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {input.shape[d]} (input "
            f"tensor's size at dimension {dim}), but got split_sizes={list(split_sizes)}")
    return split(input, list(split_sizes), dim)


@tensor_method("unsafe_split")
def unsafe_split(input: Tensor, split_size, dim: int = 0) -> tuple:
    """``torch.unsafe_split``: ``split`` (the views are not tracked for in-place safety)."""
    return tuple(split(input, split_size, dim))


@tensor_method("unsafe_chunk")
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """``torch.unsafe_chunk``: ``chunk``."""
    return tuple(chunk(input, chunks, dim))


def _named_split(name: str, min_dim: int, dim: int):
    def fn(input: Tensor, indices_or_sections) -> tuple:
        if input.dim() < min_dim:
            raise RuntimeError(
                f"torch.{name} requires a tensor with at least {min_dim} dimension"
                f"{'s' if min_dim > 1 else ''}, but got a tensor with {input.dim()} dimensions!")
        d = dim if input.dim() > 1 or name != "hsplit" else 0
        if isinstance(indices_or_sections, int):
            size = input.shape[d]
            if indices_or_sections == 0 or size % indices_or_sections:
                raise RuntimeError(
                    f"torch.{name} attempted to split along dimension {d}, but the size of the "
                    f"dimension {size} is not divisible by the split_size "
                    f"{indices_or_sections}!")
        else:
            indices_or_sections = list(indices_or_sections)
        return tuple(tensor_split(input, indices_or_sections, d))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}``: ``tensor_split`` along dim {dim}."
    return fn


hsplit = tensor_method("hsplit")(_named_split("hsplit", 1, 1))
vsplit = tensor_method("vsplit")(_named_split("vsplit", 2, 0))
dsplit = tensor_method("dsplit")(_named_split("dsplit", 3, 2))


@tensor_method("unsafe_split_with_sizes")
def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    """``torch.unsafe_split_with_sizes``: ``split_with_sizes`` (views not tracked for in-place
    safety)."""
    return split_with_sizes(input, split_sizes, dim)
