"""``torch.grid_sampler_2d``: the ATen entry of ``grid_sample`` with integer mode enums."""

from __future__ import annotations

from ..._tensor import Tensor
from .sampling import grid_sample

__all__ = ["grid_sampler_2d"]

_GRID_MODES = ("bilinear", "nearest", "bicubic")
_GRID_PADDING = ("zeros", "border", "reflection")


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """``torch.grid_sampler_2d``: ``grid_sample`` (``GridSampler2D``) with the modes given as
    PyTorch's enum integers."""
    return grid_sample(input, grid, _GRID_MODES[interpolation_mode],
                       _GRID_PADDING[padding_mode], align_corners)
