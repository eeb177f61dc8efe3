"""Environment report (``python -m numtorch.utils.collect_env`` or ``numtorch info``):
versions, the BLAS NumPy uses, threads and devices."""

from __future__ import annotations

import os
import platform
import sys


def _blas_info() -> list[str]:
    try:
        import threadpoolctl
    except ImportError:
        threadpoolctl = None
    lines = []
    if threadpoolctl is not None:
        for info in threadpoolctl.threadpool_info():
            lines.append(f"{info.get('internal_api')} {info.get('version')} "
                         f"({info.get('user_api')}, {info.get('num_threads')} threads, "
                         f"{info.get('architecture', '?')})")
    if not lines:
        import numpy as np

        try:
            cfg = np.show_config(mode="dicts")
            blas = cfg.get("Build Dependencies", {}).get("blas", {})
            lines.append(f"{blas.get('name', 'unknown')} {blas.get('version', '')}".strip())
        except TypeError:
            lines.append("unknown (install threadpoolctl for details)")
    return lines


def get_env_info() -> dict:
    import numpy as np

    import numtorch

    return {
        "numtorch": numtorch.version.numtorch_version,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "numpy": np.__version__,
        "blas": _blas_info(),
        "cpu_count": os.cpu_count(),
        "num_threads": numtorch.get_num_threads(),
        "devices": ["cpu"] + (["cuda"] if numtorch.cuda.is_available() else []),
        "cuda_available": numtorch.cuda.is_available(),
    }


def pretty_str(info: dict) -> str:
    lines = [f"numtorch version: {info['numtorch']}",
             f"Python version: {info['python']}",
             f"Platform: {info['platform']} ({info['machine']})",
             f"NumPy version: {info['numpy']}"]
    lines += [f"BLAS: {b}" for b in info["blas"]]
    lines += [f"CPU count: {info['cpu_count']}",
              f"Threads (numtorch.get_num_threads): {info['num_threads']}",
              f"Devices: {', '.join(info['devices'])}",
              f"CUDA available: {info['cuda_available']}"]
    return "\n".join(lines)


def main() -> None:
    print(pretty_str(get_env_info()))


if __name__ == "__main__":
    main()
