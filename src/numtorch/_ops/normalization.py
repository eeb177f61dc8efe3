"""Re-export shim: the normalisation kernels live in ``numtorch._ops.nn.normalization``."""

from .nn.normalization import (  # noqa: F401
    NativeBatchNorm,
    NativeGroupNorm,
    NativeLayerNorm,
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
)
