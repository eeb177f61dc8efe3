"""The random draws of torchvision's transforms, taken from numtorch's default generator.

Each helper draws exactly what the corresponding torch expression draws (``torch.rand(1)``,
``torch.empty(1).uniform_(a, b)``, ``torch.randint(lo, hi, (1,))``, ``torch.randperm(n)``), so a
seeded pipeline picks the same parameters as torchvision.
"""

from __future__ import annotations

import numpy as np


def _gen():
    from ..._random import default_generator

    return default_generator


def rand() -> np.float32:
    """``torch.rand(1)`` as a float32 scalar (compare it with ``np.float32(p)``)."""
    return _gen()._uniform(1, np.float32)[0]


def uniform(low: float, high: float) -> float:
    """``torch.empty(1).uniform_(low, high).item()``."""
    return float(_gen()._uniform(1, np.float32, low, high)[0])


def randint(low: int, high: int) -> int:
    """``torch.randint(low, high, size=(1,)).item()``."""
    return int(_gen()._randint(1, low, high, np.int64)[0])


def randperm(n: int) -> list[int]:
    return _gen()._randperm(n).tolist()


def normal(n: int) -> np.ndarray:
    """``torch.empty(n, dtype=torch.float32).normal_()`` as a flat array."""
    return _gen()._normal(n, np.float32)
