"""``nn.DataParallel`` and ``nn.parallel.data_parallel`` with torch's behaviour on a machine
without accelerators: the wrapper runs its module directly (``device_ids`` is empty), keeps
torch's ``module.`` state-dict prefix and repr, and the functional form reports that no device
type could be determined."""

from __future__ import annotations

from typing import Any

from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _available_device_type() -> str | None:
    from ... import cuda

    return "cuda" if cuda.is_available() else None


class DataParallel(Module):
    """``nn.DataParallel(module, device_ids=None, output_device=None, dim=0)``. Without a GPU
    (numtorch's CPU build, as torch's), it holds ``module`` and calls it unchanged."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids: list = []
        if _available_device_type() is None:
            return
        # with accelerators torch replicates the module per device; numtorch runs it once on
        # the module's own device (one replica), which gives the same values
        from ... import cuda

        self.device_ids = list(range(cuda.device_count())) if device_ids is None else \
            list(device_ids)
        self.output_device = self.device_ids[0] if output_device is None else output_device
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs: Any, device_ids=None, output_device=None,
                  dim: int = 0, module_kwargs: Any = None) -> Any:
    """``nn.parallel.data_parallel``: needs an accelerator, as torch's (RuntimeError on CPU);
    with one, ``module`` runs once on ``inputs`` (see DataParallel)."""
    if _available_device_type() is None:
        raise RuntimeError("device type could not be determined")
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))
