"""numtorch's benchmark suite: each workload on numtorch and on torch, interleaved, as ratios.

Run ``python -m benchmarks`` (``--quick`` for a short run, ``--json`` for machine output).
"""
