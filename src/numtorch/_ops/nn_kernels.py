"""Fused neural-network kernels: softmax family, activations, losses, embedding.

Each is one Op whose node carries PyTorch's name (``SoftmaxBackward0``, ``NllLossBackward0``,
``GeluBackward0``, ...), so graphs print as in PyTorch. Backwards are written with numtorch ops,
so double backward works. Argument checking lives in ``numtorch.nn.functional``.
"""

from __future__ import annotations

from .._backend import xp_of
from .._tensor import Tensor
from ..autograd import grad_mode
from ._base import Op, tensor_method, wrap_dim

_grad_state = grad_mode.state

__all__ = ["softmax", "log_softmax"]

_SQRT1_2 = 0.70710678118654752440
_INV_SQRT_2PI = 0.39894228040143267794
_SQRT_2_OVER_PI = 0.79788456080286535588


def _t(arr) -> Tensor:
    return Tensor._from_array(arr)


def _needs(op: Op, i: int) -> bool:
    return op.next_functions[i][0] is not None


def _reduce(xp, loss, reduction: str):
    if reduction == "mean":
        return xp.asarray(loss.mean(), dtype=loss.dtype)
    if reduction == "sum":
        return xp.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _scale_grad(g: Tensor, reduction: str, n: int) -> Tensor:
    return g / n if reduction == "mean" and n else g


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

    def forward(self, a):
        xp = xp_of(a)
        if a.ndim == 0:
            out = xp.ones_like(a)
        elif a.size == 0:  # PyTorch returns an empty result (max over nothing would raise)
            out = xp.empty_like(a)
        else:
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

    def forward(self, a):
        xp = xp_of(a)
        if a.ndim == 0:
            out = xp.zeros_like(a)
        elif a.size == 0:  # PyTorch returns an empty result (max over nothing would raise)
            out = xp.empty_like(a)
        else:
            shifted = a - a.max(axis=self.dim, keepdims=True)
            out = shifted - xp.log(xp.exp(shifted).sum(axis=self.dim, keepdims=True))
        self.save_outputs(0)
        return out

    def backward(self, g):
        (y,) = self.saved_tensors
        if y.ndim == 0:
            return g * 0
        if not grad_mode.state.enabled and g._data.dtype == y._data.dtype:
            # no graph to record: the same NumPy operations as the ops below
            ga = g._data
            xp = xp_of(ga)
            with xp.errstate(all="ignore"):
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


def _float_input(input: Tensor, dtype) -> Tensor:
    if dtype is not None:
        return input.to(dtype)
    if input._data.dtype.kind not in "fc":
        from .pointwise import torch_type_name

        name = {"Long": "Long", "Int": "Int", "Short": "Short", "Char": "Char", "Byte": "Byte",
                "Bool": "Bool"}[torch_type_name(input._data.dtype)]
        raise RuntimeError(f'"softmax_lastdim_kernel_impl" not implemented for \'{name}\'')
    return input


@tensor_method("softmax")
def softmax(input: Tensor, dim=None, dtype=None, *, _stacklevel: int = 3) -> Tensor:
    """Softmax along ``dim`` (SoftmaxBackward0); ``dtype`` casts first as PyTorch does."""
    d = _softmax_dim(input, dim, "softmax")
    return Softmax.apply(_float_input(input, dtype), dim=d)


@tensor_method("log_softmax")
def log_softmax(input: Tensor, dim=None, dtype=None, *, _stacklevel: int = 3) -> Tensor:
    """Log-softmax along ``dim`` (LogSoftmaxBackward0)."""
    d = _softmax_dim(input, dim, "log_softmax")
    return LogSoftmax.apply(_float_input(input, dtype), dim=d)


# ---------------------------------------------------------------------------------------------
# activations (all save their input unless noted)
class _Act(Op):
    def forward(self, a):
        self.save_inputs(0)
        out = self.compute(xp_of(a), a)
        return out.astype(a.dtype, copy=False)

    def backward(self, g):
        (x,) = self.saved_tensors
        return _keep_graph(g * self.derivative(x), x)


def _keep_graph(grad: Tensor, x: Tensor) -> Tensor:
    """Under create_graph, a piecewise-constant derivative still depends on ``x`` (as torch's
    double-backward nodes do, with a zero gradient), so the result requires grad."""
    if _grad_state.enabled and x._requires_grad and not grad._requires_grad:
        return grad + x * 0
    return grad


