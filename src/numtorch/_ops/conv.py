"""Re-export shim: the convolution kernels live in ``numtorch._ops.nn.conv``."""

from .nn.conv import *  # noqa: F403
from .nn.conv import (  # noqa: F401
    Convolution,
    __all__,  # noqa: F401
    windows,
)
