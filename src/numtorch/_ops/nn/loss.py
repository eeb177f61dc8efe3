"""Loss functions, one fused Op each (``MseLossBackward0``, ``NllLossBackward0``, ...).

Backwards are written with numtorch ops, so double backward works. Argument checking and the
compositions (``cross_entropy``, ``kl_div``, ...) live in ``numtorch.nn.functional``.
"""

from __future__ import annotations

from ..._backend import errstate, xp_of
from ..._tensor import Tensor
from .._base import Op
from ..indexing import where
from .activation import Softplus, _softplus

__all__: list[str] = []


def _t(arr) -> Tensor:
    return Tensor._from_array(arr)


def _reduce(xp, loss, reduction: str):
    if reduction == "mean":
        if not loss.size:  # torch's NaN, without NumPy's warnings
            return xp.asarray(xp.nan, dtype=loss.dtype)
        return xp.asarray(loss.mean(), dtype=loss.dtype)
    if reduction == "sum":
        return xp.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _scale_grad(g: Tensor, reduction: str, n: int) -> Tensor:
    return g / n if reduction == "mean" and n else g


def _cast_pair(a, b, dt):
    """Both arrays in ``dt`` (the dtype PyTorch computes a mixed-dtype loss in), or as given."""
    if dt is None:
        return a, b
    return a.astype(dt, copy=False), b.astype(dt, copy=False)


class MseLoss(Op):
    grad_fn_name = "MseLossBackward0"
    autocast_policy = "fp32"
    reduced_float_in_float32 = True
    params = ("reduction", "dtype")

    def forward(self, a, b):
        xp = xp_of(a)
        self.save_inputs(0, 1)
        a, b = _cast_pair(a, b, self.dtype)
        d = a - b
        self.n = d.size
        return _reduce(xp, d * d, self.reduction)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = _scale_grad(g, self.reduction, self.n) * (a - b) * 2
        return ga, -ga


class _PairLoss(Op):
    """Elementwise loss of ``input - target`` with a derivative in the difference."""
    reduced_float_in_float32 = True

    params = ("reduction", "dtype")

    def forward(self, a, b):
        xp = xp_of(a)
        self.save_inputs(0, 1)
        a, b = _cast_pair(a, b, self.dtype)
        d = a - b
        self.n = d.size
        return _reduce(xp, self.compute(xp, d).astype(d.dtype, copy=False), self.reduction)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = _scale_grad(g, self.reduction, self.n) * self.derivative(a - b)
        return ga, -ga


class SmoothL1Loss(_PairLoss):
    grad_fn_name = "SmoothL1LossBackward0"
    autocast_policy = "fp32"
    params = ("beta",)

    def compute(self, xp, d):
        ad = xp.abs(d)
        b = self.beta
        return xp.where(ad < b, d * d * (0.5 / b), ad - 0.5 * b)

    def derivative(self, d):
        return where(d.abs() < self.beta, d / self.beta, d.sign())


class HuberLoss(_PairLoss):
    grad_fn_name = "HuberLossBackward0"
    params = ("delta",)

    def compute(self, xp, d):
        ad = xp.abs(d)
        c = self.delta
        return xp.where(ad < c, d * d * 0.5, (ad - 0.5 * c) * c)

    def derivative(self, d):
        return where(d.abs() < self.delta, d, d.sign() * self.delta)


class BinaryCrossEntropy(Op):
    grad_fn_name = "BinaryCrossEntropyBackward0"
    autocast_policy = "fp32"
    reduced_float_in_float32 = True
    params = ("weight", "reduction")

    def forward(self, x, t):
        xp = xp_of(x)
        if bool(((x < 0) | (x > 1)).any()):
            raise RuntimeError("all elements of input should be between 0 and 1")
        if bool(((t < 0) | (t > 1)).any()):
            raise RuntimeError("all elements of target should be between 0 and 1")
        self.save_inputs(0, 1)
        with errstate(xp, divide="ignore"):
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
        need = self.needs_input_grad
        if need[0]:
            gx = g * (x - t) / ((1 - x) * x).clamp_min(1e-12)
            gx = gx * w if w is not None else gx
        if need[1]:
            gt = g * ((-x).log1p().clamp_min(-100) - x.log().clamp_min(-100))
            gt = gt * w if w is not None else gt
        return gx, gt


class BinaryCrossEntropyWithLogits(Op):
    grad_fn_name = "BinaryCrossEntropyWithLogitsBackward0"
    autocast_policy = "fp32"
    reduced_float_in_float32 = True
    params = ("weight", "pos_weight", "reduction")

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
        # the target's dtype, as in PyTorch (the callers pass floating dtypes only)
        return _reduce(xp, loss.astype(t.dtype, copy=False), self.reduction)

    def backward(self, g):
        x, t = self.saved_tensors
        g = _scale_grad(g, self.reduction, self.n)
        pw = _t(self.pos_weight) if self.pos_weight is not None else None
        w = _t(self.weight) if self.weight is not None else None
        gx = gt = None
        need = self.needs_input_grad
        if need[0]:
            if pw is None:
                gx = g * (x.sigmoid() - t)
            else:
                lw = (pw - 1) * t + 1
                gx = g * ((1 - t) - lw * (1 - x.sigmoid()))
            gx = gx * w if w is not None else gx
        if need[1]:
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
    params = ()

    def forward(self, x, y):
        xp = xp_of(x)
        self.save_inputs(0, 1)
        with errstate(xp, divide="ignore", invalid="ignore"):
            out = xp.where(x == 0, xp.zeros_like(x), x * xp.log(y))
        return xp.where(xp.isnan(y), y, out).astype(x.dtype, copy=False)

    def backward(self, g):
        x, y = self.saved_tensors
        gx = gy = None
        need = self.needs_input_grad
        if need[0]:
            gx = g * Xlogy.apply((x != 0).to(x.dtype), y)
        if need[1]:
            gy = g * x / y
        return gx, gy


class NllLoss(Op):
    """Negative log-likelihood of class indices along dim 1; torch's weights and ignore_index."""

    grad_fn_name = "NllLossBackward0"
    autocast_policy = "fp32"
    reduced_float_in_float32 = True
    params = ("target", "weight", "ignore_index", "reduction")

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
        with errstate(xp, invalid="ignore", divide="ignore"):
            return xp.asarray(total / wsum, dtype=a.dtype)

    def backward(self, g):
        shape, _ = self._input_meta[0]
        dt = self._out_meta[0][1]
        xp = xp_of(self.w)
        coef = xp.zeros(shape, dtype=dt)
        w = -self.w
        if self.reduction == "mean":
            with errstate(xp, invalid="ignore", divide="ignore"):
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
