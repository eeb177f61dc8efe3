"""Small top-level utilities of ``torch``: ``typename``, ``is_storage``, the warn-always flag,
``set_default_tensor_type`` (deprecated), ``get_device_module``, ``frombuffer``/``from_file``,
the eager forms of the control-flow operators ``cond`` and ``while_loop``, the ``sym_*`` helpers
on plain Python numbers, ``set_anomaly_enabled`` and a few build/runtime queries."""

from __future__ import annotations

import builtins
import math
import warnings

from ._backend import host
from ._tensor import Tensor

__all__ = ["typename", "set_warn_always", "is_warn_always_enabled",
           "set_flush_denormal", "compiled_with_cxx11_abi", "is_vulkan_available",
           "init_num_threads", "get_device_module", "set_default_tensor_type", "frombuffer",
           "from_file", "cond", "while_loop", "sym_int", "sym_float", "sym_max", "sym_min",
           "sym_not", "sym_sqrt", "sym_ite", "sym_sum", "sym_fresh_size",
           "sym_constrain_range", "sym_constrain_range_for_size", "set_anomaly_enabled",
           "thread_safe_generator", "fork", "wait"]

_WARN_ALWAYS = [False]


def typename(obj) -> str:
    """``torch.typename``: a tensor's legacy type name (``torch.FloatTensor``), else the
    object's ``module.qualname`` (builtins without the module)."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("", "builtins") else f"{module}.{name}"


def set_warn_always(b: bool) -> None:
    """``torch.set_warn_always``: record the flag (numtorch's warnings follow Python's
    filters either way)."""
    _WARN_ALWAYS[0] = bool(b)


def is_warn_always_enabled() -> bool:
    """``torch.is_warn_always_enabled``: the flag ``set_warn_always`` set."""
    return _WARN_ALWAYS[0]


def set_flush_denormal(mode: bool) -> bool:
    """``torch.set_flush_denormal``: NumPy cannot flush denormals, so False (unsupported)."""
    return False


def compiled_with_cxx11_abi() -> bool:
    """``torch.compiled_with_cxx11_abi``: True, as PyTorch's own builds."""
    return True


def is_vulkan_available() -> bool:
    """``torch.is_vulkan_available``: False."""
    return False


def init_num_threads() -> None:
    """``torch.init_num_threads``: nothing to initialise."""


def thread_safe_generator():
    """``torch.thread_safe_generator``: None outside a DataLoader thread worker."""
    return None


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                 "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")


def get_device_module(device=None):
    """``torch.get_device_module``: the module of a device type (``numtorch.cpu`` by default,
    no accelerator being available)."""
    import importlib

    if device is None:
        name = "cpu"
    else:
        name = device if isinstance(device, str) else getattr(device, "type", str(device))
        name = name.split(":")[0]
        if name not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at "
                               f"start of device string: {name}")
    try:
        return importlib.import_module(f"numtorch.{name}")
    except ImportError:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as "
                           f"'torch.{name}'.") from None


def set_default_tensor_type(t) -> None:
    """``torch.set_default_tensor_type`` (deprecated, with PyTorch's warning): set the default
    dtype from a legacy floating tensor type (``torch.DoubleTensor`` or its name)."""
    import numtorch

    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    if isinstance(t, str):
        t = getattr(numtorch, t.split(".")[-1]) if t.startswith("torch.") else \
            getattr(numtorch, t)
    dtype = getattr(t, "dtype", None)
    if dtype is None or not dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    numtorch.set_default_dtype(dtype)


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """``torch.frombuffer``: a 1-D tensor sharing memory with a Python buffer."""
    import numtorch

    view = memoryview(buffer)
    length = view.nbytes
    size = dtype.itemsize
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({size})")
        count = (length - offset) // size
    elif count * size > length - offset:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if view.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors. This means you can write to the underlying "
                      "(supposedly non-writable) buffer using the tensor. You may want to copy "
                      "the buffer to protect its data or make it writable before converting it "
                      "to a tensor. This type of warning will be suppressed for the rest of "
                      "this program.", UserWarning, stacklevel=2)
    arr = host.frombuffer(buffer, dtype=numtorch._dtype.to_numpy_dtype(dtype), count=count,
                          offset=offset)
    if view.readonly:
        arr = arr.copy()
    t = numtorch.from_numpy(arr)
    return t.requires_grad_() if requires_grad else t


