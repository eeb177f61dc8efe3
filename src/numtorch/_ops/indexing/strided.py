"""``as_strided`` and its copy/scatter forms: a tensor's storage seen with explicit sizes,
strides and storage offset (in elements), with PyTorch's bounds checks and gradients."""

from __future__ import annotations

from ..._backend import element_offset, host, is_array, xp_of
from ..._tensor import Tensor, strided_array
from .._base import Op, tensor_method, write_out
from .scatter import AsStridedScatter, _embed, index_add
from .select import take

__all__ = ["as_strided", "as_strided_copy", "as_strided_scatter", "as_strided_"]

_INT64 = host.int64


def _storage_of(arr):
    """(flat storage array, element offset of ``arr`` in it)."""
    root = arr
    while is_array(root.base):
        root = root.base
    if not root.flags.c_contiguous:
        # a dense root in another dim order (a clone keeping a transposed or channels-last
        # layout): its memory, read in address order, is the storage
        order = sorted(range(root.ndim), key=lambda k: -root.strides[k])
        dense = root.transpose(order)
        if not dense.flags.c_contiguous:  # pragma: no cover - roots are allocated dense
            return xp_of(root).ascontiguousarray(root).reshape(-1), 0
        root = dense
    off = 0
    if root is not arr and arr.size:
        off = element_offset(arr, root)
    return root.reshape(-1), off


def _strided_positions(size, stride, offset):
    """The storage position of each element of a (size, stride, offset) view (host bookkeeping)."""
    pos = host.full(tuple(size), offset, dtype=_INT64)
    for k, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[k] = n
        pos = pos + (host.arange(n, dtype=_INT64) * s).reshape(shape)
    return pos


def _check_strided(size, stride, offset, storage_size, itemsize):
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if 0 in size:
        return
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > storage_size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {itemsize} requiring a storage size of {need * itemsize} are out of "
            f"bounds for storage of size {storage_size * itemsize}")


class AsStrided(Op):
    """A view of the input's storage with the given geometry; the gradient scatters back."""

    grad_fn_name = "AsStridedBackward0"
    is_view = True
    params = ("size", "stride", "offset")

    def forward(self, a):
        storage, own_off = _storage_of(a)
        off = own_off if self.offset is None else self.offset
        _check_strided(self.size, self.stride, off, storage.size, a.itemsize)
        self.in_pos = _strided_positions(a.shape, [s // a.itemsize for s in a.strides], own_off)
        self.out_pos = _strided_positions(self.size, self.stride, off)
        self.storage_size = storage.size
        if 0 in self.size:  # an empty view still records PyTorch's strides and offset
            return strided_array(a, self.size, self.stride, off)
        return xp_of(a).lib.stride_tricks.as_strided(
            storage[off:] if storage.size > off else storage,
            shape=tuple(self.size), strides=tuple(s * a.itemsize for s in self.stride))

    def backward(self, g):
        buf = g.new_zeros(self.storage_size)
        buf = index_add(buf, 0, Tensor._from_array(self.out_pos.reshape(-1)), g.reshape(-1))
        return take(buf, Tensor._from_array(self.in_pos))


@tensor_method("as_strided")
def as_strided(input: Tensor, size, stride, storage_offset=None) -> Tensor:
    """``torch.as_strided``: a view with explicit sizes and strides (in elements)."""
    return AsStrided.apply(input, size=tuple(size), stride=tuple(stride), offset=storage_offset)


def as_strided_copy(input: Tensor, size, stride, storage_offset=None, *, out=None) -> Tensor:
    """``torch.as_strided_copy``: ``as_strided`` as a new dense tensor."""
    c = as_strided(input, size, stride, storage_offset).clone()
    return write_out(out, c if c.is_contiguous() else c.contiguous())


def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset=None) -> Tensor:
    """``torch.as_strided_scatter``: a copy of input (dense) whose strided view is ``src``."""
    off = 0 if storage_offset is None else storage_offset
    _check_strided(size, stride, off, input.numel(), input.element_size())
    pos = _strided_positions(size, stride, off)
    return _embed(input, src, lambda a: a.reshape(-1)[pos], AsStridedScatter)


_AS_STRIDED_ = type("AsStridedInplace", (AsStrided,), {"grad_fn_name": "AsStridedBackward1",
                                                        "__module__": __name__})


@tensor_method("as_strided_")
def as_strided_(input: Tensor, size, stride, storage_offset=None) -> Tensor:
    """``Tensor.as_strided_``: give ``input`` new sizes, strides and offset in place."""
    from ..shape.inplace_views import restride_inplace

    return restride_inplace(input, _AS_STRIDED_, size=tuple(size), stride=tuple(stride),
                            offset=storage_offset)


tensor_method("as_strided_scatter")(as_strided_scatter)
