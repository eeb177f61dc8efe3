"""Indexing: ``__getitem__``/``__setitem__``, gather/scatter, index_* ops, masked ops, ``where``,
``nonzero``, ``take``/``put`` and the diagonal/triangular ops, with PyTorch's gradients.

Indexing follows PyTorch's two phases: basic components (ints, slices, None, Ellipsis) are applied
left to right as views (SelectBackward0, SliceBackward0, UnsqueezeBackward0; AliasBackward0 when
nothing changed), then any tensor/list/bool components index the view once (IndexBackward0), so
the placement of advanced dims is decided after ints were selected away, as in PyTorch.
"""

from __future__ import annotations

import builtins

import numpy as np

from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out

__all__ = [
    "where", "masked_fill", "gather", "scatter", "scatter_add", "scatter_reduce", "index_select",
    "masked_select", "masked_scatter", "nonzero", "argwhere", "take", "take_along_dim",
    "index_add", "index_copy", "index_fill", "index_put", "put", "diag", "diagonal", "diag_embed",
    "tril", "triu",
]

_SELECT, _SLICE, _UNSQ = 0, 1, 2
_INDEX_TYPES = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables " \
               "are valid indices (got {})"
_INT_BOOL_ONLY = "tensors used as indices must be long, int, byte or bool tensors"


def _shape_str(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _legacy(dt) -> str:
    from .pointwise import torch_type_name

    return torch_type_name(np.dtype(dt))


# -- parsing an index into view steps and one advanced index ----------------------------------
def _as_tuple(index) -> tuple:
    """PyTorch's rule for when a non-tuple sequence is a tuple of indices."""
    if isinstance(index, tuple):
        return index
    if isinstance(index, list) and len(index) < 32 and builtins.any(
            isinstance(v, (slice, Tensor, list, tuple, range, np.ndarray)) or v is None
            or v is Ellipsis
            for v in index):
        return tuple(index)
    return (index,)


def _index_array(v):
    """A list/tuple/ndarray/Tensor index as an integer or bool ndarray."""
    if isinstance(v, Tensor):
        a = v._data
    elif isinstance(v, np.ndarray):
        a = v
    else:
        vals = _nested(v)
        a = np.asarray(vals) if len(v) else np.zeros(0, np.int64)
    if a.dtype.kind not in "biu":
        raise IndexError(_INT_BOOL_ONLY)
    if a.dtype == np.uint8:
        a = a.astype(bool)
    return a


def _nested(v):
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, (list, tuple)):
        return [_nested(x) for x in v]
    return v


def _parse(shape, index, setitem: bool = False):
    """Split ``index`` into view steps and the advanced index (or None) applied after them.

    Returns ``(steps, adv, viewed)``: steps are ``(kind, dim, arg)`` in order; ``adv`` maps a dim
    of the stepped result to an index array.
    """
    single_slice = isinstance(index, slice) and not setitem
    comps = _as_tuple(index)
    nd = len(shape)
    conv = []
    n_spec = 0
    for c in comps:
        if c is None or c is Ellipsis:
            conv.append(c)
            continue
        if isinstance(c, (bool, np.bool_)):
            conv.append(("bool", builtins.bool(c)))
            continue
        if isinstance(c, (int, np.integer)):
            conv.append(int(c))
            n_spec += 1
            continue
        if isinstance(c, slice):
            conv.append(_slice(c))
            n_spec += 1
            continue
        if isinstance(c, Tensor) and c._data.ndim == 0:
            k = c._data.dtype.kind
            if k in "iu" and c._data.dtype != np.uint8:
                conv.append(int(c._data))
                n_spec += 1
                continue
            if k == "b" or c._data.dtype == np.uint8:
                conv.append(("bool", builtins.bool(c._data)))
                continue
            raise IndexError(_INT_BOOL_ONLY)
        if isinstance(c, (Tensor, list, tuple, range, np.ndarray)):  # range: a sequence
            a = _index_array(c)
            conv.append(a)
            n_spec += a.ndim if a.dtype == np.bool_ else 1
            continue
        if isinstance(c, (float, complex)) or not hasattr(c, "__index__"):
            raise IndexError(_INDEX_TYPES.format(type(c).__name__))
        conv.append(int(c))
        n_spec += 1
    if n_spec > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    cur = list(shape)
    steps = []
    adv = {}
    dim = 0
    real = 0
    seen_ellipsis = False
    for c in conv:
        if c is Ellipsis:
            if not seen_ellipsis:
                dim += nd - n_spec
                real += nd - n_spec
            seen_ellipsis = True
        elif c is None:
            steps.append((_UNSQ, dim, None))
            cur.insert(dim, 1)
            dim += 1
        elif isinstance(c, int):
            size = cur[dim]
            if not -size <= c < size:
                raise IndexError(f"index {c} is out of bounds for dimension {real} with size "
                                 f"{size}")
            steps.append((_SELECT, dim, c + size if c < 0 else c))
            del cur[dim]
            real += 1
        elif isinstance(c, slice):
            size = cur[dim]
            # PyTorch skips a slice only when it is literally start 0, step 1, stop >= size
            whole = (c.start or 0) == 0 and (c.step or 1) == 1 and (c.stop is None or
                                                                  c.stop >= size)
            if single_slice or not whole:
                steps.append((_SLICE, dim, c))
                cur[dim] = len(range(size)[c])
            dim += 1
            real += 1
        elif isinstance(c, tuple):  # a Python/0-d bool: a new dim indexed by [0] or []
            steps.append((_UNSQ, dim, None))
            cur.insert(dim, 1)
            adv[dim] = np.zeros(1 if c[1] else 0, np.int64)
            dim += 1
        elif c.dtype == np.bool_:
            for k in range(c.ndim):
                if c.shape[k] != cur[dim + k]:
                    raise IndexError(f"The shape of the mask {_shape_str(c.shape)} at index {k} "
                                     f"does not match the shape of the indexed tensor "
                                     f"{_shape_str(cur)} at index {dim + k}")
            adv[dim] = c
            dim += c.ndim
            real += c.ndim
        else:
            adv[dim] = c
            dim += 1
            real += 1
    if not adv:
        return steps, None, cur
    return steps, _adv_tuple(adv, cur), cur


