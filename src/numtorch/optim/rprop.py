"""``torch.optim.Rprop``: resilient backpropagation."""

from __future__ import annotations

from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_lr,
    _eval_closure,
    _full_like,
    _real,
    _scalar,
    _scalar_tensor,
    _steps_to_tensors,
    _zeros_like,
)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Rprop, matching torch's single-tensor CPU update."""

    def __init__(self, params, lr: float | Tensor = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
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
        """One Rprop step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, g in self._params_with_grad(group, "Rprop does not support sparse "
                                                      "gradients"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["prev"] = _zeros_like(p)
                    state["step_size"] = _full_like(p, complex(lr, lr) if p.is_complex()
                                                    else lr)
                if group["maximize"]:
                    g = -g
                state["step"]._data += 1
                xp = xp_of(p._data)
                param, g = _real(p._data), _real(g)
                prev, step_size = _real(state["prev"]._data), _real(state["step_size"]._data)
                sign = xp.asarray(xp.sign(g * prev))
                sign[sign > 0] = etaplus
                sign[sign < 0] = etaminus
                sign[sign == 0] = 1
                step_size *= sign
                xp.clip(step_size, step_size_min, step_size_max, out=step_size)
                g = xp.array(g)
                g[sign == etaminus] = 0
                param += (-1 * xp.sign(g)) * step_size
                prev[...] = g
                p._bump_version()
        return loss
