"""``torch.optim.SGD``: momentum, dampening, Nesterov, weight decay, maximize."""

from __future__ import annotations

from typing import Any

from .._backend import xp_of
from .._tensor import Tensor
from .optimizer import Optimizer, _check_lr, _eval_closure, _scalar

__all__ = ["SGD"]

def _add_scaled_(param, g, alpha: float, scratch: dict) -> None:
    """``param += alpha * g`` as two rounded steps (product, then sum) like the plain NumPy
    expression, with the product written into a reused buffer instead of a fresh allocation
    (no page faults, no RSS spike)."""
    xp = xp_of(param)
    if (g.dtype != param.dtype or g.shape != param.shape or g.dtype.kind not in "fc"
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
    """Stochastic gradient descent, matching torch's single-tensor CPU update."""

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
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def step(self, closure=None):
        """One SGD step; returns the closure's loss if a closure is given."""
        loss = _eval_closure(closure)
        scratch = self.__dict__.setdefault("_scratch", {})  # not state: never saved
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            wd = _scalar(group["weight_decay"])
            momentum, dampening = group["momentum"], group["dampening"]
            for p, g in self._params_with_grad(group):
                if group["maximize"]:
                    g = -g
                if wd != 0:
                    g = g + wd * p._data
                if momentum != 0:
                    state = self.state[p]
                    buf_t = state.get("momentum_buffer")
                    if buf_t is None:
                        buf = xp_of(p._data).array(g)
                        state["momentum_buffer"] = Tensor._from_array(buf)
                    else:
                        buf = buf_t._data
                        buf *= momentum
                        _add_scaled_(buf, g, float(1 - dampening), scratch)
                    g = g + momentum * buf if group["nesterov"] else buf
                _add_scaled_(p._data, g, -lr, scratch)
                p._version_box[0] += 1
        return loss
