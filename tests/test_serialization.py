"""numtorch.save / numtorch.load against torch.save / torch.load (TORCH_FACTS §2.8).

Files go through disk both ways: torch writes, numtorch reads; numtorch writes, torch reads;
re-saving a torch file gives the same bytes; refusals and corrupt files give clear errors.
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import numtorch as nt
from numtorch import serialization as S

MARKER_NAME = "numtorch-pwned-marker"


# -- helpers ---------------------------------------------------------------------------------
def assert_same(ours, theirs, path="obj"):
    """Recursive comparison of a numtorch-loaded object with a torch one."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, nt.Tensor), path
        if theirs.dtype == torch.bfloat16:
            theirs = theirs.float()
        assert str(ours.dtype) == str(theirs.dtype), path
        assert tuple(ours.shape) == tuple(theirs.shape), path
        assert ours.stride() == theirs.stride(), path
        assert ours.storage_offset() == theirs.storage_offset(), path
        assert ours.requires_grad == theirs.requires_grad, path
        assert isinstance(ours, nt.nn.Parameter) == isinstance(theirs, torch.nn.Parameter), path
        assert ours.detach().numpy().tobytes() == theirs.detach().numpy().tobytes(), path
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs), path
        assert list(ours) == list(theirs), path
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{path}[{k!r}]")
        if hasattr(theirs, "_metadata"):
            assert ours._metadata == theirs._metadata, path
    elif isinstance(theirs, (list, tuple)):
        assert type(ours).__name__ == type(theirs).__name__, path  # torch.Size: numtorch's
        assert len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, torch.dtype):
        assert str(ours) == str(theirs), path
    elif isinstance(theirs, torch.device):
        assert str(ours) == str(theirs), path
    else:
        assert ours == theirs and type(ours) is type(theirs), path


