"""DenseNet-121/161/169/201: torchvision's dense blocks, names and initialisation."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from ... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ..._ops.join import cat
from ..._tensor import Tensor
from ...nn import functional as F
from ._api import WeightsEnum, _ovewrite_named_param, imagenet_weights, register_model

__all__ = ["DenseNet", "DenseNet121_Weights", "DenseNet161_Weights", "DenseNet169_Weights",
           "DenseNet201_Weights", "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    def __init__(self, num_input_features: int, growth_rate: int, bn_size: int,
                 drop_rate: float, memory_efficient: bool = False) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1,
                               stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1,
                               padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def forward(self, input: Tensor | list[Tensor]) -> Tensor:
        prev = [input] if isinstance(input, Tensor) else input
        out = self.conv1(self.relu1(self.norm1(cat(prev, 1))))
        out = self.conv2(self.relu2(self.norm2(out)))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        return out


class _DenseBlock(nn.ModuleDict):
    _version = 2

    def __init__(self, num_layers: int, num_input_features: int, bn_size: int,
                 growth_rate: int, drop_rate: float, memory_efficient: bool = False) -> None:
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}",
                            _DenseLayer(num_input_features + i * growth_rate, growth_rate,
                                        bn_size, drop_rate, memory_efficient))

    def forward(self, init_features: Tensor) -> Tensor:
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features: int, num_output_features: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1,
                              bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """``torchvision.models.DenseNet`` (``memory_efficient`` is accepted; it changes nothing
    here, there being no activation checkpointing)."""

    def __init__(self, growth_rate: int = 32, block_config: tuple[int, ...] = (6, 12, 24, 16),
                 num_init_features: int = 64, bn_size: int = 4, drop_rate: float = 0,
                 num_classes: int = 1000, memory_efficient: bool = False) -> None:
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3,
                                bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))]))
        n = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(
                num_layers, n, bn_size, growth_rate, drop_rate, memory_efficient))
            n += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(n, n // 2))
                n //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(n))
        self.classifier = nn.Linear(n, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.features(x), inplace=True)
        out = flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


# the published files name the dense layers' children "norm.1", "conv.2", ...
_OLD_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def _densenet(growth_rate: int, block_config: tuple[int, ...], num_init_features: int,
              enum: type[WeightsEnum], weights: Any, progress: bool,
              **kwargs: Any) -> DenseNet:
    weights = enum.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
        state_dict = weights.get_state_dict(progress=progress, check_hash=True,
                                            weights_only=True)
    model = DenseNet(growth_rate, block_config, num_init_features, **kwargs)
    if weights is not None:
        fixed = {}
        for key, value in state_dict.items():
            m = _OLD_KEY.match(key)
            fixed[m.group(1) + m.group(2) if m else key] = value
        model.load_state_dict(fixed)
    return model


def _w(file_name: str, num_params: int) -> Any:
    return imagenet_weights(file_name, min_size=(29, 29), num_params=num_params)


class DenseNet121_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("densenet121-a639ec97.pth", 7978856)
    DEFAULT = IMAGENET1K_V1


class DenseNet161_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("densenet161-8d451a50.pth", 28681000)
    DEFAULT = IMAGENET1K_V1


class DenseNet169_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("densenet169-b2777c0a.pth", 14149480)
    DEFAULT = IMAGENET1K_V1


class DenseNet201_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("densenet201-c1103571.pth", 20013928)
    DEFAULT = IMAGENET1K_V1


@register_model(weights=DenseNet121_Weights, legacy_default="IMAGENET1K_V1")
def densenet121(*, weights: DenseNet121_Weights | str | None = None, progress: bool = True,
                **kwargs: Any) -> DenseNet:
    """DenseNet-121 (growth 32, blocks 6/12/24/16)."""
    return _densenet(32, (6, 12, 24, 16), 64, DenseNet121_Weights, weights, progress, **kwargs)


@register_model(weights=DenseNet161_Weights, legacy_default="IMAGENET1K_V1")
def densenet161(*, weights: DenseNet161_Weights | str | None = None, progress: bool = True,
                **kwargs: Any) -> DenseNet:
    """DenseNet-161 (growth 48, blocks 6/12/36/24)."""
    return _densenet(48, (6, 12, 36, 24), 96, DenseNet161_Weights, weights, progress, **kwargs)


@register_model(weights=DenseNet169_Weights, legacy_default="IMAGENET1K_V1")
def densenet169(*, weights: DenseNet169_Weights | str | None = None, progress: bool = True,
                **kwargs: Any) -> DenseNet:
    """DenseNet-169 (growth 32, blocks 6/12/32/32)."""
    return _densenet(32, (6, 12, 32, 32), 64, DenseNet169_Weights, weights, progress, **kwargs)


@register_model(weights=DenseNet201_Weights, legacy_default="IMAGENET1K_V1")
def densenet201(*, weights: DenseNet201_Weights | str | None = None, progress: bool = True,
                **kwargs: Any) -> DenseNet:
    """DenseNet-201 (growth 32, blocks 6/12/48/32)."""
    return _densenet(32, (6, 12, 48, 32), 64, DenseNet201_Weights, weights, progress, **kwargs)
