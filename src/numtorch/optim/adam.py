"""``torch.optim.Adam`` (amsgrad, weight decay coupled or decoupled, maximize, fused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._ops.pointwise import maximum
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_adam_args,
    _check_fused_flags,
    _check_lr,
    _real_data,
    _RealWork,
    _scalar,
    _squeezed,
    _zeros_like,
)

__all__ = ["Adam"]


def _check_tensor_hyper(name: str, value, foreach: bool | None, capturable: bool) -> None:
    """A Tensor lr/beta must be 1-element, and foreach needs capturable for it (torch)."""
    if isinstance(value, Tensor):
        if foreach and not capturable:
            raise ValueError(f"{name} as a Tensor is not supported for capturable=False and "
                             "foreach=True")
        if value.numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")


class Adam(Optimizer):
    """Adam, matching torch's single-tensor CPU update (``decoupled_weight_decay`` = AdamW).

    ``foreach``/``fused`` select torch implementations that agree to float rounding with the
    single-tensor one, so they are accepted and compute the same update here.
    """

    _sparse_error = "Adam does not support sparse gradients, please consider SparseAdam instead"
    _zero_state = ("exp_avg", "exp_avg_sq")
    _group_defaults = {"amsgrad": False, **_FLAG_DEFAULTS, "decoupled_weight_decay": False,
                       "fused": None}
    _scalar_state = ("step",)

    def __init__(self, params, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        _check_tensor_hyper("lr", lr, foreach, capturable)
        _check_lr(lr)
        _check_adam_args(betas, eps, weight_decay)
        if isinstance(betas[0], Tensor) != isinstance(betas[1], Tensor):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, beta in enumerate(betas):
            _check_tensor_hyper(f"betas[{i}]", beta, foreach, capturable)
        betas = tuple(_squeezed(b) for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused_flags(fused, foreach, differentiable)

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        super()._init_state(p, group, state)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _zeros_like(p)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr = _scalar(group["lr"])
        beta1, beta2 = (_scalar(b) for b in group["betas"])
        eps, amsgrad = group["eps"], group["amsgrad"]

        def update(p, param, g, state):
            xp = xp_of(param)
            exp_avg = _real_data(state["exp_avg"])
            exp_avg_sq = _real_data(state["exp_avg_sq"])
            # the same operations, in the same order, as the plain expressions in the
            # comments, with the temporaries in two reused buffers
            t1, t2 = _buffers(self, param)
            _lerp_into(exp_avg, g, 1 - beta1, t1)  # exp_avg.lerp_(g, 1 - beta1)
            exp_avg_sq *= beta2
            xp.multiply(g, 1 - beta2, out=t1)  # exp_avg_sq += (1 - beta2) * g * g
            t1 *= g
            exp_avg_sq += t1
            step = float(state["step"]._data)
            step_size = lr / (1 - beta1 ** step)
            bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
            if amsgrad:
                max_sq = _real_data(state["max_exp_avg_sq"])
                xp.maximum(max_sq, exp_avg_sq, out=max_sq)
                xp.sqrt(max_sq, out=t2)  # denom = sqrt(max_sq) / bias_correction2_sqrt + eps
            else:
                xp.sqrt(exp_avg_sq, out=t2)  # denom = sqrt(exp_avg_sq) / bc2 + eps
            t2 /= bias_correction2_sqrt
            t2 += eps
            xp.multiply(exp_avg, -step_size, out=t1)  # param += (-step_size * exp_avg) / denom
            t1 /= t2
            param += t1

        return update


def _adam_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """Adam's ``differentiable=True`` update as recorded Tensor operations, in the order of
    torch's differentiable single-tensor path: bias corrections from the step tensor,
    ``param.addcdiv_(exp_avg, denom)`` with the negated step size folded into ``denom``; a
    Tensor ``lr``, ``betas`` or ``weight_decay`` that requires grad gets gradients."""
    lr = _squeezed(group["lr"])
    beta1, beta2 = (_squeezed(b) for b in group["betas"])
    eps, wd, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
    params = opt._differentiable_params(group)
    for p in params:
        if opt.state[p]["step"].requires_grad:
            raise RuntimeError("`requires_grad` is not supported for `step` in differentiable "
                               "mode")
    for p in params:
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        step = state["step"]
        step += 1
        if wd != 0:
            if group.get("decoupled_weight_decay"):
                p.mul_(1 - lr * wd)
            elif _requires_grad(wd):
                grad = grad.addcmul_(p.clone(), wd)  # in place, as torch does
            else:
                grad = grad.add(p, alpha=_scalar(wd))
        param, exp_avg, exp_avg_sq = p, state["exp_avg"], state["exp_avg_sq"]
        max_sq = state.get("max_exp_avg_sq") if amsgrad else None
        grad = _as_real(grad)
        work = _RealWork(param, exp_avg, exp_avg_sq, max_sq)
        param, exp_avg, exp_avg_sq, max_sq = work.tensors
        b1 = beta1.to(param.dtype) if isinstance(beta1, Tensor) else beta1
        exp_avg.lerp_(grad, 1 - b1)
        if _requires_grad(beta2):
            # torch's lerp_ takes a 0-d weight of another dtype; numtorch's lerp_ wants one dtype
            exp_avg_sq.lerp_(grad.square(), (1 - beta2).to(param.dtype))
        else:
            exp_avg_sq.mul_(_scalar(beta2)).addcmul_(grad, grad, value=_scalar(1 - beta2))
        bias_correction1 = 1 - beta1 ** (step.clone() if _requires_grad(beta1) else step)
        bias_correction2 = 1 - beta2 ** (step.clone() if _requires_grad(beta2) else step)
        step_size_neg = (lr / bias_correction1).neg()
        bias_correction2_sqrt = bias_correction2.sqrt()
        if amsgrad:
            max_sq.copy_(maximum(max_sq.clone(), exp_avg_sq))
            second = max_sq
        else:
            second = exp_avg_sq
        denom = (second.sqrt() / (bias_correction2_sqrt * step_size_neg)).add_(eps / step_size_neg)
        param.addcdiv_(exp_avg.clone(), denom)
        work.write_back()


def _requires_grad(x) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


Adam._differentiable_group_step = _adam_differentiable_step


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
