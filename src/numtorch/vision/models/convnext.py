"""ConvNeXt tiny/small/base/large: torchvision's blocks, names and initialisation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from ... import nn
from ..._tensor import Tensor
from ...nn import functional as F
from ._api import WeightsEnum, build_model, imagenet_weights, register_model
from ._layers import Conv2dNormActivation, Permute, StochasticDepth

__all__ = ["ConvNeXt", "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights",
           "ConvNeXt_Base_Weights", "ConvNeXt_Large_Weights", "convnext_tiny", "convnext_small",
           "convnext_base", "convnext_large"]


class LayerNorm2d(nn.LayerNorm):
    """Layer norm over the channels of an NCHW tensor."""

    def forward(self, x: Tensor) -> Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """Depthwise 7x7, channels-last layer norm, MLP (x4, GELU), layer scale, stochastic depth."""

    def __init__(self, dim: int, layer_scale: float, stochastic_depth_prob: float,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        import numtorch

        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]), norm_layer(dim), nn.Linear(dim, 4 * dim, bias=True),
            nn.GELU(), nn.Linear(4 * dim, dim, bias=True), Permute([0, 3, 1, 2]))
        self.layer_scale = nn.Parameter(numtorch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input: Tensor) -> Tensor:
        return self.stochastic_depth(self.layer_scale * self.block(input)) + input


class CNBlockConfig:
    """A stage: its width, the next stage's width (None for the last) and its depth."""

    def __init__(self, input_channels: int, out_channels: int | None,
                 num_layers: int) -> None:
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(input_channels={self.input_channels}, "
                f"out_channels={self.out_channels}, num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    """``torchvision.models.ConvNeXt``: ``features``, ``avgpool``, ``classifier``."""

    def __init__(self, block_setting: list[CNBlockConfig], stochastic_depth_prob: float = 0.0,
                 layer_scale: float = 1e-6, num_classes: int = 1000,
                 block: Callable[..., nn.Module] | None = None,
                 norm_layer: Callable[..., nn.Module] | None = None, **kwargs: Any) -> None:
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if not (isinstance(block_setting, Sequence)
                and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = block or CNBlock
        norm_layer = norm_layer or partial(LayerNorm2d, eps=1e-6)
        layers: list[nn.Module] = [Conv2dNormActivation(
            3, block_setting[0].input_channels, kernel_size=4, stride=4, padding=0,
            norm_layer=norm_layer, activation_layer=None, bias=True)]
        total = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * block_id / (total - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(
                    norm_layer(cnf.input_channels),
                    nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        c = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(c), nn.Flatten(1), nn.Linear(c, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _forward_impl(self, x: Tensor) -> Tensor:
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


def _w(file_name: str, resize: int, num_params: int) -> Any:
    return imagenet_weights(file_name, resize_size=resize, min_size=(32, 32),
                            num_params=num_params)


class ConvNeXt_Tiny_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("convnext_tiny-983f1562.pth", 236, 28589128)
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("convnext_small-0c510722.pth", 230, 50223688)
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Base_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("convnext_base-6075fbad.pth", 232, 88591464)
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("convnext_large-ea097f82.pth", 232, 197767336)
    DEFAULT = IMAGENET1K_V1


def _convnext(widths: tuple[int, int, int, int], depth3: int, sd_prob: float,
              enum: type[WeightsEnum], weights: Any, progress: bool,
              kwargs: dict[str, Any]) -> ConvNeXt:
    a, b, c, d = widths
    setting = [CNBlockConfig(a, b, 3), CNBlockConfig(b, c, 3), CNBlockConfig(c, d, depth3),
               CNBlockConfig(d, None, 3)]
    sd_prob = kwargs.pop("stochastic_depth_prob", sd_prob)
    return build_model(enum, weights, progress, kwargs,
                       lambda **kw: ConvNeXt(setting, stochastic_depth_prob=sd_prob, **kw))


@register_model(weights=ConvNeXt_Tiny_Weights, legacy_default="IMAGENET1K_V1")
def convnext_tiny(*, weights: ConvNeXt_Tiny_Weights | str | None = None, progress: bool = True,
                  **kwargs: Any) -> ConvNeXt:
    """ConvNeXt-T (widths 96-768, depths 3/3/9/3, stochastic depth 0.1)."""
    return _convnext((96, 192, 384, 768), 9, 0.1, ConvNeXt_Tiny_Weights, weights, progress,
                     kwargs)


@register_model(weights=ConvNeXt_Small_Weights, legacy_default="IMAGENET1K_V1")
def convnext_small(*, weights: ConvNeXt_Small_Weights | str | None = None,
                   progress: bool = True, **kwargs: Any) -> ConvNeXt:
    """ConvNeXt-S (widths 96-768, depths 3/3/27/3, stochastic depth 0.4)."""
    return _convnext((96, 192, 384, 768), 27, 0.4, ConvNeXt_Small_Weights, weights, progress,
                     kwargs)


@register_model(weights=ConvNeXt_Base_Weights, legacy_default="IMAGENET1K_V1")
def convnext_base(*, weights: ConvNeXt_Base_Weights | str | None = None, progress: bool = True,
                  **kwargs: Any) -> ConvNeXt:
    """ConvNeXt-B (widths 128-1024, depths 3/3/27/3, stochastic depth 0.5)."""
    return _convnext((128, 256, 512, 1024), 27, 0.5, ConvNeXt_Base_Weights, weights, progress,
                     kwargs)


@register_model(weights=ConvNeXt_Large_Weights, legacy_default="IMAGENET1K_V1")
def convnext_large(*, weights: ConvNeXt_Large_Weights | str | None = None,
                   progress: bool = True, **kwargs: Any) -> ConvNeXt:
    """ConvNeXt-L (widths 192-1536, depths 3/3/27/3, stochastic depth 0.5)."""
    return _convnext((192, 384, 768, 1536), 27, 0.5, ConvNeXt_Large_Weights, weights, progress,
                     kwargs)
