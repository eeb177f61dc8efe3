"""``numtorch.vision.models.quantization``: torchvision's quantizable models in float mode
(``quantize=False``); numtorch has no quantized kernels, so ``quantize=True`` raises."""

from .googlenet import *  # noqa: F403
from .googlenet import __all__ as _googlenet_all
from .mobilenet import *  # noqa: F403
from .mobilenet import __all__ as _mobilenet_all
from .resnet import *  # noqa: F403
from .resnet import __all__ as _resnet_all
from .shufflenetv2 import *  # noqa: F403
from .shufflenetv2 import __all__ as _shufflenet_all

__all__ = [*_googlenet_all, *_mobilenet_all, *_resnet_all, *_shufflenet_all]
