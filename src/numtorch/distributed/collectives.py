"""Tensor collectives and point-to-point ops on MPI, in place on tensors as PyTorch's are.

Every collective first checks, with one small all-gather, that all ranks of the group passed
tensors of the same shape and dtype (and the same op and root): a mismatch raises the same clear
``RuntimeError`` on every rank instead of corrupting data or hanging. An argument error found on
one rank (a missing ``gather_list``, say) is raised there and reported on the other ranks too.
"""

from __future__ import annotations

import zlib

import numpy as np

from .._tensor import Tensor
from . import _mpi
from ._reduce_op import ReduceOp, as_red_op
from ._work import Work, wait_requests, wait_until
from .distributed_c10d import ProcessGroup, _not_in_group, _resolve, _warn_not_in_group

__all__ = ["all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor",
           "reduce_scatter", "reduce_scatter_tensor", "gather", "scatter", "all_to_all_single",
           "send", "recv", "isend", "irecv", "barrier"]


# -- helpers ------------------------------------------------------------------------------------
def _check_tensor(t, name: str) -> np.ndarray:
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"torch.Tensor\n             but got {type(t)} instead.")
    return t._data


def _describe(arr: np.ndarray) -> str:
    return f"{arr.dtype.name} tensor of shape {list(arr.shape)}"


def _buffer(t: Tensor) -> np.ndarray:
    """A C-contiguous array MPI can read or write: the tensor's own, or a copy of it."""
    a = t._data
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _store(t: Tensor, buf: np.ndarray) -> None:
    """Make ``buf``'s values the tensor's (in place) and bump its version counter."""
    if buf is not t._data:
        t._data[...] = buf.reshape(t._data.shape)
    t._bump_version()


def _agree(pg: ProcessGroup, what: str, desc: str, error: BaseException | None = None) -> None:
    """Raise on every rank unless all ranks of ``pg`` passed the same ``desc`` and no error."""
    key = "error" if error is not None else desc
    if pg.size() > 1:
        mine = np.array([zlib.crc32(key.encode())], np.int64)
        all_keys = np.empty(pg.size(), np.int64)
        wait_requests([pg._comm.Iallgather(mine, all_keys)], pg._timeout, what,
                      ranks=pg._ranks)
        agreed = bool((all_keys == all_keys[0]).all())
    else:
        agreed = True
    if error is not None:
        if agreed or pg.size() == 1:
            raise error
        pg._comm.allgather(f"{type(error).__name__}: {error}")
        raise error
    if agreed:
        return
    reports = pg._comm.allgather(desc)
    lines = []
    for grank, rep in zip(pg._ranks, reports):
        lines.append(f"  rank {grank}: {rep}")
    raise RuntimeError(f"{what}: the ranks of the group called it with different arguments "
                       "(every rank must pass tensors of the same shape and dtype, and the same "
                       "op and root):\n" + "\n".join(lines))


def _agree_or_raise(pg: ProcessGroup, what: str, check) -> str:
    """Run the local ``check`` (returns the description); share its error with the group."""
    try:
        desc = check()
    except (ValueError, RuntimeError, TypeError, IndexError) as e:
        _agree(pg, what, "", e)
        raise
    _agree(pg, what, desc)
    return desc


def _root(pg: ProcessGroup, global_rank, group_rank, what: str) -> int:
    if group_rank is not None:
        if global_rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
        r = int(group_rank)
    else:
        if global_rank is None:
            raise ValueError("Must specify global_rank or group_rank")
        from .distributed_c10d import GroupMember

        r = int(global_rank) if pg is GroupMember.WORLD else pg._group_rank(int(global_rank))
    if not 0 <= r < pg.size():
        raise RuntimeError(f"{what}: invalid root rank: {r}")
    return r


def _run(pg: ProcessGroup, async_op: bool, nonblocking, finish, what: str, tensors: list):
    """Run one MPI operation: started now, and finished here or by ``Work.wait``."""
    if async_op:
        return Work(nonblocking(), finish, pg._timeout, what, tensors, ranks=pg._ranks)
    wait_requests(nonblocking(), pg._timeout, what, ranks=pg._ranks)
    finish()
    return None


