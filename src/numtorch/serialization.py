"""``numtorch.save`` / ``numtorch.load``: PyTorch's checkpoint files, without torch.

``save`` writes the zip format of ``torch.save`` byte for byte (``torch.load`` reads it, also with
``weights_only=True`` and ``mmap=True``); ``load`` reads files from ``torch.save`` (zip and legacy
formats). Loading is weights-only by default, as in PyTorch 2.6+: only tensors, containers and
plain values come back, and a checkpoint cannot run code. Saving to a path is atomic.

Known differences: every storage loads on the CPU unless ``map_location`` names another device;
torch dtypes NumPy lacks (bfloat16, uint16/32/64, complex32) load widened to an exact wider dtype
with a warning; float8 and quantized, sparse or nested tensors are refused.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
from typing import IO, Any

from ._serialization import filewrite, legacy, rebuild, tables, unpickler, zipformat
from ._serialization.pickler import TorchPickler
from ._serialization.safetensors import (
    load_safetensors,
    safetensors_metadata,
    save_safetensors,
)

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "save_safetensors", "load_safetensors", "safetensors_metadata",
           "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2


def _is_path(f) -> bool:
    return isinstance(f, (str, os.PathLike))


def _display_name(f) -> str:
    if _is_path(f):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, str) else repr(f)


# -- save ------------------------------------------------------------------------------------
def save(obj: Any, f: str | os.PathLike | IO[bytes], pickle_module: Any = pickle,
         pickle_protocol: int = DEFAULT_PROTOCOL, _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False, *, _serialization_id: str | None = None
         ) -> None:
    """Save ``obj`` in ``torch.save``'s zip format (``torch.save``).

    ``f`` is a path or a writable binary file object. A regular file (or new path) is replaced
    atomically: a temporary file in the same folder, flushed and fsync'd, then renamed over the
    target; a device, FIFO or pipe at the path is written through, as torch does. The archive's
    folder is the file name without its last extension, or ``archive`` for a file object.
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("numtorch writes only the zip checkpoint format; the legacy "
                                  "format (_use_new_zipfile_serialization=False) is read-only")
    buf = io.BytesIO()
    pickler = TorchPickler(buf, pickle_protocol)
    pickler.dump(obj)
    pickled = buf.getvalue()
    storages = pickler.storages.saved

    def write(out, folder: str) -> None:
        zipformat.write_archive(out, folder, pickled, storages, _serialization_id)

    if _is_path(f):
        _atomic_write(os.fspath(f), write)
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
        write(f, "archive")


def _archive_folder(path: str) -> str:
    base = os.path.basename(path)
    dot = base.rfind(".")
    folder = base[:dot] if dot >= 0 else base
    return folder or "archive"


def _atomic_write(path, write) -> None:
    """``write(file, archive_folder)`` onto ``path`` (see ``_serialization.filewrite``)."""
    path = os.fsdecode(path)
    folder = _archive_folder(path)
    filewrite.write_path(path, lambda out: write(out, folder))


# -- load ------------------------------------------------------------------------------------
def load(f: str | os.PathLike | IO[bytes], map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args: Any) -> Any:
    """Load a checkpoint written by ``torch.save`` or ``numtorch.save`` (``torch.load``).

    ``weights_only`` (default ``True`` unless ``pickle_module`` is given) admits only tensors,
    containers, plain values and globals added with :func:`add_safe_globals`; anything else
    raises ``pickle.UnpicklingError`` with PyTorch's text. ``mmap=True`` maps the file's
    storages (copy-on-write) instead of reading them; ``f`` must then be a path.
    """
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if weights_only and pickle_load_args:
        raise TypeError(f"unexpected keyword arguments {sorted(pickle_load_args)}")
    name = _display_name(f)
    with _open_for_reading(f) as fh:
        if zipformat.is_zip(fh):
            if mmap and not _is_path(f):
                raise ValueError("f must be a file path in order to use the mmap argument")
            reader = zipformat.ZipReader(fh, name, os.fspath(f) if mmap else None)
            return _run(weights_only, lambda mk: _load_zip(reader, map_location, mk),
                        encoding, pickle_load_args)
        if mmap:
            shown = f"{f}, " if isinstance(f, str) else ""
            raise RuntimeError(
                "mmap can only be used with files saved with "
                f"`torch.save({shown}_use_new_zipfile_serialization=True), please torch.save "
                "your checkpoint with this option in order to use mmap.")
        limit = zipformat.file_size(fh)
        return _run(weights_only,
                    lambda mk: legacy.load_legacy(fh, name, mk, limit), encoding,
                    pickle_load_args)


