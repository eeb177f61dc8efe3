"""``torch.optim.Adamax``: Adam with the infinity norm."""

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

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, matching torch's single-tensor CPU update."""

    def __init__(self, params, lr: float | Tensor = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_lr(lr)
        _check_betas_eps(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        _steps_to_tensors(self)

    def step(self, closure=None):
        """One Adamax step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = group["betas"]
            eps, wd = group["eps"], group["weight_decay"]
            for p, g in self._params_with_grad(group, "Adamax does not support sparse "
                                                      "gradients"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_inf"] = _zeros_like(p)
                if group["maximize"]:
                    g = -g
                state["step"]._data += 1
                if wd != 0:
                    g = g + wd * p._data
                xp = xp_of(p._data)
                param, g = _real(p._data), _real(g)
                exp_avg, exp_inf = _real(state["exp_avg"]._data), _real(state["exp_inf"]._data)
                _lerp_(exp_avg, g, 1 - beta1)
                exp_inf *= beta2
                norm = xp.abs(g)
                norm += eps
                xp.maximum(exp_inf, norm, out=exp_inf)
                clr = lr / (1 - beta1 ** float(state["step"]._data))
                param += (-clr * exp_avg) / exp_inf
                p._bump_version()
        return loss
