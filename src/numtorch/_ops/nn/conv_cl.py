"""2-D convolution kernels in a channels-last internal layout (one group, real floats).

The public layout stays (N, C, H, W) contiguous, as PyTorch's. Internally the padded input is
copied once into (N, Hp, Wp, C); its windows (N, OH, OW, KH, KW, C) then have unit-stride runs
of KW * C elements, so the column matrix (N * OH * OW, KH * KW * C) is built by a fast copy and
every product is one plain 2-D GEMM:

- forward: ``cols @ W`` with W as (KH * KW * C, O), giving the output as (N * OH * OW, O);
- weight gradient: ``cols.T @ g`` with the output gradient as (N * OH * OW, O);
- input gradient, stride 1: a convolution of the zero-padded output gradient with the flipped,
  channel-swapped weight (its columns times a (KH * KW * O, C) matrix), no scatter;
- input gradient, other strides: ``g @ W.T`` gives the column gradient, summed back into the
  padded input with one strided add per kernel offset (contiguous C-runs).

Rows are processed in chunks so that a chunk's columns stay small; a scratch buffer for the
columns is kept between calls (its pages are already mapped, which saves the page faults of a
fresh large allocation on every call).
"""

from __future__ import annotations

import threading

from ..._backend import xp_of

__all__ = ["usable", "forward", "input_grad", "weight_grad", "nhwc"]

_COL_BYTES = 1 << 20  # column-chunk target size (measured: 1 MiB beats 4 MiB and 256 KiB)
_scratch = threading.local()
# Weights of at least this many elements are only ever reordered within each output channel's
# row (O, KH * KW * C) and used transposed by the GEMMs; smaller ones are transposed to
# (KH * KW * C, O) outright, which measured faster for them.
_BIG_WEIGHT = 1 << 16


def usable(x, w, groups: int) -> bool:
    """Whether these kernels apply: a 2-D, one-group convolution of float32/float64 arrays."""
    return (groups == 1 and x.ndim == 4 and x.dtype == w.dtype and x.dtype.kind == "f"
            and x.dtype.itemsize >= 4)


def _buffer(xp, n: int, dtype):
    """A reusable flat scratch array of at least ``n`` elements of ``dtype`` (one per thread:
    convolutions may run in several threads at once)."""
    bufs = getattr(_scratch, "bufs", None)
    if bufs is None:
        bufs = _scratch.bufs = {}
    key = dtype.str
    buf = bufs.get(key)
    if buf is None or buf.size < n:
        buf = xp.empty(max(n, 1), dtype=dtype)
        bufs[key] = buf
    return buf[:n]


def _to_nhwc_padded(x, ph: int, pw: int, extra_h: int = 0, extra_w: int = 0):
    """(N, C, H, W) -> zero-padded (N, H + 2ph + extra_h, W + 2pw + extra_w, C), one copy."""
    xp = xp_of(x)
    n, c, h, w = x.shape
    hp, wp = h + 2 * ph + extra_h, w + 2 * pw + extra_w
    out = xp.empty((n, hp, wp, c), dtype=x.dtype)
    if ph or pw or extra_h or extra_w:
        out[:, :ph] = 0
        out[:, ph + h:] = 0
        out[:, ph:ph + h, :pw] = 0
        out[:, ph:ph + h, pw + w:] = 0
    out[:, ph:ph + h, pw:pw + w] = x.transpose(0, 2, 3, 1)
    return out


def _windows(xpad, k, stride, dilation, out_sizes):
    """The (N, OH, OW, KH, KW, C) window view of a (N, Hp, Wp, C) array."""
    xp = xp_of(xpad)
    sn, sh, sw, sc = xpad.strides
    shape = (xpad.shape[0], out_sizes[0], out_sizes[1], k[0], k[1], xpad.shape[3])
    strides = (sn, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1], sc)
    return xp.lib.stride_tricks.as_strided(xpad, shape, strides, writeable=False)