def _slice(s: slice) -> slice:
    def val(v):
        if v is None:
            return None
        if isinstance(v, Tensor):
            return int(v.item())
        return int(v)
    step = val(s.step)
    if step is not None:
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step < 0:
            raise ValueError("step must be greater than zero")
    return slice(val(s.start), val(s.stop), step)


def _adv_tuple(adv, cur) -> tuple:
    """The NumPy index for the advanced phase: bool masks become their nonzero arrays."""
    last = max(adv)
    out = []
    arrays = []
    pos = 0
    d = 0
    while d <= last:
        a = adv.get(d)
        if a is None:
            out.append(slice(None))
            d += 1
            continue
        if a.dtype == np.bool_:
            nz = np.nonzero(a)
            out.extend(nz)
            arrays.extend(nz)
            d += a.ndim
            pos += 1
            continue
        size = cur[d]
        if a.size:
            hi, lo = int(a.max()), int(a.min())
            if hi >= size or lo < -size:
                bad = hi if hi >= size else lo
                raise IndexError(f"index {bad} is out of bounds for dimension {pos} with size "
                                 f"{size}")
        a = a.astype(np.int64, copy=False)
        out.append(a)
        arrays.append(a)
        d += 1
        pos += 1
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with "
                         "shapes " + ", ".join(_shape_str(a.shape) for a in arrays)) from None
    return tuple(out)


def _step_array(a, kind, dim, arg):
    if kind == _SELECT:
        return a[(slice(None),) * dim + (arg, Ellipsis)]
    if kind == _SLICE:
        return a[(slice(None),) * dim + (arg,)]
    return xp_of(a).expand_dims(a, dim)


def _region(a, steps):
    """The NumPy view that ``steps`` select from ``a``."""
    for kind, dim, arg in steps:
        a = _step_array(a, kind, dim, arg)
    return a


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

    def forward(self, a):
        return a.view()

    def backward(self, g):
        return g


class Unsqueeze(Select):
    grad_fn_name = "UnsqueezeBackward0"

    def forward(self, a):
        return xp_of(a).expand_dims(a, self.dim)

    def backward(self, g):
        return g.squeeze(self.dim)


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
        return Index.apply(gg, index=self.index)


def slice_grad(g: Tensor, shape, index) -> Tensor:
    """Zeros of ``shape`` with ``g`` written at the basic ``index`` (grad of select/slice)."""
    return IndexPutZeros.apply(g, shape=shape, index=index, accumulate=False)


def _apply_steps(t: Tensor, steps, adv):
    """Apply parsed index steps to a Tensor, one graph node per step as PyTorch records them."""
    from ..autograd import grad_mode

    if not (t._requires_grad and grad_mode.state.enabled):
        a = _region(t._data, steps)
        if adv is None:
            r = Tensor._from_array(a if steps else a.view())
            r._version_box = t._version_box
            r._base = t._base if t._base is not None else t
            return r
        return Tensor._from_array(a[adv])
    out = t
    for kind, dim, arg in steps:
        if kind == _UNSQ:
            out = Unsqueeze.apply(out, dim=dim)
        else:
            ix = (slice(None),) * dim + ((arg, Ellipsis) if kind == _SELECT else (arg,))
            out = (Select if kind == _SELECT else Slice).apply(out, index=ix)
    if adv is not None:
        return Index.apply(out, index=adv)
    if out is t:
        return Alias.apply(t)
    return out


@tensor_method("__getitem__")
def _getitem(self: Tensor, index) -> Tensor:
    """PyTorch indexing: views for basic components, a copy (IndexBackward0) for advanced ones."""
    steps, adv, _ = _parse(self._data.shape, index)
    return _apply_steps(self, steps, adv)


# -- setitem ---------------------------------------------------------------------------------
class _SetRegion(Op):
    """A copy of ``a`` with ``v`` written at the region: the base of CopySlices, IndexPut, etc."""

    grad_fn_name = "CopySlices"

    def forward(self, a, v):
        out = xp_of(a).array(a, copy=True)
        r = _region(out, self.steps)
        if self.adv is not None:
            if self.accumulate:
                xp_of(a).add.at(r, self.adv, v)
            else:
                r[self.adv] = v
        else:
            r[...] = v
        return out

    def backward(self, g):
        ga = g if self.accumulate else _ZeroRegion.apply(g, steps=self.steps, adv=self.adv)
        gv = None
        if self.next_functions[1][0] is not None:
            gv = _apply_steps(g, self.steps, self.adv)
        return ga, gv


class CopySlices(_SetRegion):
    grad_fn_name = "CopySlices"


class CopyBackwards(_SetRegion):
    grad_fn_name = "CopyBackwards"


class Fill(_SetRegion):
    grad_fn_name = "FillBackward3"


class IndexPut(_SetRegion):
    grad_fn_name = "IndexPutBackward0"


class _ZeroRegion(Op):
    grad_fn_name = "IndexPutBackward0"

    def forward(self, g):
        out = xp_of(g).array(g, copy=True)
        r = _region(out, self.steps)
        if self.adv is not None:
            r[self.adv] = 0
        else:
            r[...] = 0
        return out

    def backward(self, gg):
        return _ZeroRegion.apply(gg, steps=self.steps, adv=self.adv)


