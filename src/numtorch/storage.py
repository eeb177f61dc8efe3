"""``torch.storage``: ``UntypedStorage`` and ``TypedStorage``, the memory under tensors.

A storage is a 1-D uint8 array over the whole memory block a tensor's array lives in (its
root array, see ``_tensor.array_root``), so that views of one tensor share one storage: the same
``data_ptr()``, with ``Tensor.storage_offset()`` counting elements from its start.
``Tensor.untyped_storage()``, ``Tensor.storage()`` (deprecated, as in PyTorch) and
``Tensor.set_`` are installed here. The legacy classes (``FloatStorage``...) make
``TypedStorage`` objects of their dtype, as PyTorch's do. ``torch.save`` writes a storage object
as PyTorch does and ``torch.load`` gives it back as a ``TypedStorage`` (``uint8`` for an
untyped one). Known differences: ``resize_`` of a storage gives it new memory that tensors
viewing the old one do not see; a ``set_`` view that does not fit its storage raises instead of
growing it; the storage of ``from_numpy(a)`` is the memory block of ``a``'s base array.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np

from . import _dtype as D
from ._backend import to_host
from ._device import device as _device
from ._tensor import Tensor, _contiguous_strides, array_root, strided_array

__all__ = ["UntypedStorage", "TypedStorage"]

_TYPED_WARNING = (
    "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be "
    "the only storage class. This should only matter to you if you are using storages "
    "directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead of "
    "tensor.storage()")
_warned = [False]


def _warn_typed_storage_removal(stacklevel: int = 3) -> None:
    """PyTorch's deprecation warning of ``TypedStorage``, once per process."""
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(_TYPED_WARNING, UserWarning, stacklevel=stacklevel)


def _reset_warn_typed_storage_removal() -> None:
    _warned[0] = False


def _addr(a) -> int:
    return a.__array_interface__["data"][0]


def _region(arr) -> np.ndarray:
    """A writable uint8 view of the whole memory block of ``arr``'s root array."""
    root = array_root(arr)
    if root.size == 0:
        return np.empty(0, np.uint8)
    lo = hi = _addr(root)
    for n, s in zip(root.shape, root.strides, strict=True):
        if s < 0:
            lo += (n - 1) * s
        else:
            hi += (n - 1) * s
    nbytes = hi - lo + root.itemsize
    if root.ndim == 0:  # indexing would give a NumPy scalar (a copy)
        first = root.reshape(1).view(np.uint8)
    else:
        first = root[tuple(slice(None, None, -1) if s < 0 else slice(None)
                           for s in root.strides)]
        first = first[(slice(0, 1),) * first.ndim].reshape(-1).view(np.uint8)
    return np.lib.stride_tricks.as_strided(first, shape=(nbytes,), strides=(1,),
                                           writeable=root.flags.writeable)


def _index(i, n: int, typed: bool = False) -> int:
    if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
        raise TypeError(f"can't index a storage with {type(i).__name__}")
    j = i + n if i < 0 else i
    if not 0 <= j < n:
        raise IndexError(f"index {i if typed else j} out of range for storage of size {n}")
    return int(j)


