"""Vision functions of ``torch.nn.functional``: ``pad``, ``interpolate`` and the deprecated
``upsample*`` forms, ``affine_grid``, ``grid_sample``, ``pixel_shuffle`` /
``pixel_unshuffle`` (kernels in ``numtorch._ops.nn.sampling``) and ``channel_shuffle``."""

from __future__ import annotations

from ..._ops.nn.sampling import (
    affine_grid,
    grid_sample,
    interpolate,
    pad,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from ..._tensor import Tensor

__all__ = ["pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
           "affine_grid", "grid_sample", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
           "native_channel_shuffle", "GRID_SAMPLE_INTERPOLATION_MODES",
           "GRID_SAMPLE_PADDING_MODES"]

# grid_sample's mode and padding_mode names with their kernel codes, as torch exposes them
GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``F.channel_shuffle``: (N, g*k, ...) -> channels interleaved across the g groups."""
    if input.dim() < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    n, c = input.shape[0], input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    rest = tuple(input.shape[2:])
    x = input.reshape((n, groups, c // groups) + rest).transpose(1, 2)
    return x.reshape((n, c) + rest)


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``F.native_channel_shuffle``: the same permutation as ``channel_shuffle``."""
    return channel_shuffle(input, groups)