def _strip_leading_ones(shape) -> tuple:
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return tuple(shape[k:])


def _expand_error(src, target, dt) -> str | None:
    """PyTorch's message when ``src`` cannot be expanded to ``target`` (None when it can)."""
    if len(src) > len(target):
        return (f"expand(torch.{_legacy(dt)}Tensor{{{_shape_str(src)}}}, size="
                f"{_shape_str(target)}): the number of sizes provided ({len(target)}) must be "
                f"greater or equal to the number of dimensions in the tensor ({len(src)})")
    off = len(target) - len(src)
    for i, s in enumerate(src):
        if s != 1 and s != target[off + i]:
            return (f"The expanded size of the tensor ({target[off + i]}) must match the "
                    f"existing size ({s}) at non-singleton dimension {off + i}.  Target sizes: "
                    f"{_shape_str(target)}.  Tensor sizes: {_shape_str(src)}")
    return None


def _value_tensor(self: Tensor, value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (builtins.bool, int, float, complex, np.number, np.bool_)):
        return None
    raise TypeError(f"can't assign a {type(value).__name__} to a torch.{_legacy(self._data.dtype)}"
                    "Tensor")


@tensor_method("__setitem__")
def _setitem(self: Tensor, index, value) -> None:
    """PyTorch's ``x[index] = value``: copy_/fill_ into a view, or index_put_ (broadcasting)."""
    steps, adv, cur = _parse(self._data.shape, index, setitem=True)
    vt = _value_tensor(self, value)
    if adv is not None:
        target = np.broadcast_to(np.empty((), np.bool_), cur)[adv].shape
    else:
        target = tuple(cur)
    if vt is not None and adv is not None and vt._data.dtype != self._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_legacy(self._data.dtype)} for the destination and "
                           f"{_legacy(vt._data.dtype)} for the source.")
    if vt is not None:
        vshape = vt._data.shape
        stripped = _strip_leading_ones(vshape)
        if adv is not None:
            try:
                ok = np.broadcast_shapes(stripped, target) == tuple(target)
            except ValueError:
                ok = False
            if not ok:
                raise RuntimeError(f"shape mismatch: value tensor of shape {_shape_str(vshape)} "
                                   f"cannot be broadcast to indexing result of shape "
                                   f"{_shape_str(target)}")
        elif vshape != tuple(target) and len(vshape):
            msg = _expand_error(stripped, tuple(target), vt._data.dtype)
            if msg:
                raise RuntimeError(msg)
    from ..autograd import grad_mode

    tracking = grad_mode.state.enabled and (self._requires_grad or (
        vt is not None and vt._requires_grad))
    if not tracking:
        r = _region(self._data, steps)
        v = vt._data if vt is not None else value
        if adv is not None:
            r[adv] = v
        else:
            r[...] = v
        self._bump_version()
        return
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation." if steps else
                           "a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    if adv is not None:
        op = CopySlices if steps else IndexPut
        if vt is not None and len(stripped) != len(vt._data.shape):
            vt = vt.view(stripped)
    elif steps:
        op = CopySlices
    else:
        vshape = () if vt is None else vt._data.shape
        op = CopyBackwards if vshape == tuple(target) or vshape else Fill
    if adv is None and vt is not None and vt._data.ndim and vt._data.shape != tuple(target):
        vt = vt.view(stripped)
        if stripped != tuple(target):
            vt = vt.expand(tuple(target))
    from .pointwise import _inplace

    def put(old, v):
        return op.apply(old, v, steps=steps, adv=adv, accumulate=False)
    _inplace(self, put, vt if vt is not None else value)


# -- index_put / where / masked_fill ----------------------------------------------------------
@tensor_method("index_put")
def index_put(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """Out-of-place ``input[indices] = values`` (``+=`` with ``accumulate``): IndexPutBackward0."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    comps = tuple(slice(None) if i is None else i for i in indices)
    steps, adv, _ = _parse(input._data.shape, comps)
    values = values if isinstance(values, Tensor) else _scalar_like(values, input)
    if values._data.dtype != input._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_legacy(input._data.dtype)} for the destination and "
                           f"{_legacy(values._data.dtype)} for the source.")
    if adv is None:
        adv = (Ellipsis,)
    return IndexPut.apply(input, values, steps=[], adv=adv, accumulate=accumulate)


@tensor_method("index_put_")
def _index_put_(self: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    from .pointwise import _inplace

    return _inplace(self, index_put, indices, values, accumulate)


def _scalar_like(v, like: Tensor) -> Tensor:
    return Tensor._from_array(xp_of(like._data).asarray(v, dtype=like._data.dtype))


from .pointwise import where  # noqa: E402 - where is a pointwise ternary op


def _broadcast_or_raise(shapes) -> tuple:
    """The broadcast shape; PyTorch's message naming the first mismatching pair."""
    res = ()
    for s in shapes:
        try:
            res = np.broadcast_shapes(res, s)
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


_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "float16": "c10::Half"}


