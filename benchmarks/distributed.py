"""Distributed benchmark: ``mpiexec -n 2 python -m benchmarks.distributed [--quick]``.

1. All-reduce of 1-100 MB float32 buffers through ``numtorch.distributed.all_reduce`` against a
   raw ``mpi4py`` ``Allreduce`` of the same buffer, interleaved round by round: median times,
   algorithm bandwidth and the overhead ratio numtorch / raw (the target is <= 1.1).
2. One SGD step of the tutorial MLP (784-512-512-10) on 1 rank against DistributedDataParallel
   on all ranks: strong scaling (global batch fixed, split across ranks) and weak scaling (the
   per-rank batch fixed), as speedup and efficiency, with the buckets and bytes each step
   all-reduces.

Run no more ranks than cores (MPI busy-polls while it waits) on an otherwise idle machine;
times are the slowest rank's medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import numtorch as torch  # noqa: E402
import numtorch.distributed as dist  # noqa: E402
from numtorch import nn  # noqa: E402
from numtorch.nn.parallel import DistributedDataParallel  # noqa: E402


def _say(*args) -> None:
    if dist.get_rank() == 0:
        print(*args, flush=True)


def bench_all_reduce(sizes_mb: list[float], seconds: float) -> list[dict]:
    from mpi4py import MPI

    comm = dist.group.WORLD._comm  # the same communicator, so only numtorch's layer differs
    n = dist.get_world_size()
    rows = []
    _say(f"\nall_reduce (SUM) of float32 buffers, {n} ranks: median seconds per call")
    _say(f"{'size':>8} {'numtorch':>10} {'raw mpi4py':>11} {'ratio':>6} {'algbw GB/s':>11} "
         f"{'busbw GB/s':>11}")
    for mb in sizes_mb:
        count = int(mb * 1024 * 1024 // 4)
        t = torch.ones(count)
        raw = np.ones(count, np.float32)
        comm.Barrier()
        start = time.perf_counter()
        comm.Allreduce(MPI.IN_PLACE, raw)
        one = comm.allreduce(time.perf_counter() - start, MPI.MAX)
        warm_until = time.perf_counter() + min(1.0, max(0.2, 10 * one))
        while comm.allreduce(time.perf_counter() < warm_until, MPI.LAND):  # warm-up, both sides
            dist.all_reduce(t)
            comm.Allreduce(MPI.IN_PLACE, raw)
        # time batches of calls (>= ~20 ms) between barriers, alternating the two sides
        per_batch = max(1, int(0.02 / max(one, 1e-6)))
        rounds = max(3, min(50, int(seconds / (2 * per_batch * max(one, 1e-6)))))
        ours, theirs = [], []
        for _ in range(rounds):
            comm.Barrier()
            s = time.perf_counter()
            for _ in range(per_batch):
                dist.all_reduce(t)
            ours.append((time.perf_counter() - s) / per_batch)
            comm.Barrier()
            s = time.perf_counter()
            for _ in range(per_batch):
                comm.Allreduce(MPI.IN_PLACE, raw)
            theirs.append((time.perf_counter() - s) / per_batch)
        a = comm.allreduce(statistics.median(ours), MPI.MAX)
        b = comm.allreduce(statistics.median(theirs), MPI.MAX)
        nbytes = count * 4
        algbw = nbytes / a / 1e9
        busbw = algbw * 2 * (n - 1) / n
        rows.append({"size_mb": mb, "numtorch_s": a, "mpi4py_s": b, "ratio": a / b,
                     "algbw_GBps": algbw, "busbw_GBps": busbw})
        _say(f"{mb:>6g}MB {a:>10.5f} {b:>11.5f} {a / b:>6.3f} {algbw:>11.2f} {busbw:>11.2f}")
    return rows


class NeuralNetwork(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
            nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def _step_time(model, x, y, steps: int) -> float:
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    times = []
    for i in range(steps + 2):
        start = time.perf_counter()
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
        if i >= 2:  # warm-up steps
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_ddp(batch: int, steps: int, bucket_cap_mb: float) -> dict:
    from mpi4py import MPI

    comm = dist.group.WORLD._comm
    r, n = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    x, y = torch.rand(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    comm.Barrier()
    t1 = {}
    if r == 0:  # the single-process baseline, while the other ranks sleep (not busy-poll)
        t1["full"] = _step_time(NeuralNetwork(), x, y, steps)
        t1["part"] = _step_time(NeuralNetwork(), x[:batch // n], y[:batch // n], steps)
    done = comm.Ibarrier()
    while not done.Test():
        time.sleep(0.005)
    t1 = comm.bcast(t1, 0)
    model = DistributedDataParallel(NeuralNetwork(), bucket_cap_mb=bucket_cap_mb)
    per = batch // n
    strong = comm.allreduce(_step_time(model, x[r * per:(r + 1) * per],
                                       y[r * per:(r + 1) * per], steps), MPI.MAX)
    weak = comm.allreduce(_step_time(model, x, y, steps), MPI.MAX)
    buckets = model.reducer.buckets
    grad_bytes = sum(b.numel * b.dtype.itemsize for b in buckets)
    res = {"ranks": n, "batch": batch, "t1_full_s": t1["full"], "t1_part_s": t1["part"],
           "strong_s": strong, "weak_s": weak, "buckets": len(buckets), "grad_bytes": grad_bytes,
           "strong_speedup": t1["full"] / strong, "strong_efficiency": t1["full"] / strong / n,
           "weak_efficiency": t1["full"] / weak,
           "comm_overhead": (strong - t1["part"]) / strong}
    _say(f"\nDDP SGD step of the tutorial MLP (670k params), {n} ranks, bucket_cap_mb="
         f"{bucket_cap_mb}: {len(buckets)} all-reduces of {grad_bytes / 1e6:.2f} MB per step")
    _say(f"  1 rank,  batch {batch}:            {t1['full'] * 1e3:8.2f} ms")
    _say(f"  1 rank,  batch {per}:            {t1['part'] * 1e3:8.2f} ms")
    _say(f"  {n} ranks, batch {per} each (strong): {strong * 1e3:8.2f} ms  speedup "
         f"{res['strong_speedup']:.2f}x  efficiency {res['strong_efficiency']:.0%}")
    _say(f"  {n} ranks, batch {batch} each (weak):  {weak * 1e3:8.2f} ms  efficiency "
         f"{res['weak_efficiency']:.0%}")
    return res


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and rounds")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--sizes", type=float, nargs="+", help="buffer sizes in MB")
    parser.add_argument("--skip-ddp", action="store_true")
    args = parser.parse_args(argv)
    dist.init_process_group("mpi")
    sizes = args.sizes or ([1, 10, 100] if args.quick else [1, 4, 16, 64, 100])
    bench_all_reduce(sizes, 0.5 if args.quick else 2.0)
    if not args.skip_ddp:
        bench_ddp(args.batch, 5 if args.quick else 20, 25)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
