"""``torch.optim.Adam`` (amsgrad, weight decay coupled or decoupled, maximize)."""

from __future__ import annotations

from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_lr,
    _eval_closure,
    _real,
    _scalar,
    _scalar_tensor,
    _steps_to_tensors,
    _zeros_like,
)

__all__ = ["Adam"]


def _check_betas_eps(betas, eps, weight_decay) -> None:
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adam(Optimizer):
    """Adam, matching torch's single-tensor CPU update (``decoupled_weight_decay`` = AdamW)."""

    def __init__(self, params, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        _check_lr(lr)
        _check_betas_eps(betas, eps, weight_decay)
        if isinstance(betas[0], Tensor) != isinstance(betas[1], Tensor):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
        _steps_to_tensors(self)

    def step(self, closure=None):
        """One Adam step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            adam_group_step(self, group)
        return loss


def adam_group_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """Apply Adam/AdamW to every param of ``group`` that has a gradient."""
    lr = _scalar(group["lr"])
    beta1, beta2 = (_scalar(b) for b in group["betas"])
    wd, eps = group["weight_decay"], group["eps"]
    amsgrad = group["amsgrad"]
    for p, g in opt._params_with_grad(group, "Adam does not support sparse gradients, please "
                                              "consider SparseAdam instead"):
        state = opt.state[p]
        if len(state) == 0:
            state["step"] = _scalar_tensor(0.0)
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
            if amsgrad:
                state["max_exp_avg_sq"] = _zeros_like(p)
        if group["maximize"]:
            g = -g
        param = p._data
        step_arr = state["step"]._data
        step_arr += 1
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param *= 1 - lr * wd
            else:
                g = g + wd * param
        xp = xp_of(param)
        param, g = _real(param), _real(g)
        exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
        # the same operations, in the same order, as the plain expressions in the comments,
        # with the temporaries in two reused buffers
        t1, t2 = _buffers(opt, param)
        _lerp_into(exp_avg, g, 1 - beta1, t1)  # exp_avg.lerp_(g, 1 - beta1)
        exp_avg_sq *= beta2
        xp.multiply(g, 1 - beta2, out=t1)  # exp_avg_sq += (1 - beta2) * g * g
        t1 *= g
        exp_avg_sq += t1
        step = float(step_arr)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if amsgrad:
            max_sq = _real(state["max_exp_avg_sq"]._data)
            xp.maximum(max_sq, exp_avg_sq, out=max_sq)
            xp.sqrt(max_sq, out=t2)  # denom = sqrt(max_sq) / bias_correction2_sqrt + eps
        else:
            xp.sqrt(exp_avg_sq, out=t2)  # denom = sqrt(exp_avg_sq) / bc2 + eps
        t2 /= bias_correction2_sqrt
        t2 += eps
        xp.multiply(exp_avg, -step_size, out=t1)  # param += (-step_size * exp_avg) / denom
        t1 /= t2
        param += t1
        p._bump_version()


def _buffers(opt: Optimizer, like) -> tuple:
    """Two scratch arrays shaped like ``like`` (views of per-optimizer buffers; not state)."""
    scratch = opt.__dict__.setdefault("_scratch", {})
    key = (like.dtype, id(xp_of(like)))
    bufs = scratch.get(key)
    if bufs is None or bufs[0].size < like.size:
        xp = xp_of(like)
        bufs = scratch[key] = (xp.empty(like.size, like.dtype), xp.empty(like.size, like.dtype))
    return tuple(b[:like.size].reshape(like.shape) for b in bufs)


def _lerp_into(a, b, weight: float, tmp) -> None:
    """``a.lerp_(b, weight)`` with torch's two-sided formula (as ``optimizer._lerp_``), the
    difference computed into ``tmp``."""
    w = a.dtype.type(weight)
    xp = xp_of(a)
    xp.subtract(b, a, out=tmp)
    if abs(w) < 0.5:
        tmp *= w  # a += w * (b - a)
        a += tmp
    else:
        tmp *= 1 - w  # a = b - (b - a) * (1 - w)
        xp.subtract(b, tmp, out=a)