class MaskedFill(Op):
    grad_fn_name = "MaskedFillBackward0"

    def forward(self, a, mask, value):
        xp = xp_of(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        out = xp.broadcast_to(a, shape).copy()
        self.mask = mask
        out[xp.broadcast_to(mask, shape)] = value
        return out

    def backward(self, g):
        m = Tensor._from_array(self.mask)
        gv = None
        if self.next_functions[2][0] is not None:
            gv = where(m, g, g * 0).sum()
        return where(m, g * 0, g), None, gv


class MaskedFillTensor(MaskedFill):
    grad_fn_name = "MaskedFillBackward1"


@tensor_method("masked_fill")
def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """Copy of ``input`` with ``value`` where ``mask`` is True (mask broadcasts)."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_NAMES.get(str(mask._data.dtype), str(mask._data.dtype))}")
    _broadcast_or_raise([input._data.shape, mask._data.shape])
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value)


@tensor_method("masked_fill_")
def _masked_fill_(self, mask, value):
    from .pointwise import _inplace

    if isinstance(value, Tensor) and not value._requires_grad:
        value = value.item()
    return _inplace(self, masked_fill, mask, value)


class MaskedSelect(Op):
    grad_fn_name = "MaskedSelectBackward0"

    def forward(self, a, mask):
        xp = xp_of(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        self.shape = shape
        self.mask = xp.broadcast_to(mask, shape)
        return xp.broadcast_to(a, shape)[self.mask]

    def backward(self, g):
        return IndexPutZeros.apply(g, shape=self.shape, index=self.mask, accumulate=False), None


def _check_bool_mask(mask: Tensor, name: str) -> None:
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"{name}: expected BoolTensor for mask")


@tensor_method("masked_select")
def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
    """1-D tensor of the elements of ``input`` where ``mask`` (broadcast together) is True."""
    _check_bool_mask(mask, "masked_select")
    _broadcast_or_raise([mask._data.shape, input._data.shape])
    return write_out(out, MaskedSelect.apply(input, mask))


class MaskedScatter(Op):
    grad_fn_name = "MaskedScatterBackward0"

    def forward(self, a, mask, src):
        xp = xp_of(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        m = xp.broadcast_to(mask, shape)
        out = xp.broadcast_to(a, shape).copy()
        n = int(m.sum())
        out[m] = src.reshape(-1)[:n].astype(out.dtype, copy=False)
        self.mask, self.n, self.src_shape = m, n, src.shape
        return out

    def backward(self, g):
        m = Tensor._from_array(self.mask)
        ga = masked_fill(g, m, 0) if self.next_functions[0][0] is not None else None
        gs = None
        if self.next_functions[2][0] is not None:
            total = int(np.prod(self.src_shape))
            from .join import cat

            sel = masked_select(g, m)
            gs = cat([sel, g.new_zeros(total - self.n)]).reshape(self.src_shape)
        return ga, None, gs


@tensor_method("masked_scatter")
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """Copy of ``input`` with consecutive ``source`` elements written where ``mask`` is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                           f"{_legacy(input._data.dtype)} and {_legacy(source._data.dtype)}")
    shape = _broadcast_or_raise([input._data.shape, mask._data.shape])
    if int(np.broadcast_to(mask._data, shape).sum()) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, mask, source)


@tensor_method("masked_scatter_")
def _masked_scatter_(self, mask, source):
    from .pointwise import _inplace

    return _inplace(self, masked_scatter, mask, source)


@tensor_method("nonzero")
def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    a = input._data
    xp = xp_of(a)
    if as_tuple:
        nz = xp.nonzero(a.reshape(1) if a.ndim == 0 else a)
        return tuple(Tensor._from_array(i.astype(np.int64)) for i in nz)
    if a.ndim == 0:
        res = xp.zeros((1 if a != 0 else 0, 0), np.int64)
    else:
        res = xp.stack(xp.nonzero(a), axis=1).astype(np.int64) if a.size else \
            xp.zeros((0, a.ndim), np.int64)
    return write_out(out, Tensor._from_array(xp.ascontiguousarray(res)))


@tensor_method("argwhere")
def argwhere(input: Tensor) -> Tensor:
    """Same as ``nonzero(input)``."""
    return nonzero(input)


# -- gather / scatter --------------------------------------------------------------------------
def _along(idx, dim: int) -> tuple:
    """A NumPy fancy index that addresses ``a[..., idx[p], ...]`` for every position p of idx."""
    xp = xp_of(idx)
    nd = idx.ndim
    parts = []
    for d in range(nd):
        if d == dim:
            parts.append(idx)
        else:
            shape = [1] * nd
            shape[d] = idx.shape[d]
            parts.append(xp.arange(idx.shape[d]).reshape(shape))
    return tuple(parts)


def _check_index_dtype(index: Tensor, name: str) -> None:
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def _check_gather_like(name, input: Tensor, dim: int, index: Tensor, src=None) -> int:
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    ia = index._data
    if ia.ndim != nd and not (ia.ndim <= 1 and nd <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           + ("input tensor" if name == "gather" else "self tensor"))
    if name != "gather" and src is not None and src._data.ndim != ia.ndim \
            and not (ia.ndim <= 1 and src._data.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    ishape, sshape = ia.shape, input._data.shape or (1,)
    ishape = ishape or (1,)
    for k in range(len(ishape)):
        if k != d and ishape[k] > sshape[k]:
            if name == "gather":
                raise RuntimeError(f"Size does not match at dimension {k} expected index "
                                   f"{_shape_str(ia.shape)} to be no larger than self "
                                   f"{_shape_str(input._data.shape)} apart from dimension {d}")
            break
        if src is not None and ishape[k] > (src._data.shape or (1,))[k]:
            break
    else:
        k = None
    if k is not None and name != "gather":
        extra = f" and to be no larger size than src {_shape_str(src._data.shape)}" \
            if src is not None else ""
        raise RuntimeError(f"Expected index {_shape_str(ia.shape)} to be no larger than self "
                           f"{_shape_str(input._data.shape)} apart from dimension {d}{extra}")
    size = sshape[d]
    if ia.size:
        hi, lo = int(ia.max()), int(ia.min())
        if hi >= size or lo < -size:
            raise RuntimeError(f"index {hi if hi >= size else lo} is out of bounds for dimension "
                               f"{d} with size {size}")
    return d


def _nd1(a):
    return a.reshape(1) if a.ndim == 0 else a


class Gather(Op):
    grad_fn_name = "GatherBackward0"

    def forward(self, a, idx):
        self.index = idx
        return _nd1(a)[_along(_nd1(idx), self.dim)].reshape(idx.shape)

    def backward(self, g):
        z = g.new_zeros(self._input_meta[0][0])
        return scatter_add(z, self.dim, Tensor._from_array(self.index), g), None


@tensor_method("gather")
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out=None) -> Tensor:
    """``out[p] = input[..., index[p], ...]`` along ``dim`` (PyTorch's gather)."""
    _check_index_dtype(index, "gather")
    d = _check_gather_like("gather", input, dim, index)
    return write_out(out, Gather.apply(input, index, dim=d))


