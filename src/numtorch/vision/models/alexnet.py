"""AlexNet (torchvision's single-GPU "one weird trick" variant): layers, names, weights."""

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

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """``torchvision.models.AlexNet``: ``features``, ``avgpool`` (6x6), ``classifier``.

    Layers keep PyTorch's default initialisation; inputs need at least 63x63 pixels.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = imagenet_weights("alexnet-owt-7be5be79.pth", min_size=(63, 63),
                                     num_params=61100840)
    DEFAULT = IMAGENET1K_V1


@register_model(weights=AlexNet_Weights, legacy_default="IMAGENET1K_V1")
def alexnet(*, weights: AlexNet_Weights | str | None = None, progress: bool = True,
            **kwargs: Any) -> AlexNet:
    """AlexNet; ``weights=AlexNet_Weights.DEFAULT`` loads ``alexnet-owt-7be5be79.pth``."""
    weights = AlexNet_Weights.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
    state_dict = _fetch_weights(weights, progress)
    model = AlexNet(**kwargs)
    _load_weights(model, state_dict)
    return model
