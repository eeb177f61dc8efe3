"""The float-mode pieces of torchvision's quantizable models: ``QuantStub``/``DeQuantStub``
(identities until a model is converted), ``FloatFunctional`` (named add/cat/mul ops) and the
ReLU replacement torchvision applies before quantization.

numtorch has no quantized kernels, so ``quantize=True`` raises ``NotImplementedError``.
"""

from __future__ import annotations

from typing import Any

from .... import nn
from ...._ops.join import cat
from ...._tensor import Tensor
from .._api import WeightsEnum, _ovewrite_named_param

__all__ = ["QuantStub", "DeQuantStub", "FloatFunctional", "_replace_relu", "quantize_model"]


class QuantStub(nn.Module):
    """Marks where a converted model quantizes its input; the identity in float mode."""

    def __init__(self, qconfig: Any = None) -> None:
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x: Tensor) -> Tensor:
        return x


class DeQuantStub(QuantStub):
    """Marks where a converted model dequantizes; the identity in float mode."""


class FloatFunctional(nn.Module):
    """Named tensor ops (``add``, ``add_relu``, ``cat``, ``mul`` ...) observed for quantization;
    plain float ops here, followed by the (identity) ``activation_post_process``."""

    def __init__(self) -> None:
        super().__init__()
        self.activation_post_process = nn.Identity()

    def forward(self, x):
        raise RuntimeError("FloatFunctional is not intended to use the 'forward'. Please use "
                           "the underlying operation")

    def add(self, x: Tensor, y: Tensor) -> Tensor:
        return self.activation_post_process(x + y)

    def add_scalar(self, x: Tensor, y: float) -> Tensor:
        return x + y

    def mul(self, x: Tensor, y: Tensor) -> Tensor:
        return self.activation_post_process(x * y)

    def mul_scalar(self, x: Tensor, y: float) -> Tensor:
        return x * y

    def cat(self, x: list[Tensor], dim: int = 0) -> Tensor:
        return self.activation_post_process(cat(x, dim=dim))

    def add_relu(self, x: Tensor, y: Tensor) -> Tensor:
        return self.activation_post_process(nn.functional.relu(x + y))

    def matmul(self, x: Tensor, y: Tensor) -> Tensor:
        return self.activation_post_process(x @ y)


def _replace_relu(module: nn.Module) -> None:
    """Replace every ``ReLU``/``ReLU6`` child by a non-inplace ``ReLU`` (recursively)."""
    swap = {}
    for name, mod in module.named_children():
        _replace_relu(mod)
        if type(mod) is nn.ReLU or type(mod) is nn.ReLU6:
            swap[name] = nn.ReLU(inplace=False)
    for name, value in swap.items():
        module._modules[name] = value


def quantize_model(model: nn.Module, backend: str) -> None:
    raise NotImplementedError("numtorch has no quantized kernels: build the quantizable model "
                              "with quantize=False")


def prepare(weights_enum: type[WeightsEnum], float_enum: type[WeightsEnum], weights: Any,
            quantize: bool, kwargs: dict[str, Any]):
    """torchvision's quantized-builder preamble: the weights enum depends on ``quantize``;
    pins ``num_classes`` (and ``backend``) to the weights; returns (weights, backend)."""
    weights = (weights_enum if quantize else float_enum).verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
        if "backend" in weights.meta:
            _ovewrite_named_param(kwargs, "backend", weights.meta["backend"])
    return weights, kwargs.pop("backend", "fbgemm")


def finish(model: nn.Module, weights: Any, quantize: bool, backend: str,
           progress: bool) -> nn.Module:
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True,
                                                     weights_only=True))
    return model
