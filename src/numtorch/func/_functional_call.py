"""``functional_call`` and ``stack_module_state``: run a module with given tensors in place of
its parameters and buffers, and stack the states of several modules for ``vmap``."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any


def _tied_names(module) -> dict[str, list[str]]:
    """Each parameter/buffer name -> every name of the same tensor (tied weights)."""
    by_id: dict[int, list[str]] = {}
    for name, t in list(module.named_parameters(remove_duplicate=False)) + list(
            module.named_buffers(remove_duplicate=False)):
        by_id.setdefault(id(t), []).append(name)
    out = {}
    for names in by_id.values():
        for n in names:
            out[n] = names
    return out


def _resolve(module, name: str):
    *path, leaf = name.split(".")
    mod = module
    for p in path:
        mod = getattr(mod, p)
    return mod, leaf


def _swap(mod, leaf: str, value):
    """Put ``value`` under ``leaf`` of ``mod``; return how to undo it."""
    d = mod.__dict__
    for store in ("_parameters", "_buffers"):
        s = d.get(store)
        if s is not None and leaf in s:
            old = s[leaf]
            s[leaf] = value
            return lambda s=s, old=old: s.__setitem__(leaf, old)
    had = leaf in d
    old = d.get(leaf)
    object.__setattr__(mod, leaf, value)

    def undo():
        if had:
            object.__setattr__(mod, leaf, old)
        else:
            object.__delattr__(mod, leaf)
    return undo


@contextlib.contextmanager
def _reparametrize(module, tensors: dict, tie_weights: bool, strict: bool):
    names = [n for n, _ in module.named_parameters(remove_duplicate=False)] + [
        n for n, _ in module.named_buffers(remove_duplicate=False)]
    if strict:
        missing = [n for n in names if n not in tensors]
        unexpected = [k for k in tensors if k not in names]
        if missing or unexpected:
            msg = ""
            if unexpected:
                msg += "\n\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + "."
            if missing:
                msg += "\n\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + "."
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:{msg}")
    values = dict(tensors)
    if tie_weights:
        tied = _tied_names(module)
        for name in list(tensors):
            group = tied.get(name, [name])
            given = [g for g in group if g in tensors]
            if len(given) > 1:
                raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, "
                                 "which are tied. Consider using tie_weights=False")
            for g in group:
                values.setdefault(g, tensors[name])
    undo = []
    try:
        for name, value in values.items():
            mod, leaf = _resolve(module, name)
            undo.append(_swap(mod, leaf, value))
        yield
    finally:
        for u in reversed(undo):
            u()


def functional_call(module, parameter_and_buffer_dicts, args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """``torch.func.functional_call``: call ``module`` with the given tensors standing in for
    its parameters and buffers (restored afterwards)."""
    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence) and not isinstance(
            parameter_and_buffer_dicts, str) and all(
            isinstance(d, dict) for d in parameter_and_buffer_dicts):
        seen: dict = {}
        dup = []
        for d in parameter_and_buffer_dicts:
            for k, v in d.items():
                if k in seen:
                    dup.append(k)
                seen[k] = v
        if dup:
            raise ValueError(f"{sorted(set(dup))} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        tensors = seen
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, tensors, tie_weights, strict):
        return module(*args, **kwargs)


def stack_module_state(models) -> tuple[dict[str, Any], dict[str, Any]]:
    """``torch.func.stack_module_state``: each parameter and buffer stacked over ``models``
    (parameters as new leaves that require grad as the originals do)."""
    import numtorch

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    kind = type(models[0])
    if not all(type(m) is kind for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(items, is_param):
        out = {}
        for name, first in items(models[0]):
            ts = [dict(items(m))[name] for m in models]
            s = numtorch.stack([t.detach() for t in ts])
            if is_param and first.requires_grad:
                s.requires_grad_()
            out[name] = s
        return out

    params = stacked(lambda m: list(m.named_parameters()), True)
    buffers = stacked(lambda m: list(m.named_buffers()), False)
    return params, buffers


__all__ = ["functional_call", "stack_module_state"]