def torch_reading_case():
    """§2.8 'Reading': views of one storage, many dtypes, a Parameter, _metadata, plain values."""
    g = torch.Generator().manual_seed(0)
    base = torch.randn(3, 4, generator=g)
    sd = OrderedDict()
    sd["base"] = base
    sd["t"] = base.t()
    sd["off"] = base[1:, 2:]
    sd["long"] = torch.arange(7)
    sd["zero_d"] = torch.tensor(3.5)
    sd["empty"] = torch.empty(0, 3)
    sd["f16"] = torch.randn(5, generator=g).half()
    sd["f64"] = torch.randn(2, 2, generator=g).double()
    sd["i32"] = torch.arange(-3, 3, dtype=torch.int32)
    sd["i16"] = torch.arange(4, dtype=torch.int16)
    sd["i8"] = torch.arange(-2, 2, dtype=torch.int8)
    sd["u8"] = torch.arange(250, 256, dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["c64"] = torch.randn(3, dtype=torch.complex64, generator=g)
    sd["c128"] = torch.randn(2, dtype=torch.complex128, generator=g)
    sd["param"] = torch.nn.Parameter(torch.randn(2, 3, generator=g))
    sd["frozen"] = torch.nn.Parameter(torch.ones(2), requires_grad=False)
    sd["grad"] = torch.ones(2, requires_grad=True)
    sd["expanded"] = torch.ones(3).expand(2, 3)
    sd._metadata = OrderedDict([("", {"version": 1}), ("sub", {"version": 2})])
    return {"sd": sd, "py": [1, -2, 2 ** 40, 2 ** 70, 2.5, "text", None, True, (1, 2, 3, 4),
                             {"nested": [torch.zeros(1)]}, b"raw", {3, 4}, 3 + 4j,
                             torch.float16, torch.device("cpu"), torch.Size([2, 3])]}


def save_bytes(obj) -> bytes:
    buf = io.BytesIO()
    S.save(obj, buf)
    return buf.getvalue()


# -- torch writes, numtorch reads ------------------------------------------------------------
@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
def test_load_torch_file(tmp_path, zip_format):
    case = torch_reading_case()
    path = tmp_path / "ckpt.pt"
    torch.save(case, path, _use_new_zipfile_serialization=zip_format)
    ours = S.load(path)
    assert_same(ours, torch.load(path))
    sd = ours["sd"]
    # the three views share one buffer: a write through one shows in the others
    sd["base"]._data[1, 2] = 42.0
    assert sd["t"]._data[2, 1] == 42.0 and sd["off"]._data[0, 0] == 42.0
    assert all(t._data.flags.writeable for t in sd.values())


@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
def test_load_torch_dtypes_numpy_lacks(tmp_path, zip_format):
    """bfloat16, uint16/32/64 and float8 load as themselves, bit for bit, without a warning."""
    bf = torch.tensor([1.5, -2.25, 3e38], dtype=torch.bfloat16)
    u16 = torch.tensor([0, 65535], dtype=torch.uint16)
    u64 = torch.tensor([0, 2 ** 64 - 1], dtype=torch.uint64)
    f8 = torch.tensor([0.3, -448.0], dtype=torch.float8_e4m3fn)
    path = tmp_path / "x.pt"
    torch.save({"bf": bf, "u16": u16, "u64": u64, "f8": f8}, path,
               _use_new_zipfile_serialization=zip_format)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = S.load(path)
    for key, t in (("bf", bf), ("u16", u16), ("u64", u64), ("f8", f8)):
        assert str(ours[key].dtype) == str(t.dtype)
        assert ours[key]._data.tobytes() == t.view(
            {1: torch.uint8, 2: torch.int16, 8: torch.int64}[t.itemsize]).numpy().tobytes()


@pytest.mark.parametrize("name", ["bfloat16", "uint16", "uint32", "uint64", "float8_e4m3fn",
                                  "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"])
def test_torch_reads_new_dtypes(tmp_path, name):
    """torch loads numtorch's bfloat16/uint/float8 checkpoints (views and Parameters too)."""
    base = nt.arange(12).reshape(3, 4).to(getattr(nt, name))
    case = {"t": base[:, 1:3], "p": nt.nn.Parameter(base.float().to(getattr(nt, name)))
            if name == "bfloat16" else base}
    path = tmp_path / "n.pt"
    S.save(case, path)
    theirs = torch.load(path)
    ref = torch.arange(12).reshape(3, 4).to(getattr(torch, name))
    assert theirs["t"].dtype == ref.dtype and torch.equal(theirs["t"].float(), ref[:, 1:3].float())
    assert torch.equal(theirs["p"].float(), ref.float())
    back = S.load(path)
    assert back["t"].dtype is getattr(nt, name)
    assert back["t"].float().tolist() == ref[:, 1:3].float().tolist()


def test_load_torch_module_and_optimizer_state(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.randn(5, 3)).sum().backward()
    opt.step()
    path = tmp_path / "train.pt"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 3}, path)
    ours = S.load(path)
    assert_same(ours, torch.load(path))
    assert ours["opt"]["state"][0]["step"].dtype == nt.float32
    net = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.ReLU(), nt.nn.Linear(4, 2))
    net.load_state_dict(ours["model"])
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    expect = model(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(net(nt.from_numpy(x)).detach().numpy(), expect, rtol=1e-6)


def test_load_file_objects_and_unseekable(tmp_path):
    buf = io.BytesIO()
    torch.save({"a": torch.arange(4.0)}, buf)
    buf.seek(0)
    assert S.load(buf)["a"].tolist() == [0.0, 1.0, 2.0, 3.0]

    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._b = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, b):
            return self._b.readinto(b)

    assert S.load(Pipe(buf.getvalue()))["a"].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_load_plain_zipfile_archive_and_map_location(tmp_path):
    """Any zip works for reading (deflated, unaligned); map_location forms; 'cuda:0' -> CPU."""
    src = save_bytes({"w": nt.arange(6.0).reshape(2, 3)})
    zin = zipfile.ZipFile(io.BytesIO(src))
    pkl = zin.read("archive/data.pkl").replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
    path = tmp_path / "deflated.pt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = pkl if info.filename.endswith("data.pkl") else zin.read(info)
            zout.writestr(info.filename.replace("archive/", "other/"), data)
    seen = []
    for loc in (None, "cpu", nt.device("cpu"), {"cuda:0": "cpu"},
                lambda storage, location: seen.append(location)):
        out = S.load(path, map_location=loc)
        assert out["w"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        assert out["w"].device == nt.device("cpu")
    assert seen == ["cuda:0"]


# -- numtorch writes, torch reads ------------------------------------------------------------
def numtorch_writing_case():
    rng = np.random.default_rng(1)
    base = nt.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
    sd = OrderedDict()
    sd["base"] = base
    sd["t"] = base.t()
    sd["off"] = base[1:, 2:]
    sd["long"] = nt.arange(7)
    sd["zero_d"] = nt.tensor(3.5)
    sd["empty"] = nt.zeros(0, 3)
    sd["f16"] = nt.ones(3, dtype=nt.float16)
    sd["f64"] = nt.from_numpy(rng.standard_normal(4))
    sd["i32"] = nt.arange(-3, 3, dtype=nt.int32)
    sd["u8"] = nt.arange(250, 256, dtype=nt.uint8)
    sd["bool"] = nt.tensor([True, False])
    sd["c64"] = nt.tensor([1 + 2j, 3 - 4j], dtype=nt.complex64)
    sd["c128"] = nt.tensor([1 + 2j], dtype=nt.complex128)
    sd["param"] = nt.nn.Parameter(nt.ones(2, 2))
    sd["grad"] = nt.ones(2, requires_grad=True)
    sd["expanded"] = nt.ones(3).expand(2, 3)
    sd["step"] = nt.tensor(5.0)
    sd._metadata = OrderedDict([("", {"version": 1})])
    return {"sd": sd, "py": [1, 2 ** 70, -5, 2.5, "s", None, False, (1,), {"k": [1, 2]},
                             b"\x00\xff", {1, 2}, 1 - 1j, nt.float64, nt.device("cpu"),
                             nt.Size([4, 5])]}


def test_torch_loads_numtorch_file(tmp_path):
    case = numtorch_writing_case()
    path = tmp_path / "ours.pt"
    S.save(case, path)
    theirs = torch.load(path, weights_only=True)
    assert_same(case, theirs)  # numtorch objects against what torch read
    sd = theirs["sd"]
    ptr = sd["base"].untyped_storage().data_ptr()
    assert sd["t"].untyped_storage().data_ptr() == ptr
    assert sd["off"].untyped_storage().data_ptr() == ptr
    assert sd["expanded"].stride() == (0, 1)
    mapped = torch.load(path, mmap=True)
    assert_same(case, mapped)
    # and numtorch reads its own file back the same way
    assert_same(S.load(path), theirs)
    assert_same(S.load(path, mmap=True), theirs)


def test_numtorch_state_dict_into_torch_module(tmp_path):
    nt.manual_seed(0)
    lin = nt.nn.Linear(3, 2)
    path = tmp_path / "lin.pth"
    S.save(lin.state_dict(), path)
    ref = torch.nn.Linear(3, 2)
    ref.load_state_dict(torch.load(path))
    assert np.array_equal(ref.weight.detach().numpy(), lin.weight.detach().numpy())
    # the pickle is exactly torch's for the same module structure
    ours = zipfile.ZipFile(path).read("lin/data.pkl")
    tbuf = io.BytesIO()
    torch.save(ref.state_dict(), tbuf)
    assert ours == zipfile.ZipFile(tbuf).read("archive/data.pkl")


def test_torch_mmap_with_computed_offsets(tmp_path):
    """torch's mmap loader computes storage offsets from the layout; debug mode asserts them."""
    path = tmp_path / "layout.pt"
    case = numtorch_writing_case()["sd"]
    S.save(case, path)
    expect = {k: v.detach().numpy().tolist() for k, v in case.items()}
    code = textwrap.dedent(f"""
        import torch, torch.utils.serialization as s
        s.config.load.calculate_storage_offsets = True
        sd = torch.load({str(path)!r}, mmap=True)
        print(repr({{k: v.detach().tolist() for k, v in sd.items()}}))
    """)
    env = dict(os.environ, TORCH_SERIALIZATION_DEBUG="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert eval(out.stdout) == expect


def test_tensor_attributes_and_file_like_folder(tmp_path):
    t = nt.arange(3.0)
    t.note = "hello"
    data = save_bytes([t])
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()[0] == "archive/data.pkl"
    (back,) = torch.load(io.BytesIO(data))
    assert back.note == "hello" and back.tolist() == [0.0, 1.0, 2.0]
    tt = torch.arange(3.0)
    tt.note = "hello"
    buf = io.BytesIO()
    torch.save([tt], buf)
    read = lambda raw: zipfile.ZipFile(io.BytesIO(raw)).read("archive/data.pkl")  # noqa: E731
    assert read(buf.getvalue()) == read(data)
    (ours,) = S.load(io.BytesIO(data))
    assert ours.note == "hello"


@pytest.mark.parametrize("name, folder", [("a.b.pth", "a.b"), ("noext", "noext"),
                                          ("x.tar.gz", "x.tar")])
def test_archive_folder_from_file_name(tmp_path, name, folder):
    S.save(nt.zeros(1), tmp_path / name)
    torch.save(torch.zeros(1), tmp_path / ("t_" + name))
    assert zipfile.ZipFile(tmp_path / name).namelist()[0] == f"{folder}/data.pkl"
    assert zipfile.ZipFile(tmp_path / ("t_" + name)).namelist()[0] == f"t_{folder}/data.pkl"
    S.save(nt.zeros(1), str(tmp_path / name))  # str paths too
    assert torch.load(tmp_path / name).tolist() == [0.0]


def test_views_torch_cannot_express_are_saved_as_copies(tmp_path):
    arr = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    flipped = nt.Tensor._from_array(arr[::-1, ::2])  # negative stride: not a torch view
    path = tmp_path / "v.pt"
    S.save([flipped, nt.Tensor._from_array(arr)], path)
    a, b = torch.load(path)
    assert a.tolist() == arr[::-1, ::2].tolist() and b.tolist() == arr.tolist()


def test_same_memory_as_two_dtypes_is_refused():
    arr = np.arange(4, dtype=np.float32)
    a, b = nt.Tensor._from_array(arr), nt.Tensor._from_array(arr.view(np.int32))
    ta = torch.arange(4.0)
    with pytest.raises(RuntimeError) as theirs:
        torch.save([ta, ta.view(torch.int32)], io.BytesIO())
    with pytest.raises(RuntimeError) as ours:
        S.save([a, b], io.BytesIO())
    assert str(ours.value) == str(theirs.value)


# -- byte identity ---------------------------------------------------------------------------
def _torch_objects():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(12)])  # key '10' twice
    opt = torch.optim.Adam(seq.parameters())
    seq(torch.randn(3, 2)).sum().backward()
    opt.step()
    base = torch.randn(4, 5)
    return {
        "views": {"base": base, "t": base.t(), "off": base[1:, 2:], "again": base},
        "seq": seq.state_dict(),
        "adam": opt.state_dict(),
        "param": torch.nn.Parameter(torch.randn(3)),
        "misc": {"dev": torch.device("cpu"), "dt": torch.float16, "size": torch.Size([2, 3]),
                 "bytes": b"ab", "set": {1, 2}, "big": 2 ** 70, "neg": -2 ** 40, "f": 1.5,
                 "c": 3 + 4j, "long_list": list(range(2100)), "dict": {i: i for i in range(1001)},
                 "tensors": [torch.arange(3), torch.tensor(True), torch.zeros(0)]},
    }


