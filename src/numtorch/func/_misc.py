"""``functionalize``, ``debug_unwrap`` and ``replace_all_batch_norm_modules_``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._tensor import Tensor


def functionalize(func: Callable, *, remove: str = "mutations") -> Callable:
    """``torch.func.functionalize``: ``func`` with mutations removed from its program. numtorch
    runs eagerly with no separate graph to rewrite, so the returned function computes what
    ``func`` does, mutations of its inputs included (what torch's version also shows)."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument for "
                           f"remove={remove}. Valid options are:\n     remove='mutations': all "
                           "inplace and out= operators will be removed from the program, and "
                           "replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all aliasing "
                           "operators {view} will be replaced with their non-aliasing "
                           "counterparts, {view}_copy.\n")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapped


def debug_unwrap(tensor: Tensor, *, recurse: bool = True) -> Tensor:
    """``torch.func.debug_unwrap``: the tensor under a ``vmap`` wrapper (all levels when
    ``recurse``), for debugging."""
    from .._functorch.batched import BatchedTensor

    if tensor.__class__ is not BatchedTensor:
        return tensor
    if not recurse:
        return tensor._inner
    while tensor.__class__ is BatchedTensor:
        tensor = tensor._inner
    return tensor


def replace_all_batch_norm_modules_(root: Any) -> Any:
    """``torch.func.replace_all_batch_norm_modules_``: stop every batch norm under ``root`` from
    tracking running statistics (in place), so it can run under ``vmap``."""
    from ..nn.modules.batchnorm import _BatchNorm

    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root
