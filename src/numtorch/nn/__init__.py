"""``numtorch.nn``: modules, parameters, functional, init and utils (as ``torch.nn``)."""

from __future__ import annotations

from . import attention, functional, init, parallel, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter, UninitializedParameter

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "functional", "init", "utils",
           *_modules_all]
