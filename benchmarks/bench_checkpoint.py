"""Peak memory of one training step of a deep MLP, with and without ``checkpoint_sequential``.

``python -m benchmarks.bench_checkpoint [--depth 32 --width 512 --batch 1024 --segments 4]``

Each (library, mode) runs in a fresh process: build the model and data, take one warm-up step,
then measure one step. Two measures:

* ``tracemalloc``: the Python-level peak of the step (NumPy reports its array buffers to
  tracemalloc, so this is numtorch's whole footprint; torch's C++ allocator is invisible to it).
* ``rss``: the rise of the process's peak resident size over its size before the step
  (``ru_maxrss``), comparable across libraries. The child runs with a fixed glibc mmap
  threshold, so every large buffer is mapped on allocation and returned when freed and the
  resident size follows the live memory.

Both variants of checkpoint are measured (``reentrant`` and ``non-reentrant``); the table
prints megabytes and each mode's ratio to the plain step of the same library.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tracemalloc

MODES = ("plain", "reentrant", "non-reentrant")


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(lib_name: str, mode: str, depth: int, width: int, batch: int, segments: int) -> dict:
    """One step's peak memory for ``lib_name`` in ``mode`` (run in a fresh process)."""
    import numpy as np

    lib = __import__(lib_name)
    import importlib

    ckpt = importlib.import_module(f"{lib_name}.utils.checkpoint")
    nn = lib.nn
    lib.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    opt = lib.optim.SGD(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    # the input requires grad: the reentrant variant records nothing otherwise
    x = lib.tensor(rng.standard_normal((batch, width), dtype=np.float32), requires_grad=True)
    y = lib.tensor(rng.integers(0, 10, batch))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        if mode == "plain":
            out = model(x)
        else:
            out = ckpt.checkpoint_sequential(model, segments, x,
                                             use_reentrant=mode == "reentrant")
        loss = loss_fn(out, y)
        opt.zero_grad(set_to_none=False)  # gradient buffers stay: the peak is activations
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up: .grad buffers, allocator pools
    before = _rss_mb()
    tracemalloc.start()
    loss = step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"lib": lib_name, "mode": mode, "loss": loss, "tracemalloc_mb": peak / 2**20,
            "rss_mb": _maxrss_mb() - before}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--depth", type=int, default=32)
    p.add_argument("--width", type=int, default=512)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--segments", type=int, default=4)
    p.add_argument("--libs", default="numtorch,torch")
    p.add_argument("--one", nargs=2, metavar=("LIB", "MODE"), help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    shape = (a.depth, a.width, a.batch, a.segments)
    if a.one:
        print(json.dumps(measure(a.one[0], a.one[1], *shape)))
        return
    print(f"deep MLP: {a.depth} x Linear({a.width}, {a.width}) + ReLU, batch {a.batch}, "
          f"checkpoint_sequential with {a.segments} segments; activations of one layer: "
          f"{a.batch * a.width * 4 / 2**20:.1f} MB")
    print(f"{'library':10} {'mode':14} {'tracemalloc MB':>15} {'ratio':>6} {'peak RSS MB':>12} "
          f"{'ratio':>6}  loss")
    for lib in a.libs.split(","):
        base = None
        for mode in MODES:
            cmd = [sys.executable, "-m", "benchmarks.bench_checkpoint", "--one", lib, mode,
                   "--depth", str(a.depth), "--width", str(a.width), "--batch", str(a.batch),
                   "--segments", str(a.segments)]
            env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072")
            res = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if res.returncode != 0:
                print(f"{lib:10} {mode:14} failed: {res.stderr.strip().splitlines()[-1]}")
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            if base is None:
                base = r
            rr = r["rss_mb"] / base["rss_mb"] if base["rss_mb"] > 0 else 0
            if base["tracemalloc_mb"] >= 1:
                tr = r["tracemalloc_mb"] / base["tracemalloc_mb"]
                traced = f"{r['tracemalloc_mb']:15.1f} {tr:6.2f}"
            else:  # an allocator tracemalloc does not see
                traced = f"{'n/a':>15} {'':6}"
            print(f"{lib:10} {mode:14} {traced} {r['rss_mb']:12.1f} {rr:6.2f}  {r['loss']:.6f}")


if __name__ == "__main__":
    main()
