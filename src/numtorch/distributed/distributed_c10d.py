"""Process groups on MPI: ``init_process_group``, ranks, ``new_group``, as ``torch.distributed``.

The default group wraps a duplicate of ``MPI_COMM_WORLD`` (so numtorch's messages never meet a
user's own mpi4py traffic); rank and world size come from the MPI launcher (``mpiexec -n N``).
"""

from __future__ import annotations

import datetime
import os
import warnings

from . import _departures, _failure, _mpi

NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to call "
                   "init_process_group.")

default_pg_timeout = datetime.timedelta(minutes=30)


class Backend(str):
    """``torch.distributed.Backend``: backend names; numtorch's transport is always MPI."""

    UNDEFINED = "undefined"
    MPI = "mpi"
    GLOO = "gloo"
    NCCL = "nccl"

    def __new__(cls, name: str):
        return str.__new__(cls, name.lower())


class ProcessGroup:
    """A set of ranks that run collectives together (an MPI communicator underneath).

    ``_timeout`` is set only when ``init_process_group``/``new_group`` got a ``timeout``: then a
    collective that has not finished in time aborts the job instead of waiting forever.
    """

    def __init__(self, comm, ranks: list[int], timeout: datetime.timedelta | None) -> None:
        self._comm = comm
        self._ranks = list(ranks)
        self._index = {g: i for i, g in enumerate(self._ranks)}
        self._timeout = timeout

    def rank(self) -> int:
        return self._comm.Get_rank()

    def size(self) -> int:
        return len(self._ranks)

    def name(self) -> str:
        return Backend.MPI

    def _group_rank(self, global_rank: int) -> int:
        if global_rank not in self._index:
            raise ValueError(f"Global rank {global_rank} is not part of group {self}")
        return self._index[global_rank]

    def _free(self) -> None:
        if self._comm is not None:
            self._comm.Free()
            self._comm = None


class _NonGroupMember:
    """What ``new_group`` returns on ranks outside the group (PyTorch's ``-100`` sentinel)."""

    def __repr__(self) -> str:
        return "-100"


