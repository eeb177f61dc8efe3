"""``skip_init``: build a module without running its parameter initialisation
(``torch.nn.utils.skip_init``)."""

from __future__ import annotations

import inspect

from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs) -> Module:
    """``module_cls(*args, **kwargs)`` with uninitialized parameters and buffers.

    As in torch, the global random generator is left as it was (torch builds on the meta
    device; numtorch builds normally and then restores the generator's state). The parameter
    values are unspecified.
    """
    from ... import _random

    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    device = kwargs.pop("device", "cpu")
    state = _random.get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        _random.set_rng_state(state)
    return module.to(device)
