"""Helpers shared by the indexing modules: PyTorch's shape/type spellings in messages, broadcast
and range checks, and the registration of in-place methods."""

from __future__ import annotations

from ..._backend import host
from ..._tensor import Tensor  # noqa: F401  (the in-place methods pickle as ``Tensor.<name>``)
from .._base import tensor_method
from .._inplace import inplace, torch_type_name


def _shape_str(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _legacy(dt) -> str:
    """PyTorch's scalar type name (``Float``, ``Long``) of a NumPy dtype."""
    return torch_type_name(host.dtype(dt))


def _broadcast_or_raise(shapes) -> tuple:
    """The broadcast shape; PyTorch's message naming the first mismatching pair."""
    res = ()
    for s in shapes:
        try:
            res = host.broadcast_shapes(res, s)
        except ValueError:
            n = max(len(res), len(s))
            a = (1,) * (n - len(res)) + tuple(res)
            b = (1,) * (n - len(s)) + tuple(s)
            for i in range(n - 1, -1, -1):
                if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                    raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of "
                                       f"tensor b ({b[i]}) at non-singleton dimension {i}") \
                        from None
            raise
    return tuple(res)


def _nd1(a):
    """``a`` as at least 1-D (0-d tensors index like 1-element vectors)."""
    return a.reshape(1) if a.ndim == 0 else a


def _first_bad(idx, lo: int, hi: int):
    """The first element (C order) of ``idx`` outside ``[lo, hi)``, or None. The valid case costs
    one min and one max; only an error pays for locating the culprit."""
    if not idx.size:
        return None
    if int(idx.min()) >= lo and int(idx.max()) < hi:
        return None
    bad = (idx < lo) | (idx >= hi)
    return int(idx.reshape(-1)[int(bad.argmax())])


def _check_range(idx, size, dim, prefix="", lo=None, exc=IndexError) -> None:
    """PyTorch's "index i is out of bounds for dimension d with size n" for the first index outside
    ``[lo, size)`` (``lo`` defaults to ``-size``: negative indices count from the end)."""
    bad = _first_bad(idx, -size if lo is None else lo, size)
    if bad is not None:
        raise exc(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


def _make_inplace(name, fn):
    """Register ``Tensor.<name>`` as the in-place form of the out-of-place ``fn``."""
    def method(self, *args, **kwargs):
        return inplace(self, fn, *args, **kwargs)
    method.__name__ = name
    tensor_method(name)(method)