def from_file(filename: str, shared=None, size: int = 0, *, dtype=None, layout=None,
              device=None, pin_memory: bool = False) -> Tensor:
    """``torch.from_file``: ``size`` elements of ``dtype`` read from ``filename`` (with
    ``shared=True`` the tensor maps the file, so writes go back to it)."""
    import numtorch

    npdt = numtorch._dtype.to_numpy_dtype(dtype or numtorch.get_default_dtype())
    if shared:
        arr = host.memmap(filename, dtype=npdt, mode="r+", shape=(size,))
    else:
        arr = host.fromfile(filename, dtype=npdt, count=size)
        if arr.size < size:
            raise RuntimeError(f"Trying to read {size * npdt.itemsize} bytes from "
                               f"{filename}, but the file holds only {arr.nbytes} bytes")
    return numtorch.from_numpy(host.asarray(arr))


def cond(pred, true_fn, false_fn, operands=()):
    """``torch.cond`` run eagerly: ``true_fn(*operands)`` if ``pred`` (a bool or a one-element
    tensor) holds, else ``false_fn(*operands)``."""
    if isinstance(pred, Tensor) and pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    return (true_fn if bool(pred) else false_fn)(*operands)


def while_loop(cond_fn, body_fn, carried_inputs):
    """``torch._higher_order_ops.while_loop`` run eagerly: apply ``body_fn`` to the carried
    values while ``cond_fn`` holds; returns the final carried values as a tuple."""
    carried = tuple(carried_inputs)
    while bool(cond_fn(*carried)):
        out = body_fn(*carried)
        carried = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    return carried


def sym_int(a) -> int:
    """``torch.sym_int`` of a number: truncation toward zero."""
    return math.trunc(a) if isinstance(a, float) else int(a)


def sym_float(a) -> float:
    """``torch.sym_float`` of a number."""
    return float(a)


def sym_max(a, b):
    """``torch.sym_max`` of numbers."""
    return builtins.max(a, b)


def sym_min(a, b):
    """``torch.sym_min`` of numbers."""
    return builtins.min(a, b)


def sym_not(a) -> bool:
    """``torch.sym_not`` of a bool."""
    return not a


def sym_sqrt(a) -> float:
    """``torch.sym_sqrt`` of a number."""
    return math.sqrt(a)


def sym_ite(b, t, f):
    """``torch.sym_ite``: ``t if b else f``."""
    return t if b else f


def sym_sum(args):
    """``torch.sym_sum`` of numbers."""
    return builtins.sum(args)


def sym_fresh_size(expr):
    """``torch.sym_fresh_size``: a plain size is itself."""
    return expr


def sym_constrain_range(size, min=None, max=None) -> None:
    """``torch.sym_constrain_range``: checks a plain integer against the range."""
    if (min is not None and size < min) or (max is not None and size > max):
        raise RuntimeError(f"Invalid value {size} for range [{min}:{max}]")


def sym_constrain_range_for_size(size, min=None, max=None) -> None:
    """``torch.sym_constrain_range_for_size``: as ``sym_constrain_range`` (sizes are >= 0)."""
    sym_constrain_range(size, 0 if min is None else min, max)


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """``torch.set_anomaly_enabled``: switch anomaly detection (``autograd.set_detect_anomaly``
    without a context)."""
    from .autograd import anomaly_mode

    anomaly_mode.set_detect_anomaly(enabled, check_nan)


def fork(func, *args, **kwargs):
    """``torch.fork``: ``torch.jit.fork`` (runs ``func`` and returns a future of its result)."""
    from . import jit

    return jit.fork(func, *args, **kwargs)


def wait(future):
    """``torch.wait``: ``torch.jit.wait``."""
    from . import jit

    return jit.wait(future)
