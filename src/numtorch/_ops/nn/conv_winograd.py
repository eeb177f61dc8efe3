"""Winograd F(2x2, 3x3) for 3x3, stride-1, undilated, one-group 2-D float convolutions.

Each 2x2 block of outputs comes from a 4x4 input tile: with the tile transformed as
``V = Bt d B`` and the weight as ``U = G w Gt`` (both 4x4), the outputs are ``At (U * V) A``.
Summed over channels, the 16 elementwise products become 16 GEMMs of (tiles, C) x (C, O):
4 multiplications per output and channel pair instead of 9. The transforms are a few adds on
channels-last arrays. The weight gradient is the adjoint: ``Gt (sum over tiles V * (A dy At)) G``.
Results agree with the direct convolution to float32 round-off (the transforms only add,
subtract and halve).
"""

from __future__ import annotations

from ..._backend import xp_of
from .conv_cl import nhwc

__all__ = ["forward", "forward_nhwc", "input_grad", "pays_forward", "pays_weight_grad", "usable",
           "weight_grad"]


def usable(w_shape, stride, dilation, padding) -> bool:
    """3x3, stride 1, undilated, padding at most 2 (the input gradient's full correlation)."""
    return (tuple(w_shape[2:]) == (3, 3) and tuple(stride) == (1, 1)
            and tuple(dilation) == (1, 1) and padding[0] <= 2 and padding[1] <= 2)


# When the transform pays (measured, 1-thread OpenBLAS, float32): its 16 GEMMs have the
# channels as their inner dimension, so they run well only for mid-size channel counts; with
# wide layers on tiny images the weight transform dominates. Forward and input gradient: both
# channel counts in [48, 96] and at least 8x8 outputs (1.15-1.35x over the direct kernel);
# weight gradient: channels in [48, 160] and at most 2048 output positions (1.35-1.4x).
def pays_forward(c: int, o: int, out_hw: int) -> bool:
    return 48 <= min(c, o) and max(c, o) <= 96 and out_hw >= 64


def pays_weight_grad(c: int, o: int, positions: int) -> bool:
    return 48 <= min(c, o) and max(c, o) <= 160 and positions <= 2048


def _weight_transform(w):
    """(O, C, 3, 3) -> U (16, C, O), ``G w Gt`` per (O, C)."""
    xp = xp_of(w)
    o, c = w.shape[:2]
    w0, w1, w2 = w[:, :, 0], w[:, :, 1], w[:, :, 2]  # rows, each (O, C, 3)
    rows = xp.empty((4, o, c, 3), dtype=w.dtype)
    rows[0] = w0
    xp.multiply(w0 + w1 + w2, 0.5, out=rows[1])
    xp.multiply(w0 - w1 + w2, 0.5, out=rows[2])
    rows[3] = w2
    c0, c1, c2 = rows[..., 0], rows[..., 1], rows[..., 2]  # (4, O, C)
    u = xp.empty((4, 4, c, o), dtype=w.dtype)
    u[:, 0] = c0.transpose(0, 2, 1)
    u[:, 1] = ((c0 + c1 + c2) * 0.5).transpose(0, 2, 1)
    u[:, 2] = ((c0 - c1 + c2) * 0.5).transpose(0, 2, 1)
    u[:, 3] = c2.transpose(0, 2, 1)
    return u.reshape(16, c, o)


def _tiles(xpad, th: int, tw: int):
    """The (N, th, tw, 4, 4, C) overlapping 4x4 tiles (step 2) of a (N, Hp, Wp, C) array."""
    xp = xp_of(xpad)
    sn, sh, sw, sc = xpad.strides
    return xp.lib.stride_tricks.as_strided(
        xpad, (xpad.shape[0], th, tw, 4, 4, xpad.shape[3]),
        (sn, 2 * sh, 2 * sw, sh, sw, sc), writeable=False)


def _input_transform(d, out):
    """``Bt d B`` of tiles d (N, th, tw, 4, 4, C) into out (4, 4, N, th, tw, C)."""
    xp = xp_of(d)
    d = d.transpose(3, 4, 0, 1, 2, 5)  # (4, 4, N, th, tw, C)
    t = xp.empty((4,) + d.shape[1:], dtype=d.dtype)
    xp.subtract(d[0], d[2], out=t[0])
    xp.add(d[1], d[2], out=t[1])
    xp.subtract(d[2], d[1], out=t[2])
    xp.subtract(d[1], d[3], out=t[3])
    xp.subtract(t[:, 0], t[:, 2], out=out[:, 0])
    xp.add(t[:, 1], t[:, 2], out=out[:, 1])
    xp.subtract(t[:, 2], t[:, 1], out=out[:, 2])
    xp.subtract(t[:, 1], t[:, 3], out=out[:, 3])
    return out


