"""``torch.backends.cudnn``: settable switches (``benchmark = True`` is accepted and kept);
cuDNN itself is not available (no CUDA backend)."""

from __future__ import annotations

import sys

from ._flags import set_flags

enabled = True
benchmark = False
benchmark_limit: int | None = None
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> int | None:
    return None


def is_acceptable(tensor) -> bool:
    return False


def flags(enabled: bool = False, benchmark: bool = False, benchmark_limit: int | None = 10,
          deterministic: bool = False, allow_tf32: bool = True):
    """Set the switches for a ``with`` block (``torch.backends.cudnn.flags``)."""
    return set_flags(sys.modules[__name__], enabled=enabled, benchmark=benchmark,
                     benchmark_limit=benchmark_limit, deterministic=deterministic,
                     allow_tf32=allow_tf32)
