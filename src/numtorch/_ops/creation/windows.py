"""PyTorch's top-level window factories: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window``, ``kaiser_window`` (``periodic=True`` by default: the
symmetric window of length ``N + 1`` without its last sample, as ``stft`` wants).

Each window is computed in float64 and cast to the requested floating dtype (PyTorch computes
in that dtype, so float32 values may differ in the last bit).
"""

from __future__ import annotations

import math

from ... import _dtype as D
from ..._backend import special as S
from ..._backend import xp_for
from ..._device import as_device
from ..._tensor import Tensor
from .._inplace import torch_type_name
from .factories import _CPU, _CPU_XP, _DEFAULT, _create, _np_dtype, _require_grad

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


def _samples(xp, n: int, kind: str, params: tuple):
    """The symmetric window of ``n`` samples (float64)."""
    k = xp.arange(n, dtype=xp.float64)
    if kind == "kaiser":
        (beta,) = params
        half = (n - 1) / 2
        ratio = (k - half) / half
        arg = beta * xp.sqrt(xp.clip(1 - ratio * ratio, 0, None))
        return S.i0(arg) / S.i0(xp.asarray(beta, dtype=xp.float64))
    if kind == "bartlett":
        return 1 - xp.abs(2 * k / (n - 1) - 1)
    phase = 2 * math.pi * k / (n - 1)
    if kind == "blackman":
        return 0.42 - 0.5 * xp.cos(phase) + 0.08 * xp.cos(2 * phase)
    alpha, beta = params  # hann: (0.5, 0.5); hamming: (alpha, beta)
    return alpha - beta * xp.cos(phase)


def _make(xp, length: int, periodic: bool, kind: str, params: tuple, npdt):
    if length == 0:
        return xp.zeros(0, dtype=npdt)
    if length == 1:
        return xp.ones(1, dtype=npdt)
    n = length + 1 if periodic else length
    return _samples(xp, n, kind, params)[:length].astype(npdt)


def _window(name: str, length, periodic, kind: str, params: tuple, dtype, device,
            requires_grad: bool) -> Tensor:
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={length}")
    npdt = _np_dtype(dtype)
    if npdt.kind == "c":
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{torch_type_name(npdt)}'")
    if npdt.kind not in "fV":
        from ..scan import _CPP

        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype="
            f"{_CPP.get(torch_type_name(npdt), torch_type_name(npdt))}, device=cpu, layout="
            "Strided (default), requires_grad=false (default), pinned_memory=false, "
            "memory_format=(nullopt))")
    xp = _CPU_XP if device is None and _DEFAULT[0] is _CPU else xp_for(as_device(device))
    t = _create(_make, (xp, int(length), bool(periodic), kind, params, npdt))
    if requires_grad:
        _require_grad(t)
    return t


def hann_window(window_length: int, periodic: bool = True, *, dtype: D.dtype | None = None,
                layout=None, device=None, pin_memory: bool = False,
                requires_grad: bool = False) -> Tensor:
    """``torch.hann_window``: ``0.5 - 0.5 cos(2 pi n / (N - 1))``."""
    return _window("hann_window", window_length, periodic, "cosine", (0.5, 0.5), dtype, device,
                   requires_grad)


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: D.dtype | None = None, layout=None,
                   device=None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """``torch.hamming_window``: ``alpha - beta cos(2 pi n / (N - 1))``."""
    return _window("hamming_window", window_length, periodic, "cosine", (alpha, beta), dtype,
                   device, requires_grad)


def blackman_window(window_length: int, periodic: bool = True, *,
                    dtype: D.dtype | None = None, layout=None, device=None,
                    pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """``torch.blackman_window``: ``0.42 - 0.5 cos(2 pi n/(N-1)) + 0.08 cos(4 pi n/(N-1))``."""
    return _window("blackman_window", window_length, periodic, "blackman", (), dtype, device,
                   requires_grad)


def bartlett_window(window_length: int, periodic: bool = True, *,
                    dtype: D.dtype | None = None, layout=None, device=None,
                    pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """``torch.bartlett_window``: the triangular window ``1 - |2n / (N - 1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, "bartlett", (), dtype, device,
                   requires_grad)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: D.dtype | None = None, layout=None, device=None,
                  pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """``torch.kaiser_window``: ``I0(beta sqrt(1 - ((n - c) / c)^2)) / I0(beta)``,
    ``c = (N - 1) / 2``."""
    return _window("kaiser_window", window_length, periodic, "kaiser", (float(beta),), dtype,
                   device, requires_grad)
