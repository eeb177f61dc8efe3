"""Pooling: max/avg (1-D via 2-D, 2-D, 3-D max) and adaptive avg/max, on strided window views.

Max pooling returns PyTorch's flat indices (``h * W + w`` per plane); its gradient scatters
through them (``MaxPool2DWithIndicesBackward0``). Average pooling sums a window view and divides
by PyTorch's per-window divisor (``count_include_pad``, ``ceil_mode``, ``divisor_override``).
1-D pooling is the 2-D op on an unsqueezed input, as in PyTorch (so graphs print the same).
The backward of each op is itself an op whose backward is the forward again (twice
differentiable).
"""

from __future__ import annotations

import itertools
import math

from ..._backend import add_at, host, xp_of
from ..._tensor import Tensor
from .._base import Op
from .conv import windows

__all__: list[str] = []


def _tuple(v, n: int, fn: str, what: str):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(e) for e in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        kinds = {2: "two", 3: "three"}
        raise RuntimeError(f"{fn}: {what} must either be a single int, or a tuple of "
                           f"{kinds.get(n, n)} ints")
    return v


def check_pool_dtype(x: Tensor, kernel: str, ints: str = "", half: bool = True) -> None:
    """PyTorch's CPU pooling kernels: floating inputs (float16 unless ``half`` is False) and the
    integer dtypes in ``ints`` ("all" or "long"); others are its NotImplementedError."""
    dt = x._data.dtype
    kind = dt.kind
    if kind in "fV":
        if half or dt.itemsize != 2:
            return
    elif kind in "iu" and (ints == "all" or (ints == "long" and dt.itemsize == 8
                                              and kind == "i")):
        return
    raise NotImplementedError(f'"{kernel}" not implemented for \'{x.dtype.c_name}\'')


def pool_out_size(size, k, s, p, d, ceil_mode):
    eff = d * (k - 1) + 1
    num = size + 2 * p - eff
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded(a, pads, value):
    """Pad the trailing spatial dims with (lo, hi) pairs and a fill value."""
    if not any(lo or hi for lo, hi in pads):
        return a
    xp = xp_of(a)
    lead = a.ndim - len(pads)
    return xp.pad(a, ((0, 0),) * lead + tuple(pads), constant_values=value)


