"""Batch, layer, group (and instance) normalisation: one op each, PyTorch's node names
(``NativeBatchNormBackward0``, ``NativeLayerNormBackward0``, ``NativeGroupNormBackward0``);
and the ``torch.native_*_norm`` primitives, which also return the statistics.

The forward and the first-order backward are array code. Under ``create_graph=True`` the
backward differentiates the same normalisation written with Tensor operations instead, so
gradients of gradients are exact.
"""

from __future__ import annotations

import math

from ..._backend import xp_of
from ..._tensor import Size, Tensor
from ...autograd import grad_mode
from ...autograd.grad_mode import backward_builds_graph
from .._base import Op

__all__ = ["native_batch_norm", "native_group_norm", "native_layer_norm"]


def _norm_input_grad(gxhat, xhat, invstd, axes):
    """d/dx of xhat = (x - mean) * invstd, the statistics taken over ``axes``."""
    m1 = gxhat.mean(axis=axes, keepdims=True)
    m2 = (gxhat * xhat).mean(axis=axes, keepdims=True)
    return (gxhat - m1 - xhat * m2) * invstd


def _graph_backward(op, g, fn):
    """Gradients of ``fn(*inputs)`` (a Tensor-op rewrite of the op) with create_graph
    (``autograd.grad(out, inputs, g, create_graph=True, allow_unused=True)``)."""
    from ...autograd.engine import run_backward

    ins = op.saved_tensors
    needs = op.needs_input_grad
    need = [i for i, t in enumerate(ins) if t is not None and needs[i]]
    with grad_mode.enable_grad():
        out = fn(*ins)
        grads = run_backward((out,), [g], True, True, inputs=tuple(ins[i] for i in need),
                             accumulate=False, allow_unused=True)
    res = [None] * len(needs)
    for i, gi in zip(need, grads):
        res[i] = gi
    return tuple(res)


def check_norm_dtypes(x: Tensor, params, kernel: str, kernel_first: bool = False) -> None:
    """PyTorch's CPU dtype rules for a normalisation of ``x`` with ``params`` (weight, bias,
    running statistics; None for absent ones): parameters of ``x``'s dtype, or all float32 with
    a float16/bfloat16 ``x`` ("mixed dtype"); a floating ``x``. ``kernel_first``: the kernel's
    dtype check comes before the parameter checks (batch norm)."""
    dt = x.dtype
    if dt.is_floating_point and all(p is None or p.dtype is dt for p in params):
        return  # the common case
    if kernel_first and not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.c_name}\'')
    defined = [p for p in params if p is not None]
    if defined and defined[0].dtype is not dt:
        if any(p.dtype.c_name != "Float" for p in defined):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if dt.c_name not in ("Half", "BFloat16"):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.c_name}\'')
    for p in defined:
        if p.dtype is not dt:
            raise RuntimeError(f"expected scalar type {dt.c_name} but found {p.dtype.c_name}")


def channel_dot(a, b):
    """Per-channel sums of ``a * b`` over every dim but 1 (one pass, no temporary)."""
    xp = xp_of(a)
    if a.ndim < 2:
        return (a * b).sum(axis=0, keepdims=True)
    if a.ndim == 2:
        return xp.einsum("nc,nc->c", a, b)
    n, c = a.shape[:2]
    if a.flags.c_contiguous and b.flags.c_contiguous:
        return xp.einsum("ncl,ncl->c", a.reshape(n, c, -1), b.reshape(n, c, -1))
    spec = "nc" + "abdefghijk"[:a.ndim - 2]
    return xp.einsum(f"{spec},{spec}->c", a, b)


def _channel_dot_acc(a, b):
    """:func:`channel_dot`, accumulated in float32 at least."""
    if a.dtype.itemsize < 4 or b.dtype.itemsize < 4:
        return (a * b).sum(axis=(0,) + tuple(range(2, a.ndim)), dtype="float32")
    return channel_dot(a, b)


def _bshape(ndim: int):
    return (1, -1) + (1,) * (ndim - 2)


# -- batch norm ---------------------------------------------------------------------------------