class Hardtanh(_Act):
    grad_fn_name = "HardtanhBackward0"

    def compute(self, xp, a):
        return xp.clip(a, self.min_val, self.max_val)

    def derivative(self, x):
        return ((x > self.min_val) & (x < self.max_val)).to(x.dtype)


class LeakyRelu(_Act):
    grad_fn_name = "LeakyReluBackward0"

    def compute(self, xp, a):
        return xp.where(a > 0, a, a * self.negative_slope)

    def derivative(self, x):
        from .indexing import where

        return where(x > 0, 1.0, self.negative_slope).to(x.dtype)


class LeakyReluInplace(LeakyRelu):
    grad_fn_name = "LeakyReluBackward1"


class Elu(_Act):
    grad_fn_name = "EluBackward0"

    def compute(self, xp, a):
        neg = (xp.exp(a * self.input_scale) - 1) * (self.alpha * self.scale)
        return xp.where(a > 0, a * self.scale, neg)

    def derivative(self, x):
        from .indexing import where

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

    def compute(self, xp, a):
        if self.approximate == "tanh":
            inner = (a + a * a * a * 0.044715) * _SQRT_2_OVER_PI
            return a * 0.5 * (1 + xp.tanh(inner))
        from .._backend.special import erf_array

        return a * 0.5 * (1 + erf_array(xp, a * _SQRT1_2).astype(a.dtype, copy=False))

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

    def compute(self, xp, a):
        b = self.beta
        z = a * b
        return xp.where(z > self.threshold, a, _softplus(xp, z) / b)

    def derivative(self, x):
        from .indexing import where

        z = x * self.beta
        return where(z > self.threshold, 1.0, z.sigmoid()).to(x.dtype)


class Hardswish(_Act):
    grad_fn_name = "HardswishBackward0"

    def compute(self, xp, a):
        return a * xp.clip(a + 3, 0, 6) / 6

    def derivative(self, x):
        from .indexing import where

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

    def forward(self, a):
        return a

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self.what} is not implemented")


class Threshold(_Act):
    grad_fn_name = "ThresholdBackward0"

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

    def compute(self, xp, a):
        lam = self.lambd
        return xp.where(a > lam, a - lam, xp.where(a < -lam, a + lam, xp.zeros_like(a)))

    def derivative(self, x):
        return (x.abs() > self.lambd).to(x.dtype)


class Hardshrink(Softshrink):
    grad_fn_name = "HardshrinkBackward0"

    def compute(self, xp, a):
        return xp.where(xp.abs(a) > self.lambd, a, xp.zeros_like(a))


class Glu(Op):
    grad_fn_name = "GluBackward0"

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
        from .join import cat

        return cat([g * s, g * first * s * (1 - s)], self.dim)


class PreluKernel(Op):
    grad_fn_name = "PreluKernelBackward0"

    def forward(self, a, w):
        self.save_inputs(0, 1)
        return xp_of(a).where(a > 0, a, a * w).astype(a.dtype, copy=False)

    def backward(self, g):
        x, w = self.saved_tensors
        from .indexing import where

        pos = x > 0
        gx = where(pos, g, g * w) if _needs(self, 0) else None
        gw = where(pos, 0.0, g * x) if _needs(self, 1) else None
        return gx, gw


# ---------------------------------------------------------------------------------------------
# losses
class MseLoss(Op):
    grad_fn_name = "MseLossBackward0"

    def forward(self, a, b):
        xp = xp_of(a)
        self.save_inputs(0, 1)
        d = a - b
        self.n = d.size
        return _reduce(xp, d * d, self.reduction)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = _scale_grad(g, self.reduction, self.n) * (a - b) * 2
        return ga, -ga


class _PairLoss(Op):
    """Elementwise loss of ``input - target`` with a derivative in the difference."""

    def forward(self, a, b):
        xp = xp_of(a)
        self.save_inputs(0, 1)
        d = a - b
        self.n = d.size
        return _reduce(xp, self.compute(xp, d).astype(d.dtype, copy=False), self.reduction)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = _scale_grad(g, self.reduction, self.n) * self.derivative(a - b)
        return ga, -ga


