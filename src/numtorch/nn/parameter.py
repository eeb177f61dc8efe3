"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers when assigned."""

from __future__ import annotations

import copy

from .._overrides import disabled_torch_function_impl
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]


class Parameter(Tensor):
    """A leaf Tensor that modules list in ``parameters()``; shares storage with ``data``.

    ``repr`` is ``"Parameter containing:\\n"`` followed by the tensor's repr, as in PyTorch.
    """

    __torch_function__ = disabled_torch_function_impl

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .._ops.creation import empty

            data = empty(0)
        self = object.__new__(cls)
        self._init(data._data, False)
        self._version_box = data._version_box
        if requires_grad and data._data.dtype.kind not in "fcV":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = bool(requires_grad)
        return self

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        data = Tensor._from_array(self._data.copy())
        new = type(self)(data, self._requires_grad)
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        from .._backend import to_host

        return (_rebuild_parameter, (to_host(self._data), self._requires_grad))


def _rebuild_parameter(arr, requires_grad):
    return Parameter(Tensor._from_array(arr), requires_grad)


class UninitializedParameter(Parameter):
    """Placeholder of lazy modules (not supported beyond construction)."""


class Buffer(Tensor):
    """``nn.Buffer(t, persistent=True)``: assigning it to a Module registers a buffer.

    The module stores a plain Tensor sharing this one's data (the marker only says how to
    register it).
    """

    __torch_function__ = disabled_torch_function_impl

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            from .._ops.creation import empty

            data = empty(0)
        self = object.__new__(cls)
        self._init(data._data, data._requires_grad)
        self._version_box = data._version_box
        self.persistent = persistent
        return self

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        pass
