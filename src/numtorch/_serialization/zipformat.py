"""PyTorch's checkpoint zip: the aligned writer ``torch.save`` uses, and a checking reader.

Writer: stored (uncompressed) records whose payloads start at multiples of 64 (padding in an
``FB`` extra field), data descriptors after non-empty records, and a zip64 end record, byte for
byte as torch's writer lays them out (torch's ``mmap=True`` loader computes offsets from this
layout). Reader: any zip; it checks each record's CRC-32 (torch does not), or maps records with
``mmap`` instead of reading them.
"""

from __future__ import annotations

import mmap as _mmap
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

ALIGNMENT = 64
_MAX32 = 0xFFFFFFFF
ZIP64_LIMIT = _MAX32  # sizes and offsets from here on need zip64 fields (tests lower it)

_MINIZ_TAIL = (
    "This is an internal miniz error. If you are seeing this error, there is a high likelihood "
    "that your checkpoint file is corrupted. This can happen if the checkpoint was not saved "
    "properly, was transferred incorrectly, or the file was modified after saving.")
CENTRAL_DIRECTORY_MESSAGE = ("PytorchStreamReader failed reading zip archive: failed finding "
                             f"central directory. {_MINIZ_TAIL}")
CENTRAL_DIRECTORY_SIZE_MESSAGE = ("PytorchStreamReader failed reading zip archive: unsupported "
                                  f"central directory size. {_MINIZ_TAIL}")


class ZipWriter:
    """Writes records under ``<folder>/`` to a binary stream in torch's exact layout."""

    def __init__(self, out, folder: str) -> None:
        self._out = out
        self._folder = folder
        self._pos = 0
        self._entries: list[tuple[bytes, int, int, int, int]] = []
        self.crcs: list[int] = []

    def _write(self, data) -> None:
        self._out.write(data)
        self._pos += memoryview(data).nbytes

    def write_record(self, name: str, data) -> None:
        full = f"{self._folder}/{name}".encode()
        size = memoryview(data).nbytes
        flags = 0x0808 if size else 0x0800
        offset = self._pos
        pad = -(offset + 30 + len(full) + 4) % ALIGNMENT
        extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0,
                                len(full), len(extra)) + full + extra)
        crc = zlib.crc32(data) if size else 0
        if size:
            self._write(data)
            if size >= ZIP64_LIMIT:
                self._write(struct.pack("<IIQQ", 0x08074B50, crc, size, size))
            else:
                self._write(struct.pack("<IIII", 0x08074B50, crc, size, size))
            self.crcs.append(crc)
        self._entries.append((full, flags, crc, size, offset))

    def finish(self) -> None:
        start = self._pos
        for full, flags, crc, size, offset in self._entries:
            zip64 = b""
            s32, o32 = size, offset
            if size >= ZIP64_LIMIT:
                zip64 += struct.pack("<QQ", size, size)
                s32 = _MAX32
            if offset >= ZIP64_LIMIT:
                zip64 += struct.pack("<Q", offset)
                o32 = _MAX32
            extra = struct.pack("<HH", 1, len(zip64)) + zip64 if zip64 else b""
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, flags, 0, 0, 0,
                                    crc, s32, s32, len(full), len(extra), 0, 0, 0, 0, o32)
                        + full + extra)
        cd_size = self._pos - start
        n = len(self._entries)
        end64 = self._pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, cd_size,
                                start))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        big = cd_size >= ZIP64_LIMIT or start >= ZIP64_LIMIT
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                _MAX32 if big else cd_size, _MAX32 if big else start, 0))


def serialization_id(crcs, first: int = 0) -> str:
    """``.data/serialization_id``: 20 digits (not reproduced: 0) + the hash of record CRCs."""
    h = 0
    mask = (1 << 64) - 1
    for v in crcs:
        h ^= (v + 0x9E3779B9 + (h << 6) + (h >> 2)) & mask
    return f"{first:020d}{h:020d}"


def write_archive(out, folder: str, pickled: bytes, storages, serialization_id_str=None) -> None:
    """Write a complete checkpoint: ``data.pkl``, the version records and every storage."""
    w = ZipWriter(out, folder)
    w.write_record("data.pkl", pickled)
    w.write_record(".format_version", b"1")
    w.write_record(".storage_alignment", str(ALIGNMENT).encode())
    w.write_record("byteorder", sys.byteorder.encode())
    for ref in storages:
        w.write_record(f"data/{ref.key}", ref.region)
    w.write_record("version", b"3\n")
    sid = serialization_id_str or serialization_id(w.crcs)
    w.write_record(".data/serialization_id", sid.encode())
    w.finish()


