"""Building blocks of torchvision's models (``torchvision.ops.misc``), with its names and reprs.

``Conv2dNormActivation``, ``SqueezeExcitation``, ``StochasticDepth``, ``MLP`` and ``Permute``
are used by several model families; they live here so that the model files share them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ... import nn
from ..._tensor import Tensor

__all__ = ["Conv2dNormActivation", "Conv3dNormActivation", "SqueezeExcitation",
           "StochasticDepth", "stochastic_depth", "MLP", "Permute", "make_divisible"]


def make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``v`` to a multiple of ``divisor``, never going below 90% of ``v``."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class Conv2dNormActivation(nn.Sequential):
    """``torchvision.ops.Conv2dNormActivation``: conv ("same" padding) + norm + activation.

    Children are ``0`` (conv), ``1`` (norm) and ``2`` (activation), as in torchvision; the conv
    has a bias only when there is no norm layer.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 stride: int = 1, padding: int | None = None, groups: int = 1,
                 norm_layer: Callable[..., nn.Module] | None = nn.BatchNorm2d,
                 activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
                 dilation: int = 1, inplace: bool | None = True,
                 bias: bool | None = None) -> None:
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                n = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else len(dilation)
                ks = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) \
                    else (kernel_size,) * n
                dl = tuple(dilation) if isinstance(dilation, (tuple, list)) else (dilation,) * n
                padding = tuple((ks[i] - 1) // 2 * dl[i] for i in range(n))
        if bias is None:
            bias = norm_layer is None
        layers: list[nn.Module] = [
            self._conv(in_channels, out_channels, kernel_size, stride, padding,
                       dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels

    _conv = nn.Conv2d


class Conv3dNormActivation(Conv2dNormActivation):
    """``torchvision.ops.Conv3dNormActivation``: the 3D version (norm default BatchNorm3d)."""

    _conv = nn.Conv3d

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, stride=1,
                 padding=None, groups: int = 1,
                 norm_layer: Callable[..., nn.Module] | None = nn.BatchNorm3d,
                 activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
                 dilation=1, inplace: bool | None = True, bias: bool | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups,
                         norm_layer, activation_layer, dilation, inplace, bias)


class SqueezeExcitation(nn.Module):
    """``torchvision.ops.SqueezeExcitation``: channel gates from a pooled two-conv bottleneck."""

    def __init__(self, input_channels: int, squeeze_channels: int,
                 activation: Callable[..., nn.Module] = nn.ReLU,
                 scale_activation: Callable[..., nn.Module] = nn.Sigmoid) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, x: Tensor) -> Tensor:
        s = self.fc2(self.activation(self.fc1(self.avgpool(x))))
        return self.scale_activation(s)

    def forward(self, x: Tensor) -> Tensor:
        return self._scale(x) * x


def stochastic_depth(input: Tensor, p: float, mode: str, training: bool = True) -> Tensor:
    """``torchvision.ops.stochastic_depth``: drop whole rows (or the whole batch) with
    probability ``p`` and rescale the rest by ``1 / (1 - p)`` (one ``bernoulli_`` draw)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ("batch", "row"):
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival = 1.0 - p
    shape = [input.shape[0]] + [1] * (input.ndim - 1) if mode == "row" else [1] * input.ndim
    noise = input.new_empty(shape).bernoulli_(survival)
    if survival > 0.0:
        noise = noise / survival
    return input * noise


class StochasticDepth(nn.Module):
    """``torchvision.ops.StochasticDepth`` (active in training mode only)."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input: Tensor) -> Tensor:
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p}, mode={self.mode})"


class MLP(nn.Sequential):
    """``torchvision.ops.MLP``: Linear (+ norm) + activation + dropout per hidden layer, then a
    final Linear and dropout."""

    def __init__(self, in_channels: int, hidden_channels: Sequence[int],
                 norm_layer: Callable[..., nn.Module] | None = None,
                 activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
                 inplace: bool | None = None, bias: bool = True, dropout: float = 0.0) -> None:
        params = {} if inplace is None else {"inplace": inplace}
        layers: list[nn.Module] = []
        c = in_channels
        for h in hidden_channels[:-1]:
            layers.append(nn.Linear(c, h, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(h))
            layers.append(activation_layer(**params))
            layers.append(nn.Dropout(dropout, **params))
            c = h
        layers.append(nn.Linear(c, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(nn.Module):
    """``torchvision.ops.Permute``: ``x.permute(dims)`` as a module."""

    def __init__(self, dims: list[int]) -> None:
        super().__init__()
        self.dims = dims

    def forward(self, x: Tensor) -> Tensor:
        return x.permute(*self.dims)


