"""Storage views of a tensor's memory: ``Tensor.untyped_storage()`` (bytes) and the deprecated
``Tensor.storage()`` (elements of the tensor's dtype), enough of PyTorch's storage API for code
that inspects memory (``data_ptr``, ``nbytes``, ``size``, item access, ``tolist``).

A storage is the whole memory block the tensor lives in (its root array), read in address
order, so views of one tensor report the same ``data_ptr`` and size. Writes through a storage
change the tensors sharing it. ``UntypedStorage(n)`` allocates ``n`` zero bytes.
"""

from __future__ import annotations

import warnings
import weakref

from .._backend import data_ptr, host, xp_of
from .._dtype import _BY_NP
from .._tensor import Tensor
from ._base import tensor_method
from .indexing.strided import _storage_of

__all__ = ["UntypedStorage", "TypedStorage"]

_TYPED_WARNED = [False]


class UntypedStorage:
    """A block of bytes (``torch.UntypedStorage``)."""

    __slots__ = ("_bytes", "__weakref__")

    def __init__(self, size=0, *, device=None) -> None:
        if isinstance(size, int):
            self._bytes = host.zeros(size, dtype=host.uint8)
        else:
            self._bytes = host.asarray(list(size), dtype=host.uint8)

    @classmethod
    def _over(cls, flat) -> UntypedStorage:
        self = cls.__new__(cls)
        self._bytes = flat.view(xp_of(flat).uint8) if flat.size else flat.view("uint8")
        return self

    @property
    def device(self):
        from .._device import as_device

        return as_device("cpu")

    @property
    def is_cuda(self) -> bool:
        return False

    def data_ptr(self) -> int:
        return data_ptr(self._bytes)

    def nbytes(self) -> int:
        return int(self._bytes.size)

    def size(self) -> int:
        return int(self._bytes.size)

    def __len__(self) -> int:
        return int(self._bytes.size)

    def element_size(self) -> int:
        return 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return UntypedStorage._over(self._bytes[index])
        return int(self._bytes[index])

    def __setitem__(self, index, value) -> None:
        self._bytes[index] = value

    def tolist(self) -> list:
        return self._bytes.tolist()

    def is_shared(self) -> bool:
        return False

    def is_pinned(self, device="cuda") -> bool:
        return False

    def cpu(self) -> UntypedStorage:
        return self

    def type(self) -> str:
        return "torch.storage.UntypedStorage"

    def __repr__(self) -> str:
        body = "".join(f" {v}\n" for v in self.tolist())
        return f"{body}[torch.storage.UntypedStorage(device=cpu) of size {len(self)}]"


class TypedStorage:
    """The elements of a storage in one dtype (``torch.TypedStorage``, deprecated in PyTorch)."""

    __slots__ = ("_flat", "__weakref__")

    def __init__(self, *args, **kwargs) -> None:
        raise RuntimeError("numtorch builds TypedStorage only from Tensor.storage()")

    @classmethod
    def _over(cls, flat) -> TypedStorage:
        self = cls.__new__(cls)
        self._flat = flat
        return self

    @property
    def dtype(self):
        return _BY_NP[self._flat.dtype]

    @property
    def device(self):
        return self.untyped().device

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def _untyped_storage(self) -> UntypedStorage:
        return self.untyped()

    def untyped(self) -> UntypedStorage:
        return UntypedStorage._over(self._flat)

    def data_ptr(self) -> int:
        return data_ptr(self._flat)

    def nbytes(self) -> int:
        return int(self._flat.nbytes)

    def size(self) -> int:
        return int(self._flat.size)

    def __len__(self) -> int:
        return int(self._flat.size)

    def element_size(self) -> int:
        return int(self._flat.itemsize)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return TypedStorage._over(self._flat[index])
        return self._flat[index].item()

    def __setitem__(self, index, value) -> None:
        self._flat[index] = value

    def tolist(self) -> list:
        return self._flat.tolist()

    def is_shared(self) -> bool:
        return False

    def cpu(self) -> TypedStorage:
        return self

    def type(self) -> str:
        return f"torch.{self.dtype.storage_name}"

    def __repr__(self) -> str:
        body = "".join(f" {v}\n" for v in self.tolist())
        return (f"{body}[torch.storage.TypedStorage(dtype={self.dtype}, device=cpu) of size "
                f"{len(self)}]")


def _flat_storage(t: Tensor):
    flat, _ = _storage_of(t._data)
    return flat


#: the live storage objects by (address, size): a storage asked for twice is the same object
_LIVE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


@tensor_method("untyped_storage")
def untyped_storage(self: Tensor) -> UntypedStorage:
    """``Tensor.untyped_storage``: the bytes of the memory block ``self`` lives in (the same
    object for every tensor of that block while it is alive)."""
    flat = _flat_storage(self)
    key = (data_ptr(flat), int(flat.nbytes))
    store = _LIVE.get(key)
    if store is None:
        store = _LIVE[key] = UntypedStorage._over(flat)
    return store


@tensor_method("storage")
def storage(self: Tensor) -> TypedStorage:
    """``Tensor.storage``: the memory block as elements of ``self``'s dtype (PyTorch's one-time
    deprecation warning)."""
    if not _TYPED_WARNED[0]:
        _TYPED_WARNED[0] = True
        warnings.warn("TypedStorage is deprecated. It will be removed in the future and "
                      "UntypedStorage will be the only storage class. This should only matter "
                      "to you if you are using storages directly.  To access UntypedStorage "
                      "directly, use tensor.untyped_storage() instead of tensor.storage()",
                      UserWarning, stacklevel=2)
    return TypedStorage._over(_flat_storage(self))
