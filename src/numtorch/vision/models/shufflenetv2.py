"""ShuffleNetV2 x0.5/x1.0/x1.5/x2.0: torchvision's blocks and module names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import nn
from ..._ops.join import cat
from ..._tensor import Tensor
from ._api import WeightsEnum, build_model, imagenet_weights, register_model

__all__ = ["ShuffleNetV2", "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights",
           "ShuffleNet_V2_X1_5_Weights", "ShuffleNet_V2_X2_0_Weights", "shufflenet_v2_x0_5",
           "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``groups`` equal groups."""
    b, c, h, w = x.shape
    x = x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(b, -1, h, w)


def _depthwise(i: int, o: int, kernel_size: int, stride: int = 1, padding: int = 0,
               bias: bool = False) -> nn.Conv2d:
    return nn.Conv2d(i, o, kernel_size, stride, padding, bias=bias, groups=i)


class InvertedResidual(nn.Module):
    """Split (stride 1) or duplicate (stride 2) the input, transform one half, shuffle."""

    def __init__(self, inp: int, oup: int, stride: int) -> None:
        super().__init__()
        if not (1 <= stride <= 3):
            raise ValueError("illegal stride value")
        self.stride = stride
        bf = oup // 2
        if stride == 1 and inp != bf << 1:
            raise ValueError(f"Invalid combination of stride {stride}, inp {inp} and oup {oup} "
                             "values. If stride == 1 then inp should be equal to oup // 2 << 1.")
        if stride > 1:
            self.branch1 = nn.Sequential(
                _depthwise(inp, inp, 3, stride, 1), nn.BatchNorm2d(inp),
                nn.Conv2d(inp, bf, 1, 1, 0, bias=False), nn.BatchNorm2d(bf),
                nn.ReLU(inplace=True))
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else bf, bf, 1, 1, 0, bias=False), nn.BatchNorm2d(bf),
            nn.ReLU(inplace=True), _depthwise(bf, bf, 3, stride, 1), nn.BatchNorm2d(bf),
            nn.Conv2d(bf, bf, 1, 1, 0, bias=False), nn.BatchNorm2d(bf), nn.ReLU(inplace=True))

    def forward(self, x: Tensor) -> Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = cat((x1, self.branch2(x2)), 1)
        else:
            out = cat((self.branch1(x), self.branch2(x)), 1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """``torchvision.models.ShuffleNetV2`` (default PyTorch initialisation)."""

    def __init__(self, stages_repeats: list[int], stages_out_channels: list[int],
                 num_classes: int = 1000,
                 inverted_residual: Callable[..., nn.Module] = InvertedResidual) -> None:
        super().__init__()
        if len(stages_repeats) != 3:
            raise ValueError("expected stages_repeats as list of 3 positive ints")
        if len(stages_out_channels) != 5:
            raise ValueError("expected stages_out_channels as list of 5 positive ints")
        self._stage_out_channels = stages_out_channels
        c_in, c_out = 3, stages_out_channels[0]
        self.conv1 = nn.Sequential(nn.Conv2d(c_in, c_out, 3, 2, 1, bias=False),
                                   nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))
        c_in = c_out
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for name, repeats, c_out in zip(("stage2", "stage3", "stage4"), stages_repeats,
                                        stages_out_channels[1:]):
            seq = [inverted_residual(c_in, c_out, 2)]
            seq += [inverted_residual(c_out, c_out, 1) for _ in range(repeats - 1)]
            setattr(self, name, nn.Sequential(*seq))
            c_in = c_out
        c_out = stages_out_channels[-1]
        self.conv5 = nn.Sequential(nn.Conv2d(c_in, c_out, 1, 1, 0, bias=False),
                                   nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))
        self.fc = nn.Linear(c_out, num_classes)

    def _forward_impl(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.conv1(x))
        x = self.conv5(self.stage4(self.stage3(self.stage2(x))))
        return self.fc(x.mean([2, 3]))

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


class ShuffleNet_V2_X0_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("shufflenetv2_x0.5-f707e7126e.pth", min_size=(1, 1),
                                     num_params=1366792)
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("shufflenetv2_x1-5666bf0f80.pth", min_size=(1, 1),
                                     num_params=2278604)
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("shufflenetv2_x1_5-3c479a10.pth", resize_size=232,
                                     min_size=(1, 1), num_params=3503624)
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X2_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("shufflenetv2_x2_0-8be3c8ee.pth", resize_size=232,
                                     min_size=(1, 1), num_params=7393996)
    DEFAULT = IMAGENET1K_V1


def _make(enum: type[WeightsEnum], repeats: list[int], channels: list[int]):
    def builder(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
        return build_model(enum, weights, progress, kwargs,
                           lambda **kw: ShuffleNetV2(repeats, channels, **kw))
    return builder


_R = [4, 8, 4]


@register_model(weights=ShuffleNet_V2_X0_5_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x0_5(*, weights: ShuffleNet_V2_X0_5_Weights | str | None = None,
                       progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    """ShuffleNetV2 with 0.5x output channels."""
    return _make(ShuffleNet_V2_X0_5_Weights, _R, [24, 48, 96, 192, 1024])(
        weights=weights, progress=progress, **kwargs)


@register_model(weights=ShuffleNet_V2_X1_0_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x1_0(*, weights: ShuffleNet_V2_X1_0_Weights | str | None = None,
                       progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    """ShuffleNetV2 with 1.0x output channels."""
    return _make(ShuffleNet_V2_X1_0_Weights, _R, [24, 116, 232, 464, 1024])(
        weights=weights, progress=progress, **kwargs)


@register_model(weights=ShuffleNet_V2_X1_5_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x1_5(*, weights: ShuffleNet_V2_X1_5_Weights | str | None = None,
                       progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    """ShuffleNetV2 with 1.5x output channels."""
    return _make(ShuffleNet_V2_X1_5_Weights, _R, [24, 176, 352, 704, 1024])(
        weights=weights, progress=progress, **kwargs)


@register_model(weights=ShuffleNet_V2_X2_0_Weights, legacy_default="IMAGENET1K_V1")
def shufflenet_v2_x2_0(*, weights: ShuffleNet_V2_X2_0_Weights | str | None = None,
                       progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    """ShuffleNetV2 with 2.0x output channels."""
    return _make(ShuffleNet_V2_X2_0_Weights, _R, [24, 244, 488, 976, 2048])(
        weights=weights, progress=progress, **kwargs)
