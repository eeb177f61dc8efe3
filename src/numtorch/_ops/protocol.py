"""Tensor's Python and interchange protocols that are not math: DLPack (``__dlpack__``,
``__dlpack_device__``, ``from_dlpack``, ``to_dlpack``), ``__array_wrap__`` (NumPy ufuncs on a
Tensor return a Tensor), membership (``__contains__``), the legacy dunder spellings
(``__long__``, ``__nonzero__``, ``__div__``, ``__idiv__``, shift variants), the element-wise
Python callbacks ``apply_``/``map_``/``map2_``, and the small compatibility surface of dense
CPU tensors (``to_dense``, ``dense_dim``/``sparse_dim``, ``as_subclass``, ``module_load``,
``grad_dtype``, ``volatile``, ``name``, ``resize``/``resize_as``).
"""

from __future__ import annotations

import enum
import numbers
import warnings

from .._backend import host
from .._tensor import Tensor
from ._base import tensor_method
from ._inplace import inplace
from .creation.factories import Create
from .pointwise import bitwise_left_shift, bitwise_right_shift

__all__ = ["from_dlpack", "to_dlpack"]


class DLDeviceType(enum.IntEnum):
    """DLPack's device codes (the ones ``__dlpack_device__`` can report)."""

    __str__ = enum.Enum.__str__

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


