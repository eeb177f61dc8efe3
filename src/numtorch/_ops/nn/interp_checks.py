"""Argument and dtype checks of ``interpolate``, worded as PyTorch's (its Python front end, the
ATen argument parser and the CPU upsampling kernels)."""

from __future__ import annotations

import math

from ..._tensor import Tensor

__all__: list[str] = []

_INT64_MAX = 2 ** 63 - 1
_AXES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}


def check_size_types(size) -> None:
    """A list/tuple ``size`` holds integers only."""
    if isinstance(size, (list, tuple)) and not all(_is_integer(s) for s in size):
        raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                        f"Tuple[int, int, int], but got size with types {[type(s) for s in size]}")


def _is_integer(v) -> bool:
    if isinstance(v, int):
        return True
    dt = getattr(v, "dtype", None)
    return dt is not None and getattr(v, "ndim", 1) == 0 and not dt.is_floating_point \
        and not dt.is_complex


def _kernel_name(mode: str, dim: int) -> str:
    if mode == "nearest-exact":
        return f"_upsample_nearest_exact{dim}d"
    return f"upsample_{mode}{dim}d"


def check_scalar_size(size, mode: str, dim: int) -> None:
    """A float scalar ``size`` reaches the ATen kernel as a list of floats: its argument
    parser's TypeError (area mode: the adaptive pooling's)."""
    if isinstance(size, (list, tuple)) or _is_integer(size):
        return
    if mode == "area":
        raise TypeError(f"adaptive_avg_pool{dim}d(): argument 'output_size' (position 2) must be "
                        f"tuple of ints, but found element of type {type(size).__name__} at pos 0")
    name = _kernel_name(mode, dim)
    linear = mode not in ("nearest", "nearest-exact")
    got = "(Tensor, list, bool, NoneType)" if linear else "(Tensor, list, NoneType)"
    ac = "bool align_corners, " if linear else ""
    floats = ", ".join([type(size).__name__] * dim)
    bad = f"(Tensor, !list of [{floats}]!, {'bool, ' if linear else ''}!NoneType!)"
    scales = ", ".join(f"float scales_{a.lower()} = None" for a in _AXES[dim]) if dim > 1 \
        else "float scales = None"
    raise TypeError(
        f"{name}() received an invalid combination of arguments - got {got}, but expected one "
        f"of:\n * (Tensor input, tuple of ints output_size, {ac}tuple of floats scale_factors)\n"
        f"      didn't match because some of the arguments have invalid types: {bad}\n"
        f" * (Tensor input, tuple of ints output_size, {ac}{scales}, *, Tensor out = None)\n")


def scaled_size(n: int, factor: float, mode: str) -> int:
    """``floor(n * factor)``; a non-finite or huge result is PyTorch's overflow error (area mode
    floors in Python, whose errors PyTorch passes on)."""
    v = float(n) * factor
    if mode != "area" and not (math.isfinite(v) and abs(v) <= _INT64_MAX):
        raise RuntimeError("value cannot be converted to type int64_t without overflow")
    return math.floor(v)


def check_output_sizes(spatial, out, mode: str) -> None:
    """Positive output sizes (area mode: non-negative, as adaptive average pooling)."""
    dim = len(out)
    if mode == "area":
        if any(o < 0 for o in out):
            vals = (1,) + tuple(out) if dim == 1 else tuple(out)
            if dim == 3:
                shown = f"{vals[0]}, {vals[1]},{vals[2]}"
            else:
                shown = ", ".join(str(v) for v in vals)
            raise RuntimeError(f"adaptive_avg_pool{max(dim, 2)}d: elements of output_size must "
                               f"be greater than or equal to 0 but received {{{shown}}}")
        return
    if all(o > 0 for o in out) and all(s > 0 for s in spatial):
        return
    axes = _AXES[dim]
    ins = ", ".join(f"{a}: {s}" for a, s in zip(axes, spatial))
    outs = ", ".join(f"{a}: {o}" for a, o in zip(axes, out))
    sep = " and" if dim == 1 else ""
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins})"
                       f"{sep} output ({outs})")


def check_dtype(x: Tensor, mode: str, dim: int) -> None:
    """PyTorch's CPU upsampling kernels: floating inputs, and uint8 except for linear and
    trilinear modes."""
    dt = x._data.dtype
    if dt.kind in "fV":
        return
    if dt.kind == "u" and dt.itemsize == 1 and mode not in ("linear", "trilinear"):
        return
    if mode in ("nearest", "nearest-exact"):
        kernel = "upsample_nearest2d_channels_last" if dim == 2 else \
            "compute_indices_weights_nearest"
    elif mode == "bilinear":
        kernel = "upsample_bilinear2d_channels_last"
    elif mode == "bicubic":
        kernel = "compute_indices_weights_cubic"
    else:
        kernel = "compute_indices_weights_linear"
    raise NotImplementedError(f'"{kernel}" not implemented for \'{x.dtype.c_name}\'')
