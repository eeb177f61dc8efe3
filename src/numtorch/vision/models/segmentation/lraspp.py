"""Lite R-ASPP with a MobileNetV3-Large backbone (torchvision)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from .... import nn
from ...._tensor import Tensor
from ....nn import functional as F
from .._api import WeightsEnum, register_model
from ..mobilenetv3 import MobileNet_V3_Large_Weights, MobileNetV3, mobilenet_v3_large
from ._utils import IntermediateLayerGetter, load, mobilenet_stages, resolve, voc_weights

__all__ = ["LRASPP", "LRASPP_MobileNet_V3_Large_Weights", "lraspp_mobilenet_v3_large"]


class LRASPPHead(nn.Module):
    def __init__(self, low_channels: int, high_channels: int, num_classes: int,
                 inter_channels: int) -> None:
        super().__init__()
        self.cbr = nn.Sequential(nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                 nn.BatchNorm2d(inter_channels), nn.ReLU(inplace=True))
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1),
                                   nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                   nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low_channels, num_classes, 1)
        self.high_classifier = nn.Conv2d(inter_channels, num_classes, 1)

    def forward(self, input: dict[str, Tensor]) -> Tensor:
        low, high = input["low"], input["high"]
        x = self.cbr(high) * self.scale(high)
        x = F.interpolate(x, size=low.shape[-2:], mode="bilinear", align_corners=False)
        return self.low_classifier(low) + self.high_classifier(x)


class LRASPP(nn.Module):
    """Backbone ``low``/``high`` features, the LR-ASPP head, bilinear upsampling."""

    def __init__(self, backbone: nn.Module, low_channels: int, high_channels: int,
                 num_classes: int, inter_channels: int = 128) -> None:
        super().__init__()
        self.backbone = backbone
        self.classifier = LRASPPHead(low_channels, high_channels, num_classes, inter_channels)

    def forward(self, input: Tensor) -> dict[str, Tensor]:
        out = self.classifier(self.backbone(input))
        out = F.interpolate(out, size=input.shape[-2:], mode="bilinear", align_corners=False)
        result: OrderedDict[str, Tensor] = OrderedDict()
        result["out"] = out
        return result


class LRASPP_MobileNet_V3_Large_Weights(WeightsEnum):
    COCO_WITH_VOC_LABELS_V1 = voc_weights("lraspp_mobilenet_v3_large-d234d4ea.pth", 3221538)
    DEFAULT = COCO_WITH_VOC_LABELS_V1


def _lraspp_mobilenetv3(backbone: MobileNetV3, num_classes: int) -> LRASPP:
    features = backbone.features
    stages = mobilenet_stages(features)
    low_pos, high_pos = stages[-4], stages[-1]
    low_c, high_c = features[low_pos].out_channels, features[high_pos].out_channels
    getter = IntermediateLayerGetter(features,
                                     return_layers={str(low_pos): "low", str(high_pos): "high"})
    return LRASPP(getter, low_c, high_c, num_classes)


@register_model(weights=LRASPP_MobileNet_V3_Large_Weights,
                legacy_default="COCO_WITH_VOC_LABELS_V1")
def lraspp_mobilenet_v3_large(
        *, weights: LRASPP_MobileNet_V3_Large_Weights | str | None = None,
        progress: bool = True, num_classes: int | None = None,
        weights_backbone: MobileNet_V3_Large_Weights | str | None =
        MobileNet_V3_Large_Weights.IMAGENET1K_V1, **kwargs: Any) -> LRASPP:
    """LR-ASPP on a dilated MobileNetV3-Large; 21 classes unless ``num_classes`` is given."""
    if kwargs.pop("aux_loss", False):
        raise NotImplementedError("This model does not use auxiliary loss")
    weights, wb, num_classes, _ = resolve(LRASPP_MobileNet_V3_Large_Weights, weights,
                                          MobileNet_V3_Large_Weights, weights_backbone,
                                          num_classes, None, has_aux=False)
    backbone = mobilenet_v3_large(weights=wb, dilated=True)
    return load(_lraspp_mobilenetv3(backbone, num_classes), weights, progress)
