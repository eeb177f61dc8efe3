"""Failing loudly: an uncaught exception on one rank, or a stuck collective, ends the whole job.

Without this a rank that raises leaves the others blocked in a collective forever (MPI has no
notion of a Python exception). ``init_process_group`` installs an excepthook that prints the
traceback under a header naming the rank and calls ``MPI_Abort``, which makes the launcher stop
every rank (as ``python -m mpi4py`` does).

A rank killed outright (``kill -9``, the out-of-memory killer) cannot speak for itself, and the
launcher names only its pid. So each rank also starts a tiny watchdog process holding one end of
a pipe: if the rank vanishes without saying goodbye on the pipe, the first watchdog to notice
(one per job and host, decided by an abstract unix socket name) prints which rank died. A rank
that aborts on purpose has its watchdog take that lock before calling MPI_Abort, so the ranks it
then kills stay quiet; and a rank waits until its watchdog listens before it goes on.
"""

from __future__ import annotations

import atexit
import os
import select
import socket
import subprocess
import sys
import traceback

_previous_hook = None
_rank = None
_watchdog_fd: int | None = None
_ack_fd: int | None = None
_watchdog_proc = None  # kept so the Popen object is not collected while the watchdog runs

_WATCHDOG = r"""
import os, socket, sys, time
fd, rank, token, ppid, ack = (int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]),
                              int(sys.argv[5]))
host = socket.gethostname()

def take_lock():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.bind("\0numtorch-distributed-" + token)
    except OSError:
        s.close()
        return None
    return s

os.write(ack, b"r")  # ready: the rank goes on only once this process waits on the pipe
data, lock = b"", None
while True:
    chunk = os.read(fd, 64)
    if not chunk:
        break
    data += chunk
    if data.startswith(b"abort") and lock is None:
        lock = take_lock()
        os.write(ack, b"k")  # the rank may now abort: the other watchdogs will stay quiet
if data == b"bye" or (data.startswith(b"abort") and lock is None):
    sys.exit(0)
if lock is None:
    lock = take_lock()
    if lock is None:
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
    """Start this rank's watchdog and wait until it listens (a rank that died while its
    watchdog was still starting would be reported late, perhaps after the ranks the launcher
    then kills, and so be mistaken for one of them)."""
    global _watchdog_fd, _watchdog_proc, _ack_fd
    r, w = os.pipe()
    ack_r, ack_w = os.pipe()
    try:
        args = [sys.executable, "-c", _WATCHDOG, str(r), str(rank), token, str(os.getpid()),
                str(ack_w)]
        _watchdog_proc = subprocess.Popen(args, pass_fds=(r, ack_w), stdin=subprocess.DEVNULL,
                                          start_new_session=True)
    except OSError:
        os.close(w)
        os.close(ack_r)
        return
    finally:
        os.close(r)
        os.close(ack_w)
    _watchdog_fd, _ack_fd = w, ack_r
    _wait_ack(30.0)
    atexit.register(_dismiss_watchdog)


def _wait_ack(timeout: float) -> bool:
    """Wait for one byte from the watchdog (``r``: listening; ``k``: holds the job's lock)."""
    if _ack_fd is None:
        return False
    ready, _, _ = select.select([_ack_fd], [], [], timeout)
    if not ready:
        return False
    try:
        return bool(os.read(_ack_fd, 1))
    except OSError:
        return False


def _dismiss_watchdog(word: bytes = b"bye") -> None:
    """Tell the watchdog this rank ends on purpose (``abort``: and has said why; then wait,
    briefly, until the watchdog holds the job's lock, so that the watchdogs of the ranks
    ``MPI_Abort`` kills stay quiet instead of blaming their rank)."""
    global _watchdog_fd
    if _watchdog_fd is not None:
        try:
            os.write(_watchdog_fd, word)
            if word == b"abort":
                _wait_ack(2.0)
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
    try:
        from mpi4py import MPI

        MPI.COMM_WORLD.Abort(code)
    finally:
        os._exit(code)
