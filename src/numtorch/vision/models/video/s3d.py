"""S3D (separable 3D Inception) for video classification (``torchvision.models.video.s3d``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial
from typing import Any

from .... import nn
from ...._ops.join import cat
from ...._tensor import Tensor
from .._api import Weights, WeightsEnum, build_model, register_model
from .._layers import Conv3dNormActivation
from .resnet import VideoClassification

__all__ = ["S3D", "S3D_Weights", "s3d"]


class TemporalSeparableConv(nn.Sequential):
    """A (1, k, k) spatial then a (k, 1, 1) temporal convolution, each normed and activated."""

    def __init__(self, in_planes: int, out_planes: int, kernel_size: int, stride: int,
                 padding: int, norm_layer: Callable[..., nn.Module]) -> None:
        super().__init__(
            Conv3dNormActivation(in_planes, out_planes, kernel_size=(1, kernel_size, kernel_size),
                                 stride=(1, stride, stride), padding=(0, padding, padding),
                                 bias=False, norm_layer=norm_layer),
            Conv3dNormActivation(out_planes, out_planes, kernel_size=(kernel_size, 1, 1),
                                 stride=(stride, 1, 1), padding=(padding, 0, 0), bias=False,
                                 norm_layer=norm_layer))


class SepInceptionBlock3D(nn.Module):
    def __init__(self, in_planes: int, b0_out: int, b1_mid: int, b1_out: int, b2_mid: int,
                 b2_out: int, b3_out: int, norm_layer: Callable[..., nn.Module]) -> None:
        super().__init__()
        self.branch0 = Conv3dNormActivation(in_planes, b0_out, kernel_size=1, stride=1,
                                            norm_layer=norm_layer)
        self.branch1 = nn.Sequential(
            Conv3dNormActivation(in_planes, b1_mid, kernel_size=1, stride=1,
                                 norm_layer=norm_layer),
            TemporalSeparableConv(b1_mid, b1_out, kernel_size=3, stride=1, padding=1,
                                  norm_layer=norm_layer))
        self.branch2 = nn.Sequential(
            Conv3dNormActivation(in_planes, b2_mid, kernel_size=1, stride=1,
                                 norm_layer=norm_layer),
            TemporalSeparableConv(b2_mid, b2_out, kernel_size=3, stride=1, padding=1,
                                  norm_layer=norm_layer))
        self.branch3 = nn.Sequential(
            nn.MaxPool3d(kernel_size=(3, 3, 3), stride=1, padding=1),
            Conv3dNormActivation(in_planes, b3_out, kernel_size=1, stride=1,
                                 norm_layer=norm_layer))

    def forward(self, x: Tensor) -> Tensor:
        return cat((self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)), 1)


class S3D(nn.Module):
    """``torchvision.models.video.S3D`` (default PyTorch initialisation)."""

    def __init__(self, num_classes: int = 400, dropout: float = 0.2,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        nl = norm_layer or partial(nn.BatchNorm3d, eps=0.001, momentum=0.001)
        pool = lambda k, s, p: nn.MaxPool3d(kernel_size=k, stride=s, padding=p)
        blk = lambda *c: SepInceptionBlock3D(*c, nl)
        self.features = nn.Sequential(
            TemporalSeparableConv(3, 64, 7, 2, 3, nl),
            pool((1, 3, 3), (1, 2, 2), (0, 1, 1)),
            Conv3dNormActivation(64, 64, kernel_size=1, stride=1, norm_layer=nl),
            TemporalSeparableConv(64, 192, 3, 1, 1, nl),
            pool((1, 3, 3), (1, 2, 2), (0, 1, 1)),
            blk(192, 64, 96, 128, 16, 32, 32), blk(256, 128, 128, 192, 32, 96, 64),
            pool((3, 3, 3), (2, 2, 2), (1, 1, 1)),
            blk(480, 192, 96, 208, 16, 48, 64), blk(512, 160, 112, 224, 24, 64, 64),
            blk(512, 128, 128, 256, 24, 64, 64), blk(512, 112, 144, 288, 32, 64, 64),
            blk(528, 256, 160, 320, 32, 128, 128),
            pool((2, 2, 2), (2, 2, 2), (0, 0, 0)),
            blk(832, 256, 160, 320, 32, 128, 128), blk(832, 384, 192, 384, 48, 128, 128))
        self.avgpool = nn.AvgPool3d(kernel_size=(2, 7, 7), stride=1)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Conv3d(1024, num_classes, kernel_size=1, stride=1, bias=True))

    def forward(self, x: Tensor) -> Tensor:
        x = self.classifier(self.avgpool(self.features(x)))
        return x.mean(dim=(2, 3, 4))


class S3D_Weights(WeightsEnum):
    KINETICS400_V1 = Weights(
        url="https://download.pytorch.org/models/s3d-d76dad2f.pth",
        transforms=functools.partial(VideoClassification, crop_size=(224, 224),
                                     resize_size=(256, 256)),
        meta={"num_classes": 400, "min_size": (224, 224), "num_params": 8320048})
    DEFAULT = KINETICS400_V1


@register_model(weights=S3D_Weights, legacy_default="KINETICS400_V1")
def s3d(*, weights: S3D_Weights | str | None = None, progress: bool = True,
        **kwargs: Any) -> S3D:
    """S3D for Kinetics-400."""
    return build_model(S3D_Weights, weights, progress, kwargs, S3D)
