"""Reading elements by index: gather, index_select, take, take_along_dim, masked_select, nonzero,
argwhere, nonzero_static, isin and unravel_index, with PyTorch's checks and gradients (which
scatter back; their ops live in ``scatter``, imported where a backward needs them)."""

from __future__ import annotations

from ... import _dtype as D
from ..._backend import is_array, xp_of
from ..._tensor import Tensor
from .._base import Op, tensor_method, wrap_dim, write_out
from ..creation import tensor
from ..shape._kinds import need_int, need_tensor
from ._common import _broadcast_or_raise, _check_range, _first_bad, _legacy, _nd1, _shape_str
from .getitem import IndexPutZeros

__all__ = ["gather", "index_select", "take", "take_along_dim", "masked_select", "nonzero",
           "argwhere", "nonzero_static", "isin", "unravel_index"]

_INT64 = D.int64.np
_INDEX_DTYPES = (D.int64.np, D.int32.np)


# -- gather ------------------------------------------------------------------------------------
def _along(idx, dim: int) -> tuple:
    """A fancy index that addresses ``a[..., idx[p], ...]`` for every position p of idx."""
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
    if index._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def _check_gather_like(name, input: Tensor, dim: int, index: Tensor, src=None) -> int:
    """PyTorch's shape and range checks of gather/scatter; the wrapped dim."""
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
    # no wrap-around here: PyTorch's gather/scatter take indices in [0, size) only
    _check_range(ia, sshape[d], d, lo=0, exc=RuntimeError)
    return d


class Gather(Op):
    grad_fn_name = "GatherBackward0"
    params = ("dim",)

    def forward(self, a, idx):
        self.index = idx
        return _nd1(a)[_along(_nd1(idx), self.dim)].reshape(idx.shape)

    def backward(self, g):
        from .scatter import scatter_add

        z = g.new_zeros(self._input_meta[0][0])
        return scatter_add(z, self.dim, Tensor._from_array(self.index), g), None


@tensor_method("gather")
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out=None) -> Tensor:
    """``out[p] = input[..., index[p], ...]`` along ``dim`` (PyTorch's gather)."""
    if not (isinstance(input, Tensor) and dim.__class__ is int and isinstance(index, Tensor)):
        need_tensor("gather", input)
        need_int("gather", dim, "dim", 2)
        need_tensor("gather", index, "index", 3)
    _check_index_dtype(index, "gather")
    d = _check_gather_like("gather", input, dim, index)
    return write_out(out, Gather.apply(input, index, dim=d))


@tensor_method("take_along_dim")
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *,
                   out=None) -> Tensor:
    """``gather`` after broadcasting ``input`` and ``indices`` (flattened when ``dim`` is None)."""
    if indices._data.dtype != _INT64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_legacy(indices._data.dtype)}")
    if dim is None:
        return write_out(out, gather(input.reshape(-1), 0, indices.reshape(-1)))
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if nd != indices._data.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {nd} dimensions for input, and "
                           f"{indices._data.ndim} dimensions for indices")
    d = wrap_dim(dim, nd)
    sizes = list(input._data.shape)
    sizes[d] = indices._data.shape[d]
    shape = list(_broadcast_or_raise([tuple(sizes), indices._data.shape]))
    size = input._data.shape[d]
    ia = indices._data
    if _first_bad(ia, 0, size) is not None:
        # PyTorch 2.13 takes these indices modulo the size (Python's sign rule), not as errors
        if size == 0:
            raise RuntimeError("ZeroDivisionError")
        indices = Tensor._from_array(ia % size)
    ib = indices.expand(shape)
    shape[d] = size
    return write_out(out, gather(input.expand(shape), d, ib))


# -- index_select ------------------------------------------------------------------------------
def _take_dim(a, dim, idx):
    if a.ndim == 0:
        return a.reshape(1)[idx.reshape(-1)].reshape(())
    return xp_of(a).take(a, idx, axis=dim)


class IndexSelect(Op):
    grad_fn_name = "IndexSelectBackward0"
    params = ("dim",)

    def forward(self, a, idx):
        self.index = idx
        return _take_dim(a, self.dim, idx.reshape(-1) if a.ndim else idx)

    def backward(self, g):
        from .scatter import index_add

        z = g.new_zeros(self._input_meta[0][0])
        return index_add(z, self.dim, Tensor._from_array(self.index.reshape(-1)), g), None


@tensor_method("index_select")
def index_select(input: Tensor, dim: int, index: Tensor, *, out=None) -> Tensor:
    """Entries of ``input`` at ``index`` (1-D) along ``dim``: IndexSelectBackward0."""
    if not (isinstance(input, Tensor) and dim.__class__ is int and isinstance(index, Tensor)):
        need_tensor("index_select", input)
        need_int("index_select", dim, "dim", 2)
        need_tensor("index_select", index, "index", 3)
    if index._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    ia = index._data
    if input._data.ndim == 0 and ia.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {ia.size}"
                           " value(s)")
    bad = _first_bad(ia, 0, size)
    if bad is not None and input._data.ndim > 1:
        # PyTorch's kernels for an empty self and for dim 1 word the error differently
        if input._data.size == 0:
            if size == 0:
                raise RuntimeError("index_select(): self indexing axis dim should be positive")
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        if d == 1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
    if bad is not None:
        raise IndexError("index out of range in self")
    return write_out(out, IndexSelect.apply(input, index, dim=d))


