"""``numtorch.utils.hooks`` (``torch.utils.hooks``): the handle hook registrations return,
and the marker for hooks that a pickled tensor may drop."""

from __future__ import annotations

import warnings

from ..autograd.graph import RemovableHandle

__all__ = ["RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]


def unserializable_hook(f):
    """Mark a tensor hook as one that need not survive pickling (no warning for it)."""
    f.__torch_unserializable__ = True
    return f


def warn_if_has_hooks(tensor) -> None:
    """Warn when ``tensor`` has backward hooks that pickling will drop (``torch``'s text)."""
    hooks = getattr(tensor, "_hooks", None) or {}
    for hook in hooks.values():
        if not hasattr(hook, "__torch_unserializable__"):
            warnings.warn(f"backward hook {hook!r} on tensor will not be serialized.  If this is "
                          "expected, you can decorate the function with "
                          "@torch.utils.hooks.unserializable_hook to suppress this warning",
                          stacklevel=2)
