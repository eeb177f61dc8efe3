"""The op profiler behind ``numtorch.profiler`` and ``numtorch.autograd.profiler``.

While a profile is active every op call goes through a recorder (the hook the ONNX exporter
uses in ``Op.apply``) that times it on the host clock; ``record_function`` adds user-named
ranges. Ops are named as torch names them (``aten::mm``, ``aten::relu``); the events aggregate
into torch's ``key_averages().table()`` and export as a Chrome/Perfetto trace.

Known difference: only the CPU is profiled, and an op's self time counts the ops it calls
itself as children (a composite function that is not an op has no event of its own).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterable

from .._ops import _base

__all__ = ["FunctionEvent", "FunctionEventAvg", "EventList", "Profiler", "profile",
           "record_function", "emit_nvtx", "emit_itt"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@functools.cache
def op_name(cls) -> str:
    """torch's event name for an op class: ``AddmmBackward0`` -> ``aten::addmm``."""
    base = re.sub(r"Backward\d*$", "", cls.grad_fn_name or "") or cls.__name__.lstrip("_")
    return "aten::" + _CAMEL.sub("_", base).lower()


def _event_name(cls) -> str:
    if cls.__name__ == "Create":
        # a factory op: named after the public factory that called it (``aten::zeros``)
        frame = sys._getframe(2)
        for _ in range(8):
            if frame is None:
                break
            name = frame.f_code.co_name
            if not name.startswith("_") and name != "apply":
                return "aten::" + name
            frame = frame.f_back
        return "aten::empty"
    return op_name(cls)


class FunctionEvent:
    """One timed range: an op call or a ``record_function`` block (times in microseconds)."""

    def __init__(self, name: str, start_ns: int, thread: int, input_shapes=None,
                 is_user_annotation: bool = False) -> None:
        self.name = self.key = name
        self.start_ns = start_ns
        self.end_ns = start_ns
        self.thread = thread
        self.input_shapes = input_shapes or []
        self.is_user_annotation = is_user_annotation
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.count = 1
        self.device_type = "CPU"

    @property
    def cpu_time_total(self) -> float:
        return (self.end_ns - self.start_ns) / 1000.0

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    def __repr__(self) -> str:
        return (f"<FunctionEvent name={self.name} cpu_time_total={self.cpu_time_total:.3f}us "
                f"thread={self.thread}>")


class FunctionEventAvg:
    """Events with the same key (and input shapes, when grouped so) summed."""

    def __init__(self, key: str, input_shapes=None) -> None:
        self.key = key
        self.input_shapes = input_shapes
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.is_user_annotation = False
        self.device_type = "CPU"

    def add(self, event: FunctionEvent) -> FunctionEventAvg:
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.is_user_annotation = event.is_user_annotation
        return self

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total:.3f}us "
                f"cpu_time={self.cpu_time_total:.3f}us count={self.count}>")


def _fmt_time(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """A list of events with torch's aggregation and table."""

    def key_averages(self, group_by_input_shape: bool = False) -> EventList:
        groups: dict = {}
        for e in self:
            key = (e.key, str(e.input_shapes) if group_by_input_shape else None)
            if key not in groups:
                groups[key] = FunctionEventAvg(e.key, e.input_shapes
                                               if group_by_input_shape else None)
            groups[key].add(e)
        return EventList(groups.values())

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by: str | None = None, row_limit: int = 100,
              max_src_column_width: int = 75, max_name_column_width: int = 55,
              max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        """torch's summary table: self and total CPU time per key, with percentages."""
        rows = list(self)
        if sort_by is not None:
            key = sort_by.replace("cpu_time_total", "cpu_time_total")
            rows.sort(key=lambda e: getattr(e, key, 0.0), reverse=True)
        rows = rows[:row_limit] if row_limit and row_limit > 0 else rows
        total = self.self_cpu_time_total or 1.0
        shapes = any(getattr(e, "input_shapes", None) for e in rows) and \
            any(isinstance(e, FunctionEventAvg) and e.input_shapes is not None for e in rows)
        name_w = min(max([len(e.key) for e in rows] + [4]), max_name_column_width)
        heads = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                 "# of Calls"] + (["Input Shapes"] if shapes else [])
        widths = [name_w] + [12] * 6 + ([max_shapes_column_width] if shapes else [])
        line = "  ".join("-" * w for w in widths) + "  "

        def row(cells):
            return "  ".join(str(c).rjust(w) if i else str(c)[:w].rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))) + "  "

        out = [header] if header else []
        out += [line, row(heads), line]
        for e in rows:
            cells = [e.key, f"{100 * e.self_cpu_time_total / total:.2f}%",
                     _fmt_time(e.self_cpu_time_total), f"{100 * e.cpu_time_total / total:.2f}%",
                     _fmt_time(e.cpu_time_total), _fmt_time(e.cpu_time), e.count]
            if shapes:
                cells.append(str(e.input_shapes)[:max_shapes_column_width])
            out.append(row(cells))
        out += [line, f"Self CPU time total: {_fmt_time(self.self_cpu_time_total)}", ""]
        return "\n".join(out)

    def export_chrome_trace(self, path: str) -> None:
        _write_trace(path, self)


