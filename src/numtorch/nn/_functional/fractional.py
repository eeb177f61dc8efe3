"""Fractional max pooling (``F.fractional_max_pool2d/3d``) and power-average pooling
(``F.lp_pool1d/2d/3d``), composed of numtorch ops.

Fractional pooling draws one sample in [0, 1) per (batch, channel, spatial dim) with ``rand`` in
the input's dtype, exactly as PyTorch does, so the same seed gives the same windows. The window
starts follow PyTorch's pseudo-random sequence ``int((i + u) * a) - int(u * a)`` evaluated in the
input's floating dtype, the last window ending at the input's edge.
"""

from __future__ import annotations

from ..._ops.creation import arange
from ..._ops.indexing import gather
from ..._ops.random import rand
from ..._tensor import Tensor
from .activation import relu
from .pooling import _tuple, avg_pool1d, avg_pool2d, avg_pool3d

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d", "fractional_max_pool3d_with_indices",
           "lp_pool1d", "lp_pool2d", "lp_pool3d"]


def _window_starts(samples: Tensor, n_in: int, n_out: int, k: int) -> Tensor:
    """Start offsets (int64, shape samples.shape + (n_out,)) of the pseudo-random windows."""
    dt = samples.dtype
    u = samples.unsqueeze(-1)
    if n_out > 1:
        alpha = arange(n_in - k, n_in - k + 1, dtype=dt) / arange(n_out - 1, n_out, dtype=dt)
        i = arange(n_out - 1, dtype=dt)
        starts = ((i + u) * alpha).to(dtype=_int64()) - (u * alpha).to(dtype=_int64())
        last = starts[..., :1] * 0 + (n_in - k)
        from ..._ops.join import cat

        return cat([starts, last], -1)
    return (u * 0).to(dtype=_int64()) + (n_in - k)


def _int64():
    from ... import _dtype

    return _dtype.int64


def _fractional(input: Tensor, kernel_size, output_size, output_ratio, random_samples,
                nd: int, name: str) -> tuple[Tensor, Tensor]:
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    batched = input.dim() == nd + 2
    x = input if batched else input.unsqueeze(0)
    k = _tuple(kernel_size, nd)
    sizes = tuple(x.shape[2:])
    if output_size is None:
        if len(output_ratio) > nd:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple "
                             "of Ints.")
        ratio = _tuple(output_ratio, nd)
        outs = tuple(int(s * r) for s, r in zip(sizes, ratio))
    else:
        outs = _tuple(output_size, nd)
    names = ("time", "height", "width")[3 - nd:]
    for o, kk, s, nm in zip(outs, k, sizes, names):
        if o + kk - 1 > s:
            raise RuntimeError(f"{name}(): pool {nm} ({kk}) too large relative to input "
                               f"{nm} ({s})" if nd == 3 else
                               f"{name}(): pool {nm} {kk} too large relative to input {nm} {s}")
    n, c = x.shape[0], x.shape[1]
    if random_samples is None:
        random_samples = rand(n, c, nd, dtype=input.dtype, device=input.device)
    elif not batched and random_samples.dim() == 2:
        random_samples = random_samples.unsqueeze(0)
    # sample j belongs to the spatial dims in reverse order (width first)
    flat_index = None
    stride = 1
    for d in range(nd - 1, -1, -1):
        starts = _window_starts(random_samples[..., nd - 1 - d], sizes[d], outs[d], k[d])
        pos = starts.unsqueeze(-1) + arange(k[d], device=input.device)  # (N, C, out_d, k_d)
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + d] = outs[d]
        shape[2 + nd + d] = k[d]
        term = pos.reshape(shape) * stride
        flat_index = term if flat_index is None else flat_index + term
        stride *= sizes[d]
    full = [n, c, *outs, *k]
    flat_index = flat_index.expand(*full).reshape(n, c, -1)
    values = gather(x.reshape(n, c, -1), 2, flat_index).reshape(n, c, *outs, -1)
    out, arg = values.max(-1)
    indices = gather(flat_index.reshape(n, c, *outs, -1), -1, arg.unsqueeze(-1)).squeeze(-1)
    if not batched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return out, indices


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None
                                       ) -> tuple[Tensor, Tensor]:
    """``F.fractional_max_pool2d_with_indices``: (values, flat H*W indices)."""
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 2,
                       "fractional_max_pool2d")


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples: Tensor | None = None):
    """``F.fractional_max_pool2d`` (same windows as PyTorch for the same seed or samples)."""
    out, idx = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                                  return_indices, _random_samples)
    return (out, idx) if return_indices else out


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None
                                       ) -> tuple[Tensor, Tensor]:
    """``F.fractional_max_pool3d_with_indices``: (values, flat T*H*W indices)."""
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 3,
                       "fractional_max_pool3d")


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples: Tensor | None = None):
    """``F.fractional_max_pool3d`` (same windows as PyTorch for the same seed or samples)."""
    out, idx = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                                  return_indices, _random_samples)
    return (out, idx) if return_indices else out


def _lp(out: Tensor, norm_type: float, window: int) -> Tensor:
    return (out.sign() * relu(out.abs())).mul(window).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: int | float, kernel_size: int, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """``F.lp_pool1d``: ``(sum over the window of x**p) ** (1/p)`` via an average pool."""
    k = _tuple(kernel_size, 1)[0]
    if stride is not None:
        out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool1d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return _lp(out, norm_type, k)


def lp_pool2d(input: Tensor, norm_type: int | float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """``F.lp_pool2d``: power-average pooling over (H, W)."""
    kh, kw = _tuple(kernel_size, 2)
    if stride is not None:
        out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool2d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return _lp(out, norm_type, kh * kw)


def lp_pool3d(input: Tensor, norm_type: int | float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """``F.lp_pool3d``: power-average pooling over (D, H, W)."""
    kd, kh, kw = _tuple(kernel_size, 3)
    if stride is not None:
        out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool3d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return _lp(out, norm_type, kd * kh * kw)
