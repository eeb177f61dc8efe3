"""``python -m benchmarks``: numtorch vs torch, side by side, interleaved, as speed ratios.

Each workload is built once per library, warmed up, then timed in alternating rounds
(numtorch, torch, numtorch, torch, ...). The table shows the median time per call, the min-max
spread and the speed ratio torch_time / numtorch_time (above 1.0 means numtorch is faster).
Threads: torch.set_num_threads and the BLAS (through threadpoolctl) get the same limit; the
suite runs at 1 thread first, then at the default thread count unless ``--threads 1``.
``--peers`` times workloads 1-3 (MLP and CNN training, the epoch) at 1 thread next to the
NumPy-era peers that are installed (see ``benchmarks/peers.py``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import time


def _limit_threads(n):
    """Limit torch and every BLAS/OpenMP pool in this process to ``n`` threads (None: default)."""
    ctx = None
    try:
        import threadpoolctl

        ctx = threadpoolctl.threadpool_limits(limits=n) if n else None
    except ImportError:
        if n:
            print("note: threadpoolctl is not installed; NumPy's BLAS threads are not limited",
                  file=sys.stderr)
    try:
        import torch

        torch.set_num_threads(n or _default_torch_threads)
    except ImportError:
        pass
    return ctx


_default_torch_threads = None


_clock = time.perf_counter


def time_workload(name, builder, calls, libs, rounds):
    steps = {}
    for lib in libs:
        try:
            steps[lib.__name__] = lib.build(name) if hasattr(lib, "build") else builder(lib)
        except Exception as e:  # noqa: BLE001 - a missing feature is reported, not fatal
            steps[lib.__name__] = e
    times = {k: [] for k, v in steps.items() if not isinstance(v, Exception)}
    for k, step in steps.items():
        if k in times:
            step()  # warm-up
    for _ in range(rounds):
        for k in times:
            t0 = _clock()
            for _ in range(calls):
                steps[k]()
            times[k].append((_clock() - t0) / calls)
    row = {"workload": name}
    for k, v in steps.items():
        if isinstance(v, Exception):
            row[k] = {"error": _error_text(v)}
        else:
            row[k] = {"median_s": statistics.median(times[k]), "min_s": min(times[k]),
                      "max_s": max(times[k])}
    nt, tt = row.get("numtorch", {}), row.get("torch", {})
    if "median_s" in nt and "median_s" in tt:
        row["speed_ratio"] = tt["median_s"] / nt["median_s"]
    return row


def _error_text(e: Exception) -> str:
    from benchmarks.peers import NotAvailable, NotInstalled

    if isinstance(e, NotInstalled):
        return "not installed"
    if isinstance(e, NotAvailable):
        return "n/a"
    return f"{type(e).__name__}: {e}"


def peak_rss(lib_name: str, steps: int, model: str = "mlp") -> dict:
    """Peak RSS (MiB) of a fresh process doing ``steps`` training steps, and its growth.

    ``model``: ``"mlp"`` (784-512-512-10, batch 64) or ``"resnet"`` (the CIFAR-size ResNet,
    batch 32).

    The peak is the process's own high-water mark (``VmHWM``, reset at exec); ``ru_maxrss``
    would also count the parent's memory at fork time (this process has torch loaded).
    """
    code = f"""
import resource, sys
sys.path.insert(0, '.')


def hwm():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


import {lib_name} as lib
try:
    import threadpoolctl; threadpoolctl.threadpool_limits(1)
except ImportError:
    pass
if lib.__name__ == 'torch': lib.set_num_threads(1)
from benchmarks.workloads import train_step, _mlp, _resnet_cifar
step = (train_step(_mlp, 64)(lib) if {model!r} == 'mlp' else
        train_step(_resnet_cifar, 32, (3, 32, 32))(lib))
