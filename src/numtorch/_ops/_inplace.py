"""In-place ops: write an out-of-place result into ``self`` with PyTorch's autograd semantics.

``inplace(self, fn, *args)`` runs ``fn`` on a snapshot of ``self`` (so a gradient formula that
needs the old value still sees it), writes the result into ``self``'s storage, bumps the shared
version counter and rebases ``self``'s ``grad_fn`` onto the new node. When ``self`` is a view,
the base's ``grad_fn`` becomes a ``CopySlices`` node (and the view's an ``AsStridedBackward0``),
so gradients flow through the base as in PyTorch (see Note [CopySlices] below).

A write into a tensor with internal overlap (an expand: a stride-0 dim of size > 1) raises
PyTorch's "unsupported operation" error, except for the ops PyTorch lets through (fill_, zero_,
index_put_, masked_fill_, index_fill_, tril_/triu_), which write only the elements they change.
"""

from __future__ import annotations

import builtins
import math

from .._backend import data_ptr, host, xp_of
from .._dtype import _BY_NP
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.engine import _fit
from ..autograd.graph import Node, _sequence, edge_of

NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace to "
    "be tracked).")


def torch_type_name(dt) -> str:
    """PyTorch's scalar type name of a NumPy dtype (``Float``, ``Long``...)."""
    return _BY_NP[dt].c_name


def check_cast(src, dst) -> None:
    """PyTorch's error when an in-place result can't be cast to ``self``'s dtype."""
    order = "biufc"
    if order.index(src.kind) > order.index(dst.kind) and not (src.kind in "iu"
                                                               and dst.kind in "iu"):
        raise RuntimeError(f"result type {torch_type_name(src)} can't be cast to the desired "
                           f"output type {torch_type_name(dst)}")


def _check_shape(res_shape, shape) -> None:
    if res_shape == shape:
        return
    try:
        ok = host.broadcast_shapes(res_shape, shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"output with shape [{', '.join(map(str, shape))}] doesn't match the "
                           f"broadcast shape [{', '.join(map(str, res_shape))}]")


OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a "
           "single memory location. Please clone() the tensor before performing the operation.")
#: in-place ops PyTorch lets write into an expanded tensor (with the warning they give, if any)
_OVERLAP_WARN = {
    "index_put": "index_put_", "masked_fill": "masked_fill_", "index_fill": "index_fill_",
    "tril": None, "triu": None}
_SUFFIX = {"index_put_": "tensor[indices] = tensor"}
#: what ``fn`` passes through to a write that checks the overlap itself (fill_, zero_, setitem)
OVERLAP_OK = set()
#: set by ``autograd.forward_ad`` while a dual level is active: ``inplace_start(self, snapshot)``
#: and ``inplace_done(self, result)`` carry tangents through in-place writes
_forward_hook = None


def _overlaps(arr) -> bool:
    """PyTorch's ``has_internal_overlap``: a dim of size > 1 with stride 0 (an expand)."""
    if not arr.size:
        return False
    for n, s in zip(arr.shape, arr.strides):
        if s == 0 and n > 1:
            return True
    return False


def prepare_write(arr, check: bool = True):
    """Before writing into ``arr``: PyTorch's error when it overlaps itself (``check``), and a
    read-only view of writable memory (an expand) made writable."""
    if check and _overlaps(arr):
        raise RuntimeError(OVERLAP)
    flags = arr.flags
    if not getattr(flags, "writeable", True):
        try:
            flags.writeable = True
        except ValueError:
            pass


def prepare_out(arr) -> None:
    """Before a result is copied into an ``out=`` tensor: as :func:`prepare_write`."""
    if 0 in arr.strides or arr.base is not None and not getattr(arr.flags, "writeable", True):
        prepare_write(arr, True)


def prepare_setitem(self: Tensor, region, advanced: bool) -> None:
    """``self[index] = v``: the overlap error for a basic index into an expanded tensor (an
    advanced one only warns in PyTorch); the target made writable."""
    arr = self._data
    if 0 in arr.strides or arr.base is not None and not getattr(arr.flags, "writeable", True):
        if not advanced:
            prepare_write(region(), True)
        prepare_write(arr, False)


