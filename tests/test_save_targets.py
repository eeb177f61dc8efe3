"""``save`` onto paths that are not plain files, and what a killed save leaves behind.

torch writes through devices and FIFOs and refuses folders; numtorch must never replace such a
path with a regular file (it did), nor leave temporaries of a killed save for ever.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading

import pytest
import torch

import numtorch


def _raises(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return e
    return None


def test_save_to_dev_null_writes_through():
    numtorch.save(numtorch.ones(3), "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_save_to_dev_full_raises_like_torch_and_keeps_the_device():
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    t_exc = _raises(lambda: torch.save(torch.ones(3), "/dev/full"))
    n_exc = _raises(lambda: numtorch.save(numtorch.ones(3), "/dev/full"))
    assert type(t_exc) is RuntimeError
    assert type(n_exc) is RuntimeError, n_exc
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode), "the device node was replaced"


def test_save_to_a_symlinked_device_writes_through(tmp_path):
    link = tmp_path / "sink.pt"
    link.symlink_to("/dev/null")
    numtorch.save(numtorch.ones(3), link)
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_save_to_a_fifo_feeds_its_reader(tmp_path):
    fifo = tmp_path / "pipe.pt"
    os.mkfifo(fifo)
    got = {}

    def read():
        with open(fifo, "rb") as f:
            got["data"] = f.read()

    reader = threading.Thread(target=read)
    reader.start()
    numtorch.save(numtorch.arange(4.0), fifo)
    reader.join(timeout=10)
    assert not reader.is_alive(), "the FIFO's reader is still waiting"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    plain = tmp_path / "plain.pt"
    plain.write_bytes(got["data"])
    assert torch.load(plain).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_save_to_stdout_pipe():
    code = "import numtorch; numtorch.save(numtorch.arange(3.0), '/dev/stdout')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    torch_out = subprocess.run(
        [sys.executable, "-c", "import torch; torch.save(torch.arange(3.0), '/dev/stdout')"],
        capture_output=True, check=True).stdout
    assert out[:2] == b"PK" and len(out) == len(torch_out)


def test_save_to_a_folder_raises_like_torch(tmp_path):
    t_exc = _raises(lambda: torch.save(torch.ones(2), tmp_path))
    n_exc = _raises(lambda: numtorch.save(numtorch.ones(2), tmp_path))
    assert type(n_exc) is type(t_exc) is RuntimeError
    assert str(n_exc) in str(t_exc)
    assert tmp_path.is_dir() and not any(tmp_path.iterdir())


def test_killed_save_leaves_a_temporary_the_next_save_removes(tmp_path):
    target = tmp_path / "big.pt"
    script = textwrap.dedent(f"""
        import os, signal, numtorch
        from numtorch._serialization import zipformat
        real = zipformat.write_archive
        def slow(out, *a, **k):
            out.write(b"partial")
            out.flush()
            print("writing", flush=True)
            signal.pause()
        zipformat.write_archive = slow
        numtorch.save(numtorch.ones(10), {str(target)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    leftovers = [p for p in tmp_path.iterdir() if p.name != "big.pt"]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".big.pt.numtorch-")
    numtorch.save(numtorch.zeros(2), target)
    assert [p.name for p in tmp_path.iterdir()] == ["big.pt"]
    assert torch.load(target).tolist() == [0.0, 0.0]


def test_exception_during_save_leaves_no_temporary(tmp_path):
    class Boom:
        def __reduce__(self):
            raise ValueError("cannot pickle")

    with pytest.raises(ValueError):
        numtorch.save({"x": Boom()}, tmp_path / "m.pt")
    assert not any(tmp_path.iterdir())
