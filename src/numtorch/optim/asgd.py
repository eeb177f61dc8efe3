"""``torch.optim.ASGD``: averaged stochastic gradient descent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _dtype as D
from .._ops.creation import as_tensor
from .._tensor import Tensor
from .optimizer import (
    _FLAG_DEFAULTS,
    Optimizer,
    _as_real,
    _check_lr,
    _check_non_negative,
    _real_data,
    _RealWork,
    _scalar,
    _scalar_tensor,
    _squeezed,
    _zeros_like,
)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """ASGD, matching torch's single-tensor CPU update (``eta``/``mu`` are 0-d tensors)."""

    _sparse_error = "ASGD does not support sparse gradients"
    _capturable_error = ("If capturable=True, params, mus, etas, and state_steps must be on "
                         "supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")
    _group_defaults = _FLAG_DEFAULTS
    _scalar_state = ("step", "eta", "mu")

    def __init__(self, params, lr: float | Tensor = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        _check_non_negative(weight_decay=weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        state["step"] = _scalar_tensor(0.0)
        state["eta"] = _scalar_tensor(_scalar(group["lr"]))
        state["mu"] = _scalar_tensor(1.0)
        state["ax"] = _zeros_like(p)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr = _scalar(group["lr"])
        lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]

        def update(p, param, g, state):
            eta, mu, ax = state["eta"]._data, state["mu"]._data, _real_data(state["ax"])
            eta_value = float(eta)
            param *= 1 - lambd * eta_value
            param += -eta_value * g
            if float(mu) != 1:
                ax += (param - ax) * mu.astype(param.dtype)
            else:
                ax[...] = param
            step = float(state["step"]._data)
            # torch.as_tensor(float) is float32 (default dtype), then copied into eta/mu
            eta[...] = _default_float(lr / ((1 + lambd * lr * step) ** alpha))
            mu[...] = _default_float(1 / max(1, step - t0))

        return update


def _default_float(value: float):
    return D.get_default_dtype().np.type(value)

def _asgd_differentiable_step(opt: Optimizer, group: dict[str, Any]) -> None:
    """ASGD's ``differentiable=True`` update as recorded Tensor operations, in torch's
    single-tensor order: ``eta``/``mu`` are read as numbers for the update, the average ``ax``
    follows the param's graph, and ``eta`` is recomputed from ``lr`` (so a Tensor ``lr`` that
    requires grad reaches the next ``eta``, as in torch)."""
    lr = _squeezed(group["lr"])
    lambd, alpha, t0, wd = group["lambd"], group["alpha"], group["t0"], group["weight_decay"]
    for p in opt._differentiable_params(group):
        grad = -p._grad if group["maximize"] else p._grad
        state = opt.state[p]
        eta, mu, step_t = state["eta"], state["mu"], state["step"]
        grad = _as_real(grad)
        work = _RealWork(p, state["ax"])
        param, ax = work.tensors
        step_t += 1
        if wd != 0:
            grad = grad.add(param, alpha=wd)
        eta_value = eta.item()
        param.mul_(1 - lambd * eta_value)
        param.add_(grad, alpha=-eta_value)
        if mu.item() != 1:
            ax.add_(param.sub(ax).mul_(mu))
        else:
            ax.copy_(param)
        work.write_back()
        step = step_t.item()
        eta.copy_(as_tensor(lr / ((1 + lambd * lr * step) ** alpha)))
        mu.copy_(as_tensor(1 / max(1, step - t0)))


ASGD._differentiable_group_step = _asgd_differentiable_step
