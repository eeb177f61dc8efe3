"""``DistributedDataParallel``: data-parallel training over the ranks of a process group."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ...autograd import grad_mode
from ..modules.module import Module
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]


def _broadcast_coalesced(pg, tensors: list, root: int = 0) -> None:
    """Copy rank ``root``'s values of ``tensors`` everywhere: one broadcast per dtype."""
    by_dtype: dict = {}
    for t in tensors:
        by_dtype.setdefault(t._data.dtype, []).append(t)
    for group in by_dtype.values():  # same insertion order on every rank (same model)
        flat = np.concatenate([t._data.reshape(-1) for t in group])
        pg._comm.Bcast(flat, root)
        if pg.rank() != root:
            off = 0
            for t in group:
                n = t._data.size
                t._data[...] = flat[off:off + n].reshape(t._data.shape)
                t._bump_version()
                off += n


def _verify_same_model(pg, params: list) -> None:
    """PyTorch's check that every rank wraps a model with the same parameter shapes."""
    shapes = [tuple(p._data.shape) + (p._data.dtype.str,) for p in params]
    everyone = pg._comm.allgather(shapes)
    me = pg.rank()
    for other, theirs in enumerate(everyone):
        if len(theirs) != len(shapes):
            raise RuntimeError(f"DDP expects same model across all ranks, but Rank {me} has "
                               f"{len(shapes)} params, while rank {other} has inconsistent "
                               f"{len(theirs)} params.")
    for other, theirs in enumerate(everyone):
        for i, (a, b) in enumerate(zip(shapes, theirs)):
            if a != b:
                raise RuntimeError(f"params[{i}] in this process with sizes {list(a[:-1])} "
                                   f"({np.dtype(a[-1]).name}) appears not to match sizes of the "
                                   f"same param in process {other} ({list(b[:-1])}, "
                                   f"{np.dtype(b[-1]).name}).")


class DistributedDataParallel(Module):
    """Wrap ``module`` so that backward averages its gradients across ranks (PyTorch's DDP).

    At construction rank 0's parameters and buffers are broadcast to every rank; each forward
    (in grad mode, outside ``no_sync()``) arms bucketed all-reduces that run during backward.
    ``broadcast_buffers`` re-broadcasts rank 0's buffers before every forward. With
    ``find_unused_parameters`` the graph of the forward's outputs is searched for parameters that
    will get no gradient; their slots are marked ready at once (and parameters unused on every
    rank keep their ``.grad``). ``device_ids``, ``output_device``, ``gradient_as_bucket_view``
    and ``static_graph`` are accepted for compatibility and do not change the result.
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers: bool = True, init_sync: bool = True, process_group=None,
                 bucket_cap_mb: float | None = None, find_unused_parameters: bool = False,
                 check_reduction: bool = False, gradient_as_bucket_view: bool = False,
                 static_graph: bool = False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params: bool = False) -> None:
        super().__init__()
        from ...distributed.distributed_c10d import _resolve

        self.module = module
        ignore = getattr(module, "_ddp_params_and_buffers_to_ignore", ())
        self.parameters_to_ignore = set(ignore)
        named = [(n, p) for n, p in module.named_parameters()
                 if n not in self.parameters_to_ignore]
        trainable = [p for _, p in named if p.requires_grad]
        if not trainable:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have "
                               "any parameter that requires a gradient.")
        self.process_group = _resolve(process_group)
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        pg = self.process_group
        self._module_buffers = [b for n, b in module.named_buffers()
                                if b is not None and n not in self.parameters_to_ignore]
        if init_sync and pg.size() > 1:
            _verify_same_model(pg, trainable)
            with grad_mode.no_grad():
                _broadcast_coalesced(pg, [p for _, p in named] + self._module_buffers)
        self.reducer = Reducer(trainable, pg, self.bucket_bytes_cap, find_unused_parameters)

    def forward(self, *inputs, **kwargs):
        pg = self.process_group
        if self.broadcast_buffers and self._module_buffers and pg.size() > 1:
            with grad_mode.no_grad():
                _broadcast_coalesced(pg, self._module_buffers)
        output = self.module(*inputs, **kwargs)
        if grad_mode.is_grad_enabled() and self.require_backward_grad_sync:
            self.reducer.prepare(output)
        return output

    @contextmanager
    def no_sync(self):
        """Accumulate gradients locally inside the block; the next synced backward averages."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old