def _extra(sizes, out, k, s, p, d):
    return [max(0, (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - (sizes[i] + 2 * p[i]))
            for i in range(len(k))]


# -- gradients through flat indices -------------------------------------------------------------
class IndexScatter(Op):
    """Sum ``g`` into zeros of ``shape`` at per-plane flat ``indices`` (max-pool backward)."""

    grad_fn_name = "MaxPoolBackwardBackward0"
    params = ("indices", "nd", "shape")

    def forward(self, g):
        xp = xp_of(g)
        idx = self.indices
        lead = math.prod(self.shape[:-self.nd])
        plane = math.prod(self.shape[-self.nd:])
        flat = (idx.reshape(lead, -1) + xp.arange(lead).reshape(-1, 1) * plane).ravel()
        # in the gradient's dtype, in output order: PyTorch's accumulation
        out = xp.zeros(lead * plane, dtype=g.dtype)
        add_at(out, flat, g.reshape(-1))
        return out.reshape(self.shape)

    def backward(self, gg):
        return IndexGather.apply(gg, indices=self.indices, nd=self.nd)


class IndexGather(Op):
    """Pick ``x`` at per-plane flat ``indices`` (the double backward of max pooling)."""

    grad_fn_name = "IndexGatherBackward0"
    params = ("indices", "nd")

    def forward(self, x):
        xp = xp_of(x)
        lead = x.shape[:-self.nd]
        flat = x.reshape(lead + (-1,))
        idx = self.indices.reshape(lead + (-1,))
        return xp.take_along_axis(flat, idx, axis=-1).reshape(self.indices.shape)

    def backward(self, g):
        return IndexScatter.apply(g, indices=self.indices, nd=self.nd, shape=self._input_meta[0][0])


def _offset_slices(k, s, d, out):
    """For each kernel offset (C order), the strided slice of the padded input it reads."""
    nd = len(k)
    return [(Ellipsis,) + tuple(slice(off[i] * d[i], off[i] * d[i] + s[i] * (out[i] - 1) + 1,
                                      s[i]) for i in range(nd))
            for off in itertools.product(*[range(v) for v in k])]


class MaxPoolWithIndices(Op):
    """Max over each window, scanning the kernel offsets in order (one pass per offset over
    output-sized strided views): a later offset wins when strictly greater or NaN, so ties keep
    the first position and a NaN the last one, as PyTorch's kernel does."""

    grad_fn_name = "MaxPool2DWithIndicesBackward0"
    non_differentiable = (1,)
    params = ("kernel", "stride", "padding", "dilation", "out_sizes")

    def forward(self, x):
        xp = xp_of(x)
        k, s, p, d = self.kernel, self.stride, self.padding, self.dilation
        nd = len(k)
        sizes = x.shape[-nd:]
        out = self.out_sizes
        extra = _extra(sizes, out, k, s, p, d)
        fill = -xp.inf if x.dtype.kind in "fV" else xp.iinfo(x.dtype).min
        xpad = _padded(x, [(p[i], p[i] + extra[i]) for i in range(nd)], fill)
        slices = _offset_slices(k, s, d, out)
        best = xp.array(xpad[slices[0]])
        adt = xp.int16 if len(slices) < 32768 else xp.int64
        arg = xp.zeros(best.shape, dtype=adt)
        # masked copies are slow (branchy): blend arithmetically, into reused buffers
        win = xp.empty(best.shape, dtype=bool)
        step = xp.empty(best.shape, dtype=adt)
        for j in range(1, len(slices)):
            v = xpad[slices[j]]
            xp.greater(v, best, out=win)
            xp.subtract(adt(j), arg, out=step)
            step *= win
            arg += step
            xp.maximum(best, v, out=best)  # NaN-propagating
        if x.dtype.kind in "fV":
            nan = xp.isnan(best)
            if bool(nan.any()):  # a NaN wins its window: the last NaN's position
                for j in range(len(slices)):
                    xp.copyto(arg, adt(j), where=nan & xp.isnan(xpad[slices[j]]))
        # flat input index of the winner: per dim, o * s - p + k_i * d
        koff = host.unravel_index(host.arange(len(slices)), k)  # kernel offsets, host-side
        flat = None
        for i in range(nd):
            shape = [1] * nd
            shape[i] = -1
            pos = xp.arange(out[i]).reshape(shape) * s[i] - p[i]
            flat = pos if flat is None else flat * sizes[i] + pos
        shift = None
        for i in range(nd):
            sh = koff[i] * d[i]
            shift = sh if shift is None else shift * sizes[i] + sh
        indices = flat + xp.asarray(shift.astype(xp.int64))[arg]
        if self.__class__ is not type(self)._node_cls:  # not a graph node: no backward to prepare
            return best, indices
        # the window offsets give a direct backward when no two windows overlap
        if all(s[i] >= d[i] * (k[i] - 1) + 1 for i in range(nd)):
            self._arg = arg
        self._indices = indices
        return best, indices

    def backward(self, g, _):
        x_shape = self._input_meta[0][0]
        nd = len(self.kernel)
        arg = getattr(self, "_arg", None)
        if arg is not None and not g._requires_grad:
            return Tensor._from_array(self._scatter_windows(g._data, arg, x_shape))
        return IndexScatter.apply(g, indices=self._indices, nd=nd, shape=x_shape)

    def _scatter_windows(self, g, arg, x_shape):
        """Each gradient to its window's winning position (windows do not overlap)."""
        xp = xp_of(g)
        k, s, p, d = self.kernel, self.stride, self.padding, self.dilation
        nd = len(k)
        sizes = x_shape[-nd:]
        out = g.shape[-nd:]
        extra = _extra(sizes, out, k, s, p, d)
        padded = tuple(sizes[i] + 2 * p[i] + extra[i] for i in range(nd))
        buf = xp.empty(tuple(x_shape[:-nd]) + padded, dtype=g.dtype)
        if any(d[i] != 1 or s[i] != k[i] or padded[i] != out[i] * s[i] for i in range(nd)):
            buf[...] = 0  # some positions belong to no window
        # the windows tile the input: each offset's view gets g where it won, else +0.0, by
        # masking g's bits (an exact copy, no branches)
        ibits = xp.dtype(f"int{8 * g.dtype.itemsize}")
        gbits = (g + 0.0).view(ibits)  # PyTorch adds into zeros: -0.0 becomes +0.0
        bbits = buf.view(ibits)
        mask = xp.empty(g.shape, dtype=ibits)
        eq = xp.empty(g.shape, dtype=bool)
        for j, sl in enumerate(_offset_slices(k, s, d, out)):
            xp.equal(arg, j, out=eq)
            xp.negative(eq.view(xp.int8), out=mask, casting="unsafe")
            xp.bitwise_and(gbits, mask, out=bbits[sl])
        if not any(p) and not any(extra):
            return buf
        crop = (Ellipsis,) + tuple(slice(p[i], p[i] + sizes[i]) for i in range(nd))
        return xp.ascontiguousarray(buf[crop])


class MaxPool3DWithIndices(MaxPoolWithIndices):
    grad_fn_name = "MaxPool3DWithIndicesBackward0"


def _max_pool(x: Tensor, kernel, stride, padding, dilation, ceil_mode, nd: int, fn: str):
    k = _tuple(kernel, nd, fn, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, nd, fn, "stride")
    p = _tuple(padding, nd, fn, "padding")
    d = _tuple(dilation, nd, fn, "dilation")
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in d):
        raise RuntimeError("dilation should be greater than zero, but got " + " ".join(
            f"dilation{n}: {v}" for n, v in zip("THW"[3 - nd:], d)))
    if x.ndim not in (nd + 1, nd + 2) or any(v == 0 for v in x.shape[1:]):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for "
                           "input")
    for i in range(nd):
        if p[i] > (d[i] * (k[i] - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p[i]}, kernel_size={k[i]} and dilation={d[i]}")
    sizes = x.shape[-nd:]
    out = tuple(pool_out_size(sizes[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(nd))
    if any(o < 1 for o in out):
        c = x.shape[-nd - 1]
        raise RuntimeError(f"Given input size: ({c}x{'x'.join(str(v) for v in sizes)}). "
                           f"Calculated output size: ({c}x{'x'.join(str(v) for v in out)}). "
                           "Output size is too small")
    check_pool_dtype(x, fn, ints="all")
    cls = MaxPoolWithIndices if nd == 2 else MaxPool3DWithIndices
    return cls.apply(x, kernel=k, stride=s, padding=p, dilation=d, out_sizes=out)


class AvgPoolBackward(Op):
    """Spread each output gradient (already divided) over its window; crop the padding."""

    grad_fn_name = "AvgPool2DBackwardBackward0"
    reduced_float_in_float32 = True
    params = ("kernel", "stride", "padding", "divisor", "in_shape", "pooled_sizes")

    def forward(self, g):
        xp = xp_of(g)
        k, s, p = self.kernel, self.stride, self.padding
        nd = len(k)
        sizes = self.in_shape[-nd:]
        extra = _extra(sizes, g.shape[-nd:], k, s, p, (1,) * nd)
        padded = tuple(sizes[i] + 2 * p[i] + extra[i] for i in range(nd))
        buf = xp.zeros(g.shape[:-nd] + padded, dtype=g.dtype)
        gd = g / self.divisor
        out = g.shape[-nd:]
        for off in itertools.product(*[range(v) for v in k]):
            sl = (Ellipsis,) + tuple(slice(off[i], off[i] + s[i] * (out[i] - 1) + 1, s[i])
                                     for i in range(nd))
            buf[sl] += gd
        crop = (Ellipsis,) + tuple(slice(p[i], p[i] + sizes[i]) for i in range(nd))
        return xp.ascontiguousarray(buf[crop])

    def backward(self, gg):
        return AvgPool.apply(gg, kernel=self.kernel, stride=self.stride, padding=self.padding,
                             divisor=self.divisor, out_sizes=self.pooled_sizes)


class AvgPool(Op):
    """Window sums divided by PyTorch's per-window divisor."""

    grad_fn_name = "AvgPool2DBackward0"
    reduced_float_in_float32 = True
    params = ("kernel", "stride", "padding", "divisor", "out_sizes")

    def forward(self, x):
        xp = xp_of(x)
        k, s, p = self.kernel, self.stride, self.padding
        nd = len(k)
        out = self.out_sizes
        sizes = x.shape[-nd:]
        extra = _extra(sizes, out, k, s, p, (1,) * nd)
        lead = x.shape[:-nd]
        xpad = _padded(x, [(p[i], p[i] + extra[i]) for i in range(nd)], 0)
        xpad = xpad.reshape((-1, 1) + xpad.shape[-nd:])
        win = windows(xpad, k, s, (1,) * nd, out)
        total = win.sum(axis=tuple(range(2 + nd, 2 + 2 * nd)))
        res = total / self.divisor
        return xp.ascontiguousarray(res.reshape(lead + tuple(out)).astype(x.dtype, copy=False))

    def backward(self, g):
        return AvgPoolBackward.apply(g, kernel=self.kernel, stride=self.stride,
                                     padding=self.padding, divisor=self.divisor,
                                     in_shape=self._input_meta[0][0],
                                     pooled_sizes=self.out_sizes)


def _avg_divisor(xp, sizes, out, k, s, p, count_include_pad, divisor_override, dtype):
    if divisor_override:
        return divisor_override
    div = None
    for i in range(len(k)):
        start = xp.arange(out[i]) * s[i] - p[i]
        end = xp.minimum(start + k[i], sizes[i] + p[i])
        if count_include_pad:
            n = end - start
        else:
            n = xp.minimum(end, sizes[i]) - xp.maximum(start, 0)
        shape = [1] * len(k)
        shape[i] = -1
        n = n.reshape(shape)
        div = n if div is None else div * n
    return div.astype(dtype if dtype.kind in "fV" else xp.float64)


def _avg_pool(x: Tensor, kernel, stride, padding, ceil_mode, count_include_pad,
              divisor_override, nd: int, fn: str):
    k = _tuple(kernel, nd, fn, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, nd, fn, "stride")
    p = _tuple(padding, nd, fn, "padding")
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for "
                           "input")
    for i in range(nd):
        if p[i] > k[i] // 2:
            raise RuntimeError("pad should be smaller than or equal to half of kernel size, but "
                               f"got padW = {p[-1]}, padH = {p[0]}, kW = {k[-1]}, kH = {k[0]}")
    sizes = x.shape[-nd:]
    out = tuple(pool_out_size(sizes[i], k[i], s[i], p[i], 1, ceil_mode) for i in range(nd))
    if any(o < 1 for o in out):
        c = x.shape[-nd - 1]
        raise RuntimeError(f"Given input size: ({c}x{'x'.join(str(v) for v in sizes)}). "
                           f"Calculated output size: ({c}x{'x'.join(str(v) for v in out)}). "
                           "Output size is too small")
    xp = xp_of(x._data)
    div = _avg_divisor(xp, sizes, out, k, s, p, count_include_pad, divisor_override,
                       x._data.dtype)
    return AvgPool.apply(x, kernel=k, stride=s, padding=p, divisor=div, out_sizes=out)


# -- adaptive -----------------------------------------------------------------------------------
def adaptive_bounds(size: int, out: int):
    starts = [(i * size) // out for i in range(out)]
    ends = [-(-((i + 1) * size) // out) for i in range(out)]
    return list(zip(starts, ends))


def _adaptive_mean(a, bounds):
    xp = xp_of(a)
    for j, bd in enumerate(bounds):
        axis = a.ndim - len(bounds) + j
        if not bd:  # an empty output along this axis
            a = a[(slice(None),) * axis + (slice(0, 0),)]
            continue
        parts = [a[(slice(None),) * axis + (slice(lo, hi),)].mean(axis=axis, keepdims=True)
                 for lo, hi in bd]
        a = xp.concatenate(parts, axis=axis)
    return a


def _adaptive_spread(g, bounds, sizes):
    xp = xp_of(g)
    for j in reversed(range(len(bounds))):
        axis = g.ndim - len(bounds) + j
        shape = list(g.shape)
        shape[axis] = sizes[j]
        out = xp.zeros(shape, dtype=g.dtype)
        for i, (lo, hi) in enumerate(bounds[j]):
            idx = (slice(None),) * axis
            out[idx + (slice(lo, hi),)] += g[idx + (slice(i, i + 1),)] / (hi - lo)
        g = out
    return g


class AdaptiveAvgPool(Op):
    grad_fn_name = "AdaptiveAvgPool2DBackward0"
    reduced_float_in_float32 = True
    params = ("bounds",)

    def forward(self, x):
        return _adaptive_mean(x, self.bounds)

    def backward(self, g):
        return AdaptiveAvgPoolBackward.apply(g, bounds=self.bounds,
                                             sizes=self._input_meta[0][0][-len(self.bounds):])


class AdaptiveAvgPoolBackward(Op):
    grad_fn_name = "AdaptiveAvgPool2DBackwardBackward0"
    reduced_float_in_float32 = True
    params = ("bounds", "sizes")

    def forward(self, g):
        return _adaptive_spread(g, self.bounds, self.sizes)

    def backward(self, gg):
        return AdaptiveAvgPool.apply(gg, bounds=self.bounds)


class AdaptiveAvgPool3D(AdaptiveAvgPool):
    grad_fn_name = "AdaptiveAvgPool3DBackward0"

    def backward(self, g):
        return AdaptiveAvgPool3DBackward.apply(g, bounds=self.bounds,
                                               sizes=self._input_meta[0][0][-3:])


class AdaptiveAvgPool3DBackward(AdaptiveAvgPoolBackward):
    grad_fn_name = "AdaptiveAvgPool3DBackwardBackward0"

    def backward(self, gg):
        return AdaptiveAvgPool3D.apply(gg, bounds=self.bounds)


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Adaptive average pooling over the last three dims (``interpolate(mode="area")``)."""
    out = _adaptive_sizes(output_size, input, 3, "adaptive_avg_pool3d")
    check_pool_dtype(input, "adaptive_avg_pool3d_cpu")
    bounds = tuple(adaptive_bounds(input.shape[-3 + i], out[i]) for i in range(3))
    return AdaptiveAvgPool3D.apply(input, bounds=bounds)


class AdaptiveMaxPool(Op):
    grad_fn_name = "AdaptiveMaxPool2DBackward0"
    non_differentiable = (1,)
    params = ("bounds",)

    def forward(self, x):
        xp = xp_of(x)
        (bh, bw) = self.bounds
        h_w = x.shape[-1]
        vals = xp.empty(x.shape[:-2] + (len(bh), len(bw)), dtype=x.dtype)
        idx = xp.empty(vals.shape, dtype=xp.int64)
        for i, (h0, h1) in enumerate(bh):
            for j, (w0, w1) in enumerate(bw):
                win = x[..., h0:h1, w0:w1].reshape(x.shape[:-2] + (-1,))
                a = win.argmax(axis=-1)
                vals[..., i, j] = xp.take_along_axis(win, a[..., None], axis=-1)[..., 0]
                idx[..., i, j] = (h0 + a // (w1 - w0)) * h_w + w0 + a % (w1 - w0)
        self._indices = idx
        return vals, idx

    def backward(self, g, _):
        return IndexScatter.apply(g, indices=self._indices, nd=2, shape=self._input_meta[0][0])


def _adaptive_sizes(output_size, x: Tensor, nd: int, fn: str):
    if isinstance(output_size, int):
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise RuntimeError(f"{fn}: output_size must be {nd}")
    return tuple(x.shape[-nd + i] if o is None else int(o) for i, o in enumerate(output_size))


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """``torch.nn.functional.adaptive_avg_pool2d`` (a 1x1 output is ``mean``, as in PyTorch)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"[{', '.join(str(s) for s in input.shape)}]")
    out = _adaptive_sizes(output_size, input, 2, "adaptive_avg_pool2d")
    check_pool_dtype(input, "adaptive_avg_pool2d")
    if out == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    bounds = tuple(adaptive_bounds(input.shape[-2 + i], out[i]) for i in range(2))
    return AdaptiveAvgPool.apply(input, bounds=bounds)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """``torch.nn.functional.adaptive_avg_pool1d`` (2-D op on an unsqueezed input)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d() argument 'input' (position 1) must be 2D or "
                           f"3D, but got {input.ndim}D")
    o = output_size if isinstance(output_size, int) else tuple(output_size)[0]
    check_pool_dtype(input, "adaptive_avg_pool2d")
    bounds = ([(0, 1)], adaptive_bounds(input.shape[-1], int(o)))
    return AdaptiveAvgPool.apply(input.unsqueeze(-2), bounds=bounds).squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """``torch.nn.functional.adaptive_max_pool2d``."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"[{', '.join(str(s) for s in input.shape)}]")
    out = _adaptive_sizes(output_size, input, 2, "adaptive_max_pool2d")
    check_pool_dtype(input, "adaptive_max_pool2d")
    bounds = tuple(adaptive_bounds(input.shape[-2 + i], out[i]) for i in range(2))
    vals, idx = AdaptiveMaxPool.apply(input, bounds=bounds)
    return (vals, idx) if return_indices else vals


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """``torch.nn.functional.adaptive_max_pool1d`` (2-D op on an unsqueezed input)."""
    o = output_size if isinstance(output_size, int) else tuple(output_size)[0]
    check_pool_dtype(input, "adaptive_max_pool2d")
    bounds = ([(0, 1)], adaptive_bounds(input.shape[-1], int(o)))
    vals, idx = AdaptiveMaxPool.apply(input.unsqueeze(-2), bounds=bounds)
    vals, idx = vals.squeeze(-2), idx.squeeze(-2)
    return (vals, idx) if return_indices else vals


# -- public functions ---------------------------------------------------------------------------
def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """``torch.nn.functional.max_pool2d`` (``max_pool2d_with_indices``)."""
    vals, idx = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2,
                          "max_pool2d")
    return (vals, idx) if return_indices else vals


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """``torch.nn.functional.max_pool3d``."""
    vals, idx = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 3,
                          "max_pool3d")
    return (vals, idx) if return_indices else vals


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """``torch.nn.functional.max_pool1d`` (the 2-D op on ``input.unsqueeze(-2)``)."""
    if input.ndim not in (2, 3):
        shape = ", ".join(map(str, input.shape))
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:[{shape}]")
    if not return_indices:
        check_pool_dtype(input, "max_pool1d_impl")
    k = _tuple(kernel_size, 1, "max_pool1d", "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, 1, "max_pool1d", "stride")
    vals, idx = _max_pool(input.unsqueeze(-2), (1,) + k, (1,) + s,
                          (0,) + _tuple(padding, 1, "max_pool1d", "padding"),
                          (1,) + _tuple(dilation, 1, "max_pool1d", "dilation"), ceil_mode, 2,
                          "max_pool2d")
    vals, idx = vals.squeeze(-2), idx.squeeze(-2)
    return (vals, idx) if return_indices else vals


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    """``torch.nn.functional.avg_pool2d``."""
    check_pool_dtype(input, "avg_pool2d", ints="long")
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d")


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """``torch.nn.functional.avg_pool1d`` (the 2-D op on ``input.unsqueeze(-2)``)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor "
                           "for argument #1 'self' (while checking arguments for avg_pool1d)")
    check_pool_dtype(input, "avg_pool2d", ints="long")
    k = _tuple(kernel_size, 1, "avg_pool1d", "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, 1, "avg_pool1d", "stride")
    return _avg_pool(input.unsqueeze(-2), (1,) + k, (1,) + s,
                     (0,) + _tuple(padding, 1, "avg_pool1d", "padding"), ceil_mode,
                     count_include_pad, None, 2, "avg_pool2d").squeeze(-2)
