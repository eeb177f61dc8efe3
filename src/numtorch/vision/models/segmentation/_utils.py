"""Shared pieces of the segmentation models: the layer getter, the base model, the
evaluation preset and the builders' common argument handling (as torchvision)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from .... import nn
from ...._tensor import Tensor
from ....nn import functional as F
from ...transforms import functional as TF
from ...transforms.functional import InterpolationMode
from .._api import Weights, WeightsEnum

__all__ = ["IntermediateLayerGetter", "SemanticSegmentation", "voc_weights"]

_VOC = ["__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
        "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant",
        "sheep", "sofa", "train", "tvmonitor"]


class IntermediateLayerGetter(nn.ModuleDict):
    """The children of ``model`` up to the last one named in ``return_layers``; the forward
    returns an ``OrderedDict`` of the requested outputs under their new names."""

    _version = 2

    def __init__(self, model: nn.Module, return_layers: dict[str, str]) -> None:
        if not set(return_layers).issubset([n for n, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        orig = return_layers
        pending = {str(k): str(v) for k, v in return_layers.items()}
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            pending.pop(name, None)
            if not pending:
                break
        super().__init__(layers)
        self.return_layers = orig

    def forward(self, x: Tensor) -> dict[str, Tensor]:
        out: OrderedDict[str, Tensor] = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


class _SimpleSegmentationModel(nn.Module):
    __constants__ = ["aux_classifier"]

    def __init__(self, backbone: nn.Module, classifier: nn.Module,
                 aux_classifier: nn.Module | None = None) -> None:
        super().__init__()
        self.backbone = backbone
        self.classifier = classifier
        self.aux_classifier = aux_classifier

    def forward(self, x: Tensor) -> dict[str, Tensor]:
        size = x.shape[-2:]
        features = self.backbone(x)
        result: OrderedDict[str, Tensor] = OrderedDict()
        out = self.classifier(features["out"])
        result["out"] = F.interpolate(out, size=size, mode="bilinear", align_corners=False)
        if self.aux_classifier is not None:
            aux = self.aux_classifier(features["aux"])
            result["aux"] = F.interpolate(aux, size=size, mode="bilinear", align_corners=False)
        return result


class SemanticSegmentation(nn.Module):
    """``torchvision.transforms._presets.SemanticSegmentation``: resize, scale, normalise."""

    def __init__(self, *, resize_size: int | None,
                 mean: tuple[float, ...] = (0.485, 0.456, 0.406),
                 std: tuple[float, ...] = (0.229, 0.224, 0.225),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> None:
        super().__init__()
        self.resize_size = [resize_size] if resize_size is not None else None
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img) -> Tensor:
        from ...._dtype import float32

        if isinstance(self.resize_size, list):
            img = TF.resize(img, self.resize_size, interpolation=self.interpolation,
                            antialias=self.antialias)
        if not isinstance(img, Tensor):
            img = TF.pil_to_tensor(img)
        img = TF.convert_image_dtype(img, float32)
        return TF.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(\n    resize_size={self.resize_size}\n"
                f"    mean={self.mean}\n    std={self.std}\n"
                f"    interpolation={self.interpolation}\n)")


def voc_weights(file_name: str, num_params: int) -> Weights:
    """COCO-trained weights with the 20 Pascal VOC categories (plus background)."""
    import functools

    return Weights(url=f"https://download.pytorch.org/models/{file_name}",
                   transforms=functools.partial(SemanticSegmentation, resize_size=520),
                   meta={"num_classes": len(_VOC), "categories": list(_VOC),
                         "min_size": (1, 1), "num_params": num_params})


def _ovewrite_value_param(param: str, actual: Any, expected: Any) -> Any:
    if actual is not None and actual != expected:
        raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} "
                         "instead.")
    return expected


def resolve(enum: type[WeightsEnum], weights: Any, backbone_enum: type[WeightsEnum],
            weights_backbone: Any, num_classes: int | None, aux_loss: bool | None,
            has_aux: bool = True):
    """torchvision's segmentation-builder preamble: verify both weights, drop the backbone
    weights when full weights are given, pin ``num_classes`` (21 by default) and ``aux_loss``."""
    weights = enum.verify(weights)
    weights_backbone = backbone_enum.verify(weights_backbone)
    if weights is not None:
        weights_backbone = None
        num_classes = _ovewrite_value_param("num_classes", num_classes,
                                            len(weights.meta["categories"]))
        if has_aux:
            aux_loss = _ovewrite_value_param("aux_loss", aux_loss, True)
    elif num_classes is None:
        num_classes = 21
    return weights, weights_backbone, num_classes, aux_loss


def load(model: nn.Module, weights: WeightsEnum | None, progress: bool) -> nn.Module:
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True,
                                                     weights_only=True))
    return model


def mobilenet_stages(features: nn.Module) -> list[int]:
    """Indices of the MobileNetV3 feature blocks that start a new stride."""
    return [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + \
        [len(features) - 1]
