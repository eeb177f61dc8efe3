"""``torch.nn.attention``: the ``SDPBackend`` enum and the ``sdpa_kernel`` context manager.

numtorch has one attention kernel (the math composition of ``scaled_dot_product_attention``);
the backend choice is still tracked so that code which restricts it behaves as on torch's CPU
build: the math or the flash backend runs, the others alone raise torch's "No viable backend"
error. Submodules: ``bias`` (causal biases) and ``flex_attention``.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable, Iterator

from .._functional import attention as _sdpa

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.Enum):
    """The kernels ``scaled_dot_product_attention`` may choose from (torch's values)."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __int__(self) -> int:
        return self.value

    def __index__(self) -> int:
        return self.value


# the order torch's _cur_sdpa_kernel_backends reports them in
_REPORT_ORDER = (SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION,
                 SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH, SDPBackend.OVERRIDEABLE)


def _cur_sdpa_kernel_backends(with_priority: bool = False) -> list[SDPBackend]:
    """The backends enabled now."""
    enabled = _sdpa._sdpa_enabled()
    return [b for b in _REPORT_ORDER if b.value in enabled]


@contextlib.contextmanager
def _sdpa_kernel(backends: Iterable[SDPBackend]) -> Iterator[None]:
    previous = _sdpa._sdpa_enabled()
    try:
        _sdpa._set_sdpa_enabled({int(b) for b in backends if int(b) >= 0})
        yield
    finally:
        _sdpa._set_sdpa_enabled(previous)


@contextlib.contextmanager
def sdpa_kernel(backends: list[SDPBackend] | SDPBackend,
                set_priority: bool = False) -> Iterator[dict]:
    """``torch.nn.attention.sdpa_kernel``: enable only ``backends`` inside the block (also a
    decorator); the previous set comes back on exit. ``set_priority`` is accepted (numtorch
    has one kernel, so the order has no effect)."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend "
                             f"instances, got {type(backends).__name__}")
    chosen = [backends] if isinstance(backends, SDPBackend) else list(backends)
    with _sdpa_kernel(chosen):
        yield {}
