"""``nn.DataParallel``: single-process data parallelism over CUDA devices. numtorch runs on the
CPU, where PyTorch's ``DataParallel`` keeps no device ids and calls the module directly; this
one does the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..modules.module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Wraps ``module`` (state_dict keys gain the ``module.`` prefix); ``forward`` calls it."""

    def __init__(self, module: Module, device_ids: Sequence[int] | None = None,
                 output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids: list = []

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)
