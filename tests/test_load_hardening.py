"""Loading broken or hostile checkpoints: numtorch refuses what torch refuses, with torch's
exception type (and text where it is user-visible), before allocating what a file declares."""

from __future__ import annotations

import collections
import io
import json
import pickle
import struct
import warnings
import zipfile

import numpy as np
import pytest
import torch
import torch._utils

import numtorch
from tests.oracle import _strip


class _StorageRef:
    def __init__(self, pid) -> None:
        self.pid = pid


class _Rebuild:
    """Pickles as torch's ``_rebuild_tensor_v2(storage, offset, size, stride, ...)``, with an
    optional BUILD state."""

    def __init__(self, storage, offset, size, stride, state=None) -> None:
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())
        self.state = state

    def __reduce__(self):
        r = (torch._utils._rebuild_tensor_v2, self.args)
        return r if self.state is None else r + (self.state,)


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, _StorageRef) else None


def _pkl(obj) -> bytes:
    b = io.BytesIO()
    _Pickler(b, protocol=2).dump(obj)
    return b.getvalue()


def _zip(records, compressed=()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in records:
            kind = zipfile.ZIP_DEFLATED if name in compressed else zipfile.ZIP_STORED
            z.writestr(zipfile.ZipInfo(f"archive/{name}"), data, compress_type=kind)
    return buf.getvalue()


F32 = np.arange(4, dtype=np.float32).tobytes()


def _tensor(numel=4, loc="cpu", offset=0, size=(4,), stride=(1,), state=None):
    return _Rebuild(_StorageRef(("storage", torch.FloatStorage, "0", loc, numel)), offset, size,
                    stride, state)


def _file(obj=None, data=F32, version=b"3\n", byteorder=b"little", extra=(), compressed=()):
    obj = _tensor() if obj is None else obj
    return _zip([("data.pkl", _pkl(obj)), ("byteorder", byteorder), ("data/0", data),
                 ("version", version), *extra], compressed)


def _outcome(lib, blob):
    try:
        out = lib.load(io.BytesIO(blob), weights_only=True)
    except Exception as e:  # noqa: BLE001 - the outcome is compared
        return e
    return out


CASES = {
    "byteorder weird": (_file(byteorder=b"weird"), True),
    "version not a number": (_file(version=b"abc\n"), True),
    "version too new": (_file(version=b"99\n"), True),
    "version too old": (_file(version=b"0\n"), True),
    "unknown location": (_file(_tensor(loc="foo")), True),
    "numel not an int": (_file(_tensor(numel=4.0)), False),
    "record longer than numel": (_file(_tensor(numel=1, size=(1,))), True),
    "record shorter than numel": (_file(_tensor(numel=8, size=(8,))), True),
    "record not a multiple of the item size": (_file(_tensor(numel=1, size=(1,)),
                                                    data=F32[:7]), True),
    "size not ints": (_file(_tensor(size=(4.0,))), False),
    "stride not ints": (_file(_tensor(stride=(1.0,))), False),
    "offset not an int": (_file(_tensor(offset=0.0)), False),
    "offset overflows": (_file(_tensor(offset=2 ** 62)), True),
    "BUILD with a dict onto a Tensor": (_file(_tensor(state={"a": 1})), False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_like_torch(case):
    blob, same_text = CASES[case]
    theirs = _outcome(torch, blob)
    ours = _outcome(numtorch, blob)
    assert isinstance(theirs, Exception), f"torch loaded it: {theirs!r}"
    assert type(ours) is type(theirs), f"numtorch: {ours!r}; torch: {theirs!r}"
    if same_text:
        text = _strip(str(theirs)).split("] . ", 1)[-1]  # torch's C++ location prefix
        assert text in str(ours), f"{ours} != torch {theirs}"


ACCEPTED = {
    "compressed storage": lambda: _file(compressed=("data/0",)),
    "compressed data.pkl": lambda: _file(compressed=("data.pkl",)),
    "duplicate data.pkl": lambda: _file(extra=[("data.pkl", _pkl([1, 2]))]),
    "duplicate storage": lambda: _file(extra=[("data/0", F32[:8])]),
    "version 1.5": lambda: _file(version=b"1.5\n"),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_like_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        blob = ACCEPTED[case]()
    theirs = _outcome(torch, blob)
    ours = _outcome(numtorch, blob)
    assert isinstance(theirs, torch.Tensor)
    assert isinstance(ours, numtorch.Tensor), ours
    assert ours.tolist() == theirs.tolist()


def _torch_file() -> bytes:
    b = io.BytesIO()
    torch.save(torch.arange(4.0), b)
    return b.getvalue()


def _with_central_directory_size(blob: bytes, size: int) -> bytes:
    blob = bytearray(blob)
    z64 = blob.rfind(b"PK\x06\x06")
    if z64 >= 0:
        blob[z64 + 40:z64 + 48] = struct.pack("<Q", size)
    end = blob.rfind(b"PK\x05\x06")
    if struct.unpack("<I", blob[end + 12:end + 16])[0] != 0xFFFFFFFF:
        blob[end + 12:end + 16] = struct.pack("<I", min(size, 0xFFFFFFFE))
    return bytes(blob)


@pytest.mark.parametrize("size", [8 << 30, 1 << 40], ids=["8GiB", "1TiB"])
def test_huge_central_directory_is_refused_before_allocating(size):
    blob = _with_central_directory_size(_torch_file(), size)
    theirs, ours = _outcome(torch, blob), _outcome(numtorch, blob)
    assert type(ours) is type(theirs) is RuntimeError, ours
    assert _strip(str(theirs)) in str(ours)


def test_zip_bomb_storage_is_refused_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, payload in (("data.pkl", _pkl(_tensor(numel=1, size=(1,)))),
                              ("byteorder", b"little"), ("version", b"3\n")):
            z.writestr(f"archive/{name}", payload)
        info = zipfile.ZipInfo("archive/data/0")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            zeros = bytes(1 << 20)
            for _ in range(64):
                f.write(zeros)
    blob = buf.getvalue()
    assert len(blob) < 1 << 20
    theirs, ours = _outcome(torch, blob), _outcome(numtorch, blob)
    assert type(ours) is type(theirs) is RuntimeError
    assert str(ours) == str(theirs)


def test_stored_record_past_the_end_of_the_file_is_refused():
    blob = bytearray(_file())
    # declare the storage record 1 TiB long in its central-directory entry
    at = blob.find(b"PK\x01\x02" , blob.find(b"archive/data/0") - 60)
    entry = blob.rfind(b"PK\x01\x02", 0, blob.rfind(b"archive/data/0") + 1)
    assert entry >= 0 and at >= 0
    blob[entry + 20:entry + 28] = struct.pack("<II", 0xFFFFFFF0, 0xFFFFFFF0)
    ours = _outcome(numtorch, bytes(blob))
    assert isinstance(ours, RuntimeError), ours


# -- safetensors ---------------------------------------------------------------------------
def _safetensors(tmp_path, header: dict, data: bytes):
    raw = json.dumps(header).encode()
    path = tmp_path / "m.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)
    return path


@pytest.mark.parametrize("layout", ["overlap", "gap", "trailing"])
def test_safetensors_byte_ranges_must_tile_the_data(tmp_path, layout):
    a = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    b = {"dtype": "F32", "shape": [2], "data_offsets": {"overlap": [4, 12], "gap": [12, 20],
                                                         "trailing": [8, 16]}[layout]}
    size = {"overlap": 12, "gap": 20, "trailing": 20}[layout]
    path = _safetensors(tmp_path, {"a": a, "b": b}, bytes(size))
    with pytest.raises(ValueError, match="invalid safetensors file"):
        numtorch.load_safetensors(path)
    safetensors = pytest.importorskip("safetensors.torch", reason="the safetensors extra")
    with pytest.raises(Exception):  # noqa: B017 - the reference refuses too
        safetensors.load_file(path)


def test_safetensors_deeply_nested_header_is_a_clean_error(tmp_path):
    raw = b'{"__metadata__":' + b"[" * 100000 + b"]" * 100000 + b"}"
    path = tmp_path / "deep.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(ValueError, match="invalid safetensors file"):
        numtorch.load_safetensors(path)
