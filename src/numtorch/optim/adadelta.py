"""``torch.optim.Adadelta`` (rho, eps, weight decay, maximize)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._ops.shape.views import view_as_complex
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_lr,
    _check_non_negative,
    _number,
    _real_data,
    _RealWork,
    _scalar,
    _squeezed,
)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta, matching torch's single-tensor CPU update."""

    _foreach_checked_without_grads = True

    _sparse_error = "Adadelta does not support sparse gradients"
    _zero_state = ("square_avg", "acc_delta")
    _capturable_error = ("If capturable=True, params and state_steps must be on supported "
                         "devices: ['cuda', 'xpu', 'hpu', 'privateuseone'].")
    _group_defaults = _FLAG_DEFAULTS
    _scalar_state = ("step",)

    def __init__(self, params, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_non_negative(eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr, rho, eps = _scalar(group["lr"]), group["rho"], group["eps"]

        def update(p, param, g, state):
            xp = xp_of(param)
            square_avg = _real_data(state["square_avg"])
            acc_delta = _real_data(state["acc_delta"])
            square_avg *= rho
            square_avg += (1 - rho) * g * g
            std = xp.sqrt(square_avg + eps)
            delta = xp.sqrt(acc_delta + eps)
            delta /= std
            delta *= g
            acc_delta *= rho
            acc_delta += (1 - rho) * delta * delta
            param += -lr * delta

        return update

    def _differentiable_group_step(self, group: dict[str, Any]) -> None:
        """``differentiable=True``: torch's single-tensor update as recorded Tensor
        operations (a Tensor ``lr`` that requires grad raises torch's ``TypeError``)."""
        lr, rho, eps = _squeezed(group["lr"]), group["rho"], group["eps"]
        wd = group["weight_decay"]
        for p in self._differentiable_params(group):
            state = self.state[p]
            state["step"] += 1
            grad = -p._grad if group["maximize"] else p._grad
            if wd != 0:
                grad = grad.add(p, alpha=wd)
            grad = _as_real(grad)
            work = _RealWork(state["square_avg"], state["acc_delta"])
            square_avg, acc_delta = work.tensors
            square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
            std = square_avg.add(eps).sqrt_()
            delta = acc_delta.add(eps).sqrt_().clone()
            delta.div_(std).mul_(grad)
            acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            work.write_back()
            if p.is_complex():
                delta = view_as_complex(delta)
            p.add_(delta, alpha=_number(-lr, "add_(): argument 'alpha'"))
