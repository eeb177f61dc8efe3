"""Tensor creation: ``tensor``, ``zeros``/``ones``/``full``/``empty`` and friends, ranges, ``eye``.

Also the dtype/device conversion ``Tensor.to`` and ``clone``/``contiguous`` (copies with
gradients: ToCopyBackward0, CloneBackward0).
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._backend import xp_for, xp_of
from .._device import as_device
from .._tensor import Size, Tensor
from ._base import Op, tensor_method, write_out

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
    "ones_like", "full_like", "empty_like", "arange", "range", "linspace", "logspace", "eye",
    "empty_strided", "scalar_tensor", "is_tensor", "numel", "clone", "complex", "polar",
]


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)):
            raise TypeError(f"empty(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {type(s).__name__} at pos 0")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(str(x) for x in size)}]")
        out.append(int(s))
    return tuple(out)


def _np_dtype(dtype, default=None):
    if dtype is None:
        return (default or D.get_default_dtype()).np if not isinstance(default, np.dtype) \
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
        return D.from_numpy_dtype(np.dtype(dtype))
    except TypeError:
        raise TypeError(f"dtype must be a numtorch dtype, got {dtype!r}") from None


def _finish(arr, requires_grad: bool) -> Tensor:
    t = Tensor._from_array(arr)
    if requires_grad:
        if arr.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def _infer_dtype(data):
    """dtype ``torch.tensor`` infers from nested Python data (floats -> default dtype)."""
    kinds = set()

    def walk(x):
        if isinstance(x, Tensor):
            kinds.add(("t", x.dtype))
        elif isinstance(x, np.ndarray):
            kinds.add(("t", D.from_numpy_dtype(x.dtype)))
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, builtins.bool | np.bool_):
            kinds.add(("s", D.bool_))
        elif isinstance(x, (int, np.integer)):
            kinds.add(("s", D.int64))
        elif isinstance(x, builtins.complex | np.complexfloating):
            kinds.add(("s", D.complex128 if D.get_default_dtype() is D.float64 else D.complex64))
        elif isinstance(x, (float, np.floating)):
            kinds.add(("s", D.get_default_dtype()))
        elif isinstance(x, str):
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


def _to_array(data, npdt):
    if isinstance(data, Tensor):
        return data._data.astype(npdt, copy=True)
    if isinstance(data, (list, tuple)) and any(isinstance(v, Tensor) for v in data):
        parts = []
        for v in data:
            if isinstance(v, Tensor):
                if v._data.size != 1 and v._data.ndim == 0:
                    pass
                parts.append(np.asarray(v._data, dtype=npdt) if v.ndim else v.item())
            else:
                parts.append(_to_array(v, npdt) if isinstance(v, (list, tuple)) else v)
        return np.array(parts, dtype=npdt)
    return np.array(data, dtype=npdt)


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor copying ``data`` (nested lists, scalars, NumPy arrays, tensors)."""
    if isinstance(data, Tensor):
        import warnings

        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    dev = as_device(device)
    xp = xp_for(dev)
    dt = _coerce_dtype(dtype) if dtype is not None and not isinstance(dtype, D.dtype) else dtype
    if dt is None:
        if isinstance(data, np.ndarray):
            dt = D.from_numpy_dtype(data.dtype)
        elif isinstance(data, Tensor):
            dt = data.dtype
        else:
            dt = _infer_dtype(data)
    npdt = D.to_numpy_dtype(dt)
    try:
        arr = _to_array(data, npdt)
    except ValueError as e:
        if "inhomogeneous" in str(e) or "sequence" in str(e):
            raise ValueError(f"expected sequence of length {_first_len(data)} at dim 1 "
                             f"(got {_bad_len(data)})") from None
        raise
    if xp is not np:
        arr = xp.asarray(arr)
    return _finish(arr, requires_grad)


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
    if isinstance(data, np.ndarray):
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


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (``torch.from_numpy``)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    return Tensor._from_array(ndarray)


def _filled(size, fill, dtype, device, requires_grad, default=None, out=None):
    shape = _size(size)
    npdt = _np_dtype(dtype, default)
    xp = xp_for(as_device(device))
    if fill is None:
        arr = xp.empty(shape, dtype=npdt)
    elif fill == 0:
        arr = xp.zeros(shape, dtype=npdt)
    else:
        arr = xp.full(shape, fill, dtype=npdt)
    return write_out(out, _finish(arr, requires_grad))


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False) -> Tensor:
    if any(isinstance(v, int) and v < 0 for v in _flat_ints(size)):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return _filled(size, 0, dtype, device, requires_grad, out=out)