# -- DLPack ------------------------------------------------------------------------------------
@tensor_method("__dlpack__")
def __dlpack__(self: Tensor, *, stream=None, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule of ``self``'s memory (a versioned one when ``max_version`` allows);
    tensors that require grad are refused, as PyTorch."""
    if self._requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    kwargs = {}
    if max_version is not None:
        kwargs["max_version"] = max_version
    if copy is not None:
        kwargs["copy"] = copy
    if dl_device is not None:
        kwargs["dl_device"] = dl_device
    return self._data.__dlpack__(stream=stream, **kwargs)


@tensor_method("__dlpack_device__")
def __dlpack_device__(self: Tensor) -> tuple:
    """``(DLDeviceType.kDLCPU, 0)`` for a CPU tensor."""
    kind, index = self._data.__dlpack_device__()
    return (DLDeviceType(int(kind)), int(index))


def _shared(arr):
    return arr


def from_dlpack(ext_tensor) -> Tensor:
    """``torch.from_dlpack``: a Tensor sharing memory with any object exporting ``__dlpack__``
    (a numtorch or torch tensor, a NumPy array...). A bare DLPack capsule is not accepted."""
    if not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack() expects an object with a __dlpack__ method, got "
                        f"{type(ext_tensor).__name__} (DLPack capsules are not supported)")
    return Create.apply(_shared, (host.from_dlpack(ext_tensor),))


def to_dlpack(tensor: Tensor):
    """``torch.to_dlpack``: ``tensor.__dlpack__()``, a DLPack capsule."""
    return tensor.__dlpack__()


@tensor_method("__array_wrap__")
def __array_wrap__(self: Tensor, array, context=None, return_scalar: bool = False) -> Tensor:
    """What a NumPy ufunc on a Tensor returns: a Tensor over its result (bool arrays come back
    as uint8, as PyTorch)."""
    if array.dtype == bool:
        array = array.astype("uint8")
    return Create.apply(_shared, (host.asarray(array),))


# -- Python protocol spellings -----------------------------------------------------------------
@tensor_method("__contains__")
def __contains__(self: Tensor, element) -> bool:
    """``element in tensor``: whether any element equals ``element`` (a Tensor or a number)."""
    if not isinstance(element, (Tensor, numbers.Number)):
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed "
                           f"in a {type(element)}.")
    return bool((element == self).any().item())


@tensor_method("__delitem__")
def __delitem__(self: Tensor, key) -> None:
    """Deleting items is not supported (PyTorch's TypeError)."""
    raise TypeError("Tensor does not support deleting items")


@tensor_method("__long__")
def __long__(self: Tensor) -> int:
    """Python 2's ``long()``: ``int(self)``."""
    return int(self)


@tensor_method("__nonzero__")
def __nonzero__(self: Tensor) -> bool:
    """Python 2's truth test: ``bool(self)``."""
    return bool(self)


@tensor_method("__div__")
def __div__(self: Tensor, other) -> Tensor:
    """Python 2's ``/``: true division."""
    return self.__truediv__(other)


@tensor_method("__idiv__")
def __idiv__(self: Tensor, other) -> Tensor:
    """Python 2's ``/=``: in-place true division."""
    return self.__itruediv__(other)


@tensor_method("__ilshift__")
def __ilshift__(self: Tensor, other) -> Tensor:
    """``self <<= other``."""
    return inplace(self, bitwise_left_shift, other)


@tensor_method("__irshift__")
def __irshift__(self: Tensor, other) -> Tensor:
    """``self >>= other``."""
    return inplace(self, bitwise_right_shift, other)


@tensor_method("__rlshift__")
def __rlshift__(self: Tensor, other) -> Tensor:
    """``other << self`` for a number ``other``."""
    return bitwise_left_shift(other, self)


@tensor_method("__rrshift__")
def __rrshift__(self: Tensor, other) -> Tensor:
    """``other >> self`` for a number ``other``."""
    return bitwise_right_shift(other, self)


# -- element-wise Python callbacks -------------------------------------------------------------
def _no_grad_callback(self: Tensor, name: str) -> None:
    if self._requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                           f"var.detach().{name}() instead.")


def _write_mapped(self: Tensor, fn, *others) -> Tensor:
    """Write ``_mapped`` into ``self``; like PyTorch, these callbacks leave the version counter
    alone."""
    res = _mapped(self, fn, *others)
    self._data[...] = res._data
    return self


def _mapped(self: Tensor, fn, *others):
    """A tensor like ``self`` holding ``fn`` of each element (and the matching elements of
    ``others``, broadcast to ``self``'s shape)."""
    shape = tuple(self.shape)
    cols = [self.reshape(-1).tolist()]
    cols += [o.expand(shape).reshape(-1).tolist() for o in others]
    values = [fn(*vals) for vals in zip(*cols)]
    return self.new_tensor(values).reshape(shape)


@tensor_method("apply_")
def apply_(self: Tensor, callable) -> Tensor:
    """``Tensor.apply_``: replace each element by ``callable(element)`` (Python-level, slow;
    not for tensors that require grad)."""
    _no_grad_callback(self, "apply_")
    return _write_mapped(self, callable)


@tensor_method("map_")
def map_(self: Tensor, tensor: Tensor, callable) -> Tensor:
    """``Tensor.map_``: ``callable(a, b)`` for each element ``a`` of ``self`` and ``b`` of
    ``tensor`` (broadcast to ``self``), in place."""
    _no_grad_callback(self, "map_")
    return _write_mapped(self, callable, tensor)


@tensor_method("map2_")
def map2_(self: Tensor, x: Tensor, y: Tensor, callable) -> Tensor:
    """``Tensor.map2_``: ``callable(a, b, c)`` over ``self``, ``x`` and ``y``, in place."""
    _no_grad_callback(self, "map2_")
    return _write_mapped(self, callable, x, y)


# -- dense-tensor compatibility ----------------------------------------------------------------
@tensor_method("to_dense")
def to_dense(self: Tensor, dtype=None, *, masked_grad=None) -> Tensor:
    """A strided tensor is already dense: ``self`` (converted when ``dtype`` differs)."""
    if dtype is None or dtype == self.dtype:
        return self
    return self.to(dtype)


@tensor_method("dense_dim")
def dense_dim(self: Tensor) -> int:
    """Number of dense dims: all of them for a strided tensor."""
    return self._data.ndim


@tensor_method("sparse_dim")
def sparse_dim(self: Tensor) -> int:
    """Number of sparse dims: 0 for a strided tensor."""
    return 0


@tensor_method("module_load")
def module_load(self: Tensor, other: Tensor, assign: bool = False) -> Tensor:
    """What ``load_state_dict`` stores for ``self`` given ``other``: ``other`` detached when
    ``assign``, else ``self`` with ``other`` copied in (detached)."""
    if assign:
        return other.detach()
    return self.copy_(other).detach()


def _grad_dtype(self: Tensor):
    if self.grad_fn is not None:
        raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
    return self.__dict__.get("_grad_dtype", self.dtype)


def _set_grad_dtype(self: Tensor, dtype) -> None:
    if self.grad_fn is not None:
        raise RuntimeError("grad_dtype can only be set on leaf tensors.")
    self.__dict__["_grad_dtype"] = dtype


def _volatile(self: Tensor) -> bool:
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def _set_volatile(self: Tensor, value) -> None:
    warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                  "instead.", UserWarning, stacklevel=2)


