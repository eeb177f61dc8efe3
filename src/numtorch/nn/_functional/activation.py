"""Non-linear activations of ``torch.nn.functional``: relu family, elu/selu/celu, gelu, silu,
mish, shrinks, thresholds, glu, prelu, rrelu and the softmax family.

The fused kernels (and their grad_fn names) live in ``numtorch._ops.nn.activation``; ``softmax``
and ``log_softmax`` are the kernels' own functions. ``inplace=True`` runs the kernel through
``numtorch._ops.pointwise._inplace`` (version counter, views and grad_fn as PyTorch's in-place
ops).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ... import _dtype as D
from ..._ops._args import need_tensor
from ..._ops._base import wrap_dim
from ..._ops.creation import tensor as _tensor
from ..._ops.nn import activation as K
from ..._ops.nn.activation import log_softmax, softmax
from ..._tensor import Tensor

__all__ = [
    "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "elu",
    "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid", "tanh",
    "softplus", "hardswish", "hardsigmoid", "threshold", "threshold_", "glu", "logsigmoid",
    "softshrink", "hardshrink", "softsign", "tanhshrink", "prelu", "rrelu", "rrelu_", "softmax",
    "softmin", "log_softmax", "gumbel_softmax",
]


def _inplace_apply(input: Tensor, fn: Callable[[Tensor], Tensor]) -> Tensor:
    from ..._ops.pointwise import _inplace

    return _inplace(input, fn)


def _floating(input: Tensor, kernel: str) -> None:
    """PyTorch's CPU activation kernels take no integer or bool input."""
    if input._data.dtype.kind in "biu":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype.c_name}\'')


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("relu_" if inplace else "relu", input)
    if input._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    need_tensor("hardtanh_" if inplace else "hardtanh", input)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    kind = input._data.dtype.kind
    if kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if kind == "u" and (min_val < 0 or max_val < 0):
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    fn = lambda x: K.Hardtanh.apply(x, min_val=min_val, max_val=max_val)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("relu6", input)
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    need_tensor("leaky_relu_" if inplace else "leaky_relu", input)
    _floating(input, "leaky_relu_cpu")
    if inplace:
        return _inplace_apply(input, lambda x: K.LeakyReluInplace.apply(
            x, negative_slope=negative_slope))
    return K.LeakyRelu.apply(input, negative_slope=negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    need_tensor("elu_" if inplace else "elu", input)
    _floating(input, "elu_cpu")
    cls = K.EluInplace if inplace else K.Elu
    fn = lambda x: cls.apply(x, alpha=alpha, scale=1.0, input_scale=1.0)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("selu_" if inplace else "selu", input)
    _floating(input, "elu_cpu")
    cls = K.EluInplace if inplace else K.Elu
    fn = lambda x: cls.apply(x, alpha=_SELU_ALPHA, scale=_SELU_SCALE,  # noqa: E731
                             input_scale=1.0)
    return _inplace_apply(input, fn) if inplace else fn(input)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    need_tensor("celu_" if inplace else "celu", input)
    _floating(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    cls = K.CeluInplace if inplace else K.Celu
    fn = lambda x: cls.apply(x, alpha=alpha, scale=1.0, input_scale=1.0 / alpha)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    need_tensor("gelu", input)
    _floating(input, "GeluKernelImpl")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return K.Gelu.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("silu_" if inplace else "silu", input)
    _floating(input, "silu_cpu")
    fn = lambda x: K.Silu.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("mish_" if inplace else "mish", input)
    _floating(input, "mish_cpu")
    fn = lambda x: K.Mish.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    need_tensor("softplus", input)
    _floating(input, "softplus_cpu")
    return K.Softplus.apply(input, beta=beta, threshold=threshold)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("hardswish_" if inplace else "hardswish", input)
    _floating(input, "hardswish_cpu")
    fn = lambda x: K.Hardswish.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    need_tensor("hardsigmoid_" if inplace else "hardsigmoid", input)
    _floating(input, "hardsigmoid_cpu")
    fn = lambda x: K.Hardsigmoid.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    if input._data.dtype.kind == "b":
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    if inplace:
        return _inplace_apply(input, lambda x: K.ThresholdInplace.apply(
            x, threshold=threshold, value=value))
    return K.Threshold.apply(input, threshold=threshold, value=value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return globals()["threshold"](input, threshold, value, True)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    _floating(input, "glu_cpu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    return K.Glu.apply(input, dim=d)


def logsigmoid(input: Tensor) -> Tensor:
    need_tensor("log_sigmoid", input)
    dt = input.dtype
    if not dt.is_floating_point:
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for \'{dt.c_name}\'')
    return K.LogSigmoid.apply(input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    need_tensor("softshrink", input)
    _floating(input, "softshrink_check")
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return K.Softshrink.apply(input, lambd=lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    need_tensor("hardshrink", input)
    _floating(input, "hardshrink_cpu")
    return K.Hardshrink.apply(input, lambd=lambd)


def softsign(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "b":
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    return input - input.tanh()


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``max(0, x) + weight * min(0, x)`` with one weight per channel (dim 1)."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {input.dtype.c_name} and "
                           f"{weight.dtype.c_name}")
    _floating(input, "prelu_cpu")
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.ndim >= 2 else input.shape[0]
        if c != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {c}.")
    if input.ndim >= 2:
        w = weight.view((1, n) + (1,) * (input.ndim - 2)) if n != 1 else \
            weight.view((1,) * input.ndim)
    else:
        w = weight.view(n) if input.ndim == 1 else weight.view(())
    return K.PreluKernel.apply(input, w)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: D.dtype | None = None) -> Tensor:
    """``softmax(-input, dim)`` (``F.softmin``)."""
    if dim is None:
        dim = K._softmax_dim(input, None, "softmin")
    x = input.to(dtype) if dtype is not None else input
    return softmax(-x, dim)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """``F.rrelu``: in training, each non-positive element is scaled by a uniform draw from
    [lower, upper) taken in storage order from the default generator (PyTorch's CPU draw
    order: one 53-bit double per element); otherwise ``leaky_relu`` with the mean slope."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    if not input.dtype.is_floating_point or input.dtype.c_name == "Half":
        raise NotImplementedError("\"rrelu_with_noise_out_cpu\" not implemented for "
                                  f"'{input.dtype.c_name}'")
    from ..._random.distributions import uniform_raw
    from ..._random.generator import default_generator

    arr = np.asarray(input._data)
    neg = (arr <= 0).reshape(-1)
    k = int(neg.sum())
    noise = np.ones(arr.size, dtype=arr.dtype)
    if k:
        u = uniform_raw(default_generator, k, np.float64) * (upper - lower) + lower
        noise[neg] = u.astype(arr.dtype)
    noise_t = _tensor(noise.reshape(tuple(input.shape)))
    if inplace:
        return input.mul_(noise_t)
    return input * noise_t


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """``F.gumbel_softmax``: softmax of ``(logits + g) / tau`` with Gumbel noise
    ``g = -log(Exp(1))`` drawn as PyTorch draws it; ``hard`` returns the one-hot argmax with the
    soft sample's gradient (straight-through). ``eps`` is unused, as in PyTorch."""
    if eps != 1e-10:
        import warnings

        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from ..._ops.creation import empty_like, zeros_like

    gumbels = -empty_like(logits).exponential_().log()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
