"""``torch.optim.Rprop``: resilient backpropagation."""

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
    _full_like,
    _number,
    _real_data,
    _RealWork,
    _scalar_tensor,
    _squeezed,
    _zeros_like,
)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Rprop, matching torch's single-tensor CPU update."""

    _sparse_error = "Rprop does not support sparse gradients"
    _group_defaults = _FLAG_DEFAULTS
    _scalar_state = ("step",)

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

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        state["step"] = _scalar_tensor(0.0)
        state["prev"] = _zeros_like(p)
        lr = _number(_squeezed(group["lr"]), "full_like(): argument 'fill_value' (position 2)")
        state["step_size"] = _full_like(p, complex(lr, lr) if p.is_complex() else lr)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]

        def update(p, param, g, state):
            xp = xp_of(param)
            prev, step_size = _real_data(state["prev"]), _real_data(state["step_size"])
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

        return update

def _rprop_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """Rprop's ``differentiable=True`` update as recorded Tensor operations, in torch's
    single-tensor order (sign masks written by index assignment; the update's gradient with
    respect to the gradient is zero, as in torch)."""
    etaminus, etaplus = group["etas"]
    step_size_min, step_size_max = group["step_sizes"]
    for p in opt._differentiable_params(group):
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        state["step"] += 1
        grad = _as_real(grad)
        work = _RealWork(p, state["prev"], state["step_size"])
        param, prev, step_size = work.tensors
        sign = grad.mul(prev.clone()).sign()
        sign[sign.gt(0)] = etaplus
        sign[sign.lt(0)] = etaminus
        sign[sign.eq(0)] = 1
        step_size.mul_(sign).clamp_(step_size_min, step_size_max)
        grad = grad.clone()
        grad[sign.eq(etaminus)] = 0
        param.addcmul_(grad.sign(), step_size, value=-1)
        prev.copy_(grad)
        work.write_back()


Rprop._differentiable_group_step = _rprop_differentiable_step
