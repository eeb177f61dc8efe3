"""``python -m benchmarks.bench_func``: per-sample gradients of a small MLP with
``vmap(grad(loss))``, numtorch.func vs torch.func, side by side (1 thread first).

The model and data follow torch.func's per-sample-gradient tutorial: a 3-layer MLP on flattened
28x28 inputs, ``functional_call`` over its parameters, cross-entropy on one sample at a time,
``vmap`` over the batch. The speed ratio is torch_time / numtorch_time (above 1.0: numtorch is
faster); ``--check`` also compares the gradients.
"""

from __future__ import annotations

import argparse
import importlib
import sys

import numpy as np


def per_sample_grads(batch: int, hidden: int = 128):
    """A builder: ``lib -> step`` computing the per-sample gradients of every parameter."""

    def build(lib):
        nn, func = lib.nn, lib.func
        lib.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(),
                              nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 10))
        params = {k: v.detach() for k, v in model.named_parameters()}
        buffers = {k: v.detach() for k, v in model.named_buffers()}
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.random((batch, 1, 28, 28), dtype=np.float32))
        y = lib.tensor(rng.integers(0, 10, batch))

        def loss(p, b, sample, target):
            out = func.functional_call(model, (p, b), (sample.unsqueeze(0),))
            return nn.functional.cross_entropy(out, target.unsqueeze(0))

        fn = func.vmap(func.grad(loss), in_dims=(None, None, 0, 0))

        def step():
            return fn(params, buffers, x, y)
        return step
    return build


WORKLOADS = {"per-sample grads MLP b=64": (per_sample_grads(64), 10),
             "per-sample grads MLP b=8": (per_sample_grads(8), 30)}


def check(batch: int = 8) -> float:
    """The largest absolute difference between numtorch's and torch's per-sample gradients."""
    import torch

    import numtorch

    a = per_sample_grads(batch)(numtorch)()
    b = per_sample_grads(batch)(torch)()
    return max(float(np.abs(a[k].numpy() - b[k].numpy()).max()) for k in b)


def main(argv=None) -> int:
    import benchmarks.__main__ as suite
    from benchmarks.__main__ import _limit_threads, _print_row, time_workload

    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_func",
                                description=__doc__.split("\n")[0])
    p.add_argument("--threads", choices=["1", "both"], default="both")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--check", action="store_true", help="compare the gradients with torch")
    args = p.parse_args(argv)
    libs = [importlib.import_module("numtorch")]
    try:
        torch = importlib.import_module("torch")
        suite._default_torch_threads = torch.get_num_threads()
        libs.append(torch)
    except ImportError:
        print("note: torch is not installed; numtorch figures only", file=sys.stderr)
    if args.check and len(libs) > 1:
        print(f"max |numtorch - torch| over per-sample gradients: {check():.3g}")
    for threads in ([1] if args.threads == "1" else [1, None]):
        ctx = _limit_threads(threads)
        for name, (builder, calls) in WORKLOADS.items():
            row = time_workload(name, builder, calls, libs, args.rounds)
            row["threads"] = "1" if threads else "default"
            _print_row(row)
        if ctx is not None:
            ctx.unregister()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
