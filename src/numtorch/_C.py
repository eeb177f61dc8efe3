"""``torch._C``: the few names of PyTorch's extension module that Python code reaches for.

Here: the ``__torch_function__`` machinery (``DisableTorchFunction``,
``DisableTorchFunctionSubclass``, ``_disabled_torch_function_impl``, the mode stack),
``_LinAlgError``, ``_TensorMeta`` (Tensor's metaclass), ``_log_api_usage_once`` and
``_nn._parse_to``, which libraries (torchmetrics, Lightning) call.
"""

from __future__ import annotations

import types as _types

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
from ._tensor import Tensor as _Tensor

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



#: the metaclass of ``Tensor`` (``type(torch.Tensor)``)
_TensorMeta = type(_Tensor)


def _log_api_usage_once(event: str) -> None:
    """PyTorch's usage logging hook: numtorch logs nothing."""


def _parse_to(*args, **kwargs) -> tuple:
    """``torch._C._nn._parse_to``: the ``(device, dtype, non_blocking, memory_format)`` that
    ``Tensor.to``/``Module.to`` would take from these arguments."""
    from ._device import as_device
    from ._dtype import dtype as _dtype_cls
    from ._layout import memory_format as _memory_format_cls

    device = dtype = memory_format = None
    non_blocking = bool(kwargs.pop("non_blocking", False))
    kwargs.pop("copy", None)
    for a in args:
        if isinstance(a, _Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, _dtype_cls):
            dtype = a
        elif isinstance(a, bool):
            non_blocking = a
        elif isinstance(a, _memory_format_cls):
            memory_format = a
        elif a is not None:
            device = as_device(a)
    if kwargs.get("device") is not None:
        device = as_device(kwargs.pop("device"))
    if kwargs.get("dtype") is not None:
        dtype = kwargs.pop("dtype")
    if kwargs.get("memory_format") is not None:
        memory_format = kwargs.pop("memory_format")
    unknown = [k for k in kwargs if kwargs[k] is not None]
    if unknown:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected "
                        f"keyword {unknown[0]}")
    return device, dtype, non_blocking, memory_format


_nn = _types.ModuleType("torch._C._nn")
_nn._parse_to = _parse_to
