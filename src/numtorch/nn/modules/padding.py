"""Padding layers (``torch.nn.modules.padding``): zero, constant, reflection, replication and
circular padding of the last 1/2/3 dims."""

from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _expand(padding, n: int) -> tuple:
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    return tuple(padding)


class _PadNd(Module):
    __constants__ = ["padding"]
    _n = 1
    _mode = "reflect"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _expand(padding, self._n)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]
    _n = 1

    def __init__(self, padding, value: float) -> None:
        super().__init__()
        self.padding = _expand(padding, self._n)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _make(name: str, base, n: int, mode: str | None = None):
    attrs = {"_n": n, "__doc__": f"``nn.{name}``."}
    if mode is not None:
        attrs["_mode"] = mode
    return type(name, (base,), attrs)


class ZeroPad1d(_ConstantPadNd):
    """``nn.ZeroPad1d``."""

    _n = 1

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ZeroPad1d):
    """``nn.ZeroPad2d``."""

    _n = 2


class ZeroPad3d(ZeroPad1d):
    """``nn.ZeroPad3d``."""

    _n = 3


ConstantPad1d = _make("ConstantPad1d", _ConstantPadNd, 1)
ConstantPad2d = _make("ConstantPad2d", _ConstantPadNd, 2)
ConstantPad3d = _make("ConstantPad3d", _ConstantPadNd, 3)
ReflectionPad1d = _make("ReflectionPad1d", _PadNd, 1, "reflect")
ReflectionPad2d = _make("ReflectionPad2d", _PadNd, 2, "reflect")
ReflectionPad3d = _make("ReflectionPad3d", _PadNd, 3, "reflect")
ReplicationPad1d = _make("ReplicationPad1d", _PadNd, 1, "replicate")
ReplicationPad2d = _make("ReplicationPad2d", _PadNd, 2, "replicate")
ReplicationPad3d = _make("ReplicationPad3d", _PadNd, 3, "replicate")
CircularPad1d = _make("CircularPad1d", _PadNd, 1, "circular")
CircularPad2d = _make("CircularPad2d", _PadNd, 2, "circular")
CircularPad3d = _make("CircularPad3d", _PadNd, 3, "circular")
