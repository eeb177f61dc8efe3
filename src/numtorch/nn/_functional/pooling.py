"""Pooling functions of ``torch.nn.functional``: max/avg pooling (1-3 D), adaptive pooling,
the ``*_with_indices`` forms and max unpooling.

The 1-D/2-D pools and ``max_pool3d`` are kernels in ``numtorch._ops.nn.pooling``; the 3-D average
and adaptive pools here are compositions of numtorch ops (gradients follow from them), and the
3-D adaptive max pool gathers at the argmax indices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..._ops.creation import tensor as _tensor
from ..._ops.creation import zeros
from ..._ops.indexing import gather
from ..._ops.linalg import matmul
from ..._ops.nn.pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    check_pool_dtype,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from ..._ops.nn.sampling import pad
from ..._tensor import Tensor

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
    "max_pool3d_with_indices",
]

_Size = int | tuple[int, ...]
_OutSize = int | None | tuple[int | None, ...]


def _tuple(v, n: int) -> tuple:
    """``v`` as an n-tuple (a scalar or 1-sequence repeated)."""
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(v) * n
        return tuple(v)
    return (v,) * n


def max_pool1d_with_indices(input: Tensor, kernel_size: _Size, stride: _Size | None = None,
                            padding: _Size = 0, dilation: _Size = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """``max_pool1d`` returning ``(values, indices)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Tensor, kernel_size: _Size, stride: _Size | None = None,
                            padding: _Size = 0, dilation: _Size = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """``max_pool2d`` returning ``(values, indices)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Tensor, kernel_size: _Size, stride: _Size | None = None,
                            padding: _Size = 0, dilation: _Size = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """``max_pool3d`` returning ``(values, indices)``."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: _OutSize,
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool2d`` returning ``(values, indices)``."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: _OutSize,
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool1d`` returning ``(values, indices)``."""
    return adaptive_max_pool1d(input, output_size, True)


def _pool_out(n: int, k: int, s: int, p: int, ceil: bool, d: int = 1) -> int:
    eff = d * (k - 1) + 1
    num = n + 2 * p - eff
    out = (-(-num // s) if ceil else num // s) + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def avg_pool3d(input: Tensor, kernel_size: _Size, stride: _Size | None = None,
               padding: _Size = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """``F.avg_pool3d``: window means over (D, H, W), PyTorch's divisor rules for padding,
    ``ceil_mode`` and ``divisor_override``."""
    if input.dim() not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    batched = input.dim() == 5
    x = input if batched else input.unsqueeze(0)
    check_pool_dtype(input, "avg_pool3d_out_frame", ints="long", half=False)
    k = _tuple(kernel_size, 3)
    s = k if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else _tuple(stride, 3)
    p = _tuple(padding, 3)
    for kk, pp in zip(k, p):
        if pp > kk // 2:
            raise RuntimeError("pad should be at most half of effective kernel size, but got "
                               f"pad={pp}, kernel_size={kk} and dilation=1")
    sizes = tuple(x.shape[2:])
    outs = [_pool_out(n, kk, ss, pp, ceil_mode) for n, kk, ss, pp in zip(sizes, k, s, p)]
    # pad: the requested padding plus whatever ceil_mode windows reach beyond it
    extra = [max(0, (o - 1) * ss + kk - (n + 2 * pp)) for o, n, kk, ss, pp
             in zip(outs, sizes, k, s, p)]
    widths = []
    for d in (2, 1, 0):
        widths += [p[d], p[d] + extra[d]]
    padded = pad(x, widths)
    win = padded
    for d in range(3):
        win = win.unfold(2 + d, k[d], s[d])
    win = win[:, :, :outs[0], :outs[1], :outs[2]]
    total = win.sum(dim=(-3, -2, -1))
    if divisor_override:
        return_ = total / divisor_override
    else:
        # per-window divisor: positions inside the padded input (count_include_pad) or inside
        # the input itself
        cnt = np.zeros(tuple(padded.shape[2:]), dtype=np.float64)
        if count_include_pad:
            cnt[:sizes[0] + 2 * p[0], :sizes[1] + 2 * p[1], :sizes[2] + 2 * p[2]] = 1
        else:
            cnt[p[0]:p[0] + sizes[0], p[1]:p[1] + sizes[1], p[2]:p[2] + sizes[2]] = 1
        c = _tensor(cnt)
        for d in range(3):
            c = c.unfold(d, k[d], s[d])
        c = c[:outs[0], :outs[1], :outs[2]].sum(dim=(-3, -2, -1))
        return_ = total / c.to(total.dtype)
    if input.dtype is not return_.dtype:  # int64: PyTorch's integer division (toward zero)
        return_ = return_.trunc().to(input.dtype)
    return return_ if batched else return_.squeeze(0)


def _adaptive_ranges(n_in: int, n_out: int):
    starts = [(i * n_in) // n_out for i in range(n_out)]
    ends = [-(-((i + 1) * n_in) // n_out) for i in range(n_out)]
    return starts, ends


def _adaptive_sizes(input: Tensor, output_size: _OutSize, nd: int) -> tuple:
    out = _tuple(output_size, nd)
    spatial = tuple(input.shape[input.dim() - nd:])
    return tuple(spatial[i] if o is None else int(o) for i, o in enumerate(out))


def adaptive_avg_pool3d(input: Tensor, output_size: _OutSize) -> Tensor:
    """``F.adaptive_avg_pool3d``: means over the windows [floor(i*In/Out), ceil((i+1)*In/Out))
    (separable, so applied one spatial dim at a time as a matrix product)."""
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got "
                           f"{list(input.shape)}")
    outs = _adaptive_sizes(input, output_size, 3)
    check_pool_dtype(input, "adaptive_avg_pool3d_cpu")
    x = input
    for k in range(3):
        d = input.dim() - 3 + k
        n_in = input.shape[d]
        a = np.zeros((outs[k], n_in), dtype=input.dtype.np)
        st, en = _adaptive_ranges(n_in, outs[k])
        for i, (lo, hi) in enumerate(zip(st, en)):
            a[i, lo:hi] = 1.0 / (hi - lo)
        x = matmul(x.movedim(d, -1), _tensor(a).t()).movedim(-1, d)
    return x


def _adaptive_max_indices(spatial, outs):
    """Flat argmax candidates per output cell: (out cells, window cells) indices, with -1
    padding for the shorter windows."""
    ranges = [_adaptive_ranges(n, o) for n, o in zip(spatial, outs)]
    cells = []
    for pos in np.ndindex(*outs):
        axes = [np.arange(ranges[d][0][pos[d]], ranges[d][1][pos[d]]) for d in range(len(outs))]
        grid = np.meshgrid(*axes, indexing="ij")
        flat = np.ravel_multi_index(tuple(g.reshape(-1) for g in grid), spatial)
        cells.append(flat)
    width = max((len(c) for c in cells), default=0)
    out = np.full((len(cells), width), -1, dtype=np.int64)
    for i, c in enumerate(cells):
        out[i, :len(c)] = c
    return out


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: _OutSize,
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    """``F.adaptive_max_pool3d_with_indices``: (max values, flat D*H*W indices of the max)."""
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: "
                           f"{list(input.shape)}")
    batched = input.dim() == 5
    x = input if batched else input.unsqueeze(0)
    spatial = tuple(x.shape[2:])
    outs = _adaptive_sizes(x, output_size, 3)
    check_pool_dtype(input, "adaptive_max_pool3d_cpu")
    cand = _adaptive_max_indices(spatial, outs)
    n, c = x.shape[:2]
    flat = x.reshape(n, c, -1)
    arr = flat._data
    safe = np.where(cand < 0, 0, cand)
    vals = arr[:, :, safe]  # (n, c, cells, width)
    vals = np.where(cand < 0, -np.inf, vals)
    # the first maximum, with NaN winning as in PyTorch's kernel
    nan = np.isnan(vals)
    key = np.where(nan, np.inf, vals)
    pick = np.argmax(key, axis=-1)
    idx = np.take_along_axis(np.broadcast_to(safe, vals.shape), pick[..., None], -1)[..., 0]
    idx_t = _tensor(idx.astype(np.int64))
    out = gather(flat, 2, idx_t).reshape((n, c) + outs)
    idx_t = idx_t.reshape((n, c) + outs)
    if not batched:
        out, idx_t = out.squeeze(0), idx_t.squeeze(0)
    return out, idx_t


def adaptive_max_pool3d(input: Tensor, output_size: _OutSize,
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """``F.adaptive_max_pool3d``: maxima over the adaptive windows (and their indices)."""
    out, idx = adaptive_max_pool3d_with_indices(input, output_size)
    return (out, idx) if return_indices else out


def _max_unpool(input: Tensor, indices: Tensor, kernel_size, stride, padding, output_size,
                nd: int, name: str) -> Tensor:
    k = _tuple(kernel_size, nd)
    s = k if stride is None else _tuple(stride, nd)
    p = _tuple(padding, nd)
    batched = input.dim() == nd + 2
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    x = input if batched else input.unsqueeze(0)
    idx = indices if batched else indices.unsqueeze(0)
    in_sp = tuple(x.shape[2:])
    default = tuple((in_sp[d] - 1) * s[d] - 2 * p[d] + k[d] for d in range(nd))
    if output_size is None:
        out_sp = default
    else:
        out_sp = tuple(output_size)
        if len(out_sp) == nd + 2 or len(out_sp) == nd + 1:
            out_sp = out_sp[len(out_sp) - nd:]
        if len(out_sp) != nd:
            raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                             f"elements, but it has a length of '{len(out_sp)}'")
        for d in range(nd):
            lo, hi = default[d] - s[d], default[d] + s[d]
            if not lo < out_sp[d] < hi:
                raise ValueError(f'invalid output_size "{list(out_sp)}" (dim {d} must be '
                                 f'between {lo} and {hi})')
    n, c = x.shape[:2]
    total = int(np.prod(out_sp, dtype=np.int64))
    flat_idx = idx.reshape(n, c, -1)
    if flat_idx.numel() and (int(flat_idx._data.min()) < 0 or
                             int(flat_idx._data.max()) >= total):
        raise RuntimeError(f"Found an invalid max index: {int(flat_idx._data.max())} (output "
                           f"volumes are of size {'x'.join(str(v) for v in out_sp)}")
    out = zeros((n, c, total), dtype=x.dtype)
    out = out.scatter(2, flat_idx, x.reshape(n, c, -1))
    out = out.reshape((n, c) + out_sp)
    return out if batched else out.squeeze(0)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: _Size,
                 stride: _Size | None = None, padding: _Size = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """``F.max_unpool1d``: place each value at its max-pool index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: _Size,
                 stride: _Size | None = None, padding: _Size = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """``F.max_unpool2d``: the partial inverse of ``max_pool2d``."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: _Size,
                 stride: _Size | None = None, padding: _Size = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """``F.max_unpool3d``: the partial inverse of ``max_pool3d``."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                       "max_unpool3d")