class Scatter(Op):
    grad_fn_name = "ScatterBackward0"
    reduce = None

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True)
        o = _nd1(out)
        i = _nd1(idx)
        loc = _along(i, self.dim)
        if hasattr(src, "shape"):
            s = _nd1(src)
            src = s[tuple(slice(0, n) for n in i.shape)].astype(a.dtype, copy=False)
        else:
            src = xp_of(a).asarray(src, dtype=a.dtype)
        if self.reduce == "add":
            xp_of(a).add.at(o, loc, src)
        elif self.reduce == "multiply":
            xp_of(a).multiply.at(o, loc, src)
        else:
            o[loc] = src
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index)
        ga = scatter(g, self.dim, idx, 0) if self.next_functions[0][0] is not None else None
        gs = None
        if len(self.next_functions) > 2 and self.next_functions[2][0] is not None:
            gs = _pad_to(gather(g, self.dim, idx), self._input_meta[2][0])
        return ga, None, gs


def _pad_to(t: Tensor, shape) -> Tensor:
    """``t`` placed at the start of zeros of ``shape`` (grad of a src used up to index shape)."""
    shape = tuple(shape)
    if tuple(t._data.shape) == shape:
        return t
    if not shape:
        return t.reshape(())
    return slice_grad(t, shape, tuple(slice(0, n) for n in t._data.shape))


def _crop(t: Tensor, shape) -> Tensor:
    shape = tuple(shape)
    if tuple(t._data.shape) == shape or not t._data.ndim:
        return t
    return t[tuple(slice(0, n) for n in shape)]


class ScatterValue(Scatter):
    grad_fn_name = "ScatterBackward1"


class ScatterReduceLegacy(Scatter):
    grad_fn_name = "NotImplemented"

    def backward(self, g):
        raise RuntimeError("the derivative for 'scatter' with reduce is not implemented.")


class ScatterAdd(Scatter):
    grad_fn_name = "ScatterAddBackward0"
    reduce = "add"

    def backward(self, g):
        gs = None
        if self.next_functions[2][0] is not None:
            gs = _pad_to(gather(g, self.dim, Tensor._from_array(self.index)),
                         self._input_meta[2][0])
        return g, None, gs


def _scatter_args(name, input, dim, index, src, value):
    _check_index_dtype(index, name)
    if src is not None and isinstance(src, Tensor):
        if src._data.dtype != input._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    d = _check_gather_like(name, input, dim, index, src if isinstance(src, Tensor) else None)
    return d


@tensor_method("scatter")
def scatter(input: Tensor, dim: int, index: Tensor, src=None, value=None, *,
            reduce: str | None = None, out=None) -> Tensor:
    """Copy of ``input`` with ``src`` (a tensor, or the scalar ``value``) written at ``index``."""
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    d = _scatter_args("scatter", input, dim, index, src, value)
    if isinstance(src, Tensor):
        op = ScatterReduceLegacy if reduce else Scatter
        return write_out(out, op.apply(input, index, src, dim=d, reduce=reduce))
    op = ScatterReduceLegacy if reduce else ScatterValue
    return write_out(out, op.apply(input, index, src, dim=d, reduce=reduce))


@tensor_method("scatter_add")
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor, *, out=None) -> Tensor:
    """Copy of ``input`` with ``src`` summed into the places ``index`` names along ``dim``."""
    d = _scatter_args("scatter", input, dim, index, src, None)
    return write_out(out, ScatterAdd.apply(input, index, src, dim=d))


_REDUCE_UFUNC = {"sum": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum",
                 "mean": "add"}