def _reduce_setup(tensor_arr: np.ndarray, op):
    op = as_red_op(op)
    MPI = _mpi.load()
    _mpi.check_avg(op, tensor_arr.dtype)
    return op, MPI, _mpi.mpi_op(MPI, op, tensor_arr.dtype)


# -- collectives --------------------------------------------------------------------------------
def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group: ProcessGroup | None = None,
               async_op: bool = False):
    """Reduce ``tensor`` across the group; every rank gets the result in place."""
    arr = _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("all_reduce")
        return None
    pg = _resolve(group)
    state = {}

    def check():
        state["op"], MPI, state["mop"] = _reduce_setup(arr, op)
        return f"{_describe(arr)}, op {state['op'].name}"

    _agree_or_raise(pg, "all_reduce", check)
    MPI = _mpi.load()
    buf, n = _buffer(tensor), pg.size()

    def finish():
        if state["op"] is ReduceOp.AVG:
            _mpi.finish_avg(buf, n)
        _store(tensor, buf)

    return _run(pg, async_op, lambda: [pg._comm.Iallreduce(MPI.IN_PLACE, buf, state["mop"])],
                finish, "all_reduce", [tensor])


def broadcast(tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None,
              async_op: bool = False, group_src: int | None = None):
    """Copy ``src``'s tensor into ``tensor`` on every rank of the group."""
    arr = _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("broadcast")
        return None
    pg = _resolve(group)
    state = {}

    def check():
        state["root"] = _root(pg, src, group_src, "broadcast")
        return f"{_describe(arr)}, root {state['root']}"

    _agree_or_raise(pg, "broadcast", check)
    root, buf = state["root"], _buffer(tensor)
    is_root = pg.rank() == root

    def finish():
        if not is_root:
            _store(tensor, buf)

    return _run(pg, async_op, lambda: [pg._comm.Ibcast(buf, root)], finish, "broadcast", [tensor])


def reduce(tensor: Tensor, dst: int | None = None, op=ReduceOp.SUM,
           group: ProcessGroup | None = None, async_op: bool = False,
           group_dst: int | None = None):
    """Reduce ``tensor`` across the group into ``dst``'s tensor (others keep theirs)."""
    arr = _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("reduce")
        return None
    pg = _resolve(group)
    state = {}

    def check():
        state["op"], _, state["mop"] = _reduce_setup(arr, op)
        state["root"] = _root(pg, dst, group_dst, "reduce")
        return f"{_describe(arr)}, op {state['op'].name}, root {state['root']}"

    _agree_or_raise(pg, "reduce", check)
    MPI = _mpi.load()
    root, buf, n = state["root"], _buffer(tensor), pg.size()
    is_root = pg.rank() == root
    send = MPI.IN_PLACE if is_root else buf
    recv = buf if is_root else None

    def finish():
        if is_root:
            if state["op"] is ReduceOp.AVG:
                _mpi.finish_avg(buf, n)
            _store(tensor, buf)

    return _run(pg, async_op, lambda: [pg._comm.Ireduce(send, recv, state["mop"], root)],
                finish, "reduce", [tensor])


def _check_list(tensors, n: int, like: np.ndarray, what: str, name: str) -> None:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"Invalid function argument: {name} should be a list of tensors")
    if len(tensors) != n:
        raise RuntimeError(f"{what}: {name} has {len(tensors)} tensors, expected {n} (one per "
                           "rank of the group)")
    for i, t in enumerate(tensors):
        a = _check_tensor(t, name)
        if a.shape != like.shape or a.dtype != like.dtype:
            raise RuntimeError(f"{what}: {name}[{i}] is a {_describe(a)}, expected a "
                               f"{_describe(like)} like the input")


