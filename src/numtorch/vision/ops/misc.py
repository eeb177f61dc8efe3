"""``torchvision.ops.misc``: :class:`FrozenBatchNorm2d`."""

from __future__ import annotations

from ..._tensor import Tensor
from ...nn.modules.module import Module

__all__ = ["FrozenBatchNorm2d"]


class FrozenBatchNorm2d(Module):
    """Batch norm with fixed statistics and affine terms, all buffers (torchvision's
    ``FrozenBatchNorm2d``): ``y = (x - running_mean) / sqrt(running_var + eps) * weight + bias``
    per channel of an ``(N, C, H, W)`` input. State dicts of ``BatchNorm2d`` load into it
    (their ``num_batches_tracked`` is dropped)."""

    def __init__(self, num_features: int, eps: float = 1e-5) -> None:
        import numtorch

        super().__init__()
        self.eps = eps
        self.register_buffer("weight", numtorch.ones(num_features))
        self.register_buffer("bias", numtorch.zeros(num_features))
        self.register_buffer("running_mean", numtorch.zeros(num_features))
        self.register_buffer("running_var", numtorch.ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, x: Tensor) -> Tensor:
        scale = self.weight.reshape(1, -1, 1, 1) * (
            self.running_var.reshape(1, -1, 1, 1) + self.eps).rsqrt()
        shift = self.bias.reshape(1, -1, 1, 1) - self.running_mean.reshape(1, -1, 1, 1) * scale
        return x * scale + shift

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"
