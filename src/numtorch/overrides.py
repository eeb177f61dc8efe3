"""``torch.overrides``: the public helpers of the ``__torch_function__`` protocol.

The dispatch itself is in ``numtorch._overrides``: every public function of ``numtorch``,
``numtorch.linalg``, ``numtorch.special``, ``numtorch.fft`` and ``numtorch.nn.functional`` calls
the overrides of its arguments, and so do the methods and properties of a Tensor subclass that
keeps ``__torch_function__`` enabled. Known difference: an active ``TorchFunctionMode`` sees the
public functions, and the methods of Tensor subclasses, but not the methods of plain Tensors.
"""

from __future__ import annotations

import contextlib
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from . import _overrides
from ._overrides import (
    disabled_torch_function_impl,
    overloaded_args,
    pop_mode,
    push_mode,
    state,
)
from ._tensor import Tensor

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
           "handle_torch_function", "has_torch_function", "has_torch_function_unary",
           "has_torch_function_variadic", "is_tensor_like", "is_tensor_method_or_property",
           "resolve_name", "wrap_torch_function", "enable_reentrant_dispatch",
           "get_default_nowrap_functions", "TorchFunctionMode", "BaseTorchFunctionMode"]

_PUBLIC_MODULES = ("numtorch", "numtorch.functional", "numtorch.nn.functional",
                   "numtorch.linalg", "numtorch.fft", "numtorch.special")


def has_torch_function(relevant_args: Iterable) -> bool:
    """Whether any of ``relevant_args`` (or an active mode) takes over a call: an argument whose
    type is not Tensor and defines ``__torch_function__`` (not the disabled one)."""
    if state.level == 2:
        return False
    return bool(state.modes) or bool(overloaded_args(tuple(relevant_args), nested=False))


def has_torch_function_unary(arg: Any) -> bool:
    """``has_torch_function((arg,))``."""
    return has_torch_function((arg,))


def has_torch_function_variadic(*args: Any) -> bool:
    """``has_torch_function(args)``."""
    return has_torch_function(args)


def handle_torch_function(public_api: Callable, relevant_args: Iterable, *args: Any,
                          **kwargs: Any) -> Any:
    """Call the ``__torch_function__`` overrides of ``relevant_args`` (after any active mode)
    for ``public_api(*args, **kwargs)``; a ``TypeError`` when all return ``NotImplemented``."""
    found = overloaded_args(tuple(relevant_args), nested=False)
    if state.modes and state.level < 2:
        mode = pop_mode()
        try:
            ret = mode.__torch_function__(public_api, tuple(t for t, _ in found), args, kwargs)
        finally:
            push_mode(mode)
        if ret is not NotImplemented:
            return ret
    if not found:
        return public_api(*args, **kwargs)
    return _overrides._call_overrides(public_api, found, args, kwargs, False)


def wrap_torch_function(dispatcher: Callable):
    """Decorator: the function dispatches on the arguments ``dispatcher(*args, **kwargs)``
    returns."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


def is_tensor_like(inp: Any) -> bool:
    """A Tensor, or an object whose type defines ``__torch_function__``."""
    return type(inp) is Tensor or hasattr(inp, "__torch_function__")


def _tensor_members() -> dict:
    out = {}
    for name, member in {**vars(Tensor), **_overrides._TENSOR_SAVED}.items():
        if name in _overrides._SKIP or name.startswith("_") and not name.startswith("__"):
            continue
        if isinstance(member, property):
            if member.fget is not None:
                out[name] = _overrides.property_getter(Tensor, name)
        elif callable(member) and not isinstance(member, (type, staticmethod, classmethod)):
            out[name] = member
    return out


def is_tensor_method_or_property(func: Callable) -> bool:
    """Whether ``func`` is a Tensor method or a Tensor property's ``__get__``."""
    return any(func is f or func == f for f in _tensor_members().values())


def resolve_name(f: Callable) -> str | None:
    """The public name of a function of the protocol (``torch.add``, ``torch.Tensor.add``,
    ``torch.Tensor.grad.__get__``), None for another function."""
    if getattr(f, "_torch_name", None):
        return f._torch_name
    owner = getattr(f, "__self__", None)
    if isinstance(owner, property):
        return _overrides.public_name(f)
    if getattr(f, _overrides._MARK, False) or any(f is m for m in _tensor_members().values()):
        return f"torch.Tensor.{f.__name__}"
    return None


def _namespaces() -> dict:
    import importlib

    out = {}
    for name in _PUBLIC_MODULES:
        try:
            out[name] = importlib.import_module(name)
        except ImportError:
            continue
    return out


def get_overridable_functions() -> dict:
    """``{namespace: [functions]}``: the public functions that dispatch, and Tensor's methods
    and property getters (under ``Tensor``)."""
    result: dict = defaultdict(list)
    for module in _namespaces().values():
        for value in vars(module).values():
            if getattr(value, "_torch_name", None):
                result[module].append(value)
    result[Tensor] = list(_tensor_members().values())
    return result


def get_ignored_functions() -> set:
    """The public functions that never dispatch (factories, global state)."""
    from ._ops._numpy_aliases import _IGNORED

    out = set()
    for module in _namespaces().values():
        for name in _IGNORED:
            value = vars(module).get(name)
            if callable(value) and not isinstance(value, type):
                out.add(value)
    return out


def get_testing_overrides() -> dict:
    """``{function: dummy}`` for every overridable function: a dummy taking any arguments and
    returning -1, to check that a ``__torch_function__`` is reached."""
    def dummy(*args, **kwargs):
        return -1

    return {f: dummy for fs in get_overridable_functions().values() for f in fs}


def get_default_nowrap_functions() -> set:
    """The functions whose results ``Tensor.__torch_function__`` returns unconverted."""
    return _overrides.nowrap_functions(Tensor)


class TorchFunctionMode:
    """A context manager that sees every public call (``__torch_function__(func, types, args,
    kwargs)``) while active; inside its own ``__torch_function__`` it is inactive."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _overrides.enter_mode(self)
        return self

    def __exit__(self, *exc) -> None:
        _overrides.exit_mode()

    @classmethod
    def push(cls, *args, **kwargs):
        return cls(*args, **kwargs)


class BaseTorchFunctionMode(TorchFunctionMode):
    """A mode that runs every function unchanged."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def enable_reentrant_dispatch():
    """Kept for PyTorch compatibility: numtorch has no dispatcher to re-enter."""
    yield


def _get_current_function_mode():
    return state.modes[-1] if state.modes else None


def _get_current_function_mode_stack() -> list:
    return list(state.modes)


_disabled_torch_function_impl = disabled_torch_function_impl
