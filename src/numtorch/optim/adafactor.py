"""``torch.optim.Adafactor``: factored second moments (row and column variances for tensors of
two or more dims), relative step size ``min(lr, 1/sqrt(t))`` scaled by the parameter RMS,
update clipping at ``d``, decoupled weight decay ``p *= 1 - lr * wd``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _dtype as D
from .._ops.creation import tensor, zeros
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _eval_closure, _scalar

__all__ = ["Adafactor"]


_MACHINE_EPS = {"torch.float16": 2.0 ** -10, "torch.bfloat16": 2.0 ** -7,
                "torch.float32": 2.0 ** -23, "torch.float64": 2.0 ** -52}


def _finfo_eps(dtype) -> float:
    """``torch.finfo(dtype).eps``: the gap between 1 and the next representable number."""
    return _MACHINE_EPS[str(dtype)]


class Adafactor(Optimizer):
    """Adafactor with PyTorch's defaults, state (``step``, ``row_var``/``col_var`` or
    ``variance``) and single-tensor update order."""

    def __init__(self, params, lr: float | Tensor = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
                 weight_decay: float = 0.0, *, foreach: bool | None = None,
                 maximize: bool = False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= _scalar(lr):
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_group_state(self, p: Tensor, grad: Tensor) -> dict[str, Any]:
        state = self.state[p]
        if not state:
            state["step"] = tensor(0.0, dtype=D.float32)
            if grad.dim() > 1:
                row_shape = list(grad.shape)
                row_shape[-1] = 1
                col_shape = list(grad.shape)
                col_shape[-2] = 1
                state["row_var"] = zeros(row_shape, dtype=grad.dtype, device=grad.device)
                state["col_var"] = zeros(col_shape, dtype=grad.dtype, device=grad.device)
            else:
                state["variance"] = zeros(grad.shape, dtype=grad.dtype, device=grad.device)
        return state

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adafactor step over every param group; returns the closure's loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta2_decay, d = group["beta2_decay"], group["d"]
            eps1, eps2 = group["eps"]
            wd, maximize = group["weight_decay"], group["maximize"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.is_complex():
                    raise RuntimeError("Adafactor does not support complex parameters")
                if p.grad.is_sparse:
                    raise RuntimeError("Adafactor does not support sparse gradients")
                grad = -p.grad if maximize else p.grad
                state = self._init_group_state(p, grad)
                state["step"] += 1
                t = float(state["step"].item())
                e1 = _finfo_eps(p.dtype) if eps1 is None else eps1
                one_minus_beta2 = t ** beta2_decay
                rho = min(lr, 1 / (t ** 0.5))
                alpha = max(eps2, p.norm(2).item() / (p.numel() ** 0.5)) * rho
                if wd != 0:
                    p.mul_(1 - lr * wd)
                if grad.dim() > 1:
                    row_var, col_var = state["row_var"], state["col_var"]
                    row_mean = grad.norm(dim=-1, keepdim=True).square_().div_(grad.size(-1))
                    row_var.lerp_(row_mean, one_minus_beta2)
                    col_mean = grad.norm(dim=-2, keepdim=True).square_().div_(grad.size(-2))
                    col_var.lerp_(col_mean, one_minus_beta2)
                    var_estimate = row_var @ col_var
                    var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=e1))
                else:
                    variance = state["variance"]
                    variance.lerp_(grad * grad, one_minus_beta2)
                    var_estimate = variance.clone()
                update = var_estimate.clamp_(min=e1 * e1).rsqrt_()
                update.mul_(grad)
                denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
                p.add_(update, alpha=-alpha / denom)
        return loss
