"""``torch.cpu``: the CPU device module (always available; streams are no-ops as in torch)."""

from __future__ import annotations

from . import amp

__all__ = ["amp", "current_device", "device_count", "is_available", "is_initialized",
           "set_device", "synchronize"]


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    """No-op, as torch's (there is one CPU device)."""


def synchronize(device=None) -> None:
    """CPU work is synchronous: nothing to wait for."""
