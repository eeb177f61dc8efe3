"""``torch.optim.Adamax``: Adam with the infinity norm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._ops.join import cat
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_adam_args,
    _check_lr,
    _lerp_,
    _number,
    _real_data,
    _RealWork,
    _scalar,
    _squeezed,
)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, matching torch's single-tensor CPU update."""

    _foreach_checked_without_grads = True

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

    def _differentiable_group_step(self, group: dict[str, Any]) -> None:
        """``differentiable=True``: torch's single-tensor update as recorded Tensor
        operations; the infinity norm is the ``amax`` of the stacked candidates, so its
        gradient follows torch's (a Tensor ``lr`` that requires grad raises torch's
        ``TypeError``)."""
        lr, (beta1, beta2), eps = _squeezed(group["lr"]), group["betas"], group["eps"]
        wd = group["weight_decay"]
        for p in self._differentiable_params(group):
            grad = -p._grad if group["maximize"] else p._grad
            state = self.state[p]
            state["step"] += 1
            if wd != 0:
                grad = grad.add(p, alpha=wd)
            grad = _as_real(grad)
            work = _RealWork(p, state["exp_avg"], state["exp_inf"])
            param, exp_avg, exp_inf = work.tensors
            exp_avg.lerp_(grad, 1 - beta1)
            norm_buf = cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze(0)],
                           0)
            exp_inf.copy_(norm_buf.amax(0, keepdim=False))
            clr = lr / (1 - beta1 ** state["step"].item())
            param.addcdiv_(exp_avg, exp_inf, value=_number(-clr, "addcdiv_(): argument 'value'"))
            work.write_back()
