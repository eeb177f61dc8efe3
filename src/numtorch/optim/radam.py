"""``torch.optim.RAdam``: rectified Adam (optionally decoupled weight decay)."""

from __future__ import annotations

from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .adam import _check_betas_eps
from .optimizer import (
    Optimizer,
    _check_lr,
    _eval_closure,
    _lerp_,
    _real,
    _scalar,
    _scalar_tensor,
    _steps_to_tensors,
    _zeros_like,
)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam, matching torch's single-tensor CPU update."""

    def __init__(self, params, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_betas_eps(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("capturable", False)
        _steps_to_tensors(self)

    def step(self, closure=None):
        """One RAdam step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = group["betas"]
            eps, wd = group["eps"], group["weight_decay"]
            for p, g in self._params_with_grad(group, "RAdam does not support sparse "
                                                      "gradients"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                if group["maximize"]:
                    g = -g
                step_arr = state["step"]._data
                step_arr += 1
                step = float(step_arr)
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        p._data *= 1 - lr * wd
                    else:
                        g = g + wd * p._data
                xp = xp_of(p._data)
                param, g = _real(p._data), _real(g)
                exp_avg = _real(state["exp_avg"]._data)
                exp_avg_sq = _real(state["exp_avg_sq"]._data)
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
                p._bump_version()
        return loss
