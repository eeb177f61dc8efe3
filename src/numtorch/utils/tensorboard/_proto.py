"""Hand-written protobuf wire encoding for the few messages an event file holds.

Each ``f_*`` helper returns the bytes of one field (key + payload). Like proto3 serializers,
scalar fields equal to their default are left out unless ``always=True`` (members of a
``oneof`` have presence and are always written). Messages are built by concatenating fields in
field-number order, the order protobuf's own serializers use. Field numbers follow
TensorBoard's ``event.proto``, ``summary.proto``, ``tensor.proto``, ``graph.proto`` and the
plugin protos; the numbers are noted next to each builder.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

import numpy as np

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


def varint(n: int) -> bytes:
    """Base-128 varint; negative numbers as 64-bit two's complement (ten bytes)."""
    n = int(n)
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return varint((field << 3) | wire_type)


def f_varint(field: int, value: int, always: bool = False) -> bytes:
    """int32/int64/uint32/uint64/bool/enum field."""
    value = int(value)
    if not value and not always:
        return b""
    return _key(field, _VARINT) + varint(value)


def f_double(field: int, value: float, always: bool = False) -> bytes:
    value = float(value)
    if value == 0.0 and not always and not np.signbit(value):
        return b""
    return _key(field, _I64) + struct.pack("<d", value)


def f_float(field: int, value: float, always: bool = False) -> bytes:
    value = float(np.float32(value))
    if value == 0.0 and not always and not np.signbit(value):
        return b""
    return _key(field, _I32) + struct.pack("<f", value)


def f_bytes(field: int, value: bytes | str, always: bool = False) -> bytes:
    """string/bytes field (``str`` is UTF-8 encoded)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not value and not always:
        return b""
    return _key(field, _LEN) + varint(len(value)) + bytes(value)


def f_message(field: int, body: bytes) -> bytes:
    """Embedded message field (always present once set, even when empty)."""
    return _key(field, _LEN) + varint(len(body)) + body


def f_repeated_bytes(field: int, values: Iterable[bytes | str]) -> bytes:
    return b"".join(f_bytes(field, v, always=True) for v in values)


def f_repeated_message(field: int, bodies: Iterable[bytes]) -> bytes:
    return b"".join(f_message(field, b) for b in bodies)


def _packed(field: int, payload: bytes) -> bytes:
    if not payload:
        return b""
    return _key(field, _LEN) + varint(len(payload)) + payload


def f_packed_double(field: int, values) -> bytes:
    return _packed(field, np.asarray(values, dtype="<f8").tobytes())


def f_packed_float(field: int, values) -> bytes:
    return _packed(field, np.asarray(values, dtype="<f4").tobytes())


def f_packed_varint(field: int, values: Iterable[int]) -> bytes:
    return _packed(field, b"".join(varint(v) for v in values))
