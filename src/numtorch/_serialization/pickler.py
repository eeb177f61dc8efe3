"""Writing ``data.pkl`` as ``torch.save`` does, without importing torch.

The stock pickler refuses to write a global it cannot import (``torch._utils._rebuild_tensor_v2``),
so this subclass of Python's pickler writes torch's globals itself and reduces numtorch's tensors,
parameters, dtypes, devices and sizes to exactly the calls torch's objects reduce to. Everything
else is pickled normally, so the opcodes and memo indices match CPython's pickler, which is what
``torch.save`` uses: the output is byte-identical to torch's.
"""

from __future__ import annotations

import pickle
import types
from collections import OrderedDict

import numpy as np

from .. import _dtype as D
from .._device import device
from .._tensor import Size, Tensor
from ..autograd.graph import HookDict
from . import tables

_STORAGE = "storage"
_CPU = "cpu"
_ATOMIC = frozenset((int, float, str, bool, type(None), bytes, tuple, list, dict))


class TorchGlobal:
    """A global of torch's (``torch._utils _rebuild_tensor_v2``) to be written by name."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __call__(self, *args):  # pickle requires reduce functions to be callable
        raise TypeError(f"{self.module}.{self.name} is a placeholder for pickling")

    def __repr__(self) -> str:
        return f"<torch global {self.module}.{self.name}>"


class StorageRef:
    """A storage to save: the bytes of one memory region shared by one or more tensors."""

    __slots__ = ("region", "dtype", "location", "key", "keep")

    def __init__(self, region: np.ndarray, dtype: D.dtype, location: str, keep=None) -> None:
        self.region = region          # 1-D uint8 view of the whole storage
        self.dtype = dtype
        self.location = location
        self.key: str | None = None
        self.keep = keep              # keeps a temporary copy alive while pickling


def _addr(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def _root(a: np.ndarray) -> np.ndarray:
    """The array that owns (or first views) ``a``'s memory, through ``as_strided`` too."""
    while True:
        b = a.base
        if isinstance(b, np.ndarray):
            a = b
            continue
        inner = getattr(b, "base", None)
        if b is not None and isinstance(inner, np.ndarray):
            a = inner
            continue
        return a


def _extent(a: np.ndarray) -> tuple[int, int]:
    """Lowest address and byte length of the memory ``a`` spans."""
    lo = hi = _addr(a)
    if a.size == 0:
        return lo, 0
    for n, s in zip(a.shape, a.strides):
        if s < 0:
            lo += (n - 1) * s
        else:
            hi += (n - 1) * s
    return lo, hi - lo + a.itemsize


def _byte_view(a: np.ndarray, nbytes: int) -> np.ndarray:
    """A read-only uint8 view of ``nbytes`` bytes starting at ``a``'s lowest address."""
    if nbytes == 0:
        return np.empty(0, np.uint8)
    if a.ndim:
        a = a[tuple(slice(None, None, -1) if s < 0 else slice(None) for s in a.strides)]
        a = a[(slice(0, 1),) * a.ndim]
    first = a.reshape(-1).view(np.uint8)
    return np.lib.stride_tricks.as_strided(first, shape=(nbytes,), strides=(1,),
                                           writeable=False)


class StorageTable:
    """Storages in order of first appearance, one per memory region (as torch keys them)."""

    def __init__(self) -> None:
        self._by_root: dict[int, StorageRef] = {}
        self.saved: list[StorageRef] = []

    def locate(self, arr, dtype: D.dtype, location: str) -> tuple[StorageRef, int, tuple]:
        """The storage holding ``arr``, its element offset there and its element strides."""
        if type(arr) is not np.ndarray and not isinstance(arr, np.ndarray):
            from .._backend import to_host

            arr = np.array(to_host(arr), copy=True)
        item = arr.itemsize
        root = _root(arr)
        ref = self._by_root.get(id(root))
        if ref is None:
            lo, nbytes = _extent(root)
            ref = StorageRef(_byte_view(root, nbytes), dtype, location, keep=root)
            self._by_root[id(root)] = ref
        lo = _addr(ref.region) if ref.region.size else _addr(arr)
        delta = _addr(arr) - lo
        ok = (ref.region.nbytes % item == 0 and delta % item == 0
              and all(s >= 0 and s % item == 0 for s in arr.strides))
        if ok:
            span = _extent(arr)[1]
            ok = 0 <= delta and delta + span <= ref.region.nbytes
        if not ok:  # a view torch cannot express (negative or odd strides): save a copy
            copy = np.array(arr, copy=True, order="C")
            ref = StorageRef(copy.reshape(-1).view(np.uint8), dtype, location, keep=copy)
            self._by_root[id(copy)] = ref
            arr, delta = copy, 0
        if ref.dtype is not dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                               "data as different types")
        return ref, delta // item, tuple(s // item for s in arr.strides)