marks = []
for i in range({steps}):
    step()
    if i + 1 in ({min(50, steps // 2)}, {steps}):
        marks.append(hwm())
print(marks[0], marks[-1])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    first, last = map(float, out.stdout.split())
    return {"peak_rss_mib": last, "growth_mib_after_50_steps": last - first}


def import_time(module: str, repeats: int) -> float:
    vals = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        vals.append(time.perf_counter() - t0)
    return statistics.median(vals)


def main(argv=None) -> int:
    global _default_torch_threads, _clock
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="a short run of the main workloads")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--threads", choices=["1", "both"], default="both")
    p.add_argument("--only", nargs="*", help="run only these workloads")
    p.add_argument("--rounds", type=int, default=None)
    p.add_argument("--cpu-time", action="store_true",
                   help="time the calling thread's CPU time instead of wall time (steadier on a "
                        "loaded machine; at 1 thread both libraries compute in that thread)")
    p.add_argument("--peers", action="store_true",
                   help="workloads 1-3 at 1 thread, also on Chainer/mygrad/autograd/tinygrad")
    args = p.parse_args(argv)
    _clock = time.thread_time if args.cpu_time else time.perf_counter

    from benchmarks.workloads import QUICK, WORKLOADS

    libs = [importlib.import_module("numtorch")]
    try:
        torch = importlib.import_module("torch")
        _default_torch_threads = torch.get_num_threads()
        libs.append(torch)
    except ImportError:
        print("note: torch is not installed; numtorch figures only", file=sys.stderr)
    if args.peers:
        return run_peers(libs, args)
    names = args.only or (QUICK if args.quick else list(WORKLOADS))
    rounds = args.rounds or (3 if args.quick else 7)
    results = {"rows": [], "threads": []}
    for threads in ([1] if args.threads == "1" else [1, None]):
        ctx = _limit_threads(threads)
        label = "1" if threads else "default"
        for name in names:
            builder, calls = WORKLOADS[name]
            row = time_workload(name, builder, max(1, calls // (2 if args.quick else 1)), libs,
                                rounds)
            row["threads"] = label
            results["rows"].append(row)
            if not args.json:
                _print_row(row)
        if ctx is not None:
            ctx.unregister()
    if not args.quick:
        results["memory"] = {lib.__name__: peak_rss(lib.__name__, 1000 if lib.__name__ ==
                                                    "numtorch" else 200) for lib in libs}
        results["memory_resnet"] = {lib.__name__: peak_rss(lib.__name__, 20, "resnet")
                                    for lib in libs}
    results["import_s"] = {m: import_time(m, 3 if args.quick else 10)
                           for m in ["numpy", "numtorch"] + (["torch"] if len(libs) > 1 else [])}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key in ("memory", "memory_resnet"):
            for k, v in results.get(key, {}).items():
                print(f"{key} {k:9s} {v}")
        print("import time (s): " + ", ".join(f"{k} {v:.3f}" for k, v in
                                              results["import_s"].items()))
    return 0


def run_peers(libs, args) -> int:
    """``--peers``: numtorch, torch and every peer on workloads 1-3, 1 thread, interleaved."""
    from benchmarks.peers import PEER_WORKLOADS, peers
    from benchmarks.workloads import WORKLOADS

    ctx = _limit_threads(1)
    all_libs = libs + peers(threads=1)
    names = [n for n in (args.only or PEER_WORKLOADS) if n in PEER_WORKLOADS]
    rows = []
    for name in names:
        builder, calls = WORKLOADS[name]
        row = time_workload(name, builder, max(1, calls // (2 if args.quick else 1)), all_libs,
                            args.rounds or (3 if args.quick else 5))
        row["threads"] = "1"
        rows.append(row)
        if not args.json:
            _print_peer_row(row, [lib.__name__ for lib in all_libs])
    if ctx is not None:
        ctx.unregister()
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
    return 0


def _print_peer_row(row, names):
    torch_s = row.get("torch", {}).get("median_s")
    cells = []
    for k in names:
        v = row.get(k, {})
        if "median_s" in v:
            ratio = f" ({torch_s / v['median_s']:.2f}x)" if torch_s else ""
            cells.append(f"{k} {v['median_s'] * 1e3:.3f} ms{ratio}")
        else:
            cells.append(f"{k} {v.get('error', '-')}")
    print(f"{row['workload']:16s} " + " | ".join(cells), flush=True)


def _fmt(v):
    if "error" in v:
        return f"{'error: ' + v['error'][:40]:>32s}"
    return f"{v['median_s'] * 1e3:10.3f} ms [{v['min_s'] * 1e3:.3f}-{v['max_s'] * 1e3:.3f}]"


def _print_row(row):
    nt = row.get("numtorch", {})
    tt = row.get("torch", {})
    ratio = f"{row['speed_ratio']:.2f}x" if "speed_ratio" in row else "-"
    print(f"{row['workload']:22s} threads={row['threads']:7s} numtorch {_fmt(nt)}  "
          f"torch {_fmt(tt) if tt else '-'}  speed {ratio}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
