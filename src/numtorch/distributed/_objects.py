"""Collectives on picklable Python objects (``all_gather_object`` and friends)."""

from __future__ import annotations

from .collectives import _root
from .distributed_c10d import ProcessGroup, _not_in_group, _resolve, _warn_not_in_group

__all__ = ["all_gather_object", "broadcast_object_list", "gather_object",
           "scatter_object_list"]


def all_gather_object(object_list: list, obj, group: ProcessGroup | None = None) -> None:
    """``object_list[r]`` becomes rank r's ``obj`` on every rank (pickled, as PyTorch does)."""
    if _not_in_group(group):
        _warn_not_in_group("all_gather_object")
        return
    pg = _resolve(group)
    for i, o in enumerate(pg._comm.allgather(obj)):
        object_list[i] = o


def broadcast_object_list(object_list: list, src: int | None = None,
                          group: ProcessGroup | None = None, device=None,
                          group_src: int | None = None) -> None:
    """Replace ``object_list``'s items on every rank by those of ``src``'s list."""
    if _not_in_group(group):
        _warn_not_in_group("broadcast_object_list")
        return
    pg = _resolve(group)
    if src is None and group_src is None:
        src = 0
    root = _root(pg, src, group_src, "broadcast_object_list")
    objs = pg._comm.bcast(list(object_list) if pg.rank() == root else None, root)
    if len(objs) != len(object_list):
        raise RuntimeError(f"broadcast_object_list: rank {root} sent {len(objs)} objects but "
                           f"this rank's list holds {len(object_list)}")
    object_list[:] = objs


def gather_object(obj, object_gather_list: list | None = None, dst: int | None = None,
                  group: ProcessGroup | None = None, group_dst: int | None = None) -> None:
    """Every rank's ``obj`` into ``object_gather_list`` on ``dst``."""
    if _not_in_group(group):
        _warn_not_in_group("gather_object")
        return
    pg = _resolve(group)
    if dst is None and group_dst is None:
        dst = 0
    root = _root(pg, dst, group_dst, "gather_object")
    objs = pg._comm.gather(obj, root)
    if pg.rank() == root:
        if object_gather_list is None:
            raise ValueError("Argument ``object_gather_list`` must be specified on destination "
                             "rank.")
        for i, o in enumerate(objs):
            object_gather_list[i] = o


def scatter_object_list(scatter_object_output_list: list, scatter_object_input_list=None,
                        src: int | None = None, group: ProcessGroup | None = None,
                        group_src: int | None = None) -> None:
    """``scatter_object_output_list[0]`` becomes ``src``'s ``scatter_object_input_list[rank]``."""
    if _not_in_group(group):
        _warn_not_in_group("scatter_object_list")
        return
    pg = _resolve(group)
    if src is None and group_src is None:
        src = 0
    root = _root(pg, src, group_src, "scatter_object_list")
    items = list(scatter_object_input_list) if pg.rank() == root else None
    scatter_object_output_list[0] = pg._comm.scatter(items, root)
