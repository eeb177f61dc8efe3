"""``Tensor.__getitem__``/``__setitem__`` and ``index_put`` with PyTorch's semantics and nodes.

Indexing follows PyTorch's two phases: basic components (ints, slices, None, Ellipsis) are applied
left to right as views (SelectBackward0, SliceBackward0, UnsqueezeBackward0; AliasBackward0 when
nothing changed), then any tensor/list/bool components index the view once (IndexBackward0), so
the placement of advanced dims is decided after ints were selected away, as in PyTorch.
"""

from __future__ import annotations

import builtins

from ... import _dtype as D
from ..._backend import add_at, host, xp_of
from ..._tensor import Tensor
from .._base import Op, recording, tensor_method
from .._geometry import select_view, slice_view, unsqueezed_view
from .._inplace import inplace, prepare_setitem
from ._common import _legacy, _make_inplace, _shape_str

__all__ = ["index_put"]

_SELECT, _SLICE, _UNSQ = 0, 1, 2
_INDEX_TYPES = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables " \
               "are valid indices (got {})"
_INT_BOOL_ONLY = "tensors used as indices must be long, int, byte or bool tensors"
_BOOL = D.bool_.np
_UINT8 = D.uint8.np
_INT64 = D.int64.np


# -- parsing an index into view steps and one advanced index ----------------------------------
def _as_tuple(index) -> tuple:
    """PyTorch's rule for when a non-tuple sequence is a tuple of indices."""
    if isinstance(index, tuple):
        return index
    if isinstance(index, list) and len(index) < 32 and builtins.any(
            isinstance(v, (slice, Tensor, list, tuple, range, host.ndarray)) or v is None
            or v is Ellipsis
            for v in index):
        return tuple(index)
    return (index,)


def _index_array(v):
    """A list/tuple/ndarray/Tensor index as an integer or bool ndarray."""
    if isinstance(v, Tensor):
        a = v._data
    elif isinstance(v, host.ndarray):
        a = v
    else:
        vals = _nested(v)
        a = host.asarray(vals) if len(v) else host.zeros(0, _INT64)
    if a.dtype.kind not in "biu":
        raise IndexError(_INT_BOOL_ONLY)
    if a.dtype == _UINT8:
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
    bad = None
    for c in comps:
        if c is None or c is Ellipsis:
            conv.append(c)
            continue
        if isinstance(c, (bool, host.bool_)):
            conv.append(("bool", builtins.bool(c)))
            continue
        if isinstance(c, (int, host.integer)):
            conv.append(int(c))
            n_spec += 1
            continue
        if isinstance(c, slice):
            conv.append(_slice(c))
            n_spec += 1
            continue
        if isinstance(c, Tensor) and c._data.ndim == 0:
            k = c._data.dtype.kind
            if k in "iu" and c._data.dtype != _UINT8:
                conv.append(int(c._data))
                n_spec += 1
                continue
            if k == "b" or c._data.dtype == _UINT8:
                conv.append(("bool", builtins.bool(c._data)))
                continue
            raise IndexError(_INT_BOOL_ONLY)
        if isinstance(c, (Tensor, list, tuple, range, host.ndarray)):  # range: a sequence
            a = _index_array(c)
            conv.append(a)
            n_spec += a.ndim if a.dtype == _BOOL else 1
            continue
        if bad is None and isinstance(c, (str, bytes)):  # PyTorch makes a tensor of it
            bad = TypeError(f"new(): invalid data type '{type(c).__name__}'")
        elif bad is None and (isinstance(c, (float, complex)) or not hasattr(c, "__index__")):
            bad = IndexError(_INDEX_TYPES.format(type(c).__name__))
        if bad is None:
            conv.append(int(c))
        n_spec += 1
    if n_spec > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    if bad is not None:  # a wrong kind of index counts as one, after the rank check
        raise bad
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
            adv[dim] = host.zeros(1 if c[1] else 0, _INT64)
            dim += 1
        elif c.dtype == _BOOL:
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
    """The NumPy index for the advanced phase: bool masks become their nonzero arrays. Bounds
    follow PyTorch's kernel: indices in ``[-size, size)``, checked only when the result has
    elements, the first bad one (in broadcast order, then index order) named."""
    last = max(adv)
    out = []
    arrays = []  # (array, size of its dim, its position among the index tensors)
    pos = 0
    d = 0
    while d <= last:
        a = adv.get(d)
        if a is None:
            out.append(slice(None))
            d += 1
            continue
        if a.dtype == _BOOL:
            nz = xp_of(a).nonzero(a)
            out.extend(nz)
            arrays.extend((z, cur[d + k], pos + k) for k, z in enumerate(nz))
            d += a.ndim
            pos += a.ndim
            continue
        a = a.astype(_INT64, copy=False)
        out.append(a)
        arrays.append((a, cur[d], pos))
        d += 1
        pos += 1
    try:
        bshape = host.broadcast_shapes(*(a.shape for a, _, _ in arrays))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with "
                         "shapes " + ", ".join(_shape_str(a.shape) for a, _, _ in arrays)) from None
    if 0 in bshape:
        return tuple(out)
    if 0 in cur:
        if builtins.any(n == 0 for _, n, _ in arrays):
            raise IndexError("index is out of bounds for dimension with size 0")
        # an empty result (a zero in a sliced dim): PyTorch never reads the indices
        return tuple(o if isinstance(o, slice) else o * 0 for o in out)
    for a, n, _ in arrays:
        if int(a.min()) < -n or int(a.max()) >= n:
            _raise_first_bad(arrays, bshape)
    return tuple(out)