def all_gather(tensor_list: list, tensor: Tensor, group: ProcessGroup | None = None,
               async_op: bool = False):
    """Every rank's ``tensor`` into ``tensor_list[rank]``, on every rank."""
    arr = _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("all_gather")
        return None
    pg = _resolve(group)
    n = pg.size()

    def check():
        _check_list(tensor_list, n, arr, "all_gather", "tensor_list")
        return _describe(arr)

    _agree_or_raise(pg, "all_gather", check)
    send = _buffer(tensor)
    out = np.empty((n,) + arr.shape, arr.dtype)

    def finish():
        for t, part in zip(tensor_list, out):
            t._data[...] = part
            t._bump_version()

    return _run(pg, async_op, lambda: [pg._comm.Iallgather(send, out)], finish, "all_gather",
                list(tensor_list))


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor,
                           group: ProcessGroup | None = None, async_op: bool = False):
    """Rank-major concatenation (dim 0) or stack of every rank's input into ``output_tensor``."""
    out_arr = _check_tensor(output_tensor, "output_tensor")
    in_arr = _check_tensor(input_tensor, "input_tensor")
    if _not_in_group(group):
        _warn_not_in_group("all_gather_into_tensor")
        return None
    pg = _resolve(group)
    n = pg.size()

    def check():
        if out_arr.dtype != in_arr.dtype:
            raise RuntimeError("all_gather_into_tensor: output and input tensors must have the "
                               f"same dtype, got {out_arr.dtype.name} and {in_arr.dtype.name}")
        if out_arr.size != n * in_arr.size:
            raise RuntimeError("all_gather_into_tensor: output tensor size must be equal to "
                               f"world_size times input tensor size (output {list(out_arr.shape)}"
                               f", input {list(in_arr.shape)}, world_size {n})")
        return f"{_describe(in_arr)} into {list(out_arr.shape)}"

    _agree_or_raise(pg, "all_gather_into_tensor", check)
    send, out = _buffer(input_tensor), _buffer(output_tensor)

    return _run(pg, async_op, lambda: [pg._comm.Iallgather(send, out)],
                lambda: _store(output_tensor, out), "all_gather_into_tensor", [output_tensor])


def reduce_scatter_tensor(output: Tensor, input: Tensor, op=ReduceOp.SUM,
                          group: ProcessGroup | None = None, async_op: bool = False):
    """Reduce ``input`` across ranks; rank r keeps the r-th of ``world_size`` equal chunks."""
    out_arr = _check_tensor(output, "output")
    in_arr = _check_tensor(input, "input")
    if _not_in_group(group):
        _warn_not_in_group("reduce_scatter_tensor")
        return None
    pg = _resolve(group)
    n = pg.size()
    state = {}

    def check():
        state["op"], _, state["mop"] = _reduce_setup(in_arr, op)
        if out_arr.dtype != in_arr.dtype:
            raise RuntimeError("reduce_scatter_tensor: output and input tensors must have the "
                               f"same dtype, got {out_arr.dtype.name} and {in_arr.dtype.name}")
        if in_arr.size != n * out_arr.size:
            raise RuntimeError("reduce_scatter_tensor: input tensor size must be equal to "
                               f"world_size times output tensor size (input {list(in_arr.shape)}"
                               f", output {list(out_arr.shape)}, world_size {n})")
        return f"{_describe(in_arr)} into {list(out_arr.shape)}, op {state['op'].name}"

    _agree_or_raise(pg, "reduce_scatter_tensor", check)
    send, out = _buffer(input), _buffer(output)

    def finish():
        if state["op"] is ReduceOp.AVG:
            _mpi.finish_avg(out, n)
        _store(output, out)

    return _run(pg, async_op, lambda: [pg._comm.Ireduce_scatter_block(send, out, state["mop"])],
                finish, "reduce_scatter_tensor", [output])


def reduce_scatter(output: Tensor, input_list: list, op=ReduceOp.SUM,
                   group: ProcessGroup | None = None, async_op: bool = False):
    """Reduce ``input_list[r]`` across ranks into rank r's ``output``."""
    out_arr = _check_tensor(output, "output")
    if _not_in_group(group):
        _warn_not_in_group("reduce_scatter")
        return None
    pg = _resolve(group)
    n = pg.size()
    try:
        _check_list(input_list, n, out_arr, "reduce_scatter", "input_list")
        stacked = Tensor._from_array(np.stack([t._data for t in input_list]))
    except (RuntimeError, TypeError) as e:
        _agree(pg, "reduce_scatter", "", e)
        raise
    return reduce_scatter_tensor(output, stacked, op, group, async_op)


