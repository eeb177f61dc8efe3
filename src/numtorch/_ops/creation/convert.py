"""Copies and fills: ``Tensor.to`` and the dtype shorthands, ``clone``/``contiguous``,
``copy_``, ``fill_``/``zero_`` and the out-of-place ``torch.fill``."""

from __future__ import annotations

from ... import _dtype as D
from ..._backend import host, xp_for, xp_of
from ..._device import as_device
from ..._tensor import Tensor
from .._base import Op, tensor_method
from .._inplace import OVERLAP_OK
from .factories import _coerce_dtype, astype, checked_scalar, dense_layout, tensor, zeros_like

__all__ = ["clone", "fill", "zero_"]


class ToCopy(Op):
    grad_fn_name = "ToCopyBackward0"
    params = ("dtype",)

    def forward(self, a):
        return astype(a, self.dtype)

    def backward(self, g):
        return g


_dense = dense_layout



class Clone(Op):
    grad_fn_name = "CloneBackward0"
    params = ("contiguous",)

    def forward(self, a):
        keep = not self.contiguous and _dense(a)
        return xp_of(a).array(a, copy=True, order="K" if keep else "C")

    def backward(self, g):
        return g


@tensor_method("clone")
def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy with its own storage, in the graph (CloneBackward0)."""
    return Clone.apply(input, contiguous=False)


@tensor_method("contiguous")
def _contiguous(self: Tensor, memory_format=None) -> Tensor:
    if self._data.flags.c_contiguous:
        return self
    return Clone.apply(self, contiguous=True)


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in args:
        if isinstance(a, D.dtype):
            dt = a
        elif isinstance(a, Tensor):
            dt, dev = a.dtype, a.device
        elif isinstance(a, bool):
            pass
        elif a is not None:
            dev = a
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got "
                        f"unexpected keyword {next(iter(kwargs))}")
    return (as_device(dev) if dev is not None else None), dt, copy


@tensor_method("to")
def _to(self: Tensor, *args, **kwargs) -> Tensor:
    """Convert dtype and/or device; returns ``self`` when nothing changes (as PyTorch)."""
    dev, dt, copy = _parse_to(args, kwargs)
    if dt is not None and not isinstance(dt, D.dtype):
        dt = _coerce_dtype(dt)
    out = self
    if dev is not None and dev.type != self.device.type:
        xp_for(dev)
    if dt is not None and dt.np != self._data.dtype:
        out = ToCopy.apply(self, dtype=D.to_numpy_dtype(dt))
    elif copy:
        out = Clone.apply(self, contiguous=False)
    return out


def _dtype_method(name, dt):
    def method(self, memory_format=None):
        return _to(self, dt)
    method.__name__ = name
    tensor_method(name)(method)


for _n, _d in (("float", D.float32), ("double", D.float64), ("half", D.float16),
               ("bfloat16", D.bfloat16), ("long", D.int64), ("int", D.int32),
               ("short", D.int16), ("char", D.int8), ("byte", D.uint8), ("bool", D.bool_),
               ("cfloat", D.complex64), ("cdouble", D.complex128)):
    _dtype_method(_n, _d)


@tensor_method("type_as")
def _type_as(self, other: Tensor) -> Tensor:
    return _to(self, other.dtype)


@tensor_method("copy_")
def _copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self``; differentiable with respect to src."""
    from ..pointwise import _inplace

    if not isinstance(src, Tensor):
        src = tensor(src)
    elif src is self:
        return self  # PyTorch copies nothing (an expanded tensor onto itself too)

    def take(old, s):
        return _CopyFrom.apply(old, s, dtype=self._data.dtype, shape=self._data.shape)
    return _inplace(self, take, src)


class _CopyFrom(Op):
    grad_fn_name = "CopyBackwards"
    params = ("dtype", "shape")

    def forward(self, dst, src):
        xp = xp_of(dst)
        return xp.broadcast_to(src.astype(self.dtype, copy=False), self.shape).copy()

    def backward(self, g):
        return g * 0, g


@tensor_method("fill_")
def _fill_(self: Tensor, value) -> Tensor:
    """Fill with a scalar (FillBackward2) or a 0-d tensor (FillBackward3)."""
    from ..pointwise import _inplace

    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return _inplace(self, _fill_tensor, value)

    if not isinstance(value, Tensor):
        value = checked_scalar(value.item() if isinstance(value, host.generic) else value,
                               self._data.dtype)

    return _inplace(self, _fill_scalar, value)


def _fill_scalar(old, value):
    return _Fill.apply(old, value=value)


def _fill_tensor(old, v):
    return _FillTensor.apply(old, v)


OVERLAP_OK.add(_fill_scalar)  # PyTorch fills an expanded tensor with a scalar (not a tensor)


class _Fill(Op):
    grad_fn_name = "FillBackward2"
    params = ("value",)

    def forward(self, a, v=None):
        out = xp_of(a).empty_like(a)
        out[...] = self.value if v is None else v
        return out

    def backward(self, g):
        return g * 0


class _FillTensor(_Fill):
    grad_fn_name = "FillBackward3"

    def forward(self, a, v):
        return super().forward(a, v)

    def backward(self, g):
        return g * 0, (g.sum() if self.needs_input_grad[1] else None)


@tensor_method("zero_")
def _zero_(self: Tensor) -> Tensor:
    from ..pointwise import _inplace

    return _inplace(self, _zero)


def _zero(old):
    return _Zero.apply(old)


OVERLAP_OK.add(_zero)  # PyTorch zeroes an expanded tensor


class _Zero(Op):
    grad_fn_name = "ZeroBackward0"
    params = ()

    def forward(self, a):
        return xp_of(a).zeros_like(a)

    def backward(self, g):
        return g * 0


def zero_(input: Tensor) -> Tensor:
    """``torch.zero_``: fill with zeros in place."""
    return _zero_(input)


class Fill(Op):
    """``torch.fill``: a tensor of ``value`` with input's shape; no gradient to input."""

    grad_fn_name = "FillBackward0"
    params = ()

    def forward(self, a, v):
        xp = xp_of(a)
        return xp.full(a.shape, v, dtype=a.dtype)

    def backward(self, g):
        gv = g.sum() if self.needs_input_grad[1] else None
        return zeros_like(g), gv


def fill(input: Tensor, value) -> Tensor:
    """``torch.fill``: a new tensor like ``input`` filled with ``value``."""
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.dim()} dimensions.")
    return Fill.apply(input, value)
