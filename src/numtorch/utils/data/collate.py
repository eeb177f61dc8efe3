"""``default_collate`` / ``default_convert``: how a DataLoader turns samples into batches.

The rules follow ``torch.utils.data.default_collate``: tensors are stacked, NumPy arrays and
scalars become tensors, Python floats float64 and ints int64 tensors, strings stay lists, and
mappings, namedtuples and sequences are collated field by field (tuples become lists).
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable

import numpy as np

from ..._ops.creation import as_tensor, tensor
from ..._ops.join import stack
from ..._tensor import Tensor

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]

_STR_OR_OBJECT = re.compile(r"[SaUO]")
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def default_convert(data):
    """Convert NumPy arrays/scalars inside ``data`` to tensors, keeping the structure."""
    if isinstance(data, Tensor):
        return data
    kind = type(data)
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_", "bytes_"):
        if isinstance(data, np.ndarray) and _STR_OR_OBJECT.search(data.dtype.str):
            return data
        return as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {k: default_convert(data[k]) for k in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def _rebuild_mapping(elem, items: dict):
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(items)
            return clone
        return type(elem)(items)
    except TypeError:
        return items


def _rebuild_sequence(elem, items: list):
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, v in enumerate(items):
                clone[i] = v
            return clone
        return type(elem)(items)
    except TypeError:
        return items


def collate_tensor_fn(batch, *, collate_fn_map=None) -> Tensor:
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    if _STR_OR_OBJECT.search(batch[0].dtype.str):
        raise TypeError(_ERR.format(batch[0].dtype))
    first = batch[0]
    if all(type(b) is np.ndarray and b.dtype == first.dtype and b.shape == first.shape
           for b in batch):
        return Tensor._from_array(np.stack(batch))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None) -> Tensor:
    kind = type(batch[0])
    if all(type(b) is kind for b in batch):
        return as_tensor(np.asarray(batch))
    return as_tensor(list(batch))  # mixed: PyTorch's per-item dtype inference


def collate_float_fn(batch, *, collate_fn_map=None) -> Tensor:
    if all(type(b) is float for b in batch):
        return Tensor._from_array(np.asarray(batch, dtype=np.float64))
    return tensor(list(batch), dtype=np.float64)


def collate_int_fn(batch, *, collate_fn_map=None) -> Tensor:
    return tensor(list(batch))


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map: dict[type | tuple[type, ...], Callable] = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch, *, collate_fn_map: dict | None = None):
    """Collate a list of samples using ``collate_fn_map`` (type -> function) for the leaves."""
    elem = batch[0]
    kind = type(elem)
    if collate_fn_map is not None:
        if kind in collate_fn_map:
            return collate_fn_map[kind](batch, collate_fn_map=collate_fn_map)
        for leaf_type, fn in collate_fn_map.items():
            if isinstance(elem, leaf_type):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(
            elem, {k: collate([d[k] for d in batch], collate_fn_map=collate_fn_map)
                   for k in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return kind(*(collate(list(s), collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [collate(list(s), collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        return _rebuild_sequence(elem, fields)
    raise TypeError(_ERR.format(kind))


def default_collate(batch):
    """Stack a list of samples into a batch, as ``torch.utils.data.default_collate``."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