class SmoothL1Loss(_PairLoss):
    grad_fn_name = "SmoothL1LossBackward0"

    def compute(self, xp, d):
        ad = xp.abs(d)
        b = self.beta
        return xp.where(ad < b, d * d * (0.5 / b), ad - 0.5 * b)

    def derivative(self, d):
        from .indexing import where

        return where(d.abs() < self.beta, d / self.beta, d.sign())


class HuberLoss(_PairLoss):
    grad_fn_name = "HuberLossBackward0"

    def compute(self, xp, d):
        ad = xp.abs(d)
        c = self.delta
        return xp.where(ad < c, d * d * 0.5, (ad - 0.5 * c) * c)

    def derivative(self, d):
        from .indexing import where

        return where(d.abs() < self.delta, d, d.sign() * self.delta)


class BinaryCrossEntropy(Op):
    grad_fn_name = "BinaryCrossEntropyBackward0"

    def forward(self, x, t):
        xp = xp_of(x)
        if bool(((x < 0) | (x > 1)).any()):
            raise RuntimeError("all elements of input should be between 0 and 1")
        if bool(((t < 0) | (t > 1)).any()):
            raise RuntimeError("all elements of target should be between 0 and 1")
        self.save_inputs(0, 1)
        with xp.errstate(divide="ignore"):
            lx = xp.maximum(xp.log(x), -100)
            l1x = xp.maximum(xp.log1p(-x), -100)
        loss = -(t * lx + (1 - t) * l1x)
        if self.weight is not None:
            loss = loss * self.weight
        self.n = loss.size
        return _reduce(xp, loss.astype(x.dtype, copy=False), self.reduction)

    def backward(self, g):
        x, t = self.saved_tensors
        g = _scale_grad(g, self.reduction, self.n)
        w = _t(self.weight) if self.weight is not None else None
        gx = gt = None
        if _needs(self, 0):
            gx = g * (x - t) / ((1 - x) * x).clamp_min(1e-12)
            gx = gx * w if w is not None else gx
        if _needs(self, 1):
            gt = g * ((-x).log1p().clamp_min(-100) - x.log().clamp_min(-100))
            gt = gt * w if w is not None else gt
        return gx, gt


class BinaryCrossEntropyWithLogits(Op):
    grad_fn_name = "BinaryCrossEntropyWithLogitsBackward0"

    def forward(self, x, t):
        xp = xp_of(x)
        self.save_inputs(0, 1)
        sp_neg = _softplus(xp, -x)
        if self.pos_weight is not None:
            lw = (self.pos_weight - 1) * t + 1
            loss = (1 - t) * x + lw * sp_neg
        else:
            loss = (1 - t) * x + sp_neg
        if self.weight is not None:
            loss = loss * self.weight
        self.n = loss.size
        return _reduce(xp, loss.astype(x.dtype, copy=False), self.reduction)

    def backward(self, g):
        x, t = self.saved_tensors
        g = _scale_grad(g, self.reduction, self.n)
        pw = _t(self.pos_weight) if self.pos_weight is not None else None
        w = _t(self.weight) if self.weight is not None else None
        gx = gt = None
        if _needs(self, 0):
            if pw is None:
                gx = g * (x.sigmoid() - t)
            else:
                lw = (pw - 1) * t + 1
                gx = g * ((1 - t) - lw * (1 - x.sigmoid()))
            gx = gx * w if w is not None else gx
        if _needs(self, 1):
            if pw is None:
                gt = g * -x
            else:
                sp = Softplus.apply(-x, beta=1.0, threshold=20.0)
                gt = g * ((pw - 1) * sp - x)
            gt = gt * w if w is not None else gt
        return gx, gt


class Xlogy(Op):
    """``x * log(y)``, 0 where ``x == 0`` (used by kl_div; torch.xlogy's node name)."""

    grad_fn_name = "XlogyBackward0"

    def forward(self, x, y):
        xp = xp_of(x)
        self.save_inputs(0, 1)
        with xp.errstate(divide="ignore", invalid="ignore"):
            out = xp.where(x == 0, xp.zeros_like(x), x * xp.log(y))
        return xp.where(xp.isnan(y), y, out).astype(x.dtype, copy=False)

    def backward(self, g):
        x, y = self.saved_tensors
        gx = gy = None
        if _needs(self, 0):
            gx = g * Xlogy.apply((x != 0).to(x.dtype), y)
        if _needs(self, 1):
            gy = g * x / y
        return gx, gy


