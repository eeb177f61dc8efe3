"""Video ResNets R3D-18, MC3-18 and R(2+1)D-18 (``torchvision.models.video``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from .... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ...._tensor import Tensor
from ...transforms import functional as TF
from ...transforms.functional import InterpolationMode
from .._api import Weights, WeightsEnum, build_model, register_model

__all__ = ["VideoResNet", "R3D_18_Weights", "MC3_18_Weights", "R2Plus1D_18_Weights", "r3d_18",
           "mc3_18", "r2plus1d_18"]


class Conv3DSimple(nn.Conv3d):
    def __init__(self, in_planes: int, out_planes: int, midplanes: int | None = None,
                 stride: int = 1, padding: int = 1) -> None:
        super().__init__(in_planes, out_planes, kernel_size=(3, 3, 3), stride=stride,
                         padding=padding, bias=False)

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple[int, int, int]:
        return stride, stride, stride


class Conv2Plus1D(nn.Sequential):
    def __init__(self, in_planes: int, out_planes: int, midplanes: int, stride: int = 1,
                 padding: int = 1) -> None:
        super().__init__(
            nn.Conv3d(in_planes, midplanes, kernel_size=(1, 3, 3), stride=(1, stride, stride),
                      padding=(0, padding, padding), bias=False),
            nn.BatchNorm3d(midplanes), nn.ReLU(inplace=True),
            nn.Conv3d(midplanes, out_planes, kernel_size=(3, 1, 1), stride=(stride, 1, 1),
                      padding=(padding, 0, 0), bias=False))

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple[int, int, int]:
        return stride, stride, stride


class Conv3DNoTemporal(nn.Conv3d):
    def __init__(self, in_planes: int, out_planes: int, midplanes: int | None = None,
                 stride: int = 1, padding: int = 1) -> None:
        super().__init__(in_planes, out_planes, kernel_size=(1, 3, 3),
                         stride=(1, stride, stride), padding=(0, padding, padding), bias=False)

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple[int, int, int]:
        return 1, stride, stride


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, conv_builder: Callable[..., nn.Module],
                 stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        mid = (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)
        self.conv1 = nn.Sequential(conv_builder(inplanes, planes, mid, stride),
                                   nn.BatchNorm3d(planes), nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(conv_builder(planes, planes, mid), nn.BatchNorm3d(planes))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv2(self.conv1(x))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(out + residual)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, conv_builder: Callable[..., nn.Module],
                 stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        mid = (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)
        self.conv1 = nn.Sequential(nn.Conv3d(inplanes, planes, kernel_size=1, bias=False),
                                   nn.BatchNorm3d(planes), nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(conv_builder(planes, planes, mid, stride),
                                   nn.BatchNorm3d(planes), nn.ReLU(inplace=True))
        self.conv3 = nn.Sequential(
            nn.Conv3d(planes, planes * self.expansion, kernel_size=1, bias=False),
            nn.BatchNorm3d(planes * self.expansion))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv3(self.conv2(self.conv1(x)))
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(out + residual)


class BasicStem(nn.Sequential):
    def __init__(self) -> None:
        super().__init__(nn.Conv3d(3, 64, kernel_size=(3, 7, 7), stride=(1, 2, 2),
                                   padding=(1, 3, 3), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class R2Plus1dStem(nn.Sequential):
    def __init__(self) -> None:
        super().__init__(
            nn.Conv3d(3, 45, kernel_size=(1, 7, 7), stride=(1, 2, 2), padding=(0, 3, 3),
                      bias=False),
            nn.BatchNorm3d(45), nn.ReLU(inplace=True),
            nn.Conv3d(45, 64, kernel_size=(3, 1, 1), stride=(1, 1, 1), padding=(1, 0, 0),
                      bias=False),
            nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class VideoResNet(nn.Module):
    """``torchvision.models.video.VideoResNet``: ``stem``, ``layer1-4``, ``avgpool``, ``fc``."""

    def __init__(self, block: type[BasicBlock | Bottleneck],
                 conv_makers: Sequence[type], layers: list[int],
                 stem: Callable[..., nn.Module], num_classes: int = 400,
                 zero_init_residual: bool = False) -> None:
        super().__init__()
        self.inplanes = 64
        self.stem = stem()
        self.layer1 = self._make_layer(block, conv_makers[0], 64, layers[0], stride=1)
        self.layer2 = self._make_layer(block, conv_makers[1], 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, conv_makers[2], 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, conv_makers[3], 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool3d((1, 1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.constant_(m.bn3.weight, 0)  # as torchvision (no such attribute)
                elif isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, conv_builder, planes: int, blocks: int,
                    stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            ds = conv_builder.get_downsample_stride(stride)
            downsample = nn.Sequential(
                nn.Conv3d(self.inplanes, planes * block.expansion, kernel_size=1, stride=ds,
                          bias=False),
                nn.BatchNorm3d(planes * block.expansion))
        layers = [block(self.inplanes, planes, conv_builder, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, conv_builder) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(flatten(self.avgpool(x), 1))


class VideoClassification(nn.Module):
    """``torchvision.transforms._presets.VideoClassification`` for ``(..., T, C, H, W)``."""

    def __init__(self, *, crop_size: tuple[int, int], resize_size,
                 mean: tuple[float, ...] = (0.43216, 0.394666, 0.37645),
                 std: tuple[float, ...] = (0.22803, 0.22145, 0.216989),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR) -> None:
        super().__init__()
        self.crop_size = list(crop_size)
        self.resize_size = list(resize_size)
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation

    def forward(self, vid: Tensor) -> Tensor:
        from ...._dtype import float32

        squeeze = vid.ndim < 5
        if squeeze:
            vid = vid.unsqueeze(0)
        n, t, c, h, w = vid.shape
        vid = vid.reshape(-1, c, h, w)
        vid = TF.resize(vid, self.resize_size, interpolation=self.interpolation,
                        antialias=False)
        vid = TF.center_crop(vid, self.crop_size)
        vid = TF.normalize(TF.convert_image_dtype(vid, float32), mean=self.mean, std=self.std)
        vid = vid.reshape(n, t, c, *self.crop_size).permute(0, 2, 1, 3, 4)
        return vid.squeeze(0) if squeeze else vid

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(\n    crop_size={self.crop_size}\n"
                f"    resize_size={self.resize_size}\n    mean={self.mean}\n"
                f"    std={self.std}\n    interpolation={self.interpolation}\n)")


def _kinetics(file_name: str, num_params: int) -> Weights:
    return Weights(url=f"https://download.pytorch.org/models/{file_name}",
                   transforms=functools.partial(VideoClassification, crop_size=(112, 112),
                                                resize_size=(128, 171)),
                   meta={"num_classes": 400, "min_size": (1, 1), "num_params": num_params})


class R3D_18_Weights(WeightsEnum):
    KINETICS400_V1 = _kinetics("r3d_18-b3b3357e.pth", 33371472)
    DEFAULT = KINETICS400_V1


class MC3_18_Weights(WeightsEnum):
    KINETICS400_V1 = _kinetics("mc3_18-a90a0ba3.pth", 11695440)
    DEFAULT = KINETICS400_V1


class R2Plus1D_18_Weights(WeightsEnum):
    KINETICS400_V1 = _kinetics("r2plus1d_18-91a641e6.pth", 31505325)
    DEFAULT = KINETICS400_V1


def _video_resnet(enum, makers, stem, weights, progress, kwargs) -> VideoResNet:
    return build_model(enum, weights, progress, kwargs,
                       lambda **kw: VideoResNet(BasicBlock, makers, [2, 2, 2, 2], stem, **kw))


@register_model(weights=R3D_18_Weights, legacy_default="KINETICS400_V1")
def r3d_18(*, weights: R3D_18_Weights | str | None = None, progress: bool = True,
           **kwargs: Any) -> VideoResNet:
    """R3D-18: full 3x3x3 convolutions."""
    return _video_resnet(R3D_18_Weights, [Conv3DSimple] * 4, BasicStem, weights, progress,
                         kwargs)


@register_model(weights=MC3_18_Weights, legacy_default="KINETICS400_V1")
def mc3_18(*, weights: MC3_18_Weights | str | None = None, progress: bool = True,
           **kwargs: Any) -> VideoResNet:
    """MC3-18: 3D convolutions in the first stage, 2D (1x3x3) after."""
    return _video_resnet(MC3_18_Weights, [Conv3DSimple] + [Conv3DNoTemporal] * 3, BasicStem,
                         weights, progress, kwargs)


@register_model(weights=R2Plus1D_18_Weights, legacy_default="KINETICS400_V1")
def r2plus1d_18(*, weights: R2Plus1D_18_Weights | str | None = None, progress: bool = True,
                **kwargs: Any) -> VideoResNet:
    """R(2+1)D-18: each 3D convolution split into spatial (1x3x3) and temporal (3x1x1)."""
    return _video_resnet(R2Plus1D_18_Weights, [Conv2Plus1D] * 4, R2Plus1dStem, weights,
                         progress, kwargs)
