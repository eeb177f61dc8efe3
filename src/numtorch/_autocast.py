"""Autocast state and casting (``torch.autocast``'s machinery below the public API).

While autocast is on for the CPU, each op class with an ``autocast_policy`` has its Tensor
inputs cast before it runs, as PyTorch's autocast dispatch key does: ``"lower"`` ops (matmul,
convolution, ...) get floating inputs other than float64 in the autocast dtype; ``"fp32"``
ops (losses, ``prod``, ...) get float16/bfloat16 inputs in float32. The casts are recorded
ops (``ToCopyBackward0``), so gradients flow back in each input's own dtype. Composite
functions whose whole body PyTorch casts (``linear``, ``matmul``, ``cross_entropy``) call
:func:`cast` at their entry. Casts of leaf tensors that require grad (weights) are cached
until the outermost autocast region ends, as ``cache_enabled=True`` does.
"""

from __future__ import annotations

from . import _dtype as D

__all__ = ["cast", "enabled", "get_dtype", "set_dtype", "set_enabled"]

#: per device type: is autocast on, and its dtype (PyTorch's defaults)
_enabled = {"cpu": False, "cuda": False}
_dtype = {"cpu": D.bfloat16, "cuda": D.float16}
_state = {"cache_enabled": True, "nesting": 0}
_cache: dict = {}
_LOWER_INPUT = (D.float16, D.bfloat16, D.float32)


def enabled(device_type: str = "cpu") -> bool:
    return _enabled.get(device_type, False)


def set_enabled(device_type: str, on: bool) -> None:
    _enabled[device_type] = bool(on)
    _sync_layer()


def get_dtype(device_type: str) -> D.dtype:
    return _dtype.get(device_type, D.float16)


def set_dtype(device_type: str, dtype: D.dtype) -> None:
    _dtype[device_type] = dtype


def clear_cache() -> None:
    _cache.clear()


def cast(policy: str, *tensors):
    """``tensors`` as an op with ``policy`` ("lower" or "fp32") receives them under CPU
    autocast (unchanged when autocast is off); None and non-Tensors pass through."""
    if not _enabled["cpu"]:
        return tensors
    return tuple([_cast_one(policy, t) for t in tensors])


def _cast_one(policy, t):
    dt = getattr(t, "dtype", None)
    if not isinstance(dt, D.dtype):
        return t
    if policy == "lower":
        target = _dtype["cpu"]
        if dt is target or dt not in _LOWER_INPUT:
            return t
    elif policy == "fp32":
        if dt not in (D.float16, D.bfloat16):
            return t
        target = D.float32
    else:
        return t
    cacheable = _state["cache_enabled"] and t.requires_grad and t.grad_fn is None \
        and policy == "lower"
    if cacheable:
        hit = _cache.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
    from ._ops.creation.convert import ToCopy  # the cast is a recorded op, as torch's

    out = ToCopy.apply(t, dtype=D.to_numpy_dtype(target))
    if cacheable:
        _cache[id(t)] = (t, out)
    return out


class _Layer:
    """The interposer on ``Op.apply`` while CPU autocast is on (chained like the profiler)."""

    def __init__(self, outer) -> None:
        self.outer = outer

    def __call__(self, cls, inputs, params):
        from ._ops import _base

        policy = getattr(cls, "autocast_policy", None)
        saved, _base._tracer = _base._tracer, self.outer
        try:
            if policy is not None:
                cast = tuple([_cast_one(policy, x) for x in inputs])
                params = _follow_cast(inputs, cast, params)
                inputs = cast
            if self.outer is not None:
                return self.outer(cls, inputs, params)
            return cls.apply(*inputs, **params)
        finally:
            _base._tracer = saved


def _follow_cast(before, after, params):
    """A result ``dtype`` the caller inferred from an input (``prod``'s) follows its cast."""
    want = params.get("dtype")
    if want is None:
        return params
    for b, a in zip(before, after):
        if a is not b and getattr(b, "_data", None) is not None and b._data.dtype == want:
            return {**params, "dtype": a._data.dtype}
    return params


_layer: _Layer | None = None


def _sync_layer() -> None:
    """Install the layer when CPU autocast turns on, remove it when it turns off."""
    global _layer
    from ._ops import _base

    if _enabled["cpu"] and _layer is None:
        _layer = _Layer(_base._tracer)
        _base._tracer = _layer
    elif not _enabled["cpu"] and _layer is not None:
        if _base._tracer is _layer:
            _base._tracer = _layer.outer
        else:  # another layer went on top: unlink ours from the chain
            node = _base._tracer
            while node is not None and getattr(node, "outer", None) is not _layer:
                node = getattr(node, "outer", None)
            if node is not None:
                node.outer = _layer.outer
        _layer = None


# -- torch's top-level autocast functions (``torch.is_autocast_enabled`` ...) ------------------
def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on for ``device_type`` (CUDA when not given, as torch)."""
    return enabled("cuda" if device_type is None else device_type)


def set_autocast_enabled(device_type, enabled_: bool | None = None) -> None:
    """``set_autocast_enabled(device_type, enabled)`` (or the legacy CUDA form with one
    bool)."""
    if enabled_ is None:
        device_type, enabled_ = "cuda", device_type
    set_enabled(device_type, enabled_)


def get_autocast_dtype(device_type: str) -> D.dtype:
    return get_dtype(device_type)


def set_autocast_dtype(device_type: str, dtype: D.dtype) -> None:
    set_dtype(device_type, dtype)


def _deprecated(old: str, new: str) -> None:
    import warnings

    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled() -> bool:
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return enabled("cpu")


def set_autocast_cpu_enabled(enabled_: bool) -> None:
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_enabled("cpu", enabled_)


def get_autocast_cpu_dtype() -> D.dtype:
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_dtype("cpu")


def set_autocast_cpu_dtype(dtype: D.dtype) -> None:
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_dtype("cpu", dtype)


def get_autocast_gpu_dtype() -> D.dtype:
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_dtype("cuda")


def set_autocast_gpu_dtype(dtype: D.dtype) -> None:
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_dtype("cuda", dtype)


def is_autocast_cache_enabled() -> bool:
    return _state["cache_enabled"]


def set_autocast_cache_enabled(enabled_: bool) -> None:
    _state["cache_enabled"] = bool(enabled_)


def clear_autocast_cache() -> None:
    clear_cache()


def autocast_increment_nesting() -> int:
    _state["nesting"] += 1
    return _state["nesting"]


def autocast_decrement_nesting() -> int:
    _state["nesting"] -= 1
    return _state["nesting"]


TOP_LEVEL = ("is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype",
             "set_autocast_dtype", "is_autocast_cpu_enabled", "set_autocast_cpu_enabled",
             "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "get_autocast_gpu_dtype",
             "set_autocast_gpu_dtype", "is_autocast_cache_enabled",
             "set_autocast_cache_enabled", "clear_autocast_cache",
             "autocast_increment_nesting", "autocast_decrement_nesting")
