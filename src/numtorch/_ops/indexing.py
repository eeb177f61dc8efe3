"""Indexing: ``__getitem__``/``__setitem__`` (basic, None/Ellipsis, masks, integer arrays),
``where``, ``masked_fill`` and the scatter helpers that other ops' gradients use.

Basic indexing returns views (SelectBackward0/SliceBackward0/UnsqueezeBackward0 applied one
component at a time, as PyTorch does); advanced indexing copies (IndexBackward0).
"""

from __future__ import annotations

import builtins

import numpy as np

from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, result_np_dtype, tensor_method, write_out

__all__ = ["where", "masked_fill"]


# -- index normalisation ---------------------------------------------------------------------
def _convert(idx):
    """Turn one index component into what NumPy indexing takes; report whether it is basic."""
    if isinstance(idx, Tensor):
        a = idx._data
        if a.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if a.dtype == np.uint8:
            a = a.astype(bool)
        return a, False
    if isinstance(idx, (builtins.bool, np.bool_)):
        return np.asarray(idx), False
    if isinstance(idx, (int, np.integer)):
        return int(idx), True
    if idx is None or idx is Ellipsis:
        return idx, True
    if isinstance(idx, slice):
        if idx.step is not None and _int(idx.step) <= 0:
            raise ValueError("step must be greater than zero")
        return slice(_int(idx.start), _int(idx.stop), _int(idx.step)), True
    if isinstance(idx, (list, tuple)):
        arr = np.asarray([_to_index_value(v) for v in idx]) if len(idx) else np.zeros(0, np.int64)
        if arr.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr, False
    if isinstance(idx, np.ndarray):
        return idx, False
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     "Variables are valid indices (got " + type(idx).__name__ + ")")


def _to_index_value(v):
    if isinstance(v, Tensor):
        return v._data
    return v


def _int(v):
    if v is None:
        return None
    if isinstance(v, Tensor):
        return int(v.item())
    return int(v)


def _normalise(index):
    if not isinstance(index, tuple):
        # a list of slices/None/tensors is a tuple index in PyTorch as in old NumPy
        if isinstance(index, list) and builtins.any(
                isinstance(v, (slice, Tensor, list)) or v is None or v is Ellipsis for v in index):
            index = tuple(index)
        else:
            index = (index,)
    parts = []
    basic = True
    for i in index:
        c, b = _convert(i)
        parts.append(c)
        basic = basic and b
    return tuple(parts), basic


def _check_bounds(a, index):
    """IndexError in PyTorch's words for integer indices out of range."""
    dim = 0
    nd = a.ndim
    n_specified = builtins.sum(1 for i in index if i is not None and i is not Ellipsis and
                               not (isinstance(i, np.ndarray) and i.dtype == bool))
    n_specified += builtins.sum(i.ndim for i in index
                                if isinstance(i, np.ndarray) and i.dtype == bool)
    if n_specified > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    for i in index:
        if i is Ellipsis:
            dim = nd - (n_specified - dim) if False else dim + (nd - n_specified)
            continue
        if i is None:
            continue
        if isinstance(i, int):
            size = a.shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size "
                                 f"{size}")
            dim += 1
        elif isinstance(i, np.ndarray):
            if i.dtype == bool:
                for k in builtins.range(i.ndim):
                    if i.shape[k] != a.shape[dim + k]:
                        raise IndexError(f"The shape of the mask [{', '.join(map(str, i.shape))}]"
                                         f" at index {k} does not match the shape of the indexed "
                                         f"tensor [{', '.join(map(str, a.shape))}] at index "
                                         f"{dim + k}")
                dim += i.ndim
            else:
                size = a.shape[dim]
                if i.size and (i.max() >= size or i.min() < -size):
                    bad = int(i.max()) if i.max() >= size else int(i.min())
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with "
                                     f"size {size}")
                dim += 1
        else:
            dim += 1


# -- getitem ---------------------------------------------------------------------------------
class Select(Op):
    grad_fn_name = "SelectBackward0"
    is_view = True

    def forward(self, a):
        return a[self.index]

    def backward(self, g):
        return slice_grad(g, self._input_meta[0][0], self.index)


class Slice(Select):
    grad_fn_name = "SliceBackward0"


