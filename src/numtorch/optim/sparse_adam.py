"""``torch.optim.SparseAdam``: argument checks and errors only (numtorch has no sparse grads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from .optimizer import Optimizer, _check_betas, _eval_closure

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """SparseAdam's constructor checks and torch's error for dense gradients.

    numtorch tensors are always dense, so ``step`` with a gradient raises torch's
    ``RuntimeError`` suggesting Adam, exactly as torch does for a dense gradient.
    """

    def __init__(self, params, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 maximize: bool = False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize})
        complex_params = [[i, j] for i, group in enumerate(self.param_groups)
                          for j, p in enumerate(group["params"]) if p.is_complex()]
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not "
                             "support complex parameters")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Raise torch's error for the (always dense) gradients; no-op when none is set."""
        loss = _eval_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if not p._grad.is_sparse:
                        raise RuntimeError("SparseAdam does not support dense gradients, please "
                                           "consider Adam instead")
                    raise NotImplementedError("sparse gradients are not supported by numtorch")
        return loss
