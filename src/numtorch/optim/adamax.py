"""``torch.optim.Adamax``: Adam with the infinity norm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _check_adam_args,
    _check_lr,
    _lerp_,
    _real_data,
    _scalar,
)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, matching torch's single-tensor CPU update."""

    _sparse_error = "Adamax does not support sparse gradients"
    _zero_state = ("exp_avg", "exp_inf")
    _group_defaults = _FLAG_DEFAULTS
    _scalar_state = ("step",)

    def __init__(self, params, lr: float | Tensor = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_lr(lr)
        _check_adam_args(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr, (beta1, beta2), eps = _scalar(group["lr"]), group["betas"], group["eps"]

        def update(p, param, g, state):
            xp = xp_of(param)
            exp_avg, exp_inf = _real_data(state["exp_avg"]), _real_data(state["exp_inf"])
            _lerp_(exp_avg, g, 1 - beta1)
            exp_inf *= beta2
            norm = xp.abs(g)
            norm += eps
            xp.maximum(exp_inf, norm, out=exp_inf)
            clr = lr / (1 - beta1 ** float(state["step"]._data))
            param += (-clr * exp_avg) / exp_inf

        return update
