"""EfficientNet B0-B7 and V2 S/M/L: torchvision's MBConv / FusedMBConv stages and init."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from ... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ..._tensor import Tensor
from ..transforms.functional import InterpolationMode
from ._api import WeightsEnum, build_model, imagenet_weights, register_model
from ._layers import Conv2dNormActivation, SqueezeExcitation, StochasticDepth, make_divisible

__all__ = ["EfficientNet", "MBConvConfig", "FusedMBConvConfig"]
for _n in ("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "v2_s", "v2_m", "v2_l"):
    __all__ += [f"EfficientNet_{_n.upper()}_Weights", f"efficientnet_{_n}"]


class _MBConvConfig:
    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int, block: Callable[..., nn.Module]) -> None:
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.block = block

    @staticmethod
    def adjust_channels(channels: int, width_mult: float, min_value: int | None = None) -> int:
        return make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """An MBConv stage; channels scaled by ``width_mult``, repeats by ``depth_mult``."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int, width_mult: float = 1.0,
                 depth_mult: float = 1.0, block: Callable[..., nn.Module] | None = None) -> None:
        input_channels = self.adjust_channels(input_channels, width_mult)
        out_channels = self.adjust_channels(out_channels, width_mult)
        num_layers = int(math.ceil(num_layers * depth_mult))
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels,
                         num_layers, block or MBConv)


