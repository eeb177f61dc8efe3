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


def _set(owner: Module, name: str, value) -> None:
    store = owner._parameters if name in owner._parameters else owner._buffers
    store[name] = value


def _get(owner: Module, name: str):
    store = owner._parameters if name in owner._parameters else owner._buffers
    return store[name]


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
    saved = []
    try:
        for path, value in expanded.items():
            if path not in tied:
                continue
            owner, name = _owner(module, path)
            saved.append((owner, name, _get(owner, name)))
            _set(owner, name, value)
        yield
    finally:
        for owner, name, old in reversed(saved):
            _set(owner, name, old)


def functional_call(module: Module, parameters_and_buffers: dict[str, Tensor],
                    args: Any | tuple | None = None, kwargs: dict[str, Any] | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the named parameters/buffers replaced by the given
    tensors for this call only (with torch's FutureWarning). Names the module lacks are
    ignored unless ``strict``."""
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
