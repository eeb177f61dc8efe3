"""class Tensor: a NumPy array with a dtype, a device and autograd fields.

Ops live in ``numtorch/_ops/`` (one module per family) and register their Tensor methods there
(``@tensor_method``), so each method sits beside its op and its gradient. This module holds the
attributes, conversions and autograd entry points.
"""

from __future__ import annotations

import copy
import warnings
import weakref
from typing import Any

import numpy as np

from . import _dtype as D
from . import _overrides
from ._backend import device_of, generic, ndarray, to_host
from ._device import as_device
from .autograd import grad_mode
from .autograd.graph import HookDict, RemovableHandle

_BY_NP = D._BY_NP
_state = grad_mode.state

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(int(s)) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


class Tensor:
    """A multi-dimensional array with autograd, matching ``torch.Tensor``."""

    __slots__ = ("_data", "_requires_grad", "grad_fn", "_output_nr", "_grad", "_version_box",
                 "_base", "_acc", "_hooks", "__weakref__", "__dict__")
    __array_priority__ = 1000
    # the fields every tensor has (set by ``_from_array``)
    _data: Any  # the array: a NumPy ndarray, or the device's array type
    _requires_grad: bool
    grad_fn: Any  # the Node that made it, None for a leaf
    _output_nr: int
    _grad: Tensor | None
    _version_box: list  # [version], shared by views of one storage
    _base: Tensor | None
    _acc: Any  # weakref to the leaf's AccumulateGrad node
    _hooks: HookDict | None

    def __new__(cls, *args, **kwargs):
        # torch.Tensor(2, 3) -> uninitialised float tensor; torch.Tensor([1, 2]) -> from data
        if kwargs.get("device") is not None:
            as_device(kwargs["device"])
        if len(args) == 1 and not isinstance(args[0], int):
            data = args[0]
            arr = np.array(to_host(data._data) if isinstance(data, Tensor) else data,
                           dtype=D.get_default_dtype().np)
        else:
            arr = np.empty(tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list))
                           else args, dtype=D.get_default_dtype().np)
        return _from_array(arr, False, cls)

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _overrides.install_subclass_methods(cls, Tensor)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """Run ``func`` with subclass dispatch disabled; Tensor results become ``cls``."""
        return _overrides.default_torch_function(cls, func, types, args, kwargs)

    def as_subclass(self, cls) -> Tensor:
        """This tensor as a ``cls`` instance sharing its data and autograd history."""
        return _overrides.as_subclass(self, cls)

    @staticmethod
    def _make_subclass(cls, data: Tensor, require_grad: bool = False) -> Tensor:
        """A ``cls`` leaf sharing ``data``'s memory (``torch.Tensor._make_subclass``)."""
        return _overrides.make_subclass(cls, data, require_grad)

    def _init(self, arr, requires_grad: bool = False) -> None:
        """Initialise an instance made by ``object.__new__(cls)`` (``nn.Parameter``)."""
        src = _from_array(arr, requires_grad)
        for name in _FIELDS:
            setattr(self, name, getattr(src, name))

    # -- basic attributes -------------------------------------------------------------------
    @property
    def dtype(self) -> D.dtype:
        return _BY_NP[self._data.dtype]

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def device(self):
        return device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    # devices and formats numtorch has no backend for: torch's flags, always False here
    is_xpu = is_mps = is_ipu = is_maia = is_mtia = is_vulkan = is_xla = property(
        lambda self: False)
    is_mkldnn = is_nested = is_sparse_csr = property(lambda self: False)

    def is_inference(self) -> bool:
        """Whether the tensor is an inference tensor. Known difference: numtorch does not mark
        the tensors made under ``inference_mode``, so this is False for them too."""
        return bool(self.__dict__.get("_inference", False))

    def is_distributed(self) -> bool:
        return False

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def is_same_size(self, other: Tensor) -> bool:
        if not isinstance(other, Tensor):
            raise TypeError("is_same_size(): argument 'other' (position 1) must be Tensor, not "
                            f"{type(other).__name__}")
        return self._data.shape == other._data.shape

    def is_set_to(self, tensor: Tensor) -> bool:
        """Whether both tensors view the same memory with the same geometry."""
        return (isinstance(tensor, Tensor) and self.data_ptr() == tensor.data_ptr()
                and self.shape == tensor.shape and self.stride() == tensor.stride())

    def dim_order(self) -> tuple:
        """The dims from outermost to innermost in memory (``Tensor.dim_order``)."""
        st = self.stride()
        return tuple(sorted(range(self.ndim), key=lambda d: (-st[d], d)))

    def const_data_ptr(self) -> int:
        return self.data_ptr()

    def __pos__(self) -> Tensor:
        return self

    def __reversed__(self) -> Tensor:
        return self.flip(0) if self.ndim else self

    def new(self, *args, **kwargs) -> Tensor:
        """``Tensor.new``: the legacy constructor of this tensor's dtype (``x.new(2, 3)``,
        ``x.new([1, 2])``)."""
        from ._legacy import tensor_type_of

        return tensor_type_of(self.dtype)(*args, **kwargs)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def stride(self, dim: int | None = None):
        st = array_strides(self._data)
        if dim is None:
            return st
        return st[_wrap_dim(dim, self._data.ndim)]

    def storage_offset(self) -> int:
        return array_offset(self._data)

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0] if self._data.size else 0

    def is_contiguous(self, memory_format=None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return self._version_box[0]

    def _bump_version(self) -> None:
        self._version_box[0] += 1

    @property
    def output_nr(self) -> int:
        return self._output_nr

    # -- autograd attributes ----------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            if value:
                return
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        if value and self._data.dtype.kind not in "fcV":
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in "fcV":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if self.grad_fn is None:
            self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        if self.grad_fn is not None and not self.__dict__.get("_retains_grad", False):
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self.__dict__.get("_retains_grad", False)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for a non-leaf tensor after backward (``Tensor.retain_grad``)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self.__dict__.get("_retains_grad"):
            return
        fn = self.grad_fn
        if fn._retain is None:
            fn._retain = {}
        fn._retain[self._output_nr] = weakref.ref(self)
        self.__dict__["_retains_grad"] = True

    def register_hook(self, hook) -> RemovableHandle:
        """Run ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_pre_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = HookDict()
        h = RemovableHandle(self._hooks)
        self._hooks[h.id] = hook
        return h

    def register_post_accumulate_grad_hook(self, hook) -> RemovableHandle:
        """Run ``hook(tensor)`` after a leaf's ``.grad`` was accumulated in a backward."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        hooks = self.__dict__.setdefault("_post_accumulate_hooks", HookDict())
        h = RemovableHandle(hooks)
        hooks[h.id] = hook
        return h

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulate the gradient of this tensor into the leaves (``Tensor.backward``)."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """A tensor sharing this one's data, outside the graph."""
        t = Tensor._from_array(self._data)
        t._version_box = self._version_box
        return t

    def detach_(self) -> Tensor:
        if self._base is not None and self._base._requires_grad and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are "
                               "using DistributedDataParallel (DDP) for training, and "
                               "gradient_as_bucket_view is set as True, gradients are views of "
                               "DDP buckets, and hence detach_() cannot be called on these "
                               "gradients. To fix this error, please refer to the "
                               "Optimizer.zero_grad() function in torch/optim/optimizer.py as "
                               "the solution.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        return self.detach()

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    def _check_inplace(self) -> None:
        """PyTorch's error for an in-place op on a leaf that requires grad (in grad mode)."""
        if self._requires_grad and self.grad_fn is None and _state.enabled:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        if (_state.enabled and self._base is not None and self._base._requires_grad
                and self._base.grad_fn is None and self.grad_fn is not None):
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")

    # -- conversions ------------------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return to_host(self._data).reshape(()).item()

    def tolist(self):
        return to_host(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if self.device.type != "cpu" and not force:
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                            "Tensor.cpu() to copy the tensor to host memory first.")
        if self._data.dtype.kind == "V":
            raise TypeError(f"Got unsupported ScalarType {self.dtype.c_name}")
        return to_host(self._data)

    def __array__(self, dtype=None, copy=None):
        if self._data.dtype.kind == "V":  # bfloat16/float8: NumPy has no such type (as torch)
            raise TypeError(f"Got unsupported ScalarType {self.dtype.c_name}")
        arr = to_host(self._data)
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self, tensor_contents=tensor_contents)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (type(self), to_host(self._data), self._requires_grad,
                           dict(self.__dict__)))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = _from_array(self._data.copy(), self._requires_grad, type(self))
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        for k, v in self.__dict__.items():
            new.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False) -> Tensor:
        return self.to("cuda" if device is None else as_device(device))

    def type(self, dtype=None, non_blocking: bool = False):
        if dtype is None:
            return "torch." + self.dtype.legacy_name
        if isinstance(dtype, str):
            dtype = D._BY_LEGACY_NAME[dtype.rsplit(".", 1)[-1]]
        return self.to(dtype)

    def pin_memory(self) -> Tensor:
        return self

    def is_pinned(self) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False

    @property
    def is_sparse(self) -> bool:
        return False

    def to_sparse(self, sparse_dim: int | None = None, **kwargs) -> Tensor:
        """``Tensor.to_sparse``: the COO form (non-zeros in row-major order, coalesced)."""
        from ._sparse import to_sparse

        return to_sparse(self, sparse_dim, **kwargs)

    def to_dense(self, dtype=None, *, masked_grad: bool | None = None) -> Tensor:
        """A strided tensor is its own dense form (``to(dtype)`` when ``dtype`` is given)."""
        return self if dtype is None else self.to(dtype)

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def layout(self):
        from ._layout import strided

        return strided

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else (d.index or 0)


