"""Quantizable ShuffleNetV2 (``torchvision.models.quantization.shufflenetv2``)."""

from __future__ import annotations

import functools
from typing import Any

from ...._tensor import Tensor
from .. import shufflenetv2 as S
from .._api import ImageClassification, Weights, WeightsEnum, register_model
from ..shufflenetv2 import InvertedResidual, ShuffleNetV2, channel_shuffle
from ._quant import DeQuantStub, FloatFunctional, QuantStub, finish, prepare

__all__ = ["QuantizableShuffleNetV2", "ShuffleNet_V2_X0_5_QuantizedWeights",
           "ShuffleNet_V2_X1_0_QuantizedWeights", "ShuffleNet_V2_X1_5_QuantizedWeights",
           "ShuffleNet_V2_X2_0_QuantizedWeights", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
           "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


class QuantizableInvertedResidual(InvertedResidual):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cat = FloatFunctional()

    def forward(self, x: Tensor) -> Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = self.cat.cat([x1, self.branch2(x2)], dim=1)
        else:
            out = self.cat.cat([self.branch1(x), self.branch2(x)], dim=1)
        return channel_shuffle(out, 2)


class QuantizableShuffleNetV2(ShuffleNetV2):
    """ShuffleNetV2 with quant/dequant stubs and observed concatenations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, inverted_residual=QuantizableInvertedResidual, **kwargs)
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


class ShuffleNet_V2_X0_5_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("shufflenetv2_x0.5_fbgemm-00845098.pth", 1366792)
    DEFAULT = IMAGENET1K_FBGEMM_V1


class ShuffleNet_V2_X1_0_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("shufflenetv2_x1_fbgemm-1e62bb32.pth", 2278604)
    DEFAULT = IMAGENET1K_FBGEMM_V1


class ShuffleNet_V2_X1_5_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("shufflenetv2_x1_5_fbgemm-d7401f05.pth", 3503624, 232)
    DEFAULT = IMAGENET1K_FBGEMM_V1


class ShuffleNet_V2_X2_0_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("shufflenetv2_x2_0_fbgemm-5cac526c.pth", 7393996, 232)
    DEFAULT = IMAGENET1K_FBGEMM_V1


def _shufflenet(channels: list[int], qenum, fenum, weights, progress, quantize, kwargs):
    weights, backend = prepare(qenum, fenum, weights, quantize, kwargs)
    model = QuantizableShuffleNetV2([4, 8, 4], channels, **kwargs)
    return finish(model, weights, quantize, backend, progress)


def _legacy(qenum, fenum):
    return lambda kw: qenum.IMAGENET1K_FBGEMM_V1 if kw.get("quantize", False) \
        else fenum.IMAGENET1K_V1


@register_model(name="quantized_shufflenet_v2_x0_5", weights=ShuffleNet_V2_X0_5_QuantizedWeights,
                legacy_default=_legacy(ShuffleNet_V2_X0_5_QuantizedWeights,
                                       S.ShuffleNet_V2_X0_5_Weights))
def shufflenet_v2_x0_5(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                       **kwargs: Any) -> QuantizableShuffleNetV2:
    """Quantizable ShuffleNetV2 x0.5."""
    return _shufflenet([24, 48, 96, 192, 1024], ShuffleNet_V2_X0_5_QuantizedWeights,
                       S.ShuffleNet_V2_X0_5_Weights, weights, progress, quantize, kwargs)


@register_model(name="quantized_shufflenet_v2_x1_0", weights=ShuffleNet_V2_X1_0_QuantizedWeights,
                legacy_default=_legacy(ShuffleNet_V2_X1_0_QuantizedWeights,
                                       S.ShuffleNet_V2_X1_0_Weights))
def shufflenet_v2_x1_0(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                       **kwargs: Any) -> QuantizableShuffleNetV2:
    """Quantizable ShuffleNetV2 x1.0."""
    return _shufflenet([24, 116, 232, 464, 1024], ShuffleNet_V2_X1_0_QuantizedWeights,
                       S.ShuffleNet_V2_X1_0_Weights, weights, progress, quantize, kwargs)


@register_model(name="quantized_shufflenet_v2_x1_5", weights=ShuffleNet_V2_X1_5_QuantizedWeights,
                legacy_default=_legacy(ShuffleNet_V2_X1_5_QuantizedWeights,
                                       S.ShuffleNet_V2_X1_5_Weights))
def shufflenet_v2_x1_5(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                       **kwargs: Any) -> QuantizableShuffleNetV2:
    """Quantizable ShuffleNetV2 x1.5."""
    return _shufflenet([24, 176, 352, 704, 1024], ShuffleNet_V2_X1_5_QuantizedWeights,
                       S.ShuffleNet_V2_X1_5_Weights, weights, progress, quantize, kwargs)


@register_model(name="quantized_shufflenet_v2_x2_0", weights=ShuffleNet_V2_X2_0_QuantizedWeights,
                legacy_default=_legacy(ShuffleNet_V2_X2_0_QuantizedWeights,
                                       S.ShuffleNet_V2_X2_0_Weights))
def shufflenet_v2_x2_0(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                       **kwargs: Any) -> QuantizableShuffleNetV2:
    """Quantizable ShuffleNetV2 x2.0."""
    return _shufflenet([24, 244, 488, 976, 2048], ShuffleNet_V2_X2_0_QuantizedWeights,
                       S.ShuffleNet_V2_X2_0_Weights, weights, progress, quantize, kwargs)
