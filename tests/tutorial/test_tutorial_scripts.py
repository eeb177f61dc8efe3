"""PyTorch's "Learn the Basics" tutorial pages, written as user scripts, run unmodified.

Every script runs under ``python -m numtorch run``; the ones that need only ``torch`` also run
under real torch and must print the same text (numbers may differ in the last printed place,
where float32 summation order differs). Scripts that use ``torchvision`` (not installable beside
torch here) are checked for sanity: shapes, falling loss, files that real torch can read.

All scripts of one library run in one interpreter (a driver runs each with ``runpy`` in its own
folder and prints a marker line before it), so the file costs two interpreter starts.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.tutorial.fashion_data import make_fashion_mnist, make_mnist_pickle

SCRIPTS = Path(__file__).parent / "scripts"
TORCH_ONLY = ["tensors", "build_model", "autograd_basics", "save_load", "train_tensor_dataset",
              "with_examples", "nn_really", "blitz"]
VISION = ["quickstart", "datasets_dataloaders", "transforms", "optimization", "save_load_models"]
MARK = "=====SCRIPT {}====="
FAILED = "=====SCRIPT FAILED====="

DRIVER = '''
import os, runpy, sys, traceback
root = os.getcwd()
for name in {names!r}:
    print({mark!r}.format(name), flush=True)
    work = os.path.join(root, name)
    os.makedirs(work)
    os.symlink(os.path.join(root, "data"), os.path.join(work, "data"))
    os.chdir(work)
    path = os.path.join({scripts!r}, name + ".py")
    sys.argv = [path]
    try:
        runpy.run_path(path, run_name="__main__")
    except BaseException:
        print({failed!r})
        traceback.print_exc(file=sys.stdout)
    sys.stdout.flush()
    os.chdir(root)
'''


def _run_all(work: Path, names: list[str], numtorch: bool) -> dict[str, str]:
    work.mkdir()
    make_fashion_mnist(work / "data")
    make_mnist_pickle(work / "data")
    driver = work / "driver.py"
    driver.write_text(DRIVER.format(names=names, mark=MARK, scripts=str(SCRIPTS),
                                    failed=FAILED))
    cmd = [sys.executable, "-m", "numtorch", "run", str(driver)] if numtorch else \
        [sys.executable, str(driver)]
    env = {"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join(sys.path), "HOME": str(work)}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=work, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Downloading" not in out.stdout + out.stderr  # the prepared folder is used as is
    res: dict[str, list[str]] = {}
    current = None
    for line in out.stdout.splitlines():
        m = re.fullmatch(r"=====SCRIPT (\w+)=====", line)
        if m and line != FAILED:
            current = m.group(1)
            res[current] = []
        elif current is not None:
            res[current].append(line)
    return {k: "\n".join(v) for k, v in res.items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("tutorial")
    theirs = _run_all(base / "torch", TORCH_ONLY, numtorch=False)
    ours = _run_all(base / "numtorch", TORCH_ONLY + VISION, numtorch=True)
    return base, theirs, ours


_NUM = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")
_ADDR = re.compile(r" at 0x[0-9a-f]+")


def _same_text_close_numbers(a: str, b: str) -> bool:
    """Same text once numbers are masked; numbers equal to 1e-5 relative, or one unit in the
    last printed place (a float32 difference in the 7th digit can flip a rounded 4th decimal)."""
    a, b = _ADDR.sub(" at 0x?", a), _ADDR.sub(" at 0x?", b)
    if _NUM.sub("#", a) != _NUM.sub("#", b):
        return False
    for x, y in zip(_NUM.findall(a), _NUM.findall(b)):
        decimals = len(x.split("e")[0].split(".")[1])
        last_place = 10.0 ** -decimals * 1.01
        if not math.isclose(float(x), float(y), rel_tol=1e-5, abs_tol=max(2e-6, last_place)):
            return False
    return True


def _ok(out: dict, name: str) -> str:
    assert name in out, f"{name} did not start"
    assert FAILED not in out[name], out[name]
    return out[name]


@pytest.mark.parametrize("name", TORCH_ONLY)
def test_prints_like_torch(runs, name):
    _, theirs, ours = runs
    want, got = _ok(theirs, name), _ok(ours, name)
    assert got == want or _same_text_close_numbers(got, want), (got, want)


def test_numtorch_checkpoint_loads_in_torch(runs):
    base, _, _ = runs
    ckpt = torch.load(base / "numtorch" / "save_load" / "checkpoint.tar", weights_only=True)
    ref = torch.load(base / "torch" / "save_load" / "checkpoint.tar", weights_only=True)
    assert ckpt["epoch"] == ref["epoch"]
    for key, value in ref["model_state_dict"].items():
        torch.testing.assert_close(ckpt["model_state_dict"][key], value, rtol=1e-5, atol=1e-6)
    assert ckpt["optimizer_state_dict"]["param_groups"] == ref["optimizer_state_dict"][
        "param_groups"]


def _avg_losses(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"Avg loss: (\d+\.\d+)", text)]


class _TorchMLP(torch.nn.Module):
    """The tutorial's network, built with real torch to compare the printed structure."""

    def __init__(self):
        super().__init__()
        self.flatten = torch.nn.Flatten()
        self.linear_relu_stack = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
            torch.nn.ReLU(), torch.nn.Linear(512, 10))


