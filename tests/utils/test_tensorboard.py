"""numtorch.utils.tensorboard.SummaryWriter against torch.utils.tensorboard.SummaryWriter.

The same calls go to both writers; the event files are read back with TensorBoard's own
readers (``EventAccumulator``, the raw event loader, the real server) and compared message by
message (wall times aside; PNG images compared by their decoded pixels).
"""

from __future__ import annotations

import glob
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zlib

import numpy as np
import pytest
import torch

import numtorch
from numtorch.utils.tensorboard import SummaryWriter
from numtorch.utils.tensorboard._record import crc32c, frame_record, read_records

NEEDS_TB = "needs the 'tensorboard' extra (pip install numtorch[tensorboard])"


@pytest.fixture(scope="module")
def tb():
    """TensorBoard's protos and readers (and torch's SummaryWriter, which needs them)."""
    pytest.importorskip("tensorboard", reason=NEEDS_TB)
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    class NS:
        pass

    ns = NS()
    ns.EventAccumulator = event_accumulator.EventAccumulator
    ns.RawEventFileLoader = RawEventFileLoader
    ns.Event = event_pb2.Event
    ns.TorchWriter = TorchWriter
    return ns


def _event_files(logdir) -> list[str]:
    return sorted(glob.glob(os.path.join(str(logdir), "**", "events.out.tfevents.*"),
                            recursive=True))


def _events(tb, logdir) -> list:
    """(sub-run, Event with wall_time cleared) for every record under ``logdir``."""
    out = []
    for path in _event_files(logdir):
        run = os.path.relpath(os.path.dirname(path), str(logdir))
        for raw in tb.RawEventFileLoader(path).Load():
            ev = tb.Event.FromString(raw)
            ev.wall_time = 0
            out.append((run, ev))
    return out


