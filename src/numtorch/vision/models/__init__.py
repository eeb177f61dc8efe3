"""``numtorch.vision.models``: torchvision's model zoo and its weights enums.

Classification families (VGG, ResNet/ResNeXt/Wide ResNet, AlexNet, SqueezeNet, DenseNet,
ShuffleNetV2, MNASNet, MobileNetV2/V3, EfficientNet(V2), RegNet, GoogLeNet, Inception v3,
ConvNeXt, ViT, Swin(V2), MaxViT) plus ``segmentation`` (FCN, DeepLabV3, LR-ASPP), ``video``
(video ResNets, S3D, Swin3D) and ``quantization`` (the quantizable models in float mode).
Builders take ``weights=`` (an enum member, its name, or None), ``progress=`` and model keyword
arguments; ``pretrained=True`` still works with torchvision's deprecation warnings. Module and
parameter names equal torchvision's, so its ``state_dict`` files load with ``strict=True``.
Not provided yet: the detection models (they need ``torchvision.ops`` kernels), RAFT and MViT.
"""

from __future__ import annotations

import importlib

from . import quantization, segmentation, video
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
from .convnext import *  # noqa: F403
from .densenet import *  # noqa: F403
from .efficientnet import *  # noqa: F403
from .googlenet import *  # noqa: F403
from .inception import *  # noqa: F403
from .lenet import *  # noqa: F403
from .maxvit import *  # noqa: F403
from .mnasnet import *  # noqa: F403
from .mobilenetv2 import MobileNet_V2_Weights, MobileNetV2, mobilenet_v2
from .mobilenetv3 import *  # noqa: F403
from .regnet import *  # noqa: F403
from .resnet import *  # noqa: F403
from .shufflenetv2 import *  # noqa: F403
from .squeezenet import *  # noqa: F403
from .swin_transformer import *  # noqa: F403
from .vgg import *  # noqa: F403
from .vision_transformer import *  # noqa: F403

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights",
           "get_weight", "list_models", "MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]
# several builders share their module's name (``googlenet``), so the modules are looked up here
_FAMILIES = ("alexnet", "lenet", "resnet", "vgg", "convnext", "densenet", "efficientnet",
             "googlenet", "inception", "maxvit", "mnasnet", "mobilenetv3", "regnet", "shufflenetv2",
             "squeezenet", "swin_transformer", "vision_transformer")
for _f in _FAMILIES:
    __all__ += importlib.import_module(f".{_f}", __name__).__all__