@pytest.mark.parametrize("case", ["views", "seq", "adam", "param", "misc"])
def test_resave_is_byte_identical(tmp_path, case):
    obj = _torch_objects()[case]
    (tmp_path / "t").mkdir()
    (tmp_path / "n").mkdir()
    theirs = tmp_path / "t" / f"{case}.pt"
    ours = tmp_path / "n" / f"{case}.pt"
    torch.save(obj, theirs)
    sid = zipfile.ZipFile(theirs).read(f"{case}/.data/serialization_id").decode()
    S.save(S.load(theirs), ours, _serialization_id=sid)
    assert ours.read_bytes() == theirs.read_bytes()
    # without the id: same bytes except the id's first (name-hash) half
    S.save(S.load(theirs), ours)
    own_sid = zipfile.ZipFile(ours).read(f"{case}/.data/serialization_id").decode()
    assert own_sid[20:] == sid[20:] and own_sid[:20] == "0" * 20


# -- refusals (weights-only) -----------------------------------------------------------------
class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _Trusted:
    def __init__(self, x=1):
        self.x = x


def _both_errors(path, **kw):
    with pytest.raises(Exception) as theirs:
        torch.load(path, **kw)
    with pytest.raises(Exception) as ours:
        S.load(path, **kw)
    return ours.value, theirs.value