def _decode_png(data: bytes) -> np.ndarray:
    """Pixels of an 8-bit non-interlaced PNG (any filter), independent of Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, color, _, _, interlace = hdr
    assert depth == 8 and interlace == 0
    c = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    out = np.zeros((h, w * c), np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        prev = out[y - 1] if y else np.zeros(w * c, np.int32)
        if f == 0:
            out[y] = line
        elif f == 2:
            out[y] = (line + prev) % 256
        else:  # Sub/Average/Paeth: byte by byte
            for x in range(w * c):
                a = out[y, x - c] if x >= c else 0
                b, cc = prev[x], prev[x - c] if x >= c else 0
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - cc), abs(a - cc), abs(a + b - 2 * cc)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                out[y, x] = (line[x] + p) % 256
    return out.reshape(h, w, c).astype(np.uint8)


def _compare_runs(tb, torch_dir, ours_dir) -> int:
    """Assert both log dirs hold the same events; returns how many were compared."""
    from tensorboard.plugins.hparams import plugin_data_pb2

    theirs, ours = _events(tb, torch_dir), _events(tb, ours_dir)
    assert len(theirs) == len(ours)
    for (run_a, a), (run_b, b) in zip(theirs, ours):
        assert run_a == run_b
        if a.HasField("file_version"):
            assert a.file_version == b.file_version == "brain.Event:2"
            assert a.step == b.step
            continue
        if a.HasField("summary"):
            va, vb = a.summary.value[0], b.summary.value[0]
            if va.HasField("image"):
                assert (va.image.height, va.image.width, va.image.colorspace) == (
                    vb.image.height, vb.image.width, vb.image.colorspace)
                np.testing.assert_array_equal(_decode_png(va.image.encoded_image_string),
                                              _decode_png(vb.image.encoded_image_string))
                va.image.encoded_image_string = vb.image.encoded_image_string = b""
            if va.metadata.plugin_data.plugin_name == "hparams":  # map order may differ
                pa = plugin_data_pb2.HParamsPluginData.FromString(
                    va.metadata.plugin_data.content)
                pb = plugin_data_pb2.HParamsPluginData.FromString(
                    vb.metadata.plugin_data.content)
                assert pa == pb
                va.metadata.plugin_data.content = vb.metadata.plugin_data.content = b""
        assert a == b
    return len(theirs)


# -- record format ------------------------------------------------------------------------------
def test_crc32c_check_value_and_lanes():
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C standard check value
    rng = np.random.default_rng(0)
    for n in (0, 1, 5, 2047, 2048, 2049, 70001):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        # lane-parallel path vs. the plain byte loop
        from numtorch.utils.tensorboard._record import _raw_update

        assert crc32c(data) == _raw_update(0xFFFFFFFF, data) ^ 0xFFFFFFFF


def test_crc_and_framing_match_tensorboard(tb):
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
    from tensorboard.summary.writer.record_writer import RecordWriter

    from numtorch.utils.tensorboard._record import masked_crc32c as ours

    rng = np.random.default_rng(1)
    for n in (0, 3, 100, 5000):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert ours(data) == masked_crc32c(data)
        buf = io.BytesIO()
        RecordWriter(buf).write(data)
        assert frame_record(data) == buf.getvalue()
        assert read_records(frame_record(data) * 2) == [data, data]


# -- file layout and lifetime -------------------------------------------------------------------
def test_default_log_dir_and_file_name_like_torch(tb, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = tb.TorchWriter(comment="LR_0.1")
    w = SummaryWriter(comment="LR_0.1")
    t.close()
    w.close()
    stamp = re.compile(r"[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}")
    assert stamp.sub("T", w.get_logdir()) == stamp.sub("T", t.get_logdir())
    assert stamp.fullmatch(os.path.basename(w.get_logdir()).split("_" + socket.gethostname())[0])
    assert os.path.dirname(w.get_logdir()) == "runs"

    def parts(path):  # events.out.tfevents.<10-digit time>.<host>.<pid>.<n><suffix>
        m = re.fullmatch(r"events\.out\.tfevents\.\d{10}\.(.+)\.(\d+)\.\d+(.*)",
                         os.path.basename(path))
        assert m, path
        return m.groups()

    t2 = tb.TorchWriter("a", filename_suffix=".sfx")
    w2 = SummaryWriter("b", filename_suffix=".sfx")
    t2.close()
    w2.close()
    (ft,), (fw,) = _event_files("a"), _event_files("b")
    assert parts(fw) == parts(ft) == (socket.gethostname(), str(os.getpid()), ".sfx")


def test_first_event_and_records_without_tensorboard(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("x", 1.5, 2)
    (path,) = _event_files(tmp_path)
    records = read_records(open(path, "rb").read())
    assert len(records) == 2
    assert b"brain.Event:2" in records[0]
    assert b"x" in records[1]


def test_flush_secs_close_and_reopen(tb, tmp_path):
    w = SummaryWriter(tmp_path / "slow", flush_secs=1000)
    (path,) = _event_files(tmp_path / "slow")
    size = os.path.getsize(path)
    w.add_scalar("a", 1.0, 0)
    time.sleep(0.2)
    assert os.path.getsize(path) == size  # buffered until flush or flush_secs
    w.flush()
    assert os.path.getsize(path) > size
    w.close()
    w.close()  # a second close is ignored, as in torch

    fast = SummaryWriter(tmp_path / "fast", flush_secs=0.05)
    (path,) = _event_files(tmp_path / "fast")
    size = os.path.getsize(path)
    fast.add_scalar("a", 1.0, 0)
    deadline = time.time() + 5
    while os.path.getsize(path) == size and time.time() < deadline:
        time.sleep(0.02)
    assert os.path.getsize(path) > size  # written by the background flush, no flush() call
    fast.close()
    fast.add_scalar("b", 2.0, 1)  # after close, a new event file is started (as torch)
    fast.close()
    assert len(_event_files(tmp_path / "fast")) == 2
    ea = tb.EventAccumulator(str(tmp_path / "fast"))
    ea.Reload()
    assert sorted(ea.Tags()["scalars"]) == ["a", "b"]


def test_purge_step_like_torch(tb, tmp_path):
    for W, d in ((tb.TorchWriter, tmp_path / "t"), (SummaryWriter, tmp_path / "n")):
        w = W(str(d), purge_step=5)
        w.add_scalar("s", 1.0, 5)
        w.close()
    assert _compare_runs(tb, tmp_path / "t", tmp_path / "n") == 4


# -- every add_* against torch ------------------------------------------------------------------
def _exercise(W, lib, d, data):
    w = W(str(d))
    w.add_scalar("Loss/train", 0.5, 3)
    w.add_scalar("np", np.float32(0.25), 4)
    w.add_scalar("tensor", lib.tensor(2.5), 4)
    w.add_scalar("one", lib.tensor([[7.0]]), 5)
    w.add_scalar("new", 1.25, 5, new_style=True)
    w.add_scalar("newd", 1.25, 5, new_style=True, double_precision=True)
    w.add_scalar("wall", 3, 6, walltime=123.0)
    w.add_scalars("run/14h", {"xsinx": 1.0, "xcosx": lib.tensor(2.0)}, 7)
    w.add_histogram("hist", lib.tensor(data["h1"]), 1)
    w.add_histogram("hist_np", data["h1"].astype(np.float32), 2)
    w.add_histogram("hist_auto", np.arange(10.0), 1, bins="auto")
    w.add_histogram("hist_max", data["h2"], 2, max_bins=30)
    w.add_histogram_raw("raw", 0.0, 3.0, 6, 9.0, 17.0, [1.0, 2.0, 3.0], [1, 2, 3], 0)
    w.add_text("note", "hello *world* ü", 2)
    w.add_pr_curve("pr", data["labels"], data["preds"], 0)
    w.add_pr_curve("pr_t", lib.tensor(data["labels"]), lib.tensor(data["preds"]), 1,
                   num_thresholds=300)
    w.add_hparams({"lr": 0.1, "bsize": 16, "opt": "adam", "flag": True, "none": None},
                  {"hparam/accuracy": 0.9}, run_name="hp",
                  hparam_domain_discrete={"opt": ["adam", "sgd"]}, global_step=1)
    w.add_custom_scalars({"cat": {"c1": ["Multiline", ["Loss/train", "np"]],
                                  "c2": ["Margin", ["a", "b", "c"]]}})
    w.add_custom_scalars_multilinechart(["a", "b"])
    w.add_tensor("tens_f", lib.tensor([[1.0, 2.0], [3.0, 4.5]]))
    w.add_tensor("tens_i", lib.tensor([1, 2, 3]), 3)
    w.add_tensor("tens_d", lib.tensor([1.5], dtype=lib.float64))
    w.add_audio("audio", lib.tensor(data["audio"]), 0, sample_rate=8000)
    w.add_image("chw", data["chw"], 1)
    w.add_image("chw_t", lib.tensor(data["chw"]), 1)
    w.add_image("hwc", data["chw"].transpose(1, 2, 0), 1, dataformats="HWC")
    w.add_image("hw", data["chw"][0], 1, dataformats="HW")
    w.add_image("gray", data["chw"][:1], 1)
    w.add_image("u8", (data["chw"] * 255).astype(np.uint8), 1)
    w.add_image("over", data["chw"] * 3 - 1, 1)
    w.add_images("batch", np.stack([data["chw"]] * 10), 2)
    w.add_images("batch_nhwc", lib.tensor(np.stack([data["chw"]] * 3).transpose(0, 2, 3, 1)),
                 2, dataformats="NHWC")
    w.close()


def test_all_summaries_match_torch(tb, tmp_path):
    rng = np.random.default_rng(0)
    data = {"h1": rng.standard_normal(200), "h2": rng.standard_normal(1000),
            "labels": rng.integers(0, 2, 60), "preds": rng.random(60),
            "audio": np.sin(np.arange(200) / 5.0).astype(np.float32),
            "chw": rng.random((3, 10, 12)).astype(np.float32)}
    _exercise(tb.TorchWriter, torch, tmp_path / "t", data)
    _exercise(SummaryWriter, numtorch, tmp_path / "n", data)
    assert _compare_runs(tb, tmp_path / "t", tmp_path / "n") > 30


def test_values_read_back_with_event_accumulator(tb, tmp_path):
    from tensorboard.plugins.hparams import plugin_data_pb2

    img = np.linspace(0, 1, 3 * 4 * 5, dtype=np.float32).reshape(3, 4, 5)
    with SummaryWriter(tmp_path) as w:
        for i in range(5):
            w.add_scalar("Loss/train", numtorch.tensor(1.0 / (i + 1)), i)
        w.add_histogram("w", np.arange(100.0), 3)
        w.add_image("img", numtorch.tensor(img), 4)
        w.add_text("txt", "some text", 5)
        w.add_hparams({"lr": 0.01, "opt": "sgd"}, {"m/acc": 0.5}, run_name="hp")
    ea = tb.EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    ea.Reload()
    sc = ea.Scalars("Loss/train")
    assert [s.step for s in sc] == list(range(5))
    np.testing.assert_allclose([s.value for s in sc], [1.0 / (i + 1) for i in range(5)],
                               rtol=1e-6)
    (h,) = ea.Histograms("w")
    assert (h.step, h.histogram_value.num, h.histogram_value.sum) == (3, 100, 4950.0)
    (im,) = ea.Images("img")
    assert (im.step, im.width, im.height) == (4, 5, 4)
    expected = (img * 255).clip(0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(_decode_png(im.encoded_image_string), expected)
    (t,) = ea.Tensors("txt/text_summary")
    assert t.tensor_proto.string_val == [b"some text"]
    assert "txt/text_summary" in ea.PluginTagToContent("text")

    hp = tb.EventAccumulator(str(tmp_path / "hp"))
    hp.Reload()
    contents = hp.PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(
        contents["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["lr"].number_value == 0.01
    assert start.hparams["opt"].string_value == "sgd"
    exp = plugin_data_pb2.HParamsPluginData.FromString(
        contents["_hparams_/experiment"]).experiment
    assert [m.name.tag for m in exp.metric_infos] == ["m/acc"]
    assert hp.Scalars("m/acc")[0].value == 0.5


def test_errors_match_torch(tb, tmp_path):
    from torch.utils.tensorboard import summary as tsum

    from numtorch.utils.tensorboard import _summary as nsum

    cases = [
        (lambda m, lib: m.scalar("x", lib.tensor([1.0, 2.0]))),
        (lambda m, lib: m.scalar("x", [1.0])),
        (lambda m, lib: m.image("x", np.zeros((3, 4, 4)), dataformats="CHH")),
        (lambda m, lib: m.image("x", np.zeros((3, 4)), dataformats="CHW")),
        (lambda m, lib: m.histogram("x", np.zeros(0), 10)),
    ]
    for fn in cases:
        with pytest.raises(Exception) as theirs:
            fn(tsum, torch)
        with pytest.raises(Exception) as ours:
            fn(nsum, numtorch)
        assert type(ours.value) is type(theirs.value)
        assert str(ours.value) == str(theirs.value)
    with SummaryWriter(tmp_path) as w, pytest.raises(TypeError, match="should be dictionary"):
        w.add_hparams([], {})


def test_figure_like_torch(tb, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def fig(k):
        f = plt.figure(figsize=(2, 1.5), dpi=40)
        plt.plot([0, 1, 2], [k, 2 * k, k])
        return f

    for W, d in ((tb.TorchWriter, tmp_path / "t"), (SummaryWriter, tmp_path / "n")):
        with W(str(d)) as w:
            w.add_figure("fig", fig(1), 0)
            w.add_figure("figs", [fig(1), fig(2)], 1)
    assert _compare_runs(tb, tmp_path / "t", tmp_path / "n") == 3
    assert not plt.get_fignums()  # close=True closed them


def test_embedding_files_like_torch(tb, tmp_path):
    rng = np.random.default_rng(3)
    mat = rng.standard_normal((5, 3)).astype(np.float32)
    imgs = rng.random((5, 3, 4, 6)).astype(np.float32)
    for W, lib, d in ((tb.TorchWriter, torch, tmp_path / "t"),
                      (SummaryWriter, numtorch, tmp_path / "n")):
        with W(str(d)) as w:
            w.add_embedding(lib.tensor(mat), metadata=["a", 'b"q', "c", 3, "e"],
                            label_img=lib.tensor(imgs), tag="my/tag")
            w.add_embedding(mat, metadata=[[1, 2], [3, 4], [5, 6], [7, 8], [9, 0]],
                            metadata_header=["x", "y"], global_step=3)
    files = sorted(os.path.relpath(p, tmp_path / "t")
                   for p in glob.glob(str(tmp_path / "t" / "**" / "*"), recursive=True)
                   if os.path.isfile(p) and "tfevents" not in p)
    assert len(files) == 6
    for rel in files:
        a = (tmp_path / "t" / rel).read_bytes()
        b = (tmp_path / "n" / rel).read_bytes()
        if rel.endswith(".png"):
            np.testing.assert_array_equal(_decode_png(a), _decode_png(b))
        else:
            assert a == b, rel


# -- graph --------------------------------------------------------------------------------------
def _net(lib):
    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(3, 3)
            self.act = lib.nn.ReLU()

        def forward(self, x):
            return self.act(self.fc(x))

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(4, 3)
            self.seq = lib.nn.Sequential(Block(), lib.nn.Tanh())
            self.out = lib.nn.Linear(3, 2)

        def forward(self, x):
            return self.out(self.seq(self.fc(x)))

    return Net()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.trace inside torch
def test_add_graph_scopes_like_torch(tb, tmp_path):
    for W, lib, d in ((tb.TorchWriter, torch, tmp_path / "t"),
                      (SummaryWriter, numtorch, tmp_path / "n")):
        model = _net(lib)
        with W(str(d)) as w:
            w.add_graph(model, lib.randn(5, 4))
        assert model.training  # eval only during the pass

    def summary(d, check_edges=False):
        ea = tb.EventAccumulator(str(d))
        ea.Reload()
        assert ea.Tags()["graph"] and ea.Tags()["run_metadata"] == ["step1"]
        nodes = ea.Graph().node
        io_nodes = {n.name.split("/")[0]: [d.size for d in n.attr["_output_shapes"].list
                                          .shape[0].dim] for n in nodes if n.op == "IO Node"}
        scopes = {n.name.rsplit("/", 1)[0] for n in nodes
                  if n.op.startswith("aten::") and "/" in n.name}
        names = {n.name for n in nodes}
        if check_edges:  # (torch's own graph keeps dangling GetAttr inputs)
            assert all(i in names for n in nodes for i in n.input)
        return io_nodes, scopes

    assert summary(tmp_path / "n", check_edges=True) == summary(tmp_path / "t")


# -- the real TensorBoard server and the seed snippet -------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=2) as r:
        return json.loads(r.read())


def test_tensorboard_server_shows_scalars(tb, tmp_path):
    values = [0.5, 0.25, 0.125, 2.0]
    with SummaryWriter(tmp_path / "run1") as w:
        for i, v in enumerate(values):
            w.add_scalar("Loss/train", v, i * 10)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path), "--port",
         str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/data/plugin/scalars"
    try:
        deadline = time.time() + 20
        data = None
        while time.time() < deadline:
            try:
                tags = _get_json(base + "/tags")
                if "Loss/train" in tags.get("run1", {}):
                    q = urllib.parse.urlencode({"run": "run1", "tag": "Loss/train"})
                    data = _get_json(f"{base}/scalars?{q}")
                    if len(data) == len(values):
                        break
            except OSError:
                pass
            assert proc.poll() is None, "tensorboard exited"
            time.sleep(0.2)
        assert data is not None, "tensorboard did not serve the scalars in time"
        assert [d[1] for d in data] == [0, 10, 20, 30]
        assert [d[2] for d in data] == values
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


SEED_SNIPPET = """
from torch.utils.tensorboard import SummaryWriter
import numpy as np

