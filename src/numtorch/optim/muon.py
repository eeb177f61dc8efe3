"""``torch.optim.Muon``: momentum SGD whose update is orthogonalised by a quintic
Newton-Schulz iteration, for 2-D parameters; decoupled weight decay and a shape-dependent lr
scale ("original": ``sqrt(max(1, rows/cols))``, "match_rms_adamw": ``0.2 * sqrt(max(rows,
cols))``).

As in PyTorch, the iteration runs on bfloat16 tensors: numtorch's bfloat16 products accumulate
in float32 and round once, like PyTorch's CPU kernels, so the updates agree to bfloat16 rounding
of differently ordered sums.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .. import _dtype as D
from .._ops.creation import zeros_like
from .._ops.linalg import addmm
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _eval_closure, _scalar

__all__ = ["Muon"]

_ADJUST_LR_FNS = ("original", "match_rms_adamw")


def _orthogonalize(grad: Tensor, coefficients: tuple, steps: int, eps: float) -> Tensor:
    """Approximate ``U V^T`` of ``grad = U S V^T`` by ``steps`` Newton-Schulz iterations in
    bfloat16 (torch's ``_zeropower_via_newtonschulz``; like torch, a bfloat16 ``grad`` is
    normalised in place)."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.dim() != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    x = grad.to(D.bfloat16)
    tall = grad.size(0) > grad.size(1)
    if tall:
        x = x.T
    x.div_(x.norm().clamp(min=eps))
    for _ in range(steps):
        gram = x @ x.T
        poly = addmm(gram, gram, gram, beta=b, alpha=c)
        x = addmm(x, poly, x, beta=a)
    return x.T if tall else x


def _adjusted_lr(lr: float, fn: str | None, shape) -> float:
    rows, cols = shape[:2]
    if fn is None or fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    return 0.2 * lr * math.sqrt(max(rows, cols))


class Muon(Optimizer):
    """Muon with PyTorch's defaults, ``momentum_buffer`` state and update order."""

    def __init__(self, params, lr: float = 1e-3, weight_decay: float = 0.1,
                 momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
                 eps: float = 1e-07, ns_steps: int = 5, adjust_lr_fn: str | None = None) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= _scalar(lr):
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in _ADJUST_LR_FNS:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                    "nesterov": nesterov, "ns_coefficients": ns_coefficients, "eps": eps,
                    "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Muon step over every param group; returns the closure's loss."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            wd, momentum = group["weight_decay"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.is_complex():
                    raise RuntimeError("Muon does not support complex parameters")
                if p.grad.is_sparse:
                    raise RuntimeError("Muon does not support sparse gradients")
                grad = p.grad
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = zeros_like(grad)
                buf = state["momentum_buffer"]
                buf.lerp_(grad, 1 - momentum)
                update = grad.lerp(buf, momentum) if group["nesterov"] else buf
                update = _orthogonalize(update, group["ns_coefficients"], group["ns_steps"],
                                        group["eps"])
                p.mul_(1 - lr * wd)
                p.add_(update, alpha=-_adjusted_lr(lr, group["adjust_lr_fn"], p.shape))
        return loss
