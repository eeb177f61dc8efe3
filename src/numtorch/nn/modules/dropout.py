"""Dropout layers (``torch.nn.modules.dropout``); masks come from the global generator, so the
same ``manual_seed`` drops the same elements as PyTorch."""

from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]
    _fn = "dropout"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return getattr(F, self._fn)(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """``nn.Dropout``."""


class Dropout1d(_DropoutNd):
    """``nn.Dropout1d``: zeroes whole channels of (N, C, L) / (C, L) inputs."""

    _fn = "dropout1d"


class Dropout2d(_DropoutNd):
    """``nn.Dropout2d``: zeroes whole channels of (N, C, H, W) inputs."""

    _fn = "dropout2d"


class Dropout3d(_DropoutNd):
    """``nn.Dropout3d``."""

    _fn = "dropout3d"


class AlphaDropout(_DropoutNd):
    """``nn.AlphaDropout`` (keeps SELU's self-normalising statistics)."""

    _fn = "alpha_dropout"


class FeatureAlphaDropout(_DropoutNd):
    """``nn.FeatureAlphaDropout``."""

    _fn = "feature_alpha_dropout"
