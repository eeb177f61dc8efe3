"""Which CPU kernel torch would pick (``torch.backends.cpu.get_cpu_capability()``).

The RNG transforms round differently on the DEFAULT kernel and the vectorised ones (AVX2, and
AVX-512, which was found to give the same numbers as AVX2 for every sampler here).
"""

from __future__ import annotations

import functools
import os
import platform


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


@functools.lru_cache(maxsize=1)
def cpu_capability() -> str:
    """``'DEFAULT'``, ``'AVX2'`` or ``'AVX512'``, chosen as torch chooses its CPU kernel.

    ``ATEN_CPU_CAPABILITY`` (``default``/``avx2``/``avx512``, lower case) overrides the
    detection, as in torch; other values are ignored.
    """
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "DEFAULT"
    env = os.environ.get("ATEN_CPU_CAPABILITY", "")
    if env == "default":
        return "DEFAULT"
    if env == "avx2":
        return "AVX2"
    if env == "avx512":
        return "AVX512"
    flags = _cpu_flags()
    if {"avx512vl", "avx512bw", "avx512dq", "avx512f", "fma"} <= flags:
        return "AVX512"
    if {"avx2", "fma"} <= flags:
        return "AVX2"
    return "DEFAULT"


def fused_kernel() -> bool:
    """Whether the sampling transforms use fused multiply-adds (every kernel but DEFAULT)."""
    return cpu_capability() != "DEFAULT"
