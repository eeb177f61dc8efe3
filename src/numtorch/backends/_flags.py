"""A context manager that sets module-level switches and restores them (``cudnn.flags``)."""

from __future__ import annotations

import contextlib
import types


@contextlib.contextmanager
def set_flags(module: types.ModuleType, **values):
    """Set ``module.<name> = value`` for the block, then restore the previous values."""
    old = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in old.items():
            setattr(module, name, value)