def test_malicious_checkpoints_are_refused(tmp_path):
    marker = tmp_path / MARKER_NAME
    cases = {}
    torch.save({"w": torch.zeros(1), "x": _Evil(marker)}, tmp_path / "torch_zip.pt")
    cases["torch_zip"] = tmp_path / "torch_zip.pt"
    S.save({"w": nt.zeros(1), "x": _Evil(marker)}, tmp_path / "ours_zip.pt")
    cases["ours_zip"] = tmp_path / "ours_zip.pt"
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps(_Evil(marker), protocol=2))
    cases["plain"] = tmp_path / "plain.pkl"
    for name, path in cases.items():
        ours, theirs = _both_errors(path)
        assert type(ours) is pickle.UnpicklingError, name
        assert str(ours) == str(theirs), name
        assert "posix.system whose module posix is blocked" in str(ours)
    assert not marker.exists()


@pytest.mark.parametrize("what", ["numpy_scalar", "protocol4", "builtins_bytes", "class"])
def test_refusal_messages_match_torch(tmp_path, what):
    path = tmp_path / f"{what}.pt"
    obj = {"numpy_scalar": np.float64(1.0), "protocol4": {"a": 1}, "builtins_bytes": b"",
           "class": _Trusted()}[what]
    torch.save(obj, path, pickle_protocol=4 if what == "protocol4" else 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _both_errors(path)
    assert type(ours) is pickle.UnpicklingError
    assert str(ours) == str(theirs)


def test_add_safe_globals(tmp_path):
    path = tmp_path / "trusted.pt"
    S.save({"obj": _Trusted(7)}, path)
    with pytest.raises(pickle.UnpicklingError):
        S.load(path)
    with S.safe_globals([_Trusted]):
        assert S.load(path)["obj"].x == 7
        assert _Trusted in S.get_safe_globals()
    assert _Trusted not in S.get_safe_globals()
    S.add_safe_globals([_Trusted])
    try:
        assert S.load(path)["obj"].x == 7
        torch.serialization.add_safe_globals([_Trusted])
        assert torch.load(path)["obj"].x == 7
    finally:
        S.clear_safe_globals()
        torch.serialization.clear_safe_globals()
    assert S.get_safe_globals() == []


def test_whole_module_needs_weights_only_false(tmp_path):
    nt.manual_seed(0)
    model = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.Tanh(), nt.nn.Linear(4, 2))
    path = tmp_path / "model.pth"
    S.save(model, path)
    with pytest.raises(pickle.UnpicklingError,
                       match="Unsupported global: GLOBAL torch.nn.modules.container.Sequential"):
        S.load(path)
    loaded = S.load(path, weights_only=False)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    x = nt.randn(5, 3)
    assert np.array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    assert isinstance(loaded[0].weight, nt.nn.Parameter) and loaded[0].weight.requires_grad
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        S.load(path, pickle_module=pickle, weights_only=True)
    assert type(S.load(path, pickle_module=pickle)) is type(model)


