"""DDP's gradient reducer: buckets of flattened gradients, each all-reduced once it fills.

Parameters are put into buckets in reverse registration order (roughly the order backward
produces their gradients), one dtype per bucket, the first capped at 1 MiB and the rest at
``bucket_cap_mb``, as PyTorch's reducer does. A hook on each parameter copies its (accumulated)
gradient, pre-divided by the world size, into its bucket slot; a full bucket starts a
non-blocking ``MPI_Iallreduce`` (in bucket order on every rank, so the collectives match) while
backward goes on. The hook of the last expected gradient waits for all buckets and writes the
averages into ``.grad``.
"""

from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...autograd.graph import AccumulateGrad

FIRST_BUCKET_BYTES = 1024 * 1024

UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This "
    "error indicates that your module has parameters that were not used in producing loss. You "
    "can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by \n"
    "making sure all `forward` function outputs participate in calculating loss. \n"
    "If you already have done the above, then the distributed data parallel module wasn't able "
    "to locate the output tensors in the return value of your module's `forward` function. "
    "Please include the loss function and the structure of the return value of `forward` of "
    "your module when reporting this issue (e.g. list, dict, iterable).\n"
    "Parameter indices which did not receive grad for rank {rank}: {indices}\n"
    " In addition, you can set the environment variable TORCH_DISTRIBUTED_DEBUG to either INFO "
    "or DETAIL to print out information about which particular parameters did not receive "
    "gradient on this rank as part of this error")


class _Bucket:
    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype
        self.members: list[int] = []  # indices into Reducer.params
        self.offsets: list[int] = []
        self.numel = 0
        self.flat: np.ndarray | None = None
        self.pending = 0
        self.request = None

    def add(self, index: int, numel: int) -> None:
        self.members.append(index)
        self.offsets.append(self.numel)
        self.numel += numel