def _guard(self: Tensor, fn) -> bool:
    """Check/prepare ``self`` for ``fn``'s write; True when the write must touch only the
    changed elements (an op PyTorch lets write into an expanded tensor)."""
    arr = self._data
    name = getattr(fn, "__name__", "")
    if fn in OVERLAP_OK or getattr(fn, "__qualname__", "") == "_setitem.<locals>.put":
        prepare_write(arr, False)  # checked by the caller
        return _overlaps(arr)
    if name in _OVERLAP_WARN and _overlaps(arr):
        import warnings

        op = _OVERLAP_WARN[name]
        if op is not None:
            warnings.warn(f"Use of {op} on expanded tensors is deprecated. Please clone() the "
                          "tensor before performing this operation. This also applies to "
                          "advanced indexing e.g. "
                          f"{_SUFFIX.get(op, 'tensor[mask] = scalar')}", UserWarning,
                          stacklevel=4)
        prepare_write(arr, False)
        return True
    prepare_write(arr, True)
    return False


def _write(dst, src, sparse: bool) -> None:
    if sparse:  # only the elements the op changed, as PyTorch's kernel writes them
        changed = xp_of(dst).broadcast_to(src != dst, dst.shape)
        dst[changed] = xp_of(dst).broadcast_to(src, dst.shape)[changed]
    else:
        dst[...] = src


def inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """Run ``fn(self, ...)`` out of place and write the result into ``self`` (see module doc)."""
    self._check_inplace()
    arr = self._data
    sparse = False
    if 0 in arr.strides or arr.base is not None and not getattr(arr.flags, "writeable", True):
        sparse = _guard(self, fn)
    tracking = grad_mode.state.enabled and (self._requires_grad or builtins.any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    if not tracking:
        res = fn(self, *args, **kwargs)
        check_cast(res._data.dtype, self._data.dtype)
        _check_shape(res._data.shape, self._data.shape)
        _write(self._data, res._data, sparse)
        self._version_box[0] += 1
        if _forward_hook is not None:
            _forward_hook.inplace_done(self, res)
        return self
    base = self._base
    if base is not None and self.__dict__.get("_no_grad_view") and base._requires_grad:
        raise RuntimeError(NO_GRAD_VIEW)
    old = Tensor._from_array(self._data.copy(), self._requires_grad)
    old.grad_fn, old._output_nr = self.grad_fn, self._output_nr
    if self.grad_fn is None and self._requires_grad:
        old._acc = self._acc
    if _forward_hook is not None:
        _forward_hook.inplace_start(self, old)
    res = fn(old, *args, **kwargs)
    check_cast(res._data.dtype, self._data.dtype)
    _check_shape(res._data.shape, self._data.shape)
    if base is not None and res.grad_fn is not None:
        _rebase_view(self, base, old, res)
    elif res.grad_fn is not None:
        self.grad_fn = res.grad_fn
        self._output_nr = res._output_nr
        self._requires_grad = True
    _write(self._data, res._data, sparse)
    self._version_box[0] += 1
    _resave_output(res, self)
    if _forward_hook is not None:
        _forward_hook.inplace_done(self, res)
    return self


def _resave_output(res: Tensor, self: Tensor) -> None:
    """A node that saved its output must now watch ``self``, which holds that output."""
    refs = getattr(res.grad_fn, "_saved_refs", None)
    if not refs:
        return
    nr = res._output_nr
    res.grad_fn._saved_refs = [
        ("out", self._data, self._version_box, self._version_box[0], i)
        if kind == "out" and i == nr else (kind, obj, box, v, i)
        for kind, obj, box, v, i in refs]


def _rebase_view(view: Tensor, base: Tensor, old: Tensor, res: Tensor) -> None:
    node = CopySlices._wrap(base, view, old, res)
    base.grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    strided = AsStridedBackward0()
    strided.next_functions = ((node, 0),)
    strided._input_meta = ((base._data.shape, base.dtype),)
    strided._n_outputs = 1
    strided._out_meta = ((view._data.shape, view.dtype),)
    strided.positions = node.positions
    strided._seq = next(_sequence)
    view.grad_fn = strided
    view._output_nr = 0
    view._requires_grad = True


def view_positions(view, base):
    """For each element of ``view`` (an array sharing ``base``'s memory), its flat C-order index
    in ``base`` (a host integer array: index bookkeeping computed from shapes and strides)."""
    def byte_offsets(arr, start):
        off = host.full(arr.shape, start, dtype=host.int64)
        for k, (n, s) in enumerate(zip(arr.shape, arr.strides)):
            shape = [1] * arr.ndim
            shape[k] = n
            off = off + (host.arange(n, dtype=host.int64) * s).reshape(shape)
        return off

    boff = byte_offsets(base, 0).reshape(-1)
    voff = byte_offsets(view, data_ptr(view) - data_ptr(base))
    order = host.argsort(boff, kind="stable")
    pos = host.searchsorted(boff[order], voff)
    return order[host.minimum(pos, order.size - 1)]


def _scatter_mask(positions, base):
    """A bool array shaped like ``base`` (on its device), True at ``positions``."""
    mask = xp_of(base).zeros(base.size, dtype=bool)
    mask[positions.reshape(-1)] = True
    return mask.reshape(base.shape)


# Note [CopySlices]
# ~~~~~~~~~~~~~~~~~
# Invariant: after an in-place op writes through a view, the *base's* graph records the write.
# A view shares its base's storage and version counter, so ``view.mul_(2)`` changes ``base``'s
# values too; gradients that flow into ``base`` afterwards must see that multiplication. So
# ``_rebase_view`` makes ``base.grad_fn`` a CopySlices node that
#   * wraps the in-place op's node (``fn``) when the op's first input was the view's old value:
#     the incoming gradient at the view's positions (``positions``, flat indices into the base)
#     goes through ``fn``; ``fn``'s gradient for the old value is scattered back into those
#     positions; everywhere else (``mask`` False) the base's gradient passes unchanged to the
#     base's previous history (``next_functions[0]``);
#   * else takes the new view value as a plain input (gradient 0 at the positions for the base).
# The view itself gets an AsStridedBackward0 node reading its part of the base's gradient, so
# later uses of the view and of the base share the one rewritten history (as PyTorch does).
class CopySlices(Node):
    """The base's node after an in-place op on one of its views (``CopySlices`` in PyTorch);
    see Note [CopySlices]."""

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    @classmethod
    def _wrap(cls, base, view, old, res):
        node = cls()
        node.positions = view_positions(view._data, base._data)
        node.mask = _scatter_mask(node.positions, base._data)
        node.view_meta = (view._data.shape, view.dtype)
        fn = res.grad_fn
        base_edge = edge_of(base)
        old_edge = edge_of(old)
        if (isinstance(fn.next_functions, tuple) and fn.next_functions
                and fn.next_functions[0] == old_edge and res._output_nr == 0
                and getattr(fn, "_n_outputs", 1) == 1):
            node.fn = fn
            node.next_functions = (base_edge,) + tuple(fn.next_functions[1:])
            node._input_meta = ((base._data.shape, base.dtype),) + tuple(fn._input_meta[1:])
        else:
            node.fn = None
            node.next_functions = (base_edge, edge_of(res))
            node._input_meta = ((base._data.shape, base.dtype), node.view_meta)
        node._n_outputs = 1
        node._out_meta = ((base._data.shape, base.dtype),)
        node._seq = next(_sequence)
        return node

    def backward(self, g):
        from .pointwise.ternary import where  # the pointwise package imports this module

        flat = g.reshape(-1)
        gv = flat[self.positions]
        mask = Tensor._from_array(self.mask)
        if self.fn is None:
            return where(mask, g.new_zeros(()), g), gv
        grads = self.fn.backward(gv)
        if type(grads) is not tuple:
            grads = (grads,)
        g_old = grads[0]
        if g_old is None:
            g_base = where(mask, g.new_zeros(()), g)
        else:
            g_old = _fit(g_old, self.view_meta)
            from .indexing import IndexPutZeros

            placed = IndexPutZeros.apply(g_old.reshape(-1), shape=(self.mask.size,),
                                         index=(self.positions.reshape(-1),), accumulate=False)
            g_base = where(mask, placed.reshape(self.mask.shape), g)
        return (g_base,) + tuple(grads[1:])

    def _release(self) -> None:
        if self.fn is not None:
            self.fn._release()


class AsStridedBackward0(Node):
    """The grad_fn of a view after an in-place op through it: reads its part of the base."""

    def backward(self, g):
        from .indexing import IndexPutZeros

        shape = self._input_meta[0][0]
        n = math.prod(shape)
        placed = IndexPutZeros.apply(g.reshape(-1), shape=(n,),
                                     index=(self.positions.reshape(-1),), accumulate=True)
        return placed.reshape(shape)

