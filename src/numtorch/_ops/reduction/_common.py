"""Helpers shared by the reductions: normalised dims and broadcasting reduced gradients."""

from __future__ import annotations

import builtins
import numbers

from ..._tensor import Tensor
from .._args import arg_error
from .._base import wrap_dim


def _is_int(d) -> bool:
    return isinstance(d, numbers.Integral) and not isinstance(d, (bool, Tensor))


def check_dim(fname: str, dim, want: str = "tuple of ints", none: bool = True,
              flag: bool = False) -> None:
    """PyTorch's argument-parser ``TypeError`` unless ``dim`` is of a kind ``fname`` takes: an
    int, a tuple/list of ints (``want == "tuple of ints"``), None (``none``), a bool (``flag``:
    std/var's ``unbiased`` in the dim position). Raised before any array work."""
    c = dim.__class__
    if c is int or (dim is None and none) or (c is bool and flag):
        return
    if c is not bool and _is_int(dim):
        return
    if want == "tuple of ints" and isinstance(dim, (tuple, list)) and builtins.all(
            _is_int(d) for d in dim):
        return
    raise arg_error(fname, "dim", dim, want)


def dims_of(dim, ndim):
    """Normalised tuple of reduced dims (None or empty -> all; a 0-d tensor has none)."""
    if dim is None:
        return tuple(builtins.range(ndim))
    if isinstance(dim, int):
        d = wrap_dim(dim, ndim)
        return (d,) if ndim else ()
    dims = tuple(wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        d = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if not ndim:
        return ()
    return dims if dims else tuple(builtins.range(ndim))


def reduced_shape(shape, dims, keepdim):
    if dims is None:
        dims = tuple(builtins.range(len(shape)))
    if keepdim:
        return tuple(1 if i in dims else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def expand_back(g: Tensor, shape, dims, keepdim):
    """Reshape a reduced gradient so it broadcasts against the input shape."""
    if dims is None:
        dims = tuple(builtins.range(len(shape)))
    if not keepdim and len(shape):
        kshape = tuple(1 if i in dims else s for i, s in enumerate(shape))
        g = g.reshape(kshape)
    return g.expand(shape)
