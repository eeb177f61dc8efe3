"""Tensor factories: ``tensor``, ``zeros``/``ones``/``full``/``empty`` and friends, ranges, ``eye``.

Every factory records through the non-differentiable :class:`Create` op, whose forward builds
the array; ``requires_grad=True`` then marks the new leaf.
"""

from __future__ import annotations

import builtins
import math
from numbers import Number

from ... import _device as _device_mod
from ... import _dtype as D
from ..._backend import host, ndarray, xp_for, xp_of
from ..._device import as_device
from ..._dtype import _BY_NP
from ..._tensor import Size, Tensor, strided_array
from .._base import Op, tensor_method, write_out

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
    "ones_like", "full_like", "empty_like", "arange", "range", "linspace", "logspace", "eye",
    "empty_strided", "empty_permuted", "scalar_tensor", "is_tensor", "numel", "complex", "polar",
]


class Create(Op):
    """A new tensor from no tensor inputs: ``Create.apply(make, args)`` runs ``make(*args)``.

    The two positional inputs are a builder and its arguments (never tensors, so the call takes
    ``apply``'s shortest path). Nothing flows back: the result is a leaf, and ``requires_grad=``
    is set on it afterwards.
    """

    grad_fn_name = "CreateBackward0"
    non_differentiable = (0,)
    params = ()

    def forward(self, make, args):
        return make(*args)


_create = Create.apply
#: the array module of the default device
_CPU_XP = xp_for(as_device(None))
#: the default device (``set_default_device``): the fast paths hold only while it is the CPU
_DEFAULT = _device_mod._default
_CPU = _device_mod.CPU


def _plain_size(size):
    """``size`` as a tuple when it is plain non-negative ints (the common case), else None."""
    if len(size) == 1 and size[0].__class__ in _SEQUENCES:
        size = size[0]
    for s in size:
        if s.__class__ is not int or s < 0:
            return None
    return tuple(size)


_SEQUENCES = {tuple, list, Size}


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, host.integer)):
            raise TypeError(f"empty(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {type(s).__name__} at pos 0")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(str(x) for x in size)}]")
        out.append(int(s))
    return tuple(out)


def _np_dtype(dtype, default=None):
    if dtype.__class__ is D.dtype and dtype.np is not None:
        return dtype.np
    if dtype is None:
        return (default or D.get_default_dtype()).np if not isinstance(default, host.dtype) \
            else default
    if not isinstance(dtype, D.dtype):
        dtype = _coerce_dtype(dtype)
    return D.to_numpy_dtype(dtype)


def _coerce_dtype(dtype):
    if dtype is builtins.float:
        return D.float64
    if dtype is builtins.int:
        return D.int64
    if dtype is builtins.bool:
        return D.bool_
    if dtype is builtins.complex:
        return D.complex128
    try:
        return D.from_numpy_dtype(host.dtype(dtype))
    except TypeError:
        raise TypeError(f"dtype must be a numtorch dtype, got {dtype!r}") from None


def _made(make, args, requires_grad: bool) -> Tensor:
    """``Create.apply(make, args)``, marked as a leaf requiring grad if asked."""
    t = _create(make, args)
    if requires_grad:
        _require_grad(t)
    return t


def _require_grad(t: Tensor) -> None:
    if t._data.dtype.kind not in "fcV":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    t._requires_grad = True


