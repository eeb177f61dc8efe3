"""Lowerings of the layer ops: convolution, pooling, normalisation, softmax and activations."""

from __future__ import annotations

import math

import numpy as np

from .._ops.nn import activation as K
from .._ops.nn import conv, embedding, normalization, pooling
from ..nn.functional import _SELU_ALPHA, _SELU_SCALE
from ._lowering import inp, lowers, out_dtype, reduce, squeeze, unsqueeze


# -- convolution --------------------------------------------------------------------------------
@lowers(conv.Convolution)
def _conv(g, r):
    p = r.params
    x, w, b = r.ins
    k = list(w.shape[2:])
    attrs = dict(kernel_shape=k, strides=list(p["stride"]), dilations=list(p["dilation"]),
                 group=int(p["groups"]), pads=list(p["padding"]) * 2)
    ins = [g.name(x), g.name(w)] + ([g.name(b)] if b is not None else [])
    if not p["transposed"]:
        return g.node("Conv", ins, **attrs)
    out_pad = list(p["output_padding"])
    if any(out_pad):
        attrs["output_padding"] = out_pad
    return g.node("ConvTranspose", ins, **attrs)


# -- pooling ------------------------------------------------------------------------------------
def _batched(g, r, x: str, nd: int):
    """Pooling nodes want (N, C, *spatial): add a batch dim to unbatched input."""
    extra = len(r.ins[0].shape) - nd - 2
    if extra == -1:
        return unsqueeze(g, x, [0]), lambda y: squeeze(g, y, [0])
    if extra == 0:
        return x, lambda y: y
    lead = list(r.ins[0].shape[:extra + 2])
    flat = g.node("Reshape", [x, g.ints([-1, lead[-1]] + list(r.ins[0].shape[-nd:]))])
    return flat, lambda y: g.node("Reshape", [y, g.ints(list(r.outs[0].shape))])


