"""``torch.optim.RAdam``: rectified Adam (optionally decoupled weight decay)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_adam_args,
    _check_lr,
    _lerp_,
    _real_data,
    _RealWork,
    _scalar,
    _squeezed,
    _unsaved,
)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam, matching torch's single-tensor CPU update."""

    _sparse_error = "RAdam does not support sparse gradients"
    _zero_state = ("exp_avg", "exp_avg_sq")
    _group_defaults = {**_FLAG_DEFAULTS, "decoupled_weight_decay": False}
    _scalar_state = ("step",)

    def __init__(self, params, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_adam_args(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr, (beta1, beta2), eps = _scalar(group["lr"]), group["betas"], group["eps"]

        def update(p, param, g, state):
            step = float(state["step"]._data)
            xp = xp_of(param)
            exp_avg, exp_avg_sq = _real_data(state["exp_avg"]), _real_data(state["exp_avg_sq"])
            _lerp_(exp_avg, g, 1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * g * g
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            corrected = exp_avg / bias_correction1
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                root = xp.sqrt(exp_avg_sq)
                root += eps
                # torch evaluates `float / tensor` as `tensor.reciprocal() * float`
                adaptive = xp.reciprocal(root) * (bias_correction2 ** 0.5)
                param -= corrected * lr * adaptive * rect
            else:
                param -= corrected * lr

        return update

def _radam_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """RAdam's ``differentiable=True`` update as recorded Tensor operations, in torch's
    single-tensor order (a Tensor ``lr`` that requires grad gets gradients)."""
    lr, (beta1, beta2), eps = _squeezed(group["lr"]), group["betas"], group["eps"]
    wd = group["weight_decay"]
    for p in opt._differentiable_params(group):
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        grad = _as_real(grad)
        work = _RealWork(p, state["exp_avg"], state["exp_avg_sq"])
        param, exp_avg, exp_avg_sq = work.tensors
        state["step"] += 1
        step = state["step"].item()
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param.mul_(1 - lr * wd)
            else:
                grad = grad.add(param, alpha=wd)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        corrected = _unsaved(exp_avg) / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add(eps)
            param.add_(corrected * lr * adaptive * rect, alpha=-1.0)
        else:
            param.add_(corrected * lr, alpha=-1.0)
        work.write_back()


RAdam._differentiable_group_step = _radam_differentiable_step