def _infer_dtype(data):
    """dtype ``torch.tensor`` infers from nested Python data (floats -> default dtype)."""
    if data.__class__ is list and data:
        for v in data:
            if v.__class__ is not float:
                break
        else:  # a flat list of floats, the common case
            return D.get_default_dtype()
    kinds = set()

    def walk(x):
        if isinstance(x, Tensor):
            kinds.add(("t", x.dtype))
        elif isinstance(x, ndarray):
            kinds.add(("t", D.from_numpy_dtype(x.dtype)))
        elif isinstance(x, host.generic) and (x.dtype in _BY_NP or x.dtype.kind in "fcV"):
            # a NumPy scalar keeps its dtype, as in PyTorch (long double: PyTorch's TypeError)
            kinds.add(("s", D.from_numpy_dtype(x.dtype)))
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, builtins.bool | host.bool_):
            kinds.add(("s", D.bool_))
        elif isinstance(x, (int, host.integer)):
            kinds.add(("s", D.int64))
        elif isinstance(x, builtins.complex | host.complexfloating):
            kinds.add(("s", D.complex128 if D.get_default_dtype() is D.float64 else D.complex64))
        elif isinstance(x, (float, host.floating)):
            kinds.add(("s", D.get_default_dtype()))
        elif isinstance(x, str):
            if x is not data and x is _first_leaf(data):  # where PyTorch reads the shape
                raise ValueError(f"too many dimensions '{type(x).__name__}'")
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        else:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    walk(data)
    if not kinds:
        return D.get_default_dtype()
    res = None
    for _, d in kinds:
        res = d if res is None else D.promote_types(res, d)
    return res


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def astype(a, dtype):
    """A copy of ``a`` converted to the array dtype ``dtype`` as PyTorch converts: into
    float8_e4m3fn finite and infinite values saturate to +-448, and float8_e8m0fnu (unsigned,
    no zero) takes magnitudes, its smallest value standing for zero."""
    name = getattr(dtype, "name", "")
    if name == "float8_e4m3fn" and a.dtype != dtype:
        xp = xp_of(a)
        a = xp.clip(a.astype("float32") if a.dtype.kind != "f" else a, -448.0, 448.0)
    elif name == "float8_e8m0fnu" and a.dtype != dtype:
        xp = xp_of(a)
        a = xp.maximum(xp.abs(a.astype("float32")), 2.0 ** -127)
    return a.astype(dtype, copy=True)


def _to_array(xp, data, npdt):
    if isinstance(data, Tensor):
        return astype(data._data, npdt)
    if npdt.name in ("float8_e4m3fn", "float8_e8m0fnu"):
        return astype(xp.array(data, dtype="float64"), npdt)
    if isinstance(data, (list, tuple)) and any(isinstance(v, Tensor) for v in data):
        parts = []
        for v in data:
            if isinstance(v, Tensor):
                parts.append(xp.asarray(v._data, dtype=npdt) if v.ndim else v.item())
            else:
                parts.append(_to_array(xp, v, npdt) if isinstance(v, (list, tuple)) else v)
        return xp.array(parts, dtype=npdt)
    return xp.array(data, dtype=npdt)


def _int_array(xp, data, npdt):
    """An integer array from Python data as PyTorch converts each element: an int in range (for
    an unsigned dtype, ``-max..max``, wrapping) or its overflow error; a float truncated."""
    if npdt == _I64:  # NumPy raises for a Python int or float out of range
        try:
            return _to_array(xp, data, npdt)
        except (OverflowError, ValueError, TypeError):
            pass  # out of range or not an int: the element-wise conversion says which
    else:  # NumPy scalars would wrap silently: check the natural array's range
        try:
            nat = host.array(data)
        except (ValueError, TypeError, OverflowError):
            nat = None
        if nat is not None and nat.dtype.kind in "iub":
            lo, hi = _bounds(npdt)
            if nat.dtype.kind == "b" or not nat.size or (
                    (-hi if lo == 0 else lo) <= nat.min() and nat.max() <= hi):
                return xp.asarray(nat.astype(npdt))
    return xp.array(_checked_ints(data, _bounds(npdt), npdt.name), dtype=npdt)


_I64_LO, _I64_HI = -(1 << 63), (1 << 63) - 1


