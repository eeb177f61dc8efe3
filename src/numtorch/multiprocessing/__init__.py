"""``numtorch.multiprocessing``: ``multiprocessing`` plus ``spawn``, as torch.multiprocessing.

Tensors cross process boundaries by pickling (a copy of the data); the sharing strategies are
accepted for compatibility and do not change that.
"""

from __future__ import annotations

import multiprocessing as _mp
from multiprocessing import *  # noqa: F403

from .spawn import (
    ProcessContext,
    ProcessExitedException,
    ProcessRaisedException,
    spawn,
    start_processes,
)

__all__ = list(_mp.__all__) + ["ProcessContext", "ProcessExitedException",
                               "ProcessRaisedException", "get_all_sharing_strategies",
                               "get_sharing_strategy", "set_sharing_strategy", "spawn",
                               "start_processes"]

_STRATEGIES = {"file_descriptor", "file_system"}
_strategy = ["file_descriptor"]


def get_all_sharing_strategies() -> set[str]:
    """The sharing strategies PyTorch offers on Linux."""
    return set(_STRATEGIES)


def get_sharing_strategy() -> str:
    return _strategy[0]


def set_sharing_strategy(new_strategy: str) -> None:
    """Record the strategy (numtorch always copies tensors between processes)."""
    if new_strategy not in _STRATEGIES:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of "
                             f"{_STRATEGIES}")
    _strategy[0] = new_strategy
