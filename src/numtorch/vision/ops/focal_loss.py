"""``torchvision.ops.sigmoid_focal_loss``."""

from __future__ import annotations

import numtorch

from ..._tensor import Tensor

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs: Tensor, targets: Tensor, alpha: float = 0.25, gamma: float = 2,
                       reduction: str = "none") -> Tensor:
    """Focal loss of logits against 0/1 targets: binary cross-entropy scaled by
    ``(1 - p_t) ** gamma`` and, when ``alpha >= 0``, by ``alpha`` (positives) or ``1 - alpha``
    (negatives); ``reduction`` is ``"none"``, ``"mean"`` or ``"sum"``."""
    prob = numtorch.sigmoid(inputs)
    ce = numtorch.nn.functional.binary_cross_entropy_with_logits(inputs, targets,
                                                                 reduction="none")
    p_t = prob * targets + (1 - prob) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction "
                     f"modes: 'none', 'mean', 'sum'")
