"""Neural-network kernels, one module per topic.

``conv`` (convolutions), ``pooling`` (max/avg/adaptive pooling), ``normalization`` (batch/
layer/group/instance norm and the ``native_*_norm`` primitives), ``activation`` (softmax family
and activations), ``loss`` (fused losses), ``embedding``, ``sampling`` (interpolate,
grid_sample, pad, im2col fold/unfold, pixel shuffle), ``interp_checks`` (interpolate's argument
and dtype checks), ``grid3d`` (5-D grid_sample and the grid sampler's checks) and ``grid``
(``grid_sampler_2d``).
``numtorch.nn.functional`` checks arguments and composes these; the names in ``__all__`` are
also top-level ``numtorch`` functions.
"""

from __future__ import annotations

from .activation import hardshrink, log_softmax, prelu, softmax
from .conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    convolution,
)
from .grid import grid_sampler_2d
from .normalization import native_batch_norm, native_group_norm, native_layer_norm
from .sampling import *  # noqa: F403
from .sampling import __all__ as _sampling_all

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "convolution", "grid_sampler_2d", "log_softmax",
           "native_batch_norm", "native_group_norm", "native_layer_norm", "softmax",
           "hardshrink", "prelu", *_sampling_all]