def _from_array(arr, requires_grad: bool = False, cls=Tensor) -> Tensor:
    """Wrap an array as a ``cls`` without copying: the one constructor of every tensor (it is
    ``Tensor._from_array`` and the hot path's ``_ops._base._wrap``). A NumPy scalar (what a ufunc
    returns for 0-d operands) becomes a 0-d array, so in-place writes reach it."""
    if arr.__class__ is not _ndarray and isinstance(arr, _generic):
        arr = _asarray(arr)
    t = _new(cls)
    t._data = arr
    t._requires_grad = requires_grad
    t.grad_fn = None
    t._output_nr = 0
    t._grad = None
    t._version_box = [0]
    t._base = None
    t._acc = None
    t._hooks = None
    return t


Tensor._from_array = staticmethod(_from_array)
_new = object.__new__
_ndarray = ndarray
_generic = generic
_asarray = np.asarray
#: the per-instance fields ``_from_array`` sets (slots other than ``__weakref__``/``__dict__``)
_FIELDS = tuple(n for n in Tensor.__slots__ if not n.startswith("__"))


def _rebuild(cls, arr, requires_grad, state):
    t = _from_array(arr, requires_grad, cls)
    t.__dict__.update(state)
    return t


# -- geometry: a tensor's strides and storage offset are its array's, in elements ----------------
# Note [empty geometry]: NumPy allocates an empty array with all-zero strides and does not move
# the data pointer of an empty slice, so those two facts carry no information. A fresh empty array
# reports PyTorch's contiguous strides; the view ops build their empty (and size-1) results with
# ``strided_array`` so that the array itself holds PyTorch's strides and offset.
def array_root(arr):
    """The array owning ``arr``'s memory (through ``as_strided``'s wrapper objects too)."""
    while True:
        b = arr.base
        if isinstance(b, ndarray):
            arr = b
            continue
        inner = getattr(b, "base", None)
        if b is not None and isinstance(inner, ndarray):
            arr = inner
            continue
        return arr


