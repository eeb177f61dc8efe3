"""Thread control: ``set_num_threads``/``get_num_threads`` map onto the BLAS via threadpoolctl
(an optional extra); without it the setting is recorded and the BLAS keeps its own."""

from __future__ import annotations

import os

_requested: int | None = None


def _blas_limits():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def set_num_threads(n: int) -> None:
    """Limit the BLAS to ``n`` threads (``torch.set_num_threads``)."""
    global _requested
    if not isinstance(n, int) or n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    _requested = n
    tpc = _blas_limits()
    if tpc is not None:
        tpc.threadpool_limits(limits=n, user_api="blas")


def get_num_threads() -> int:
    if _requested is not None:
        return _requested
    tpc = _blas_limits()
    if tpc is not None:
        infos = [i for i in tpc.threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            return int(infos[0]["num_threads"])
    return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))


def set_num_interop_threads(n: int) -> None:
    """Accepted for compatibility; numtorch runs ops on the calling thread."""


def get_num_interop_threads() -> int:
    return 1