def _flat_ints(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list, Size)) \
        else size


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    return _filled(size, 1, dtype, device, requires_grad, out=out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None) -> Tensor:
    return _filled(size, None, dtype, device, requires_grad, out=out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype is inferred from the value as PyTorch."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    default = D.scalar_dtype(fill_value) if dtype is None else None
    return _filled((tuple(size),) if not isinstance(size, int) else (size,), fill_value, dtype,
                   device, requires_grad, default=default, out=out)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


def _like(input, fill, dtype, device, requires_grad):
    dt = input.dtype if dtype is None else dtype
    dev = input.device if device is None else device
    return _filled((input._data.shape,), fill, dt, dev, requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    return _like(input, 0, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    return _like(input, 1, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    return _like(input, None, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    return _like(input, fill_value, dtype, device, requires_grad)


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
    return _filled((tuple(size),), fill_value, dtype or self.dtype, device or self.device,
                   requires_grad)


@tensor_method("new_tensor")
def _new_tensor(self, data, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = data.dtype if isinstance(data, Tensor) else self.dtype
    return tensor(data.detach() if isinstance(data, Tensor) else data, dtype=dtype,
                  device=device or self.device, requires_grad=requires_grad)


def _scalar(v):
    return v.item() if isinstance(v, Tensor) else v


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """``[start, end)`` by ``step``; integer dtype when all arguments are integers."""
    start, end, step = _scalar(start), _scalar(end), _scalar(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        all_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dt = D.int64 if all_int else D.get_default_dtype()
    else:
        dt = dtype if isinstance(dtype, D.dtype) else _coerce_dtype(dtype)
    npdt = D.to_numpy_dtype(dt)
    n = max(0, math.ceil((end - start) / step))
    xp = xp_for(as_device(device))
    if dt.is_floating_point and dt is not D.float64:
        # PyTorch computes start + i*step in double for float outputs, then rounds
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(npdt)
    else:
        arr = (start + np.arange(n, dtype=np.float64 if dt.is_floating_point else np.int64)
               * step).astype(npdt)
    if xp is not np:
        arr = xp.asarray(arr)
    return write_out(out, _finish(arr, requires_grad))


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
    arr = (start + np.arange(n, dtype=np.float64) * step).astype(D.to_numpy_dtype(dt))
    return _finish(arr, requires_grad)


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` points from start to end (PyTorch's symmetric formula)."""
    start, end = _scalar(start), _scalar(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = dtype if dtype is not None else D.get_default_dtype()
    npdt = D.to_numpy_dtype(dt)
    if steps == 1:
        arr = np.array([start], dtype=npdt)
    else:
        comp = np.float32 if npdt in (np.float32, np.float16) else np.float64
        step = comp((comp(end) - comp(start)) / comp(steps - 1))
        idx = np.arange(steps).astype(comp)
        lo = comp(start) + step * idx
        hi = comp(end) - step * (comp(steps - 1) - idx)
        arr = np.where(np.arange(steps) < steps // 2, lo, hi)
        if npdt.kind in "iu":
            arr = np.trunc(arr)
        arr = arr.astype(npdt)
    return write_out(out, _finish(xp_for(as_device(device)).asarray(arr), requires_grad))


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    lin = linspace(start, end, steps, dtype=D.float64)
    dt = dtype if dtype is not None else D.get_default_dtype()
    return _finish(np.power(base, lin._data).astype(D.to_numpy_dtype(dt)), requires_grad)


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False) -> Tensor:
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    arr = xp_for(as_device(device)).eye(n, n if m is None else m, dtype=_np_dtype(dtype))
    return write_out(out, _finish(arr, requires_grad))


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


# ---------------------------------------------------------------------------------------------
# copies: to / clone / contiguous
class ToCopy(Op):
    grad_fn_name = "ToCopyBackward0"

    def forward(self, a):
        return a.astype(self.dtype, copy=True)

    def backward(self, g):
        return g


def _dense(a) -> bool:
    """Non-overlapping and dense (a permutation of a contiguous layout): the layouts whose
    strides PyTorch's clone preserves; any other layout is cloned contiguous."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return True
    dims = sorted((abs(st), n) for n, st in zip(a.shape, a.strides) if n != 1)
    expect = a.itemsize
    for st, n in dims:
        if st != expect:
            return False
        expect *= n
    return True


class Clone(Op):
    grad_fn_name = "CloneBackward0"

    def forward(self, a):
        keep = not self.contiguous and _dense(a)
        return xp_of(a).array(a, copy=True, order="K" if keep else "C")

    def backward(self, g):
        return g


@tensor_method("clone")
def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy with its own storage, in the graph (CloneBackward0)."""
    return Clone.apply(input, contiguous=False)


@tensor_method("contiguous")
def _contiguous(self: Tensor, memory_format=None) -> Tensor:
    if self._data.flags.c_contiguous:
        return self
    return Clone.apply(self, contiguous=True)


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in args:
        if isinstance(a, D.dtype):
            dt = a
        elif isinstance(a, Tensor):
            dt, dev = a.dtype, a.device
        elif isinstance(a, bool):
            pass
        elif a is not None:
            dev = a
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got "
                        f"unexpected keyword {next(iter(kwargs))}")
    return (as_device(dev) if dev is not None else None), dt, copy


@tensor_method("to")
def _to(self: Tensor, *args, **kwargs) -> Tensor:
    """Convert dtype and/or device; returns ``self`` when nothing changes (as PyTorch)."""
    dev, dt, copy = _parse_to(args, kwargs)
    if dt is not None and not isinstance(dt, D.dtype):
        dt = _coerce_dtype(dt)
    out = self
    if dev is not None and dev.type != self.device.type:
        xp_for(dev)
    if dt is not None and dt.np != self._data.dtype:
        out = ToCopy.apply(self, dtype=D.to_numpy_dtype(dt))
    elif copy:
        out = Clone.apply(self, contiguous=False)
    return out


def _dtype_method(name, dt):
    def method(self, memory_format=None):
        return _to(self, dt)
    method.__name__ = name
    tensor_method(name)(method)


for _n, _d in (("float", D.float32), ("double", D.float64), ("half", D.float16),
               ("bfloat16", D.bfloat16), ("long", D.int64), ("int", D.int32),
               ("short", D.int16), ("char", D.int8), ("byte", D.uint8), ("bool", D.bool_),
               ("cfloat", D.complex64), ("cdouble", D.complex128)):
    _dtype_method(_n, _d)


@tensor_method("type_as")
def _type_as(self, other: Tensor) -> Tensor:
    return _to(self, other.dtype)


@tensor_method("copy_")
def _copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self``; differentiable with respect to src."""
    from .pointwise import _inplace

    if not isinstance(src, Tensor):
        src = tensor(src)

    def take(old, s):
        return _CopyFrom.apply(old, s, dtype=self._data.dtype, shape=self._data.shape)
    return _inplace(self, take, src)


class _CopyFrom(Op):
    grad_fn_name = "CopyBackwards"

    def forward(self, dst, src):
        xp = xp_of(dst)
        return xp.broadcast_to(src.astype(self.dtype, copy=False), self.shape).copy()

    def backward(self, g):
        return g * 0, g


@tensor_method("fill_")
def _fill_(self: Tensor, value) -> Tensor:
    """Fill with a scalar (FillBackward2) or a 0-d tensor (FillBackward3)."""
    from .pointwise import _inplace

    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return _inplace(self, lambda old, v: _FillTensor.apply(old, v), value)
    return _inplace(self, lambda old: _Fill.apply(old, value=value))


class _Fill(Op):
    grad_fn_name = "FillBackward2"

    def forward(self, a, v=None):
        out = xp_of(a).empty_like(a)
        out[...] = self.value if v is None else v
        return out

    def backward(self, g):
        return g * 0


class _FillTensor(_Fill):
    grad_fn_name = "FillBackward3"

    def forward(self, a, v):
        return super().forward(a, v)

    def backward(self, g):
        return g * 0, (g.sum() if self.next_functions[1][0] is not None else None)


@tensor_method("zero_")
def _zero_(self: Tensor) -> Tensor:
    from .pointwise import _inplace

    def zero(old):
        return _Zero.apply(old)
    return _inplace(self, zero)


class _Zero(Op):
    grad_fn_name = "ZeroBackward0"

    def forward(self, a):
        return xp_of(a).zeros_like(a)

    def backward(self, g):
        return g * 0
