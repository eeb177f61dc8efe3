"""``numtorch.compile`` (``torch.compile``): accepts every argument torch's does and returns
something that computes the same results, eagerly (numtorch has no graph compiler).

A module comes back wrapped in ``torch._dynamo.OptimizedModule`` (as torch's, so code that
unwraps ``_orig_mod`` or strips the ``_orig_mod.`` prefix from ``state_dict`` keys keeps
working); a function comes back as a function with the original's name and docstring.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from . import _dynamo


def compile(model: Callable | None = None, *, fullgraph: bool = False,  # noqa: A001
            dynamic: bool | None = None, backend: str | Callable | None = None,
            mode: str | None = None, options: dict | None = None, name: str | None = None,
            disable: bool = False, recompile_limit: int | None = None,
            isolate_recompiles: bool = False, shapes_spec: Any = None):
    """``torch.compile``: validate the arguments as torch does, then run ``model`` eagerly."""
    _dynamo.check_mode(mode)
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    _dynamo.check_backend(backend)
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable)
    if not callable(model):
        raise RuntimeError("model should be a callable, got "
                           f"{type(model).__name__}")
    if disable:
        return model
    from .nn.modules.module import Module

    if isinstance(model, Module):
        return _dynamo._optimized_module_class()(model)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)

    compiled._torchdynamo_orig_callable = model
    return compiled
