"""``numtorch quickstart``: a digits run end to end, every artefact checked (with real torch for
the weights), ``--resume`` continuing bit for bit, and a clean offline failure for Fashion-MNIST."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch

import numtorch
from numtorch import cli, quickstart

TAGS = ["Loss/train", "Loss/test", "Accuracy/test", "Throughput/train_images_per_s"]


def _needs_sklearn() -> None:
    pytest.importorskip("sklearn", reason="--dataset digits needs scikit-learn (the 'vision' or "
                                          "'test' extra)")


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(["quickstart", *argv])
    return rc, out.getvalue(), err.getvalue()


def _digits(out: Path, *extra: str) -> tuple[int, str, str]:
    return _run(["--dataset", "digits", "--out", str(out), "--progress", "none", "--seed", "0",
                 *extra])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One straight 4-epoch run, and a 2-epoch run resumed to 4 with ``--resume latest``."""
    _needs_sklearn()
    base = tmp_path_factory.mktemp("quickstart")
    full, resumed = base / "full", base / "resumed"
    results = {"full": _digits(full, "--epochs", "4"),
               "first": _digits(resumed, "--epochs", "2"),
               "resume": _digits(resumed, "--epochs", "4", "--resume", "latest")}
    return full, resumed, results


def _test_batch(n: int = 64):
    from numtorch.vision.datasets import Digits
    from numtorch.vision.transforms import ToTensor

    _, mean, std = quickstart.DATASETS["digits"]
    test = Digits(train=False, transform=ToTensor())
    x = np.stack([test[i][0]._data for i in range(n)])
    return (x - np.float32(mean)) / np.float32(std)


def _numtorch_model(path: Path):
    model = quickstart.build_model("mlp", (8, 8))
    model.load_state_dict(numtorch.load(path))
    return model.eval()


def test_run_reports_like_the_tutorial(runs):
    full, _, results = runs
    rc, out, _ = results["full"]
    assert rc == 0
    assert out.count("-------------------------------") == 4
    assert "Epoch 4\n" in out and "Done!" in out
    reports = [line for line in out.splitlines() if line.startswith(" Accuracy: ")]
    assert len(reports) == 4 and "Test Error: \n Accuracy: " in out
    ckpt = numtorch.load(full / "checkpoints" / "epoch_4.pth")
    acc, loss = ckpt["metrics"]["test_accuracy"], ckpt["metrics"]["test_loss"]
    assert f" Accuracy: {100 * acc:>0.1f}%, Avg loss: {loss:>8f} " == reports[-1]
    assert acc > 0.90


def test_checkpoints_load_in_numtorch_and_torch(runs):
    full, _, _ = runs
    for n in range(1, 5):
        path = full / "checkpoints" / f"epoch_{n}.pth"
        ours, theirs = numtorch.load(path), torch.load(path, weights_only=True)
        assert ours["epoch"] == theirs["epoch"] == n
        assert ours["config"] == theirs["config"]
        assert ours["config"]["dataset"] == "digits"
        for key, value in ours["model"].items():
            np.testing.assert_array_equal(value.numpy(), theirs["model"][key].numpy())
    tmodel = quickstart.build_model("mlp", (8, 8), nn=torch.nn)
    tmodel.load_state_dict(theirs["model"])
    topt = torch.optim.Adam(tmodel.parameters(), lr=1e-3)
    topt.load_state_dict(theirs["optimizer"])
    assert topt.state_dict()["state"][0]["step"].item() == 4 * 23  # 1437 images / 64 per batch
    torch.set_rng_state(theirs["rng_state"])


def test_final_weights_give_the_same_predictions_in_torch(runs):
    full, _, _ = runs
    weights = full / "model_weights.pth"
    state = torch.load(weights, weights_only=True)
    last = torch.load(full / "checkpoints" / "epoch_4.pth", weights_only=True)["model"]
    assert all(torch.equal(last[k], state[k]) for k in state) and last.keys() == state.keys()
    tmodel = quickstart.build_model("mlp", (8, 8), nn=torch.nn)
    tmodel.load_state_dict(state)
    tmodel.eval()
    x = _test_batch()
    with torch.no_grad():
        expected = tmodel(torch.from_numpy(x))
    with numtorch.no_grad():
        got = _numtorch_model(weights)(numtorch.from_numpy(x))
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-5)
    assert got.argmax(1).tolist() == expected.argmax(1).tolist()


