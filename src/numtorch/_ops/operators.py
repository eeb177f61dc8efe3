"""Python operator aliases PyTorch's ``Tensor`` still carries: ``__rdiv__`` (``other / self``)."""

from __future__ import annotations

from .._tensor import Tensor
from ._base import tensor_method
from .pointwise import div


@tensor_method("__rdiv__")
def _rdiv(self: Tensor, other) -> Tensor:
    """``Tensor.__rdiv__``: ``div(other, self)``."""
    return div(other, self)
