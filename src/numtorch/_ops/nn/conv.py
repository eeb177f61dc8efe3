"""Convolutions (1-D/2-D/3-D, plain and transposed) as im2col + batched GEMMs.

``Convolution`` is PyTorch's ``convolution`` (grad_fn ``ConvolutionBackward0``). The input is
windowed with ``as_strided`` into columns (N, groups, C/g * prod(k), prod(out)), a few samples at
a time, and multiplied with the (groups, O/g, C/g * prod(k)) weight. Backward rebuilds the columns
chunk by chunk for the weight gradient and scatters the column gradient back (col2im, one strided
add per kernel offset) for the input gradient. A transposed convolution is the input-gradient path
of a plain one, with the roles swapped. Under ``create_graph=True`` the backward is built from
differentiable convolutions, so gradients of gradients work.

One-group 2-D float convolutions with kernels larger than 1x1 run on the channels-last kernels
of ``conv_cl`` instead (plain 2-D GEMMs, the input gradient as a full correlation), 3x3 stride-1
ones where it measured faster on Winograd F(2x2, 3x3) (``conv_winograd``).
"""

from __future__ import annotations

import math

from ..._backend import xp_of
from ..._dtype import promote_types
from ..._tensor import Tensor
from ...autograd.grad_mode import backward_builds_graph
from .._base import Op
from . import conv_cl, conv_winograd

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "convolution"]


