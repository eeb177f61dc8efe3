"""``torch.amp.autocast``: regions where ops run in a lower precision (see numtorch._autocast
for which ops cast what), as a context manager or decorator."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from .. import _autocast
from .. import _dtype as D
from .._device import device as _device_cls

__all__ = ["autocast", "autocast_decorator", "custom_bwd", "custom_fwd",
           "is_autocast_available"]

_CPU_DTYPES = (D.bfloat16, D.float16)


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast exists for ``device_type`` (``torch.amp.is_autocast_available``)."""
    return device_type in ("cpu", "cuda", "xpu", "mps", "hpu", "xla", "ipu", "mtia", "maia")


class autocast:  # noqa: N801 - torch's name
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``.

    On the CPU, ``dtype`` is bfloat16 (the default) or float16; any other dtype warns and the
    region runs without autocast, as torch. CUDA autocast is disabled with torch's warning
    when no CUDA device is available. Regions nest; ``enabled=False`` turns autocast off
    inside an enclosing region.
    """

    def __init__(self, device_type: str, dtype: D.dtype | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        try:
            _device_cls(device_type)
        except RuntimeError:
            raise RuntimeError(f"Invalid device string: '{device_type}'") from None
        self.device = device_type
        self.fast_dtype = _autocast.get_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = (_autocast._state["cache_enabled"] if cache_enabled is None
                               else cache_enabled)
        self._enabled = bool(enabled)
        if device_type == "cpu":
            if self._enabled and self.fast_dtype not in _CPU_DTYPES:
                warnings.warn("In CPU autocast, but the target dtype is not supported. "
                              "Disabling autocast.\nCPU Autocast only supports dtypes of "
                              "torch.bfloat16, torch.float16 currently.", UserWarning,
                              stacklevel=2)
                self._enabled = False
        elif device_type == "cuda":
            from .. import cuda

            if self._enabled and not cuda.is_available():
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                              "autocast.", UserWarning, stacklevel=2)
                self._enabled = False
        elif self._enabled:
            warnings.warn(f"User specified an unsupported autocast device_type "
                          f"'{device_type}'", UserWarning, stacklevel=2)
            self._enabled = False

    def __enter__(self):
        dev = self.device
        self._prev = (_autocast.enabled(dev), _autocast.get_dtype(dev),
                      _autocast._state["cache_enabled"])
        _autocast.set_dtype(dev, self.fast_dtype)
        _autocast._state["cache_enabled"] = self._cache_enabled
        _autocast._state["nesting"] += 1
        _autocast.set_enabled(dev, self._enabled)
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        dev = self.device
        _autocast._state["nesting"] -= 1
        if _autocast._state["nesting"] == 0:
            _autocast.clear_cache()
        on, dt, cache = self._prev
        _autocast.set_enabled(dev, on)
        _autocast.set_dtype(dev, dt)
        _autocast._state["cache_enabled"] = cache

    def __call__(self, func):
        return autocast_decorator(self, func)


def autocast_decorator(autocast_instance: autocast, func):
    """``func`` run inside ``autocast_instance`` (what ``@torch.autocast(...)`` returns)."""
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    return decorate_autocast


def custom_fwd(fwd=None, *, device_type: str, cast_inputs: D.dtype | None = None):
    """``torch.amp.custom_fwd``: a custom Function's forward runs with its inputs cast to
    ``cast_inputs`` and autocast off (when given and autocast is on), and its backward later
    runs under the same autocast state (with :func:`custom_bwd`)."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._fwd_used_autocast = _autocast.enabled(device_type)
        ctx._dtype = _autocast.get_dtype(device_type)
        if cast_inputs is None or not ctx._fwd_used_autocast:
            return fwd(*args, **kwargs)
        args = tuple([_cast_to(a, cast_inputs) for a in args])
        kwargs = {k: _cast_to(v, cast_inputs) for k, v in kwargs.items()}
        with autocast(device_type, enabled=False):
            return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """``torch.amp.custom_bwd``: backward runs under the autocast state its forward saw."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)
    return decorate_bwd


def _cast_to(value, dtype):
    from .._tensor import Tensor

    if isinstance(value, Tensor) and value.is_floating_point() and value.dtype is not D.float64:
        return value.to(dtype)
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_to(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast_to(v, dtype) for k, v in value.items()}
    return value
