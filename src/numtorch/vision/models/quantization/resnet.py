"""Quantizable ResNet-18/50 and ResNeXt-101 (``torchvision.models.quantization.resnet``)."""

from __future__ import annotations

import functools
from typing import Any

from .... import nn
from ...._tensor import Tensor
from .. import resnet as R
from .._api import ImageClassification, Weights, WeightsEnum, register_model
from ..resnet import BasicBlock, Bottleneck, ResNet
from ._quant import DeQuantStub, FloatFunctional, QuantStub, finish, prepare

__all__ = ["QuantizableResNet", "ResNet18_QuantizedWeights", "ResNet50_QuantizedWeights",
           "ResNeXt101_32X8D_QuantizedWeights", "ResNeXt101_64X4D_QuantizedWeights",
           "resnet18", "resnet50", "resnext101_32x8d", "resnext101_64x4d"]


class QuantizableBasicBlock(BasicBlock):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_relu = FloatFunctional()

    def forward(self, x: Tensor) -> Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        identity = x if self.downsample is None else self.downsample(x)
        return self.add_relu.add_relu(out, identity)


class QuantizableBottleneck(Bottleneck):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skip_add_relu = FloatFunctional()
        self.relu1 = nn.ReLU(inplace=False)
        self.relu2 = nn.ReLU(inplace=False)

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.skip_add_relu.add_relu(out, identity)


class QuantizableResNet(ResNet):
    """ResNet with quant/dequant stubs around the float forward."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x: Tensor) -> Tensor:
        return self.dequant(self._forward_impl(self.quant(x)))


def _q(file_name: str, num_params: int, resize: int = 256) -> Weights:
    return Weights(url=f"https://download.pytorch.org/models/quantized/{file_name}",
                   transforms=functools.partial(ImageClassification, crop_size=224,
                                                resize_size=resize),
                   meta={"num_classes": 1000, "min_size": (1, 1), "num_params": num_params,
                         "backend": "fbgemm"})


class ResNet18_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("resnet18_fbgemm_16fa66dd.pth", 11689512)
    DEFAULT = IMAGENET1K_FBGEMM_V1


class ResNet50_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("resnet50_fbgemm_bf931d71.pth", 25557032)
    IMAGENET1K_FBGEMM_V2 = _q("resnet50_fbgemm-23753f79.pth", 25557032, 232)
    DEFAULT = IMAGENET1K_FBGEMM_V2


class ResNeXt101_32X8D_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("resnext101_32x8_fbgemm_09835ccf.pth", 88791336)
    IMAGENET1K_FBGEMM_V2 = _q("resnext101_32x8_fbgemm-ee16d00c.pth", 88791336, 232)
    DEFAULT = IMAGENET1K_FBGEMM_V2


class ResNeXt101_64X4D_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("resnext101_64x4d_fbgemm-605a1cb3.pth", 83455272, 232)
    DEFAULT = IMAGENET1K_FBGEMM_V1


def _legacy(qenum: type[WeightsEnum], fenum: type[WeightsEnum]):
    return lambda kw: qenum.IMAGENET1K_FBGEMM_V1 if kw.get("quantize", False) \
        else fenum.IMAGENET1K_V1


def _resnet(block, layers, qenum, fenum, weights, progress, quantize, kwargs):
    weights, backend = prepare(qenum, fenum, weights, quantize, kwargs)
    return finish(QuantizableResNet(block, layers, **kwargs), weights, quantize, backend,
                  progress)


@register_model(name="quantized_resnet18", weights=ResNet18_QuantizedWeights,
                legacy_default=_legacy(ResNet18_QuantizedWeights, R.ResNet18_Weights))
def resnet18(*, weights: Any = None, progress: bool = True, quantize: bool = False,
             **kwargs: Any) -> QuantizableResNet:
    """Quantizable ResNet-18 (float model with quant stubs; ``quantize=True`` unsupported)."""
    return _resnet(QuantizableBasicBlock, [2, 2, 2, 2], ResNet18_QuantizedWeights,
                   R.ResNet18_Weights, weights, progress, quantize, kwargs)


@register_model(name="quantized_resnet50", weights=ResNet50_QuantizedWeights,
                legacy_default=_legacy(ResNet50_QuantizedWeights, R.ResNet50_Weights))
def resnet50(*, weights: Any = None, progress: bool = True, quantize: bool = False,
             **kwargs: Any) -> QuantizableResNet:
    """Quantizable ResNet-50 (float model with quant stubs; ``quantize=True`` unsupported)."""
    return _resnet(QuantizableBottleneck, [3, 4, 6, 3], ResNet50_QuantizedWeights,
                   R.ResNet50_Weights, weights, progress, quantize, kwargs)


@register_model(name="quantized_resnext101_32x8d", weights=ResNeXt101_32X8D_QuantizedWeights,
                legacy_default=_legacy(ResNeXt101_32X8D_QuantizedWeights,
                                       R.ResNeXt101_32X8D_Weights))
def resnext101_32x8d(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                     **kwargs: Any) -> QuantizableResNet:
    """Quantizable ResNeXt-101 32x8d."""
    kwargs["groups"] = 32
    kwargs["width_per_group"] = 8
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], ResNeXt101_32X8D_QuantizedWeights,
                   R.ResNeXt101_32X8D_Weights, weights, progress, quantize, kwargs)


@register_model(name="quantized_resnext101_64x4d", weights=ResNeXt101_64X4D_QuantizedWeights,
                legacy_default=_legacy(ResNeXt101_64X4D_QuantizedWeights,
                                       R.ResNeXt101_64X4D_Weights))
def resnext101_64x4d(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                     **kwargs: Any) -> QuantizableResNet:
    """Quantizable ResNeXt-101 64x4d."""
    kwargs["groups"] = 64
    kwargs["width_per_group"] = 4
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], ResNeXt101_64X4D_QuantizedWeights,
                   R.ResNeXt101_64X4D_Weights, weights, progress, quantize, kwargs)
