"""``numtorch.jit`` against ``torch.jit``: wrapper types, names, printing, parameters and
errors as torch's; the wrapped code computes what the original computes; ``jit.save`` /
``jit.load`` round-trip numtorch's files and refuse real TorchScript archives clearly."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

import numtorch


def _seq(lib):
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU())


@pytest.mark.parametrize("how", ["script", "trace"])
def test_module_wrappers_as_torchs(how):
    ours, theirs = _seq(numtorch), _seq(torch)
    x = np.ones((1, 2), np.float32)
    if how == "script":
        w_ours, w_theirs = numtorch.jit.script(ours), torch.jit.script(theirs)
    else:
        w_ours = numtorch.jit.trace(ours, numtorch.tensor(x))
        w_theirs = torch.jit.trace(theirs, torch.tensor(x))
    assert type(w_ours).__name__ == type(w_theirs).__name__
    assert repr(w_ours) == repr(w_theirs)
    assert w_ours.original_name == w_theirs.original_name == "Sequential"
    assert isinstance(w_ours, numtorch.jit.ScriptModule)
    assert list(w_ours.state_dict()) == list(w_theirs.state_dict())
    assert w_ours[0].weight is ours[0].weight  # parameters are shared with the original
    xt = numtorch.tensor(x)
    assert w_ours(xt).tolist() == ours(xt).tolist()
    assert isinstance(w_ours.code, str) and str(w_ours.graph).startswith("graph(")


def test_traced_graph_lists_the_ops():
    t = numtorch.jit.trace(_seq(numtorch), numtorch.ones(1, 2))
    assert t.graph.nodes() == ["aten::t", "aten::addmm", "aten::relu"]
    assert not numtorch.jit.is_tracing() and not numtorch.jit.is_scripting()


def test_functions_and_helpers():
    def double(x):
        return x * 2

    for wrapped in (numtorch.jit.script(double), numtorch.jit.trace(double, numtorch.ones(2))):
        assert type(wrapped).__name__ == "ScriptFunction"
        assert wrapped(numtorch.ones(2)).tolist() == [2.0, 2.0]
    assert numtorch.jit.annotate(int, 3) == 3
    assert numtorch.jit.ignore(double) is double and numtorch.jit.unused(double) is double
    assert numtorch.jit.wait(numtorch.jit.fork(double, 3)) == 6
    lin = numtorch.jit.script(numtorch.nn.Linear(2, 2))
    assert lin.in_features == 2 and repr(lin) == repr(torch.jit.script(torch.nn.Linear(2, 2)))


@pytest.mark.parametrize("call", [
    lambda lib: lib.jit.freeze(_seq(lib)),
    lambda lib: lib.jit.freeze(lib.jit.script(_seq(lib))),
    lambda lib: lib.jit.trace(_seq(lib)),
])
def test_errors_as_torchs(call):
    outcomes = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            call(lib)
        outcomes.append((type(info.value), str(info.value)))
    assert outcomes[0] == outcomes[1]


def test_freeze_eval_and_save_load_round_trip(tmp_path):
    m = _seq(numtorch)
    t = numtorch.jit.trace(m, numtorch.ones(1, 2)).eval()
    assert numtorch.jit.freeze(t) is t
    path = tmp_path / "traced.pt"
    numtorch.jit.save(t, path, _extra_files={"note.txt": "hi"})
    extra = {"note.txt": ""}
    back = numtorch.jit.load(path, _extra_files=extra)
    assert type(back).__name__ == "TopLevelTracedModule" and extra["note.txt"] == "hi"
    x = numtorch.randn(4, 2)
    assert back(x).tolist() == t(x).tolist()
    assert back.graph.nodes() == t.graph.nodes()


def test_real_torchscript_archive_is_refused_clearly():
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="TorchScript archive written by torch"):
        numtorch.jit.load(buf)
