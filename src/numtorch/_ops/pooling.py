"""Re-export shim: the pooling kernels live in ``numtorch._ops.nn.pooling``."""

from .nn.pooling import (  # noqa: F401
    AdaptiveAvgPool,
    AdaptiveMaxPool,
    AvgPool,
    MaxPool3DWithIndices,
    MaxPoolWithIndices,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