def _affine(xhat, w, b, shp, dtype):
    """``xhat * w + b`` (either optional, broadcast with shape ``shp``) in ``dtype``."""
    out = xhat * w.reshape(shp) if w is not None else xhat.copy()
    if b is not None:
        out += b.reshape(shp)
    return out.astype(dtype, copy=False)

class NativeBatchNorm(Op):
    """Inputs (input, weight, bias); running statistics and flags are parameters."""

    grad_fn_name = "NativeBatchNormBackward0"
    reduced_float_in_float32 = True
    params = ("use_input_stats", "eps", "stats", "running_mean", "running_var")

    def forward(self, x, w, b):
        self.save_inputs(0, 1, 2)
        xp = xp_of(x)
        shp = _bshape(x.ndim)
        if self.use_input_stats:
            mean, var = self.stats[:2]
            xc = self.stats[2] if len(self.stats) > 2 else None
            if xc is None or xc.dtype != x.dtype or xc.shape != x.shape:
                xc = x - mean
        else:
            mean = self.running_mean.reshape(shp).astype(x.dtype, copy=False)
            var = self.running_var.reshape(shp).astype(x.dtype, copy=False)
            xc = x - mean
        invstd = (1 / xp.sqrt(var + self.eps)).astype(x.dtype, copy=False)
        self._xc, self._invstd = xc, invstd
        # out = xc * (invstd * w) + b: two passes over the data
        scale = invstd if w is None else invstd * w.reshape(shp)
        out = xp.multiply(xc, scale)
        if b is not None:
            out += b.reshape(shp)
        return out.astype(x.dtype, copy=False)

    def backward(self, g):
        if backward_builds_graph():
            return _graph_backward(self, g, self._composite)
        x, w, b = self.saved_tensors
        need = self.needs_input_grad
        ga = g._data
        xc, invstd = self._xc, self._invstd
        shp = _bshape(ga.ndim)
        axes = (0,) + tuple(range(2, ga.ndim))
        gw = gb = gx = None
        # per-channel sums of g and g * xc, each in one pass (no temporaries)
        sum_g = ga.sum(axis=axes) if need[0] or (b is not None and need[2]) else None
        sum_gxc = _channel_dot_acc(ga, xc) if need[0] or (w is not None and need[1]) else None
        if b is not None and need[2]:
            gb = Tensor._from_array(sum_g.astype(ga.dtype, copy=False))
        if w is not None and need[1]:
            gw = Tensor._from_array((sum_gxc * invstd.reshape(-1)).astype(ga.dtype, copy=False))
        if need[0]:
            k1 = invstd if w is None else invstd * w._data.reshape(shp)
            if self.use_input_stats:
                # gx = (g - mean(g) - xc * invstd^2 * mean(g * xc)) * invstd * w
                m = ga.size // ga.shape[1]
                k2 = -(k1 * invstd * invstd) * (sum_gxc.reshape(shp) / m)
                k3 = -k1 * (sum_g.reshape(shp) / m)
                gx = xp_of(ga).multiply(ga, k1.astype(ga.dtype, copy=False))
                gx += xc * k2.astype(ga.dtype, copy=False)
                gx += k3.astype(ga.dtype, copy=False)
            else:
                gx = ga * k1.astype(ga.dtype, copy=False)
            gx = Tensor._from_array(gx)
        return gx, gw, gb

    def _composite(self, x, w, b):
        axes = (0,) + tuple(range(2, x.ndim))
        shp = _bshape(x.ndim)
        if self.use_input_stats:
            mean = x.mean(axes, keepdim=True)
            xc = x - mean
            var = (xc * xc).mean(axes, keepdim=True)
        else:
            xp = xp_of(x._data)
            mean = Tensor._from_array(xp.asarray(self.running_mean, x._data.dtype).reshape(shp))
            var = Tensor._from_array(xp.asarray(self.running_var, x._data.dtype).reshape(shp))
            xc = x - mean
        out = xc * (var + self.eps).rsqrt()
        if w is not None:
            out = out * w.reshape(shp)
        if b is not None:
            out = out + b.reshape(shp)
        return out