def _padded_nhwc(x, ph: int, pw: int, hp: int, wp: int):
    """(N, C, H, W) -> (N, hp, wp, C) with x at offset (ph, pw), zeros around."""
    xp = xp_of(x)
    n, c, h, w = x.shape
    out = xp.zeros((n, hp, wp, c), dtype=x.dtype)
    out[:, ph:ph + h, pw:pw + w] = x.transpose(0, 2, 3, 1)
    return out


def _transformed_input(x_nhwc_padded, th: int, tw: int):
    """V (16, N * th * tw, C)."""
    xp = xp_of(x_nhwc_padded)
    n, _, _, c = x_nhwc_padded.shape
    v = xp.empty((4, 4, n, th, tw, c), dtype=x_nhwc_padded.dtype)
    _input_transform(_tiles(x_nhwc_padded, th, tw), v)
    return v.reshape(16, n * th * tw, c)


_CHUNK_BYTES = 1 << 20


def forward_nhwc(xpad, w, oh: int, ow: int):
    """Correlation of a zero-padded channels-last input (N, >= 2 * th + 2, >= 2 * tw + 2, C)
    with w (O, C, 3, 3): the (N, O, oh, ow) result (a strided view of a channels-last array).
    Samples are processed in chunks whose transformed tiles stay in cache."""
    xp = xp_of(xpad)
    n, c = xpad.shape[0], xpad.shape[3]
    o = w.shape[0]
    th, tw = (oh + 1) // 2, (ow + 1) // 2
    u = _weight_transform(w)
    y = xp.empty((n, th, 2, tw, 2, o), dtype=xpad.dtype)
    step = max(1, _CHUNK_BYTES // (16 * th * tw * max(c, o) * xpad.itemsize))
    for s in range(0, n, step):
        e = min(n, s + step)
        _forward_chunk(xpad[s:e], u, th, tw, y[s:e])
    return y.reshape(n, 2 * th, 2 * tw, o)[:, :oh, :ow].transpose(0, 3, 1, 2)


def _forward_chunk(xpad, u, th, tw, y):
    xp = xp_of(xpad)
    n = xpad.shape[0]
    o = u.shape[2]
    v = _transformed_input(xpad, th, tw)
    m = xp.empty((16, v.shape[1], o), dtype=v.dtype)
    for k in range(16):
        xp.matmul(v[k], u[k], out=m[k])
    m = m.reshape(4, 4, n, th, tw, o)
    # At m A: rows then columns, into the channels-last (N, th, 2, tw, 2, O) output
    r = xp.empty((2, 4, n, th, tw, o), dtype=m.dtype)
    xp.add(m[0], m[1], out=r[0])
    r[0] += m[2]
    xp.subtract(m[1], m[2], out=r[1])
    r[1] -= m[3]
    yv = y.transpose(2, 4, 0, 1, 3, 5)  # (2, 2, N, th, tw, O) view of y
    xp.add(r[:, 0], r[:, 1], out=yv[:, 0])
    yv[:, 0] += r[:, 2]
    xp.subtract(r[:, 1], r[:, 2], out=yv[:, 1])
    yv[:, 1] -= r[:, 3]


def forward(x, w, b, padding):
    """3x3 stride-1 convolution (N, C, H, W) -> contiguous (N, O, OH, OW), bias added."""
    xp = xp_of(x)
    n, c, h, wd = x.shape
    o = w.shape[0]
    oh, ow = h + 2 * padding[0] - 2, wd + 2 * padding[1] - 2
    th, tw = (oh + 1) // 2, (ow + 1) // 2
    xpad = _padded_nhwc(x, padding[0], padding[1], 2 * th + 2, 2 * tw + 2)
    y = forward_nhwc(xpad, w, oh, ow)
    out = xp.empty((n, o, oh, ow), dtype=x.dtype)
    if b is not None:
        xp.add(y, b.reshape(1, o, 1, 1), out=out)
    else:
        out[...] = y
    return out


def input_grad(g, w, in_shape, padding):
    """Input gradient of a 3x3 stride-1 convolution: the full correlation of the output
    gradient with the flipped, channel-swapped weight, by the same transform."""
    xp = xp_of(g)
    n, c, h, wd = in_shape
    qh, qw = 2 - padding[0], 2 - padding[1]
    th, tw = (h + 1) // 2, (wd + 1) // 2
    gpad = _padded_nhwc(g, qh, qw, max(2 * th + 2, g.shape[2] + 2 * qh),
                        max(2 * tw + 2, g.shape[3] + 2 * qw))
    wf = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    res = xp.empty((n, c, h, wd), dtype=g.dtype)
    res[...] = forward_nhwc(gpad, wf, h, wd)
    return res


def weight_grad(g, x, padding, g_nhwc=None):
    """Weight gradient (O, C, 3, 3) of a 3x3 stride-1 convolution (the adjoint transform),
    accumulated over chunks of samples whose transformed tiles stay in cache."""
    xp = xp_of(g)
    n, c, h, wd = x.shape
    o, oh, ow = g.shape[1:]
    th, tw = (oh + 1) // 2, (ow + 1) // 2
    xpad = _padded_nhwc(x, padding[0], padding[1], max(2 * th + 2, h + 2 * padding[0]),
                        max(2 * tw + 2, wd + 2 * padding[1]))
    if g_nhwc is None:
        g_nhwc = nhwc(g)
    gv = g_nhwc.reshape(n, oh, ow, o)
    du = xp.zeros((16, c, o), dtype=g.dtype)
    step = max(1, _CHUNK_BYTES // (16 * th * tw * max(c, o) * g.itemsize))
    for s0 in range(0, n, step):
        s1 = min(n, s0 + step)
        _weight_grad_chunk(xpad[s0:s1], gv[s0:s1], th, tw, du)
    du = du.reshape(4, 4, c, o)
    # Gt du G: (4 x 4) -> (3 x 3), rows then columns
    s = xp.empty((3, 4, c, o), dtype=g.dtype)
    xp.add(du[0], (du[1] + du[2]) * 0.5, out=s[0])
    xp.multiply(du[1] - du[2], 0.5, out=s[1])
    xp.add((du[1] + du[2]) * 0.5, du[3], out=s[2])
    gw = xp.empty((3, 3, c, o), dtype=g.dtype)
    xp.add(s[:, 0], (s[:, 1] + s[:, 2]) * 0.5, out=gw[:, 0])
    xp.multiply(s[:, 1] - s[:, 2], 0.5, out=gw[:, 1])
    xp.add((s[:, 1] + s[:, 2]) * 0.5, s[:, 3], out=gw[:, 2])
    return xp.ascontiguousarray(gw.transpose(3, 2, 0, 1))


def _weight_grad_chunk(xpad, gv, th: int, tw: int, du):
    """Add one chunk's ``sum over tiles V * (A dy At)`` into du (16, C, O)."""
    xp = xp_of(xpad)
    n, oh, ow, o = gv.shape
    v = _transformed_input(xpad, th, tw)  # (16, P, C)
    # output gradient in 2x2 tiles, zero beyond (oh, ow): (2, 2, N, th, tw, O)
    gt = xp.zeros((2, 2, n, th, tw, o), dtype=gv.dtype)
    for a in range(2):
        for bb in range(2):
            src = gv[:, a::2, bb::2]
            gt[a, bb, :, :src.shape[1], :src.shape[2]] = src
    # A dy At: (2 x 2) -> (4 x 4), rows then columns
    r = xp.empty((4, 2, n, th, tw, o), dtype=gv.dtype)
    r[0] = gt[0]
    xp.add(gt[0], gt[1], out=r[1])
    xp.subtract(gt[0], gt[1], out=r[2])
    xp.negative(gt[1], out=r[3])
    e = xp.empty((4, 4, n, th, tw, o), dtype=gv.dtype)
    e[:, 0] = r[:, 0]
    xp.add(r[:, 0], r[:, 1], out=e[:, 1])
    xp.subtract(r[:, 0], r[:, 1], out=e[:, 2])
    xp.negative(r[:, 1], out=e[:, 3])
    e = e.reshape(16, -1, o)
    for k in range(16):
        du[k] += xp.matmul(v[k].T, e[k])