class UntypedStorage:
    """``torch.UntypedStorage``: bytes. ``UntypedStorage(n)`` allocates ``n`` bytes (zeroed
    here, uninitialised in PyTorch), ``UntypedStorage(sequence)`` holds the given bytes."""

    __slots__ = ("_raw", "_device", "__weakref__")
    is_sparse = False
    is_sparse_csr = False

    def __init__(self, *args, device=None) -> None:
        if len(args) > 1:
            raise TypeError(f"UntypedStorage(): expected at most 1 argument, got {len(args)}")
        arg = args[0] if args else 0
        if isinstance(arg, (int, np.integer)):
            raw = np.zeros(int(arg), np.uint8)
        else:
            raw = np.array(list(arg), dtype=np.int64).astype(np.uint8)
        self._raw = raw
        self._device = _device("cpu" if device is None else device)

    @classmethod
    def _wrap(cls, raw, dev=None) -> UntypedStorage:
        s = object.__new__(cls)
        s._raw = raw
        s._device = dev if dev is not None else _device("cpu")
        return s

    # -- sizes and memory ----------------------------------------------------------------
    def __sizeof__(self) -> int:
        # what ``sys.getsizeof`` reports for torch's storages: 64 bytes plus the data (the
        # garbage collector header, 16 bytes, is added by getsizeof)
        return 48 + int(self._raw.nbytes)

    def nbytes(self) -> int:
        return int(self._raw.nbytes)

    def size(self) -> int:
        return int(self._raw.nbytes)

    def __len__(self) -> int:
        return int(self._raw.nbytes)

    def element_size(self) -> int:
        return 1

    def data_ptr(self) -> int:
        return _addr(self._raw) if self._raw.nbytes else 0

    @property
    def device(self):
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    @property
    def filename(self):
        return None

    def untyped(self) -> UntypedStorage:
        return self

    def type(self, dtype=None, non_blocking: bool = False) -> str:
        return "torch.storage.UntypedStorage"

    def is_shared(self) -> bool:
        return False

    def share_memory_(self) -> UntypedStorage:
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None) -> UntypedStorage:
        return self

    # -- values ---------------------------------------------------------------------------
    def __getitem__(self, idx):
        if isinstance(idx, slice):
            start, stop, step = idx.indices(self.nbytes())
            if step != 1:
                raise RuntimeError("slices with steps are not supported by storages")
            return type(self)._wrap(self._raw[start:max(start, stop)], self._device)
        return int(self._raw[_index(idx, self.nbytes())])

    def __setitem__(self, idx, value) -> None:
        if isinstance(idx, slice):
            self._raw[idx] = value
        else:
            self._raw[_index(idx, self.nbytes())] = int(value) & 0xFF

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self) -> list:
        return self._raw.tolist()

    def fill_(self, value) -> UntypedStorage:
        self._raw[...] = int(value) & 0xFF
        return self

    def copy_(self, source, non_blocking: bool = False) -> UntypedStorage:
        src = source.untyped() if isinstance(source, (UntypedStorage, TypedStorage)) else source
        if src.nbytes() != self.nbytes():
            raise RuntimeError(f"size mismatch, expected {self.nbytes()}, got {src.nbytes()}")
        self._raw[...] = src._raw
        return self

    def clone(self) -> UntypedStorage:
        return type(self)._wrap(self._raw.copy(), self._device)

    def cpu(self) -> UntypedStorage:
        return self

    def resize_(self, size: int) -> UntypedStorage:
        """New memory of ``size`` bytes keeping the old bytes (tensors viewing the old memory
        keep it)."""
        raw = np.zeros(int(size), np.uint8)
        n = min(int(size), self.nbytes())
        raw[:n] = self._raw[:n]
        self._raw = raw
        return self

    def byteswap(self, dtype) -> None:
        item = dtype.itemsize
        self._raw[...] = self._raw.reshape(-1, item)[:, ::-1].reshape(-1)

    @classmethod
    def from_buffer(cls, buffer, byte_order: str = "native", count: int = -1, offset: int = 0,
                    dtype=None) -> UntypedStorage:
        """A storage holding a copy of ``buffer``'s bytes from ``offset`` on (``count``
        elements of ``dtype``, all by default)."""
        dt = D.uint8 if dtype is None else dtype
        data = np.frombuffer(buffer, dtype=np.uint8)[offset:]
        item = dt.itemsize
        n = len(data) // item if count < 0 else count
        raw = np.array(data[:n * item], copy=True)
        if byte_order not in ("native", "little", "big"):
            raise ValueError(f"Expected byte_order to be one of 'native', 'little', or 'big', "
                             f"but got {byte_order!r}")
        if item > 1 and byte_order != "native" and byte_order != _native_order():
            raw = raw.reshape(-1, item)[:, ::-1].reshape(-1).copy()
        return cls._wrap(raw)

    def _tensor(self, dtype) -> Tensor:
        """A 1-D tensor of ``dtype`` over all of this storage's whole elements."""
        item = dtype.itemsize
        n = self.nbytes() // item
        raw = self._raw[:n * item]
        return Tensor._from_array(raw.view(dtype.np) if n else np.empty(0, dtype.np))

    # -- protocols ------------------------------------------------------------------------
    def __repr__(self) -> str:
        return _pretty(self.tolist(), f"torch.storage.UntypedStorage(device={self._device})",
                       self.nbytes())

    __str__ = __repr__

    def __reduce__(self):
        return (_untyped_from_bytes, (self._raw.tobytes(), str(self._device)))

    def __copy__(self) -> UntypedStorage:
        return self.clone()

    def __deepcopy__(self, memo) -> UntypedStorage:
        if id(self) not in memo:
            memo[id(self)] = self.clone()
        return memo[id(self)]



