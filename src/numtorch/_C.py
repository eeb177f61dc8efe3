"""``torch._C``: the few names of PyTorch's extension module that Python code reaches for.

Here: the ``__torch_function__`` machinery (``DisableTorchFunction``,
``DisableTorchFunctionSubclass``, ``_disabled_torch_function_impl``, the mode stack) and
``_LinAlgError``.
"""

from __future__ import annotations

from ._ops.linalg._common import LinAlgError as _LinAlgError
from ._overrides import (
    DisableTorchFunction,
    DisableTorchFunctionSubclass,
    enter_mode,
    exit_mode,
    overloaded_args,
    state,
)
from ._overrides import disabled_torch_function_impl as _disabled_torch_function_impl

__all__ = ["DisableTorchFunction", "DisableTorchFunctionSubclass", "_LinAlgError",
           "_disabled_torch_function_impl"]


def _is_torch_function_enabled() -> bool:
    """False inside ``DisableTorchFunction`` and ``DisableTorchFunctionSubclass``."""
    return state.level == 0


def _is_torch_function_all_disabled() -> bool:
    """True inside ``DisableTorchFunction``."""
    return state.level == 2


def _is_torch_function_mode_enabled() -> bool:
    return bool(state.modes) and state.level < 2


def _has_torch_function(args) -> bool:
    """Whether a call with the arguments ``args`` (an iterable) dispatches."""
    return _is_torch_function_mode_enabled() or bool(overloaded_args(tuple(args)))


def _has_torch_function_unary(arg) -> bool:
    return _has_torch_function((arg,))


def _has_torch_function_variadic(*args) -> bool:
    return _has_torch_function(args)


def _len_torch_function_stack() -> int:
    return len(state.modes)


def _get_function_stack_at(i: int):
    return state.modes[i]


def _push_on_torch_function_stack(mode) -> None:
    enter_mode(mode)


def _pop_torch_function_stack():
    return exit_mode()