def _checked_ints(v, bounds, name):
    """Nested Python ints from ``v`` (PyTorch's per-element int conversion into ``bounds``)."""
    if isinstance(v, (list, tuple)):
        return [_checked_ints(x, bounds, name) for x in v]
    if isinstance(v, (Tensor, ndarray)) and v.ndim:
        return _checked_ints(v.tolist(), bounds, name)
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, (builtins.bool, host.bool_)):
        return int(v)
    lo, hi = bounds
    if isinstance(v, (int, host.integer)):
        v = int(v)
        if not _I64_LO <= v <= _I64_HI:
            raise ValueError("Overflow when unpacking long long")
        if not (-hi <= v <= hi if lo == 0 else lo <= v <= hi):
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        return v & hi if lo == 0 else v
    if isinstance(v, float):
        if not lo <= v <= hi:  # NaN too
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        return int(v)
    if isinstance(v, (builtins.complex, host.complexfloating)):
        raise TypeError("'complex' object cannot be interpreted as an integer")
    raise TypeError(f"'{_type_name(v)}' object cannot be interpreted as an integer")


def _from_data(xp, data, npdt):
    """``tensor``'s array: ``data`` converted, PyTorch's message for ragged nested lists."""
    try:
        if npdt.kind in "iu" and not isinstance(data, (ndarray, Tensor)):
            return _int_array(xp, data, npdt)
        return _to_array(xp, data, npdt)
    except TypeError as e:
        if "not 'complex'" in str(e):
            raise TypeError("must be real number, not complex") from None
        raise
    except ValueError as e:
        if "could not convert string" in str(e) or "invalid literal" in str(e):
            raise ValueError("too many dimensions 'str'") from None  # a str in a list
        if "inhomogeneous" in str(e) or "sequence" in str(e):
            raise ValueError(f"expected sequence of length {_first_len(data)} at dim 1 "
                             f"(got {_bad_len(data)})") from None
        raise


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor copying ``data`` (nested lists, scalars, NumPy arrays, tensors)."""
    if isinstance(data, Tensor):
        import warnings

        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    xp = _CPU_XP if device is None and _DEFAULT[0] is _CPU else xp_for(as_device(device))
    dt = _coerce_dtype(dtype) if dtype is not None and not isinstance(dtype, D.dtype) else dtype
    if dt is None:
        if isinstance(data, ndarray):
            dt = D.from_numpy_dtype(data.dtype)
        elif isinstance(data, Tensor):
            dt = data.dtype
        else:
            dt = _infer_dtype(data)
    elif isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    elif data is None:
        raise TypeError("must be real number, not NoneType" if dt.is_floating_point
                        or dt.is_complex else "'NoneType' object cannot be interpreted as an "
                        "integer")
    t = _create(_from_data, (xp, data, D.to_numpy_dtype(dt)))
    if requires_grad:
        _require_grad(t)
    return t


def _first_len(data):
    try:
        return len(data[0])
    except TypeError:
        return 0


def _bad_len(data):
    n = _first_len(data)
    for v in data:
        try:
            if len(v) != n:
                return len(v)
        except TypeError:
            return 0
    return n


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Share memory with ``data`` when possible (tensors, NumPy arrays of the same dtype)."""
    if isinstance(data, Tensor):
        if dtype is None and device is None:
            return data
        return data.to(device=device, dtype=dtype)
    if isinstance(data, ndarray):
        t = from_numpy(data)
        return t if dtype is None else t.to(dtype)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = t.clone()
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (``torch.from_numpy``)."""
    if not isinstance(ndarray, _ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    return _create(_same, (ndarray,))


_ndarray = ndarray


def _same(arr):
    return arr


def _full_array(xp, shape, fill, npdt):
    try:
        if fill is None:
            return xp.empty(shape, dtype=npdt)
        if fill == 0:
            return xp.zeros(shape, dtype=npdt)
        return xp.full(shape, fill, dtype=npdt)
    except (MemoryError, ValueError) as e:
        nbytes = math.prod(shape) * npdt.itemsize
        if nbytes > _I64_HI:
            raise RuntimeError("Storage size calculation overflowed with sizes=["
                               f"{', '.join(map(str, shape))}]") from None
        if isinstance(e, MemoryError):
            raise RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: "
                               f"can't allocate memory: you tried to allocate {nbytes} bytes. "
                               "Error code 12 (Cannot allocate memory)") from None
        raise


def _filled(size, fill, dtype, device, requires_grad, default=None, out=None, shape=None):
    if shape is None:
        shape = _plain_size(size) or _size(size)
    npdt = _np_dtype(dtype, default)
    xp = _CPU_XP if device is None and _DEFAULT[0] is _CPU else xp_for(as_device(device))
    t = _create(_full_array, (xp, shape, fill, npdt))
    if requires_grad:
        _require_grad(t)
    return t if out is None else write_out(out, t)



def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False) -> Tensor:
    shape = _plain_size(size)
    if shape is None:
        if any(isinstance(v, int) and v < 0 for v in _flat_ints(size)):
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        shape = _size(size)
    return _filled(size, 0, dtype, device, requires_grad, out=out, shape=shape)


def _flat_ints(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list, Size)) \
        else size


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    return _filled(size, 1, dtype, device, requires_grad, out=out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None) -> Tensor:
    return _filled(size, None, dtype, device, requires_grad, out=out)


def _type_name(x) -> str:
    return f"numpy.{type(x).__name__}" if isinstance(x, host.generic) else type(x).__name__


def _full_size(size, fn: str = "full") -> tuple:
    """``full``'s size: a sequence of ints (PyTorch's argument errors otherwise)."""
    if size.__class__ is tuple and all(s.__class__ is int for s in size):
        return size
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{_type_name(size)}")
    for i, s in enumerate(size):
        if s.__class__ is int or isinstance(s, (int, host.integer)) and not isinstance(
                s, (builtins.bool, host.bool_)) or isinstance(s, Tensor) and not s.ndim:
            continue
        if i == 0:
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {_type_name(s)} at pos 0")
        raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos {i + 1} "
                        f"with error \"type must be tuple of ints,but got {_type_name(s)}\"")
    return tuple(size)


def _fill_value(v, fn: str = "full"):
    """``full``'s fill value as a Python number (PyTorch's TypeError for anything else)."""
    if v.__class__ in _NUMBERS:
        return v
    if isinstance(v, Tensor) and not v.ndim and not v._requires_grad:
        return v.item()
    if isinstance(v, host.generic) and not isinstance(v, (host.str_, host.bytes_)):
        return 0.0 + v.item() if isinstance(v, host.bool_) else v.item()  # np.bool_: a float
    if not isinstance(v, (builtins.bool, int, float, builtins.complex)):
        raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{_type_name(v)}")
    return v


#: the C++ type names PyTorch's scalar conversion errors print
_CPP_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
              "int64": "int64_t", "float16": "c10::Half", "float32": "float",
              "float64": "double", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


_NUMBERS = {float, int, builtins.bool, builtins.complex}
#: per NumPy dtype: (lowest, highest) finite value
_BOUNDS: dict = {}


def _bounds(npdt):
    b = _BOUNDS.get(npdt)
    if b is None:
        info = host.iinfo(npdt) if npdt.kind in "iu" else host.finfo(npdt)
        b = _BOUNDS[npdt] = (int(info.min), int(info.max)) if npdt.kind in "iu" else (
            float(info.min), float(info.max))
    return b


def checked_scalar(v, npdt):
    """A Python scalar converted for a fill of ``npdt`` as PyTorch's ``checked_convert``: ints
    wrap into unsigned types from ``-max..max``, floats truncate; out of range is its error."""
    kind = npdt.kind
    if kind == "f" and v.__class__ is float and npdt.itemsize == 8:
        return v
    if v.__class__ is int and not _I64_LO <= v <= _I64_HI:  # PyTorch's int64/uint64 Scalar
        if v < _I64_LO:
            raise OverflowError("can't convert negative int to unsigned")
        if v >> 64:
            raise OverflowError("int too big to convert")
        v = float(v)
    if kind == "b":
        return builtins.bool(v)
    if v.__class__ is builtins.bool:
        return v
    if v.__class__ is builtins.complex and kind != "c":
        if v.imag:
            raise _overflow(npdt)
        v = v.real
    if kind in "iu":
        lo, hi = _bounds(npdt)
        if v.__class__ is int:
            if not (-hi <= v <= hi if kind == "u" else lo <= v <= hi):
                raise _overflow(npdt)
            return v & hi if kind == "u" else v
        if not lo <= v <= hi:  # NaN and infinities too
            raise _overflow(npdt)
        return int(v)
    if kind in "fV":
        if npdt.itemsize < 8:
            big = _bounds(npdt)[1]
            if not -big <= v <= big and math.isfinite(v):
                raise _overflow(npdt)
        return v
    if npdt.itemsize < 16:
        big = _bounds(_F32)[1]
        for part in (v.real, v.imag):
            if not -big <= part <= big and math.isfinite(part):
                raise _overflow(npdt)
    return v


def _overflow(npdt):
    return RuntimeError(f"value cannot be converted to type {_CPP_NAMES.get(npdt.name, npdt.name)}"
                        " without overflow")


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype is inferred from the value as PyTorch."""
    size = _full_size(size)
    fill_value = _fill_value(fill_value)
    default = D.scalar_dtype(fill_value) if dtype is None else None
    npdt = _np_dtype(dtype, default)
    return _filled((size,), checked_scalar(fill_value, npdt), None, device, requires_grad,
                   default=npdt, out=out)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``torch.empty_permuted``: uninitialised memory of ``size`` (the layout is not kept)."""
    size = tuple(size)
    if sorted(physical_layout) != list(builtins.range(len(size))):
        raise RuntimeError("Dimension order of physical_layout must be a permutation of "
                           f"0..{len(size) - 1}")
    return empty(size, dtype=dtype, device=device, requires_grad=requires_grad)


@tensor_method("new_empty_strided")
def _new_empty_strided(self: Tensor, size, stride, *, dtype=None, layout=None, device=None,
                       requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    return empty_strided(tuple(size), tuple(stride), dtype=dtype or self.dtype, device=device,
                         requires_grad=requires_grad)


def dense_layout(a) -> bool:
    """Non-overlapping and dense (a permutation of a contiguous layout): the layouts whose
    strides PyTorch's ``preserve_format`` keeps (clone, the ``*_like`` factories)."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return True
    dims = sorted((abs(st), n) for n, st in zip(a.shape, a.strides) if n != 1)
    expect = a.itemsize
    for st, n in dims:
        if st != expect:
            return False
        expect *= n
    return True