def _ceil_mode(sizes, out, k, s, p, d) -> int:
    floor = [(sizes[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(len(k))]
    return int(any(o != f for o, f in zip(out, floor)))


@lowers(pooling.MaxPoolWithIndices, pooling.MaxPool3DWithIndices)
def _max_pool(g, r):
    p = r.params
    k, s, pad, d = p["kernel"], p["stride"], p["padding"], p["dilation"]
    nd = len(k)
    x, back = _batched(g, r, g.name(r.ins[0]), nd)
    sizes = r.ins[0].shape[-nd:]
    attrs = dict(kernel_shape=list(k), strides=list(s), pads=list(pad) * 2)
    if any(v != 1 for v in d):
        attrs["dilations"] = list(d)
    if _ceil_mode(sizes, p["out_sizes"], k, s, pad, d):
        attrs["ceil_mode"] = 1
    return back(g.node("MaxPool", [x], **attrs)), None


@lowers(pooling.AvgPool)
def _avg_pool(g, r):
    p = r.params
    k, s, pad = p["kernel"], p["stride"], p["padding"]
    nd = len(k)
    out = p["out_sizes"]
    sizes = r.ins[0].shape[-nd:]
    x, back = _batched(g, r, g.name(r.ins[0]), nd)
    div = np.asarray(p["divisor"], dtype=np.float64)
    ceil = _ceil_mode(sizes, out, k, s, pad, (1,) * nd)
    attrs = dict(kernel_shape=list(k), strides=list(s), pads=list(pad) * 2)
    if not ceil:
        window = float(math.prod(k))
        exclude = _divisors(sizes, out, k, s, pad, False)
        if div.size == 1 and float(div) == window or np.array_equal(
                np.broadcast_to(div, exclude.shape), np.full(exclude.shape, window)):
            return back(g.node("AveragePool", [x], count_include_pad=1, **attrs))
        if div.shape == exclude.shape and np.array_equal(div, exclude):
            return back(g.node("AveragePool", [x], count_include_pad=0, **attrs))
    # general case (ceil_mode overhang, divisor_override): zero-pad, sum the full windows and
    # divide by PyTorch's divisor
    extra = [max(0, (out[i] - 1) * s[i] + k[i] - sizes[i] - 2 * pad[i]) for i in range(nd)]
    pads = [0, 0] + list(pad) + [0, 0] + [pad[i] + extra[i] for i in range(nd)]
    xp = g.node("Pad", [x, g.ints(pads)], mode="constant")
    attrs = dict(kernel_shape=list(k), strides=list(s))
    avg = g.node("AveragePool", [xp], **attrs)
    scale = (float(math.prod(k)) / div).astype(out_dtype(r))
    return back(g.node("Mul", [avg, g.const(scale)]))


def _divisors(sizes, out, k, s, p, include):
    div = None
    for i in range(len(k)):
        start = np.arange(out[i]) * s[i] - p[i]
        end = np.minimum(start + k[i], sizes[i] + p[i])
        n = end - start if include else np.minimum(end, sizes[i]) - np.maximum(start, 0)
        shape = [1] * len(k)
        shape[i] = -1
        n = n.reshape(shape)
        div = n if div is None else div * n
    return div.astype(np.float64)


def _adaptive(g, r, x: str, reduce_op: str, pool_op: str) -> str:
    bounds = r.params["bounds"]
    nd = len(bounds)
    uniform = []
    for b in bounds:
        lens = {hi - lo for lo, hi in b}
        starts = [lo for lo, _ in b]
        step = starts[1] - starts[0] if len(starts) > 1 else 1
        ok = len(lens) == 1 and starts == [i * step for i in range(len(b))] and step > 0
        uniform.append((ok, lens.pop() if ok else None, step))
    if all(u[0] for u in uniform):
        k = [u[1] for u in uniform]
        if all(kk == 1 for kk in k) and all(u[2] == 1 for u in uniform):
            return g.node("Identity", [x])
        xb, back = _batched(g, r, x, nd)
        return back(g.node(pool_op, [xb], kernel_shape=k, strides=[u[2] for u in uniform]))
    nd_in = len(r.ins[0].shape)
    for j, b in enumerate(bounds):
        axis = nd_in - nd + j
        lens = {hi - lo for lo, hi in b}
        if lens == {1}:
            x = g.node("Gather", [x, g.ints([lo for lo, _ in b])], axis=axis)
            continue
        parts = []
        for lo, hi in b:
            piece = g.node("Slice", [x, g.ints([lo]), g.ints([hi]), g.ints([axis])])
            parts.append(reduce(g, reduce_op, piece, [axis], True))
        x = g.node("Concat", parts, axis=axis)
    return x


@lowers(pooling.AdaptiveAvgPool)
def _adaptive_avg(g, r):
    return _adaptive(g, r, g.name(r.ins[0]), "ReduceMean", "AveragePool")


@lowers(pooling.AdaptiveMaxPool)
def _adaptive_max(g, r):
    return _adaptive(g, r, g.name(r.ins[0]), "ReduceMax", "MaxPool"), None


# -- normalisation ------------------------------------------------------------------------------
def _channel_param(g, v, c: int, fill: float, dtype) -> str:
    if v is None:
        return g.const(np.full((c,), fill, dtype=dtype))
    return g.name(v, dtype)


def _normalise(g, x: str, axes, eps: float, dtype) -> str:
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` (biased variance)."""
    mean = reduce(g, "ReduceMean", x, axes, True)
    xc = g.node("Sub", [x, mean])
    var = reduce(g, "ReduceMean", g.node("Mul", [xc, xc]), axes, True)
    std = g.node("Sqrt", [g.node("Add", [var, g.name(eps, dtype)])])
    return g.node("Div", [xc, std])


def _affine(g, y: str, w, b, nd: int, dtype) -> str:
    shp = [1, -1] + [1] * (nd - 2)
    if w is not None:
        y = g.node("Mul", [y, g.node("Reshape", [g.name(w, dtype), g.ints(shp)])])
    if b is not None:
        y = g.node("Add", [y, g.node("Reshape", [g.name(b, dtype), g.ints(shp)])])
    return y


@lowers(normalization.NativeBatchNorm)
def _batch_norm(g, r):
    p = r.params
    x, w, b = r.ins
    dt = out_dtype(r)
    nd = len(x.shape)
    c = x.shape[1] if nd > 1 else 1
    if p["use_input_stats"]:
        y = _normalise(g, g.name(x), [0] + list(range(2, nd)), p["eps"], dt)
        return _affine(g, y, w, b, nd, dt)
    tracer = g.tracer
    mean = g.name(tracer.value_of_array(p["running_mean"]), dt)
    var = g.name(tracer.value_of_array(p["running_var"]), dt)
    xn = g.name(x)
    if nd == 1:
        xn = unsqueeze(g, xn, [0])
    if nd == 2 or nd == 1:
        xn = unsqueeze(g, xn, [2])
    y = g.node("BatchNormalization", [xn, _channel_param(g, w, c, 1.0, dt),
                                      _channel_param(g, b, c, 0.0, dt), mean, var],
               epsilon=float(p["eps"]))
    if nd <= 2:
        y = squeeze(g, y, [2])
    if nd == 1:
        y = squeeze(g, y, [0])
    return y


@lowers(normalization.NativeLayerNorm)
def _layer_norm(g, r):
    x, w, b = r.ins
    k, eps = r.params["k"], r.params["eps"]
    dt = out_dtype(r)
    nd = len(x.shape)
    if g.opset >= 17:
        norm_shape = list(x.shape[nd - k:])
        scale = g.name(w, dt) if w is not None else g.const(np.ones(norm_shape, dtype=dt))
        ins = [g.name(x), scale] + ([g.name(b, dt)] if b is not None else [])
        return g.node("LayerNormalization", ins, axis=-k, epsilon=float(eps))
    y = _normalise(g, g.name(x), list(range(nd - k, nd)), eps, dt)
    if w is not None:
        y = g.node("Mul", [y, g.name(w, dt)])
    if b is not None:
        y = g.node("Add", [y, g.name(b, dt)])
    return y


@lowers(normalization.NativeGroupNorm)
def _group_norm(g, r):
    x, w, b = r.ins
    dt = out_dtype(r)
    groups, eps = r.params["groups"], r.params["eps"]
    shape = list(x.shape)
    xg = g.node("Reshape", [g.name(x), g.ints([0, groups, -1])])
    y = _normalise(g, xg, [2], eps, dt)
    y = g.node("Reshape", [y, g.ints([0] + shape[1:])])
    return _affine(g, y, w, b, len(shape), dt)


# -- softmax and activations --------------------------------------------------------------------
@lowers(K.Softmax)
def _softmax(g, r):
    if not r.ins[0].shape:
        return g.node("Identity", [g.const(np.ones((), dtype=out_dtype(r)))])
    return g.node("Softmax", [g.name(r.ins[0])], axis=r.params["dim"])


@lowers(K.LogSoftmax)
def _log_softmax(g, r):
    if not r.ins[0].shape:
        return g.node("Identity", [g.const(np.zeros((), dtype=out_dtype(r)))])
    return g.node("LogSoftmax", [g.name(r.ins[0])], axis=r.params["dim"])


@lowers(K.Hardtanh)
def _hardtanh(g, r):
    dt = out_dtype(r)
    return g.node("Clip", [inp(g, r, 0), g.name(r.params["min_val"], dt),
                           g.name(r.params["max_val"], dt)])


@lowers(K.LeakyRelu, K.LeakyReluInplace)
def _leaky_relu(g, r):
    return g.node("LeakyRelu", [inp(g, r, 0)], alpha=float(r.params["negative_slope"]))


@lowers(K.Elu, K.EluInplace, K.Celu, K.CeluInplace)
def _elu(g, r):
    p = r.params
    dt = out_dtype(r)
    alpha, scale, in_scale = float(p["alpha"]), float(p["scale"]), float(p["input_scale"])
    x = inp(g, r, 0)
    if scale == 1 and in_scale == 1:
        return g.node("Elu", [x], alpha=alpha)
    if alpha == _SELU_ALPHA and scale == _SELU_SCALE and in_scale == 1:
        return g.node("Selu", [x], alpha=alpha, gamma=scale)
    if scale == 1 and abs(in_scale * alpha - 1) < 1e-12:
        return g.node("Celu", [x], alpha=alpha)
    neg = g.node("Mul", [g.node("Sub", [g.node("Exp", [g.node("Mul", [x, g.name(in_scale, dt)])]),
                                        g.name(1, dt)]), g.name(alpha * scale, dt)])
    pos = g.node("Mul", [x, g.name(scale, dt)])
    cond = g.node("Greater", [x, g.name(0, dt)])
    return g.node("Where", [cond, pos, neg])


@lowers(K.Gelu)
def _gelu(g, r):
    x = inp(g, r, 0)
    dt = out_dtype(r)
    approx = r.params.get("approximate", "none")
    if g.opset >= 20:
        return g.node("Gelu", [x], approximate=approx)
    half = g.node("Mul", [x, g.name(0.5, dt)])
    if approx == "tanh":
        cube = g.node("Mul", [g.node("Mul", [x, x]), x])
        inner = g.node("Add", [x, g.node("Mul", [cube, g.name(0.044715, dt)])])
        t = g.node("Tanh", [g.node("Mul", [inner, g.name(math.sqrt(2 / math.pi), dt)])])
    else:
        t = g.node("Erf", [g.node("Mul", [x, g.name(math.sqrt(0.5), dt)])])
    return g.node("Mul", [half, g.node("Add", [t, g.name(1, dt)])])


@lowers(K.Silu)
def _silu(g, r):
    x = inp(g, r, 0)
    return g.node("Mul", [x, g.node("Sigmoid", [x])])


@lowers(K.Mish)
def _mish(g, r):
    x = inp(g, r, 0)
    return g.node("Mul", [x, g.node("Tanh", [g.node("Softplus", [x])])])


@lowers(K.Softplus)
def _softplus(g, r):
    x = inp(g, r, 0)
    dt = out_dtype(r)
    beta, th = float(r.params["beta"]), float(r.params["threshold"])
    z = x if beta == 1 else g.node("Mul", [x, g.name(beta, dt)])
    y = g.node("Softplus", [z])
    if beta != 1:
        y = g.node("Div", [y, g.name(beta, dt)])
    return g.node("Where", [g.node("Greater", [z, g.name(th, dt)]), x, y])


@lowers(K.Hardswish)
def _hardswish(g, r):
    x = inp(g, r, 0)
    if g.opset >= 14:
        return g.node("HardSwish", [x])
    return g.node("Mul", [x, g.node("HardSigmoid", [x], alpha=1 / 6, beta=0.5)])


@lowers(K.Hardsigmoid)
def _hardsigmoid(g, r):
    return g.node("HardSigmoid", [inp(g, r, 0)], alpha=1 / 6, beta=0.5)


@lowers(K.Threshold, K.ThresholdInplace)
def _threshold(g, r):
    x = inp(g, r, 0)
    dt = out_dtype(r)
    cond = g.node("Greater", [x, g.name(r.params["threshold"], dt)])
    return g.node("Where", [cond, x, g.name(r.params["value"], dt)])


@lowers(K.LogSigmoid)
def _log_sigmoid(g, r):
    return g.node("Neg", [g.node("Softplus", [g.node("Neg", [inp(g, r, 0)])])])


@lowers(K.Softshrink)
def _softshrink(g, r):
    return g.node("Shrink", [inp(g, r, 0)], lambd=float(r.params["lambd"]),
                  bias=float(r.params["lambd"]))


@lowers(K.Hardshrink)
def _hardshrink(g, r):
    return g.node("Shrink", [inp(g, r, 0)], lambd=float(r.params["lambd"]), bias=0.0)


@lowers(K.Glu)
def _glu(g, r):
    x = inp(g, r, 0)
    d = r.params["dim"]
    h = r.ins[0].shape[d] // 2
    first = g.node("Slice", [x, g.ints([0]), g.ints([h]), g.ints([d])])
    second = g.node("Slice", [x, g.ints([h]), g.ints([2 * h]), g.ints([d])])
    return g.node("Mul", [first, g.node("Sigmoid", [second])])


@lowers(K.PreluKernel)
def _prelu(g, r):
    return g.node("PRelu", [inp(g, r, 0), inp(g, r, 1)])


@lowers(embedding.Embedding)
def _embedding(g, r):
    idx = g.tracer.value_of_array(r.params["indices"])
    return g.node("Gather", [g.name(r.ins[0]), g.name(idx)], axis=0)