def _native_order() -> str:
    import sys

    return sys.byteorder


def _untyped_from_bytes(data: bytes, dev: str) -> UntypedStorage:
    return UntypedStorage._wrap(np.frombuffer(data, np.uint8).copy(), _device(dev))


def _pretty(values: list, head: str, n: int) -> str:
    return " " + "\n ".join(str(v) for v in values) + f"\n[{head} of size {n}]"


class _LegacyMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        if cls.__dict__.get("_legacy_dtype") is None:
            return type.__instancecheck__(cls, obj)
        return isinstance(obj, TypedStorage) and obj.dtype is cls._legacy_dtype


class TypedStorage(metaclass=_LegacyMeta):
    """``torch.TypedStorage`` (deprecated in PyTorch, with its warning): an untyped storage
    seen as elements of one dtype."""

    is_sparse = False
    _legacy_dtype = None

    def __new__(cls, *args, dtype=None, device=None, wrap_storage=None, _internal=False):
        if not _internal:
            _warn_typed_storage_removal()
        if cls._legacy_dtype is not None:  # FloatStorage(...): a TypedStorage of float32
            dtype = cls._legacy_dtype
            cls = TypedStorage
        self = object.__new__(cls)
        dt = D.get_default_dtype() if dtype is None else dtype
        if wrap_storage is not None:
            if args:
                raise RuntimeError("TypedStorage(): no positional arguments are allowed with "
                                   "wrap_storage")
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError("expected a storage type UntypedStorage, got "
                                f"{type(wrap_storage).__name__}")
            self._untyped_storage = wrap_storage
        elif not args:
            self._untyped_storage = UntypedStorage(0, device=device)
        elif len(args) == 1 and isinstance(args[0], (int, np.integer)):
            self._untyped_storage = UntypedStorage(int(args[0]) * dt.itemsize, device=device)
        elif len(args) == 1:
            from ._ops.creation import tensor

            data = tensor(list(args[0]), dtype=dt)
            self._untyped_storage = UntypedStorage._wrap(data._data.reshape(-1).view(np.uint8))
        else:
            raise TypeError("TypedStorage(): expected at most 1 positional argument")
        self.dtype = dt
        return self

    def __init__(self, *args, **kwargs) -> None:
        pass

    @classmethod
    def _new_wrapped(cls, untyped: UntypedStorage, dtype) -> TypedStorage:
        return TypedStorage(wrap_storage=untyped, dtype=dtype, _internal=True)

    # -- sizes and memory ----------------------------------------------------------------
    def size(self) -> int:
        return self._untyped_storage.nbytes() // self.dtype.itemsize

    def __len__(self) -> int:
        return self.size()

    def nbytes(self) -> int:
        return self._untyped_storage.nbytes()

    def element_size(self) -> int:
        return self.dtype.itemsize

    def data_ptr(self) -> int:
        return self._untyped_storage.data_ptr()

    @property
    def device(self):
        return self._untyped_storage.device

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    def untyped(self) -> UntypedStorage:
        return self._untyped_storage

    def _size(self) -> int:
        return self.size()

    def type(self, dtype=None, non_blocking: bool = False) -> str:
        return "torch." + self.dtype.storage_name

    def pickle_storage_type(self) -> str:
        return self.dtype.storage_name

    def is_shared(self) -> bool:
        return False

    def share_memory_(self) -> TypedStorage:
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None) -> TypedStorage:
        return self

    # -- values ---------------------------------------------------------------------------
    def _values(self) -> Tensor:
        return self._untyped_storage._tensor(self.dtype)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return self._values()[_index(idx, self.size(), True)].item()

    def __setitem__(self, idx, value) -> None:
        values = self._values()
        if isinstance(idx, slice):
            values[idx] = value
        else:
            values[_index(idx, self.size(), True)] = value

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self) -> list:
        return self._values().tolist()

    def fill_(self, value) -> TypedStorage:
        self._values().fill_(value)
        return self

    def copy_(self, source, non_blocking: bool = False) -> TypedStorage:
        if isinstance(source, TypedStorage):
            self._values().copy_(source._values())
        else:
            self._untyped_storage.copy_(source)
        return self

    def clone(self) -> TypedStorage:
        return TypedStorage._new_wrapped(self._untyped_storage.clone(), self.dtype)

    def cpu(self) -> TypedStorage:
        return self

    def resize_(self, size: int) -> TypedStorage:
        self._untyped_storage.resize_(int(size) * self.dtype.itemsize)
        return self

    def _to(self, dtype) -> TypedStorage:
        if dtype is self.dtype:
            return self
        values = self._values().to(dtype)
        raw = values._data.reshape(-1).view(np.uint8)
        return TypedStorage._new_wrapped(UntypedStorage._wrap(raw, self.device), dtype)

    def double(self) -> TypedStorage:
        return self._to(D.float64)

    def float(self) -> TypedStorage:
        return self._to(D.float32)

    def half(self) -> TypedStorage:
        return self._to(D.float16)

    def bfloat16(self) -> TypedStorage:
        return self._to(D.bfloat16)

    def long(self) -> TypedStorage:
        return self._to(D.int64)

    def int(self) -> TypedStorage:
        return self._to(D.int32)

    def short(self) -> TypedStorage:
        return self._to(D.int16)

    def char(self) -> TypedStorage:
        return self._to(D.int8)

    def byte(self) -> TypedStorage:
        return self._to(D.uint8)

    def bool(self) -> TypedStorage:
        return self._to(D.bool_)

    def complex_float(self) -> TypedStorage:
        return self._to(D.complex64)

    def complex_double(self) -> TypedStorage:
        return self._to(D.complex128)

    # -- protocols ------------------------------------------------------------------------
    def __repr__(self) -> str:
        head = f"torch.storage.TypedStorage(dtype={self.dtype}, device={self.device})"
        return _pretty(self.tolist(), head, self.size())

    __str__ = __repr__

    def __reduce__(self):
        return (_typed_from_bytes, (self._untyped_storage._raw.tobytes(), self.dtype.name))

    def __copy__(self) -> TypedStorage:
        return self.clone()

    def __deepcopy__(self, memo) -> TypedStorage:
        if id(self) not in memo:
            memo[id(self)] = self.clone()
        return memo[id(self)]