def batch_norm(input: Tensor, running_mean, running_var, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """``torch.nn.functional.batch_norm``: batch statistics in training (updating the running
    buffers in place with the unbiased variance), running statistics otherwise."""
    if training:
        _check_batch(input)
    c = input.shape[1] if input.ndim > 1 else 1
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    if not training:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        if running_var is None:
            raise RuntimeError("running_var must be defined in evaluation mode")
    check_norm_dtypes(input, (weight, bias, running_mean, running_var), "batch_norm", True)
    return _batch_norm(input, None if running_mean is None else running_mean._data,
                       None if running_var is None else running_var._data, weight, bias,
                       training, momentum, eps)


def _check_batch(input: Tensor) -> None:
    size = input.shape
    n = math.prod(size) // size[1] if len(size) > 1 else 1
    if n == 1:
        raise ValueError("Expected more than 1 value per channel when training, got input "
                         f"size {Size(size)}")


def _batch_norm(input: Tensor, rm, rv, weight, bias, training: bool, momentum: float,
                eps: float) -> Tensor:
    """Batch norm with the running statistics given as arrays ``rm``/``rv`` (or None),
    updated in place in training."""
    use_input_stats = training or rm is None or rv is None
    stats = None
    if use_input_stats:
        x = input._data
        axes = (0,) + tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4:
            var = (channel_dot(xc, xc) / (xc.size // xc.shape[1])).astype(x.dtype, copy=False)
            var = var.reshape(mean.shape)
        else:  # half precision: NumPy's mean accumulates in float32
            var = (xc * xc).mean(axis=axes, keepdims=True)
        stats = (mean, var, xc)
    out = NativeBatchNorm.apply(input, weight, bias, use_input_stats=use_input_stats, eps=eps,
                                stats=stats, running_mean=rm, running_var=rv)
    if training and rm is not None and rv is not None:
        n = input.numel() // (input.shape[1] if input.ndim > 1 else 1)
        bm, bv = stats[0].reshape(-1), stats[1].reshape(-1)
        rm *= 1 - momentum
        rm += (momentum * bm).astype(rm.dtype, copy=False)
        rv *= 1 - momentum
        rv += (momentum * bv * (n / (n - 1))).astype(rv.dtype, copy=False)
    return out


# -- layer norm ---------------------------------------------------------------------------------
class NativeLayerNorm(Op):
    """Inputs (input, weight, bias); normalises over the trailing ``k`` dims."""

    grad_fn_name = "NativeLayerNormBackward0"
    reduced_float_in_float32 = True
    params = ("k", "eps")

    def forward(self, x, w, b):
        self.save_inputs(0, 1, 2)
        xp = xp_of(x)
        axes = tuple(range(x.ndim - self.k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = (xc * xc).mean(axis=axes, keepdims=True)
        invstd = (1 / xp.sqrt(var + self.eps)).astype(x.dtype, copy=False)
        xhat = xc * invstd
        self._xhat, self._invstd, self._axes = xhat, invstd, axes
        out = xhat * w if w is not None else xhat.copy()
        if b is not None:
            out += b
        return out.astype(x.dtype, copy=False)

    def backward(self, g):
        if backward_builds_graph():
            return _graph_backward(self, g, self._composite)
        x, w, b = self.saved_tensors
        need = self.needs_input_grad
        ga = g._data
        xhat, invstd, axes = self._xhat, self._invstd, self._axes
        batch = tuple(range(ga.ndim - self.k))
        gx = gw = gb = None
        if b is not None and need[2]:
            gb = Tensor._from_array(ga.sum(axis=batch))
        if w is not None and need[1]:
            gw = Tensor._from_array((ga * xhat).sum(axis=batch))
        if need[0]:
            gxhat = ga * w._data if w is not None else ga
            gx = Tensor._from_array(_norm_input_grad(gxhat, xhat, invstd, axes))
        return gx, gw, gb

    def _composite(self, x, w, b):
        axes = tuple(range(x.ndim - self.k, x.ndim))
        xc = x - x.mean(axes, keepdim=True)
        out = xc * ((xc * xc).mean(axes, keepdim=True) + self.eps).rsqrt()
        if w is not None:
            out = out * w
        if b is not None:
            out = out + b
        return out


def _shape_list(s) -> str:
    return "[" + ", ".join(str(v) for v in s) + "]"


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None,
               eps: float = 1e-5) -> Tensor:
    """``torch.nn.functional.layer_norm`` over the trailing ``normalized_shape`` dims."""
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        "ints, not int")
    ns = tuple(int(s) for s in normalized_shape)
    k = len(ns)
    if not k:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {_shape_list(t.shape)} and normalized_shape = "
                               f"{_shape_list(ns)}")
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != ns:
        raise RuntimeError(f"Given normalized_shape={_shape_list(ns)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in ns)}], but got input of size"
                           f"{_shape_list(input.shape)}")
    check_norm_dtypes(input, (weight, bias), "LayerNormKernelImpl")
    return NativeLayerNorm.apply(input, weight, bias, k=k, eps=eps)


# -- group norm ---------------------------------------------------------------------------------
class NativeGroupNorm(Op):
    """Inputs (input, weight, bias); statistics per sample over each of ``groups`` groups."""

    grad_fn_name = "NativeGroupNormBackward0"
    reduced_float_in_float32 = True
    params = ("groups", "eps")

    def forward(self, x, w, b):
        self.save_inputs(0, 1, 2)
        xp = xp_of(x)
        n, c = x.shape[:2]
        xg = x.reshape(n, self.groups, -1)
        mean = xg.mean(axis=2, keepdims=True)
        xc = xg - mean
        var = (xc * xc).mean(axis=2, keepdims=True)
        invstd = (1 / xp.sqrt(var + self.eps)).astype(x.dtype, copy=False)
        xhat = (xc * invstd).reshape(x.shape)
        self._xhat, self._invstd = xhat, invstd
        shp = _bshape(x.ndim)
        return _affine(xhat, w, b, shp, x.dtype)

    def backward(self, g):
        if backward_builds_graph():
            return _graph_backward(self, g, self._composite)
        x, w, b = self.saved_tensors
        need = self.needs_input_grad
        ga = g._data
        xhat, invstd = self._xhat, self._invstd
        axes = (0,) + tuple(range(2, ga.ndim))
        shp = _bshape(ga.ndim)
        gx = gw = gb = None
        if b is not None and need[2]:
            gb = Tensor._from_array(ga.sum(axis=axes))
        if w is not None and need[1]:
            gw = Tensor._from_array((ga * xhat).sum(axis=axes))
        if need[0]:
            gxhat = ga * w._data.reshape(shp) if w is not None else ga
            n = ga.shape[0]
            gxg = _norm_input_grad(gxhat.reshape(n, self.groups, -1),
                                   xhat.reshape(n, self.groups, -1), invstd, (2,))
            gx = Tensor._from_array(gxg.reshape(ga.shape))
        return gx, gw, gb

    def _composite(self, x, w, b):
        n = x.shape[0]
        xg = x.reshape(n, self.groups, -1)
        xc = xg - xg.mean(2, keepdim=True)
        out = (xc * ((xc * xc).mean(2, keepdim=True) + self.eps).rsqrt()).reshape(x.shape)
        shp = _bshape(x.ndim)
        if w is not None:
            out = out * w.reshape(shp)
        if b is not None:
            out = out + b.reshape(shp)
        return out


def group_norm(input: Tensor, num_groups: int, weight=None, bias=None,
               eps: float = 1e-5) -> Tensor:
    """``torch.nn.functional.group_norm``."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {_shape_list(input.shape)} and num_groups="
                           f"{num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape "
                               f"{_shape_list(t.shape)} and input of shape "
                               f"{_shape_list(input.shape)}")
    check_norm_dtypes(input, (weight, bias), "GroupNormKernelImpl")
    # PyTorch makes the input contiguous first (a CloneBackward0 node when it copies)
    return NativeGroupNorm.apply(input.contiguous(), weight, bias, groups=num_groups, eps=eps)


def instance_norm(input: Tensor, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5) -> Tensor:
    """``torch.nn.functional.instance_norm`` (batch norm of the (1, N*C, ...) view).

    Known difference: the graph prints ``NativeBatchNormBackward0`` under view nodes where
    PyTorch's differs slightly; values and gradients match.
    """
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    n, c = input.shape[:2]
    rest = tuple(input.shape[2:])
    check_norm_dtypes(input, (weight, bias), "batch_norm", True)
    if (running_mean is not None and running_var is not None
            and running_mean.dtype is input.dtype and running_var.dtype is not input.dtype):
        raise RuntimeError(f"expected scalar type {input.dtype.c_name} but found "
                           f"{running_var.dtype.c_name}")
    x = input.reshape((1, n * c) + rest)
    rep = (lambda t: None if t is None else t.unsqueeze(0).expand(n, c).reshape(n * c))
    rm = rv = None
    if running_mean is not None:
        xp = xp_of(running_mean._data)
        dt = input._data.dtype  # the working copies in the input's dtype (copied back below)
        rm = xp.tile(running_mean._data, n).astype(dt, copy=False)
        rv = xp.tile(running_var._data, n).astype(dt, copy=False)
    w, b = rep(weight), rep(bias)
    if use_input_stats:
        _check_batch(x)
    # (the per-channel sizes match by construction: no other batch_norm checks needed)
    out = _batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if running_mean is not None and use_input_stats:
        running_mean._data[...] = rm.reshape(n, c).mean(axis=0)
        running_var._data[...] = rv.reshape(n, c).mean(axis=0)
    return out.reshape(input.shape)


# -- the torch.native_*_norm primitives (compositions: their graphs are the ops they use) ---------
def native_layer_norm(input: Tensor, normalized_shape, weight, bias, eps: float) -> tuple:
    """``torch.native_layer_norm``: (output, mean, rstd); mean/rstd have trailing 1-dims."""
    k = len(tuple(normalized_shape))
    dims = list(range(input.dim() - k, input.dim()))
    if dims:
        mean = input.mean(dim=dims, keepdim=True)
        var = input.var(dim=dims, unbiased=False, keepdim=True)
    else:
        from ..creation import zeros_like

        mean = input * 1
        var = zeros_like(input)
    rstd = (var + eps).rsqrt()
    out = (input - mean) * rstd
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out, mean.detach(), rstd.detach()


def native_group_norm(input: Tensor, weight, bias, N: int, C: int, HxW: int, group: int,
                      eps: float) -> tuple:
    """``torch.native_group_norm``: (output, mean (N, G), rstd (N, G)), all differentiable."""
    x = input.reshape(N, group, (C // group) * HxW)
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=False, keepdim=True)
    rstd = (var + eps).rsqrt()
    out = ((x - mean) * rstd).reshape(input.shape)
    shape = [1, C] + [1] * (input.dim() - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out, mean.reshape(N, group), rstd.reshape(N, group)


def native_batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool,
                      momentum: float, eps: float) -> tuple:
    """``torch.native_batch_norm``: (output, save_mean, save_invstd); updates the running
    statistics in training mode; in eval mode the saved statistics are empty."""
    dims = [0] + list(range(2, input.dim()))
    shape = [1, -1] + [1] * (input.dim() - 2)
    if training:
        mean = input.mean(dim=dims)
        var = input.var(dim=dims, unbiased=False)
        invstd = (var + eps).rsqrt()
        with grad_mode.no_grad():
            n = input.numel() // input.shape[1]
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(mean.detach() * momentum)
            if running_var is not None:
                unb = var.detach() * (n / max(n - 1, 1))
                running_var.mul_(1 - momentum).add_(unb * momentum)
        out = (input - mean.reshape(shape)) * invstd.reshape(shape)
        save_mean, save_invstd = mean.detach(), invstd.detach()
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        out = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()
        save_mean = input.new_empty((0,))
        save_invstd = input.new_empty((0,))
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out, save_mean, save_invstd
