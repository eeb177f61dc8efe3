"""Re-export shim: the fused nn kernels live in ``numtorch._ops.nn`` (``activation``, ``loss``,
``embedding``); ``__all__`` also carries the ``numtorch._ops.nn`` top-level functions that
``numtorch`` star-imports (softmax, native_*_norm, grid_sampler_2d)."""

from .nn import *  # noqa: F403
from .nn import __all__  # noqa: F401
from .nn.activation import (  # noqa: F401
    Celu,
    CeluInplace,
    Elu,
    EluInplace,
    Gelu,
    Glu,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyRelu,
    LeakyReluInplace,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PreluKernel,
    Silu,
    Softmax,
    Softplus,
    Softshrink,
    Threshold,
    ThresholdInplace,
    _softmax_dim,
)
from .nn.embedding import Embedding  # noqa: F401
from .nn.loss import (  # noqa: F401
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    HuberLoss,
    MseLoss,
    NllLoss,
    NllLoss2d,
    SmoothL1Loss,
    Xlogy,
)