class ZipReader:
    """The records of a checkpoint zip, read (and CRC-checked) or mapped with ``mmap``."""

    def __init__(self, fh, name: str, mmap_path=None) -> None:
        self._fh = fh
        self._name = name
        self._size = file_size(fh)
        if self._size is not None and not _central_directory_fits(fh, self._size):
            raise RuntimeError(self.error(CENTRAL_DIRECTORY_SIZE_MESSAGE))
        try:
            self._zf = zipfile.ZipFile(fh)
            infos = self._zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                struct.error, MemoryError):
            raise RuntimeError(self.error(CENTRAL_DIRECTORY_MESSAGE)) from None
        if not infos:
            raise RuntimeError(self.error(CENTRAL_DIRECTORY_MESSAGE))
        first = infos[0].filename
        self.prefix = first.split("/", 1)[0] + "/" if "/" in first else ""
        self._infos = {}
        for info in infos:  # a name written twice: the first record counts, as in torch
            self._infos.setdefault(info.filename, info)
        self._mm = None
        if mmap_path is not None:
            with open(mmap_path, "rb") as f:
                self._mm = _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_COPY)

    def error(self, message: str) -> str:
        return f"{message} (file: {self._name})"

    def has(self, record: str) -> bool:
        return self.prefix + record in self._infos

    def _info(self, record: str) -> zipfile.ZipInfo:
        info = self._infos.get(self.prefix + record)
        if info is None:
            raise RuntimeError(self.error(
                f"PytorchStreamReader failed locating file {record}: file not found"))
        return info

    def record_size(self, record: str) -> int:
        """A record's (uncompressed) size as the archive declares it, without reading it."""
        return self._info(record).file_size

    def read(self, record: str) -> bytes:
        """A small record's bytes."""
        info = self._info(record)
        self._check_bounds(info, record)
        try:
            return self._zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as e:
            raise RuntimeError(self.error(
                f"PytorchStreamReader failed reading file {record}: {e}")) from None
        except MemoryError:
            raise RuntimeError(allocation_message(info.file_size)) from None

    def _check_bounds(self, info: zipfile.ZipInfo, record: str) -> None:
        """Refuse a record whose stored bytes would lie past the end of the file."""
        if self._size is not None and info.header_offset + info.compress_size > self._size:
            raise RuntimeError(self.error(
                f"PytorchStreamReader failed reading file {record}: file read failed"))

    def _data_offset(self, info: zipfile.ZipInfo, record: str) -> int:
        self._fh.seek(info.header_offset)
        header = self._fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise RuntimeError(self.error(
                f"PytorchStreamReader failed reading file {record}: invalid header or archive "
                "is corrupted"))
        n, m = struct.unpack("<HH", header[26:30])
        return info.header_offset + 30 + n + m

    def array(self, record: str) -> np.ndarray:
        """A record as a writable uint8 array (a private copy-on-write map with ``mmap``)."""
        info = self._info(record)
        size = info.file_size
        if size == 0:
            return np.empty(0, np.uint8)
        if info.compress_type != zipfile.ZIP_STORED:
            return np.frombuffer(bytearray(self.read(record)), np.uint8)
        self._check_bounds(info, record)
        offset = self._data_offset(info, record)
        if self._mm is not None:
            if offset + size > len(self._mm):
                raise RuntimeError(self.error(
                    f"PytorchStreamReader failed reading file {record}: file read failed"))
            return np.frombuffer(self._mm, np.uint8, count=size, offset=offset)
        if self._size is not None and offset + size > self._size:
            raise RuntimeError(self.error(
                f"PytorchStreamReader failed reading file {record}: file read failed"))
        try:
            raw = np.empty(size, np.uint8)
        except MemoryError:
            raise RuntimeError(allocation_message(size)) from None
        self._fh.seek(offset)
        view = memoryview(raw)
        got = 0
        readinto = getattr(self._fh, "readinto", None)
        while got < size:
            if readinto is not None:
                n = readinto(view[got:])
            else:
                chunk = self._fh.read(size - got)
                n = len(chunk)
                view[got:got + n] = chunk
            if not n:
                raise RuntimeError(self.error(
                    f"PytorchStreamReader failed reading file {record}: file read failed"))
            got += n
        if zlib.crc32(raw) != info.CRC:
            raise RuntimeError(self.error(
                f"PytorchStreamReader failed reading file {record}: CRC-32 mismatch, the "
                "checkpoint is corrupted"))
        return raw


def allocation_message(nbytes: int) -> str:
    """torch's text when the CPU allocator cannot provide ``nbytes``."""
    return (f"DefaultCPUAllocator: can't allocate memory: you tried to allocate {nbytes} bytes. "
            "Error code 12 (Cannot allocate memory)")


def _central_directory_fits(fh, size: int) -> bool:
    """Whether the end record's central directory lies inside the file (checked before
    ``zipfile`` reads it, which would allocate whatever size the record declares)."""
    start = fh.tell()
    try:
        tail_len = min(size, 22 + 0xFFFF)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
    finally:
        fh.seek(start)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return True  # not found: zipfile reports the damage itself
    cd_size, cd_offset = struct.unpack("<II", tail[at + 12:at + 20])
    if _MAX32 in (cd_size, cd_offset) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        (z64_offset,) = struct.unpack("<Q", tail[at - 12:at - 4])
        if z64_offset + 56 > size:
            return False
        fh.seek(z64_offset)
        try:
            rec = fh.read(56)
        finally:
            fh.seek(start)
        if len(rec) < 56 or rec[:4] != b"PK\x06\x06":
            return True
        cd_size, cd_offset = struct.unpack("<QQ", rec[40:56])
    return cd_offset + cd_size <= size


def is_zip(fh) -> bool:
    """torch's test: the stream starts with a zip local-file header."""
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    return magic == b"PK\x03\x04"


def file_size(fh) -> int | None:
    try:
        return os.fstat(fh.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        pass
    try:
        pos = fh.tell()
        end = fh.seek(0, 2)
        fh.seek(pos)
        return end
    except (AttributeError, OSError, ValueError):
        return None
