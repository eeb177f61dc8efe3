"""Window functions with ``torch.signal.windows``' parameters, defaults and errors.

Each window is computed in NumPy in the requested dtype (the default float dtype unless given)
following PyTorch's formulas (a ``linspace`` of sample positions, then the window's formula).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..._backend import special as S


def _checks(name: str, M: int, dtype, layout) -> None:
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and str(layout) not in ("torch.strided", "strided"):
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype is not None and not dtype.is_floating_point:
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _finish(arr, dtype, device, requires_grad):
    from ... import _dtype as D
    from ... import tensor

    dt = dtype or D.get_default_dtype()
    return tensor(np.asarray(arr, dtype=dt.np), dtype=dt, device=device,
                  requires_grad=requires_grad)


def _np_dtype(dtype):
    from ... import _dtype as D

    return (dtype or D.get_default_dtype()).np


def _trivial(M, dtype, device, requires_grad):
    if M == 0:
        return _finish(np.zeros(0), dtype, device, requires_grad)
    if M == 1:
        return _finish(np.ones(1), dtype, device, requires_grad)
    return None


def _linspace(start, end, M, npdt):
    return np.linspace(start, end, M).astype(npdt)


def exponential(M: int, *, center=None, tau: float = 1.0, sym: bool = True, dtype=None,
                layout=None, device=None, requires_grad: bool = False):
    """Exponential (Poisson) window ``exp(-|n - center| / tau)``."""
    _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return _finish(np.zeros(0), dtype, device, requires_grad)
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2.0
    npdt = _np_dtype(dtype)
    k = _linspace(-center, -center + (M - 1), M, npdt)
    return _finish(np.exp(-np.abs(k) / npdt.type(tau)), dtype, device, requires_grad)


def cosine(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
           requires_grad: bool = False):
    """Cosine (sine) window ``sin(pi (n + 0.5) / M)``."""
    _checks("cosine", M, dtype, layout)
    if M == 0:
        return _finish(np.zeros(0), dtype, device, requires_grad)
    start = 0.5
    constant = math.pi / (M + 1 if not sym and M > 1 else M)
    k = _linspace(start * constant, (start + (M - 1)) * constant, M, _np_dtype(dtype))
    return _finish(np.sin(k), dtype, device, requires_grad)


def gaussian(M: int, *, std: float = 1.0, sym: bool = True, dtype=None, layout=None,
             device=None, requires_grad: bool = False):
    """Gaussian window with standard deviation ``std`` (in samples)."""
    _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return _finish(np.zeros(0), dtype, device, requires_grad)
    start = -(M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / (std * math.sqrt(2))
    k = _linspace(start * constant, (start + (M - 1)) * constant, M, _np_dtype(dtype))
    return _finish(np.exp(-k ** 2), dtype, device, requires_grad)


def kaiser(M: int, *, beta: float = 12.0, sym: bool = True, dtype=None, layout=None,
           device=None, requires_grad: bool = False):
    """Kaiser window ``I0(beta sqrt(1 - (2n/(M-1) - 1)^2)) / I0(beta)``."""
    _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    trivial = _trivial(M, dtype, device, requires_grad)
    if trivial is not None:
        return trivial
    npdt = _np_dtype(dtype)
    b = npdt.type(beta)
    start = -b
    constant = 2.0 * beta / (M if not sym else M - 1)
    end = min(b, start + (M - 1) * constant)
    k = _linspace(start, end, M, npdt)
    num = S.i0(np.sqrt(b * b - k.astype(npdt) ** 2)).astype(npdt)
    return _finish(num / S.i0(b).astype(npdt), dtype, device, requires_grad)


def general_cosine(M: int, *, a: Iterable, sym: bool = True, dtype=None, layout=None,
                   device=None, requires_grad: bool = False):
    """Sum of cosines ``sum_i (-1)^i a_i cos(2 pi i n / (M - 1))``."""
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    _checks("general_cosine", M, dtype, layout)
    trivial = _trivial(M, dtype, device, requires_grad)
    if trivial is not None:
        return trivial
    npdt = _np_dtype(dtype)
    constant = 2 * math.pi / (M if not sym else M - 1)
    k = _linspace(0, (M - 1) * constant, M, npdt)
    coef = np.array([(-1) ** i * w for i, w in enumerate(a)], dtype=npdt)
    idx = np.arange(len(coef), dtype=npdt)
    out = (coef[:, None] * np.cos(idx[:, None] * k)).sum(0)
    return _finish(out, dtype, device, requires_grad)


def general_hamming(M: int, *, alpha: float = 0.54, sym: bool = True, dtype=None, layout=None,
                    device=None, requires_grad: bool = False):
    """``alpha - (1 - alpha) cos(2 pi n / (M - 1))``."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def hamming(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
            requires_grad: bool = False):
    """Hamming window (general_hamming with alpha = 0.54)."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def hann(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
         requires_grad: bool = False):
    """Hann window (general_hamming with alpha = 0.5)."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    """Blackman window (cosine terms 0.42, 0.5, 0.08)."""
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def nuttall(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
            requires_grad: bool = False):
    """Nuttall window (four cosine terms, minimum 4-term Blackman-Harris)."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def bartlett(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    """Triangular (Bartlett) window ``1 - |2n/(M-1) - 1|``."""
    _checks("bartlett", M, dtype, layout)
    trivial = _trivial(M, dtype, device, requires_grad)
    if trivial is not None:
        return trivial
    constant = 2 / (M if not sym else M - 1)
    k = _linspace(-1, (M - 1) * constant - 1, M, _np_dtype(dtype))
    return _finish(1 - np.abs(k), dtype, device, requires_grad)