def test_onnx_export(runs):
    full, _, results = runs
    path = full / "model.onnx"
    if not path.exists():
        assert "ONNX export skipped" in results["full"][1]
        pytest.skip("ONNX export unavailable here (the run printed why)")
    onnx = pytest.importorskip("onnx", reason="needs the onnx package (the onnx extra)")
    onnx.checker.check_model(str(path))
    ort = pytest.importorskip("onnxruntime", reason="needs onnxruntime to run the model")
    x = _test_batch(16)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {session.get_inputs()[0].name: x})
    with numtorch.no_grad():
        expected = _numtorch_model(full / "model_weights.pth")(numtorch.from_numpy(x))
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-4, atol=1e-4)


def test_tensorboard_scalars(runs):
    full, resumed, _ = runs
    assert list((full / "runs").glob("events.out.tfevents.*"))
    pytest.importorskip("tensorboard", reason="reading event files needs tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    for folder in (full, resumed):
        acc = EventAccumulator(str(folder / "runs"))
        acc.Reload()
        assert set(TAGS) <= set(acc.Tags()["scalars"])
        events = acc.Scalars("Accuracy/test")
        assert [e.step for e in events] == [1, 2, 3, 4]
        for e in events:
            ckpt = numtorch.load(folder / "checkpoints" / f"epoch_{e.step}.pth")
            assert e.value == pytest.approx(ckpt["metrics"]["test_accuracy"], rel=1e-6)


def _check_png(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    try:
        from PIL import Image
    except ImportError:
        return width, height
    with Image.open(path) as img:
        img.load()
        assert img.size == (width, height)
    return width, height


def test_predictions_png(runs):
    full, _, _ = runs
    width, height = _check_png(full / "predictions.png")
    assert width > 100 and height > 100
    lines = (full / "predictions.txt").read_text().splitlines()
    assert lines[0] == "row col predicted true" and len(lines) == 17


@pytest.mark.parametrize("pillow", [True, False])
def test_predictions_without_matplotlib(tmp_path, monkeypatch, pillow):
    from numtorch.vision import utils as vutils

    if not pillow:
        def no_pillow(*args, **kwargs):
            raise ImportError("no Pillow")
        monkeypatch.setattr(vutils, "save_image", no_pillow)
    images = [numtorch.full((1, 8, 8), i / 16) for i in range(16)]
    note = quickstart.save_predictions(images, list(range(16)), [i % 10 for i in range(16)],
                                       [str(d) for d in range(16)], tmp_path,
                                       use_matplotlib=False)
    assert "matplotlib not installed" in note
    # 4x4 grid of 8x8 images enlarged 8 times, with 2-pixel padding
    assert _check_png(tmp_path / "predictions.png") == (4 * 66 + 2, 4 * 66 + 2)
    assert "WRONG" in (tmp_path / "predictions.txt").read_text()


def test_png_writer_roundtrip(tmp_path):
    rgb = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    quickstart._write_png(tmp_path / "x.png", rgb)
    assert _check_png(tmp_path / "x.png") == (7, 5)
    data = (tmp_path / "x.png").read_bytes()
    idat_len = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41:41 + idat_len])
    rows = np.frombuffer(raw, np.uint8).reshape(5, 1 + 7 * 3)
    assert (rows[:, 0] == 0).all()
    np.testing.assert_array_equal(rows[:, 1:].reshape(5, 7, 3), rgb)


def test_resume_latest_continues_bit_for_bit(runs):
    full, resumed, results = runs
    assert results["first"][0] == 0 and results["resume"][0] == 0
    out = results["resume"][1]
    assert f"Resumed from {resumed / 'checkpoints' / 'epoch_2.pth'} (epoch 2)" in out
    assert "Epoch 1\n" not in out and "Epoch 3\n" in out and "Epoch 4\n" in out
    a = numtorch.load(full / "model_weights.pth")
    b = numtorch.load(resumed / "model_weights.pth")
    for key in a:
        np.testing.assert_array_equal(a[key].numpy(), b[key].numpy())


