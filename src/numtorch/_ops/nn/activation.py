"""Softmax family and activation functions, one fused Op each.

Every node carries PyTorch's name (``SoftmaxBackward0``, ``GeluBackward0``, ...), so graphs print
as in PyTorch. Backwards are written with numtorch ops, so double backward works. Argument
checking lives in ``numtorch.nn.functional``.
"""

from __future__ import annotations

from ..._backend import errstate, xp_of
from ..._backend.special import erf_array
from ..._tensor import Tensor
from ...autograd.grad_mode import backward_builds_graph
from .._base import Op, tensor_method, wrap_dim
from ..indexing import where
from ..join import cat
from ..pointwise import torch_type_name

__all__ = ["softmax", "log_softmax", "hardshrink", "prelu"]

_SQRT1_2 = 0.70710678118654752440
_INV_SQRT_2PI = 0.39894228040143267794
_SQRT_2_OVER_PI = 0.79788456080286535588


def _sigmoid(xp, a):
    e = xp.exp(-xp.abs(a))
    return xp.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def _softplus(xp, a):
    """log(1 + exp(a)), stable for large |a|."""
    return xp.maximum(a, 0) + xp.log1p(xp.exp(-xp.abs(a)))


# ---------------------------------------------------------------------------------------------
# softmax family
class Softmax(Op):
    grad_fn_name = "SoftmaxBackward0"
    reduced_float_in_float32 = True
    params = ("dim",)

    def forward(self, a):
        xp = xp_of(a)
        if a.ndim == 0:
            with errstate(xp):
                out = (a - a) + 1  # NaN for a non-finite element, as torch
        elif a.size == 0:  # PyTorch returns an empty result (max over nothing would raise)
            out = xp.empty_like(a)
        else:
            with errstate(xp):  # inf/NaN give torch's NaN silently
                e = xp.exp(a - a.max(axis=self.dim, keepdims=True))
                out = e / e.sum(axis=self.dim, keepdims=True)
        self.save_outputs(0)
        return out

    def backward(self, g):
        (y,) = self.saved_tensors
        if y.ndim == 0:
            return g * 0
        gy = g * y
        return gy - y * gy.sum(self.dim, keepdim=True)


class LogSoftmax(Op):
    grad_fn_name = "LogSoftmaxBackward0"
    reduced_float_in_float32 = True
    params = ("dim",)

    def forward(self, a):
        xp = xp_of(a)
        if a.ndim == 0:
            with errstate(xp):
                out = a - a  # NaN for a non-finite element, as torch
        elif a.size == 0:  # PyTorch returns an empty result (max over nothing would raise)
            out = xp.empty_like(a)
        else:
            with errstate(xp):  # inf/NaN give torch's NaN silently
                shifted = a - a.max(axis=self.dim, keepdims=True)
                out = shifted - xp.log(xp.exp(shifted).sum(axis=self.dim, keepdims=True))
        self.save_outputs(0)
        return out

    def backward(self, g):
        (y,) = self.saved_tensors
        if y.ndim == 0:
            return g * 0
        if not backward_builds_graph() and g._data.dtype == y._data.dtype:
            # no graph to record: the same array operations as the ops below
            ga = g._data
            xp = xp_of(ga)
            with errstate(xp, all="ignore"):
                e = xp.exp(y._data)
            return Tensor._from_array(ga - e * ga.sum(axis=self.dim, keepdims=True))
        return g - y.exp() * g.sum(self.dim, keepdim=True)


def _softmax_dim(input: Tensor, dim, name: str) -> int:
    if dim is None:
        import warnings

        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                      "to include dim=X as an argument.", UserWarning, stacklevel=3)
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return wrap_dim(dim, input.ndim)


