"""The safetensors file format, written and read without the ``safetensors`` package.

Layout: an 8-byte little-endian header length N, N bytes of JSON (padded with spaces to a
multiple of 8) mapping each name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` plus an
optional ``"__metadata__"`` of strings, then the tensors' bytes (little-endian, C order). As the
reference writer does, tensors are stored by decreasing dtype rank, then by name.
"""

from __future__ import annotations

import json
import os
import struct
import sys

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from . import rebuild

# the reference implementation's dtype order (it sorts by this, largest first)
_RANK = {c: i for i, c in enumerate(
    ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16",
     "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64"])}
# safetensors code -> torch dtype name (for loading)
_TORCH_NAME = {"BOOL": "bool", "U8": "uint8", "I8": "int8", "I16": "int16", "U16": "uint16",
               "F16": "float16", "BF16": "bfloat16", "I32": "int32", "U32": "uint32",
               "F32": "float32", "C64": "complex64", "F64": "float64", "I64": "int64",
               "U64": "uint64"}
# numtorch dtype name -> safetensors code (for saving)
_CODE = {name: code for code, name in _TORCH_NAME.items()
         if name in D.ALIASES and D.ALIASES[name].np is not None}
_MAX_HEADER = 100_000_000


def save_safetensors(tensors: dict, path: str | os.PathLike,
                     metadata: dict[str, str] | None = None) -> None:
    """Write ``{name: Tensor}`` to a ``.safetensors`` file (``safetensors.torch.save_file``)."""
    from ..serialization import _atomic_write

    if metadata is not None and not (isinstance(metadata, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())):
        raise TypeError("metadata must be a dict of str to str")
    entries = []
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"tensor names must be str, got {type(name).__name__}")
        if not isinstance(t, Tensor):
            raise TypeError(f"{name!r} is a {type(t).__name__}, not a Tensor")
        code = _CODE.get(t.dtype.name)
        if code is None:
            raise ValueError(f"safetensors has no type for {t.dtype} (tensor {name!r})")
        arr = np.ascontiguousarray(t.detach().numpy(), dtype=t.dtype.np.newbyteorder("<"))
        entries.append((name, code, arr))
    entries.sort(key=lambda e: (-_RANK[e[1]], e[0]))
    header: dict = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, code, arr in entries:
        header[name] = {"dtype": code, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)

    def write(out, _folder) -> None:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for _, _, arr in entries:
            out.write(memoryview(arr.reshape(-1)).cast("B"))

    _atomic_write(os.fspath(path), write)


def load_safetensors(path: str | os.PathLike) -> dict:
    """Read a ``.safetensors`` file into ``{name: Tensor}`` (``safetensors.torch.load_file``).

    The ``__metadata__`` strings are available from :func:`safetensors_metadata`.
    """
    header, data = _read(path)
    entries = [(k, v) for k, v in header.items() if k != "__metadata__"]
    tensors = [(name, _tensor(path, name, info, data)) for name, info in entries]
    _check_tiling(path, entries, len(data))
    return dict(tensors)


def _check_tiling(path, entries, data_len: int) -> None:
    """The tensors' byte ranges must cover the data exactly: no overlap, gap or trailing byte
    (as the ``safetensors`` package requires)."""
    end = 0
    for name, info in sorted(entries, key=lambda kv: tuple(kv[1]["data_offsets"])):
        start, stop = info["data_offsets"]
        if start < end:
            raise _bad(path, f"tensor {name!r} overlaps the previous tensor's bytes")
        if start > end:
            raise _bad(path, f"{start - end} bytes before tensor {name!r} belong to no tensor")
        end = stop
    if end != data_len:
        raise _bad(path, f"{data_len - end} trailing bytes after the last tensor")


def safetensors_metadata(path: str | os.PathLike) -> dict | None:
    """The ``__metadata__`` of a ``.safetensors`` file, or ``None``."""
    return _read(path, header_only=True)[0].get("__metadata__")


def _bad(path, why: str) -> ValueError:
    return ValueError(f"invalid safetensors file {os.fspath(path)!r}: {why}")


def _read(path, header_only: bool = False) -> tuple[dict, bytes]:
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise _bad(path, "file is too short for the header length")
        (n,) = struct.unpack("<Q", head)
        size = os.fstat(f.fileno()).st_size
        if n > _MAX_HEADER or n > size - 8:
            raise _bad(path, f"header length {n} exceeds the file")
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise _bad(path, f"header is not JSON ({e})") from None
        except RecursionError:
            raise _bad(path, "header nests too deeply") from None
        if not isinstance(header, dict):
            raise _bad(path, "header is not a JSON object")
        meta = header.get("__metadata__")
        if meta is not None and not (isinstance(meta, dict) and all(
                isinstance(v, str) for v in meta.values())):
            raise _bad(path, "__metadata__ must map strings to strings")
        data = b"" if header_only else f.read()
    return header, data


def _tensor(path, name: str, info, data: bytes) -> Tensor:
    if not isinstance(info, dict):
        raise _bad(path, f"entry {name!r} is not an object")
    code = info.get("dtype")
    shape = info.get("shape")
    offsets = info.get("data_offsets")
    if code not in _TORCH_NAME:
        raise _bad(path, f"tensor {name!r} has unsupported dtype {code!r}")
    if not (isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape)):
        raise _bad(path, f"tensor {name!r} has a bad shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(isinstance(o, int) for o in offsets)
            and 0 <= offsets[0] <= offsets[1] <= len(data)):
        raise _bad(path, f"tensor {name!r} has bad data_offsets {offsets!r}")
    torch_name = _TORCH_NAME[code]
    raw_dt = rebuild.tables.raw_numpy_dtype(torch_name).newbyteorder("<")
    count = 1
    for s in shape:
        count *= s
    if offsets[1] - offsets[0] != count * raw_dt.itemsize:
        raise _bad(path, f"tensor {name!r} of shape {shape} needs {count * raw_dt.itemsize} "
                         f"bytes, its data_offsets span {offsets[1] - offsets[0]}")
    nbytes = offsets[1] - offsets[0]
    raw = (np.frombuffer(data, np.uint8, count=nbytes, offset=offsets[0]).copy() if nbytes
           else np.empty(0, np.uint8))
    if sys.byteorder != "little" and raw_dt.itemsize > 1:
        raw = raw.view(raw_dt).byteswap().view(np.uint8)
    storage = rebuild.LoadedStorage(raw, torch_name, "cpu")
    return rebuild.tensor_from_storage(storage, torch_name, 0, shape,
                                       _contiguous_strides(shape))


def _contiguous_strides(shape) -> list:
    out, acc = [], 1
    for s in reversed(shape):
        out.append(acc)
        acc *= max(s, 1)
    return out[::-1]