def _like(input, fill, dtype, device, requires_grad, memory_format=None):
    """A tensor of ``input``'s shape filled with ``fill``, its strides in the order of
    ``input``'s (PyTorch's ``preserve_format``; NumPy's ``empty_like`` order "K")."""
    dt = input.dtype if dtype is None else dtype
    dev = input.device if device is None else device
    a = input._data
    if (memory_format is None or getattr(memory_format, "name", "") == "preserve_format") \
            and as_device(dev) == input.device and a.ndim > 1 and not _row_major(a):
        return _made(_like_array, (a, D.to_numpy_dtype(dt), fill), requires_grad)
    return _filled((a.shape,), fill, dt, dev, requires_grad)


def _row_major(a) -> bool:
    """Strides exactly row-major's (NumPy's contiguity flag ignores size-1 dims' strides,
    which PyTorch's ``*_like`` keep)."""
    expect = a.itemsize
    for n, st in zip(reversed(a.shape), reversed(a.strides)):
        if st != expect:
            return False
        expect *= max(n, 1)
    return True


def _like_array(a, npdt, fill):
    xp = xp_of(a)
    if dense_layout(a) and all(st >= 0 for st in a.strides):
        # PyTorch keeps a dense input's strides exactly (size-1 dims included)
        buf = xp.empty(a.size, dtype=npdt)
        out = strided_array(buf, a.shape, tuple(st // a.itemsize for st in a.strides))
    else:
        out = xp.empty_like(a, dtype=npdt)  # order "K": the order of the input's strides
    if fill is not None:
        out[...] = fill
    return out


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    return _like(input, 0, dtype, device, requires_grad, memory_format)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    return _like(input, 1, dtype, device, requires_grad, memory_format)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    return _like(input, None, dtype, device, requires_grad, memory_format)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    npdt = input._data.dtype if dtype is None else _np_dtype(dtype)
    fill_value = checked_scalar(_fill_value(fill_value, "full_like"), npdt)
    return _like(input, fill_value, dtype, device, requires_grad, memory_format)


@tensor_method("new_zeros")
def _new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 0, dtype or self.dtype, device or self.device, requires_grad)


@tensor_method("new_ones")
def _new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 1, dtype or self.dtype, device or self.device, requires_grad)


