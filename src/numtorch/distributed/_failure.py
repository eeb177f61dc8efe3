"""Failing loudly: an uncaught exception on one rank, or a stuck collective, ends the whole job.

Without this a rank that raises leaves the others blocked in a collective forever (MPI has no
notion of a Python exception). ``init_process_group`` installs an excepthook that prints the
traceback under a header naming the rank and calls ``MPI_Abort``, which makes the launcher stop
every rank (as ``python -m mpi4py`` does).

A rank killed outright (``kill -9``, the out-of-memory killer) cannot speak for itself, and the
launcher names only its pid. So each rank also starts a tiny watchdog process holding one end of
a pipe: if the rank vanishes without saying goodbye on the pipe, the first watchdog to notice
(one per job and host, decided by an abstract unix socket name) prints which rank died. A rank
that aborts on purpose takes that lock first, so the ranks MPI_Abort then kills stay quiet.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import traceback

_previous_hook = None
_rank = None
_watchdog_fd: int | None = None
_watchdog_proc = None  # kept so the Popen object is not collected while the watchdog runs

_WATCHDOG = r"""
import os, socket, sys, time
fd, rank, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ppid, host = int(sys.argv[4]), socket.gethostname()
data = b""
while True:
    chunk = os.read(fd, 64)
    if not chunk:
        break
    data += chunk
if data == b"bye":
    sys.exit(0)
lock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    lock.bind("\0numtorch-distributed-" + token)
except OSError:
    sys.exit(0)
if not data:
    sys.stderr.write(f"numtorch.distributed: rank {rank} (pid {ppid} on {host}) died without "
                     "an error message: killed by a signal (kill -9 or the out-of-memory "
                     "killer, or the launcher after a rank on another host failed); the MPI "
                     "launcher stops the other ranks\n")
    sys.stderr.flush()
os.close(1); os.close(2)
time.sleep(2)
"""


def install(rank: int, world_size: int, token: str = "") -> None:
    """Abort the MPI job when an exception escapes the main program on this rank."""
    global _previous_hook, _rank
    _rank = rank
    if world_size <= 1 or _previous_hook is not None:
        return
    _previous_hook = sys.excepthook
    sys.excepthook = _abort_on_exception
    if token:
        _start_watchdog(rank, token)


def _start_watchdog(rank: int, token: str) -> None:
    global _watchdog_fd, _watchdog_proc
    r, w = os.pipe()
    try:
        args = [sys.executable, "-c", _WATCHDOG, str(r), str(rank), token, str(os.getpid())]
        _watchdog_proc = subprocess.Popen(args, pass_fds=(r,), stdin=subprocess.DEVNULL,
                                          start_new_session=True)
    except OSError:
        os.close(w)
        return
    finally:
        os.close(r)
    _watchdog_fd = w
    atexit.register(_dismiss_watchdog)


def _dismiss_watchdog(word: bytes = b"bye") -> None:
    """Tell the watchdog this rank ends on purpose (``abort``: and has said why)."""
    global _watchdog_fd
    if _watchdog_fd is not None:
        try:
            os.write(_watchdog_fd, word)
            os.close(_watchdog_fd)
        except OSError:
            pass
        _watchdog_fd = None


def uninstall() -> None:
    global _previous_hook
    _dismiss_watchdog()
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
    _dismiss_watchdog(b"abort")
    time.sleep(0.05)  # lets the watchdog take the job's lock: the ranks MPI_Abort kills are quiet
    try:
        from mpi4py import MPI

        MPI.COMM_WORLD.Abort(code)
    finally:
        os._exit(code)
