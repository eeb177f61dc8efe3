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

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]
