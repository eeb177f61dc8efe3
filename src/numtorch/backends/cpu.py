"""``torch.backends.cpu``."""

from __future__ import annotations


def get_cpu_capability() -> str:
    """The SIMD level of the kernels: numtorch's are NumPy's, so ``DEFAULT``."""
    return "DEFAULT"