class FusedMBConvConfig(_MBConvConfig):
    """A FusedMBConv stage (EfficientNetV2's early stages)."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int,
                 out_channels: int, num_layers: int,
                 block: Callable[..., nn.Module] | None = None) -> None:
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels,
                         num_layers, block or FusedMBConv)


class MBConv(nn.Module):
    """Expand 1x1, depthwise, squeeze-excite (SiLU), project 1x1; stochastic-depth shortcut."""

    def __init__(self, cnf: _MBConvConfig, stochastic_depth_prob: float,
                 norm_layer: Callable[..., nn.Module],
                 se_layer: Callable[..., nn.Module] = SqueezeExcitation) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.SiLU
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=act))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel,
                                           stride=cnf.stride, groups=expanded,
                                           norm_layer=norm_layer, activation_layer=act))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4),
                               activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input: Tensor) -> Tensor:
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class FusedMBConv(nn.Module):
    """Fused expand (full kxk conv) then project 1x1; stochastic-depth shortcut."""

    def __init__(self, cnf: _MBConvConfig, stochastic_depth_prob: float,
                 norm_layer: Callable[..., nn.Module]) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.SiLU
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers: list[nn.Module] = [
                Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel,
                                     stride=cnf.stride, norm_layer=norm_layer,
                                     activation_layer=act),
                Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                     norm_layer=norm_layer, activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels,
                                           kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=act)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input: Tensor) -> Tensor:
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class EfficientNet(nn.Module):
    """``torchvision.models.EfficientNet``: ``features``, ``avgpool``, ``classifier``."""

    def __init__(self, inverted_residual_setting: Sequence[_MBConvConfig], dropout: float,
                 stochastic_depth_prob: float = 0.2, num_classes: int = 1000,
                 norm_layer: Callable[..., nn.Module] | None = None,
                 last_channel: int | None = None) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, Sequence) and all(
                isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = norm_layer or nn.BatchNorm2d
        layers: list[nn.Module] = [Conv2dNormActivation(
            3, inverted_residual_setting[0].input_channels, kernel_size=3, stride=2,
            norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                bc = copy.copy(cnf)
                if stage:
                    bc.input_channels = bc.out_channels
                    bc.stride = 1
                sd_prob = stochastic_depth_prob * float(block_id) / total
                stage.append(bc.block(bc, sd_prob, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                r = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -r, r)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x: Tensor) -> Tensor:
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


def _efficientnet_conf(arch: str, **kwargs: Any):
    if arch.startswith("efficientnet_b"):
        b = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"),
                    depth_mult=kwargs.pop("depth_mult"))
        return [b(1, 3, 1, 32, 16, 1), b(6, 3, 2, 16, 24, 2), b(6, 5, 2, 24, 40, 2),
                b(6, 3, 2, 40, 80, 3), b(6, 5, 1, 80, 112, 3), b(6, 5, 2, 112, 192, 4),
                b(6, 3, 1, 192, 320, 1)], None
    f, m = FusedMBConvConfig, MBConvConfig
    if arch == "efficientnet_v2_s":
        return [f(1, 3, 1, 24, 24, 2), f(4, 3, 2, 24, 48, 4), f(4, 3, 2, 48, 64, 4),
                m(4, 3, 2, 64, 128, 6), m(6, 3, 1, 128, 160, 9), m(6, 3, 2, 160, 256, 15)], 1280
    if arch == "efficientnet_v2_m":
        return [f(1, 3, 1, 24, 24, 3), f(4, 3, 2, 24, 48, 5), f(4, 3, 2, 48, 80, 5),
                m(4, 3, 2, 80, 160, 7), m(6, 3, 1, 160, 176, 14), m(6, 3, 2, 176, 304, 18),
                m(6, 3, 1, 304, 512, 5)], 1280
    if arch == "efficientnet_v2_l":
        return [f(1, 3, 1, 32, 32, 4), f(4, 3, 2, 32, 64, 7), f(4, 3, 2, 64, 96, 7),
                m(4, 3, 2, 96, 192, 10), m(6, 3, 1, 192, 224, 19), m(6, 3, 2, 224, 384, 25),
                m(6, 3, 1, 384, 640, 7)], 1280
    raise ValueError(f"Unsupported model type {arch}")


_BIC, _BIL = InterpolationMode.BICUBIC, InterpolationMode.BILINEAR


def _w(file_name: str, crop: int, resize: int, num_params: int, interp=_BIC,
       min_size=(1, 1), **kw: Any):
    return imagenet_weights(file_name, crop_size=crop, resize_size=resize,
                            interpolation=interp, min_size=min_size, num_params=num_params, **kw)


class EfficientNet_B0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b0_rwightman-7f5810bc.pth", 224, 256, 5288548)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b1_rwightman-bac287d4.pth", 240, 256, 7794184)
    IMAGENET1K_V2 = _w("efficientnet_b1-c27df63c.pth", 240, 255, 7794184, _BIL)
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b2_rwightman-c35c1473.pth", 288, 288, 9109994)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b3_rwightman-b3899882.pth", 300, 320, 12233232)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b4_rwightman-23ab8bcd.pth", 380, 384, 19341616)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b5_lukemelas-1a07897c.pth", 456, 456, 30389784)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b6_lukemelas-24a108a5.pth", 528, 528, 43040704)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_b7_lukemelas-c5b4e57e.pth", 600, 600, 66347960)
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_v2_s-dd5fe13b.pth", 384, 384, 21458488, _BIL, (33, 33))
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_v2_m-dc08266a.pth", 480, 480, 54139356, _BIL, (33, 33))
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("efficientnet_v2_l-59c71312.pth", 480, 480, 118515272, _BIC, (33, 33),
                       mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
    DEFAULT = IMAGENET1K_V1


def _b(arch: str, enum, width: float, depth: float, dropout: float, weights, progress,
       kwargs: dict[str, Any], **defaults: Any) -> EfficientNet:
    setting, last = _efficientnet_conf(arch, width_mult=width, depth_mult=depth)
    dropout = kwargs.pop("dropout", dropout)
    for k, v in defaults.items():
        kwargs.setdefault(k, v)
    return build_model(enum, weights, progress, kwargs,
                       lambda **kw: EfficientNet(setting, dropout, last_channel=last, **kw))


def _v2(arch: str, enum, dropout: float, weights, progress,
        kwargs: dict[str, Any]) -> EfficientNet:
    setting, last = _efficientnet_conf(arch)
    dropout = kwargs.pop("dropout", dropout)
    kwargs["norm_layer"] = partial(nn.BatchNorm2d, eps=1e-03)
    return build_model(enum, weights, progress, kwargs,
                       lambda **kw: EfficientNet(setting, dropout, last_channel=last, **kw))


_SMALL_BN = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)


@register_model(weights=EfficientNet_B0_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b0(*, weights: EfficientNet_B0_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B0 (width 1.0, depth 1.0, dropout 0.2)."""
    return _b("efficientnet_b0", EfficientNet_B0_Weights, 1.0, 1.0, 0.2, weights, progress,
              kwargs)