def gather(tensor: Tensor, gather_list: list | None = None, dst: int | None = None,
           group: ProcessGroup | None = None, async_op: bool = False,
           group_dst: int | None = None):
    """Every rank's ``tensor`` into ``gather_list`` on ``dst``."""
    arr = _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("gather")
        return None
    pg = _resolve(group)
    n = pg.size()
    state = {}

    def check():
        state["root"] = root = _root(pg, dst, group_dst, "gather")
        if pg.rank() == root:
            if not gather_list:
                raise ValueError("Argument ``gather_list`` must be specified on destination "
                                 "rank.")
            _check_list(gather_list, n, arr, "gather", "gather_list")
        elif gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on "
                             "non-destination ranks.")
        return f"{_describe(arr)}, root {root}"

    _agree_or_raise(pg, "gather", check)
    root = state["root"]
    is_root = pg.rank() == root
    send = _buffer(tensor)
    out = np.empty((n,) + arr.shape, arr.dtype) if is_root else None

    def finish():
        if is_root:
            for t, part in zip(gather_list, out):
                t._data[...] = part
                t._bump_version()

    return _run(pg, async_op, lambda: [pg._comm.Igather(send, out, root)], finish, "gather",
                list(gather_list or []))


def scatter(tensor: Tensor, scatter_list: list | None = None, src: int | None = None,
            group: ProcessGroup | None = None, async_op: bool = False,
            group_src: int | None = None):
    """``scatter_list[r]`` on ``src`` into rank r's ``tensor``."""
    arr = _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("scatter")
        return None
    pg = _resolve(group)
    n = pg.size()
    state = {}

    def check():
        state["root"] = root = _root(pg, src, group_src, "scatter")
        if pg.rank() == root:
            if not scatter_list:
                raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
            _check_list(scatter_list, n, arr, "scatter", "scatter_list")
        elif scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                             "ranks.")
        return f"{_describe(arr)}, root {root}"

    _agree_or_raise(pg, "scatter", check)
    root = state["root"]
    is_root = pg.rank() == root
    send = np.stack([t._data for t in scatter_list]) if is_root else None
    out = _buffer(tensor)

    return _run(pg, async_op, lambda: [pg._comm.Iscatter(send, out, root)],
                lambda: _store(tensor, out), "scatter", [tensor])


