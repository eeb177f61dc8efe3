"""``functional_call``: call a module with some parameters and buffers temporarily replaced
(``torch.nn.utils.stateless``, deprecated in torch in favour of ``torch.func``)."""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["functional_call"]


def _owner(module: Module, path: str):
    prefix, _, name = path.rpartition(".")
    return (module.get_submodule(prefix) if prefix else module), name


def _swap(owner: Module, name: str, value):
    """Put ``value`` at ``owner.<name>``; returns the callable that undoes it.

    Parameters and buffers are replaced in their tables; any other name (a parametrized
    tensor, whose setter runs ``right_inverse``, or a plain attribute) is assigned, as torch
    does."""
    for store in (owner._parameters, owner._buffers):
        if name in store:
            old = store[name]
            store[name] = value
            return lambda: store.__setitem__(name, old)
    if hasattr(owner, name):
        old = getattr(owner, name)
        setattr(owner, name, value)
        return lambda: setattr(owner, name, old)
    setattr(owner, name, value)
    return lambda: delattr(owner, name)


def _tied_names(module: Module, tie_weights: bool) -> dict:
    """name -> all names of the same tensor (only ties when ``tie_weights``)."""
    groups: dict[int, list] = {}
    for name, t in module.named_parameters(remove_duplicate=False):
        groups.setdefault(id(t), []).append(name)
    for name, t in module.named_buffers(remove_duplicate=False):
        groups.setdefault(id(t), []).append(name)
    out = {}
    for names in groups.values():
        for n in names:
            out[n] = names if tie_weights else [n]
    return out


@contextlib.contextmanager
def _reparametrize(module: Module, values: dict, tie_weights: bool, strict: bool):
    tied = _tied_names(module, tie_weights)
    if strict:
        unexpected = [k for k in values if k not in tied]
        missing = [k for k in tied if k not in values]
        if unexpected or missing:
            parts = []
            if unexpected:
                parts.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected)
                             + ".")
            if missing:
                parts.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                               + "\n\t".join(parts))
    expanded = dict(values)
    if tie_weights:
        for key in values:
            names = tied.get(key, [key])
            given = [n for n in names if n in values]
            if len(given) > 1:
                raise ValueError(f"functional_call got multiple values for keys {given}, "
                                 "which are tied. Consider using tie_weights=False")
            for n in names:
                expanded[n] = values[key]
    undo = []
    try:
        for path, value in expanded.items():
            owner, name = _owner(module, path)
            undo.append(_swap(owner, name, value))
        yield
    finally:
        for restore in reversed(undo):
            restore()


def functional_call(module: Module, parameters_and_buffers: dict[str, Tensor],
                    args: Any | tuple | None = None, kwargs: dict[str, Any] | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the named parameters/buffers replaced by the given
    tensors for this call only (with torch's FutureWarning); ``strict`` requires exactly the
    module's parameter and buffer names."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, parameters_and_buffers, tie_weights, strict):
        return module(*args, **kwargs)
