"""VGG 11/13/16/19 with and without batch norm: torchvision's layers, names and initialisation."""

from __future__ import annotations

from typing import Any

from ... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ..._tensor import Tensor
from ._api import (
    WeightsEnum,
    _fetch_weights,
    _load_weights,
    _ovewrite_named_param,
    imagenet_weights,
    register_model,
)

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights",
           "VGG16_Weights", "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights",
           "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]

# Channel counts of the 3x3 convolutions; "M" is a 2x2 max pool (configurations A, B, D, E).
_CFGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512,
          "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512,
          512, 512, 512, "M"],
}


class VGG(nn.Module):
    """``torchvision.models.VGG``: ``features``, ``avgpool`` (7x7) and ``classifier``.

    With ``init_weights`` convolutions get ``kaiming_normal_(fan_out, relu)``, batch norms
    weight 1 / bias 0 and linears ``normal_(0, 0.01)`` / bias 0, in module order.
    """

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


def make_layers(cfg: list[int | str], batch_norm: bool = False) -> nn.Sequential:
    """The ``features`` stack of a configuration (conv [+ BN] + ReLU, and max pools)."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


def _w(file_name: str, num_params: int) -> Any:
    return imagenet_weights(file_name, min_size=(32, 32), num_params=num_params)


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg11-8a719046.pth", 132863336)
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg11_bn-6002323d.pth", 132868840)
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg13-19584684.pth", 133047848)
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg13_bn-abd245e5.pth", 133053736)
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg16-397923af.pth", 138357544)
    # the SSD feature extractor's weights: no classifier categories, 0-255 input scale
    IMAGENET1K_FEATURES = imagenet_weights(
        "vgg16_features-amdegroot-88682ab5.pth", mean=(0.48235, 0.45882, 0.40784),
        std=(1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0), min_size=(32, 32),
        num_params=138357544, num_classes=None)
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg16_bn-6c64b313.pth", 138365992)
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg19-dcbb9e9d.pth", 143667240)
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("vgg19_bn-c79401a0.pth", 143678248)
    DEFAULT = IMAGENET1K_V1


def _vgg(cfg: str, batch_norm: bool, weights: WeightsEnum | None, progress: bool,
         **kwargs: Any) -> VGG:
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["num_classes"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
    state_dict = _fetch_weights(weights, progress)
    model = VGG(make_layers(_CFGS[cfg], batch_norm=batch_norm), **kwargs)
    _load_weights(model, state_dict)
    return model


@register_model(weights=VGG11_Weights, legacy_default="IMAGENET1K_V1")
def vgg11(*, weights: VGG11_Weights | str | None = None, progress: bool = True,
          **kwargs: Any) -> VGG:
    """VGG-11 (configuration A); ``weights=VGG11_Weights.DEFAULT`` loads ImageNet weights."""
    return _vgg("A", False, VGG11_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG11_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg11_bn(*, weights: VGG11_BN_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VGG:
    """VGG-11 with batch normalisation."""
    return _vgg("A", True, VGG11_BN_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG13_Weights, legacy_default="IMAGENET1K_V1")
def vgg13(*, weights: VGG13_Weights | str | None = None, progress: bool = True,
          **kwargs: Any) -> VGG:
    """VGG-13 (configuration B)."""
    return _vgg("B", False, VGG13_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG13_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg13_bn(*, weights: VGG13_BN_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VGG:
    """VGG-13 with batch normalisation."""
    return _vgg("B", True, VGG13_BN_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG16_Weights, legacy_default="IMAGENET1K_V1")
def vgg16(*, weights: VGG16_Weights | str | None = None, progress: bool = True,
          **kwargs: Any) -> VGG:
    """VGG-16 (configuration D); ``vgg16(pretrained=True)`` still works, with the warnings."""
    return _vgg("D", False, VGG16_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG16_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg16_bn(*, weights: VGG16_BN_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VGG:
    """VGG-16 with batch normalisation."""
    return _vgg("D", True, VGG16_BN_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG19_Weights, legacy_default="IMAGENET1K_V1")
def vgg19(*, weights: VGG19_Weights | str | None = None, progress: bool = True,
          **kwargs: Any) -> VGG:
    """VGG-19 (configuration E)."""
    return _vgg("E", False, VGG19_Weights.verify(weights), progress, **kwargs)


@register_model(weights=VGG19_BN_Weights, legacy_default="IMAGENET1K_V1")
def vgg19_bn(*, weights: VGG19_BN_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VGG:
    """VGG-19 with batch normalisation."""
    return _vgg("E", True, VGG19_BN_Weights.verify(weights), progress, **kwargs)
