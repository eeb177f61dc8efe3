"""Loss functions that PyTorch also exposes at the top level (``torch.triplet_margin_loss``)
with the native signature: an integer ``reduction`` (0 none, 1 mean, 2 sum) defaulting to no
reduction, unlike the ``nn.functional`` form."""

from __future__ import annotations

from ..._tensor import Tensor
from . import loss as _loss

__all__ = ["triplet_margin_loss"]

_REDUCTION_NAMES = {0: "none", 1: "mean", 2: "sum"}


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:
    """``torch.triplet_margin_loss``: per-sample losses by default; ``reduction`` is an int."""
    if not isinstance(reduction, int) or isinstance(reduction, bool):
        raise TypeError(f"triplet_margin_loss(): argument 'reduction' must be int, not "
                        f"{type(reduction).__name__}")
    return _loss.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     reduction=_REDUCTION_NAMES.get(reduction, "none"))
