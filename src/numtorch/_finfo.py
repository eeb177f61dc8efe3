"""``torch.finfo`` and ``torch.iinfo``: the numerical limits of each dtype, printed as PyTorch
prints them."""

from __future__ import annotations

import math
import sys

from . import _dtype as D

__all__ = ["finfo", "iinfo"]

# (bits, eps, max, smallest normal) of each real floating type, from its binary format
_FLOATS = {
    "float16": (16, 2.0 ** -10, (2 - 2.0 ** -10) * 2.0 ** 15, 2.0 ** -14),
    "bfloat16": (16, 2.0 ** -7, (2 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126),
    "float32": (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126),
    "float64": (64, sys.float_info.epsilon, sys.float_info.max, sys.float_info.min),
    "float8_e4m3fn": (8, 2.0 ** -3, 448.0, 2.0 ** -6),
    "float8_e5m2": (8, 2.0 ** -2, 57344.0, 2.0 ** -14),
    "float8_e4m3fnuz": (8, 2.0 ** -3, 240.0, 2.0 ** -7),
    "float8_e5m2fnuz": (8, 2.0 ** -3, 57344.0, 2.0 ** -15),
    "float8_e8m0fnu": (8, 1.0, 2.0 ** 127, 2.0 ** -127),
}
#: formats without a sign bit: their lowest value is the smallest normal one
_UNSIGNED = {"float8_e8m0fnu"}


class _Info:
    __slots__ = ()
    _fields: tuple = ()

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"attribute '{name}' of 'torch.{type(self).__name__}' objects is "
                             "not writable")

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._fields)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as in PyTorch

    def __repr__(self) -> str:
        parts = [f"{f}={getattr(self, f):g}" for f in self._fields if f != "dtype"]
        return f"{type(self).__name__}({', '.join(parts)}, dtype={self.dtype})"

    __str__ = __repr__


_NOT_GIVEN = object()


def _need_dtype(fn: str, type_) -> None:
    if not isinstance(type_, D.dtype):
        raise TypeError(f"{fn}(): argument 'type' (position 1) must be torch.dtype, not "
                        f"{type(type_).__name__}")


class finfo(_Info):  # noqa: N801 - torch's name
    """Limits of a floating (or complex: of its real part) dtype (``torch.finfo``); with no
    argument, of the default dtype. Attributes: bits, eps, max, min, tiny, smallest_normal,
    resolution and dtype (its name)."""

    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")
    _fields = ("resolution", "min", "max", "eps", "smallest_normal", "tiny", "dtype")

    def __init__(self, type=_NOT_GIVEN) -> None:  # noqa: A002 - torch's keyword
        dt = D.get_default_dtype() if type is _NOT_GIVEN else type
        _need_dtype("finfo", dt)
        if not (dt.is_floating_point or dt.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        real = dt.to_real()
        bits, eps, big, normal = _FLOATS[real.name]
        low = normal if real.name in _UNSIGNED else -big
        values = {"bits": bits, "eps": eps, "max": big, "min": low, "tiny": normal,
                  "smallest_normal": normal,
                  "resolution": float(f"1e-{math.floor(-math.log10(eps))}"),
                  "dtype": real.name}
        for k, v in values.items():
            object.__setattr__(self, k, v)


class iinfo(_Info):  # noqa: N801 - torch's name
    """Limits of an integer dtype (``torch.iinfo``): bits, max, min and dtype (its name)."""

    __slots__ = ("bits", "max", "min", "dtype")
    _fields = ("min", "max", "dtype")

    def __init__(self, type=_NOT_GIVEN) -> None:  # noqa: A002 - torch's keyword
        if type is _NOT_GIVEN:
            raise TypeError('iinfo() missing 1 required positional arguments: "type"')
        _need_dtype("iinfo", type)
        if type.is_bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point or type.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        bits = type.itemsize * 8
        lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if type.is_signed else (0,
                                                                                  2 ** bits - 1)
        for k, v in {"bits": bits, "max": hi, "min": lo, "dtype": type.name}.items():
            object.__setattr__(self, k, v)