class Alias(Select):
    grad_fn_name = "AliasBackward0"


class Unsqueeze(Select):
    grad_fn_name = "UnsqueezeBackward0"

    def backward(self, g):
        return g.reshape(self._input_meta[0][0])


class Index(Op):
    grad_fn_name = "IndexBackward0"

    def forward(self, a):
        return a[self.index]

    def backward(self, g):
        return IndexPutZeros.apply(g, shape=self._input_meta[0][0], index=self.index,
                                   accumulate=True)


class IndexPutZeros(Op):
    """Gradient of indexing: a zero tensor of the input shape with ``g`` put at ``index``."""

    grad_fn_name = "IndexPutBackward0"

    def forward(self, g):
        xp = xp_of(g)
        out = xp.zeros(self.shape, dtype=g.dtype)
        if self.accumulate:
            xp.add.at(out, self.index, g)
        else:
            out[self.index] = g
        return out

    def backward(self, gg):
        return gg[self.index] if not isinstance(self.index, tuple) else _index_tensor(gg,
                                                                                     self.index)


def _index_tensor(t, index):
    return Index.apply(t, index=index)


def slice_grad(g: Tensor, shape, index) -> Tensor:
    return IndexPutZeros.apply(g, shape=shape, index=index, accumulate=False)


@tensor_method("__getitem__")
def _getitem(self: Tensor, index):
    idx, basic = _normalise(index)
    a = self._data
    _check_bounds(a, idx)
    if basic:
        from ..autograd import grad_mode

        if not (self._requires_grad and grad_mode.state.enabled):
            t = Tensor._from_array(a[idx])
            t._version_box = self._version_box
            t._base = self._base if self._base is not None else self
            return t
        return _basic_with_grad(self, idx)
    if builtins.any(isinstance(i, np.ndarray) and i.dtype != bool and i.size and False
                    for i in idx):
        pass
    return Index.apply(self, index=idx)


def _basic_with_grad(t: Tensor, idx):
    """Apply basic index components one at a time (one graph node each, as PyTorch)."""
    nd = t._data.ndim
    n_real = builtins.sum(1 for i in idx if i is not None and i is not Ellipsis)
    if idx == (Ellipsis,) or idx == ():
        return Alias.apply(t, index=(Ellipsis,))
    dim = 0
    out = t
    pending_full = True
    for comp in idx:
        if comp is Ellipsis:
            dim += nd - n_real
            continue
        if comp is None:
            out = Unsqueeze.apply(out, index=(slice(None),) * dim + (None,))
            dim += 1
            continue
        if isinstance(comp, int):
            out = Select.apply(out, index=(slice(None),) * dim + (comp,))
            continue
        size = out._data.shape[dim]
        if comp.indices(size) == (0, size, 1):
            dim += 1
            continue
        pending_full = False
        out = Slice.apply(out, index=(slice(None),) * dim + (comp,))
        dim += 1
    if out is t:
        del pending_full
        return Alias.apply(t, index=(Ellipsis,))
    return out


# -- setitem ---------------------------------------------------------------------------------
class IndexPut(Op):
    grad_fn_name = "IndexPutBackward0"

    def forward(self, a, v):
        out = a.copy()
        if self.accumulate:
            xp_of(a).add.at(out, self.index, v)
        else:
            out[self.index] = v
        return out

    def backward(self, g):
        ga = g if self.accumulate else IndexPutZerosMask.apply(g, index=self.index)
        gv = None
        if self.next_functions[1][0] is not None:
            gv = _index_tensor(g, self.index) if not self.basic else g[self.index]
        return ga, gv


class CopySlices(IndexPut):
    grad_fn_name = "CopySlices"


class IndexPutZerosMask(Op):
    grad_fn_name = "IndexPutBackward0"

    def forward(self, g):
        out = g.copy()
        out[self.index] = 0
        return out

    def backward(self, gg):
        return IndexPutZerosMask.apply(gg, index=self.index)