class ScatterReduce(Op):
    grad_fn_name = "ScatterReduceBackward0"

    def forward(self, a, idx, src):
        xp = xp_of(a)
        i = _nd1(idx)
        s = _nd1(src)[tuple(slice(0, n) for n in i.shape)]
        loc = _along(i, self.dim)
        out = xp_of(a).array(a, copy=True)
        o = _nd1(out)
        hit = xp.zeros(o.shape, np.int64)
        xp.add.at(hit, loc, 1)
        if not self.include_self:
            init = {"sum": 0, "mean": 0, "prod": 1}.get(self.reduce)
            if init is None:
                info = xp.finfo(a.dtype) if a.dtype.kind == "f" else xp.iinfo(a.dtype)
                init = info.min if self.reduce == "amax" else info.max
                if a.dtype.kind == "f":
                    init = -xp.inf if self.reduce == "amax" else xp.inf
            o[hit > 0] = init
        getattr(xp, _REDUCE_UFUNC[self.reduce]).at(o, loc, s)
        if self.reduce == "mean":
            cnt = hit + (1 if self.include_self else 0)
            cnt = xp.maximum(cnt, 1)
            o[...] = (o / cnt).astype(a.dtype) if a.dtype.kind == "f" else o // cnt
        self.index, self.hit = idx, hit
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index)
        d = self.dim
        a, src, res = self.saved_tensors
        src = _crop(src, self.index.shape)
        red = self.reduce
        hit = Tensor._from_array(self.hit.reshape(self._input_meta[0][0]))
        touched = hit > 0
        if red == "sum":
            ga = g if self.include_self else masked_fill(g, touched, 0)
            gs = gather(g, d, idx)
        elif red == "mean":
            n = hit + (1 if self.include_self else 0)
            n = n.clamp_min(1).to(g.dtype)
            ga = g / n if self.include_self else masked_fill(g, touched, 0)
            gs = gather(g / n, d, idx)
        elif red == "prod":
            ga, gs = self._prod_grads(g, a, src, idx, touched)
        else:
            ga_mask = (a == res).to(g.dtype) if self.include_self else \
                masked_fill((a == res).to(g.dtype), touched, 0)
            src_mask = (src == gather(res, d, idx)).to(g.dtype)
            count = scatter_add(ga_mask, d, idx, src_mask)
            ga = g * ga_mask / count
            gs = gather(g / count, d, idx) * src_mask
        return ga, None, _pad_to(gs, self._input_meta[2][0])

    def _prod_grads(self, g, a, src, idx, touched):
        """Product-of-the-others gradients that stay finite with zeros, as PyTorch computes."""
        d = self.dim
        a_zero, s_zero = a == 0, src == 0
        base = a_zero if self.include_self else a_zero & False
        zeros = scatter_add(base.long(), d, idx, s_zero.long())  # zeros per output slot
        a_nz, s_nz = masked_fill(a, a_zero, 1), masked_fill(src, s_zero, 1)
        pnz = scatter_reduce(a_nz, d, idx, s_nz, "prod", include_self=self.include_self)
        gp = g * pnz
        if self.include_self:
            ga = where(a_zero, gp * (zeros == 1), gp * (zeros == 0) / a_nz)
        else:
            ga = masked_fill(g, touched, 0)
        gps, zs = gather(gp, d, idx), gather(zeros, d, idx)
        gs = where(s_zero, gps * (zs == 1), gps * (zs == 0) / s_nz)
        return ga, gs


@tensor_method("scatter_reduce")
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True, out=None) -> Tensor:
    """Reduce ``src`` into ``input`` at ``index`` along ``dim`` (sum, prod, mean, amax, amin)."""
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    d = _scatter_args("scatter_reduce", input, dim, index, src, None)
    op = ScatterReduce
    res = _scatter_reduce_apply(op, input, index, src, d, reduce, include_self)
    return write_out(out, res)


def _scatter_reduce_apply(op, input, index, src, d, reduce, include_self):
    from ..autograd import grad_mode

    need = grad_mode.state.enabled and (input._requires_grad or src._requires_grad)
    if not need:
        return op.apply(input, index, src, dim=d, reduce=reduce, include_self=include_self)
    # backward needs the result; compute it first without grad and pass it as a constant input
    res = op.apply(input.detach(), index, src.detach(), dim=d, reduce=reduce,
                   include_self=include_self)
    return _ScatterReduceGrad.apply(input, index, src, res, dim=d, reduce=reduce,
                                    include_self=include_self)


class _ScatterReduceGrad(ScatterReduce):
    grad_fn_name = "ScatterReduceBackward0"

    def forward(self, a, idx, src, res):
        self.save_inputs(0, 2, 3)
        out = ScatterReduce.forward(self, a, idx, src)
        return out

    def backward(self, g):
        ga, _, gs = ScatterReduce.backward(self, g)
        return ga, None, gs, None


def _make_inplace(name, fn):
    def method(self, *args, **kwargs):
        from .pointwise import _inplace

        return _inplace(self, fn, *args, **kwargs)
    method.__name__ = name
    tensor_method(name)(method)


# -- index_select / index_add / index_copy / index_fill --------------------------------------
def _check_index_vector(name: str, index: Tensor, kinds=(np.int64, np.int32)) -> None:
    if index._data.dtype not in kinds:
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")


def _take_dim(a, dim, idx):
    if a.ndim == 0:
        return a.reshape(1)[idx.reshape(-1)].reshape(())
    return xp_of(a).take(a, idx, axis=dim)


class IndexSelect(Op):
    grad_fn_name = "IndexSelectBackward0"

    def forward(self, a, idx):
        self.index = idx
        return _take_dim(a, self.dim, idx.reshape(-1) if a.ndim else idx)

    def backward(self, g):
        z = g.new_zeros(self._input_meta[0][0])
        return index_add(z, self.dim, Tensor._from_array(self.index.reshape(-1)), g), None


def _check_range(idx, size, dim, prefix="") -> None:
    if idx.size:
        hi, lo = int(idx.max()), int(idx.min())
        if hi >= size or lo < -size:
            raise IndexError(f"{prefix}index {hi if hi >= size else lo} is out of bounds for "
                             f"dimension {dim} with size {size}")


@tensor_method("index_select")
def index_select(input: Tensor, dim: int, index: Tensor, *, out=None) -> Tensor:
    """Entries of ``input`` at ``index`` (1-D) along ``dim``: IndexSelectBackward0."""
    _check_index_vector("index_select", index)
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    ia = index._data
    if input._data.ndim == 0 and ia.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {ia.size}"
                           " value(s)")
    if ia.size and (int(ia.max()) >= size or int(ia.min()) < 0):
        raise IndexError("index out of range in self")
    return write_out(out, IndexSelect.apply(input, index, dim=d))