writer = SummaryWriter(log_dir='output/tensorboard')	# Writer will output to ./runs/ directory by default

for n_iter in range(100):
    writer.add_scalar('Loss/train', np.random.random(), n_iter)
    writer.add_scalar('Loss/test', np.random.random(), n_iter)
    writer.add_scalar('Accuracy/train', np.random.random(), n_iter)
    writer.add_scalar('Accuracy/test', np.random.random(), n_iter)
"""  # noqa: E501


def test_seed_snippet_runs_unchanged(tb, tmp_path):
    (tmp_path / "snippet.py").write_text(SEED_SNIPPET)
    found = {}
    for name, cmd in (("torch", [sys.executable, "snippet.py"]),
                      ("numtorch", [sys.executable, "-m", "numtorch", "run", "snippet.py"])):
        cwd = tmp_path / name
        cwd.mkdir()
        (cwd / "snippet.py").write_text(SEED_SNIPPET)
        subprocess.run(cmd, cwd=cwd, check=True, timeout=120)
        ea = tb.EventAccumulator(str(cwd / "output" / "tensorboard"))
        ea.Reload()
        found[name] = {t: [s.step for s in ea.Scalars(t)] for t in ea.Tags()["scalars"]}
        assert all(0 <= s.value < 1 for t in found[name] for s in ea.Scalars(t))
    assert sorted(found["numtorch"]) == sorted(found["torch"])
    assert len(found["torch"]) == 4
    for tag, steps in found["numtorch"].items():
        # The snippet never closes its writer: numtorch flushes at exit; torch's daemon thread
        # may lose the last few queued events, so its steps are a prefix of ours.
        assert steps == list(range(100))
        assert steps[:len(found["torch"][tag])] == found["torch"][tag]
