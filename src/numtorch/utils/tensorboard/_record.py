"""TFRecord framing and CRC32C (Castagnoli), the container TensorBoard event files use.

A record is ``uint64 length | uint32 masked_crc(length) | data | uint32 masked_crc(data)``, all
little-endian, exactly as TensorFlow's ``RecordWriter`` (and so PyTorch's ``SummaryWriter``)
writes it.

CRC32C is table-driven. Short inputs go through a byte loop; long ones are cut into equal lanes
whose CRCs NumPy computes side by side, then joined with the "shift by n zero bytes" linear map
(a CRC register is linear over GF(2)), so a megabyte costs milliseconds, not a Python loop.
"""

from __future__ import annotations

import functools
import struct

import numpy as np

_POLY = 0x82F63B78  # CRC32C, reflected
_MASK_DELTA = 0xA282EAD8
_SMALL = 2048  # below this many bytes the plain byte loop is faster


def _make_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _make_table()
_TABLE_NP = np.array(_TABLE, dtype=np.uint32)


def _raw_update(reg: int, data) -> int:
    """Run the CRC register over ``data`` (no initial or final inversion)."""
    table = _TABLE
    for byte in data:
        reg = table[(reg ^ byte) & 0xFF] ^ (reg >> 8)
    return reg


def _apply(matrix: tuple[int, ...], vec: int) -> int:
    """Multiply a 32x32 GF(2) matrix (tuple of 32 column words) by a 32-bit vector."""
    out = 0
    i = 0
    while vec:
        if vec & 1:
            out ^= matrix[i]
        vec >>= 1
        i += 1
    return out


@functools.cache
def _shift_matrix(log2_nbytes: int) -> tuple[int, ...]:
    """The linear map that feeds ``2**log2_nbytes`` zero bytes through the CRC register."""
    if log2_nbytes == 0:
        return tuple(_raw_update(1 << i, b"\0") for i in range(32))
    half = _shift_matrix(log2_nbytes - 1)
    return tuple(_apply(half, col) for col in half)


@functools.cache
def _shift_tables(log2_nbytes: int) -> tuple[tuple[int, ...], ...]:
    """``_shift_matrix`` as four 256-entry tables, one per byte of the register."""
    m = _shift_matrix(log2_nbytes)
    return tuple(tuple(_apply(m, b << (8 * k)) for b in range(256)) for k in range(4))


def _raw_crc_lanes(data: bytes) -> int:
    """Raw CRC of ``data`` (register starting at 0) computed lane-parallel with NumPy."""
    n = len(data)
    log2_chunk = max(6, (n.bit_length() + 1) // 2)  # lanes x chunk ~ n, chunk ~ sqrt(n)
    chunk = 1 << log2_chunk
    lanes = -(-n // chunk)
    # Leading zero bytes leave a zero register at zero, so front padding is free.
    buf = np.zeros(lanes * chunk, dtype=np.uint8)
    buf[lanes * chunk - n:] = np.frombuffer(data, dtype=np.uint8)
    cols = buf.reshape(lanes, chunk).T.astype(np.uint32)
    reg = np.zeros(lanes, dtype=np.uint32)
    table = _TABLE_NP
    for col in cols:
        reg = table[(reg ^ col) & 0xFF] ^ (reg >> 8)
    t0, t1, t2, t3 = _shift_tables(log2_chunk)
    out = 0
    for lane in reg.tolist():
        out = (t0[out & 0xFF] ^ t1[(out >> 8) & 0xFF] ^ t2[(out >> 16) & 0xFF]
               ^ t3[out >> 24] ^ lane)
    return out


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``, as TensorFlow's ``crc32c::Value``."""
    data = bytes(data)
    if len(data) < _SMALL:
        return _raw_update(0xFFFFFFFF, data) ^ 0xFFFFFFFF
    # The initial all-ones register equals XOR-ing 0xFF into the first four data bytes.
    head = bytes(b ^ 0xFF for b in data[:4])
    return _raw_crc_lanes(head + data[4:]) ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right by 15 bits and add a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame_record(data: bytes) -> bytes:
    """One TFRecord: length, masked CRC of the length, data, masked CRC of the data."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_records(raw: bytes) -> list[bytes]:
    """Split TFRecord bytes into records, checking both CRCs (for tests and tools)."""
    out = []
    pos = 0
    while pos < len(raw):
        header = raw[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (hcrc,) = struct.unpack("<I", raw[pos + 8:pos + 12])
        if hcrc != masked_crc32c(header):
            raise ValueError(f"corrupt record header at byte {pos}")
        data = raw[pos + 12:pos + 12 + length]
        (dcrc,) = struct.unpack("<I", raw[pos + 12 + length:pos + 16 + length])
        if len(data) != length or dcrc != masked_crc32c(data):
            raise ValueError(f"corrupt record data at byte {pos}")
        out.append(data)
        pos += 16 + length
    return out
