"""``nn.Container``: the deprecated keyword-argument container kept for old code."""

from __future__ import annotations

import warnings

from .module import Module

__all__ = ["Container"]


class Container(Module):
    """Registers each keyword argument as a submodule; warns that it is deprecated, as
    PyTorch's ``nn.Container`` does."""

    def __init__(self, **kwargs) -> None:
        super().__init__()
        warnings.warn("`nn.Container` is deprecated. All of its functionality is now "
                      "implemented in `nn.Module`. Subclass that instead.", FutureWarning,
                      stacklevel=2)
        for key, value in kwargs.items():
            self.add_module(key, value)
