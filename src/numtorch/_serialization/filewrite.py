"""Writing a checkpoint to a path without ever leaving a corrupt or foreign file behind.

A regular file (or a new path) is replaced atomically: the archive goes to a temporary file in
the same folder, is flushed and fsync'd, then renamed over the target. Anything else that exists
at the path (a character device such as ``/dev/null``, a FIFO, ``/dev/stdout`` on a pipe) is
written through, as ``torch.save`` does: replacing it would destroy a device node or leave a
pipe's reader waiting forever.

Temporary files carry the writer's process id (``.model.pt.numtorch-<pid>-<random>.tmp``), so a
save that was killed leaves a file the next save to the same target recognises and removes.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from typing import IO

_TMP_TAG = ".numtorch-"


def write_path(path: str | bytes, write: Callable[[IO[bytes]], None]) -> None:
    """Run ``write(file)`` onto ``path``: atomically for regular files, through otherwise."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    try:
        st = os.stat(path)  # follows symlinks: what an open() would reach
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise RuntimeError(f"File {path} cannot be opened: {e.strerror}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise RuntimeError("open file failed with strerror: Is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_through(path, write)
        return
    if os.path.islink(path):
        path = os.path.realpath(path)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {os.path.dirname(path) or parent} does not exist.")
    _remove_stale_temporaries(parent, os.path.basename(path))
    mode = _new_file_mode(path, st)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}{_TMP_TAG}{os.getpid()}-",
                               suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(parent)


def _write_through(path: str, write) -> None:
    """Write into an existing non-regular file (device, FIFO, pipe) in place."""
    try:
        with open(path, "wb") as out:
            write(out)
    except OSError as e:
        raise RuntimeError(f"cannot write the checkpoint to {path}: {e.strerror or e}") from None


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Remove temporaries of earlier saves to ``name`` whose writing process no longer runs."""
    prefix = f".{name}{_TMP_TAG}"
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(".tmp")):
            continue
        pid_text = entry[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, entry))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _new_file_mode(path: str, st) -> int:
    """The mode ``open(path, 'wb')`` would give: the existing file's, else 0o666 - umask."""
    if st is not None:
        return st.st_mode & 0o7777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(folder: str) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
