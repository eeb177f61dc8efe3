"""``torch.autograd.Variable``: the pre-0.4 wrapper, today a Tensor constructor
(``Variable(t, requires_grad=True)`` is a tensor sharing ``t``'s data) whose ``isinstance``
accepts every Tensor, as torch's."""

from __future__ import annotations

from .._tensor import Tensor

__all__ = ["Variable"]


class VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        return isinstance(other, Tensor)


class Variable(metaclass=VariableMeta):
    """``Variable(data, requires_grad=False, volatile=False)``: a Tensor sharing ``data``."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if data is None:
            from .._ops.creation import empty

            return empty(0).requires_grad_(requires_grad)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        return out.requires_grad_(requires_grad) if requires_grad else out
