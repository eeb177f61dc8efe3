"""Unbuffered scatter-reduce for the array modules: ``target[index] = op(target[index], values)``
with repeated indices applied one after another (NumPy's ``ufunc.at``)."""

from __future__ import annotations

import numpy

from . import xp_of

_CUPYX = {"add": "scatter_add", "maximum": "scatter_max", "minimum": "scatter_min"}


def reduce_at(op: str, target, index, values) -> None:
    """``op`` is ``"add"``, ``"multiply"``, ``"maximum"`` or ``"minimum"``; in place."""
    if xp_of(target) is numpy:
        getattr(numpy, op).at(target, index, values)
        return
    import cupyx

    name = _CUPYX.get(op)
    if name is None:
        raise NotImplementedError(f"scatter with '{op}' is not supported on this device")
    getattr(cupyx, name)(target, index, values)