# -- recording ---------------------------------------------------------------------------------
class _Recorder:
    """The active profile: an event list and, per thread, the stack of open events."""

    def __init__(self, record_shapes: bool) -> None:
        self.record_shapes = record_shapes
        self.events: list[FunctionEvent] = []
        self.stacks: dict[int, list[FunctionEvent]] = {}
        self.outer = None

    def open(self, name: str, shapes=None, user: bool = False) -> FunctionEvent:
        tid = threading.get_ident()
        stack = self.stacks.setdefault(tid, [])
        ev = FunctionEvent(name, time.perf_counter_ns(), tid, shapes, user)
        if stack:
            ev.cpu_parent = stack[-1]
            stack[-1].cpu_children.append(ev)
        stack.append(ev)
        self.events.append(ev)
        return ev

    def close(self, ev: FunctionEvent) -> None:
        ev.end_ns = time.perf_counter_ns()
        stack = self.stacks.get(ev.thread)
        if stack and stack[-1] is ev:
            stack.pop()

    def __call__(self, cls, inputs, params):
        shapes = None
        if self.record_shapes:
            shapes = [list(x.shape) if hasattr(x, "shape") else [] for x in inputs]
        ev = self.open(_event_name(cls), shapes)
        saved, _base._tracer = _base._tracer, self.outer
        try:
            if self.outer is not None:
                return self.outer(cls, inputs, params)
            return cls.apply(*inputs, **params)
        finally:
            _base._tracer = saved
            self.close(ev)


_active: list[_Recorder] = []


class record_function(contextlib.ContextDecorator):  # noqa: N801 - torch's name
    """``with record_function("name"):`` marks a range in the active profile (a no-op when
    nothing is profiled); also a decorator."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self.args = args
        self._event = None

    def __enter__(self):
        if _active:
            self._event = _active[-1].open(self.name, user=True)
        return self

    def __exit__(self, *exc) -> bool:
        if self._event is not None and _active:
            _active[-1].close(self._event)
        self._event = None
        return False


class Profiler:
    """Start/stop recording; the events of the last recording, as torch's profiler keeps."""

    def __init__(self, record_shapes: bool = False) -> None:
        self.record_shapes = record_shapes
        self._recorder: _Recorder | None = None
        self._events = EventList()

    def _start(self) -> None:
        rec = _Recorder(self.record_shapes)
        rec.outer = _base._tracer
        _base._tracer = rec
        _active.append(rec)
        self._recorder = rec

    def _stop(self) -> None:
        rec = self._recorder
        if rec is None:
            return
        _base._tracer = rec.outer
        if rec in _active:
            _active.remove(rec)
        self._events = EventList(rec.events)
        self._recorder = None

    def events(self) -> EventList:
        return self._events

    def key_averages(self, group_by_input_shape: bool = False,
                     group_by_stack_n: int = 0) -> EventList:
        return self._events.key_averages(group_by_input_shape)

    def table(self, *args, **kwargs) -> str:
        return self._events.table(*args, **kwargs)

    def export_chrome_trace(self, path: str) -> None:
        _write_trace(path, self._events)

    @property
    def self_cpu_time_total(self) -> float:
        return self._events.self_cpu_time_total


class profile(Profiler):  # noqa: N801 - torch's name
    """``torch.autograd.profiler.profile``: record the ops of a ``with`` block."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device=None,
                 record_shapes: bool = False, with_flops: bool = False,
                 profile_memory: bool = False, with_stack: bool = False,
                 with_modules: bool = False, use_kineto: bool = False, use_cpu: bool = True,
                 experimental_config=None, acc_events: bool = False,
                 custom_trace_id_callback=None) -> None:
        super().__init__(record_shapes)
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self._start()
        return self

    def __exit__(self, *exc) -> bool:
        self._stop()
        return False


@contextlib.contextmanager
def emit_nvtx(enabled: bool = True, record_shapes: bool = False):
    """No NVTX here (no CUDA): a no-op context."""
    yield


@contextlib.contextmanager
def emit_itt(enabled: bool = True, record_shapes: bool = False):
    yield


def _write_trace(path: str, events: Iterable[FunctionEvent]) -> None:
    """Chrome's trace-event format (``chrome://tracing``, Perfetto): one complete ("X")
    event per range, times in microseconds."""
    pid = os.getpid()
    trace = [{"ph": "M", "name": "process_name", "pid": pid, "tid": 0,
              "args": {"name": "python"}}]
    base = min((e.start_ns for e in events), default=0)
    for e in events:
        trace.append({"ph": "X", "cat": "user_annotation" if e.is_user_annotation
                      else "cpu_op", "name": e.name, "pid": pid, "tid": e.thread,
                      "ts": (e.start_ns - base) / 1000.0,
                      "dur": (e.end_ns - e.start_ns) / 1000.0,
                      "args": {"Input Dims": e.input_shapes} if e.input_shapes else {}})
    with open(path, "w") as f:
        json.dump({"schemaVersion": 1, "displayTimeUnit": "ms", "traceEvents": trace,
                   "traceName": os.fspath(path)}, f)
