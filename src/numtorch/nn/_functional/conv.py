"""Convolution functions of ``torch.nn.functional``: ``conv1d``-``conv3d``,
``conv_transpose1d``-``conv_transpose3d`` (kernels in ``numtorch._ops.nn.conv``) and ``unfold`` /
``fold`` (im2col / col2im, in ``numtorch._ops.nn.sampling``)."""

from __future__ import annotations

from ..._ops.nn.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from ..._ops.nn.sampling import fold, unfold
from ..._tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold", "conv_tbc"]


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """``F.conv_tbc``: a 1-D convolution over (time, batch, channels) input with a
    (width, in, out) filter, composed as ``conv1d``; PyTorch's grad_fn is ``ConvTbcBackward0``."""
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, "
                           "out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)
