"""What torch's rebuild globals become on load: tensors as views of one array per storage.

Each storage of a checkpoint is one writable uint8 array (read from the file, or mapped with
``mmap=True``); every tensor is an ``np.ndarray`` view of it with torch's offset and strides, so
tensors that shared a storage in PyTorch share memory here too.
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from . import tables


class LoadedStorage:
    """One storage of a checkpoint: its raw bytes, element dtype and where it was saved.

    ``dtype_name`` is a torch dtype name, or ``None`` for an untyped (byte) storage.
    ``location`` is torch's location tag (``'cpu'``, ``'cuda:0'``); ``device`` where numtorch
    puts its tensors after ``map_location``. ``pending`` is a list while the bytes are not read
    yet (legacy files store them after the pickle): widened copies are filled in by
    :func:`fill_pending` then.
    """

    __slots__ = ("raw", "dtype_name", "location", "device", "pending")

    def __init__(self, raw: np.ndarray, dtype_name: str | None, location: str,
                 pending: list | None = None) -> None:
        self.raw = raw
        self.dtype_name = dtype_name
        self.location = location
        self.device = None
        self.pending = pending

    def nbytes(self) -> int:
        return int(self.raw.nbytes)

    def size(self) -> int:
        if self.dtype_name is None:
            return self.nbytes()
        return self.nbytes() // tables.raw_numpy_dtype(self.dtype_name).itemsize

    def __len__(self) -> int:
        return self.size()

    def __repr__(self) -> str:
        kind = "untyped" if self.dtype_name is None else f"torch.{self.dtype_name}"
        return f"<numtorch checkpoint storage ({kind}) of size {self.size()} at {self.location}>"


def _ints(value, what: str) -> tuple:
    try:
        out = tuple(value)
    except TypeError:
        raise RuntimeError(f"checkpoint is corrupt: tensor {what} {value!r} is not a tuple of "
                           "ints") from None
    if not all(isinstance(v, int) for v in out):
        kinds = ", ".join(type(v).__name__ for v in out)
        raise TypeError(f"set_() received an invalid combination of arguments - tensor {what} "
                        f"must hold ints, got ({kinds})")
    if any(v < 0 for v in out):
        raise RuntimeError(f"checkpoint is corrupt: negative tensor {what} {out}")
    return out


def tensor_from_storage(storage, dtype_name: str | None, offset, size, stride,
                        requires_grad: bool = False) -> Tensor:
    """A tensor viewing ``storage`` with torch's offset, sizes and strides (all in elements)."""
    if not isinstance(storage, LoadedStorage):
        raise RuntimeError(f"checkpoint is corrupt: expected a storage, got {type(storage)}")
    if dtype_name is None:
        raise RuntimeError("checkpoint is corrupt: a tensor on an untyped storage needs a dtype")
    npdt = tables.raw_numpy_dtype(dtype_name)
    size = _ints(size, "size")
    stride = _ints(stride, "stride")
    if len(size) != len(stride):
        raise RuntimeError(f"checkpoint is corrupt: size {size} and stride {stride} differ in "
                           "length")
    (offset,) = _ints((offset,), "storage offset")
    item = npdt.itemsize
    if 0 not in size:
        last = offset + sum((n - 1) * st for n, st in zip(size, stride))
        if (last + 1) * item >= 2 ** 63:
            raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                               f"strides={list(stride)}")
    try:
        arr = np.ndarray(size, npdt, buffer=storage.raw, offset=offset * item,
                         strides=tuple(s * item for s in stride))
    except (ValueError, TypeError, OverflowError) as e:
        raise RuntimeError(
            f"checkpoint is corrupt: a tensor of size {list(size)}, stride {list(stride)} and "
            f"offset {offset} does not fit in its storage of {storage.nbytes()} bytes "
            f"({e})") from None
    if dtype_name not in _NUMTORCH_NAMES:
        _warn_widen(dtype_name)
        if storage.pending is not None:
            target = np.empty(arr.shape, tables.WIDENED[dtype_name])
            storage.pending.append((target, arr, dtype_name))
            arr = target
        else:
            arr = _widen(arr, dtype_name)
    t = Tensor._from_array(arr)
    if requires_grad:
        t._requires_grad = True
    if storage.device is not None and storage.device.type != "cpu":
        t = t.to(storage.device)
    return t


_NUMTORCH_NAMES = frozenset(d.name for d in D.ALL)


def fill_pending(storage: LoadedStorage) -> None:
    """Once a storage's bytes are read, fill the widened tensors made from it."""
    for target, raw_view, name in storage.pending or ():
        target[...] = _widen(raw_view, name)
    storage.pending = None


def _warn_widen(name: str) -> None:
    target = tables.WIDENED.get(name)
    if target is None:
        raise TypeError(f"numtorch cannot load tensors of dtype torch.{name}: NumPy has no such "
                        "type")
    warnings.warn(f"numtorch has no torch.{name} dtype: loading a torch.{name} tensor as "
                  f"torch.{target} (exact values, but a copy that shares no storage)",
                  UserWarning, stacklevel=4)


