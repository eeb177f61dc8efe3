"""``torch.optim.swap_in_optimizer_params_and_state``: run optimizer APIs against other
parameter tensors and an explicit state dict, restoring the live optimizer afterwards."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from .._tensor import Tensor
from .optimizer import Optimizer

__all__ = ["swap_in_optimizer_params_and_state"]


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer: Optimizer,
                                       swapin_parameters: dict[str, Tensor],
                                       swapin_optim_state: dict[str, Any]) -> Iterator[None]:
    """Inside the context the optimizer's groups hold ``swapin_parameters`` (in parameter
    order) with the hyperparameters and per-parameter state of ``swapin_optim_state`` (a
    ``state_dict()``-shaped dict whose state dicts are used as they are, so in-place edits
    reach them); on exit the live parameters, groups and state come back."""
    new_params = list(swapin_parameters.values())
    groups = optimizer.param_groups
    saved_groups = [dict(group) for group in groups]
    n_live = sum(len(group["params"]) for group in groups)
    packed_groups = swapin_optim_state.get("param_groups", [])
    if len(new_params) != n_live or len(packed_groups) != len(groups) or any(
            len(g["params"]) != len(sg["params"]) for g, sg in zip(groups, packed_groups)):
        raise RuntimeError("swap_in_optimizer_params_and_state requires the explicit parameter "
                           "state to match optimizer.param_groups ordering.")
    packed_state = swapin_optim_state.get("state", {})
    saved_state = optimizer.state
    new_state: defaultdict = defaultdict(dict)
    for group, packed in zip(groups, packed_groups):
        params = [new_params[pid] for pid in packed["params"]]
        group.update({k: v for k, v in packed.items() if k != "params"})
        group["params"] = params
        for pid, param in zip(packed["params"], params):
            if pid in packed_state:
                new_state[param] = packed_state[pid]
    optimizer.state = new_state
    try:
        yield
    finally:
        for group, saved in zip(groups, saved_groups):
            group.clear()
            group.update(saved)
        optimizer.state = saved_state
