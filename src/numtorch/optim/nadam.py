"""``torch.optim.NAdam``: Adam with Nesterov momentum (momentum_decay, decoupled decay)."""

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
    _check_non_negative,
    _lerp_,
    _real_data,
    _RealWork,
    _scalar,
    _scalar_tensor,
    _squeezed,
    _unsaved,
    _zeros_like,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam, matching torch's single-tensor CPU update (``mu_product`` is a 0-d tensor)."""

    _sparse_error = "NAdam does not support sparse gradients"
    _capturable_error = ("If capturable=True, params, mu_products and state_steps must be on "
                         "supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")
    _group_defaults = {**_FLAG_DEFAULTS, "decoupled_weight_decay": False}
    _scalar_state = ("step", "mu_product")

    def __init__(self, params, lr: float | Tensor = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_adam_args(betas, eps, weight_decay)
        _check_non_negative(momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        state["step"] = _scalar_tensor(0.0)
        state["mu_product"] = _scalar_tensor(1.0)
        state["exp_avg"] = _zeros_like(p)
        state["exp_avg_sq"] = _zeros_like(p)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr, (beta1, beta2), eps = _scalar(group["lr"]), group["betas"], group["eps"]
        momentum_decay = group["momentum_decay"]

        def update(p, param, g, state):
            step = float(state["step"]._data)
            mu_product = state["mu_product"]._data
            bias_correction2 = 1 - beta2 ** step
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product *= mu
            xp = xp_of(param)
            exp_avg, exp_avg_sq = _real_data(state["exp_avg"]), _real_data(state["exp_avg_sq"])
            _lerp_(exp_avg, g, 1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * g * g
            denom = xp.sqrt(exp_avg_sq / bias_correction2)
            denom += eps
            mu_prod = float(mu_product)
            mu_product_next = mu_prod * mu_next
            param += ((-lr * (1.0 - mu) / (1.0 - mu_prod)) * g) / denom
            param += (((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg) / denom

        return update

def _nadam_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """NAdam's ``differentiable=True`` update as recorded Tensor operations, in torch's
    single-tensor order: the two step factors are Tensors built from ``mu_product`` (so a
    Tensor ``lr`` that requires grad gets gradients) and multiply the gradient and ``exp_avg``
    before the two ``addcdiv_``."""
    lr, (beta1, beta2), eps = _squeezed(group["lr"]), group["betas"], group["eps"]
    wd, momentum_decay = group["weight_decay"], group["momentum_decay"]
    for p in opt._differentiable_params(group):
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        mu_product = state["mu_product"]
        grad = _as_real(grad)
        work = _RealWork(p, state["exp_avg"], state["exp_avg_sq"])
        param, exp_avg, exp_avg_sq = work.tensors
        state["step"] += 1
        step = state["step"].item()
        bias_correction2 = 1 - beta2 ** step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param.mul_(1 - lr * wd)
            else:
                grad = grad.add(param, alpha=wd)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product *= mu
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = _unsaved(exp_avg_sq).div(bias_correction2).sqrt().add(eps)
        mu_product_next = mu_product * mu_next
        grad = grad * (-lr * (1.0 - mu) / (1.0 - mu_product))
        factor = -lr * mu_next / (1.0 - mu_product_next)
        exp_avg = _unsaved(exp_avg, factor) * factor
        param.addcdiv_(grad, denom)
        param.addcdiv_(exp_avg, denom)
        work.write_back()


NAdam._differentiable_group_step = _nadam_differentiable_step
