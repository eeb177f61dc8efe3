"""``torch.optim.lr_scheduler``: learning-rate schedules with torch's chainable updates.

Each scheduler computes the next lr from the current ``group["lr"]`` (the chainable form) with
the same float expressions as torch, so lr sequences are equal to the last bit; ``step(epoch)``
uses the closed form where torch has one. ``state_dict`` is the instance ``__dict__`` minus the
optimizer, with torch's attribute names.
"""

from __future__ import annotations

from ._schedulers.base import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler, inf  # noqa: F401
from ._schedulers.composed import ChainedScheduler, ReduceLROnPlateau, SequentialLR
from ._schedulers.cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from ._schedulers.decay import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = [
    "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
    "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR",
    "LRScheduler",
]

# the classes live in ._schedulers but belong to this module, as torch's do (pickles, reprs)
for _cls in (LRScheduler, _LRScheduler, LambdaLR, MultiplicativeLR, StepLR, MultiStepLR,
             ConstantLR, LinearLR, ExponentialLR, SequentialLR, CosineAnnealingLR,
             ChainedScheduler, ReduceLROnPlateau, CyclicLR, CosineAnnealingWarmRestarts,
             OneCycleLR, PolynomialLR):
    _cls.__module__ = __name__
del _cls
