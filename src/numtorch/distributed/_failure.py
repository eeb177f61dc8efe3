"""Failing loudly: an uncaught exception on one rank, or a stuck collective, ends the whole job.

Without this a rank that raises leaves the others blocked in a collective forever (MPI has no
notion of a Python exception). ``init_process_group`` installs an excepthook that prints the
traceback under a header naming the rank and calls ``MPI_Abort``, which makes the launcher stop
every rank (as ``python -m mpi4py`` does).
"""

from __future__ import annotations

import os
import socket
import sys
import traceback

_previous_hook = None
_rank = None


def install(rank: int, world_size: int) -> None:
    """Abort the MPI job when an exception escapes the main program on this rank."""
    global _previous_hook, _rank
    _rank = rank
    if world_size <= 1 or _previous_hook is not None:
        return
    _previous_hook = sys.excepthook
    sys.excepthook = _abort_on_exception


def uninstall() -> None:
    global _previous_hook
    if _previous_hook is not None and sys.excepthook is _abort_on_exception:
        sys.excepthook = _previous_hook
    _previous_hook = None


def where() -> str:
    return f"rank {_rank} (pid {os.getpid()} on {socket.gethostname()})"


def _abort_on_exception(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        header = f"numtorch.distributed: {where()} was interrupted; aborting the job"
    else:
        header = (f"numtorch.distributed: {where()} raised an uncaught {exc_type.__name__}; "
                  "aborting the job on every rank")
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(f"{header}\n{_prefix(text)}")
    sys.stderr.flush()
    abort(1)


def _prefix(text: str) -> str:
    return "".join(f"[rank{_rank}]: {line}\n" for line in text.rstrip("\n").split("\n"))


def abort(code: int = 1, message: str | None = None) -> None:
    """Stop every rank of the job (``MPI_Abort`` on COMM_WORLD) after printing ``message``."""
    if message:
        sys.stderr.write(f"numtorch.distributed: {where()}: {message}\n")
        sys.stderr.flush()
    try:
        from mpi4py import MPI

        MPI.COMM_WORLD.Abort(code)
    finally:
        os._exit(code)
