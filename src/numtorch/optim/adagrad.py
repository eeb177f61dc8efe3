"""``torch.optim.Adagrad`` (lr_decay, weight decay, initial accumulator, maximize, fused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_fused_flags,
    _check_lr,
    _check_non_negative,
    _full_like,
    _number,
    _real_data,
    _RealWork,
    _scalar,
    _scalar_tensor,
    _squeezed,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad; like torch, state (``step``, ``sum``) is created at construction.

    ``foreach``/``fused`` are accepted: torch's implementations agree to float rounding.
    """

    _foreach_checked_without_grads = True

    _group_defaults = {k: v for k, v in _FLAG_DEFAULTS.items() if k != "capturable"} | {
        "fused": None}
    _scalar_state = ("step",)

    def __init__(self, params, lr: float | Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        _check_non_negative(lr_decay=lr_decay, weight_decay=weight_decay,
                            initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "fused": fused}
        super().__init__(params, defaults)
        _check_fused_flags(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group, self.state[p])

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        """``step`` and ``sum`` from the constructor's ``initial_accumulator_value`` (torch
        ignores a group's own value)."""
        state["step"] = _scalar_tensor(0.0, group["fused"])
        init = self.defaults["initial_accumulator_value"]
        state["sum"] = _full_like(p, complex(init, init) if p.is_complex() else init)

    def share_memory(self) -> None:
        """No-op: NumPy arrays live in this process (``Adagrad.share_memory``)."""

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr = _scalar(group["lr"])
        lr_decay, eps = group["lr_decay"], group["eps"]

        def update(p, param, g, state):
            clr = lr / (1 + (float(state["step"]._data) - 1) * lr_decay)
            acc = _real_data(state["sum"])
            acc += 1 * g * g
            std = xp_of(acc).sqrt(acc)
            std += eps
            param += (-clr * g) / std

        return update


def _adagrad_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """Adagrad's ``differentiable=True`` update as recorded Tensor operations (torch's
    single-tensor order; a Tensor ``lr`` that requires grad raises torch's ``TypeError``)."""
    lr, eps = _squeezed(group["lr"]), group["eps"]
    lr_decay, wd = group["lr_decay"], group["weight_decay"]
    for p in opt._differentiable_params(group):
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        state["step"] += 1
        step = state["step"].item()
        if wd != 0:
            grad = grad.add(p, alpha=wd)
        clr = lr / (1 + (step - 1) * lr_decay)
        grad = _as_real(grad)
        work = _RealWork(p, state["sum"])
        param, state_sum = work.tensors
        state_sum.addcmul_(grad, grad, value=1)
        std = state_sum.sqrt() + eps
        param.addcdiv_(grad, std, value=_number(-clr, "addcdiv_(): argument 'value'"))
        work.write_back()


Adagrad._differentiable_group_step = _adagrad_differentiable_step
