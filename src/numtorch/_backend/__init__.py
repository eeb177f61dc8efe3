"""The array module behind each device: NumPy for ``cpu`` (CuPy would serve ``cuda``).

This is the one place that decides which array library holds a tensor's data. Op code gets the
module with :func:`xp_of` (from an array) or :func:`xp_for` (from a device) and never names NumPy
for data math, so a GPU backend is a new entry here, not a rewrite of the ops.
"""

from __future__ import annotations

import numpy

from .._device import device

ndarray = numpy.ndarray


def xp_of(array):
    """The array module that owns ``array``."""
    if type(array) is ndarray:
        return numpy
    return _module_of(array)


def _module_of(array):
    mod = type(array).__module__.split(".")[0]
    if mod == "cupy":
        import cupy

        return cupy
    return numpy


def xp_for(dev: device):
    """The array module for a device; a clear error for devices numtorch cannot use here."""
    if dev.type == "cpu":
        return numpy
    if dev.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    raise RuntimeError(f"numtorch has no backend for device type '{dev.type}'")


def device_of(array) -> device:
    """The device an array lives on."""
    if type(array) is ndarray:
        return _CPU
    dev = getattr(array, "device", None)
    if type(array).__module__.startswith("cupy"):
        return device("cuda", getattr(dev, "id", 0))
    return _CPU


def to_host(array) -> numpy.ndarray:
    """A NumPy array with the values of ``array`` (a copy only when it lives on a GPU)."""
    if type(array) is ndarray:
        return array
    get = getattr(array, "get", None)
    return get() if get is not None else numpy.asarray(array)


_CPU = device("cpu")
