"""Reading the legacy (pre-1.6, non-zip) checkpoint format.

The stream holds five pickles (magic number, protocol 1001, a sys-info dict, the object, the
list of storage keys) and then, for each key in that list, an int64 element count followed by
the storage's raw bytes. Tensors are views of one array per storage, so sharing is preserved.
"""

from __future__ import annotations

import struct

import numpy as np

from . import tables
from .rebuild import LoadedStorage, fill_pending

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def load_legacy(fh, name: str, make_unpickler, size_limit: int | None):
    """Read a legacy checkpoint from ``fh``; ``make_unpickler(fh, persistent_load)``."""
    start = fh.tell()
    head = fh.read(1)
    if not head:
        raise EOFError(f"Ran out of input: {name} is empty")
    fh.seek(start)
    if head not in (b"\x80", b"L", b"I"):  # every pickle of the magic int starts so
        raise RuntimeError(f"Invalid magic number; corrupt file? (file: {name})")
    magic = make_unpickler(fh, None).load()
    if magic != MAGIC_NUMBER:
        raise RuntimeError(f"Invalid magic number; corrupt file? (file: {name})")
    protocol = make_unpickler(fh, None).load()
    if protocol != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol} (file: {name})")
    sys_info = make_unpickler(fh, None).load()
    little = not isinstance(sys_info, dict) or sys_info.get("little_endian", True)

    storages: dict = {}
    views: dict = {}

    def persistent_load(pid):
        if not isinstance(pid, tuple) or len(pid) != 6:
            raise RuntimeError(f"checkpoint is corrupt: bad storage id {pid!r} (file: {name})")
        _, stype, key, location, numel, view_meta = pid
        dtype_name = getattr(stype, "dtype_name", False)
        if dtype_name is False:
            raise RuntimeError(f"checkpoint is corrupt: {stype!r} is not a storage type")
        item = 1 if dtype_name is None else tables.raw_numpy_dtype(dtype_name).itemsize
        storage = storages.get(key)
        if storage is None:
            nbytes = int(numel) * item
            if nbytes < 0 or (size_limit is not None and nbytes > size_limit):
                raise RuntimeError(f"checkpoint is corrupt: storage {key} claims {numel} "
                                   f"elements, more than the file holds (file: {name})")
            storage = LoadedStorage(np.empty(nbytes, np.uint8), dtype_name, str(location), [])
            storages[key] = storage
        if view_meta is None:
            return storage
        view_key, offset, view_size = view_meta
        if view_key not in views:
            raw = storage.raw[int(offset) * item:(int(offset) + int(view_size)) * item]
            views[view_key] = LoadedStorage(raw, dtype_name, storage.location, [])
        return views[view_key]

    result = make_unpickler(fh, persistent_load).load()
    keys = make_unpickler(fh, None).load()
    if not isinstance(keys, list):
        raise RuntimeError(f"checkpoint is corrupt: bad storage key list (file: {name})")
    for key in keys:
        storage = storages.get(key)
        if storage is None:
            raise RuntimeError(f"checkpoint is corrupt: unknown storage key {key!r} "
                               f"(file: {name})")
        head = fh.read(8)
        if len(head) != 8:
            raise RuntimeError(f"checkpoint is truncated: storage {key} is missing "
                               f"(file: {name})")
        count = struct.unpack("<q" if little else ">q", head)[0]
        dt = (np.dtype(np.uint8) if storage.dtype_name is None
              else tables.raw_numpy_dtype(storage.dtype_name))
        if count * dt.itemsize != storage.raw.nbytes:
            raise RuntimeError(f"checkpoint is corrupt: storage {key} holds {count} elements, "
                               f"expected {storage.raw.nbytes // dt.itemsize} (file: {name})")
        view = memoryview(storage.raw)
        got = 0
        while got < storage.raw.nbytes:
            n = fh.readinto(view[got:])
            if not n:
                raise RuntimeError(f"checkpoint is truncated: storage {key} is incomplete "
                                   f"(file: {name})")
            got += n
        if not little and dt.itemsize > 1:
            storage.raw.view(dt).byteswap(inplace=True)
    for storage in [*storages.values(), *views.values()]:
        fill_pending(storage)
    return result