def all_to_all_single(output: Tensor, input: Tensor, output_split_sizes=None,
                      input_split_sizes=None, group: ProcessGroup | None = None,
                      async_op: bool = False):
    """Rank r sends the r-th dim-0 split of ``input`` to every rank and gathers theirs."""
    out_arr = _check_tensor(output, "output")
    in_arr = _check_tensor(input, "input")
    if _not_in_group(group):
        _warn_not_in_group("all_to_all_single")
        return None
    pg = _resolve(group)
    n = pg.size()
    state = {}

    def splits(sizes, arr, name):
        row = arr[0].size if arr.ndim else 1
        if sizes is None or len(sizes) == 0:
            if arr.shape[0] % n:
                raise RuntimeError(f"all_to_all_single: {name} dim 0 ({arr.shape[0]}) is not "
                                   f"divisible by world_size {n}")
            sizes = [arr.shape[0] // n] * n
        sizes = [int(s) for s in sizes]
        if len(sizes) != n or sum(sizes) != arr.shape[0]:
            raise RuntimeError(f"all_to_all_single: {name} split sizes {sizes} do not split dim "
                               f"0 of size {arr.shape[0]} into {n} parts")
        counts = [s * row for s in sizes]
        return counts, [int(d) for d in np.cumsum([0] + counts[:-1])]

    def check():
        if out_arr.dtype != in_arr.dtype:
            raise RuntimeError("all_to_all_single: output and input tensors must have the same "
                               "dtype")
        state["send"] = splits(input_split_sizes, in_arr, "input")
        state["recv"] = splits(output_split_sizes, out_arr, "output")
        return f"{in_arr.dtype.name} all_to_all_single"

    _agree_or_raise(pg, "all_to_all_single", check)
    send, out = _buffer(input), _buffer(output)
    sb = [send, state["send"]]
    rb = [out, state["recv"]]
    return _run(pg, async_op, lambda: [pg._comm.Ialltoallv(sb, rb)], lambda: _store(output, out),
                "all_to_all_single", [output])


def barrier(group: ProcessGroup | None = None, async_op: bool = False, device_ids=None,
            timeout=None):
    """Wait until every rank of the group reached the barrier."""
    if _not_in_group(group):
        _warn_not_in_group("barrier")
        return None
    pg = _resolve(group)
    if timeout is not None and not async_op:
        wait_requests([pg._comm.Ibarrier()], timeout, "barrier", ranks=pg._ranks)
        return None
    return _run(pg, async_op, lambda: [pg._comm.Ibarrier()], lambda: None,
                "barrier", [])


# -- point to point -----------------------------------------------------------------------------
def _peer(pg: ProcessGroup, global_rank, group_rank, kind: str, allow_any: bool = False) -> int:
    if allow_any and global_rank is None and group_rank is None:
        return -1
    r = _root(pg, global_rank, group_rank, kind)
    if pg.rank() == r:
        raise ValueError(f"Invalid {kind} rank: {kind} rank should not be the same as the rank "
                         "of the current process.")
    return r


def isend(tensor: Tensor, dst: int | None = None, group: ProcessGroup | None = None,
          tag: int = 0, group_dst: int | None = None):
    """Start sending ``tensor`` to ``dst``; returns a Work."""
    _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("isend")
        return None
    pg = _resolve(group)
    peer = _peer(pg, dst, group_dst, "destination")
    MPI = _mpi.load()
    buf = _buffer(tensor)
    return Work([pg._comm.Isend([buf, MPI.BYTE], peer, tag)], None, pg._timeout, "isend",
                [tensor], ranks=pg._ranks)


def send(tensor: Tensor, dst: int | None = None, group: ProcessGroup | None = None,
         tag: int = 0, group_dst: int | None = None) -> None:
    """Send ``tensor`` to ``dst`` (returns when the buffer may be reused)."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def _recv_finish(pg: ProcessGroup, tensor: Tensor, buf: np.ndarray, status):
    from mpi4py import MPI

    nbytes = status.Get_count(MPI.BYTE)
    src = pg._ranks[status.Get_source()]
    if nbytes != buf.nbytes:
        raise RuntimeError(f"recv: rank {pg._ranks[pg.rank()]} expected {buf.nbytes} bytes (a "
                           f"{_describe(buf)}) but rank {src} sent {nbytes} bytes: send and "
                           "recv must use tensors of the same shape and dtype")
    _store(tensor, buf)
    return src


def irecv(tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None,
          tag: int = 0, group_src: int | None = None):
    """Start receiving into ``tensor`` from ``src`` (any rank when None); returns a Work."""
    _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("irecv")
        return None
    MPI = _mpi.load()
    pg = _resolve(group)
    peer = _peer(pg, src, group_src, "source", allow_any=True)
    buf = _buffer(tensor)
    nbytes = buf.nbytes
    scratch = np.empty(nbytes + 64, np.uint8)
    status = MPI.Status()
    # receive into a scratch buffer a little larger than expected, so a longer message is
    # reported as a mismatch instead of an MPI truncation error
    req = pg._comm.Irecv([scratch, MPI.BYTE], MPI.ANY_SOURCE if peer < 0 else peer, tag)

    def finish():
        nb = status.Get_count(MPI.BYTE)
        if nb == nbytes:
            buf.reshape(-1).view(np.uint8)[...] = scratch[:nbytes]
        return _recv_finish(pg, tensor, buf, status)

    return Work([req], finish, pg._timeout, "irecv", [tensor], statuses=[status],
                ranks=pg._ranks)


def recv(tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None,
         tag: int = 0, group_src: int | None = None) -> int:
    """Receive into ``tensor`` from ``src`` (any rank when None); returns the sender's rank."""
    _check_tensor(tensor, "tensor")
    if _not_in_group(group):
        _warn_not_in_group("recv")
        return -1
    MPI = _mpi.load()
    pg = _resolve(group)
    peer = _peer(pg, src, group_src, "source", allow_any=True)
    buf = _buffer(tensor)
    status = MPI.Status()
    source = MPI.ANY_SOURCE if peer < 0 else peer
    msg = wait_until(lambda: pg._comm.Improbe(source, tag, status), pg._timeout, "recv",
                     pg._ranks)
    if status.Get_count(MPI.BYTE) != buf.nbytes:
        msg.Recv([np.empty(status.Get_count(MPI.BYTE), np.uint8), MPI.BYTE])
    else:
        msg.Recv([buf, MPI.BYTE])
    return _recv_finish(pg, tensor, buf, status)