def _chunk_rows(row_elems: int, itemsize: int, per_sample_rows: int) -> int:
    """Samples per chunk so that a chunk's columns are about ``_COL_BYTES``."""
    per_sample = row_elems * itemsize * per_sample_rows
    return max(1, _COL_BYTES // max(1, per_sample))


def _gemm_windows(xpad, wm, k, stride, dilation, out_sizes, out2d):
    """``out2d (N * L, O) = columns(xpad) @ wm`` chunk by chunk, the columns in scratch."""
    xp = xp_of(xpad)
    n = xpad.shape[0]
    kc = wm.shape[0]
    length = out_sizes[0] * out_sizes[1]
    win = _windows(xpad, k, stride, dilation, out_sizes)
    step = _chunk_rows(kc, xpad.itemsize, length)
    buf = _buffer(xp, min(step, n) * length * kc, xpad.dtype)
    for s in range(0, n, step):
        e = min(n, s + step)
        cols = buf[:(e - s) * length * kc].reshape(win[s:e].shape)
        cols[...] = win[s:e]
        xp.matmul(cols.reshape(-1, kc), wm, out=out2d[s * length:e * length])
    return out2d


def forward(x, w, b, stride, padding, dilation):
    """Convolution (N, C, H, W) * (O, C, KH, KW) -> contiguous (N, O, OH, OW), bias added."""
    xp = xp_of(x)
    n = x.shape[0]
    o, c, kh, kw = w.shape
    oh = (x.shape[2] + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (x.shape[3] + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    xpad = _to_nhwc_padded(x, padding[0], padding[1])
    if w.size >= _BIG_WEIGHT:
        wm = _weight_rows(w).T  # (KH * KW * C, O), a transposed view: BLAS reads it as is
    else:
        wm = xp.ascontiguousarray(w.transpose(2, 3, 1, 0)).reshape(kh * kw * c, o)
    out2d = xp.empty((n * oh * ow, o), dtype=x.dtype)
    _gemm_windows(xpad, wm, (kh, kw), stride, dilation, (oh, ow), out2d)
    out = xp.empty((n, o, oh, ow), dtype=x.dtype)
    src = out2d.reshape(n, oh, ow, o).transpose(0, 3, 1, 2)
    if b is not None:
        xp.add(src, b.reshape(1, o, 1, 1), out=out)
    else:
        out[...] = src
    return out


def _weight_rows(w):
    """(O, C, KH, KW) -> contiguous (O, KH * KW * C): each output channel's row reordered in
    place (a local gather; a full (C, O) transpose of a large weight costs far more)."""
    o = w.shape[0]
    return xp_of(w).ascontiguousarray(w.transpose(0, 2, 3, 1)).reshape(o, -1)


def nhwc(g):
    """(N, O, OH, OW) -> contiguous (N * OH * OW, O)."""
    xp = xp_of(g)
    n, o, oh, ow = g.shape
    out = xp.empty((n, oh, ow, o), dtype=g.dtype)
    out[...] = g.transpose(0, 2, 3, 1)
    return out


def weight_grad(g, x, w_shape, stride, padding, dilation, g_nhwc=None):
    """Weight gradient (O, C, KH, KW): the input's columns, transposed, times the gradient."""
    xp = xp_of(g)
    n = x.shape[0]
    o, c, kh, kw = w_shape
    oh, ow = g.shape[2:]
    length = oh * ow
    kc = kh * kw * c
    g2 = (nhwc(g) if g_nhwc is None else g_nhwc).reshape(n * length, o)
    xpad = _to_nhwc_padded(x, padding[0], padding[1])
    win = _windows(xpad, (kh, kw), stride, dilation, (oh, ow))
    step = _chunk_rows(kc, x.itemsize, length)
    buf = _buffer(xp, min(step, n) * length * kc, x.dtype)
    gw = None
    big = o * kc >= _BIG_WEIGHT
    for s in range(0, n, step):
        e = min(n, s + step)
        cols = buf[:(e - s) * length * kc].reshape(win[s:e].shape)
        cols[...] = win[s:e]
        if big:
            part = xp.matmul(g2[s * length:e * length].T, cols.reshape(-1, kc))
        else:
            part = xp.matmul(cols.reshape(-1, kc).T, g2[s * length:e * length])
        if gw is None:
            gw = part
        else:
            gw += part
    if big:  # (O, KH * KW * C): each row reordered in place
        return xp.ascontiguousarray(gw.reshape(o, kh, kw, c).transpose(0, 3, 1, 2))
    return xp.ascontiguousarray(gw.reshape(kh, kw, c, o).transpose(3, 2, 0, 1))


def input_grad(g, w, in_shape, stride, padding, dilation, g_nhwc=None):
    """Input gradient (N, C, H, W) of a convolution with output gradient g (N, O, OH, OW)."""
    xp = xp_of(g)
    n, c, h, wd = in_shape
    o, _, kh, kw = w.shape
    oh, ow = g.shape[2:]
    if g_nhwc is None:
        g_nhwc = nhwc(g)
    fh, fw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
    # the full correlation needs the weight with O and C swapped (a whole-matrix transpose);
    # when the weight is large next to the activations (deep layers on tiny images) the
    # scatter below, which reads the weight row by row, is cheaper (measured)
    if (stride == (1, 1) and padding[0] <= fh and padding[1] <= fw
            and n * oh * ow >= 2 * max(o, c)):
        # full correlation with the flipped weight: pad the gradient by (k - 1) * d - p
        qh, qw = fh - padding[0], fw - padding[1]
        # the rows/columns of x the forward windows never reached get a zero gradient
        eh = h - (oh + 2 * qh - fh)
        ew = wd - (ow + 2 * qw - fw)
        gpad = xp.zeros((n, oh + 2 * qh + eh, ow + 2 * qw + ew, o), dtype=g.dtype)
        gpad[:, qh:qh + oh, qw:qw + ow] = g_nhwc
        wf = xp.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(2, 3, 0, 1)).reshape(-1, c)
        out2d = xp.empty((n * h * wd, c), dtype=g.dtype)
        _gemm_windows(gpad, wf, (kh, kw), (1, 1), dilation, (h, wd), out2d)
        res = xp.empty((n, c, h, wd), dtype=g.dtype)
        res[...] = out2d.reshape(n, h, wd, c).transpose(0, 3, 1, 2)
        return res
    hp, wp = h + 2 * padding[0], wd + 2 * padding[1]
    buf = xp.zeros((n, hp, wp, c), dtype=g.dtype)
    wm = _weight_rows(w)
    g2 = g_nhwc.reshape(-1, o)
    length = oh * ow
    step = _chunk_rows(c * kh * kw, g.itemsize, length)
    for s in range(0, n, step):
        e = min(n, s + step)
        gcols = xp.matmul(g2[s * length:e * length], wm).reshape(e - s, oh, ow, kh, kw, c)
        dst = buf[s:e]
        for i in range(kh):
            for j in range(kw):
                hi, wj = i * dilation[0], j * dilation[1]
                dst[:, hi:hi + stride[0] * (oh - 1) + 1:stride[0],
                    wj:wj + stride[1] * (ow - 1) + 1:stride[1]] += gcols[:, :, :, i, j]
    res = xp.empty((n, c, h, wd), dtype=g.dtype)
    res[...] = buf[:, padding[0]:padding[0] + h, padding[1]:padding[1] + wd].transpose(0, 3, 1, 2)
    return res
