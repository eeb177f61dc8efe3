"""Whole-model ``save``: numtorch names its classes by torch's paths, so torch loads a model
numtorch saved and numtorch loads torch's, with ``weights_only=False`` or ``safe_globals``."""

from __future__ import annotations

import collections
import io
import re
import zipfile

import numpy as np
import torch

import numtorch


def _model(lib):
    return lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3), lib.nn.BatchNorm2d(2), lib.nn.ReLU(),
                             lib.nn.Flatten(), lib.nn.Linear(8, 3))


def _globals(blob: bytes) -> set:
    zf = zipfile.ZipFile(io.BytesIO(blob))
    data = zf.read(next(n for n in zf.namelist() if n.endswith("data.pkl")))
    return {(m.decode(), n.decode()) for m, n in re.findall(rb"c([\w.]+)\n(\w+)\n", data)}


def test_numtorch_model_loads_in_torch():
    numtorch.manual_seed(0)
    ours = _model(numtorch).eval()
    buf = io.BytesIO()
    numtorch.save(ours, buf)
    names = _globals(buf.getvalue())
    assert not any(m.startswith("numtorch") for m, _ in names), names
    assert ("torch.nn.modules.conv", "Conv2d") in names
    buf.seek(0)
    theirs = torch.load(buf, weights_only=False)
    assert type(theirs) is torch.nn.Sequential and type(theirs[1]) is torch.nn.BatchNorm2d
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.tensor(x)).detach().numpy(),
                               ours(numtorch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_torch_model_loads_in_numtorch_both_ways():
    torch.manual_seed(0)
    theirs = _model(torch).eval()
    buf = io.BytesIO()
    torch.save(theirs, buf)
    x = np.random.default_rng(1).standard_normal((2, 1, 4, 4)).astype(np.float32)
    want = theirs(torch.tensor(x)).detach().numpy()
    buf.seek(0)
    ours = numtorch.load(buf, weights_only=False)
    assert type(ours) is numtorch.nn.Sequential
    np.testing.assert_allclose(ours(numtorch.tensor(x)).detach().numpy(), want, rtol=1e-5,
                               atol=1e-6)
    allowed = [numtorch.nn.Sequential, numtorch.nn.Conv2d, numtorch.nn.BatchNorm2d,
               numtorch.nn.ReLU, numtorch.nn.Flatten, numtorch.nn.Linear, set,
               collections.OrderedDict]
    with numtorch.serialization.safe_globals(allowed):
        buf.seek(0)
        again = numtorch.load(buf)
    assert type(again[4]) is numtorch.nn.Linear


def test_saved_model_keeps_working_hooks():
    m = numtorch.nn.Linear(2, 2)
    buf = io.BytesIO()
    numtorch.save(m, buf)
    buf.seek(0)
    back = numtorch.load(buf, weights_only=False)
    seen = []
    handle = back.register_forward_hook(lambda mod, i, o: seen.append(o.shape))
    back(numtorch.ones(1, 2))
    handle.remove()
    back(numtorch.ones(1, 2))
    assert seen == [numtorch.Size([1, 2])]