@register_model(weights=EfficientNet_B1_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b1(*, weights: EfficientNet_B1_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B1 (width 1.0, depth 1.1, dropout 0.2)."""
    return _b("efficientnet_b1", EfficientNet_B1_Weights, 1.0, 1.1, 0.2, weights, progress,
              kwargs)


@register_model(weights=EfficientNet_B2_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b2(*, weights: EfficientNet_B2_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B2 (width 1.1, depth 1.2, dropout 0.3)."""
    return _b("efficientnet_b2", EfficientNet_B2_Weights, 1.1, 1.2, 0.3, weights, progress,
              kwargs)


@register_model(weights=EfficientNet_B3_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b3(*, weights: EfficientNet_B3_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B3 (width 1.2, depth 1.4, dropout 0.3)."""
    return _b("efficientnet_b3", EfficientNet_B3_Weights, 1.2, 1.4, 0.3, weights, progress,
              kwargs)


@register_model(weights=EfficientNet_B4_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b4(*, weights: EfficientNet_B4_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B4 (width 1.4, depth 1.8, dropout 0.4)."""
    return _b("efficientnet_b4", EfficientNet_B4_Weights, 1.4, 1.8, 0.4, weights, progress,
              kwargs)


@register_model(weights=EfficientNet_B5_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b5(*, weights: EfficientNet_B5_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B5 (width 1.6, depth 2.2, dropout 0.4, batch norm eps 1e-3)."""
    return _b("efficientnet_b5", EfficientNet_B5_Weights, 1.6, 2.2, 0.4, weights, progress,
              kwargs, norm_layer=_SMALL_BN)


@register_model(weights=EfficientNet_B6_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b6(*, weights: EfficientNet_B6_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B6 (width 1.8, depth 2.6, dropout 0.5, batch norm eps 1e-3)."""
    return _b("efficientnet_b6", EfficientNet_B6_Weights, 1.8, 2.6, 0.5, weights, progress,
              kwargs, norm_layer=_SMALL_BN)


@register_model(weights=EfficientNet_B7_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_b7(*, weights: EfficientNet_B7_Weights | str | None = None,
                    progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNet-B7 (width 2.0, depth 3.1, dropout 0.5, batch norm eps 1e-3)."""
    return _b("efficientnet_b7", EfficientNet_B7_Weights, 2.0, 3.1, 0.5, weights, progress,
              kwargs, norm_layer=_SMALL_BN)


@register_model(weights=EfficientNet_V2_S_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_v2_s(*, weights: EfficientNet_V2_S_Weights | str | None = None,
                      progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNetV2-S (dropout 0.2, batch norm eps 1e-3)."""
    return _v2("efficientnet_v2_s", EfficientNet_V2_S_Weights, 0.2, weights, progress, kwargs)


@register_model(weights=EfficientNet_V2_M_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_v2_m(*, weights: EfficientNet_V2_M_Weights | str | None = None,
                      progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNetV2-M (dropout 0.3, batch norm eps 1e-3)."""
    return _v2("efficientnet_v2_m", EfficientNet_V2_M_Weights, 0.3, weights, progress, kwargs)


@register_model(weights=EfficientNet_V2_L_Weights, legacy_default="IMAGENET1K_V1")
def efficientnet_v2_l(*, weights: EfficientNet_V2_L_Weights | str | None = None,
                      progress: bool = True, **kwargs: Any) -> EfficientNet:
    """EfficientNetV2-L (dropout 0.4, batch norm eps 1e-3)."""
    return _v2("efficientnet_v2_l", EfficientNet_V2_L_Weights, 0.4, weights, progress, kwargs)
