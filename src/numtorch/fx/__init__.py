"""``torch.fx``: the registration side of symbolic tracing.

Libraries mark functions with :func:`wrap` at import time (timm does) and name
:class:`GraphModule` in annotations (Lightning does); both work. numtorch has no symbolic
tracer: :func:`symbolic_trace` and building a :class:`GraphModule` raise
``NotImplementedError``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..nn.modules.module import Module

__all__ = ["wrap", "symbolic_trace", "GraphModule", "wrapped_functions"]

# (id of the defining module's globals, function name) -> the globals dict, as registered
_wrapped: dict[tuple[int, str], dict[str, Any]] = {}

_NO_TRACER = ("numtorch does not implement torch.fx symbolic tracing (no Graph/Tracer); "
              "call the module directly")


def wrap(fn_or_name: str | Callable) -> str | Callable:
    """Register a module-level function (or its name) to stay a single call when traced, as
    ``torch.fx.wrap``: it must be called at the top level of a module and returns its
    argument unchanged. Non-callable, non-string arguments raise ``RuntimeError``."""
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    if caller is None or caller.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    if callable(fn_or_name):
        name = fn_or_name.__code__.co_name if hasattr(fn_or_name, "__code__") else \
            fn_or_name.__name__
    elif isinstance(fn_or_name, str):
        name = fn_or_name
    else:
        raise RuntimeError("Unsupported type for global function! Must be either a callable or "
                           "string name")
    _wrapped[(id(caller.f_globals), name)] = caller.f_globals
    return fn_or_name


def wrapped_functions() -> list[tuple[str, str]]:
    """The registered functions as ``(defining module name, function name)`` pairs."""
    return [(g.get("__name__", "?"), name) for (_, name), g in _wrapped.items()]


def symbolic_trace(root: Module | Callable, concrete_args: dict | None = None):
    """``torch.fx.symbolic_trace``: not available in numtorch (raises NotImplementedError)."""
    raise NotImplementedError(_NO_TRACER)


class GraphModule(Module):
    """``torch.fx.GraphModule``: the type exists (for annotations and ``isinstance``); building
    one needs a traced graph, which numtorch does not have (NotImplementedError)."""

    def __init__(self, root: Module | dict, graph: Any, class_name: str = "GraphModule"):
        raise NotImplementedError(_NO_TRACER)
