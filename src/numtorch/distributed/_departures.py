"""Noticing that a peer rank has left: a rank whose program ends cleanly tells the others.

MPI has no way to say "this rank is gone": a rank that returns from its script while the others
wait for it in a collective leaves them blocked forever. So each rank, when its program ends (or
when it destroys the default group), sends a small notice to every other rank on a communicator
of its own. A rank that waits for a collective polls for notices and, if a member of the group it
waits on has left, ends the job with an error naming that rank (see ``_work.wait_requests``).

The notices are eager messages of a few bytes: sending them never blocks, and a notice nobody
reads is harmless when every rank ends.
"""

from __future__ import annotations

import atexit
import os
import socket

import numpy as np

_TAG = 7107
_comm = None
_left: dict[int, str] = {}
_announced = False
_registered = False


def start(comm) -> None:
    """Listen for notices on ``comm`` (a duplicate of COMM_WORLD made by every rank)."""
    global _comm, _announced, _registered
    _comm = comm
    _left.clear()
    _announced = False
    if not _registered:
        atexit.register(announce)
        _registered = True


def announce() -> None:
    """Tell every other rank that this one is leaving (once per process group)."""
    global _announced
    comm = _comm
    if comm is None or _announced:
        return
    _announced = True
    me, n = comm.Get_rank(), comm.Get_size()
    note = f"pid {os.getpid()} on {socket.gethostname()}".encode()[:120]
    buf = np.frombuffer(note.ljust(128, b" "), dtype=np.uint8).copy()
    for r in range(n):
        if r != me:
            try:
                comm.Isend(buf, dest=r, tag=_TAG)
            except Exception:  # noqa: BLE001 - a peer already gone is not this rank's error
                pass


def stop() -> None:
    """Forget the communicator (the group is destroyed)."""
    global _comm
    _comm = None


def departed(ranks) -> tuple[int, str] | None:
    """A rank among ``ranks`` (global ranks; None: all) that has left, with where it ran."""
    comm = _comm
    if comm is None:
        return None
    from mpi4py import MPI

    status = MPI.Status()
    while comm.Iprobe(MPI.ANY_SOURCE, _TAG, status):
        buf = np.empty(128, np.uint8)
        comm.Recv(buf, status.Get_source(), _TAG)
        _left[status.Get_source()] = buf.tobytes().decode(errors="replace").strip()
    for r, where in _left.items():
        if ranks is None or r in ranks:
            return r, where
    return None