def _typed_from_bytes(data: bytes, dtype_name: str) -> TypedStorage:
    raw = UntypedStorage._wrap(np.frombuffer(data, np.uint8).copy())
    return TypedStorage._new_wrapped(raw, getattr(D, dtype_name, None) or D.float32)


def _legacy_classes() -> dict:
    out = {}
    for dt in D.ALL:
        name = dt.storage_name
        if name in out or not hasattr(dt, "np") or dt.name.startswith("float8"):
            continue
        cls = _LegacyMeta(name, (TypedStorage,), {"_legacy_dtype": dt, "__module__": "numtorch"})
        out[name] = cls
    return out


_LEGACY = _legacy_classes()
globals().update(_LEGACY)


# -- Tensor methods -------------------------------------------------------------------------------
def untyped_storage(self) -> UntypedStorage:
    """The ``UntypedStorage`` of this tensor's memory block (shared by all its views)."""
    arr = self._data
    if not isinstance(arr, np.ndarray):  # a device array: its bytes, copied to the host
        return UntypedStorage._wrap(np.ascontiguousarray(to_host(arr)).reshape(-1)
                                    .view(np.uint8), self.device)
    region = _region(arr)
    key = (region.__array_interface__["data"][0], region.nbytes)
    found = _LIVE.get(key)
    if found is None:  # one storage object per memory block while it is held, as torch's
        found = _LIVE[key] = UntypedStorage._wrap(region, self.device)
    return found


