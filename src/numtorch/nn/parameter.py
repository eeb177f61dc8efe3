"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers when assigned."""

from __future__ import annotations

import copy

from .._overrides import disabled_torch_function_impl
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer",
           "UninitializedTensorMixin", "is_lazy"]


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


_UNINIT_USE = ("Can't access the shape of an uninitialized parameter or buffer. This error "
               "usually happens in `load_state_dict` when trying to load an uninitialized "
               "parameter into an initialized one. Call `forward` to initialize the parameters "
               "before accessing their attributes.")


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet (lazy modules): it has no shape,
    prints as ``<ClassName>`` and becomes ``cls_to_become`` when ``materialize`` gives it one."""

    __slots__ = ()
    cls_to_become: type = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the tensor ``shape`` (uninitialised memory) and turn it into
        ``cls_to_become``, as ``torch.nn.parameter.UninitializedTensorMixin.materialize``."""
        from .._ops.creation import empty

        if device is None:
            device = self.device
        if dtype is None:
            dtype = self.dtype
        shape = tuple(shape) if not isinstance(shape, int) else (shape,)
        data = empty(*shape, device=device, dtype=dtype)
        requires_grad = self._requires_grad
        self._data = data._data
        self._version_box = data._version_box
        self._requires_grad = requires_grad
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(_UNINIT_USE)

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call "
                           "`forward` to initialize the parameters before calling "
                           "`module.share_memory()`.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, protocol):
        return (type(self), (self._requires_grad,))


def _refuse(name: str):
    def method(self, *args, **kwargs):
        kind = "parameter" if isinstance(self, Parameter) else "buffer"
        raise ValueError(
            f"Attempted to use an uninitialized {kind} in <method '{name.strip('_')}' of "
            "'torch._C.TensorBase' objects>. This error happens when you are using a "
            "`LazyModule` or explicitly manipulating `torch.nn.parameter.Uninitialized"
            f"{kind.capitalize()}` objects. When using LazyModules Call `forward` with a dummy "
            "batch to initialize the parameters before calling torch functions")

    method.__name__ = name
    return method


# the computations PyTorch refuses on a placeholder (shape-free metadata stays readable)
for _name in ("numel", "dim", "add", "sub", "mul", "div", "matmul", "sum", "mean", "detach",
              "clone", "pow", "neg", "abs", "exp", "log", "view", "reshape", "t", "__add__",
              "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
              "__rtruediv__", "__matmul__", "__rmatmul__", "__neg__", "__pow__", "__getitem__"):
    setattr(UninitializedTensorMixin, _name, _refuse(_name))
del _name


def is_lazy(param) -> bool:
    """Whether ``param`` is an uninitialised (lazy) parameter or buffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """``nn.UninitializedParameter``: a lazy module's parameter before its first forward;
    ``materialize`` turns it into a ``Parameter``."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        from .._ops.creation import empty

        return Parameter.__new__(cls, empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self._requires_grad, self.device, self.dtype)
        return memo[id(self)]


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """``nn.UninitializedBuffer``: a lazy module's buffer before its first forward;
    ``materialize`` turns it into a plain ``Tensor``."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None,
                persistent: bool = True):
        from .._ops.creation import empty

        self = object.__new__(cls)
        self._init(empty(0, device=device, dtype=dtype)._data, requires_grad)
        return self

    def __init__(self, requires_grad: bool = False, device=None, dtype=None,
                 persistent: bool = True) -> None:
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self._requires_grad, self.device, self.dtype)
        return memo[id(self)]


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