# -- array kernels (shared with pooling/unfold) --------------------------------------------------
def conv_out_size(size: int, k: int, s: int, p: int, d: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def windows(xpad, ksize, stride, dilation, out_sizes):
    """A strided view (N, C, *out, *k) of the sliding windows of a padded (N, C, *S) array."""
    xp = xp_of(xpad)
    st = xpad.strides
    nd = len(ksize)
    shape = xpad.shape[:2] + tuple(out_sizes) + tuple(ksize)
    strides = st[:2] + tuple(st[2 + i] * stride[i] for i in range(nd)) \
        + tuple(st[2 + i] * dilation[i] for i in range(nd))
    return xp.lib.stride_tricks.as_strided(xpad, shape, strides, writeable=False)


def im2col(xpad, ksize, stride, dilation, out_sizes, groups: int):
    """Columns (groups, C/g * prod(k), N * prod(out)) of a padded (N, C, *S) array."""
    xp = xp_of(xpad)
    n, c = xpad.shape[:2]
    nd = len(ksize)
    win = windows(xpad, ksize, stride, dilation, out_sizes)
    win = win.reshape((n, groups, c // groups) + win.shape[2:])
    perm = (1, 2) + tuple(range(3 + nd, 3 + 2 * nd)) + (0,) + tuple(range(3, 3 + nd))
    cols = xp.ascontiguousarray(win.transpose(perm))
    return cols.reshape(groups, (c // groups) * math.prod(ksize), n * math.prod(out_sizes))


def col2im(cols, n: int, c: int, padded, ksize, stride, dilation, out_sizes, groups: int):
    """Adjoint of :func:`im2col`: sum the columns back into a zero (N, C, *padded) array."""
    xp = xp_of(cols)
    nd = len(ksize)
    out = xp.zeros((n, c) + tuple(padded), dtype=cols.dtype)
    cg = c // groups
    cols = cols.reshape((groups, cg) + tuple(ksize) + (n,) + tuple(out_sizes))
    view = out.reshape((n, groups, cg) + tuple(padded))
    # (G, Cg, N, *out) -> (N, G, Cg, *out) for each kernel offset
    perm = (2, 0, 1) + tuple(range(3, 3 + nd))
    for off in _offsets(ksize):
        sl = (slice(None),) * 3 + tuple(
            slice(off[i] * dilation[i], off[i] * dilation[i] + stride[i] * (out_sizes[i] - 1) + 1,
                  stride[i]) for i in range(nd))
        view[sl] += cols[(slice(None), slice(None)) + off].transpose(perm)
    return out


def _offsets(ksize):
    if len(ksize) == 1:
        return [(i,) for i in range(ksize[0])]
    return [(i,) + rest for i in range(ksize[0]) for rest in _offsets(ksize[1:])]


def to_group_matrix(y, groups: int):
    """(N, C, *S) -> (G, C/g, N * prod(S)), a copy."""
    xp = xp_of(y)
    n, c = y.shape[:2]
    r = y.reshape(n, groups, c // groups, -1).transpose(1, 2, 0, 3)
    return xp.ascontiguousarray(r).reshape(groups, c // groups, -1)


def from_group_matrix(m, n: int, spatial):
    """(G, C/g, N * prod(S)) -> (N, C, *S), a contiguous copy."""
    xp = xp_of(m)
    g, cg = m.shape[:2]
    r = m.reshape(g, cg, n, -1).transpose(2, 0, 1, 3)
    return xp.ascontiguousarray(r).reshape((n, g * cg) + tuple(spatial))


def pad_spatial(x, padding):
    """Zero-pad the spatial dims of (N, C, *S) symmetrically (no copy when padding is 0)."""
    if not any(padding):
        return x
    xp = xp_of(x)
    return xp.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))


def _crop(buf, padding, sizes):
    sl = (slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(padding, sizes))
    return buf[sl]


# -- plain convolution: per-sample columns, in chunks of samples ---------------------------------
# Columns are laid out per sample, (N, G, C/g * prod(k), prod(out)), so one batched GEMM with the
# (G, O/g, C/g * prod(k)) weight writes the (N, O, *out) output directly, and the columns of a
# few samples at a time stay in cache (measured: the forward of a 32->64 3x3 conv on 64 x 26 x 26
# takes 18 ms this way, 33 ms with one (C*k, N*L) column matrix). The columns are not kept for
# backward: the weight gradient rebuilds them chunk by chunk.
_CHUNK_BYTES = 1 << 20


def _chunk(per_sample_bytes: int) -> int:
    return max(1, _CHUNK_BYTES // max(1, per_sample_bytes))


def im2col_samples(xpad, ksize, stride, dilation, out_sizes, groups: int):
    """Columns (N, G, C/g * prod(k), prod(out)) of a padded (N, C, *S) array."""
    xp = xp_of(xpad)
    n, c = xpad.shape[:2]
    nd = len(ksize)
    win = windows(xpad, ksize, stride, dilation, out_sizes)  # (N, C, *out, *k)
    perm = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    cols = xp.ascontiguousarray(win.transpose(perm))
    return cols.reshape(n, groups, (c // groups) * math.prod(ksize), math.prod(out_sizes))


def _conv_geometry(x_shape, ksize, stride, padding, dilation):
    return tuple(conv_out_size(x_shape[2 + i], ksize[i], stride[i], padding[i], dilation[i])
                 for i in range(len(ksize)))


def conv_forward(x, w, b, stride, padding, dilation, groups):
    """Plain convolution of arrays, (N, C, *S) -> (N, O, *out)."""
    xp = xp_of(x)
    n = x.shape[0]
    o = w.shape[0]
    ksize = w.shape[2:]
    out_sizes = _conv_geometry(x.shape, ksize, stride, padding, dilation)
    xpad = pad_spatial(x, padding)
    wm = w.reshape(groups, o // groups, -1)
    length = math.prod(out_sizes)
    out = xp.empty((n, groups, o // groups, length), dtype=xp.result_type(x, w))
    step = _chunk(wm.shape[2] * groups * length * x.itemsize)
    for s in range(0, n, step):
        cols = im2col_samples(xpad[s:s + step], ksize, stride, dilation, out_sizes, groups)
        xp.matmul(wm, cols, out=out[s:s + step])
    out = out.reshape((n, o) + out_sizes)
    if b is not None:
        out += b.reshape((1, -1) + (1,) * len(ksize))
    return out


def conv_input_grad(g, w, in_shape, stride, padding, dilation, groups):
    """Gradient of a plain convolution with respect to its (N, C, *S) input: per chunk of
    samples, the column gradient (one GEMM) summed back into the padded input (col2im)."""
    xp = xp_of(g)
    n, c = in_shape[:2]
    o = w.shape[0]
    ksize = w.shape[2:]
    nd = len(ksize)
    out_sizes = g.shape[2:]
    wmt = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
    g4 = g.reshape(n, groups, o // groups, -1)
    padded = tuple(s + 2 * p for s, p in zip(in_shape[2:], padding))
    buf = xp.zeros((n, c) + padded, dtype=g.dtype)
    step = _chunk(wmt.shape[1] * groups * g4.shape[3] * g.itemsize)
    offsets = _offsets(ksize)
    for s in range(0, n, step):
        gcols = xp.matmul(wmt, g4[s:s + step])
        gcols = gcols.reshape((gcols.shape[0], c) + tuple(ksize) + tuple(out_sizes))
        dst = buf[s:s + step]
        for off in offsets:
            sl = (slice(None), slice(None)) + tuple(
                slice(off[i] * dilation[i],
                      off[i] * dilation[i] + stride[i] * (out_sizes[i] - 1) + 1, stride[i])
                for i in range(nd))
            dst[sl] += gcols[(slice(None), slice(None)) + off]
    return _crop(buf, padding, in_shape[2:])


def conv_weight_grad(g, x, w_shape, stride, padding, dilation, groups):
    """Gradient of a plain convolution with respect to its weight: the columns of the input,
    rebuilt chunk by chunk, times the output gradient, summed over the samples."""
    xp = xp_of(g)
    n = x.shape[0]
    o = w_shape[0]
    ksize = tuple(w_shape[2:])
    out_sizes = tuple(g.shape[2:])
    xpad = pad_spatial(x, padding)
    g4 = g.reshape(n, groups, o // groups, -1)
    ck = (x.shape[1] // groups) * math.prod(ksize)
    gw = xp.zeros((groups, o // groups, ck), dtype=g.dtype)
    step = _chunk(ck * groups * g4.shape[3] * x.itemsize)
    for s in range(0, n, step):
        cols = im2col_samples(xpad[s:s + step], ksize, stride, dilation, out_sizes, groups)
        gw += xp.matmul(g4[s:s + step], cols.transpose(0, 1, 3, 2)).sum(axis=0)
    return gw.reshape(w_shape)


def _group_weight_grad(g, cols, w_shape, groups):
    """Weight gradient from (G, C/g * prod(k), N * L) columns (transposed convolution)."""
    xp = xp_of(g)
    gm = to_group_matrix(g, groups)
    return xp.matmul(gm, cols.transpose(0, 2, 1)).reshape(w_shape)


def transposed_forward(x, w, b, stride, padding, dilation, groups, output_padding):
    """Transposed convolution of arrays (weight (C_in, C_out/g, *k))."""
    xp = xp_of(x)
    n, cin = x.shape[:2]
    ksize = w.shape[2:]
    cout = w.shape[1] * groups
    in_sizes = x.shape[2:]
    full = tuple((in_sizes[i] - 1) * stride[i] + dilation[i] * (ksize[i] - 1) + 1
                 for i in range(len(ksize)))
    out_sizes = tuple(full[i] - 2 * padding[i] + output_padding[i] for i in range(len(ksize)))
    padded = tuple(max(full[i], padding[i] + out_sizes[i]) for i in range(len(ksize)))
    wm = w.reshape(groups, cin // groups, -1)
    cols = xp.matmul(wm.transpose(0, 2, 1), to_group_matrix(x, groups))
    buf = col2im(cols, n, cout, padded, ksize, stride, dilation, in_sizes, groups)
    out = xp.ascontiguousarray(_crop(buf, padding, out_sizes))
    if b is not None:
        out += b.reshape((1, -1) + (1,) * len(ksize))
    return out


def _transposed_cols(g, w, in_sizes, stride, padding, dilation, groups):
    """Columns of the (padded) output gradient of a transposed convolution."""
    ksize = w.shape[2:]
    need = tuple((in_sizes[i] - 1) * stride[i] + dilation[i] * (ksize[i] - 1) + 1
                 for i in range(len(ksize)))
    gp = pad_spatial(g, padding)
    # the output may be shorter than the full extent (output_padding < padding): zero-extend
    short = tuple(max(0, need[i] - gp.shape[2 + i]) for i in range(len(ksize)))
    if any(short):
        gp = xp_of(g).pad(gp, ((0, 0), (0, 0)) + tuple((0, s) for s in short))
    return im2col(gp, ksize, stride, dilation, in_sizes, groups)


# Which kernels run (measured on a 1-thread OpenBLAS, see benchmarks/): the channels-last ones
# for one-group 2-D float convolutions with a kernel larger than 1x1 and at least 8 input
# channels. 1x1 kernels are a plain per-sample GEMM in the (N, C, L) layout already; with fewer
# channels (image stems) the channels-last windows have too short contiguous runs (1.5-3x
# slower there).
USE_CHANNELS_LAST = True


def _channels_last(x, w, groups: int) -> bool:
    return (USE_CHANNELS_LAST and conv_cl.usable(x, w, groups)
            and w.shape[2] * w.shape[3] > 1 and w.shape[1] >= 8)


USE_WINOGRAD = True


def _winograd(w_shape, op) -> bool:
    return USE_WINOGRAD and conv_winograd.usable(w_shape, op.stride, op.dilation, op.padding)


# -- the op ---------------------------------------------------------------------------------
class Convolution(Op):
    """PyTorch's ``convolution``: inputs (input, weight, bias or None)."""

    grad_fn_name = "ConvolutionBackward0"
    holomorphic = True
    autocast_policy = "lower"
    reduced_float_in_float32 = True
    params = ("stride", "padding", "dilation", "transposed", "output_padding", "groups")

    def forward(self, x, w, b):
        self.save_inputs(0, 1)
        if self.transposed:
            if b is not None and b.dtype != x.dtype:  # PyTorch adds the bias in place
                b = b.astype(x.dtype)
            return transposed_forward(x, w, b, self.stride, self.padding, self.dilation,
                                      self.groups, self.output_padding)
        if _channels_last(x, w, self.groups):
            if _winograd(w.shape, self) and conv_winograd.pays_forward(
                    w.shape[1], w.shape[0], x.shape[2] * x.shape[3]):
                return conv_winograd.forward(x, w, b, self.padding)
            return conv_cl.forward(x, w, b, self.stride, self.padding, self.dilation)
        return conv_forward(x, w, b, self.stride, self.padding, self.dilation, self.groups)

    def backward(self, g):
        need = self.needs_input_grad
        xt, wt = self.saved_tensors
        if backward_builds_graph():
            return self._backward_graph(g, xt, wt, need)
        ga, x, w = g._data, xt._data, wt._data
        xp = xp_of(ga)
        x_shape, w_shape = x.shape, w.shape
        gx = gw = gb = None
        if need[2]:
            gb = Tensor._from_array(ga.sum(axis=(0,) + tuple(range(2, ga.ndim))))
        if self.transposed:
            if need[0] or need[1]:
                cols = _transposed_cols(ga, w, x_shape[2:], self.stride, self.padding,
                                        self.dilation, self.groups)
            if need[0]:
                wm = w.reshape(self.groups, x_shape[1] // self.groups, -1)
                gx = from_group_matrix(xp.matmul(wm, cols), x_shape[0], x_shape[2:])
            if need[1]:
                gw = _group_weight_grad(x, cols, w_shape, self.groups)
        elif _channels_last(x, w, self.groups):
            g_nhwc = conv_cl.nhwc(ga) if need[0] and need[1] else None
            wino = _winograd(w_shape, self)
            if need[0] and wino and conv_winograd.pays_forward(
                    w_shape[1], w_shape[0], x_shape[2] * x_shape[3]):
                gx = conv_winograd.input_grad(ga, w, x_shape, self.padding)
            elif need[0]:
                if self.stride == (1, 1) or x_shape[1] >= 32:
                    gx = conv_cl.input_grad(ga, w, x_shape, self.stride, self.padding,
                                            self.dilation, g_nhwc)
                else:  # under 32 channels the channels-last scatter measured slower
                    gx = conv_input_grad(ga, w, x_shape, self.stride, self.padding,
                                         self.dilation, self.groups)
            if need[1] and wino and conv_winograd.pays_weight_grad(
                    w_shape[1], w_shape[0], ga.shape[0] * ga.shape[2] * ga.shape[3]):
                gw = conv_winograd.weight_grad(ga, x, self.padding, g_nhwc)
            elif need[1]:
                gw = conv_cl.weight_grad(ga, x, w_shape, self.stride, self.padding,
                                         self.dilation, g_nhwc)
        else:
            if need[0]:
                gx = conv_input_grad(ga, w, x_shape, self.stride, self.padding, self.dilation,
                                     self.groups)
            if need[1]:
                gw = conv_weight_grad(ga, x, w_shape, self.stride, self.padding, self.dilation,
                                      self.groups)
        return (None if gx is None else Tensor._from_array(gx),
                None if gw is None else Tensor._from_array(gw), gb)

    def _backward_graph(self, g, x, w, need):
        """Differentiable backward (create_graph=True): built from convolutions."""
        kw = dict(stride=self.stride, padding=self.padding, dilation=self.dilation,
                  groups=self.groups)
        gx = gw = gb = None
        if need[2]:
            gb = g.sum((0,) + tuple(range(2, g.ndim)))
        if self.transposed:
            # y = conv_input_grad(x; w): dx = conv(g, w); dw = weight grad with g as the input
            if need[0]:
                gx = _convolution(g, w, None, transposed=False, output_padding=(0,) * len(
                    self.stride), **kw)
            if need[1]:
                gw = _weight_grad_graph(g, x, w.shape, **kw)
        else:
            if need[0]:
                out_pad = tuple(
                    x.shape[2 + i] - ((g.shape[2 + i] - 1) * self.stride[i] - 2 * self.padding[i]
                                      + self.dilation[i] * (w.shape[2 + i] - 1) + 1)
                    for i in range(len(self.stride)))
                gx = _convolution(g, w, None, transposed=True, output_padding=out_pad, **kw)
            if need[1]:
                gw = _weight_grad_graph(x, g, w.shape, **kw)
        return gx, gw, gb


def _weight_grad_graph(x: Tensor, g: Tensor, w_shape, stride, padding, dilation, groups):
    """dW of a plain convolution as a convolution of x (batch <-> channel) with g."""
    n, c = x.shape[:2]
    o = g.shape[1]
    sp = tuple(x.shape[2:])
    gsp = tuple(g.shape[2:])
    cg, og = c // groups, o // groups
    xt = x.reshape((n, groups, cg) + sp).permute(
        (2, 1, 0) + tuple(range(3, 3 + len(sp)))).reshape((cg, groups * n) + sp)
    gt = g.reshape((n, groups, og) + gsp).permute(
        (1, 2, 0) + tuple(range(3, 3 + len(gsp)))).reshape((groups * og, n) + gsp)
    r = _convolution(xt, gt, None, stride=dilation, padding=padding, dilation=stride,
                     transposed=False, output_padding=(0,) * len(sp), groups=groups)
    r = r[(slice(None), slice(None)) + tuple(slice(0, k) for k in w_shape[2:])]
    return r.transpose(0, 1)


def _convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups):
    return Convolution.apply(x, w, b, stride=tuple(stride), padding=tuple(padding),
                             dilation=tuple(dilation), transposed=transposed,
                             output_padding=tuple(output_padding), groups=groups)


# -- argument checking and the public functions ------------------------------------------------
def _tuple(v, n: int, name: str):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(e) for e in v)
    if len(v) == 1 and n > 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}=[{', '.join(str(e) for e in v)}]")
    return v


def _sizes(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check(x: Tensor, w: Tensor, b, nd: int, stride, padding, dilation, groups, transposed,
           output_padding) -> None:
    if w.ndim != nd + 2:
        raise RuntimeError(f"expected stride to be a single integer value or a list of "
                           f"{w.ndim - 2} values to match the convolution dimensions, but got "
                           f"stride=[{', '.join(str(v) for v in stride)}]")
    if not transposed and b is not None and b._data.dtype != x._data.dtype:
        raise RuntimeError(f"Input type ({cpp_type_name(x.dtype)}) and bias type "
                           f"({cpp_type_name(b.dtype)}) should be the same")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    ws = tuple(w.shape)
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_sizes(ws)}] instead")
    c = x.shape[1]
    if not transposed:
        if c != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {_sizes(ws)}, expected "
                               f"input{_sizes(x.shape)} to have {ws[1] * groups} channels, but "
                               f"got {c} channels instead")
        padded = [x.shape[2 + i] + 2 * padding[i] for i in range(nd)]
        eff = [dilation[i] * (ws[2 + i] - 1) + 1 for i in range(nd)]
        if any(p < k for p, k in zip(padded, eff)):
            raise RuntimeError(f"Calculated padded input size per channel: "
                               f"({' x '.join(str(p) for p in padded)}). Kernel size: "
                               f"({' x '.join(str(k) for k in eff)}). Kernel size can't be "
                               "greater than actual input size")
        if b is not None and (b.ndim != 1 or b.shape[0] != ws[0]):
            raise RuntimeError(f"Given weight of size {_sizes(ws)}, expected bias to be "
                               f"1-dimensional with {ws[0]} elements, but got bias of size "
                               f"{_sizes(b.shape)} instead")
    else:
        if c != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {_sizes(ws)}, expected "
                               f"input{_sizes(x.shape)} to have {ws[0]} channels, but got {c} "
                               "channels instead")
        if b is not None and (b.ndim != 1 or b.shape[0] != ws[1] * groups):
            raise RuntimeError(f"Given transposed=1, weight of size {_sizes(ws)}, expected bias "
                               f"to be 1-dimensional with {ws[1] * groups} elements, but got "
                               f"bias of size {_sizes(b.shape)} instead")
        if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
            dims = ["depth", "height", "width"][3 - nd:] if nd > 1 else ["width"]
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                + " ".join(f"output_padding_{d}: {v}" for d, v in zip(dims, output_padding))
                + " " + " ".join(f"stride_{d}: {v}" for d, v in zip(dims, stride))
                + " " + " ".join(f"dilation_{d}: {v}" for d, v in zip(dims, dilation)))
    kind = x._data.dtype.kind
    if kind == "b" or (transposed and kind in "iu" and x._data.dtype.itemsize != 8):
        # PyTorch's CPU kernels: no bool convolutions, transposed ones only for int64 integers
        kernel = ("compute_columns3d" if nd == 3 else "slow_conv2d_cpu") if not transposed else \
            f"slow_conv_transpose{max(nd, 2)}d_out_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{x.dtype.c_name}\'')
    if x._data.dtype != w._data.dtype:
        if _uses_mkldnn(x, w, stride, dilation, groups):
            ti = x.dtype.legacy_name
            tw = w.dtype.legacy_name
            raise RuntimeError(f"Input type (torch.{ti}) and weight type (torch.{tw}) should be "
                               "the same or input should be a MKLDNN tensor and weight is a dense "
                               "tensor")
        raise RuntimeError(f"expected scalar type {x.dtype.c_name} but found {w.dtype.c_name}")
    if nd == 3 and transposed and b is not None and b.dtype is not x.dtype:
        raise RuntimeError(f"expected scalar type {x.dtype.c_name} but found {b.dtype.c_name}")
    if transposed and b is not None and b.dtype._category > x.dtype._category:
        res = promote_types(x.dtype, b.dtype)
        raise RuntimeError(f"result type {res.c_name} can't be cast to the desired output type "
                           f"{x.dtype.c_name}")


def cpp_type_name(dt) -> str:
    """The C++ name PyTorch's messages give a dtype (``float``, ``c10::Half``, ``long int``)."""
    return _CPP_NAMES.get(dt.c_name, dt.c_name)


_CPP_NAMES = {"Half": "c10::Half", "BFloat16": "c10::BFloat16", "Float": "float",
              "Double": "double", "ComplexHalf": "c10::complex<c10::Half>",
              "ComplexFloat": "c10::complex<float>", "ComplexDouble": "c10::complex<double>",
              "Bool": "bool", "Byte": "unsigned char", "Char": "signed char",
              "Short": "short int", "Int": "int", "Long": "long int"}


def _uses_mkldnn(x: Tensor, w: Tensor, stride, dilation, groups: int) -> bool:
    """Whether PyTorch's CPU convolution picks its MKLDNN kernel (float32 inputs, by its size
    heuristic), which words a weight-dtype mismatch differently."""
    if x._data.dtype.kind not in "fV" or x._data.dtype.itemsize != 4:
        return False
    xs, ws = tuple(x.shape), tuple(w.shape)
    if len(xs) == 3:  # 1-d convolutions run as 2-d ones with a unit height
        xs, ws = xs[:2] + (1,) + xs[2:], ws[:2] + (1,) + ws[2:]
    strided = any(v != 1 for v in stride)
    dilated = any(v != 1 for v in dilation)
    if not (strided or dilated or xs[0] >= 16 or ws[-1] != 1 or ws[-2] != 1):
        return False  # PyTorch also takes MKLDNN here when multi-threaded; numtorch assumes not
    n = xs[0] * xs[1] * xs[2] * xs[3]
    return groups > 1 or (ws[-1] > 3 and ws[-2] > 3) or xs[0] > 1 or n > 20480


def _conv_nd(nd: int, name: str, input: Tensor, weight: Tensor, bias, stride, padding, dilation,
             groups: int, transposed: bool = False, output_padding=0) -> Tensor:
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {_sizes(input.shape)}")
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    k = nd
    stride = _tuple(stride, k, "stride")
    dilation = _tuple(dilation, k, "dilation")
    extra = None
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * k
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            ks = weight.shape[2:]
            total = [dilation[i] * (ks[i] - 1) for i in range(k)]
            padding = tuple(t // 2 for t in total)
            extra = [t - 2 * (t // 2) for t in total]
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _tuple(padding, k, "padding")
    output_padding = _tuple(output_padding, k, "output_padding")
    _check(input, weight, bias, nd, stride, padding, dilation, groups, transposed,
           output_padding)
    if extra is not None and any(extra):
        from .sampling import pad as _pad

        spec = []
        for e in reversed(extra):
            spec += [0, e]
        input = _pad(input, spec)
    out = _convolution(input, weight, bias, stride, padding, dilation, transposed,
                       output_padding, groups)
    return out.squeeze(0) if unbatched else out


def convolution(input: Tensor, weight: Tensor, bias, stride, padding, dilation, transposed: bool,
                output_padding, groups: int) -> Tensor:
    """``torch.convolution``: the generic entry (explicit tuples, no 'same' strings)."""
    nd = weight.ndim - 2
    return _conv_nd(nd, f"conv{nd}d", input, weight, bias, stride, padding, dilation, groups,
                    transposed, output_padding)


def conv1d(input: Tensor, weight: Tensor, bias=None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """``torch.nn.functional.conv1d``."""
    return _conv_nd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias=None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """``torch.nn.functional.conv2d``."""
    return _conv_nd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias=None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """``torch.nn.functional.conv3d``."""
    return _conv_nd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias=None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """``torch.nn.functional.conv_transpose1d``."""
    return _conv_nd(1, "conv_transpose1d", input, weight, bias, stride, padding, dilation,
                    groups, True, output_padding)


def conv_transpose2d(input: Tensor, weight: Tensor, bias=None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """``torch.nn.functional.conv_transpose2d``."""
    return _conv_nd(2, "conv_transpose2d", input, weight, bias, stride, padding, dilation,
                    groups, True, output_padding)


def conv_transpose3d(input: Tensor, weight: Tensor, bias=None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """``torch.nn.functional.conv_transpose3d``."""
    return _conv_nd(3, "conv_transpose3d", input, weight, bias, stride, padding, dilation,
                    groups, True, output_padding)
