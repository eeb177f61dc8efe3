"""``torch.optim.swa_utils``: stochastic weight averaging and exponential moving averages of a
model's parameters (``AveragedModel``), the SWA learning-rate schedule (``SWALR``) and the
batch-norm statistics refresh (``update_bn``)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any, Literal

from .. import _dtype as D
from .._ops.creation import tensor
from .._tensor import Tensor
from ..autograd import grad_mode
from ..nn.modules.batchnorm import _BatchNorm
from ..nn.modules.module import Module
from .lr_scheduler import LRScheduler
from .optimizer import Optimizer

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]

PARAM_LIST = tuple[Tensor, ...] | list[Tensor]


def _averages_in_place(params: PARAM_LIST) -> bool:
    return params[0].is_floating_point() or params[0].is_complex()


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """A list-wise EMA update: ``ema = lerp(ema, current, 1 - decay)`` in place."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")

    @grad_mode.no_grad()
    def ema_update(ema_param_list: PARAM_LIST, current_param_list: PARAM_LIST,
                   _num_averaged) -> None:
        if _averages_in_place(ema_param_list):
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.lerp_(p_model, 1 - decay)
        else:
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """A list-wise running mean: ``avg += (current - avg) / (n + 1)`` in place."""

    @grad_mode.no_grad()
    def swa_update(averaged_param_list: PARAM_LIST, current_param_list: PARAM_LIST,
                   num_averaged) -> None:
        if _averages_in_place(averaged_param_list):
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg.lerp_(p_model, 1 / (num_averaged + 1))
        else:
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                diff = p_model - p_avg
                if isinstance(num_averaged, Tensor):
                    p_avg.addcdiv_(diff, num_averaged + 1)
                else:
                    p_avg.add_(diff, alpha=1.0 / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """A per-tensor EMA: returns ``decay * ema + (1 - decay) * current``."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")

    @grad_mode.no_grad()
    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged) -> Tensor:
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable:
    """A per-tensor running mean: returns ``avg + (current - avg) / (n + 1)``."""

    @grad_mode.no_grad()
    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged) -> Tensor:
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A deep copy of ``model`` whose parameters (and buffers, with ``use_buffers``) hold a
    running average of the model's; SWA (equal weights) unless ``avg_fn``/``multi_avg_fn`` say
    otherwise. ``n_averaged`` is a buffer counting the updates."""

    n_averaged: Tensor

    def __init__(self, model: Module, device=None,
                 avg_fn: Callable[[Tensor, Tensor, Tensor | int], Tensor] | None = None,
                 multi_avg_fn: Callable[[PARAM_LIST, PARAM_LIST, Tensor | int], None]
                 | None = None,
                 use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=D.int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _averaged_tensors(self, module: Module) -> Iterable[Tensor]:
        if self.use_buffers:
            return itertools.chain(module.parameters(), module.buffers())
        return module.parameters()

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current values into the average (the first call copies them)."""
        own = list(self._averaged_tensors(self.module))
        other = list(self._averaged_tensors(model))
        first = int(self.n_averaged.item()) == 0
        mine, theirs = [], []
        for p_avg, p_model in zip(own, other):
            current = p_model.detach().to(p_avg.device)
            mine.append(p_avg.detach())
            theirs.append(current)
            if first:
                p_avg.detach().copy_(current)
        if not first:
            if self.multi_avg_fn is not None or self.avg_fn is None:
                groups: dict = {}
                for a, b in zip(mine, theirs):
                    avg_list, cur_list = groups.setdefault((a.device.type, str(a.dtype)),
                                                           ([], []))
                    avg_list.append(a)
                    cur_list.append(b)
                for avg_list, cur_list in groups.values():
                    n = self.n_averaged.to(avg_list[0].device)
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(avg_list, cur_list, n)
                    else:
                        # on the CPU torch uses the per-tensor SWA mean (no foreach kernels)
                        fn = get_swa_avg_fn()
                        for a, b in zip(avg_list, cur_list):
                            a.copy_(fn(a, b, n))
            else:
                for a, b in zip(mine, theirs):
                    n = self.n_averaged.to(a.device)
                    a.detach().copy_(self.avg_fn(a.detach(), b, n))
        if not self.use_buffers:
            # buffers are not averaged: they follow the source model
            with grad_mode.no_grad():
                for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                    b_avg.detach().copy_(b_model.detach().to(b_avg.device))
        with grad_mode.no_grad():
            self.n_averaged += 1


@grad_mode.no_grad()
def update_bn(loader: Iterable[Any], model: Module, device=None) -> None:
    """Recompute every batch norm's running statistics with one pass over ``loader`` (a
    cumulative average: momentum ``None`` during the pass), as ``torch.optim.swa_utils``."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's lr to its ``swa_lr`` over ``anneal_epochs`` steps (cosine or
    linear), then holds it (``torch.optim.swa_utils.SWALR``)."""

    def __init__(self, optimizer: Optimizer, swa_lr: float, anneal_epochs: int = 10,
                 anneal_strategy: Literal["cos", "linear"] = "cos",
                 last_epoch: int = -1) -> None:
        from ._schedulers.base import _format_param

        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """The annealing curve in [0, 1] at progress ``t``."""
        if self._anneal_strategy == "cos":
            return self._cosine_anneal(t)
        return self._linear_anneal(t)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        from ._schedulers.base import _warn_get_lr_outside_step

        _warn_get_lr_outside_step(self)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / span)))
        groups = self.optimizer.param_groups
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        alpha = self.anneal_func(max(0, min(1, step / span)))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]