class IndexAdd(Op):
    grad_fn_name = "IndexAddBackward0"

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True)
        o = _nd1(out)
        s = src.reshape(1) if src.ndim == 0 else src
        if self.dim != 0 or o.ndim != 1:
            s = s if s.ndim == o.ndim else s.reshape(o.shape[:self.dim] + (-1,) +
                                                      o.shape[self.dim + 1:])
        loc = (slice(None),) * self.dim + (idx.reshape(-1),)
        s = s * self.alpha if self.alpha != 1 else s
        xp_of(a).add.at(o, loc, s.astype(a.dtype, copy=False))
        self.index = idx
        return out

    def backward(self, g):
        gs = None
        if self.next_functions[2][0] is not None:
            gs = index_select(g, self.dim, Tensor._from_array(self.index.reshape(-1)))
            if self.alpha != 1:
                gs = gs * self.alpha
            gs = gs.reshape(self._input_meta[2][0])
        return g, None, gs


def _check_index_source(name, input, dim, index, source):
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    n = index._data.size
    ssize = source._data.shape[d] if source._data.ndim else 1
    if source._data.ndim and n != ssize:
        raise RuntimeError(f"{name}(): Number of indices ({n}) should be equal to "
                           f"source.size(dim): ({ssize}), for dim: {d}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{name}(): self ({_legacy(input._data.dtype)}) and source "
                           f"({_legacy(source._data.dtype)}) must have the same scalar type")
    return d


@tensor_method("index_add")
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1,
              out=None) -> Tensor:
    """Copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``."""
    d = _check_index_source("index_add_", input, dim, index, source)
    try:
        _check_range(index._data, input._data.shape[d] if input._data.ndim else 1, d)
    except IndexError as e:
        raise RuntimeError(str(e)) from None
    return write_out(out, IndexAdd.apply(input, index, source, dim=d, alpha=alpha))


class IndexCopy(Op):
    grad_fn_name = "IndexCopyBackward0"

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True)
        o = _nd1(out)
        s = _nd1(src)
        o[(slice(None),) * self.dim + (idx.reshape(-1),)] = s
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index.reshape(-1))
        ga = index_fill(g, self.dim, idx, 0) if self.next_functions[0][0] is not None else None
        gs = None
        if self.next_functions[2][0] is not None:
            gs = index_select(g, self.dim, idx).reshape(self._input_meta[2][0])
        return ga, None, gs


@tensor_method("index_copy")
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor, *, out=None) -> Tensor:
    """Copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``."""
    d = _check_index_source("index_copy_", input, dim, index, source)
    _check_range(index._data, input._data.shape[d] if input._data.ndim else 1, d, "index_copy_(): ")
    return write_out(out, IndexCopy.apply(input, index, source, dim=d))


class IndexFill(Op):
    grad_fn_name = "IndexFillBackward0"

    def forward(self, a, idx, value):
        out = xp_of(a).array(a, copy=True)
        _nd1(out)[(slice(None),) * self.dim + (idx.reshape(-1),)] = value
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index.reshape(-1))
        gv = None
        if len(self.next_functions) > 2 and self.next_functions[2][0] is not None:
            gv = index_select(g, self.dim, idx).sum()
        return index_fill(g, self.dim, idx, 0), None, gv


class IndexFillTensor(IndexFill):
    grad_fn_name = "IndexFillBackward1"


@tensor_method("index_fill")
def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """Copy of ``input`` with ``value`` written at ``index`` along ``dim``."""
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if index._data.ndim > 1:
        raise IndexError("index_fill_(): Expected a 1-D tensor for index")
    if index._data.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    _check_range(index._data, input._data.shape[d] if nd else 1, d)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return IndexFillTensor.apply(input, index, value, dim=d)
    return IndexFill.apply(input, index, value, dim=d)


# -- take / put / take_along_dim -------------------------------------------------------------
def _check_flat_range(idx, n) -> None:
    if idx.size:
        hi, lo = int(idx.max()), int(idx.min())
        if hi >= n or lo < -n:
            raise IndexError(f"out of range: tried to access index {hi if hi >= n else lo} on a "
                             f"tensor of {n} elements.")


class Take(Op):
    grad_fn_name = "TakeBackward0"

    def forward(self, a, idx):
        self.index = idx
        return a.reshape(-1)[idx]

    def backward(self, g):
        z = g.new_zeros(self._input_meta[0][0])
        return put(z, Tensor._from_array(self.index), g, accumulate=True), None


