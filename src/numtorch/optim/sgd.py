"""``torch.optim.SGD``: momentum, dampening, Nesterov, weight decay, maximize, fused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_fused_flags,
    _check_lr,
    _has_grad,
    _scalar,
    _squeezed,
)

__all__ = ["SGD"]


def _add_scaled_(param, g, alpha: float, scratch: dict) -> None:
    """``param += alpha * g`` as two rounded steps (product, then sum) like the plain NumPy
    expression, with the product written into a reused buffer instead of a fresh allocation
    (no page faults, no RSS spike)."""
    xp = xp_of(param)
    if (g.dtype != param.dtype or g.shape != param.shape or g.dtype.kind not in "fcV"
            or type(alpha) is not float):
        param += alpha * g
        return
    key = (param.dtype, id(xp))
    buf = scratch.get(key)
    if buf is None or buf.size < g.size:
        buf = scratch[key] = xp.empty(g.size, param.dtype)
    tmp = buf[:g.size].reshape(g.shape)
    xp.multiply(g, alpha, out=tmp)
    xp.add(param, tmp, out=param)


class SGD(Optimizer):
    """Stochastic gradient descent, matching torch's single-tensor CPU update.

    Like torch, the only state is ``momentum_buffer`` (made when momentum is used) and complex
    params are updated as complex numbers. ``foreach``/``fused`` are accepted: torch's
    implementations agree to float rounding with the single-tensor one.
    """

    _lazy_state = False
    _complex_as_real = False
    _group_defaults = {"nesterov": False, "maximize": False, "foreach": None,
                       "differentiable": False, "fused": False}

    def __init__(self, params, lr: float | Tensor = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused_flags(fused, foreach, differentiable)

    def _group_update(self, group: dict[str, Any]) -> Callable:
        lr = _scalar(group["lr"])
        momentum, dampening, nesterov = group["momentum"], group["dampening"], group["nesterov"]
        scratch = self.__dict__.setdefault("_scratch", {})  # not state: never saved
        states = self.state

        def update(p, param, g, state):
            if momentum != 0:
                state = states[p]
                buf_t = state.get("momentum_buffer")
                if buf_t is None:
                    buf = xp_of(param).array(g)
                    state["momentum_buffer"] = Tensor._from_array(buf)
                else:
                    buf = buf_t._data
                    buf *= momentum
                    _add_scaled_(buf, g, float(1 - dampening), scratch)
                g = g + momentum * buf if nesterov else buf
            _add_scaled_(param, g, -lr, scratch)

        return update

    def _differentiable_group_step(self, group: dict[str, Any]) -> None:
        """``differentiable=True``: torch's single-tensor update as recorded Tensor operations,
        so gradients flow from the updated params to the old params, the gradients and a
        Tensor ``lr``/``weight_decay`` that requires grad (the momentum buffer starts from a
        detached copy, as in torch)."""
        lr, wd = _squeezed(group["lr"]), group["weight_decay"]
        momentum, dampening = group["momentum"], group["dampening"]
        for p in group["params"]:
            if not _has_grad(p):
                continue
            grad = -p._grad if group["maximize"] else p._grad
            if wd != 0:
                if isinstance(wd, Tensor) and wd.requires_grad:
                    grad = grad.addcmul_(p.clone(), wd)  # in place, as torch does
                else:
                    grad = grad.add(p, alpha=_scalar(wd))
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = grad.detach().clone()
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
            if isinstance(lr, Tensor) and lr.requires_grad:
                p.addcmul_(grad, lr, value=-1)
            else:
                p.add_(grad, alpha=-_scalar(lr))