class NllLoss(Op):
    """Negative log-likelihood of class indices along dim 1; torch's weights and ignore_index."""

    grad_fn_name = "NllLossBackward0"

    def forward(self, a):
        xp = xp_of(a)
        target = self.target
        c = a.shape[0] if a.ndim == 1 else a.shape[1]
        if (self.weight is None and a.ndim == 2 and target.size
                and (self.ignore_index < 0 or self.ignore_index >= c)
                and 0 <= int(target.min()) and int(target.max()) < c):
            # every target valid, no weights: w is all ones (the products below are exact)
            safe = target
            w = xp.ones(target.shape, dtype=a.dtype)
            loss = -a[xp.arange(a.shape[0]), target]
        else:
            valid = target != self.ignore_index
            safe = xp.where(valid, target, 0)
            bad = valid & ((safe < 0) | (safe >= c))
            if bool(bad.any()):
                raise IndexError(f"Target {int(target[bad].reshape(-1)[0])} is out of bounds.")
            if self.weight is not None:
                w = xp.where(valid, self.weight[safe], 0).astype(a.dtype)
            else:
                w = valid.astype(a.dtype)
            if a.ndim == 1:
                picked = a[safe]
            else:
                picked = xp.take_along_axis(a, xp.expand_dims(safe, 1), axis=1).squeeze(1)
            loss = -(picked * w)
        self.safe, self.w = safe, w
        if self.reduction == "none":
            return loss.astype(a.dtype, copy=False)
        total = loss.sum()
        if self.reduction == "sum":
            return xp.asarray(total, dtype=a.dtype)
        wsum = w.sum()
        self.wsum = wsum
        with xp.errstate(invalid="ignore", divide="ignore"):
            return xp.asarray(total / wsum, dtype=a.dtype)

    def backward(self, g):
        shape, _ = self._input_meta[0]
        dt = self._out_meta[0][1]
        xp = xp_of(self.w)
        coef = xp.zeros(shape, dtype=dt)
        w = -self.w
        if self.reduction == "mean":
            with xp.errstate(invalid="ignore", divide="ignore"):
                w = xp.where(w == 0, w, w / self.wsum)
        if len(shape) == 1:
            coef[self.safe] = w
        elif len(shape) == 2:
            coef[xp.arange(shape[0]), self.safe] = w
        else:
            xp.put_along_axis(coef, xp.expand_dims(self.safe, 1), xp.expand_dims(w, 1), axis=1)
        coef_t = _t(coef.astype(dt, copy=False))
        if self.reduction == "none" and len(shape) > 1:
            return g.unsqueeze(1) * coef_t
        return g * coef_t


class NllLoss2d(NllLoss):
    grad_fn_name = "NllLoss2DBackward0"


class Embedding(Op):
    grad_fn_name = "EmbeddingBackward0"

    def forward(self, w):
        return w[self.indices]

    def backward(self, g):
        return EmbeddingDenseBackward.apply(g, indices=self.indices, num_weights=self.num_weights,
                                            padding_idx=self.padding_idx,
                                            scale_grad_by_freq=self.scale_grad_by_freq)


class EmbeddingDenseBackward(Op):
    grad_fn_name = "EmbeddingDenseBackward0"

    def forward(self, g):
        xp = xp_of(g)
        d = g.shape[-1]
        idx = self.indices.reshape(-1)
        rows = g.reshape(-1, d)
        if self.scale_grad_by_freq:
            counts = xp.bincount(idx, minlength=self.num_weights)
            rows = rows / counts[idx][:, None].astype(g.dtype)
        out = xp.zeros((self.num_weights, d), dtype=g.dtype)
        xp.add.at(out, idx, rows)
        if self.padding_idx is not None and self.padding_idx >= 0:
            out[self.padding_idx] = 0
        return out

    def backward(self, gg):
        xp = xp_of(self.indices)
        keep = gg
        if self.padding_idx is not None and self.padding_idx >= 0:
            mask = xp.ones((self.num_weights, 1), dtype=gg._data.dtype)
            mask[self.padding_idx] = 0
            keep = gg * _t(mask)
        out = keep[_t(self.indices.astype(xp.int64, copy=False))]
        if self.scale_grad_by_freq:
            idx = self.indices.reshape(-1)
            counts = xp.bincount(idx, minlength=self.num_weights)[self.indices]
            out = out / _t(counts[..., None].astype(gg._data.dtype))
        return out
