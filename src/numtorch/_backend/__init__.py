"""The array module behind each device: NumPy for ``cpu`` (CuPy would serve ``cuda``).

This is the one place that decides which array library holds a tensor's data. Op code gets the
module with :func:`xp_of` (from an array) or :func:`xp_for` (from a device) and never names NumPy
for data math, so a GPU backend is a new entry here, not a rewrite of the ops.
"""

from __future__ import annotations

import contextlib

import numpy

from .._device import device

ndarray = numpy.ndarray
#: NumPy's scalar base class (what a ufunc returns for 0-d operands)
generic = numpy.generic
#: the host array module: for bookkeeping on Python-side values (index lists, shapes, pivots)
#: that never hold a tensor's data. Data math uses ``xp_of(array)``.
host = numpy


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


# -- array-library specifics, one spelling each ------------------------------------------------
def is_array(x) -> bool:
    """Whether ``x`` is an array of a backend module (or one of its scalars)."""
    return isinstance(x, (ndarray, generic)) or type(x).__module__.startswith("cupy")


def errstate(xp=None, **kw):
    """Silence (or set) floating-point warnings of ``xp`` for a block: NumPy's ``errstate``;
    a no-op context for modules without one."""
    if xp is None or xp is numpy:
        return numpy.errstate(**(kw or {"all": "ignore"}))
    fn = getattr(xp, "errstate", None)
    return fn(**(kw or {"all": "ignore"})) if fn is not None else contextlib.nullcontext()


def add_at(target, index, values) -> None:
    """Unbuffered ``target[index] += values`` (repeated indices accumulate), in place."""
    xp = xp_of(target)
    if xp is numpy:
        numpy.add.at(target, index, values)
    else:
        import cupyx

        cupyx.scatter_add(target, index, values)


def data_ptr(array) -> int:
    """The address of an array's first element."""
    if type(array) is ndarray:
        return array.__array_interface__["data"][0]
    return int(array.data.ptr)


def element_offset(view, base) -> int:
    """How many elements ``view``'s first element lies after ``base``'s."""
    return (data_ptr(view) - data_ptr(base)) // view.itemsize


def host_ufunc(fn, nin: int = 1):
    """An elementwise function applying the Python scalar function ``fn`` on the host (for
    special functions the array module lacks); returns object arrays, cast by the caller."""
    return numpy.frompyfunc(fn, nin, 1)