def _float_input(input: Tensor, dtype, dim: int, name: str) -> Tensor:
    """Cast to ``dtype`` first; a non-floating input is PyTorch's NotImplementedError (an empty
    one passes through, as in PyTorch)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind not in "fV" and input._data.size:
        kernel = "lastdim_kernel_impl" if dim == max(input.ndim - 1, 0) else "kernel_impl"
        raise NotImplementedError(f'"{name}_{kernel}" not implemented for '
                                  f"'{torch_type_name(input._data.dtype)}'")
    return input


@tensor_method("softmax")
def softmax(input: Tensor, dim=None, dtype=None, *, _stacklevel: int = 3) -> Tensor:
    """Softmax along ``dim`` (SoftmaxBackward0); ``dtype`` casts first as PyTorch does."""
    d = _softmax_dim(input, dim, "softmax")
    return Softmax.apply(_float_input(input, dtype, d, "softmax"), dim=d)


@tensor_method("log_softmax")
def log_softmax(input: Tensor, dim=None, dtype=None, *, _stacklevel: int = 3) -> Tensor:
    """Log-softmax along ``dim`` (LogSoftmaxBackward0)."""
    d = _softmax_dim(input, dim, "log_softmax")
    return LogSoftmax.apply(_float_input(input, dtype, d, "log_softmax"), dim=d)


# ---------------------------------------------------------------------------------------------
# activations
class _Act(Op):
    """Elementwise activation: ``compute(xp, a)`` on arrays forward; backward multiplies by
    ``derivative(x)`` (numtorch ops) of the saved input."""
    reduced_float_in_float32 = True

    params = ()

    def forward(self, a):
        self.save_inputs(0)
        xp = xp_of(a)
        with errstate(xp):  # inf/NaN inputs give torch's inf/NaN silently
            out = self.compute(xp, a)
        return out.astype(a.dtype, copy=False)

    def backward(self, g):
        (x,) = self.saved_tensors
        return _keep_graph(g * self.derivative(x), x)


def _keep_graph(grad: Tensor, x: Tensor) -> Tensor:
    """Under create_graph, a piecewise-constant derivative still depends on ``x`` (as torch's
    double-backward nodes do, with a zero gradient), so the result requires grad."""
    if backward_builds_graph() and x._requires_grad and not grad._requires_grad:
        return grad + x * 0
    return grad


class Hardtanh(_Act):
    grad_fn_name = "HardtanhBackward0"
    params = ("min_val", "max_val")

    def compute(self, xp, a):
        return xp.clip(a, self.min_val, self.max_val)

    def derivative(self, x):
        return ((x > self.min_val) & (x < self.max_val)).to(x.dtype)


class LeakyRelu(_Act):
    grad_fn_name = "LeakyReluBackward0"
    params = ("negative_slope",)

    def compute(self, xp, a):
        return xp.where(a > 0, a, a * self.negative_slope)

    def derivative(self, x):
        return where(x > 0, 1.0, self.negative_slope).to(x.dtype)


class LeakyReluInplace(LeakyRelu):
    grad_fn_name = "LeakyReluBackward1"


class Elu(_Act):
    grad_fn_name = "EluBackward0"
    params = ("alpha", "scale", "input_scale")

    def compute(self, xp, a):
        neg = (xp.exp(a * self.input_scale) - 1) * (self.alpha * self.scale)
        return xp.where(a > 0, a * self.scale, neg)

    def derivative(self, x):
        neg = (x * self.input_scale).exp() * (self.input_scale * self.scale * self.alpha)
        return where(x > 0, self.scale, neg)


class EluInplace(Elu):
    grad_fn_name = "EluBackward1"


class Celu(Elu):
    grad_fn_name = "CeluBackward0"


class CeluInplace(Elu):
    grad_fn_name = "CeluBackward1"


class Gelu(_Act):
    grad_fn_name = "GeluBackward0"
    params = ("approximate",)

    def compute(self, xp, a):
        if self.approximate == "tanh":
            inner = (a + a * a * a * 0.044715) * _SQRT_2_OVER_PI
            return a * 0.5 * (1 + xp.tanh(inner))
        out = a * 0.5 * (1 + erf_array(xp, a * _SQRT1_2).astype(a.dtype, copy=False))
        if a.size > 1 and a.dtype.name in ("float32", "bfloat16"):
            # torch's vectorized float32 kernel (bfloat16 computes in float32) gives NaN for
            # +inf; its scalar path (one element) and the float64/float16 kernels give inf
            out = xp.where(xp.isposinf(a), xp.asarray(xp.nan, out.dtype), out)
        return out

    def derivative(self, x):
        if self.approximate == "tanh":
            inner = (x + x * x * x * 0.044715) * _SQRT_2_OVER_PI
            t = inner.tanh()
            d_inner = (1 + x * x * (3 * 0.044715)) * _SQRT_2_OVER_PI
            return (1 + t) * 0.5 + x * 0.5 * (1 - t * t) * d_inner
        cdf = ((x * _SQRT1_2).erf() + 1) * 0.5
        pdf = (x * x * -0.5).exp() * _INV_SQRT_2PI
        return cdf + x * pdf


class Silu(_Act):
    grad_fn_name = "SiluBackward0"

    def compute(self, xp, a):
        return a * _sigmoid(xp, a)

    def derivative(self, x):
        s = x.sigmoid()
        return s * (1 + x * (1 - s))


class Mish(_Act):
    grad_fn_name = "MishBackward0"

    def compute(self, xp, a):
        return a * xp.tanh(_softplus(xp, a))

    def derivative(self, x):
        sp = Softplus.apply(x, beta=1.0, threshold=20.0)
        t = sp.tanh()
        return t + x * (1 - t * t) * x.sigmoid()


class Softplus(_Act):
    grad_fn_name = "SoftplusBackward0"
    params = ("beta", "threshold")

    def compute(self, xp, a):
        b = self.beta
        z = a * b
        return xp.where(z > self.threshold, a, _softplus(xp, z) / b)

    def derivative(self, x):
        z = x * self.beta
        return where(z > self.threshold, 1.0, z.sigmoid()).to(x.dtype)


class Hardswish(_Act):
    grad_fn_name = "HardswishBackward0"

    def compute(self, xp, a):
        return a * xp.clip(a + 3, 0, 6) / 6

    def derivative(self, x):
        mid = (x * 2 + 3) / 6
        return where(x <= -3, 0.0, where(x < 3, mid, 1.0)).to(x.dtype)


class Hardsigmoid(_Act):
    grad_fn_name = "HardsigmoidBackward0"

    def compute(self, xp, a):
        return xp.clip(a + 3, 0, 6) / 6

    def derivative(self, x):
        return ((x > -3) & (x < 3)).to(x.dtype) / 6

    def backward(self, g):
        out = super().backward(g)
        if out._requires_grad:
            out = _NoDoubleBackward.apply(out, what="hardsigmoid_backward")
        return out


class _NoDoubleBackward(Op):
    """Identity whose gradient is PyTorch's "not implemented" error (no double backward)."""

    grad_fn_name = "NotImplemented"
    params = ("what",)

    def forward(self, a):
        return a

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self.what} is not implemented")