def array_strides(arr) -> tuple:
    """PyTorch's strides (in elements) of a tensor holding ``arr``."""
    st = arr.strides
    if arr.size == 0 and not any(st) and type(arr.base) is not _Geometry:
        return _contiguous_strides(arr.shape)
    it = arr.itemsize
    return tuple(s // it for s in st)


def array_offset(arr) -> int:
    """PyTorch's storage offset (in elements) of a tensor holding ``arr``."""
    if not isinstance(arr, ndarray):
        return 0
    root = array_root(arr)
    if root is arr:
        return 0
    return (arr.__array_interface__["data"][0]
            - root.__array_interface__["data"][0]) // arr.itemsize


class _Geometry:
    """The base of a ``strided_array`` result: its memory's owner (``base``) and the geometry
    given on purpose, so that even all-zero strides of an empty view are believed."""

    __slots__ = ("__array_interface__", "base")

    def __init__(self, interface, base) -> None:
        self.__array_interface__ = interface
        self.base = base


def strided_array(arr, shape, strides, offset=None):
    """A view of ``arr``'s memory with ``shape`` and element ``strides``, starting at ``arr``'s
    first element, or at element ``offset`` of its storage when given (an empty view may start
    anywhere up to the storage's end)."""
    if not isinstance(arr, ndarray):
        return np.lib.stride_tricks.as_strided(arr, tuple(shape),
                                               tuple(int(s) * arr.itemsize for s in strides))
    it = arr.itemsize
    face = dict(arr.__array_interface__)
    face["shape"] = tuple(int(n) for n in shape)
    face["strides"] = tuple(int(s) * it for s in strides)
    if offset is not None:
        ptr, readonly = face["data"]
        face["data"] = (ptr + (int(offset) - array_offset(arr)) * it, readonly)
    out = np.asarray(_Geometry(face, arr))
    # an extension dtype (bfloat16) travels as raw bytes in the interface's typestr
    return out if out.dtype == arr.dtype else out.view(arr.dtype)


def _contiguous_strides(shape) -> tuple:
    st = []
    acc = 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(st))


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n
