"""Quantizable GoogLeNet and Inception v3 (``torchvision.models.quantization``), float mode."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from .... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ...._tensor import Tensor
from ....nn import functional as F
from .. import googlenet as G
from .. import inception as I
from .._api import ImageClassification, Weights, WeightsEnum, _ovewrite_named_param, register_model
from ._quant import DeQuantStub, FloatFunctional, QuantStub, finish, prepare

__all__ = ["QuantizableGoogLeNet", "QuantizableInception3", "GoogLeNet_QuantizedWeights",
           "Inception_V3_QuantizedWeights", "googlenet", "inception_v3"]


class QuantizableBasicConv2d(G.BasicConv2d):
    """Conv + batch norm + a ReLU module (so that the three can be fused)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.relu(self.bn(self.conv(x)))


class QuantizableInception(G.Inception):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
        self.cat = FloatFunctional()

    def forward(self, x: Tensor) -> Tensor:
        return self.cat.cat(self._forward(x), 1)


class QuantizableInceptionAux(G.InceptionAux):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        x = flatten(self.conv(F.adaptive_avg_pool2d(x, (4, 4))), 1)
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class QuantizableGoogLeNet(G.GoogLeNet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, blocks=[QuantizableBasicConv2d, QuantizableInception,
                                        QuantizableInceptionAux], **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x: Tensor):
        x = self.quant(self._transform_input(x))
        x, aux2, aux1 = self._forward(x)
        # torchvision's quantizable model hands the auxiliary outputs over in this order
        return self.eager_outputs(self.dequant(x), aux1, aux2)


def _cat_block(base):
    class Block(base):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
            self.myop = FloatFunctional()

        def forward(self, x: Tensor) -> Tensor:
            return self.myop.cat(self._forward(x), 1)

    Block.__name__ = Block.__qualname__ = "Quantizable" + base.__name__
    return Block


QuantizableInceptionA = _cat_block(I.InceptionA)
QuantizableInceptionB = _cat_block(I.InceptionB)
QuantizableInceptionC = _cat_block(I.InceptionC)
QuantizableInceptionD = _cat_block(I.InceptionD)


class QuantizableInceptionE(I.InceptionE):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
        self.myop1 = FloatFunctional()
        self.myop2 = FloatFunctional()
        self.myop3 = FloatFunctional()

    def forward(self, x: Tensor) -> Tensor:
        b3 = self.branch3x3_1(x)
        b3 = self.myop1.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = self.myop2.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return self.myop3.cat([self.branch1x1(x), b3, bd, pool], 1)


class QuantizableInceptionAuxV3(I.InceptionAux):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)


QuantizableInceptionAuxV3.__name__ = QuantizableInceptionAuxV3.__qualname__ = \
    "QuantizableInceptionAux"


class QuantizableInception3(I.Inception3):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, inception_blocks=[
            QuantizableBasicConv2d, QuantizableInceptionA, QuantizableInceptionB,
            QuantizableInceptionC, QuantizableInceptionD, QuantizableInceptionE,
            QuantizableInceptionAuxV3], **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x: Tensor):
        x, aux = self._forward(self.quant(self._transform_input(x)))
        return self.eager_outputs(self.dequant(x), aux)


def _q(file_name: str, num_params: int, min_size, **preset: Any) -> Weights:
    return Weights(url=f"https://download.pytorch.org/models/quantized/{file_name}",
                   transforms=functools.partial(ImageClassification, **preset),
                   meta={"num_classes": 1000, "min_size": min_size, "num_params": num_params,
                         "backend": "fbgemm"})


class GoogLeNet_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("googlenet_fbgemm-c81f6644.pth", 6624904, (15, 15),
                              crop_size=224)
    DEFAULT = IMAGENET1K_FBGEMM_V1


class Inception_V3_QuantizedWeights(WeightsEnum):
    IMAGENET1K_FBGEMM_V1 = _q("inception_v3_google_fbgemm-a2837893.pth", 27161264, (75, 75),
                              crop_size=299, resize_size=342)
    DEFAULT = IMAGENET1K_FBGEMM_V1


@register_model(name="quantized_googlenet", weights=GoogLeNet_QuantizedWeights,
                legacy_default=lambda kw: GoogLeNet_QuantizedWeights.IMAGENET1K_FBGEMM_V1
                if kw.get("quantize", False) else G.GoogLeNet_Weights.IMAGENET1K_V1)
def googlenet(*, weights: Any = None, progress: bool = True, quantize: bool = False,
              **kwargs: Any) -> QuantizableGoogLeNet:
    """Quantizable GoogLeNet (float mode; ``quantize=True`` unsupported)."""
    original_aux = kwargs.get("aux_logits", False)
    probe = (GoogLeNet_QuantizedWeights if quantize else G.GoogLeNet_Weights).verify(weights)
    if probe is not None:
        kwargs.setdefault("transform_input", True)
        _ovewrite_named_param(kwargs, "aux_logits", False)
        _ovewrite_named_param(kwargs, "init_weights", False)
    weights, backend = prepare(GoogLeNet_QuantizedWeights, G.GoogLeNet_Weights, weights,
                               quantize, kwargs)
    model = finish(QuantizableGoogLeNet(**kwargs), weights, quantize, backend, progress)
    if weights is not None:
        if not original_aux:
            model.aux_logits = False
            model.aux1 = None
            model.aux2 = None
        else:
            warnings.warn("auxiliary heads in the pretrained googlenet model are NOT "
                          "pretrained, so make sure to train them", stacklevel=2)
    return model


@register_model(name="quantized_inception_v3", weights=Inception_V3_QuantizedWeights,
                legacy_default=lambda kw: Inception_V3_QuantizedWeights.IMAGENET1K_FBGEMM_V1
                if kw.get("quantize", False) else I.Inception_V3_Weights.IMAGENET1K_V1)
def inception_v3(*, weights: Any = None, progress: bool = True, quantize: bool = False,
                 **kwargs: Any) -> QuantizableInception3:
    """Quantizable Inception v3 (float mode; ``quantize=True`` unsupported)."""
    original_aux = kwargs.get("aux_logits", False)
    probe = (Inception_V3_QuantizedWeights if quantize else I.Inception_V3_Weights
             ).verify(weights)
    if probe is not None:
        kwargs.setdefault("transform_input", True)
        _ovewrite_named_param(kwargs, "aux_logits", True)
        _ovewrite_named_param(kwargs, "init_weights", False)
    weights, backend = prepare(Inception_V3_QuantizedWeights, I.Inception_V3_Weights, weights,
                               quantize, kwargs)
    model = finish(QuantizableInception3(**kwargs), weights, quantize, backend, progress)
    if weights is not None and not original_aux:
        model.aux_logits = False
        model.AuxLogits = None
    return model
