"""``torch.optim.RMSprop`` (alpha, centered, momentum, weight decay, maximize)."""

from __future__ import annotations

from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
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

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, matching torch's single-tensor CPU update."""

    def __init__(self, params, lr: float | Tensor = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        _steps_to_tensors(self)

    def step(self, closure=None):
        """One RMSprop step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            alpha, eps, wd = group["alpha"], group["eps"], group["weight_decay"]
            momentum, centered = group["momentum"], group["centered"]
            for p, g in self._params_with_grad(group, "RMSprop does not support sparse "
                                                      "gradients"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        state["grad_avg"] = _zeros_like(p)
                if group["maximize"]:
                    g = -g
                state["step"]._data += 1
                if wd != 0:
                    g = g + wd * p._data
                xp = xp_of(p._data)
                param, g = _real(p._data), _real(g)
                square_avg = _real(state["square_avg"]._data)
                square_avg *= alpha
                square_avg += (1 - alpha) * g * g
                if centered:
                    grad_avg = _real(state["grad_avg"]._data)
                    _lerp_(grad_avg, g, 1 - alpha)
                    avg = xp.sqrt(square_avg + (-1 * grad_avg) * grad_avg)
                else:
                    avg = xp.sqrt(square_avg)
                avg += eps
                if momentum > 0:
                    buf = _real(state["momentum_buffer"]._data)
                    buf *= momentum
                    buf += g / avg
                    param += -lr * buf
                else:
                    param += (-lr * g) / avg
                p._bump_version()
        return loss
