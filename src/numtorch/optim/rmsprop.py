"""``torch.optim.RMSprop`` (alpha, centered, momentum, weight decay, maximize)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_lr,
    _check_non_negative,
    _lerp_,
    _number,
    _real_data,
    _RealWork,
    _scalar,
    _squeezed,
    _zeros_like,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, matching torch's single-tensor CPU update."""

    _sparse_error = "RMSprop does not support sparse gradients"
    _zero_state = ("square_avg",)
    _group_defaults = {"momentum": 0, "centered": False, **_FLAG_DEFAULTS}
    _scalar_state = ("step",)

    def __init__(self, params, lr: float | Tensor = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_non_negative(eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        super()._init_state(p, group, state)
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr, alpha, eps = _scalar(group["lr"]), group["alpha"], group["eps"]
        momentum, centered = group["momentum"], group["centered"]

        def update(p, param, g, state):
            xp = xp_of(param)
            square_avg = _real_data(state["square_avg"])
            square_avg *= alpha
            square_avg += (1 - alpha) * g * g
            if centered:
                grad_avg = _real_data(state["grad_avg"])
                _lerp_(grad_avg, g, 1 - alpha)
                avg = xp.sqrt(square_avg + (-1 * grad_avg) * grad_avg)
            else:
                avg = xp.sqrt(square_avg)
            avg += eps
            if momentum > 0:
                buf = _real_data(state["momentum_buffer"])
                buf *= momentum
                buf += g / avg
                param += -lr * buf
            else:
                param += (-lr * g) / avg

        return update


def _rmsprop_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """RMSprop's ``differentiable=True`` update as recorded Tensor operations (torch's
    single-tensor order; a Tensor ``lr`` that requires grad raises torch's ``TypeError``)."""
    lr, alpha, eps = _squeezed(group["lr"]), group["alpha"], group["eps"]
    momentum, centered, wd = group["momentum"], group["centered"], group["weight_decay"]
    for p in opt._differentiable_params(group):
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        state["step"] += 1
        if wd != 0:
            grad = grad.add(p, alpha=wd)
        grad = _as_real(grad)
        work = _RealWork(p, state["square_avg"], state.get("grad_avg"),
                         state.get("momentum_buffer"))
        param, square_avg, grad_avg, buf = work.tensors
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if centered:
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add(eps)
        if momentum > 0:
            buf.mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=_number(-lr, "add_(): argument 'alpha'"))
        else:
            param.addcdiv_(grad, avg, value=_number(-lr, "addcdiv_(): argument 'value'"))
        work.write_back()


RMSprop._differentiable_group_step = _rmsprop_differentiable_step
