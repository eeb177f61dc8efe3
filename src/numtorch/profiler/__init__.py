"""``numtorch.profiler`` (``torch.profiler``): per-op CPU timings with torch's API: ``profile``
(with ``schedule``, ``on_trace_ready`` and ``step``), ``record_function``, ``key_averages()``
and its table, Chrome/Perfetto trace export and ``tensorboard_trace_handler``.

The recorder lives in ``numtorch.autograd.profiler``; only the CPU is profiled.
"""

from __future__ import annotations

import enum
import os
import socket
import time
from collections.abc import Callable, Iterable

from ..autograd.profiler import EventList, Profiler, record_function

__all__ = ["ProfilerAction", "ProfilerActivity", "profile", "record_function", "schedule",
           "supported_activities", "tensorboard_trace_handler", "EventList", "kineto_available"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1
    XPU = 2
    MTIA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set:
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """True, as in torch's CPU build: :class:`profile` offers the activity-based profiler API
    (``activities``, ``schedule``, ``on_trace_ready``)."""
    return True


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """torch's profiling schedule: skip ``skip_first`` steps, then cycles of ``wait`` idle,
    ``warmup`` and ``active`` recorded steps (the last of them saves), ``repeat`` times (0:
    forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    if warmup == 0:
        import warnings

        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)

    def action(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if skip_first_wait and step < wait:
            return ProfilerAction.NONE
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD_AND_SAVE if pos == cycle - 1 else ProfilerAction.RECORD

    return action


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False) -> Callable:
    """An ``on_trace_ready`` that writes ``<worker>.<ms>.pt.trace.json`` into ``dir_name`` (the
    TensorBoard profiler plugin's layout)."""
    def handler(prof: profile) -> None:
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{int(time.time() * 1000)}.pt.trace.json"
        path = os.path.join(dir_name, name)
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil

            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
    return handler


class profile(Profiler):  # noqa: N801 - torch's name
    """``torch.profiler.profile``: record the ops of a ``with`` block, or of the steps a
    ``schedule`` selects (call ``step()`` after each); ``on_trace_ready`` runs when a recorded
    cycle ends."""

    def __init__(self, *, activities: Iterable | None = None, schedule: Callable | None = None,
                 on_trace_ready: Callable | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False,
                 with_flops: bool = False, with_modules: bool = False,
                 experimental_config=None, execution_trace_observer=None,
                 acc_events: bool = False, use_cuda: bool | None = None,
                 custom_trace_id_callback=None, post_processing_timeout_s=None) -> None:
        super().__init__(record_shapes)
        self.activities = set(activities) if activities is not None else supported_activities()
        self.schedule = schedule
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self._action = ProfilerAction.RECORD

    def _apply(self, action: ProfilerAction) -> None:
        recording = action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        was = self._action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if recording and not was:
            self._start()
        elif was and not recording:
            self._finish()
        self._action = action

    def _finish(self) -> None:
        self._stop()
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def start(self) -> None:
        self._action = ProfilerAction.NONE
        self._apply(self.schedule(self.step_num) if self.schedule else ProfilerAction.RECORD)

    def stop(self) -> None:
        if self._action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._finish()
        self._action = ProfilerAction.NONE

    def step(self) -> None:
        """The end of one training step: move along the schedule."""
        previous = self._action
        self.step_num += 1
        nxt = self.schedule(self.step_num) if self.schedule else ProfilerAction.RECORD
        if previous == ProfilerAction.RECORD_AND_SAVE:
            self._finish()
            self._action = ProfilerAction.NONE
        self._apply(nxt)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False

    def events(self) -> EventList:
        return self._events