def _public_state(t: Tensor) -> dict:
    """Attributes a user set on a tensor (numtorch's own bookkeeping starts with ``_``)."""
    return {k: v for k, v in t.__dict__.items() if not k.startswith("_")}


def _fresh(s: str) -> str:
    """An equal string that is a new object (torch's C++ returns new strings, not memoised)."""
    return "".join([s[:1], s[1:]]) if len(s) > 1 else s


class TorchPickler(pickle._Pickler):
    """Pickles like ``torch.save``'s pickler: numtorch objects become torch's globals."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol: int = 2) -> None:
        super().__init__(file, protocol)
        self.storages = StorageTable()
        self._globals: dict[tuple[str, str], TorchGlobal] = {}
        self._param_cls = _parameter_class()

    def g(self, module: str, name: str) -> TorchGlobal:
        key = (module, name)
        obj = self._globals.get(key)
        if obj is None:
            obj = self._globals[key] = TorchGlobal(module, name)
        return obj

    def persistent_id(self, obj):
        if type(obj) is not StorageRef:
            if not hasattr(obj, "_untyped_storage") and type(obj).__name__ != "UntypedStorage":
                return None
            obj = self._storage_object(obj)
            if obj is None:
                return None
        if obj.key is None:
            obj.key = str(len(self.storages.saved))
            self.storages.saved.append(obj)
        if obj.dtype.name in tables.UNTYPED_STORAGE:  # no legacy class: bytes, untyped
            return (_STORAGE, self.g("torch.storage", "UntypedStorage"), obj.key, obj.location,
                    obj.region.nbytes)
        cls = obj.dtype.storage_name
        numel = obj.region.nbytes // obj.dtype.itemsize
        return (_STORAGE, self.g("torch", cls), obj.key, obj.location, numel)

    def _storage_object(self, obj):
        """The ``StorageRef`` of a ``numtorch.UntypedStorage``/``TypedStorage`` object (an
        untyped one is saved as bytes, as PyTorch does)."""
        from ..storage import TypedStorage, UntypedStorage

        if isinstance(obj, TypedStorage):
            raw, dtype = obj._untyped_storage._raw, obj.dtype
        elif isinstance(obj, UntypedStorage):
            raw, dtype = obj._raw, D.uint8
        else:
            return None
        location = _CPU if obj.device.type == "cpu" else str(obj.device)
        whole = raw[:raw.nbytes - raw.nbytes % dtype.itemsize].view(dtype.np)
        ref, offset, _ = self.storages.locate(whole, dtype, location)
        if offset or ref.region.nbytes != whole.nbytes:  # part of a block: its own bytes
            copy = np.array(whole, copy=True)
            ref = StorageRef(copy.view(np.uint8), dtype, location, keep=copy)
        return ref

    def reducer_override(self, obj):
        t = type(obj)
        if t in _ATOMIC:
            return NotImplemented
        if t is HookDict:  # numtorch's weakly referenceable dict: torch keeps an OrderedDict
            return OrderedDict(obj).__reduce_ex__(self.proto)
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if t is Size:
            return (self.g("torch", "Size"), (tuple(obj),))
        if t is device:
            if obj.index is None:
                return (self.g("torch", "device"), (_fresh(obj.type),))
            return (self.g("torch", "device"), (_fresh(obj.type), obj.index))
        return NotImplemented

    def _tensor_args(self, t: Tensor) -> tuple:
        dev = t.device
        location = _CPU if dev.type == "cpu" else str(dev)
        ref, offset, stride = self.storages.locate(t._data, t.dtype, location)
        if t._data.size == 0:  # an empty array's geometry is the tensor's (Note [empty geometry])
            stride, offset = t.stride(), t.storage_offset()
        return (ref, offset, tuple(t._data.shape), stride, t.requires_grad, OrderedDict())

    def _reduce_tensor(self, t: Tensor):
        if self._param_cls is not None and isinstance(t, self._param_cls):
            data = Tensor._from_array(t._data)
            state = _public_state(t)
            if state:
                return (self.g("torch._utils", "_rebuild_parameter_with_state"),
                        (data, t.requires_grad, OrderedDict(), state))
            return (self.g("torch._utils", "_rebuild_parameter"),
                    (data, t.requires_grad, OrderedDict()))
        args = self._tensor_args(t)
        if t.dtype.name in tables.UNTYPED_STORAGE:  # torch's form for dtypes it saves untyped
            v2 = self.g("torch._utils", "_rebuild_tensor_v3")
            args = args + (self.g("torch", t.dtype.name),)
        else:
            v2 = self.g("torch._utils", "_rebuild_tensor_v2")
        state = _public_state(t)
        if type(t) is Tensor and not state:
            return (v2, args)
        cls = self.g("torch", "Tensor") if type(t) is Tensor else type(t)
        return (self.g("torch._tensor", "_rebuild_from_type_v2"), (v2, cls, args, state))

    def _write_global(self, module: str, name: str) -> None:
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode("utf-8") + b"\n"
                       + name.encode("utf-8") + b"\n")

    def save_global(self, obj, name=None) -> None:
        """A numtorch class or function is written under torch's name for it
        (``numtorch.nn.modules.linear.Linear`` -> ``torch.nn.modules.linear.Linear``,
        ``numtorch.vision...`` -> ``torchvision...``), so torch loads a whole model numtorch
        saved, and numtorch's loader maps the names back."""
        module = tables.torch_module_name(getattr(obj, "__module__", None))
        qualname = name or getattr(obj, "__qualname__", None)
        if module is None or qualname is None:
            return pickle._Pickler.save_global(self, obj, name)
        self._write_global(module, qualname)
        self.memoize(obj)
        return None

    def save_torch_global(self, obj: TorchGlobal) -> None:
        self._write_global(obj.module, obj.name)
        self.memoize(obj)

    def save_dtype(self, obj: D.dtype) -> None:
        self._write_global("torch", obj.name)
        self.memoize(obj)

    # CPython's C pickler (torch's) writes exact lists and dicts in MARK ... APPENDS/SETITEMS
    # batches unless they hold exactly one item; the Python pickler differs for a trailing batch
    # of one, so these two follow the C pickler.
    def save_list(self, obj: list) -> None:
        if not self.bin:
            return pickle._Pickler.save_list(self, obj)
        self.write(pickle.EMPTY_LIST)
        self.memoize(obj)
        self._exact_batches(obj, pickle.APPEND, pickle.APPENDS, False)

    def save_dict(self, obj: dict) -> None:
        if not self.bin:
            return pickle._Pickler.save_dict(self, obj)
        self.write(pickle.EMPTY_DICT)
        self.memoize(obj)
        self._exact_batches(list(obj.items()), pickle.SETITEM, pickle.SETITEMS, True)

    def _exact_batches(self, items: list, one: bytes, many: bytes, pairs: bool) -> None:
        save = self.save
        n = len(items)
        if n == 1:
            for x in (items[0] if pairs else items):
                save(x)
            self.write(one)
            return
        for start in range(0, n, 1000):
            self.write(pickle.MARK)
            for item in items[start:start + 1000]:
                if pairs:
                    save(item[0])
                    save(item[1])
                else:
                    save(item)
            self.write(many)

    dispatch[TorchGlobal] = save_torch_global
    dispatch[types.FunctionType] = save_global
    dispatch[D.dtype] = save_dtype
    dispatch[list] = save_list
    dispatch[dict] = save_dict


def _parameter_class():
    try:
        from ..nn.parameter import Parameter
    except ImportError:
        return None
    return Parameter
