"""LeNet-5 (LeCun et al. 1998) for 1x32x32 inputs; not in torchvision, so no weights.

The layout is the classic one: 5x5 convolutions to 6 and 16 channels, each followed by tanh
and 2x2 average pooling (subsampling), then fully connected 400 -> 120 -> 84 -> classes with
tanh. Names follow torchvision's habit: ``features`` and ``classifier``.
"""

from __future__ import annotations

from typing import Any

from ... import (
    flatten,  # the public (dispatching) function, as torchvision's torch.flatten
    nn,
)
from ..._tensor import Tensor
from ._api import register_model

__all__ = ["LeNet5", "lenet5"]


class LeNet5(nn.Module):
    """LeNet-5: ``features`` (conv-tanh-avgpool x2) and ``classifier`` (3 linears, tanh)."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5), nn.Tanh(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(),
            nn.AvgPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), nn.Tanh(),
            nn.Linear(120, 84), nn.Tanh(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(flatten(self.features(x), 1))


@register_model()
def lenet5(*, weights: None = None, progress: bool = True, **kwargs: Any) -> LeNet5:
    """A LeNet-5 with PyTorch's default initialisation (there are no pretrained weights)."""
    if weights is not None:
        raise ValueError("No weights available for model lenet5")
    return LeNet5(**kwargs)
