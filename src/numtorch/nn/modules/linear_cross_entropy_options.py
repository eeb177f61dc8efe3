"""``nn.LinearCrossEntropyOptions``: chunking hints for ``F.linear_cross_entropy``.

numtorch validates and stores them as PyTorch does; its ``linear_cross_entropy`` always
computes the reference (unchunked) result, which the chunked path equals.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

__all__ = ["LinearCrossEntropyOptions"]

_ACC_POLICIES = ("accurate", "balanced", "compact", "auto")


def _valid_chunking(method) -> bool:
    if method is None or method in ("auto", "aspect_ratio"):
        return True
    if isinstance(method, str) and method.startswith("aspect_ratio:"):
        value = method.split(":", 1)[1]
        return value.isdigit() and int(value) > 0
    return False


@dataclasses.dataclass(frozen=True)
class LinearCrossEntropyOptions:
    """Frozen options record (same fields, defaults and validation errors as PyTorch)."""

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: Literal["accurate", "balanced", "compact", "auto"] = "auto"
    acc_dtype: object = None

    def __post_init__(self) -> None:
        if self.acc_policy not in _ACC_POLICIES:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if not _valid_chunking(self.chunking_method):
            raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        size = self.batch_chunk_size
        if size is not None and (not isinstance(size, int) or isinstance(size, bool)
                                 or size <= 0):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {size}")