def test_quickstart(runs):
    base, _, ours = runs
    text = _ok(ours, "quickstart")
    assert "Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])" in text
    assert "Shape of y: torch.Size([64]) torch.int64" in text
    assert "Using cpu device" in text
    assert repr(_TorchMLP()).replace("_TorchMLP", "NeuralNetwork") in text
    losses = _avg_losses(text)
    assert len(losses) == 5 and losses[-1] < losses[0]
    assert re.search(r'Predicted: "[^"]+", Actual: "Trouser"', text)  # test image 0 is a 1
    sd = torch.load(base / "numtorch" / "quickstart" / "model.pth", weights_only=True)
    assert {k: tuple(v.shape) for k, v in sd.items()} == {
        k: tuple(v.shape) for k, v in _TorchMLP().state_dict().items()}


def test_optimization_learns(runs):
    text = _ok(runs[2], "optimization")
    losses = _avg_losses(text)
    assert len(losses) == 4 and all(b < a for a, b in zip(losses, losses[1:])), losses
    accuracy = [float(v) for v in re.findall(r"Accuracy: (\d+\.\d)%", text)]
    assert accuracy[-1] > 80, accuracy
    assert text.rstrip().endswith("Done!")


def test_datasets_and_dataloaders(runs):
    base, _, ours = runs
    text = _ok(ours, "datasets_dataloaders")
    assert "600 200" in text
    assert "Feature batch shape: torch.Size([64, 1, 28, 28])" in text
    assert "Labels batch shape: torch.Size([64])" in text
    assert "torch.Size([1, 28, 28]) torch.float32" in text
    assert "round trip equal: True" in text
    assert "batches: 10 4" in text
    assert text.count("torch.Size([8, 1, 28, 28]) torch.int64") == 2
    work = base / "numtorch" / "datasets_dataloaders"
    for name in ("samples.png", "first.png", "labels.csv", "my_images/img_19.png"):
        assert (work / name).stat().st_size > 0, name


def test_transforms(runs):
    text = _ok(runs[2], "transforms")
    lines = text.splitlines()
    assert lines[0] == "torch.Size([1, 28, 28]) torch.float32 0.0 1.0"
    assert lines[1].endswith("torch.float32 True") and lines[1].count("1.") == 1
    assert lines[2].startswith("Image (28, 28) L ")
    assert lines[3].startswith("torch.Size([1, 28, 28]) -")
    assert lines[4:] == ["torch.Size([1, 28, 28]) True", "(28, 28)"]


def test_save_load_models(runs):
    base, _, ours = runs
    text = _ok(ours, "save_load_models")
    assert "torch.Size([1, 1000]) True" in text
    assert "ResNet True" in text
    try:
        import onnx  # noqa: F401
    except ImportError:
        return
    assert "onnx inputs: ['input']" in text
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return
    assert "onnxruntime matches: (5, 10) True" in text
    sd = torch.load(base / "numtorch" / "save_load_models" / "model_weights.pth",
                    weights_only=True)
    assert sd["fc.weight"].shape == (1000, 512) and sd["conv1.weight"].shape == (64, 3, 7, 7)
    assert sd["bn1.num_batches_tracked"].dtype == torch.int64
