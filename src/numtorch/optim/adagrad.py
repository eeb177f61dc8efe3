"""``torch.optim.Adagrad`` (lr_decay, weight decay, initial accumulator, maximize)."""

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
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad; like torch, state (``step``, ``sum``) is created at construction."""

    def __init__(self, params, lr: float | Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _scalar_tensor(0.0)
                init = initial_accumulator_value
                state["sum"] = _full_like(p, complex(init, init) if p.is_complex() else init)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        _steps_to_tensors(self)

    def share_memory(self) -> None:
        """No-op: NumPy arrays live in this process (``Adagrad.share_memory``)."""

    def step(self, closure=None):
        """One Adagrad step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            wd, lr_decay, eps = group["weight_decay"], group["lr_decay"], group["eps"]
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                step_arr = state["step"]._data
                step_arr += 1
                step = float(step_arr)
                if group["maximize"]:
                    g = -g
                if wd != 0:
                    g = g + wd * p._data
                clr = lr / (1 + (step - 1) * lr_decay)
                param, g, acc = _real(p._data), _real(g), _real(state["sum"]._data)
                acc += 1 * g * g
                std = xp_of(acc).sqrt(acc)
                std += eps
                param += (-clr * g) / std
                p._bump_version()
        return loss
