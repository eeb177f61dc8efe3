"""PyTorch's legacy tensor types: ``torch.FloatTensor``, ``LongTensor``, ``ByteTensor``, ...

Each is a class whose instances are never made: calling it builds an ordinary Tensor of its
dtype on the CPU (``FloatTensor(2, 3)`` uninitialised, ``FloatTensor([1, 2])`` from data,
``FloatTensor(t)`` an alias of a float tensor ``t``), and ``isinstance(t, FloatTensor)`` tells
whether ``t`` is a float32 CPU tensor, as in torch.
"""

from __future__ import annotations

from . import _dtype as D
from ._ops.creation import empty, tensor
from ._tensor import Size, Tensor

__all__ = ["BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor",
           "FloatTensor", "HalfTensor", "IntTensor", "LongTensor", "ShortTensor"]


def _options(dt) -> str:
    return (f"TensorOptions(dtype={dt.cpp_name}, device=cpu, layout=Strided, requires_grad=false "
            "(default), pinned_memory=false (default), memory_format=(nullopt))")


def _kind(value) -> str:
    """A value's type as torch's argument errors print it (``torch.dtype``, ``list``)."""
    if isinstance(value, D.dtype):
        return "torch.dtype"
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


class tensortype(type):  # noqa: N801 - torch's name
    """The metaclass of the legacy tensor types (``type(torch.FloatTensor)``)."""

    dtype: D.dtype
    is_cuda = False
    is_sparse = False

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __subclasscheck__(cls, sub) -> bool:
        return type.__subclasscheck__(cls, sub)

    def __call__(cls, *args, device=None, **kwargs):
        if kwargs:
            got = ", ".join([_kind(a) for a in args]
                            + [f"{k}={_kind(v)}" for k, v in kwargs.items()])
            raise TypeError(f"new() received an invalid combination of arguments - got ({got}), "
                            "but expected one of:\n * (*, torch.device device = None)\n"
                            " * (torch.Storage storage)\n * (Tensor other)\n"
                            " * (tuple of ints size, *, torch.device device = None)\n"
                            " * (object data, *, torch.device device = None)\n")
        if device is not None and str(device) != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{device} was passed")
        if not args:
            return empty(0, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], Tensor):
            other = args[0]
            if other.dtype is not cls.dtype:
                raise TypeError(f"expected {_options(cls.dtype)} (got "
                                f"{_options(other.dtype)})")
            return other.detach()
        if all(type(a) is int for a in args):
            return empty(*args, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], Size):
            return empty(*args[0], dtype=cls.dtype)
        if len(args) > 1:
            pos, bad = next((i, a) for i, a in enumerate(args) if type(a) is not int)
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {pos + 1} "
                            f"with error \"type must be tuple of ints,but got "
                            f"{type(bad).__name__}\"")
        if isinstance(args[0], str):
            raise TypeError("new(): invalid data type 'str'")
        return tensor(args[0], dtype=cls.dtype)

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def tensor_type_of(dt) -> tensortype:
    """The legacy type of a dtype (``FloatTensor`` for float32)."""
    return _BY_DTYPE[dt]


def _make(dt) -> tensortype:
    return tensortype(dt.legacy_name, (), {"dtype": dt, "__module__": "torch",
                                          "__doc__": f"``torch.{dt.legacy_name}``: "
                                                     f"{dt} tensors on the CPU."})


FloatTensor = _make(D.float32)
DoubleTensor = _make(D.float64)
HalfTensor = _make(D.float16)
BFloat16Tensor = _make(D.bfloat16)
ByteTensor = _make(D.uint8)
CharTensor = _make(D.int8)
ShortTensor = _make(D.int16)
IntTensor = _make(D.int32)
LongTensor = _make(D.int64)
BoolTensor = _make(D.bool_)

_BY_DTYPE = {t.dtype: t for t in (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor,
                                  ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor,
                                  BoolTensor)}
