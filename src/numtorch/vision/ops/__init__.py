"""``torchvision.ops``: the layers and functions of torchvision's ops that run on tensors
without compiled kernels."""

from .misc import FrozenBatchNorm2d

__all__ = ["FrozenBatchNorm2d"]
