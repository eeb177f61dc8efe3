"""``torch._dynamo`` names that libraries touch, for numtorch's eager ``compile``.

numtorch has no graph capture: a "compiled" model or function runs eagerly and computes exactly
what the original does. ``OptimizedModule`` wraps a module as torch's does (the original under
``_orig_mod``, so ``state_dict`` keys gain the ``_orig_mod.`` prefix as in torch).
"""

from __future__ import annotations

import functools
import types

from .exc import InvalidBackend, TorchDynamoException

__all__ = ["OptimizedModule", "allow_in_graph", "assume_constant_result", "config", "disable",
           "explain", "graph_break", "is_compiling", "list_backends", "mark_dynamic",
           "mark_static", "maybe_mark_dynamic", "optimize", "reset", "InvalidBackend",
           "TorchDynamoException"]

#: torch's settings most often set by scripts (kept, not acted on)
config = types.SimpleNamespace(suppress_errors=False, cache_size_limit=8, recompile_limit=8,
                               accumulated_cache_size_limit=256, verbose=False,
                               capture_scalar_outputs=False, capture_dynamic_output_shape_ops=False,
                               optimize_ddp=True, automatic_dynamic_shapes=True,
                               assume_static_by_default=True)

_BACKENDS = ("cudagraphs", "inductor", "openxla", "tvm")
_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def list_backends(exclude_tags=("debug", "experimental")) -> list[str]:
    return list(_BACKENDS)


def check_backend(backend) -> None:
    if backend is None or callable(backend):
        return
    if backend not in _BACKENDS and backend not in ("eager", "aot_eager"):
        raise InvalidBackend(f"Invalid backend: {backend!r}, see "
                             "`torch._dynamo.list_backends()` for available backends.")


def check_mode(mode) -> None:
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")


def is_compiling() -> bool:
    return False


def reset() -> None:
    """Forget compiled code (there is none in numtorch)."""


def disable(fn=None, recursive: bool = True, *, reason: str | None = None):
    """Run ``fn`` without compilation (always the case here); usable as a decorator."""
    if fn is None:
        return lambda f: f
    return fn


def optimize(backend="inductor", *, nopython: bool = False, guard_export_fn=None,
             guard_fail_fn=None, disable: bool = False, dynamic=None):
    check_backend(backend)
    return lambda fn: fn


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def graph_break() -> None:
    """A graph break is a no-op in eager execution."""


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None) -> None:  # noqa: A002
    """Shape hints are recorded nowhere: eager execution handles every shape."""


def maybe_mark_dynamic(t, index) -> None:
    pass


def mark_static(t, index=None) -> None:
    pass


def explain(f, *extra_args, **extra_kwargs):
    raise NotImplementedError("torch._dynamo.explain: numtorch has no graph capture to explain "
                              "(compiled code runs eagerly)")


def _module_base():
    from ..nn.modules.module import Module

    return Module


@functools.cache
def _optimized_module_class():
    """``OptimizedModule``, made on first use (``nn`` is not imported with ``numtorch``)."""
    Module = _module_base()

    class OptimizedModule(Module):
        """A module "compiled" by ``numtorch.compile``: the original under ``_orig_mod``; calls
        and attribute reads go to it."""

        def __init__(self, mod, dynamo_ctx=None) -> None:
            super().__init__()
            self._orig_mod = mod

        def forward(self, *args, **kwargs):
            return self._orig_mod(*args, **kwargs)

        def __getattr__(self, name: str):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self._modules["_orig_mod"], name)

    OptimizedModule.__module__ = __name__
    OptimizedModule.__qualname__ = "OptimizedModule"
    return OptimizedModule


def __getattr__(name: str):
    if name == "OptimizedModule":
        return _optimized_module_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