tensor_method("grad_dtype")(property(
    _grad_dtype, _set_grad_dtype,
    doc="The dtype ``grad`` must have: ``self``'s unless set (leaf tensors only)."))
tensor_method("volatile")(property(_volatile, _set_volatile,
                                   doc="Removed: always False, with a warning."))
tensor_method("name")(property(lambda self: None, doc="The tensor's name: always None."))


@tensor_method("resize")
def resize(self: Tensor, *sizes) -> Tensor:
    """Deprecated out-of-place ``resize``: a resized copy (PyTorch's warning)."""
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    return self.detach().clone().resize_(*sizes)


@tensor_method("resize_as")
def resize_as(self: Tensor, tensor: Tensor) -> Tensor:
    """Deprecated out-of-place ``resize_as``: a copy resized like ``tensor``."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    return self.detach().clone().resize_(tuple(tensor.shape))


@tensor_method("is_nonzero")
def is_nonzero(self: Tensor) -> bool:
    """``Tensor.is_nonzero``: the truth of a one-element tensor (PyTorch's errors otherwise)."""
    if self._data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    return bool(self)


@tensor_method("reinforce")
def reinforce(self: Tensor, reward) -> None:
    """Removed from PyTorch: raises its error pointing to ``torch.distributions``."""
    raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead.\nSee "
                       "https://pytorch.org/docs/main/distributions.html\n\nInstead of:\n\n"
                       "probs = policy_network(state)\naction = probs.multinomial()\n"
                       "next_state, reward = env.step(action)\naction.reinforce(reward)\n"
                       "action.backward()\n\nUse:\n\nprobs = policy_network(state)\n"
                       "# NOTE: categorical is equivalent to what used to be called multinomial\n"
                       "m = torch.distributions.Categorical(probs)\naction = m.sample()\n"
                       "next_state, reward = env.step(action)\n"
                       "loss = -m.log_prob(action) * reward\nloss.backward()")


_NO_DEVICE = {
    "xpu": (AssertionError, "Torch not compiled with XPU enabled"),
    "mtia": (AssertionError, "Torch not compiled with MTIA enabled. Ensure you have `import "
                             "mtia.host_runtime.torch_mtia.dynamic_library` in your python src "
                             "file and include `//mtia/host_runtime/torch_mtia:torch_mtia` as "
                             "your target dependency!"),
    "ipu": (RuntimeError, "PyTorch is not linked with support for ipu devices"),
}


def _no_device(kind: str):
    def fn(self, device=None, non_blocking: bool = False, memory_format=None):
        exc, msg = _NO_DEVICE[kind]
        raise exc(msg)
    fn.__name__ = fn.__qualname__ = kind
    fn.__doc__ = f"``Tensor.{kind}``: numtorch has no {kind} device (PyTorch's error)."
    return fn


for _kind in _NO_DEVICE:
    tensor_method(_kind)(_no_device(_kind))
del _kind
