"""How a DataLoader with workers stops: on ``timeout``, and when the user presses Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import numtorch.utils.data as nd


class Stuck(nd.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(30)
        return i


def test_timeout_raises_after_about_the_timeout():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 1 seconds"):
        list(nd.DataLoader(Stuck(), batch_size=1, num_workers=2, timeout=1))
    assert time.monotonic() - start < 4.0  # was 1 + 5 s per worker before


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie still answers kill(0): look at its state
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_no_worker_outlives_ctrl_c(tmp_path):
    # a shell that started the suite in the background may pass SIGINT on as ignored:
    # the script restores Python's handler, as an interactive terminal has it
    script = textwrap.dedent("""
        import signal, time, numtorch.utils.data as nd
        signal.signal(signal.SIGINT, signal.default_int_handler)
        class Slow(nd.Dataset):
            def __len__(self): return 100
            def __getitem__(self, i):
                import os
                print("worker", os.getpid(), flush=True)
                time.sleep(30)
                return i
        for batch in nd.DataLoader(Slow(), batch_size=1, num_workers=2):
            pass
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    pids = {int(proc.stdout.readline().split()[1]) for _ in range(2)}
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert "KeyboardInterrupt" in err
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)], "DataLoader workers outlived Ctrl+C"