def _run(weights_only: bool, body, encoding: str, kwargs: dict):
    if weights_only:
        def make(fh, persistent_load):
            return unpickler.WeightsUnpickler(fh, persistent_load, encoding)
        try:
            return _storages_out(body(make))
        except pickle.UnpicklingError as e:
            raise pickle.UnpicklingError(unpickler.weights_only_message(str(e))) from None

    def make_full(fh, persistent_load):
        return unpickler.FullUnpickler(fh, persistent_load, encoding=encoding, **kwargs)
    return _storages_out(body(make_full))


def _storages_out(obj, depth: int = 1):
    """Storages saved as objects of their own (not under a tensor) come back as
    ``numtorch.TypedStorage``, as PyTorch's (an untyped one of dtype uint8); the top object and
    the items of a plain list, tuple or dict there are looked at."""
    from ._serialization.rebuild import LoadedStorage

    if isinstance(obj, LoadedStorage):
        from . import _dtype as D
        from .storage import TypedStorage, UntypedStorage

        dtype = D.uint8 if obj.dtype_name is None else D.ALIASES[obj.dtype_name]
        return TypedStorage._new_wrapped(UntypedStorage._wrap(obj.raw), dtype)
    if depth and type(obj) in (list, tuple):
        return type(obj)(_storages_out(o, 0) for o in obj)
    if depth and type(obj) is dict:
        return {k: _storages_out(v, 0) for k, v in obj.items()}
    return obj