class Threshold(_Act):
    grad_fn_name = "ThresholdBackward0"
    params = ("threshold", "value")

    def compute(self, xp, a):
        return xp.where(a > self.threshold, a, xp.asarray(self.value, dtype=a.dtype))

    def derivative(self, x):
        return (x > self.threshold).to(x.dtype)


class ThresholdInplace(Threshold):
    grad_fn_name = "ThresholdBackward1"


class LogSigmoid(_Act):
    grad_fn_name = "LogSigmoidBackward0"

    def compute(self, xp, a):
        return -_softplus(xp, -a)

    def derivative(self, x):
        return (-x).sigmoid()


class Softshrink(_Act):
    grad_fn_name = "SoftshrinkBackward0"
    params = ("lambd",)

    def compute(self, xp, a):
        lam = self.lambd
        zero = xp.where(xp.isnan(a), a, xp.zeros_like(a))  # NaN stays NaN (torch)
        return xp.where(a > lam, a - lam, xp.where(a < -lam, a + lam, zero))

    def derivative(self, x):
        return (x.abs() > self.lambd).to(x.dtype)


class Hardshrink(Softshrink):
    grad_fn_name = "HardshrinkBackward0"

    def compute(self, xp, a):
        return xp.where(xp.abs(a) <= self.lambd, xp.zeros_like(a), a)  # NaN stays NaN


class Glu(Op):
    grad_fn_name = "GluBackward0"
    reduced_float_in_float32 = True
    params = ("dim",)

    def forward(self, a):
        xp = xp_of(a)
        h = a.shape[self.dim] // 2
        first, second = xp.split(a, [h], axis=self.dim)
        self.save_inputs(0)
        return first * _sigmoid(xp, second)

    def backward(self, g):
        (x,) = self.saved_tensors
        first, second = x.chunk(2, self.dim)
        s = second.sigmoid()
        return cat([g * s, g * first * s * (1 - s)], self.dim)


class PreluKernel(Op):
    grad_fn_name = "PreluKernelBackward0"
    autocast_policy = "lower"
    params = ()

    def forward(self, a, w):
        self.save_inputs(0, 1)
        return xp_of(a).where(a > 0, a, a * w).astype(a.dtype, copy=False)

    def backward(self, g):
        x, w = self.saved_tensors
        pos = x > 0
        need = self.needs_input_grad
        gx = where(pos, g, g * w) if need[0] else None
        gw = where(pos, 0.0, g * x) if need[1] else None
        return gx, gw


def _floating_only(input: Tensor, kernel: str) -> None:
    if input._data.dtype.kind in "biu":
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{torch_type_name(input._data.dtype)}'")


@tensor_method("hardshrink")
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``torch.hardshrink``: ``x`` where ``|x| > lambd``, else 0 (as ``F.hardshrink``)."""
    _floating_only(input, "hardshrink_cpu")
    return Hardshrink.apply(input, lambd=lambd)


@tensor_method("prelu")
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``torch.prelu``: ``max(0, x) + weight * min(0, x)``, one weight per channel (dim 1, or
    dim 0 of a 1-D input), as ``F.prelu``."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{torch_type_name(input._data.dtype)} and "
                           f"{torch_type_name(weight._data.dtype)}")
    _floating_only(input, "prelu_cpu")
    n = weight.numel()
    nd = input.dim()
    if n != 1:
        if nd == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if nd >= 2 else input.shape[0]
        if c != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {c}.")
    if nd >= 2:
        shape = (1, n) + (1,) * (nd - 2) if n != 1 else (1,) * nd
    else:
        shape = (n,) if nd == 1 else ()
    return PreluKernel.apply(input, weight if tuple(weight.shape) == shape else weight.view(shape))
