"""``numtorch.accelerator``: the current accelerator (none here, as in PyTorch's CPU build)."""

from __future__ import annotations


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False):
    return None


def device_count() -> int:
    return 0
