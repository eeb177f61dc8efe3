"""``numtorch.compiler`` (``torch.compiler``): the compile switches libraries call; compiled
code runs eagerly in numtorch, so the queries say "not compiling"."""

from __future__ import annotations

import contextlib

from . import _dynamo
from ._compile import compile
from ._dynamo import allow_in_graph, assume_constant_result, disable, list_backends, reset

__all__ = ["allow_in_graph", "assume_constant_result", "compile", "cudagraph_mark_step_begin",
           "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "list_backends",
           "reset", "set_stance", "get_default_backend", "set_default_backend"]

_default_backend = ["inductor"]


def is_compiling() -> bool:
    return False


def is_dynamo_compiling() -> bool:
    return False


def is_exporting() -> bool:
    return False


def cudagraph_mark_step_begin() -> None:
    """No CUDA graphs here: nothing to mark."""


def get_default_backend() -> str:
    return _default_backend[0]


def set_default_backend(backend: str) -> None:
    _dynamo.check_backend(backend)
    _default_backend[0] = backend


_STANCES = ("default", "force_eager", "eager_on_recompile", "fail_on_recompile",
            "eager_then_compile", "aot_eager_then_compile")


def set_stance(stance: str = "default", *, skip_guard_eval_unsafe: bool = False,
               force_backend=None):
    """``torch.compiler.set_stance``: usable as a call, a context manager or a decorator."""
    if stance not in _STANCES:
        raise RuntimeError(f"invalid stance {stance!r}; expected one of {', '.join(_STANCES)}")
    return _Stance()


class _Stance(contextlib.ContextDecorator):
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False