class Reducer:
    """Averages the gradients of ``params`` across ``pg`` during backward."""

    def __init__(self, params: list, pg, bucket_cap_bytes: int, find_unused: bool) -> None:
        self.params = params
        self.pg = pg
        self.world = pg.size()
        self.find_unused = find_unused
        self.buckets = self._assign(bucket_cap_bytes)
        self.slot = {}
        for b in self.buckets:
            b.flat = np.zeros(b.numel, b.dtype)
            for i, off in zip(b.members, b.offsets):
                self.slot[i] = (b, off, params[i]._data.size)
        self.expecting = False
        self.started = False
        self.remaining = 0
        self.next_bucket = 0
        self.ready = np.zeros(len(params), bool)
        self.handles = [p.register_hook(self._hook_for(i)) for i, p in enumerate(params)]

    def _assign(self, cap: int) -> list[_Bucket]:
        buckets: list[_Bucket] = []
        open_by_dtype: dict = {}
        for i in reversed(range(len(self.params))):
            arr = self.params[i]._data
            b = open_by_dtype.get(arr.dtype)
            limit = FIRST_BUCKET_BYTES if not buckets or b is buckets[0] else cap
            if b is None or (b.numel and (b.numel + arr.size) * arr.itemsize > limit):
                b = _Bucket(arr.dtype)
                buckets.append(b)
                open_by_dtype[arr.dtype] = b
            b.add(i, arr.size)
        return buckets

    def remove_hooks(self) -> None:
        for h in self.handles:
            h.remove()

    # -- per iteration ------------------------------------------------------------------------
    def prepare(self, outputs) -> None:
        """Arm the hooks for the backward of this forward's ``outputs``."""
        if self.world == 1:
            return  # averaging over one rank changes nothing
        if self.expecting and self.started:
            missing = " ".join(str(i) for i in np.flatnonzero(~self.ready))
            raise RuntimeError(UNFINISHED.format(rank=self.pg.rank(), indices=missing))
        self.expecting = True
        self.started = False
        self.next_bucket = 0
        self.ready[:] = False
        self.remaining = len(self.params)
        for b in self.buckets:
            b.pending = len(b.members)
            b.request = None
        self.used = np.ones(len(self.params), np.uint8)
        if self.find_unused:
            reached = _reachable_leaves(outputs)
            for i, p in enumerate(self.params):
                if id(p) not in reached:
                    self.used[i] = 0
                    self._mark_ready(i, None)
            if self.remaining == 0:
                self._finish(None)

    def _hook_for(self, i: int):
        def hook(grad):
            if not self.expecting or self.ready[i]:
                return None
            self.started = True
            self._mark_ready(i, grad._data)
            if self.remaining == 0:
                return self._finish(i)
            return None
        return hook

    def _mark_ready(self, i: int, grad: np.ndarray | None) -> None:
        b, off, n = self.slot[i]
        p = self.params[i]
        dst = b.flat[off:off + n].reshape(p._data.shape)  # a view: written without a temporary
        old = p._grad
        if grad is None:
            dst[...] = 0 if old is None else old._data
        elif old is None:
            dst[...] = grad
        else:
            np.add(old._data, grad, out=dst)
        self.ready[i] = True
        self.remaining -= 1
        b.pending -= 1
        if b.pending == 0:
            self._launch_ready()
        elif self.next_bucket:
            self._progress()

    def _launch_ready(self) -> None:
        from mpi4py import MPI

        while self.next_bucket < len(self.buckets):
            b = self.buckets[self.next_bucket]
            if b.pending:
                break
            if self.world > 1:
                if b.dtype.kind in "fcV":
                    b.flat /= self.world
                b.request = self.pg._comm.Iallreduce(MPI.IN_PLACE, b.flat, MPI.SUM)
            self.next_bucket += 1

    def _progress(self) -> None:
        """Let MPI move the started all-reduces on (MPICH progresses only inside MPI calls)."""
        from mpi4py import MPI

        reqs = [b.request for b in self.buckets[:self.next_bucket] if b.request is not None]
        if reqs:
            MPI.Request.Testall(reqs)

    def _finish(self, current: int | None):
        """Wait for every bucket and write the averaged gradients into ``.grad``."""
        from mpi4py import MPI

        from ...distributed._work import wait_requests

        self._launch_ready()
        used = self.used
        if self.find_unused and self.world > 1:
            used = np.empty_like(self.used)
            self.pg._comm.Allreduce(self.used, used, MPI.MAX)
        wait_requests([b.request for b in self.buckets if b.request is not None],
                      self.pg._timeout, "DistributedDataParallel's gradient all-reduce")
        result = None
        for b in self.buckets:
            b.request = None
            for i, off in zip(b.members, b.offsets):
                if not used[i]:
                    continue  # unused on every rank: .grad stays as it was
                p = self.params[i]
                avg = b.flat[off:off + p._data.size].reshape(p._data.shape)
                if i == current:
                    # the engine accumulates this hook's return value into .grad after we return
                    if p._grad is None:
                        result = Tensor._from_array(avg.copy())
                    else:
                        p._grad._data[...] = avg
                        p._grad._bump_version()
                        result = Tensor._from_array(np.zeros_like(avg))
                elif p._grad is None:
                    p._grad = Tensor._from_array(avg.copy())
                else:
                    p._grad._data[...] = avg
                    p._grad._bump_version()
        self.expecting = False
        self.started = False
        return result


def _collect_tensors(obj, out: list) -> None:
    if isinstance(obj, Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple, set)):
        for o in obj:
            _collect_tensors(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _collect_tensors(o, out)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            _collect_tensors(getattr(obj, name), out)


def _reachable_leaves(outputs) -> set:
    """ids of the leaf tensors whose gradients backward from ``outputs`` can reach."""
    tensors: list = []
    _collect_tensors(outputs, tensors)
    seen: set = set()
    leaves: set = set()
    stack = []
    for t in tensors:
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t._requires_grad:
            leaves.add(id(t))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            leaves.add(id(node.variable))
            continue
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) not in seen:
                stack.append(nxt)
    return leaves
