"""RegNetX / RegNetY: torchvision's block-parameter generation, stages, names and init."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

from ... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ..._tensor import Tensor
from ..transforms.functional import InterpolationMode
from ._api import WeightsEnum, build_model, imagenet_weights, register_model
from ._layers import Conv2dNormActivation, SqueezeExcitation, make_divisible

_SIZES = ("y_400mf", "y_800mf", "y_1_6gf", "y_3_2gf", "y_8gf", "y_16gf", "y_32gf", "y_128gf",
          "x_400mf", "x_800mf", "x_1_6gf", "x_3_2gf", "x_8gf", "x_16gf", "x_32gf")
__all__ = ["RegNet", "BlockParams"]
for _s in _SIZES:
    __all__ += [f"RegNet_{_s.upper()}_Weights", f"regnet_{_s}"]


class SimpleStemIN(Conv2dNormActivation):
    """The stem: a stride-2 3x3 conv, norm and activation."""

    def __init__(self, width_in: int, width_out: int, norm_layer: Callable[..., nn.Module],
                 activation_layer: Callable[..., nn.Module]) -> None:
        super().__init__(width_in, width_out, kernel_size=3, stride=2, norm_layer=norm_layer,
                         activation_layer=activation_layer)


class BottleneckTransform(nn.Sequential):
    """1x1 (``a``), grouped 3x3 (``b``), optional squeeze-excitation (``se``), 1x1 (``c``)."""

    def __init__(self, width_in: int, width_out: int, stride: int,
                 norm_layer: Callable[..., nn.Module], activation_layer: Callable[..., nn.Module],
                 group_width: int, bottleneck_multiplier: float,
                 se_ratio: float | None) -> None:
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        w_b = int(round(width_out * bottleneck_multiplier))
        g = w_b // group_width
        layers["a"] = Conv2dNormActivation(width_in, w_b, kernel_size=1, stride=1,
                                           norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        layers["b"] = Conv2dNormActivation(w_b, w_b, kernel_size=3, stride=stride, groups=g,
                                           norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        if se_ratio:
            layers["se"] = SqueezeExcitation(w_b, int(round(se_ratio * width_in)),
                                             activation=activation_layer)
        layers["c"] = Conv2dNormActivation(w_b, width_out, kernel_size=1, stride=1,
                                           norm_layer=norm_layer, activation_layer=None)
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    """A bottleneck transform with a (projected when shapes differ) shortcut."""

    def __init__(self, width_in: int, width_out: int, stride: int,
                 norm_layer: Callable[..., nn.Module], activation_layer: Callable[..., nn.Module],
                 group_width: int = 1, bottleneck_multiplier: float = 1.0,
                 se_ratio: float | None = None) -> None:
        super().__init__()
        self.proj = None
        if width_in != width_out or stride != 1:
            self.proj = Conv2dNormActivation(width_in, width_out, kernel_size=1, stride=stride,
                                             norm_layer=norm_layer, activation_layer=None)
        self.f = BottleneckTransform(width_in, width_out, stride, norm_layer, activation_layer,
                                     group_width, bottleneck_multiplier, se_ratio)
        self.activation = activation_layer(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        shortcut = x if self.proj is None else self.proj(x)
        return self.activation(shortcut + self.f(x))


class AnyStage(nn.Sequential):
    """``depth`` blocks named ``block{stage}-{i}``; the first one strides."""

    def __init__(self, width_in: int, width_out: int, stride: int, depth: int,
                 block_constructor: Callable[..., nn.Module],
                 norm_layer: Callable[..., nn.Module], activation_layer: Callable[..., nn.Module],
                 group_width: int, bottleneck_multiplier: float,
                 se_ratio: float | None = None, stage_index: int = 0) -> None:
        super().__init__()
        for i in range(depth):
            self.add_module(f"block{stage_index}-{i}", block_constructor(
                width_in if i == 0 else width_out, width_out, stride if i == 0 else 1,
                norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio))


class BlockParams:
    """Per-stage depths, widths, group widths, bottleneck multipliers and strides."""

    def __init__(self, depths: list[int], widths: list[int], group_widths: list[int],
                 bottleneck_multipliers: list[float], strides: list[int],
                 se_ratio: float | None = None) -> None:
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(cls, depth: int, w_0: int, w_a: float, w_m: float, group_width: int,
                         bottleneck_multiplier: float = 1.0, se_ratio: float | None = None,
                         **kwargs: Any) -> BlockParams:
        """The quantised linear width rule of "Designing Network Design Spaces", computed in
        float32 tensors as torchvision does (so rounding ties agree)."""
        import numtorch

        quant, stride = 8, 2
        if w_a < 0 or w_0 <= 0 or w_m <= 1 or w_0 % 8 != 0:
            raise ValueError("Invalid RegNet settings")
        cont = numtorch.arange(depth) * w_a + w_0
        capacity = numtorch.round(numtorch.log(cont / w_0) / math.log(w_m))
        widths = (numtorch.round(numtorch.divide(w_0 * numtorch.pow(w_m, capacity), quant))
                  * quant).int().tolist()
        num_stages = len(set(widths))
        splits = [w != wp or r != rp for w, wp, r, rp in
                  zip(widths + [0], [0] + widths, widths + [0], [0] + widths)]
        stage_widths = [w for w, t in zip(widths, splits[:-1]) if t]
        ends = [d for d, t in enumerate(splits) if t]
        stage_depths = [b - a for a, b in zip(ends, ends[1:])]
        bms = [bottleneck_multiplier] * num_stages
        stage_widths, gws = cls._adjust_widths_groups_compatibilty(
            stage_widths, bms, [group_width] * num_stages)
        return cls(depths=stage_depths, widths=stage_widths, group_widths=gws,
                   bottleneck_multipliers=bms, strides=[stride] * num_stages,
                   se_ratio=se_ratio)

    def _get_expanded_params(self):
        return zip(self.widths, self.strides, self.depths, self.group_widths,
                   self.bottleneck_multipliers)

    @staticmethod
    def _adjust_widths_groups_compatibilty(stage_widths: list[int], bottleneck_ratios:
                                           list[float], group_widths: list[int]):
        widths = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios)]
        g_min = [min(g, w) for g, w in zip(group_widths, widths)]
        ws_bot = [make_divisible(w, g) for w, g in zip(widths, g_min)]
        return [int(w / b) for w, b in zip(ws_bot, bottleneck_ratios)], g_min


class RegNet(nn.Module):
    """``torchvision.models.RegNet``: ``stem``, ``trunk_output``, ``avgpool``, ``fc``."""

    def __init__(self, block_params: BlockParams, num_classes: int = 1000,
                 stem_width: int = 32, stem_type: Callable[..., nn.Module] | None = None,
                 block_type: Callable[..., nn.Module] | None = None,
                 norm_layer: Callable[..., nn.Module] | None = None,
                 activation: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        stem_type = stem_type or SimpleStemIN
        norm_layer = norm_layer or nn.BatchNorm2d
        block_type = block_type or ResBottleneckBlock
        activation = activation or nn.ReLU
        self.stem = stem_type(3, stem_width, norm_layer, activation)
        width = stem_width
        blocks = []
        for i, (w_out, stride, depth, gw, bm) in enumerate(block_params._get_expanded_params()):
            blocks.append((f"block{i + 1}", AnyStage(
                width, w_out, stride, depth, block_type, norm_layer, activation, gw, bm,
                block_params.se_ratio, stage_index=i + 1)))
            width = w_out
        self.trunk_output = nn.Sequential(OrderedDict(blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=width, out_features=num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0.0, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(flatten(x, start_dim=1))


_BIC = InterpolationMode.BICUBIC
# name -> (depth, w_0, w_a, w_m, group_width, se_ratio, num_params, file tags)
_TABLE: dict[str, tuple] = {
    "y_400mf": (16, 48, 27.89, 2.09, 8, 0.25, 4344144, ("c65dace8", "e6988f5f")),
    "y_800mf": (14, 56, 38.84, 2.4, 16, 0.25, 6432512, ("1b27b58c", "58fc7688")),
    "y_1_6gf": (27, 48, 20.71, 2.65, 24, 0.25, 11202430, ("b11a554e", "0d7bc02a")),
    "y_3_2gf": (21, 80, 42.63, 2.66, 24, 0.25, 19436338, ("b5a9779c", "9180c971")),
    "y_8gf": (17, 192, 76.82, 2.19, 56, 0.25, 39381472, ("d0d0e4a8", "dc2b1b54")),
    "y_16gf": (18, 200, 106.23, 2.48, 112, 0.25, 83590140, ("9e6ed7dd", "3e4a00f9"),
               ("43afe44d", "f3ec0043")),
    "y_32gf": (20, 232, 115.89, 2.53, 232, 0.25, 145046770, ("4dee3f7a", "8db6d4b5"),
               ("04fdfa75", "e1583746")),
    "y_128gf": (27, 456, 160.83, 2.52, 264, 0.25, 644812894, (), ("c8ce3e52", "cbe8ce12")),
    "x_400mf": (22, 24, 24.48, 2.54, 16, None, 5495976, ("adf1edd5", "62229a5f")),
    "x_800mf": (16, 56, 35.73, 2.28, 16, None, 7259656, ("ad17e45c", "94a99ebd")),
    "x_1_6gf": (18, 80, 34.01, 2.25, 24, None, 9190136, ("e3633e7f", "a12f2b72")),
    "x_3_2gf": (25, 88, 26.31, 2.25, 48, None, 15296552, ("f342aeae", "7071aa85")),
    "x_8gf": (23, 80, 49.56, 2.88, 120, None, 39572648, ("03ceed89", "2b70d774")),
    "x_16gf": (22, 216, 55.59, 2.1, 128, None, 54278536, ("2007eb11", "ba3796d7")),
    "x_32gf": (23, 320, 69.86, 2.0, 168, None, 107811560, ("9d47f8d0", "6eb8fdc6")),
}


def _members(size: str) -> dict[str, Any]:
    row = _TABLE[size]
    n, tags = row[6], row[7]
    out: dict[str, Any] = {}
    if tags:
        out["IMAGENET1K_V1"] = imagenet_weights(f"regnet_{size}-{tags[0]}.pth",
                                                min_size=(1, 1), num_params=n)
        out["IMAGENET1K_V2"] = imagenet_weights(f"regnet_{size}-{tags[1]}.pth",
                                                resize_size=232, min_size=(1, 1), num_params=n)
    if len(row) > 8:
        swag = row[8]
        out["IMAGENET1K_SWAG_E2E_V1"] = imagenet_weights(
            f"regnet_{size}_swag-{swag[0]}.pth", crop_size=384, resize_size=384,
            interpolation=_BIC, min_size=(1, 1), num_params=n)
        out["IMAGENET1K_SWAG_LINEAR_V1"] = imagenet_weights(
            f"regnet_{size}_lc_swag-{swag[1]}.pth", crop_size=224, resize_size=224,
            interpolation=_BIC, min_size=(1, 1), num_params=n)
    out["DEFAULT"] = out["IMAGENET1K_V2" if tags else "IMAGENET1K_SWAG_E2E_V1"]
    return out


def _enum(size: str) -> type[WeightsEnum]:
    name = f"RegNet_{size.upper()}_Weights"
    enum = WeightsEnum(name, _members(size), module=__name__, qualname=name)
    return enum


def _builder(size: str, enum: type[WeightsEnum]):
    depth, w_0, w_a, w_m, gw, se = _TABLE[size][:6]

    def builder(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> RegNet:
        params = BlockParams.from_init_params(depth=depth, w_0=w_0, w_a=w_a, w_m=w_m,
                                              group_width=gw, se_ratio=se, **kwargs)
        kwargs.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
        return build_model(enum, weights, progress, kwargs,
                           lambda **kw: RegNet(params, **kw))

    builder.__name__ = builder.__qualname__ = f"regnet_{size}"
    builder.__module__ = __name__
    kind = "RegNetY" if size[0] == "y" else "RegNetX"
    builder.__doc__ = f"{kind}_{size[2:].upper()} (``torchvision.models.regnet_{size}``)."
    return builder


for _s in _SIZES:
    _e = _enum(_s)
    globals()[_e.__name__] = _e
    globals()[f"regnet_{_s}"] = register_model(
        name=f"regnet_{_s}", weights=_e,
        legacy_default="IMAGENET1K_V1" if _TABLE[_s][7] else None)(_builder(_s, _e))