@tensor_method("__setitem__")
def _setitem(self: Tensor, index, value) -> None:
    idx, basic = _normalise(index)
    _check_bounds(self._data, idx)
    from ..autograd import grad_mode

    v_grad = isinstance(value, Tensor) and value._requires_grad
    if grad_mode.state.enabled and (self._requires_grad or v_grad):
        if self._requires_grad and self.grad_fn is None:
            raise RuntimeError(("a view of a leaf Variable that requires grad is being used in "
                                "an in-place operation.") if basic else
                               "a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        from .pointwise import _inplace

        op = CopySlices if basic else IndexPut
        val = value if isinstance(value, Tensor) else value

        def put(old, v):
            if isinstance(v, Tensor):
                v = v.to(old.dtype)
            return op.apply(old, v, index=idx, accumulate=False, basic=basic)
        _inplace(self, put, val)
        return
    v = value._data if isinstance(value, Tensor) else value
    try:
        self._data[idx] = v
    except ValueError as e:
        raise RuntimeError(_setitem_shape_message(self._data[idx].shape, np.shape(v))) from e
    self._version_box[0] += 1


def _setitem_shape_message(dst, src) -> str:
    return (f"shape mismatch: value tensor of shape [{', '.join(map(str, src))}] cannot be "
            f"broadcast to indexing result of shape [{', '.join(map(str, dst))}]")


# -- where / masked_fill ---------------------------------------------------------------------
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
        z = g * 0
        ga = where(c, g, z) if self.next_functions[1][0] is not None else None
        gb = where(c, z, g) if self.next_functions[2][0] is not None else None
        return None, ga, gb


@tensor_method("where")
def _where_method(self, condition, other):
    return where(condition, self, other)


def where(condition, input=None, other=None, *, out=None):
    """``condition ? input : other`` with broadcasting; ``where(cond)`` is ``nonzero(as_tuple)``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if condition._data.dtype != np.bool_:
        if condition._data.dtype == np.uint8:
            condition = Tensor._from_array(condition._data.astype(bool))
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {condition.dtype.name.capitalize()}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        from .creation import tensor

        input = tensor(input)
    dt = result_np_dtype(input, other)
    return write_out(out, Where.apply(condition, input, other, dtype=dt))


class MaskedFill(Op):
    grad_fn_name = "MaskedFillBackward0"

    def forward(self, a, mask, value):
        xp = xp_of(a)
        out = a.copy() if a.shape == xp.broadcast_shapes(a.shape, mask.shape) else \
            xp.broadcast_to(a, xp.broadcast_shapes(a.shape, mask.shape)).copy()
        self.mask = mask
        out[xp.broadcast_to(mask, out.shape)] = value
        return out

    def backward(self, g):
        m = Tensor._from_array(self.mask)
        gv = None
        if self.next_functions[2][0] is not None:
            gv = where(m, g, g * 0).sum()
        return where(m, g * 0, g), None, gv


@tensor_method("masked_fill")
def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """Copy of ``input`` with ``value`` where ``mask`` is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.name}")
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        if not value._requires_grad:
            value = value.item()
    return MaskedFill.apply(input, mask, value)


@tensor_method("masked_fill_")
def _masked_fill_(self, mask, value):
    from .pointwise import _inplace

    return _inplace(self, masked_fill, mask, value)


# -- helpers for gradients of reductions ------------------------------------------------------
class ScatterAlong(Op):
    """Zeros of ``shape`` with ``g`` placed at ``indices`` along ``dim`` (grad of max/min/etc)."""

    grad_fn_name = "ScatterBackward0"

    def forward(self, g):
        xp = xp_of(g)
        out = xp.zeros(self.shape, dtype=g.dtype)
        idx = self.indices
        gg = g
        if not self.keepdim:
            idx = xp.expand_dims(idx, self.dim) if idx.ndim < len(self.shape) else idx
            gg = xp.expand_dims(g, self.dim) if g.ndim < len(self.shape) else g
        xp.put_along_axis(out, idx, gg, axis=self.dim)
        self.idx_k = idx
        return out

    def backward(self, gg):
        xp = xp_of(gg._data)
        r = Tensor._from_array(xp.take_along_axis(gg._data, self.idx_k, axis=self.dim))
        return r if self.keepdim else r.squeeze(self.dim)


def scatter_grad(g: Tensor, indices, shape, dim: int, keepdim: bool) -> Tensor:
    return ScatterAlong.apply(g, indices=indices, shape=shape, dim=dim, keepdim=keepdim)
