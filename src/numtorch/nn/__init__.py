"""``numtorch.nn``: modules, parameters, functional, init and utils (as ``torch.nn``)."""

from __future__ import annotations

from . import attention, functional, init, parallel, utils
from ._factory import factory_kwargs
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parallel.data_parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "functional", "init", "utils",
           *_modules_all]
__all__ += ["UninitializedBuffer", "DataParallel", "factory_kwargs"]
