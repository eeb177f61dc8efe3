"""``numtorch.vision.models``: torchvision's classification models and their weights enums.

Builders (``vgg16``, ``resnet50``, ...) take ``weights=`` (an enum member, its name, or None),
``progress=`` and model keyword arguments; ``pretrained=True`` still works with torchvision's
deprecation warnings. Module and parameter names equal torchvision's, so its ``state_dict``
files load with ``strict=True``.
"""

from __future__ import annotations

from . import densenet, efficientnet, mnasnet, mobilenetv3, shufflenetv2, squeezenet
from ._api import (
    Weights,
    WeightsEnum,
    get_model,
    get_model_builder,
    get_model_weights,
    get_weight,
    list_models,
)
from .alexnet import *  # noqa: F403
from .alexnet import __all__ as _alexnet_all
from .densenet import *  # noqa: F403
from .efficientnet import *  # noqa: F403
from .lenet import *  # noqa: F403
from .lenet import __all__ as _lenet_all
from .mnasnet import *  # noqa: F403
from .mobilenetv2 import MobileNet_V2_Weights, MobileNetV2, mobilenet_v2
from .mobilenetv3 import *  # noqa: F403
from .resnet import *  # noqa: F403
from .resnet import __all__ as _resnet_all
from .shufflenetv2 import *  # noqa: F403
from .squeezenet import *  # noqa: F403
from .vgg import *  # noqa: F403
from .vgg import __all__ as _vgg_all

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights",
           "get_weight", "list_models", "MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2",
           *_alexnet_all, *_lenet_all, *_resnet_all, *_vgg_all]
for _m in (densenet, efficientnet, mnasnet, mobilenetv3, shufflenetv2, squeezenet):
    __all__ += _m.__all__