class GroupMember:
    """``GroupMember.WORLD`` (the default group, ``None`` before init) and the non-member mark."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = _NonGroupMember()


class _GroupNamespace:
    @property
    def WORLD(self) -> ProcessGroup | None:  # noqa: N802 - PyTorch's name
        return GroupMember.WORLD


group = _GroupNamespace()
_groups: list[ProcessGroup] = []


def is_available() -> bool:
    """Whether distributed runs here: true when mpi4py (the ``distributed`` extra) is installed."""
    return _mpi.available()


def is_mpi_available() -> bool:
    return _mpi.available()


def is_gloo_available() -> bool:
    return False


def is_nccl_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return False


def is_initialized() -> bool:
    """Whether ``init_process_group`` has been called (and not destroyed)."""
    return GroupMember.WORLD is not None


def _world() -> ProcessGroup:
    if GroupMember.WORLD is None:
        raise ValueError(NOT_INITIALIZED)
    return GroupMember.WORLD


def _resolve(grp) -> ProcessGroup:
    """The ProcessGroup a collective runs on (``None`` means the default group)."""
    world = _world()
    return world if grp is None else grp


def _not_in_group(grp) -> bool:
    return grp is GroupMember.NON_GROUP_MEMBER


def _warn_not_in_group(op_name: str) -> None:
    rank = -1 if GroupMember.WORLD is None else GroupMember.WORLD.rank()
    warnings.warn(f"Running {op_name} on global rank {rank} which does not belong to the given "
                  "group.", stacklevel=3)


def _check_launch_args(name: str, given: int, actual: int) -> None:
    if given is not None and int(given) not in (-1, actual):
        raise ValueError(f"init_process_group: {name}={given} was given, but the MPI launcher "
                         f"started this process with {name}={actual} (numtorch.distributed takes "
                         "rank and world size from MPI: mpiexec -n WORLD_SIZE ...)")


def init_process_group(backend: str | None = None, init_method: str | None = None,
                       timeout: datetime.timedelta | None = None, world_size: int = -1,
                       rank: int = -1, store=None, group_name: str = "", pg_options=None,
                       device_id=None) -> None:
    """Join the job started by ``mpiexec``: the default group spans every MPI process.

    ``backend`` may be ``"mpi"`` (or ``None``; ``"gloo"`` is accepted and also runs on MPI).
    ``world_size``/``rank`` (and ``RANK``/``WORLD_SIZE`` with ``init_method="env://"``) must
    agree with MPI's. A ``timeout`` makes a collective that does not finish in time abort the
    job with an error naming the rank and the operation.
    """
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if backend is not None and str(backend).lower() not in ("mpi", "gloo", "cpu:gloo",
                                                             "cpu:mpi", "undefined"):
        raise RuntimeError(f"numtorch.distributed runs on MPI: backend {backend!r} is not "
                           "available here; use backend='mpi' (or 'gloo', which also runs on "
                           "MPI)")
    MPI = _mpi.load()
    wrank, wsize = MPI.COMM_WORLD.Get_rank(), MPI.COMM_WORLD.Get_size()
    _check_launch_args("world_size", world_size, wsize)
    _check_launch_args("rank", rank, wrank)
    if init_method is not None and str(init_method).startswith("env://"):
        _check_launch_args("WORLD_SIZE", os.environ.get("WORLD_SIZE"), wsize)
        _check_launch_args("RANK", os.environ.get("RANK"), wrank)
    comm = MPI.COMM_WORLD.Dup()
    GroupMember.WORLD = ProcessGroup(comm, list(range(wsize)), timeout)
    token = comm.bcast(os.urandom(8).hex() if wrank == 0 else None, 0) if wsize > 1 else ""
    _failure.install(wrank, wsize, token)
    if wsize > 1:
        _departures.start(MPI.COMM_WORLD.Dup())


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Free a group, or (with no argument) every group and the default one."""
    if GroupMember.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if _not_in_group(group):
        return
    if group is None or group is GroupMember.WORLD:
        for g in _groups:
            g._free()
        _groups.clear()
        GroupMember.WORLD._free()
        GroupMember.WORLD = None
        _departures.announce()
        _departures.stop()
        _failure.uninstall()
        return
    group._free()
    if group in _groups:
        _groups.remove(group)


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in ``group`` (-1 when it is not a member)."""
    if _not_in_group(group):
        return -1
    return _resolve(group).rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of ranks in ``group`` (-1 when this process is not a member)."""
    if _not_in_group(group):
        return -1
    return _resolve(group).size()


def get_backend(group: ProcessGroup | None = None) -> str:
    if _not_in_group(group):
        raise ValueError("Invalid process group specified")
    _resolve(group)
    return Backend.MPI


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    """The global ranks of ``group``'s members, in group-rank order."""
    return list(_resolve(group)._ranks)


def get_global_rank(group: ProcessGroup | None, group_rank: int) -> int:
    ranks = _resolve(group)._ranks
    if not 0 <= group_rank < len(ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return ranks[group_rank]


def get_group_rank(group: ProcessGroup | None, global_rank: int) -> int:
    return _resolve(group)._group_rank(global_rank)


def new_group(ranks=None, timeout: datetime.timedelta | None = None, backend=None,
              pg_options=None, use_local_synchronization: bool = False, group_desc=None,
              device_id=None, sort_ranks: bool = True):
    """A group of some ranks; every rank of the job must call it (MPI_Comm_create is collective).

    Ranks outside the group get ``GroupMember.NON_GROUP_MEMBER``, as in PyTorch.
    """
    world = _world()
    n = world.size()
    if ranks is None:
        members = list(range(n))
    else:
        members = [int(r) for r in ranks]
        if sort_ranks:
            members.sort()
        if len(set(members)) != len(members):
            raise ValueError(f"ranks list must not contain duplicate entries, got {members}")
        if len(members) > n:
            raise ValueError("the new group's world size should be less or equal to the world "
                             "size set by init_process_group")
        for r in members:
            if r < 0 or r >= n:
                raise ValueError(f"Rank {r} is out of range. Valid ranks are 0 to {n - 1} "
                                 f"(world_size={n})")
    comm = world._comm.Create_group(world._comm.Get_group().Incl(members))
    if world.rank() not in members:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, members, timeout if timeout is not None else world._timeout)
    _groups.append(pg)
    return pg
