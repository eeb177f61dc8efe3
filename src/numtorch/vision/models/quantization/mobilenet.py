"""Quantizable MobileNetV2 and MobileNetV3-Large (``torchvision.models.quantization``)."""

from __future__ import annotations

import functools
from typing import Any

from .... import nn
from ...._tensor import Tensor
from .. import mobilenetv2 as M2
from .. import mobilenetv3 as M3
from .._api import ImageClassification, Weights, WeightsEnum, register_model
from .._layers import SqueezeExcitation
from ._quant import DeQuantStub, FloatFunctional, QuantStub, finish, prepare

__all__ = ["QuantizableMobileNetV2", "QuantizableMobileNetV3", "MobileNet_V2_QuantizedWeights",
           "MobileNet_V3_Large_QuantizedWeights", "mobilenet_v2", "mobilenet_v3_large"]


class QuantizableInvertedResidual(M2.InvertedResidual):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skip_add = FloatFunctional()

    def forward(self, x: Tensor) -> Tensor:
        if self.use_res_connect:
            return self.skip_add.add(x, self.conv(x))
        return self.conv(x)


class QuantizableMobileNetV2(M2.MobileNetV2):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x: Tensor) -> Tensor:
        return self.dequant(self._forward_impl(self.quant(x)))


class QuantizableSqueezeExcitation(SqueezeExcitation):
    _version = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["scale_activation"] = nn.Hardsigmoid
        super().__init__(*args, **kwargs)
        self.skip_mul = FloatFunctional()

    def forward(self, input: Tensor) -> Tensor:
        return self.skip_mul.mul(self._scale(input), input)


class QuantizableInvertedResidualV3(M3.InvertedResidual):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, se_layer=QuantizableSqueezeExcitation, **kwargs)
        self.skip_add = FloatFunctional()

    def forward(self, x: Tensor) -> Tensor:
        if self.use_res_connect:
            return self.skip_add.add(x, self.block(x))
        return self.block(x)


QuantizableInvertedResidualV3.__name__ = "QuantizableInvertedResidual"
QuantizableInvertedResidualV3.__qualname__ = "QuantizableInvertedResidual"


class QuantizableMobileNetV3(M3.MobileNetV3):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x: Tensor) -> Tensor:
        return self.dequant(self._forward_impl(self.quant(x)))


def _q(file_name: str, num_params: int) -> Weights:
    return Weights(url=f"https://download.pytorch.org/models/quantized/{file_name}",
                   transforms=functools.partial(ImageClassification, crop_size=224),
                   meta={"num_classes": 1000, "min_size": (1, 1), "num_params": num_params,
                         "backend": "qnnpack"})


class MobileNet_V2_QuantizedWeights(WeightsEnum):
    IMAGENET1K_QNNPACK_V1 = _q("mobilenet_v2_qnnpack_37f702c5.pth", 3504872)
    DEFAULT = IMAGENET1K_QNNPACK_V1


class MobileNet_V3_Large_QuantizedWeights(WeightsEnum):
    IMAGENET1K_QNNPACK_V1 = _q("mobilenet_v3_large_qnnpack-5bcacf28.pth", 5483032)
    DEFAULT = IMAGENET1K_QNNPACK_V1


@register_model(name="quantized_mobilenet_v2", weights=MobileNet_V2_QuantizedWeights,
                legacy_default=lambda kw: MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1
                if kw.get("quantize", False) else M2.MobileNet_V2_Weights.IMAGENET1K_V1)
def mobilenet_v2(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                 **kwargs: Any) -> QuantizableMobileNetV2:
    """Quantizable MobileNetV2 (ReLU6 replaced by ReLU, as torchvision)."""
    weights, backend = prepare(MobileNet_V2_QuantizedWeights, M2.MobileNet_V2_Weights,
                               weights, quantize, kwargs)
    model = QuantizableMobileNetV2(block=QuantizableInvertedResidual, **kwargs)
    return finish(model, weights, quantize, backend, progress)


@register_model(name="quantized_mobilenet_v3_large",
                weights=MobileNet_V3_Large_QuantizedWeights,
                legacy_default=lambda kw: MobileNet_V3_Large_QuantizedWeights
                .IMAGENET1K_QNNPACK_V1 if kw.get("quantize", False)
                else M3.MobileNet_V3_Large_Weights.IMAGENET1K_V1)
def mobilenet_v3_large(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                       **kwargs: Any) -> QuantizableMobileNetV3:
    """Quantizable MobileNetV3-Large."""
    weights, backend = prepare(MobileNet_V3_Large_QuantizedWeights,
                               M3.MobileNet_V3_Large_Weights, weights, quantize, kwargs)
    setting, last = M3._mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    model = QuantizableMobileNetV3(setting, last, block=QuantizableInvertedResidualV3, **kwargs)
    return finish(model, weights, quantize, backend, progress)