def _raise_first_bad(arrays, bshape) -> None:
    """Name the index PyTorch's kernel meets first: broadcast positions in C order, then the
    index tensors in order."""
    xp = xp_of(arrays[0][0])
    bad = xp.stack([xp.broadcast_to((a < -n) | (a >= n), bshape).reshape(-1)
                    for a, n, _ in arrays], axis=1)
    p, k = divmod(int(bad.reshape(-1).argmax()), len(arrays))
    a, n, dim = arrays[k]
    val = int(xp.broadcast_to(a, bshape).reshape(-1)[p])
    raise IndexError(f"index {val} is out of bounds for dimension {dim} with size {n}")


def _step_array(a, kind, dim, arg):
    if kind == _SELECT:
        return select_view(a, a[(slice(None),) * dim + (arg, Ellipsis)], dim, arg)
    if kind == _SLICE:
        return slice_view(a, a[(slice(None),) * dim + (arg,)], dim, arg)
    return unsqueezed_view(a, xp_of(a).expand_dims(a, dim), dim)


def _region(a, steps):
    """The NumPy view that ``steps`` select from ``a``."""
    for kind, dim, arg in steps:
        a = _step_array(a, kind, dim, arg)
    return a


# -- getitem ---------------------------------------------------------------------------------
class Select(Op):
    grad_fn_name = "SelectBackward0"
    is_view = True
    params = ("index",)

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
    params = ("dim",)

    def forward(self, a):
        return unsqueezed_view(a, xp_of(a).expand_dims(a, self.dim), self.dim)

    def backward(self, g):
        return g.squeeze(self.dim)


class Index(Op):
    grad_fn_name = "IndexBackward0"
    params = ("index",)

    def forward(self, a):
        return a[self.index]

    def backward(self, g):
        return IndexPutZeros.apply(g, shape=self._input_meta[0][0], index=self.index,
                                   accumulate=True)


class IndexPutZeros(Op):
    """Gradient of indexing: a zero tensor of the input shape with ``g`` put at ``index``."""

    grad_fn_name = "IndexPutBackward0"
    params = ("shape", "index", "accumulate")

    def forward(self, g):
        out = xp_of(g).zeros(self.shape, dtype=g.dtype)
        if self.accumulate:
            add_at(out, self.index, g)
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
    if not recording(t):
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
    params = ("steps", "adv", "accumulate")

    def forward(self, a, v):
        out = xp_of(a).array(a, copy=True)
        r = _region(out, self.steps)
        if self.adv is not None:
            if self.accumulate:
                add_at(r, self.adv, v)
            else:
                r[self.adv] = v
        else:
            r[...] = v
        return out

    def backward(self, g):
        ga = g if self.accumulate else _ZeroRegion.apply(g, steps=self.steps, adv=self.adv)
        gv = None
        if self.needs_input_grad[1]:
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
    params = ("steps", "adv")

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
    if isinstance(value, (builtins.bool, int, float, complex, host.number, host.bool_)):
        return None
    raise TypeError(f"can't assign a {type(value).__name__} to a torch.{_legacy(self._data.dtype)}"
                    "Tensor")


@tensor_method("__setitem__")
def _setitem(self: Tensor, index, value) -> None:
    """PyTorch's ``x[index] = value``: copy_/fill_ into a view, or index_put_ (broadcasting)."""
    steps, adv, cur = _parse(self._data.shape, index, setitem=True)
    vt = _value_tensor(self, value)
    if adv is not None:
        target = host.broadcast_to(host.empty((), _BOOL), cur)[adv].shape
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
                ok = host.broadcast_shapes(stripped, target) == tuple(target)
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
    prepare_setitem(self, lambda: _region(self._data, steps), adv is not None)
    if not recording(self, vt):
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

    def put(old, v):
        return op.apply(old, v, steps=steps, adv=adv, accumulate=False)
    inplace(self, put, vt if vt is not None else value)


# -- index_put -------------------------------------------------------------------------------
@tensor_method("index_put")
def index_put(input: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """Out-of-place ``input[indices] = values`` (``+=`` with ``accumulate``): IndexPutBackward0."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    for k, i in enumerate(indices):
        if not isinstance(i, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got "
                            f"{type(i).__name__}")
    nd = input._data.ndim
    got = builtins.sum(i._data.ndim if i._data.dtype in (_BOOL, _UINT8) else 1 for i in indices)
    if got > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd} (got {got})")
    steps, adv, _ = _parse(input._data.shape, tuple(indices))
    values = values if isinstance(values, Tensor) else _scalar_like(values, input)
    if values._data.dtype != input._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_legacy(input._data.dtype)} for the destination and "
                           f"{_legacy(values._data.dtype)} for the source.")
    if adv is None:
        adv = (Ellipsis,)
    return IndexPut.apply(input, values, steps=[], adv=adv, accumulate=accumulate)


def _scalar_like(v, like: Tensor) -> Tensor:
    return Tensor._from_array(xp_of(like._data).asarray(v, dtype=like._data.dtype))


_make_inplace("index_put_", index_put)