def test_resume_errors(tmp_path):
    _needs_sklearn()
    rc, _, err = _digits(tmp_path, "--resume", "latest")
    assert rc == 1 and "no checkpoint" in err and "Traceback" not in err
    rc, _, err = _digits(tmp_path, "--resume", str(tmp_path / "nope.pth"))
    assert rc == 1 and "does not exist" in err


def test_resume_refuses_another_model(runs, tmp_path):
    _, resumed, _ = runs
    rc, _, err = _digits(tmp_path, "--model", "cnn", "--resume",
                         str(resumed / "checkpoints" / "epoch_1.pth"))
    assert rc == 1 and "--model mlp" in err


def test_cnn_one_epoch(tmp_path):
    _needs_sklearn()
    rc, out, _ = _digits(tmp_path, "--model", "cnn", "--epochs", "1", "--batch-size", "128")
    assert rc == 0 and "ConvNet(" in out
    state = torch.load(tmp_path / "model_weights.pth", weights_only=True)
    tmodel = quickstart.build_model("cnn", (8, 8), nn=torch.nn)
    tmodel.load_state_dict(state)


def test_fashion_mnist_offline_fails_cleanly(tmp_path, monkeypatch):
    from numtorch.vision.datasets import utils as dsutils

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setattr(dsutils.time, "sleep", lambda s: None)
    start = time.monotonic()
    rc, _, err = _run(["--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / "out"),
                       "--progress", "none"])  # the default dataset is fashion-mnist
    assert time.monotonic() - start < 10
    assert rc == 1 and "Traceback" not in err
    assert err.startswith("numtorch quickstart: error: fashion-mnist is not in ")
    for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]:
        assert name in err
    assert str(tmp_path / "data" / "FashionMNIST" / "raw") in err
    assert "no network in this test" in err and "--dataset digits" in err
    assert not (tmp_path / "out").exists()


def test_simple_progress_bar(capsys):
    bar = quickstart._progress_bar("simple", 3, "Epoch 1/1")
    for _ in range(3):
        bar.set_postfix_str("loss=0.5000, 10 img/s")
        bar.update(1)
    bar.close()
    err = capsys.readouterr().err
    assert err.endswith("\n") and "Epoch 1/1 |" in err
    assert err.count("3/3 loss=0.5000, 10 img/s") == 1


@pytest.mark.parametrize("error, expected", [
    (RuntimeError("no lowering for aten::foo"),
     "ONNX export skipped: RuntimeError: no lowering for aten::foo"),
    (ImportError("needs onnx"),
     "ONNX export skipped: needs onnx (the onnx extra: pip install 'numtorch[onnx]')"),
    (ImportError("needs onnx: pip install x"), "ONNX export skipped: needs onnx: pip install x")])
def test_export_onnx_never_raises(tmp_path, monkeypatch, error, expected):
    nt_onnx = pytest.importorskip("numtorch.onnx")

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(nt_onnx, "export", broken)
    note = quickstart.export_onnx(quickstart.build_model("mlp", (8, 8)),
                                  numtorch.zeros(1, 1, 8, 8), tmp_path / "m.onnx")
    assert note == expected and not (tmp_path / "m.onnx").exists()


def test_export_onnx_without_numtorch_onnx(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "numtorch.onnx", None)
    monkeypatch.delattr(numtorch, "onnx", raising=False)
    note = quickstart.export_onnx(quickstart.build_model("mlp", (8, 8)),
                                  numtorch.zeros(1, 1, 8, 8), tmp_path / "m.onnx")
    assert note.startswith("ONNX export skipped: numtorch.onnx.export is not available")


def test_python_dash_m_help():
    src = str(Path(numtorch.__file__).parents[1])
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-m", "numtorch", "quickstart", "--help"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    for option in ["--dataset", "--model", "--epochs", "--batch-size", "--lr", "--optimizer",
                   "--seed", "--workers", "--out", "--resume", "--data-dir"]:
        assert option in res.stdout