@tensor_method("take")
def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened ``input`` at ``index`` (shape of ``index``)."""
    if index._data.dtype != np.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{_legacy(index._data.dtype)}")
    _check_flat_range(index._data, input._data.size)
    return Take.apply(input, index)


class Put(Op):
    grad_fn_name = "PutBackward0"

    def forward(self, a, idx, src):
        out = xp_of(a).array(a, copy=True, order="C")  # so that reshape(-1) is a view
        flat = out.reshape(-1)
        i = idx.reshape(-1)
        s = src.reshape(-1).astype(a.dtype, copy=False)
        if self.accumulate:
            xp_of(a).add.at(flat, i, s)
        else:
            flat[i] = s
        self.index = idx
        return out

    def backward(self, g):
        idx = Tensor._from_array(self.index)
        ga = g if self.accumulate else put(g, idx, g.new_zeros(idx.shape))
        gs = None
        if self.next_functions[2][0] is not None:
            gs = take(g, idx).reshape(self._input_meta[2][0])
        return ga, None, gs


@tensor_method("put")
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """Copy of ``input`` with ``source`` written (or added) at flat positions ``index``."""
    if index._data.dtype != np.int64:
        raise RuntimeError("put_(): Expected a long tensor for index, but got "
                           f"{_legacy(index._data.dtype)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"put_(): self ({_legacy(input._data.dtype)}) and source "
                           f"({_legacy(source._data.dtype)}) must have the same scalar type")
    if index._data.size != source._data.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source._data.size}, "
                           f"index.numel() = {index._data.size}")
    _check_flat_range(index._data, input._data.size)
    return Put.apply(input, index, source, accumulate=accumulate)


@tensor_method("take_along_dim")
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *,
                   out=None) -> Tensor:
    """``gather`` after broadcasting ``input`` and ``indices`` (flattened when ``dim`` is None)."""
    if indices._data.dtype != np.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be int64 but got "
                           f"{indices.dtype}")
    if dim is None:
        return write_out(out, gather(input.reshape(-1), 0, indices.reshape(-1)))
    nd = input._data.ndim
    if nd != indices._data.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {nd} dimensions for input, and "
                           f"{indices._data.ndim} dimensions for indices")
    d = wrap_dim(dim, nd)
    sizes = list(input._data.shape)
    sizes[d] = indices._data.shape[d]
    shape = list(_broadcast_or_raise([tuple(sizes), indices._data.shape]))
    ib = indices.expand(shape)
    shape[d] = input._data.shape[d]
    return write_out(out, gather(input.expand(shape), d, ib))


for _n, _f in (("scatter_", scatter), ("scatter_add_", scatter_add),
               ("scatter_reduce_", scatter_reduce), ("index_add_", index_add),
               ("index_copy_", index_copy), ("index_fill_", index_fill), ("put_", put)):
    _make_inplace(_n, _f)


# -- diagonals and triangles -------------------------------------------------------------------
def _diag_view(a, offset: int, d1: int, d2: int):
    """A writable NumPy view of a diagonal (NumPy's own ``diagonal`` is read-only)."""
    v = a.diagonal(offset, d1, d2)
    if a.flags.writeable:
        v.flags.writeable = True
    return v


class Diagonal(Op):
    grad_fn_name = "DiagonalBackward0"
    is_view = True

    def forward(self, a):
        return _diag_view(a, self.offset, self.dim1, self.dim2)

    def backward(self, g):
        return _DiagonalGrad.apply(g, shape=self._input_meta[0][0], offset=self.offset,
                                   dim1=self.dim1, dim2=self.dim2)


class DiagonalCopy(Diagonal):
    grad_fn_name = "DiagonalBackward0_copy"
    is_view = False

    def forward(self, a):
        return a.diagonal(self.offset, self.dim1, self.dim2).copy()


class _DiagonalGrad(Op):
    grad_fn_name = "DiagonalBackwardBackward0"

    def forward(self, g):
        out = xp_of(g).zeros(self.shape, g.dtype)
        _diag_view(out, self.offset, self.dim1, self.dim2)[...] = g
        return out

    def backward(self, gg):
        return Diagonal.apply(gg, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


def _diag_dims(nd: int, dim1: int, dim2: int):
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@tensor_method("diagonal")
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of two dims as a view, moved to the last dim (DiagonalBackward0)."""
    d1, d2 = _diag_dims(input._data.ndim, dim1, dim2)
    return Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)


class DiagEmbed(Op):
    grad_fn_name = "DiagEmbedBackward0"

    def forward(self, a):
        n = a.shape[-1] + abs(self.offset) if a.ndim else 1 + abs(self.offset)
        nd = a.ndim + 1
        shape = list(a.shape[:-1])
        for d in sorted((self.dim1, self.dim2)):
            shape.insert(d, n)
        out = xp_of(a).zeros(shape, a.dtype)
        _diag_view(out, self.offset, self.dim1, self.dim2)[...] = a
        del nd
        return out

    def backward(self, g):
        return Diagonal.apply(g, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


@tensor_method("diag_embed")
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose (dim1, dim2) diagonal holds the last dim of ``input``."""
    d1, d2 = _diag_dims(input._data.ndim + 1, dim1, dim2)
    return DiagEmbed.apply(input, offset=offset, dim1=d1, dim2=d2)


@tensor_method("diag")
def diag(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """1-D -> square matrix with it on a diagonal; 2-D -> its diagonal (a copy)."""
    nd = input._data.ndim
    if nd == 1:
        return write_out(out, DiagEmbed.apply(input, offset=diagonal, dim1=0, dim2=1))
    if nd == 2:
        return write_out(out, DiagonalCopy.apply(input, offset=diagonal, dim1=0, dim2=1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


class Tril(Op):
    grad_fn_name = "TrilBackward0"
    upper = False

    def forward(self, a):
        xp = xp_of(a)
        return xp.triu(a, self.k) if self.upper else xp.tril(a, self.k)

    def backward(self, g):
        return triu(g, self.k) if self.upper else tril(g, self.k)


class Triu(Tril):
    grad_fn_name = "TriuBackward0"
    upper = True


def _check_tri(input: Tensor, name: str) -> None:
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


@tensor_method("tril")
def tril(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """Lower triangle of the last two dims (elements above ``diagonal`` zeroed)."""
    _check_tri(input, "tril")
    return write_out(out, Tril.apply(input, k=diagonal))


@tensor_method("triu")
def triu(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """Upper triangle of the last two dims (elements below ``diagonal`` zeroed)."""
    _check_tri(input, "triu")
    return write_out(out, Triu.apply(input, k=diagonal))


for _n, _f in (("tril_", tril), ("triu_", triu), ("index_put_", index_put)):
    _make_inplace(_n, _f)


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
    """Zeros of ``shape`` with ``g`` put at ``indices`` along ``dim`` (for max/min/median)."""
    return ScatterAlong.apply(g, indices=indices, shape=shape, dim=dim, keepdim=keepdim)
