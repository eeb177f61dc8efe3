"""Global module hooks (``torch.nn.modules.module.register_module_*``) and the less common
``nn.Module`` methods: state_dict pre/post hooks, load_state_dict post hooks, ``to_empty`` and
``set_submodule``.

Global hooks run for every module, before the module's own hooks of the same kind, in
registration order; each ``register_*`` returns a ``RemovableHandle``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...autograd.graph import HookDict, RemovableHandle

__all__ = ["register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_backward_hook", "register_module_full_backward_hook",
           "register_module_full_backward_pre_hook", "register_module_buffer_registration_hook",
           "register_module_module_registration_hook",
           "register_module_parameter_registration_hook"]

_global_forward_pre_hooks: HookDict = HookDict()
_global_forward_hooks: HookDict = HookDict()
_global_forward_hooks_with_kwargs: dict = {}
_global_forward_hooks_always_called: dict = {}
_global_backward_hooks: HookDict = HookDict()
_global_backward_pre_hooks: HookDict = HookDict()
_global_non_full_backward_hooks: HookDict = HookDict()
# set by the first global backward hook of either kind and never reset (as in PyTorch)
_global_is_full_backward_hook: bool | None = None
_MIXED = ("Cannot use both regular backward hooks and full backward hooks as a global Module "
          "hook. Please use only one of them.")


def _set_backward_kind(full: bool) -> None:
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is (not full):
        raise RuntimeError(_MIXED)
    _global_is_full_backward_hook = full
_global_buffer_registration_hooks: HookDict = HookDict()
_global_module_registration_hooks: HookDict = HookDict()
_global_parameter_registration_hooks: HookDict = HookDict()


def _add(store: HookDict, hook: Callable, extra=None) -> RemovableHandle:
    h = RemovableHandle(store, extra_dict=extra)
    store[h.id] = hook
    return h


def register_module_forward_pre_hook(hook: Callable[..., None]) -> RemovableHandle:
    """``hook(module, args)`` before every module's ``forward`` (may return new args)."""
    return _add(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable[..., None], *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """``hook(module, args, output)`` (or ``(module, args, kwargs, output)``) after every
    module's ``forward``; a non-None return replaces the output."""
    h = _add(_global_forward_hooks, hook,
             [_global_forward_hooks_with_kwargs, _global_forward_hooks_always_called])
    if with_kwargs:
        _global_forward_hooks_with_kwargs[h.id] = True
    if always_call:
        _global_forward_hooks_always_called[h.id] = True
    return h


def register_module_full_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """``hook(module, grad_input, grad_output)`` for every module's backward."""
    _set_backward_kind(True)
    return _add(_global_backward_hooks, hook)


def register_module_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """The deprecated (non-full) global backward hook: ``hook(module, grad_input,
    grad_output)`` with the gradients of the last autograd node of each module's output, as
    PyTorch's. Known difference: PyTorch's FutureWarning for forwards of several nodes is not
    issued."""
    _set_backward_kind(False)
    return _add(_global_non_full_backward_hooks, hook)


def attach_non_full_backward_hooks(module, result) -> None:
    """Hook the global non-full backward hooks onto ``result``'s autograd node."""
    from ..._tensor import Tensor

    if not isinstance(result, Tensor) or result.grad_fn is None:
        return
    hooks = list(_global_non_full_backward_hooks.values())

    node = result.grad_fn

    def on_node(grad_inputs, grad_outputs):
        from ...autograd.engine import _fit

        # the node's input gradients as PyTorch shows them: summed to each input's shape
        metas = getattr(node, "_input_meta", ())
        grad_inputs = tuple(g if g is None or i >= len(metas) else _fit(g, metas[i])
                            for i, g in enumerate(grad_inputs))
        for hook in hooks:
            res = hook(module, grad_inputs, tuple(grad_outputs))
            if res is not None:
                grad_inputs = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        return grad_inputs

    result.grad_fn.register_hook(on_node)


def register_module_full_backward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """``hook(module, grad_output)`` before every module's input gradients are computed."""
    return _add(_global_backward_pre_hooks, hook)


def register_module_buffer_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    """``hook(module, name, buffer)`` on every buffer registration; may return a new buffer."""
    return _add(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    """``hook(module, name, submodule)`` on every submodule registration."""
    return _add(_global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    """``hook(module, name, param)`` on every (non-None) parameter registration."""
    return _add(_global_parameter_registration_hooks, hook)


def run_registration_hooks(store: HookDict, module, name: str, value):
    """Apply the global registration hooks of one kind; returns the (possibly new) value."""
    for hook in list(store.values()):
        out = hook(module, name, value)
        if out is not None:
            value = out
    return value


def run_always_called_hooks(module, hooks: list, called: set, args, kwargs, result) -> None:
    """After a failed forward, run the ``always_call`` forward hooks that have not run yet; an
    exception they raise is reported as a warning (the forward's error wins)."""
    import warnings

    for hid, hook, with_kwargs, always in hooks:
        if not always.get(hid) or hid in called:
            continue
        try:
            if with_kwargs.get(hid):
                hook(module, args, kwargs, result)
            else:
                hook(module, args, result)
        except Exception as e:  # noqa: BLE001 - silenced as torch silences it
            warnings.warn("forward hook with ``always_call=True`` raised an exception that was "
                          f"silenced as another error was raised in forward: {e!s}",
                          stacklevel=3)


def _hooks_of(module, attr: str) -> HookDict:
    d = module.__dict__
    if attr not in d:
        d[attr] = HookDict()
    return d[attr]


class ModuleExtrasMixin:
    """``nn.Module`` methods kept beside the core class: state-dict hooks, ``to_empty``,
    ``set_submodule``."""

    def register_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(module, prefix, keep_vars)`` before ``state_dict`` collects this module."""
        store = _hooks_of(self, "_state_dict_pre_hooks")
        return _add(store, hook)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(module, state_dict, prefix, local_metadata)`` after this module's entries are
        collected; it must edit ``state_dict`` in place and return None."""
        def checked(module, state_dict, prefix, local_metadata):
            if hook(module, state_dict, prefix, local_metadata) is not None:
                raise RuntimeError("state_dict post-hook must return None")

        return _add(_hooks_of(self, "_state_dict_hooks"), checked)

    def _register_state_dict_hook(self, hook: Callable) -> RemovableHandle:
        return self.register_state_dict_hook(hook)

    def _register_load_state_dict_pre_hook(self, hook: Callable,
                                           with_module: bool = False) -> RemovableHandle:
        store = _hooks_of(self, "_load_state_dict_pre_hooks")
        if with_module:
            return _add(store, lambda sd, *rest: hook(self, sd, *rest))
        return _add(store, hook)

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(module, incompatible_keys)`` after ``load_state_dict`` loaded this module and
        its children; it may edit the key lists in place (before ``strict`` is checked)."""
        return _add(_hooks_of(self, "_load_state_dict_post_hooks"), hook)

    def to_empty(self, *, device, recurse: bool = True):
        """Move parameters and buffers to ``device`` as uninitialised tensors of the same
        shapes and dtypes (``nn.Module.to_empty``)."""
        from ..._ops.creation import empty_like

        return self._apply(lambda t: empty_like(t, device=device), recurse=recurse)

    def set_submodule(self, target: str, module, strict: bool = False) -> None:
        """Replace (or, unless ``strict``, add) the submodule at dotted path ``target``."""
        from .module import Module

        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        atoms = target.split(".")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent = self if len(atoms) == 1 else self.get_submodule(".".join(atoms[:-1]))
        name = atoms[-1]
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)
