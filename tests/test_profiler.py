"""``numtorch.profiler`` and ``numtorch.autograd.profiler``: op events named as torch names
them, torch's schedule, table layout, and trace files Chrome/Perfetto and TensorBoard read."""

from __future__ import annotations

import json
import warnings

import pytest
import torch
import torch.profiler as tprof

import numtorch
from numtorch import profiler


def _run(lib, x):
    with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU],
                              record_shapes=True) as prof:
        with lib.profiler.record_function("my_block"):
            (x @ x).relu().sum()
        x.exp()
        x.exp()
    return prof


def test_events_and_key_averages():
    prof = _run(numtorch, numtorch.randn(16, 16))
    avgs = {e.key: e for e in prof.key_averages()}
    assert {"my_block", "aten::mm", "aten::relu", "aten::sum", "aten::exp"} <= set(avgs)
    assert avgs["aten::exp"].count == 2 and avgs["my_block"].count == 1
    block = next(e for e in prof.events() if e.name == "my_block")
    assert {c.name for c in block.cpu_children} == {"aten::mm", "aten::relu", "aten::sum"}
    assert block.cpu_time_total >= sum(c.cpu_time_total for c in block.cpu_children) > 0
    mm = next(e for e in prof.events() if e.name == "aten::mm")
    assert mm.input_shapes == [[16, 16], [16, 16]]
    theirs = {e.key for e in _run(torch, torch.randn(16, 16)).key_averages()}
    assert {"my_block", "aten::mm", "aten::relu", "aten::sum", "aten::exp"} <= theirs


def test_table_has_torchs_columns():
    ours = _run(numtorch, numtorch.randn(8, 8)).key_averages().table(
        sort_by="cpu_time_total", row_limit=3)
    theirs = _run(torch, torch.randn(8, 8)).key_averages().table(
        sort_by="cpu_time_total", row_limit=3)
    head = [line.split() for line in theirs.splitlines()[:3]]
    assert [line.split() for line in ours.splitlines()[:3]][1] == head[1]
    assert ours.splitlines()[-1].startswith("Self CPU time total:")
    assert len([ln for ln in ours.splitlines() if "aten::" in ln or "my_block" in ln]) == 3


def test_chrome_trace_and_tensorboard_handler(tmp_path):
    prof = _run(numtorch, numtorch.randn(8, 8))
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    events = json.loads(path.read_text())["traceEvents"]
    complete = [e for e in events if e["ph"] == "X"]
    assert {"my_block", "aten::mm"} <= {e["name"] for e in complete}
    assert all(e["dur"] >= 0 and "ts" in e and "pid" in e and "tid" in e for e in complete)
    handler = profiler.tensorboard_trace_handler(str(tmp_path / "tb"), worker_name="w0")
    with profiler.profile(on_trace_ready=handler):
        numtorch.ones(3).sum()
    files = list((tmp_path / "tb").iterdir())
    assert len(files) == 1 and files[0].name.startswith("w0.")
    assert files[0].name.endswith(".pt.trace.json") and json.loads(files[0].read_text())


@pytest.mark.parametrize("kw", [dict(wait=1, warmup=1, active=2, repeat=1),
                                dict(wait=0, warmup=2, active=1, repeat=2, skip_first=3),
                                dict(wait=2, warmup=1, active=3)])
def test_schedule_as_torchs(kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = profiler.schedule(**kw), tprof.schedule(**kw)
    assert [ours(i).name for i in range(20)] == [theirs(i).name for i in range(20)]


def test_scheduled_steps_record_only_active_steps():
    ready = []
    sched = profiler.schedule(wait=1, warmup=1, active=2, repeat=1)
    x = numtorch.ones(4)
    with profiler.profile(schedule=sched, on_trace_ready=lambda p: ready.append(
            [e.name for e in p.events()])) as prof:
        for _ in range(6):
            (x * 2).sum()
            prof.step()
    assert ready == [["aten::mul", "aten::sum", "aten::mul", "aten::sum"]]


def test_legacy_autograd_profiler_and_no_profile():
    x = numtorch.ones(3)
    with numtorch.autograd.profiler.profile(record_shapes=True) as prof:
        (x + 1).mean()
    assert [e.name for e in prof.events()] == ["aten::add", "aten::mean"]
    with numtorch.autograd.profiler.profile() as prof:
        numtorch.zeros(2)
    assert [e.name for e in prof.events()] == ["aten::zeros"]
    with profiler.record_function("outside"):  # nothing active: a no-op
        numtorch.ones(2).sum()

    @profiler.record_function("decorated")
    def f():
        return x.sum()

    with profiler.profile() as p:
        f()
    assert [e.name for e in p.events()] == ["decorated", "aten::sum"]
