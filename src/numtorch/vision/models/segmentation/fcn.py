"""FCN with ResNet-50/101 backbones (``torchvision.models.segmentation.fcn``)."""

from __future__ import annotations

from typing import Any

from .... import nn
from .._api import WeightsEnum, register_model
from ..resnet import ResNet, ResNet50_Weights, ResNet101_Weights, resnet50, resnet101
from ._utils import IntermediateLayerGetter, _SimpleSegmentationModel, load, resolve, voc_weights

__all__ = ["FCN", "FCNHead", "FCN_ResNet50_Weights", "FCN_ResNet101_Weights", "fcn_resnet50",
           "fcn_resnet101"]


class FCN(_SimpleSegmentationModel):
    """Fully-convolutional network: backbone features, a conv head, bilinear upsampling."""


class FCNHead(nn.Sequential):
    def __init__(self, in_channels: int, channels: int) -> None:
        inter = in_channels // 4
        super().__init__(nn.Conv2d(in_channels, inter, 3, padding=1, bias=False),
                         nn.BatchNorm2d(inter), nn.ReLU(), nn.Dropout(0.1),
                         nn.Conv2d(inter, channels, 1))


class FCN_ResNet50_Weights(WeightsEnum):
    COCO_WITH_VOC_LABELS_V1 = voc_weights("fcn_resnet50_coco-1167a1af.pth", 35322218)
    DEFAULT = COCO_WITH_VOC_LABELS_V1


class FCN_ResNet101_Weights(WeightsEnum):
    COCO_WITH_VOC_LABELS_V1 = voc_weights("fcn_resnet101_coco-7ecb50ca.pth", 54314346)
    DEFAULT = COCO_WITH_VOC_LABELS_V1


def _fcn_resnet(backbone: ResNet, num_classes: int, aux: bool | None) -> FCN:
    layers = {"layer4": "out"}
    if aux:
        layers["layer3"] = "aux"
    getter = IntermediateLayerGetter(backbone, return_layers=layers)
    aux_classifier = FCNHead(1024, num_classes) if aux else None
    return FCN(getter, FCNHead(2048, num_classes), aux_classifier)


@register_model(weights=FCN_ResNet50_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1")
def fcn_resnet50(*, weights: FCN_ResNet50_Weights | str | None = None, progress: bool = True,
                 num_classes: int | None = None, aux_loss: bool | None = None,
                 weights_backbone: ResNet50_Weights | str | None = ResNet50_Weights.IMAGENET1K_V1,
                 **kwargs: Any) -> FCN:
    """FCN-ResNet50 (dilated last two stages); 21 classes unless ``num_classes`` is given."""
    weights, wb, num_classes, aux_loss = resolve(FCN_ResNet50_Weights, weights,
                                                 ResNet50_Weights, weights_backbone,
                                                 num_classes, aux_loss)
    backbone = resnet50(weights=wb, replace_stride_with_dilation=[False, True, True])
    return load(_fcn_resnet(backbone, num_classes, aux_loss), weights, progress)


@register_model(weights=FCN_ResNet101_Weights, legacy_default="COCO_WITH_VOC_LABELS_V1")
def fcn_resnet101(*, weights: FCN_ResNet101_Weights | str | None = None, progress: bool = True,
                  num_classes: int | None = None, aux_loss: bool | None = None,
                  weights_backbone: ResNet101_Weights | str | None =
                  ResNet101_Weights.IMAGENET1K_V1, **kwargs: Any) -> FCN:
    """FCN-ResNet101 (dilated last two stages); 21 classes unless ``num_classes`` is given."""
    weights, wb, num_classes, aux_loss = resolve(FCN_ResNet101_Weights, weights,
                                                 ResNet101_Weights, weights_backbone,
                                                 num_classes, aux_loss)
    backbone = resnet101(weights=wb, replace_stride_with_dilation=[False, True, True])
    return load(_fcn_resnet(backbone, num_classes, aux_loss), weights, progress)