# -- take --------------------------------------------------------------------------------------
def _check_flat_range(idx, n, empty_msg: str) -> None:
    """take/put's checks: ``empty_msg`` for a non-empty index into an empty tensor, else the first
    index outside ``[-n, n)``."""
    bad = _first_bad(idx, -n, n)
    if bad is not None:
        if n == 0:
            raise IndexError(empty_msg)
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")


class Take(Op):
    grad_fn_name = "TakeBackward0"
    params = ()

    def forward(self, a, idx):
        self.index = idx
        return a.reshape(-1)[idx]

    def backward(self, g):
        from .scatter import put

        z = g.new_zeros(self._input_meta[0][0])
        return put(z, Tensor._from_array(self.index), g, accumulate=True), None


@tensor_method("take")
def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened ``input`` at ``index`` (shape of ``index``)."""
    need_tensor("take", input)
    need_tensor("take", index, "index", 2)
    if index._data.dtype != _INT64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{_legacy(index._data.dtype)}")
    _check_flat_range(index._data, input._data.size, "take(): tried to take from an empty tensor")
    return Take.apply(input, index)


# -- masks and non-zeros -----------------------------------------------------------------------
class MaskedSelect(Op):
    grad_fn_name = "MaskedSelectBackward0"
    params = ()

    def forward(self, a, mask):
        xp = xp_of(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        self.shape = shape
        self.mask = xp.broadcast_to(mask, shape)
        return xp.broadcast_to(a, shape)[self.mask]

    def backward(self, g):
        return IndexPutZeros.apply(g, shape=self.shape, index=self.mask, accumulate=False), None


@tensor_method("masked_select")
def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
    """1-D tensor of the elements of ``input`` where ``mask`` (broadcast together) is True."""
    need_tensor("masked_select", input)
    need_tensor("masked_select", mask, "mask", 2)
    if mask._data.dtype != D.bool_.np:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    _broadcast_or_raise([mask._data.shape, input._data.shape])
    return write_out(out, MaskedSelect.apply(input, mask))


class Nonzero(Op):
    """The (n, ndim) int64 indices of the non-zero elements."""

    grad_fn_name = "NonzeroBackward0"
    non_differentiable = (0,)
    params = ()

    def forward(self, a):
        xp = xp_of(a)
        if a.ndim == 0:
            res = xp.zeros((1 if a != 0 else 0, 0), _INT64)
        else:
            res = xp.stack(xp.nonzero(a), axis=1).astype(_INT64) if a.size else \
                xp.zeros((0, a.ndim), _INT64)
        return xp.ascontiguousarray(res)


class NonzeroTuple(Op):
    """One 1-D int64 index array per dim (``nonzero(as_tuple=True)``)."""

    grad_fn_name = "NonzeroNumpyBackward0"
    params = ()

    def forward(self, a):
        nz = xp_of(a).nonzero(a.reshape(1) if a.ndim == 0 else a)
        self.non_differentiable = tuple(range(len(nz)))
        return tuple([i.astype(_INT64) for i in nz])


@tensor_method("nonzero")
def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    need_tensor("nonzero", input)
    if as_tuple:
        return NonzeroTuple.apply(input)
    return write_out(out, Nonzero.apply(input))


@tensor_method("argwhere")
def argwhere(input: Tensor) -> Tensor:
    """Same as ``nonzero(input)``."""
    return nonzero(input)


class NonzeroStatic(Op):
    """``nonzero`` padded with ``fill_value`` or cut to ``size`` rows."""

    grad_fn_name = "NonzeroStaticBackward0"
    non_differentiable = (0,)
    params = ("size", "fill_value")

    def forward(self, a):
        xp = xp_of(a)
        idx = xp.argwhere(a != 0).astype(_INT64)
        out = xp.full((self.size, a.ndim), self.fill_value, dtype=_INT64)
        k = min(self.size, idx.shape[0])
        out[:k] = idx[:k]
        return out


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``torch.nonzero_static``: ``nonzero`` padded with ``fill_value`` or cut to ``size`` rows."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got "
                           f"{size}")
    return NonzeroStatic.apply(input, size=size, fill_value=fill_value)


# -- lookups -----------------------------------------------------------------------------------
class Isin(Op):
    grad_fn_name = "IsinBackward0"
    non_differentiable = (0,)
    params = ("invert",)

    def forward(self, e, t):
        xp = xp_of(e) if is_array(e) else xp_of(t)  # one of them is a tensor's array
        return xp.isin(xp.asarray(e), xp.asarray(t), invert=self.invert)


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False
         ) -> Tensor:
    """``torch.isin``: whether each element occurs in ``test_elements`` (bool, elements' shape)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments")
    return Isin.apply(elements, test_elements, invert=invert)


class UnravelIndex(Op):
    """The coordinates in ``shape`` of flat indices: one int64 array per dim."""

    grad_fn_name = "UnravelIndexBackward0"
    params = ("shape",)

    def forward(self, idx):
        idx = idx.astype(_INT64)
        coords = []
        for s in reversed(self.shape):
            coords.append(idx % s if s else idx * 0)
            idx = idx // s if s else idx * 0
        self.non_differentiable = tuple(range(len(coords)))
        return tuple(reversed(coords))


def unravel_index(indices, shape) -> tuple:
    """``torch.unravel_index``: coordinates of flat indices in ``shape`` (a tuple of tensors)."""
    if not isinstance(indices, Tensor):
        indices = tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == D.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    if 0 in shape and indices.numel():  # PyTorch divides by the sizes
        raise RuntimeError("ZeroDivisionError")
    return UnravelIndex.apply(indices, shape=shape)


tensor_method("nonzero_static")(nonzero_static)