@contextlib.contextmanager
def _open_for_reading(f):
    if _is_path(f):
        with open(f, "rb") as fh:
            yield fh
        return
    if not hasattr(f, "read"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'read'")
    seekable = getattr(f, "seekable", None)
    if seekable is not None and not seekable():
        yield io.BytesIO(f.read())
        return
    yield f


def _load_zip(reader: zipformat.ZipReader, map_location, make_unpickler):
    if reader.has("constants.pkl"):
        raise RuntimeError(reader.error("numtorch cannot load TorchScript archives"))
    _check_version(reader)
    swap = False
    if reader.has("byteorder"):
        order = reader.read("byteorder").decode(errors="replace")
        if order not in ("little", "big"):
            raise ValueError(f"Unknown endianness type: {order}")
        swap = order != _host_order()
    loaded: dict = {}

    def persistent_load(pid):
        if not isinstance(pid, tuple) or len(pid) != 5:
            raise RuntimeError(reader.error(f"checkpoint is corrupt: bad storage id {pid!r}"))
        _, stype, key, location, numel = pid
        key = str(key)
        storage = loaded.get(key)
        if storage is not None:
            return storage
        dtype_name = getattr(stype, "dtype_name", False)
        if dtype_name is False:
            raise RuntimeError(reader.error(f"checkpoint is corrupt: {stype!r} is not a "
                                            "storage type"))
        if type(numel) is not int:
            raise TypeError(f"checkpoint is corrupt: the size of storage {key} is "
                            f"{type(numel).__name__} {numel!r}, not an int")
        _check_location(location)
        item = 1 if dtype_name is None else tables.raw_numpy_dtype(dtype_name).itemsize
        nbytes = numel * item
        record = f"data/{key}"
        if reader.record_size(record) != nbytes:  # checked before a byte is read
            raise RuntimeError(f"record size ({reader.record_size(record)} bytes) does not match "
                               f"expected size ({nbytes} bytes = {nbytes} elements * 1 "
                               "bytes/element) for dtype Byte")
        raw = reader.array(record)
        if swap and dtype_name is not None and item > 1:
            raw.view(tables.raw_numpy_dtype(dtype_name)).byteswap(inplace=True)
        storage = _place(rebuild.LoadedStorage(raw, dtype_name, str(location)), map_location)
        loaded[key] = storage
        return storage

    data = io.BytesIO(reader.read("data.pkl"))
    return make_unpickler(data, persistent_load).load()


#: the file format versions torch 2.13 reads
_MIN_VERSION, _MAX_VERSION = 1, 10


def _check_version(reader: zipformat.ZipReader) -> None:
    """The ``version`` record must hold an integer torch can read (parsed as ``strtoll``)."""
    name = ".data/version" if reader.has(".data/version") else "version"
    if not reader.has(name):
        raise RuntimeError(reader.error('Expected hasRecord("version") to be true, but got '
                                        "false."))
    text = reader.read(name).decode(errors="replace")
    match = re.match(r"\s*[+-]?\d+", text)
    if match is None:
        raise RuntimeError(f"Couldn't parse the version {text} as Long Long.")
    version = int(match.group())
    if version < _MIN_VERSION:
        raise RuntimeError(f"Attempted to read a PyTorch file with version {version}, but the "
                           f"minimum supported version for reading is {_MIN_VERSION}. Your "
                           "PyTorch script module file is too old. Please regenerate it with "
                           "latest version of PyTorch to mitigate this issue.")
    if version > _MAX_VERSION:
        raise RuntimeError(f"Attempted to read a PyTorch file with version {version}, but the "
                           f"maximum supported version for reading is {_MAX_VERSION}. The "
                           "version of your PyTorch installation may be too old, please upgrade "
                           "PyTorch to latest version to mitigate this issue.")


_LOCATION = re.compile(r"(cpu|meta|mps|hpu|(cuda|xpu)(:\d+)?)")


def _check_location(location) -> None:
    """torch refuses storages tagged with a location it does not know."""
    if not isinstance(location, str) or _LOCATION.fullmatch(location) is None:
        raise RuntimeError("don't know how to restore data location of "
                           f"torch.storage.UntypedStorage (tagged with {location})")


def _host_order() -> str:
    import sys

    return sys.byteorder


def _place(storage: rebuild.LoadedStorage, map_location) -> rebuild.LoadedStorage:
    """Apply ``map_location`` (device, string, dict or callable) to one storage."""
    from ._device import device

    target = None
    if map_location is None:
        return storage
    if callable(map_location) and not isinstance(map_location, (str, device)):
        result = map_location(storage, storage.location)
        if result is None:
            return storage
        if isinstance(result, rebuild.LoadedStorage):
            return result
        raise TypeError(f"map_location returned {type(result).__name__}, expected a storage "
                        "or None")
    if isinstance(map_location, dict):
        target = map_location.get(storage.location)
        if target is None:
            return storage
    else:
        target = map_location
    dev = device(target) if isinstance(target, str) else target
    if not isinstance(dev, device):
        raise TypeError(f"map_location should be a str, device, dict or callable, got "
                        f"{type(map_location).__name__}")
    storage.device = None if dev.type == "cpu" else dev
    return storage


# -- safe globals ----------------------------------------------------------------------------
def add_safe_globals(safe_globals: list) -> None:
    """Allow these globals (or ``(global, "module.name")`` pairs) in weights-only loads."""
    unpickler.add_user_globals(safe_globals)


def get_safe_globals() -> list:
    """The globals added with :func:`add_safe_globals`."""
    return list(unpickler.user_globals().values())


def clear_safe_globals() -> None:
    """Forget every global added with :func:`add_safe_globals`."""
    unpickler.user_globals().clear()


class safe_globals:
    """Context manager: :func:`add_safe_globals` for the duration of a ``with`` block."""

    def __init__(self, safe_globals: list) -> None:
        self.safe_globals = safe_globals

    def __enter__(self) -> None:
        self._saved = dict(unpickler.user_globals())
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc) -> None:
        store = unpickler.user_globals()
        store.clear()
        store.update(self._saved)


class PyTorchFileReader:
    """``torch.PyTorchFileReader``: the records of a zip checkpoint (a path or a binary file),
    named without the archive's folder prefix, as torch's reader names them."""

    def __init__(self, name_or_buffer) -> None:
        fh = open(name_or_buffer, "rb") if _is_path(name_or_buffer) else name_or_buffer  # noqa: SIM115
        self._reader = zipformat.ZipReader(fh, _display_name(name_or_buffer))

    def get_all_records(self) -> list[str]:
        prefix = self._reader.prefix
        return [n[len(prefix):] for n in self._reader._zf.namelist() if n.startswith(prefix)]

    def has_record(self, name: str) -> bool:
        return self._reader.has(name)

    def get_record(self, name: str) -> bytes:
        return self._reader.read(name)

    def get_record_size(self, name: str) -> int:
        return self._reader.record_size(name)

    def serialization_id(self) -> str:
        return (self._reader.read(".data/serialization_id").decode()
                if self._reader.has(".data/serialization_id") else "")
