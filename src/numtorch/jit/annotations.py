"""``torch.jit.annotations``: the typing names TorchScript code imports from it (``List``,
``Dict``, ``Tuple``, ``Optional``, ``Union``, ``Any``) and the ``BroadcastingList`` helpers
(``BroadcastingList2[int]`` reads as ``List[int]`` in annotations)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: UP035

__all__ = ["Any", "Dict", "List", "Optional", "Tuple", "Union", "BroadcastingList1",
           "BroadcastingList2", "BroadcastingList3", "is_list", "is_tuple", "is_dict",
           "is_optional"]


class _BroadcastingList:
    """``BroadcastingListN[T]``: a list-of-T annotation that accepts a single T."""

    def __getitem__(self, types):
        return List[types]  # noqa: UP006


BroadcastingList1 = _BroadcastingList()
BroadcastingList2 = _BroadcastingList()
BroadcastingList3 = _BroadcastingList()


def _origin(ann) -> Any:
    return getattr(ann, "__origin__", None)


def is_list(ann) -> bool:
    """Whether ``ann`` is a ``List[...]`` annotation."""
    return _origin(ann) is list


def is_tuple(ann) -> bool:
    """Whether ``ann`` is a ``Tuple[...]`` annotation."""
    return _origin(ann) is tuple


def is_dict(ann) -> bool:
    """Whether ``ann`` is a ``Dict[...]`` annotation."""
    return _origin(ann) is dict


def is_optional(ann) -> bool:
    """Whether ``ann`` is ``Optional[T]`` (a union with ``None``)."""
    return _origin(ann) is Union and type(None) in ann.__args__
