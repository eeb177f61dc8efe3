"""Real PyTorch libraries, installed without torch, run unchanged under ``numtorch run``; each
script also runs on real torch here and the printed results are compared.

The scripts are in ``scripts/``; each prints one ``RESULT {json}`` line. Values that depend
only on seeded initialisation and arithmetic are compared with a float tolerance; counts,
shapes and texts exactly.
"""

from __future__ import annotations

import math

import pytest
import torch

pytestmark = pytest.mark.ecosystem


def assert_close(ours, theirs, path: str = "", rtol: float = 1e-4, atol: float = 1e-5):
    """Compare JSON-like results: numbers within tolerance, everything else exactly."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), (
            f"{path}: keys {sorted(ours)} != {sorted(theirs)}")
        for k in theirs:
            assert_close(ours[k], theirs[k], f"{path}.{k}", rtol, atol)
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), (
            f"{path}: length {len(ours)} != {len(theirs)}")
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_close(a, b, f"{path}[{i}]", rtol, atol)
    elif isinstance(theirs, float) or (isinstance(ours, float) and isinstance(theirs, int)):
        assert math.isclose(ours, theirs, rel_tol=rtol, abs_tol=atol), (
            f"{path}: {ours} != {theirs}")
    else:
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"


def both(ecosystem, tmp_path, script: str, *args_of):
    """Run ``script`` on numtorch and on torch (each in its own folder; ``args_of(folder)``
    gives extra arguments) and return both results and processes."""
    runs = []
    for on_torch in (False, True):
        cwd = tmp_path / ("torch" if on_torch else "numtorch")
        extra = [a(cwd) for a in args_of]
        runs.append(ecosystem.run(script, cwd, *extra, on_torch=on_torch))
    (ours, our_proc), (theirs, their_proc) = runs
    return ours, theirs, our_proc, their_proc


def test_einops(ecosystem, tmp_path):
    ours, theirs, _, _ = both(ecosystem, tmp_path, "einops_ops.py")
    assert_close(ours, theirs)


def test_torchinfo_summary_cnn(ecosystem, tmp_path):
    ours, theirs, _, _ = both(ecosystem, tmp_path, "torchinfo_summary.py", lambda d: "cnn")
    assert "Conv2d: 2-1" in ours["text"]
    assert_close(ours, theirs)


def test_torchinfo_summary_transformer(ecosystem, tmp_path):
    ours, theirs, _, _ = both(ecosystem, tmp_path, "torchinfo_summary.py",
                              lambda d: "transformer")
    assert "TransformerEncoderLayer" in ours["text"]
    assert_close(ours, theirs)


def test_torchmetrics(ecosystem, tmp_path):
    ours, theirs, _, _ = both(ecosystem, tmp_path, "torchmetrics_batches.py")
    assert_close(ours, theirs)


def test_timm_resnet18_and_vit(ecosystem, tmp_path):
    ours, theirs, _, _ = both(ecosystem, tmp_path, "timm_models.py")
    assert_close(ours, theirs, rtol=1e-3, atol=1e-4)


def test_skorch_digits(ecosystem, tmp_path):
    ours, theirs, our_proc, _ = both(ecosystem, tmp_path, "skorch_digits.py")
    assert "train_loss" in our_proc.stdout  # skorch's epoch table was printed
    assert_close(ours, theirs, rtol=1e-3, atol=1e-4)


def test_lightning_fit(ecosystem, tmp_path):
    ours, theirs, our_proc, _ = both(ecosystem, tmp_path, "lightning_fit.py", lambda d: str(d))
    # the progress bar drew the epoch (Lightning's tqdm bars write to stdout)
    assert "Epoch 0: 100%" in our_proc.stdout, our_proc.stdout[-2000:]
    # real torch loads numtorch's checkpoint; it holds the same weights as the torch run's
    ckpt = torch.load(ours.pop("checkpoint"), map_location="cpu")  # weights_only loading
    theirs.pop("checkpoint")
    assert ckpt["epoch"] == 0 and ckpt["global_step"] == ours["global_step"] == 4
    assert ours["resumed_step"] == 8 and ours["flops"] > 0
    for k, v in ckpt["state_dict"].items():
        assert isinstance(v, torch.Tensor)
        assert v.flatten().tolist() == pytest.approx(ours["weights"][k], rel=1e-6, abs=1e-7)
    assert_close(ours, theirs, rtol=1e-4, atol=1e-5)
