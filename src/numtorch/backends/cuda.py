"""``torch.backends.cuda``: switches kept with torch's defaults; CUDA itself is not built."""

from __future__ import annotations

import contextlib
import enum


def is_built() -> bool:
    return False


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: settable, with torch's defaults."""

    def __init__(self) -> None:
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True
        self.fp32_precision = "none"


matmul = _MatmulFlags()

_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def flash_sdp_enabled() -> bool:
    return _sdp["flash"]


def mem_efficient_sdp_enabled() -> bool:
    return _sdp["mem_efficient"]


def math_sdp_enabled() -> bool:
    return _sdp["math"]


def cudnn_sdp_enabled() -> bool:
    return _sdp["cudnn"]


def enable_flash_sdp(enabled: bool) -> None:
    _sdp["flash"] = bool(enabled)


def enable_mem_efficient_sdp(enabled: bool) -> None:
    _sdp["mem_efficient"] = bool(enabled)


def enable_math_sdp(enabled: bool) -> None:
    _sdp["math"] = bool(enabled)


def enable_cudnn_sdp(enabled: bool) -> None:
    _sdp["cudnn"] = bool(enabled)


@contextlib.contextmanager
def sdp_kernel(enable_flash: bool = True, enable_math: bool = True,
               enable_mem_efficient: bool = True, enable_cudnn: bool = True):
    """Set the scaled-dot-product-attention switches for a block, then restore them."""
    old = dict(_sdp)
    _sdp.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient,
                cudnn=enable_cudnn)
    try:
        yield
    finally:
        _sdp.update(old)


class _LinalgBackend(enum.Enum):
    Default = 0
    Cusolver = 1
    Magma = 2


_linalg = [_LinalgBackend.Default]


def preferred_linalg_library(backend=None) -> _LinalgBackend:
    """Get (and with ``backend``, set) the preferred CUDA linear-algebra library."""
    if backend is not None:
        if isinstance(backend, str):
            names = {"default": _LinalgBackend.Default, "cusolver": _LinalgBackend.Cusolver,
                     "magma": _LinalgBackend.Magma}
            if backend.lower() not in names:
                raise RuntimeError(f"Unknown input value. Choose from: {', '.join(names)}.")
            backend = names[backend.lower()]
        _linalg[0] = backend
    return _linalg[0]