def _widen(arr: np.ndarray, name: str) -> np.ndarray:
    """Hold a dtype numtorch lacks in an exact wider one (a copy)."""
    target = tables.WIDENED[name]
    if name == "bfloat16":
        out = (arr.astype(np.uint32) << 16).view(np.float32)
    elif name == "complex32":
        out = arr["re"].astype(np.float32) + 1j * arr["im"].astype(np.float32)
        out = out.astype(np.complex64)
    elif name == "uint64":
        if arr.size and int(arr.max()) >= 2 ** 63:
            raise TypeError("numtorch cannot load this torch.uint64 tensor: its values do not "
                            "fit in int64")
        out = arr.astype(np.int64)
    else:
        out = arr.astype(np.dtype(target))
    return out


def _storage_dtype(storage) -> str | None:
    return storage.dtype_name if isinstance(storage, LoadedStorage) else None


def _rebuild_tensor(storage, storage_offset, size, stride):
    """``torch._utils._rebuild_tensor``."""
    return tensor_from_storage(storage, _storage_dtype(storage), storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    """``torch._utils._rebuild_tensor_v2``: a tensor on a typed storage."""
    return tensor_from_storage(storage, _storage_dtype(storage), storage_offset, size, stride,
                               bool(requires_grad))


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    """``torch._utils._rebuild_tensor_v3``: an untyped storage plus a dtype global."""
    name = getattr(dtype, "name", None)
    if not isinstance(name, str):
        raise RuntimeError(f"checkpoint is corrupt: {dtype!r} is not a dtype")
    return tensor_from_storage(storage, name, storage_offset, size, stride, bool(requires_grad))


def _parameter_class():
    try:
        from ..nn.parameter import Parameter
    except ImportError:  # numtorch.nn not available: plain tensors instead
        return None
    return Parameter


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """``torch._utils._rebuild_parameter``: ``nn.Parameter(data, requires_grad)``."""
    cls = _parameter_class()
    if cls is None:
        data._requires_grad = bool(requires_grad)
        return data
    return cls(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """``torch._utils._rebuild_parameter_with_state``: a Parameter plus its attributes."""
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    set_obj_state(p, state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    """``torch._tensor._rebuild_from_type_v2``: rebuild, set the class, restore attributes."""
    ret = func(*args)
    if isinstance(new_type, type) and type(ret) is not new_type:
        if issubclass(new_type, Tensor) and isinstance(ret, Tensor):
            ret.__class__ = new_type
        else:
            raise RuntimeError(f"checkpoint is corrupt: cannot rebuild a {new_type}")
    set_obj_state(ret, state)
    return ret


def set_obj_state(obj, state) -> None:
    """Apply pickled attribute state: a dict, or a (dict, slots dict) pair."""
    if not state:
        return
    slots = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slots = state
    for part in (state, slots):
        if part:
            if not isinstance(part, dict):
                raise RuntimeError(f"checkpoint is corrupt: bad object state {part!r}")
            for k, v in part.items():
                setattr(obj, k, v)


def _unsupported(what: str):
    def rebuild(*args, **kwargs):
        raise RuntimeError(f"numtorch cannot load {what}")
    rebuild.__name__ = "_rebuild_" + what.replace(" ", "_")
    return rebuild


def _get_layout(name: str) -> str:
    """``torch.serialization._get_layout``: numtorch's layouts are their printed names."""
    return name


@functools.lru_cache(maxsize=1)
def torch_globals() -> dict:
    """torch's picklable globals (``module.name``) -> what numtorch loads them as.

    This is the weights-only allowlist of PyTorch 2.13 minus the names numtorch cannot
    represent (they map to functions that raise a clear error).
    """
    from collections import Counter

    from .. import _dtype as D
    from .._device import device
    from .._tensor import Size

    g: dict = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": device,
        "torch.serialization._get_layout": _get_layout,
        "_codecs.encode": _codecs_encode(),
        "builtins.set": set,
        "builtins.bytearray": bytearray,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    }
    for what in ("qtensor", "sparse_tensor", "meta_tensor_no_storage", "nested_tensor",
                 "wrapper_subclass", "device_tensor_from_numpy",
                 "device_tensor_from_cpu_tensor"):
        g["torch._utils._rebuild_" + what] = _unsupported(what.replace("_", " "))
    param = _parameter_class()
    if param is not None:
        g["torch.nn.parameter.Parameter"] = param
    for d in D.ALL:
        g["torch." + d.name] = d
    for name in tables.RAW_NUMPY:
        g.setdefault("torch." + name, tables.ForeignDtype(name))
    for name in ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
                 "float8_e8m0fnu", "complex32", "qint8", "quint8", "qint32", "quint4x2",
                 "quint2x4"):
        g.setdefault("torch." + name, tables.ForeignDtype(name))
    for dname, cls in tables.STORAGE_CLASS.items():
        g["torch." + cls] = tables.StorageType(cls, dname)
    for name in ("UntypedStorage", "storage.UntypedStorage"):
        g["torch." + name] = tables.StorageType("storage.UntypedStorage", None)
    for cls in tables.STORAGE_CLASS.values():  # legacy tensor classes
        g["torch." + cls.replace("Storage", "Tensor")] = Tensor
    for layout in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
                   "sparse_bsc", "_mkldnn", "jagged"):
        g["torch." + layout] = "torch." + layout
    for scheme in ("per_tensor_affine", "per_channel_affine", "per_tensor_symmetric",
                   "per_channel_symmetric", "per_channel_affine_float_qparams"):
        g["torch." + scheme] = "torch." + scheme
    return g


def _codecs_encode():
    import codecs

    return codecs.encode