@tensor_method("new_empty")
def _new_empty(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _filled(size, None, dtype or self.dtype, device or self.device, requires_grad)


@tensor_method("new_full")
def _new_full(self, size, fill_value, *, dtype=None, device=None,
              requires_grad: bool = False) -> Tensor:
    size = _full_size(size, "new_full")
    dtype = dtype or self.dtype
    fill_value = checked_scalar(_fill_value(fill_value, "new_full"), _np_dtype(dtype))
    return _filled((size,), fill_value, dtype, device or self.device, requires_grad)


@tensor_method("new_tensor")
def _new_tensor(self, data, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = data.dtype if isinstance(data, Tensor) else self.dtype
    return tensor(data.detach() if isinstance(data, Tensor) else data, dtype=dtype,
                  device=device or self.device, requires_grad=requires_grad)


def _as_tensor(x, like: Tensor | None = None) -> Tensor:
    """``x`` as a tensor (a Python value takes ``like``'s dtype when given)."""
    if isinstance(x, Tensor):
        return x
    if like is not None:
        return tensor(x, dtype=like.dtype)
    return tensor(x)


def _scalar(v):
    return v.item() if isinstance(v, Tensor) else v


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "None"


_NO_END = _Unset()
_ARANGE = (
    "(Number end, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
    "torch.device device = None, bool pin_memory = False, bool requires_grad = False)",
    "(Number start, Number end, *, torch.dtype dtype = None, torch.layout layout = None, "
    "torch.device device = None, bool pin_memory = False, bool requires_grad = False)",
    "(Number start, Number end, Number step = 1, *, Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)")


def _arange_kinds(start, end, step) -> None:
    """PyTorch's TypeError unless every bound given is a Number (or a 0-d Tensor)."""
    given = (start,) if end is _NO_END else (start, end, step)
    if all(v.__class__ in _NUMBERS or isinstance(v, (Number, Tensor)) for v in given):
        return
    if end is _NO_END:
        raise TypeError(f"arange(): argument 'end' (position 1) must be Number, not "
                        f"{_type_name(start)}")
    from ..shape._kinds import combination

    raise combination("arange", (start, end) if step.__class__ is int and step == 1
                      else (start, end, step), _ARANGE)


def arange(start=0, end=_NO_END, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """``[start, end)`` by ``step``; integer dtype when all arguments are integers."""
    if not (start.__class__ is int and end.__class__ is int and step.__class__ is int):
        _arange_kinds(start, end, step)
    start, end, step = _scalar(start), _scalar(end), _scalar(step)
    if end is _NO_END:
        start, end = 0, start
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dt = D.int64 if (_is_int(start) and _is_int(end) and _is_int(step)) \
            else D.get_default_dtype()
    else:
        dt = dtype if isinstance(dtype, D.dtype) else _coerce_dtype(dtype)
    npdt = D.to_numpy_dtype(dt)
    n = max(0, math.ceil((end - start) / step))
    xp = _CPU_XP if device is None and _DEFAULT[0] is _CPU else xp_for(as_device(device))
    # PyTorch computes start + i*step in double for float outputs, then rounds
    wide = _F64 if dt.is_floating_point else _I64
    t = _create(_range_array, (xp, start, step, n, wide, npdt))
    if requires_grad:
        _require_grad(t)
    return t if out is None else write_out(out, t)


_F64, _I64, _F32 = D.float64.np, D.int64.np, D.float32.np


def _is_int(v) -> bool:
    return v.__class__ is int or isinstance(v, (int, host.integer))


def _range_array(xp, start, step, n, wide, npdt):
    return (start + xp.arange(n, dtype=wide) * step).astype(npdt)


def range(start=0, end=None, step=1, *, dtype=None, device=None,  # noqa: A001
          requires_grad: bool = False) -> Tensor:
    """Deprecated ``torch.range``: inclusive of ``end``, default dtype."""
    import warnings

    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dt = dtype or D.get_default_dtype()
    args = (xp_for(as_device(device)), start, step, n, D.float64.np, D.to_numpy_dtype(dt))
    return _made(_range_array, args, requires_grad)


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` points from start to end (PyTorch's symmetric formula)."""
    start, end = _scalar(start), _scalar(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = dtype if dtype is not None else D.get_default_dtype()
    args = (xp_for(as_device(device)), start, end, steps, D.to_numpy_dtype(dt))
    return write_out(out, _made(_linspace_array, args, requires_grad))


def _linspace_array(xp, start, end, steps, npdt):
    """PyTorch's CPU linspace: ``start + step*i`` for the first half and
    ``end - step*(steps-1-i)`` for the rest, each a fused multiply-add (one rounding) for the
    floating dtypes of its vectorised kernel (float32 and float64)."""
    if steps == 1:
        return xp.array([start], dtype=npdt)
    comp = xp.float32 if npdt in (xp.float32, xp.float16) else xp.float64
    step = comp((comp(end) - comp(start)) / comp(steps - 1))
    idx = xp.arange(steps).astype(comp)
    if (xp is host and npdt.kind == "f" and npdt.itemsize >= 4
            and not complex_kind(start, end)):
        from ..._random.fma import fma32, fma64

        fma = fma32 if comp == xp.float32 else fma64
        lo = fma(idx, step, comp(start))
        hi = fma(comp(steps - 1) - idx, -step, comp(end))
    else:
        lo = comp(start) + step * idx
        hi = comp(end) - step * (comp(steps - 1) - idx)
    arr = xp.where(xp.arange(steps) < steps // 2, lo, hi)
    if npdt.kind in "iu":
        arr = xp.trunc(arr)
    return arr.astype(npdt)


def complex_kind(*values) -> bool:
    return any(isinstance(v, builtins.complex) for v in values)


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``, the exponents in double."""
    lin = linspace(start, end, steps, dtype=D.float64)
    dt = dtype if dtype is not None else D.get_default_dtype()
    return _made(_power_array, (base, lin._data, D.to_numpy_dtype(dt)), requires_grad)


def _power_array(base, exponents, npdt):
    return xp_of(exponents).power(base, exponents).astype(npdt)


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """``torch.eye``: ones on the main diagonal of an (n, m) matrix."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    xp = xp_for(as_device(device))
    return write_out(out, _made(xp.eye, (n, n if m is None else m, 0, _np_dtype(dtype)),
                                requires_grad))


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return tensor(s, dtype=dtype or D.get_default_dtype(), device=device,
                  requires_grad=requires_grad)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def complex(real, imag) -> Tensor:  # noqa: A001
    """A complex tensor from real and imaginary parts."""
    return real + imag * 1j


def polar(abs, angle) -> Tensor:  # noqa: A002
    return complex(abs * angle.cos(), abs * angle.sin())
