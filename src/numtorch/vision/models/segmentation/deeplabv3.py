"""DeepLabV3 with ResNet-50/101 and MobileNetV3-Large backbones (torchvision)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .... import nn
from ...._ops.join import cat
from ...._tensor import Tensor
from ....nn import functional as F
from .._api import WeightsEnum, register_model
from ..mobilenetv3 import MobileNet_V3_Large_Weights, MobileNetV3, mobilenet_v3_large
from ..resnet import ResNet, ResNet50_Weights, ResNet101_Weights, resnet50, resnet101
from ._utils import (
    IntermediateLayerGetter,
    _SimpleSegmentationModel,
    load,
    mobilenet_stages,
    resolve,
    voc_weights,
)
from .fcn import FCNHead

__all__ = ["DeepLabV3", "DeepLabHead", "DeepLabV3_ResNet50_Weights",
           "DeepLabV3_ResNet101_Weights", "DeepLabV3_MobileNet_V3_Large_Weights",
           "deeplabv3_resnet50", "deeplabv3_resnet101", "deeplabv3_mobilenet_v3_large"]


class DeepLabV3(_SimpleSegmentationModel):
    """DeepLabV3: backbone features, an atrous spatial pyramid pooling head, upsampling."""


class ASPPConv(nn.Sequential):
    def __init__(self, in_channels: int, out_channels: int, dilation: int) -> None:
        super().__init__(nn.Conv2d(in_channels, out_channels, 3, padding=dilation,
                                   dilation=dilation, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


class ASPPPooling(nn.Sequential):
    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(nn.AdaptiveAvgPool2d(1),
                         nn.Conv2d(in_channels, out_channels, 1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, x: Tensor) -> Tensor:
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    def __init__(self, in_channels: int, atrous_rates: Sequence[int],
                 out_channels: int = 256) -> None:
        super().__init__()
        modules: list[nn.Module] = [nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels),
            nn.ReLU())]
        modules += [ASPPConv(in_channels, out_channels, r) for r in tuple(atrous_rates)]
        modules.append(ASPPPooling(in_channels, out_channels))
        self.convs = nn.ModuleList(modules)
        self.project = nn.Sequential(
            nn.Conv2d(len(self.convs) * out_channels, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x: Tensor) -> Tensor:
        return self.project(cat([conv(x) for conv in self.convs], dim=1))


class DeepLabHead(nn.Sequential):
    def __init__(self, in_channels: int, num_classes: int,
                 atrous_rates: Sequence[int] = (12, 24, 36)) -> None:
        super().__init__(ASPP(in_channels, atrous_rates),
                         nn.Conv2d(256, 256, 3, padding=1, bias=False), nn.BatchNorm2d(256),
                         nn.ReLU(), nn.Conv2d(256, num_classes, 1))


class DeepLabV3_ResNet50_Weights(WeightsEnum):
    COCO_WITH_VOC_LABELS_V1 = voc_weights("deeplabv3_resnet50_coco-cd0a2569.pth", 42004074)
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class DeepLabV3_ResNet101_Weights(WeightsEnum):
    COCO_WITH_VOC_LABELS_V1 = voc_weights("deeplabv3_resnet101_coco-586e9e4e.pth", 60996202)
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class DeepLabV3_MobileNet_V3_Large_Weights(WeightsEnum):
    COCO_WITH_VOC_LABELS_V1 = voc_weights("deeplabv3_mobilenet_v3_large-fc3c493d.pth",
                                          11029328)
    DEFAULT = COCO_WITH_VOC_LABELS_V1


def _deeplabv3_resnet(backbone: ResNet, num_classes: int, aux: bool | None) -> DeepLabV3:
    layers = {"layer4": "out"}
    if aux:
        layers["layer3"] = "aux"
    getter = IntermediateLayerGetter(backbone, return_layers=layers)
    aux_classifier = FCNHead(1024, num_classes) if aux else None
    return DeepLabV3(getter, DeepLabHead(2048, num_classes), aux_classifier)


def _deeplabv3_mobilenetv3(backbone: MobileNetV3, num_classes: int,
                           aux: bool | None) -> DeepLabV3:
    features = backbone.features
    stages = mobilenet_stages(features)
    out_pos, aux_pos = stages[-1], stages[-4]
    layers = {str(out_pos): "out"}
    if aux:
        layers[str(aux_pos)] = "aux"
    out_c, aux_c = features[out_pos].out_channels, features[aux_pos].out_channels
    getter = IntermediateLayerGetter(features, return_layers=layers)
    aux_classifier = FCNHead(aux_c, num_classes) if aux else None
    return DeepLabV3(getter, DeepLabHead(out_c, num_classes), aux_classifier)


@register_model(weights=DeepLabV3_ResNet50_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1")
def deeplabv3_resnet50(*, weights: DeepLabV3_ResNet50_Weights | str | None = None,
                       progress: bool = True, num_classes: int | None = None,
                       aux_loss: bool | None = None,
                       weights_backbone: ResNet50_Weights | str | None =
                       ResNet50_Weights.IMAGENET1K_V1, **kwargs: Any) -> DeepLabV3:
    """DeepLabV3-ResNet50; 21 classes unless ``num_classes`` is given."""
    weights, wb, num_classes, aux_loss = resolve(DeepLabV3_ResNet50_Weights, weights,
                                                 ResNet50_Weights, weights_backbone,
                                                 num_classes, aux_loss)
    backbone = resnet50(weights=wb, replace_stride_with_dilation=[False, True, True])
    return load(_deeplabv3_resnet(backbone, num_classes, aux_loss), weights, progress)


@register_model(weights=DeepLabV3_ResNet101_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1")
def deeplabv3_resnet101(*, weights: DeepLabV3_ResNet101_Weights | str | None = None,
                        progress: bool = True, num_classes: int | None = None,
                        aux_loss: bool | None = None,
                        weights_backbone: ResNet101_Weights | str | None =
                        ResNet101_Weights.IMAGENET1K_V1, **kwargs: Any) -> DeepLabV3:
    """DeepLabV3-ResNet101; 21 classes unless ``num_classes`` is given."""
    weights, wb, num_classes, aux_loss = resolve(DeepLabV3_ResNet101_Weights, weights,
                                                 ResNet101_Weights, weights_backbone,
                                                 num_classes, aux_loss)
    backbone = resnet101(weights=wb, replace_stride_with_dilation=[False, True, True])
    return load(_deeplabv3_resnet(backbone, num_classes, aux_loss), weights, progress)


@register_model(weights=DeepLabV3_MobileNet_V3_Large_Weights,
                legacy_default="COCO_WITH_VOC_LABELS_V1")
def deeplabv3_mobilenet_v3_large(
        *, weights: DeepLabV3_MobileNet_V3_Large_Weights | str | None = None,
        progress: bool = True, num_classes: int | None = None, aux_loss: bool | None = None,
        weights_backbone: MobileNet_V3_Large_Weights | str | None =
        MobileNet_V3_Large_Weights.IMAGENET1K_V1, **kwargs: Any) -> DeepLabV3:
    """DeepLabV3 on a dilated MobileNetV3-Large; 21 classes unless ``num_classes`` is given."""
    weights, wb, num_classes, aux_loss = resolve(DeepLabV3_MobileNet_V3_Large_Weights, weights,
                                                 MobileNet_V3_Large_Weights, weights_backbone,
                                                 num_classes, aux_loss)
    backbone = mobilenet_v3_large(weights=wb, dilated=True)
    return load(_deeplabv3_mobilenetv3(backbone, num_classes, aux_loss), weights, progress)
