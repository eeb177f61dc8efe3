"""``where``: the untouched ``where`` section of the former ``_ops/indexing.py``, kept in its own
module so that the pointwise family's ``where`` can replace it at merge (then delete this file
and import ``Where``/``where`` from there in ``indexing/__init__.py``)."""

from __future__ import annotations

import numpy as np  # the verbatim section below uses it; this module goes away at merge

from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import Op, result_np_dtype, tensor_method, write_out
from ._common import _broadcast_or_raise, _legacy
from .select import nonzero

__all__ = ["where"]


class Where(Op):
    grad_fn_name = "WhereBackward0"

    def forward(self, c, a, b):
        xp = xp_of(c)
        dt = self.dtype
        a = a.astype(dt, copy=False) if hasattr(a, "dtype") else a
        b = b.astype(dt, copy=False) if hasattr(b, "dtype") else b
        self.cond = c
        return xp.asarray(xp.where(c, a, b), dtype=dt)

    def backward(self, g):
        c = Tensor._from_array(self.cond)
        # exact zeros where the other branch was taken (g * 0 would turn inf/NaN into NaN)
        z = Tensor._from_array(xp_of(g._data).zeros((), dtype=g._data.dtype))
        ga = where(c, g, z) if self.next_functions[1][0] is not None else None
        gb = where(c, z, g) if self.next_functions[2][0] is not None else None
        return None, ga, gb


@tensor_method("where")
def _where_method(self, condition, other):
    return where(condition, self, other)


def where(condition: Tensor, input=None, other=None, *, out=None):
    """``condition ? input : other`` with broadcasting; ``where(cond)`` is ``nonzero(as_tuple)``."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        if condition._data.dtype == np.uint8:
            condition = Tensor._from_array(condition._data.astype(bool))
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {_legacy(condition._data.dtype)}")
    shapes = [condition._data.shape] + [x._data.shape for x in (input, other)
                                        if isinstance(x, Tensor)]
    _broadcast_or_raise(shapes)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        from ..creation import tensor

        input = tensor(input)
    dt = result_np_dtype(input, other)
    return write_out(out, Where.apply(condition, input, other, dtype=dt))