#: (address, size) -> the live UntypedStorage over that memory (a held storage keeps its
#: memory alive, so the address cannot be reused while the entry exists)
_LIVE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def storage(self) -> TypedStorage:
    """``Tensor.storage()``: a ``TypedStorage`` of this tensor's dtype (deprecated, with
    PyTorch's warning)."""
    _warn_typed_storage_removal()
    return TypedStorage._new_wrapped(untyped_storage(self), self.dtype)


def _typed_storage(self) -> TypedStorage:
    return TypedStorage._new_wrapped(untyped_storage(self), self.dtype)


def set_(self, source=None, storage_offset: int = 0, size=None, stride=None) -> Tensor:
    """``Tensor.set_``: view ``source`` (a storage, or a tensor's memory and geometry), or
    nothing; the tensor then shares that memory."""
    self._check_inplace()
    if source is None:
        arr = np.empty(0, self.dtype.np)
    elif isinstance(source, Tensor):
        if source.dtype is not self.dtype:
            raise RuntimeError(f"Could not set tensor of type {source.dtype.cpp_name} to a "
                               f"tensor of type {self.dtype.cpp_name}")
        if size is None:
            arr = source._data
        else:  # a view of source's storage (offset counted from the storage's start)
            arr = _view(untyped_storage(source), self.dtype, int(storage_offset), size, stride)
    else:
        if isinstance(source, TypedStorage):
            if source.dtype is not self.dtype:
                raise RuntimeError(f"Expected a Storage of type {self.dtype.cpp_name} or an "
                                   f"UntypedStorage, but got type {source.dtype.c_name} for "
                                   "argument 1 'storage'")
            source = source._untyped_storage
        if not isinstance(source, UntypedStorage):
            raise TypeError(f"set_(): argument 'source' must be Storage, not "
                            f"{type(source).__name__}")
        arr = _view(source, self.dtype, int(storage_offset), size, stride)
    self._data = arr
    self._bump_version()
    return self


def _view(storage: UntypedStorage, dtype, offset: int, size, stride):
    item = dtype.itemsize
    if size is None:
        size = (max(storage.nbytes() // item - offset, 0),)
    size = tuple(int(s) for s in size)
    stride = _contiguous_strides(size) if stride is None else tuple(int(s) for s in stride)
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride,
                                                                            strict=True))
    if need * item > storage.nbytes() or offset < 0:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {item} requiring a storage size of "
                           f"{need * item} are out of bounds for storage of size "
                           f"{storage.nbytes()}")
    raw = storage._raw
    whole = raw[:(raw.nbytes // item) * item].view(dtype.np)
    if whole.size == 0:
        return np.empty(size, dtype.np)
    return strided_array(whole, size, stride, offset)


for _fn in (untyped_storage, storage, _typed_storage, set_):
    _fn.__qualname__ = f"Tensor.{_fn.__name__}"
    setattr(Tensor, _fn.__name__, _fn)
del _fn


def is_storage(obj) -> bool:
    """``torch.is_storage``: whether ``obj`` is a storage object."""
    return isinstance(obj, (UntypedStorage, TypedStorage))