def test_whole_torch_module_loads_as_numtorch_module(tmp_path):
    """weights_only=False maps torch.nn classes to numtorch.nn's at the same path."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    path = tmp_path / "whole.pt"
    torch.save(model, path)
    ours = S.load(path, weights_only=False)
    assert type(ours) is nt.nn.Sequential and repr(ours) == repr(model)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(nt.from_numpy(x)).detach().numpy(),
                               model(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_zip64_fields_are_read_by_torch(tmp_path, monkeypatch):
    """Records past the zip64 limit (4 GiB; lowered here) get zip64 sizes and offsets."""
    from numtorch._serialization import zipformat

    monkeypatch.setattr(zipformat, "ZIP64_LIMIT", 300)
    path = tmp_path / "z64.pt"
    S.save({"a": nt.arange(100.0), "b": nt.arange(10)}, path)
    for out in (torch.load(path), torch.load(path, mmap=True), S.load(path),
                S.load(path, mmap=True)):
        assert out["a"].tolist() == list(map(float, range(100)))
        assert out["b"].tolist() == list(range(10))


# -- corrupt files ---------------------------------------------------------------------------
def test_truncated_and_corrupt_files(tmp_path):
    good = tmp_path / "good.pt"
    torch.save({"w": torch.arange(100.0)}, good)
    data = good.read_bytes()
    trunc = tmp_path / "trunc.pt"
    trunc.write_bytes(data[: len(data) // 2])
    ours, theirs = _both_errors(trunc)
    assert type(ours) is RuntimeError
    assert str(theirs) in str(ours) and "trunc.pt" in str(ours)
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    ours, theirs = _both_errors(empty)
    assert type(ours) is type(theirs) is EOFError and "empty.pt" in str(ours)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"hello world garbage" * 10)
    with pytest.raises(RuntimeError, match="Invalid magic number.*garbage.pt"):
        S.load(garbage)
    flipped = bytearray(data)
    flipped[data.find(torch.arange(100.0).numpy().tobytes()) + 5] ^= 0xFF
    bad = tmp_path / "flipped.pt"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(RuntimeError, match="data/0: CRC-32 mismatch.*flipped.pt"):
        S.load(bad)


@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
def test_every_truncation_fails_cleanly(tmp_path, zip_format):
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.0), "n": [1, "a"]}, buf,
               _use_new_zipfile_serialization=zip_format)
    data = buf.getvalue()
    for cut in range(0, len(data), max(1, len(data) // 97)):
        with pytest.raises((RuntimeError, EOFError, pickle.UnpicklingError)):
            S.load(io.BytesIO(data[:cut]))


def test_byte_flips_raise_or_load_true_values():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.0)}, buf)
    data = buf.getvalue()
    rng = np.random.default_rng(0)
    for pos in rng.choice(len(data), 120, replace=False):
        bad = bytearray(data)
        bad[pos] ^= 0x5A
        try:
            out = S.load(io.BytesIO(bytes(bad)))
        except (RuntimeError, EOFError, pickle.UnpicklingError, KeyError, ValueError,
                TypeError):
            continue
        assert out["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


# -- atomic saving ---------------------------------------------------------------------------
def test_crash_during_save_keeps_previous_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    S.save({"v": nt.arange(4.0)}, path)
    before = path.read_bytes()
    code = textwrap.dedent(f"""
        import sys, time
        import numtorch as nt
        from numtorch import serialization as S
        from numtorch._serialization import zipformat
        original = zipformat.ZipWriter.write_record
        def slow(self, name, data):
            original(self, name, data)
            if name.startswith("data/"):
                self._out.flush()
                print("writing", flush=True)
                time.sleep(60)
        zipformat.ZipWriter.write_record = slow
        S.save({{"v": nt.zeros(1 << 18)}}, {str(path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(temps) == 1 and temps[0].stat().st_size > 1 << 20
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert path.read_bytes() == before
    assert S.load(path)["v"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert torch.load(path)["v"].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_full_disk_during_save_keeps_previous_file(tmp_path, monkeypatch):
    from numtorch._serialization import zipformat

    path = tmp_path / "ckpt.pt"
    S.save({"v": nt.arange(4.0)}, path)
    before = path.read_bytes()
    original = zipformat.ZipWriter._write

    def failing(self, data):
        if self._pos > 1000:
            raise OSError(28, "No space left on device")
        original(self, data)

    monkeypatch.setattr(zipformat.ZipWriter, "_write", failing)
    with pytest.raises(OSError, match="No space left"):
        S.save({"v": nt.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]


def test_save_keeps_mode_and_reports_missing_folder(tmp_path):
    path = tmp_path / "m.pt"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    S.save(nt.zeros(1), path)
    assert (os.stat(path).st_mode & 0o777) == 0o640
    with pytest.raises(RuntimeError) as ours:
        S.save(nt.zeros(1), tmp_path / "missing" / "x.pt")
    with pytest.raises(RuntimeError) as theirs:
        torch.save(torch.zeros(1), tmp_path / "missing" / "x.pt")
    assert str(ours.value) == str(theirs.value)


# -- mmap ------------------------------------------------------------------------------------
def test_mmap_maps_storages_copy_on_write(tmp_path):
    path = tmp_path / "big.pt"
    w = torch.randn(256, 256)
    torch.save({"w": w, "row": w[3]}, path)
    out = S.load(path, mmap=True)
    assert out["w"].numpy().tobytes() == w.numpy().tobytes()
    assert not out["w"]._data.flags.owndata
    assert np.shares_memory(out["w"]._data, out["row"]._data)
    out["w"]._data[0, 0] = 1234.0  # private mapping: the file is unchanged
    assert torch.load(path)["w"][0, 0].item() == w[0, 0].item()
    with pytest.raises(ValueError, match="f must be a file path"):
        S.load(io.BytesIO(path.read_bytes()), mmap=True)
    legacy = tmp_path / "legacy.pt"
    torch.save(w, legacy, _use_new_zipfile_serialization=False)
    ours, theirs = _both_errors(str(legacy), mmap=True)
    assert type(ours) is RuntimeError and str(ours) == str(theirs)


# -- safetensors -----------------------------------------------------------------------------
def _safetensors_numpy():
    return pytest.importorskip(
        "safetensors.numpy",
        reason="the safetensors package is not installed (pip install 'numtorch[test]')")


def test_safetensors_round_trip_with_reference_package(tmp_path):
    stn = _safetensors_numpy()
    from safetensors import safe_open

    rng = np.random.default_rng(0)
    arrays = {"w": rng.standard_normal((3, 4)).astype(np.float32),
              "b": rng.standard_normal(4),
              "i": np.arange(5, dtype=np.int64), "h": np.ones(3, np.float16),
              "m": np.array([True, False]), "u": np.arange(3, dtype=np.uint8),
              "s": np.arange(4, dtype=np.int16).reshape(2, 2), "e": np.zeros((0, 2), np.int32),
              "c": np.array([1 + 2j], np.complex64), "k": np.arange(2, dtype=np.int8)}
    ours = tmp_path / "ours.safetensors"
    S.save_safetensors({k: nt.from_numpy(v.copy()) for k, v in arrays.items()}, ours,
                       metadata={"format": "pt", "step": "3"})
    back = stn.load_file(str(ours))
    for k, v in arrays.items():
        assert back[k].dtype == v.dtype and np.array_equal(back[k], v), k
    with safe_open(str(ours), framework="np") as f:
        assert f.metadata() == {"format": "pt", "step": "3"}
    ref = tmp_path / "ref.safetensors"
    stn.save_file(arrays, str(ref), metadata={"format": "pt", "step": "3"})
    mine = tmp_path / "mine.safetensors"  # one metadata key: the reference orders keys by hash
    S.save_safetensors({k: nt.from_numpy(v.copy()) for k, v in arrays.items()}, mine,
                       metadata={"format": "pt"})
    single = tmp_path / "single.safetensors"
    stn.save_file(arrays, str(single), metadata={"format": "pt"})
    assert mine.read_bytes() == single.read_bytes()
    loaded = S.load_safetensors(ref)
    for k, v in arrays.items():
        assert str(loaded[k].dtype) == str(torch.from_numpy(v).dtype)
        assert loaded[k].numpy().tobytes() == v.tobytes(), k
    assert S.safetensors_metadata(ref) == {"format": "pt", "step": "3"}


def test_safetensors_rejects_corrupt_files(tmp_path):
    path = tmp_path / "x.safetensors"
    S.save_safetensors({"w": nt.arange(4.0)}, path)
    data = path.read_bytes()
    for bad in (data[:5], data[:-4], b"\xff" * 8 + data[8:], data[:8] + b"[" + data[9:]):
        path.write_bytes(bad)
        with pytest.raises(ValueError, match="invalid safetensors file"):
            S.load_safetensors(path)


def test_safetensors_no_package_needed(tmp_path):
    path = tmp_path / "y.safetensors"
    t = nt.arange(6.0).reshape(2, 3).t()  # non-contiguous input is written in C order
    S.save_safetensors({"t": t}, path)
    out = S.load_safetensors(path)["t"]
    assert out.tolist() == t.tolist() and out.is_contiguous()


def test_timing_sanity():
    """The whole module is meant to run in seconds; one save/load of 4 MB stays quick."""
    t0 = time.perf_counter()
    data = save_bytes({"w": nt.zeros(1 << 20)})
    S.load(io.BytesIO(data))
    assert time.perf_counter() - t0 < 5
