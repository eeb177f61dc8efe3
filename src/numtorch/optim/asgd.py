"""``torch.optim.ASGD``: averaged stochastic gradient descent."""

from __future__ import annotations

from typing import Any

from .. import _dtype as D
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_lr,
    _eval_closure,
    _real,
    _scalar,
    _scalar_tensor,
    _steps_to_tensors,
    _zeros_like,
)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """ASGD, matching torch's single-tensor CPU update (``eta``/``mu`` are 0-d tensors)."""

    def __init__(self, params, lr: float | Tensor = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        _steps_to_tensors(self, ("step", "eta", "mu"))

    def step(self, closure=None):
        """One ASGD step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            lambd, alpha, t0, wd = group["lambd"], group["alpha"], group["t0"], \
                group["weight_decay"]
            for p, g in self._params_with_grad(group, "ASGD does not support sparse "
                                                      "gradients"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["eta"] = _scalar_tensor(lr)
                    state["mu"] = _scalar_tensor(1.0)
                    state["ax"] = _zeros_like(p)
                if group["maximize"]:
                    g = -g
                step_arr, eta, mu = state["step"]._data, state["eta"]._data, state["mu"]._data
                step_arr += 1
                if wd != 0:
                    g = g + wd * p._data
                param, g, ax = _real(p._data), _real(g), _real(state["ax"]._data)
                eta_value = float(eta)
                param *= 1 - lambd * eta_value
                param += -eta_value * g
                mu_value = float(mu)
                if mu_value != 1:
                    ax += (param - ax) * mu.astype(param.dtype)
                else:
                    ax[...] = param
                step = float(step_arr)
                # torch.as_tensor(float) is float32 (default dtype), then copied into eta/mu
                eta[...] = _default_float(lr / ((1 + lambd * lr * step) ** alpha))
                mu[...] = _default_float(1 / max(1, step - t0))
                p._bump_version()
        return loss


def _default_float(value: float):
    return D.get_default_dtype().np.type(value)
