"""Shape ops that return views sharing storage with their input, exactly where PyTorch's do:
view, reshape, flatten/unflatten, ravel, squeeze/unsqueeze, transpose/permute/t, expand, narrow,
select, unbind, movedim, view_as_real/complex; and ``broadcast_shapes``.
"""

from __future__ import annotations

import builtins
import math

from ..._backend import xp_of
from ..._tensor import Size, Tensor, array_strides, strided_array
from .._base import Op, recording, tensor_method, wrap_dim
from .._geometry import (
    expanded_view,
    permuted_view,
    reshaped_view,
    select_view,
    slice_view,
    squeezed_view,
    unsqueezed_view,
)
from ._kinds import combination, int_seq, is_int, is_int_list, need_int


class _All:
    """``squeeze``'s default dim (all dims): a given None is PyTorch's TypeError."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "None"


_ALL = _All()
_SQUEEZE = ("(Tensor input)", "(Tensor input, int dim)", "(Tensor input, tuple of ints dim)",
            "(Tensor input, name dim)")
_NARROW = ("(Tensor input, int dim, Tensor start, int length)",
           "(Tensor input, int dim, int start, int length)")
_MOVEDIM = ("(Tensor input, tuple of ints source, tuple of ints destination)",
            "(Tensor input, int source, int destination)")

__all__ = ["reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose", "swapaxes",
           "swapdims", "permute", "t", "narrow", "select", "unbind", "movedim", "moveaxis",
           "broadcast_to", "broadcast_shapes", "adjoint", "view_as_real", "view_as_complex",
           "atleast_1d", "atleast_2d", "atleast_3d", "ravel"]


def _shape_arg(shape, fname: str = "view", pname: str = "size", pos: int | None = 1) -> tuple:
    return int_seq(shape, fname, pname, pos)


def _infer_size(shape, numel: int) -> tuple:
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"[{', '.join(map(str, shape))}]")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of "
                               f"size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size "
                           f"{numel}")
    return shape


def _view_array(a, shape):
    """A view of ``a`` with ``shape``, or None when the strides do not allow one."""
    if a.flags.c_contiguous:
        return reshaped_view(a, a.reshape(shape))
    v = a.view()
    try:
        v.shape = shape
    except AttributeError:
        return None
    return reshaped_view(a, v)


class View(Op):
    grad_fn_name = "ViewBackward0"
    params = ("shape",)
    is_view = True

    def forward(self, a):
        v = _view_array(a, self.shape)
        if v is None:
            raise RuntimeError("view size is not compatible with input tensor's size and stride "
                               "(at least one dimension spans across two contiguous subspaces). "
                               "Use .reshape(...) instead.")
        return v

    def backward(self, g):
        return g.reshape(self._input_meta[0][0])


class ReshapeAlias(View):
    """``reshape`` of a non-contiguous tensor whose strides allow a view."""

    grad_fn_name = "ReshapeAliasBackward0"


class UnsafeView(Op):
    """A reshape of a fresh contiguous copy (``_unsafe_view``; not tracked as a view)."""

    grad_fn_name = "UnsafeViewBackward0"
    params = ("shape",)

    def forward(self, a):
        return a.reshape(self.shape)

    def backward(self, g):
        return g.reshape(self._input_meta[0][0])


@tensor_method("view")
def _view(self: Tensor, *shape) -> Tensor:
    """A view with a new shape (one dim may be -1); ``view(dtype)`` reinterprets the bits."""
    from ... import _dtype as D

    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    shape = _infer_size(_shape_arg(shape), self._data.size)
    return View.apply(self, shape=shape)


class ViewDtype(Op):
    """``view(dtype)``: the same bytes read as another dtype (a view; no gradient flows)."""

    grad_fn_name = "ViewBackward0"
    is_view = True
    non_differentiable = (0,)
    params = ("dtype",)

    def forward(self, a):
        return a.view(self.dtype)


def _view_dtype(self, dt):
    return ViewDtype.apply(self, dtype=dt.np)


@tensor_method("view_as")
def _view_as(self, other: Tensor) -> Tensor:
    return View.apply(self, shape=other._data.shape)


@tensor_method("reshape")
def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the strides allow it, else a copy (``torch.reshape``)."""
    shape = _infer_size(_shape_arg(shape, "reshape", "shape", 2), input._data.size)
    if input._data.flags.c_contiguous:
        return View.apply(input, shape=shape)
    if _view_array(input._data, shape) is not None:
        return ReshapeAlias.apply(input, shape=shape)
    # no view possible: PyTorch copies (CloneBackward0) and views the copy (UnsafeViewBackward0)
    from ..creation import Clone

    return UnsafeView.apply(Clone.apply(input, contiguous=True), shape=shape)


@tensor_method("ravel")
def ravel(input: Tensor) -> Tensor:
    """``torch.ravel``: a contiguous 1-D tensor, a view of the input only when it is contiguous."""
    if input._data.flags.c_contiguous:
        return View.apply(input, shape=(input._data.size,))
    from ..creation import Clone

    return View.apply(Clone.apply(input, contiguous=True), shape=(input._data.size,))


@tensor_method("reshape_as")
def _reshape_as(self, other: Tensor) -> Tensor:
    return reshape(self, other._data.shape)


@tensor_method("flatten")
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    # no position: a keyword call (``x.flatten(start_dim=...)``) cannot be told apart here
    need_int("flatten", start_dim, "start_dim", None)
    need_int("flatten", end_dim, "end_dim", None)
    nd = input._data.ndim
    if nd == 0:
        wrap_dim(start_dim, 0)
        wrap_dim(end_dim, 0)
        return reshape(input, (1,))
    s = wrap_dim(start_dim, nd)
    e = wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    new = shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:]
    return reshape(input, new)


@tensor_method("unflatten")
def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    if input._data.ndim == 0:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but "
                           "tensor has no dimensions")
    d = wrap_dim(dim, input._data.ndim)
    shp = input._data.shape
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    known = math.prod(v for v in sizes if v != -1)
    if -1 in sizes and (sizes.count(-1) > 1 or builtins.min(sizes) < -1):
        try:
            _infer_size(sizes, shp[d])
        except RuntimeError as e:
            raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    if -1 in sizes and not known and not shp[d]:
        raise RuntimeError("unflatten got an unexpected error:\ncannot reshape tensor of 0 "
                           f"elements into shape [{', '.join(map(str, sizes))}] because the "
                           "unspecified dimension size -1 can be any value and is ambiguous")
    if -1 in sizes and known and shp[d] % known == 0:
        sizes = _infer_size(sizes, shp[d])
    elif -1 in sizes or known != shp[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shp[d]}) in the input tensor")
    return _view(input, shp[:d] + sizes + shp[d + 1:])


class Squeeze(Op):
    grad_fn_name = "SqueezeBackward0"
    params = ("dims",)
    is_view = True

    def forward(self, a):
        r = a.reshape(tuple(s for i, s in enumerate(a.shape)
                            if not (i in self.dims and s == 1))) if a.flags.c_contiguous \
            else xp_of(a).squeeze(a, axis=tuple(d for d in self.dims if a.shape[d] == 1))
        return squeezed_view(a, r, self.dims)

    def backward(self, g):
        return g.reshape(self._input_meta[0][0])


class SqueezeDims(Squeeze):
    grad_fn_name = "SqueezeBackward1"


class SqueezeMulti(Squeeze):
    grad_fn_name = "SqueezeBackward2"


@tensor_method("squeeze")
def squeeze(input: Tensor, dim=_ALL) -> Tensor:
    """Remove size-1 dims (all, one, or a tuple), as a view."""
    nd = input._data.ndim
    if dim is _ALL:
        return Squeeze.apply(input, dims=tuple(builtins.range(nd)))
    if not is_int_list(dim):
        raise combination("squeeze", (input, dim), _SQUEEZE)
    if isinstance(dim, int):
        return SqueezeDims.apply(input, dims=(wrap_dim(dim, nd),))
    return SqueezeMulti.apply(input, dims=tuple(wrap_dim(d, nd) for d in dim))


class Unsqueeze(Op):
    grad_fn_name = "UnsqueezeBackward0"
    params = ("dim",)
    is_view = True

    def forward(self, a):
        return unsqueezed_view(a, xp_of(a).expand_dims(a, self.dim), self.dim)

    def backward(self, g):
        return g.squeeze(self.dim)


@tensor_method("unsqueeze")
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(input, dim=wrap_dim(dim, input._data.ndim + 1))


class Permute(Op):
    grad_fn_name = "PermuteBackward0"
    params = ("dims",)
    is_view = True

    def forward(self, a):
        return permuted_view(a, a.transpose(self.dims), self.dims)

    def backward(self, g):
        inv = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inv[d] = i
        return g.permute(inv)


class Transpose(Op):
    grad_fn_name = "TransposeBackward0"
    params = ("d0", "d1")
    is_view = True

    def forward(self, a):
        # a 0-d tensor transposes to an alias of itself (dims 0/-1 only)
        if not a.ndim:
            return a.view()
        r = xp_of(a).swapaxes(a, self.d0, self.d1)
        if r.size:
            return r
        dims = list(builtins.range(a.ndim))
        dims[self.d0], dims[self.d1] = self.d1, self.d0
        return permuted_view(a, r, dims)

    def backward(self, g):
        return g.transpose(self.d0, self.d1)


class T(Transpose):
    grad_fn_name = "TBackward0"

    def forward(self, a):
        if a.ndim != 2:
            return a.view()
        return permuted_view(a, xp_of(a).swapaxes(a, 0, 1), (1, 0))

    def backward(self, g):
        if not recording(g) and g._data.ndim == 2:
            return Tensor._from_array(g._data.T)  # no graph to record: the view alone
        return g.t()


@tensor_method("permute")
def permute(input: Tensor, *dims) -> Tensor:
    nd = input._data.ndim
    dims = _shape_arg(dims, "permute", "dims", 2)
    if len(dims) == nd:
        dims = tuple(wrap_dim(d, nd) for d in dims)
    else:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


@tensor_method("transpose", "swapaxes", "swapdims")
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    need_int("transpose", dim0, "dim0", 2)
    need_int("transpose", dim1, "dim1", 3)
    nd = input._data.ndim
    return Transpose.apply(input, d0=wrap_dim(dim0, nd), d1=wrap_dim(dim1, nd))


swapaxes = swapdims = transpose


@tensor_method("t")
def t(input: Tensor) -> Tensor:
    """Transpose of a matrix (0-D and 1-D tensors are returned as views of themselves)."""
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return T.apply(input, d0=0, d1=1)


def _identity_view(input):
    return View.apply(input, shape=input._data.shape)


def _T(self: Tensor) -> Tensor:
    nd = self._data.ndim
    if nd != 2 and nd != 0:
        import warnings

        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                      "shape is deprecated and it will throw an error in a future release. "
                      "Consider `x.mT` to transpose batches of matrices or "
                      "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                      "dimensions of a tensor.", UserWarning, stacklevel=2)
    return Permute.apply(self, dims=tuple(builtins.range(nd - 1, -1, -1)))


def _mT(self: Tensor) -> Tensor:
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


def _H(self: Tensor) -> Tensor:
    return _T(self).conj() if self.is_complex() else _T(self)


tensor_method("T")(property(_T))
tensor_method("mT")(property(_mT))
tensor_method("H")(property(_H))
tensor_method("mH")(property(lambda self: _mT(self).conj() if self.is_complex() else _mT(self)))


@tensor_method("adjoint")
def adjoint(input: Tensor) -> Tensor:
    return _mT(input).conj() if input.is_complex() else _mT(input)


# the type names PyTorch prints in expand's error for dtypes without a legacy tensor type
#: dtypes whose expand error names the dispatch type (``CPUBoolType``), not the legacy class
_EXPAND_CPU_TYPE = ("bool", "complex64", "complex128", "bfloat16")


class Expand(Op):
    grad_fn_name = "ExpandBackward0"
    params = ("shape",)
    is_view = True

    def forward(self, a):
        return expanded_view(a, xp_of(a).broadcast_to(a, self.shape))

    def backward(self, g):
        return g  # the engine sums back to the input shape


@tensor_method("expand")
def _expand(self: Tensor, *sizes) -> Tensor:
    """Broadcast to a larger size without copying (stride 0); -1 keeps a dim."""
    sizes = _shape_arg(sizes, "expand", "size", 1)
    shp = self._data.shape
    if len(sizes) < len(shp):
        d = self.dtype
        tname = f"CPU{d.c_name}Type" if d.name in _EXPAND_CPU_TYPE else "torch." + d.legacy_name
        raise RuntimeError(f"expand({tname}{{[{', '.join(map(str, shp))}]}}, "
                           f"size=[{', '.join(map(str, sizes))}]): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({len(shp)})")
    off = len(sizes) - len(shp)
    new = []
    for i in builtins.range(len(sizes) - 1, -1, -1):  # from the last dim, as PyTorch
        s = sizes[i]
        if i >= off:
            cur = shp[i - off]
            if s == -1:
                s = cur
            elif cur != 1 and cur != s:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the "
                                   f"existing size ({cur}) at non-singleton dimension {i}.  "
                                   f"Target sizes: [{', '.join(map(str, sizes))}].  Tensor "
                                   f"sizes: [{', '.join(map(str, shp))}]")
        elif s == -1 and shp:  # (a 0-d tensor's sizes are checked below only, as torch)
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                               f"non-existing dimension {i}")
        new.append(s)
    new = tuple(reversed(new))
    if any(n < 0 for n in new):  # a negative size reached the element count, as in torch
        raise RuntimeError("numel: integer multiplication overflow")
    if new == shp:
        return _identity_view_expand(self)
    return Expand.apply(self, shape=new)


def _identity_view_expand(self):
    return Expand.apply(self, shape=self._data.shape)


@tensor_method("expand_as")
def _expand_as(self, other: Tensor) -> Tensor:
    return _expand(self, other._data.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    return _expand(input, tuple(size))


def broadcast_shapes(*shapes) -> Size:
    """``torch.broadcast_shapes``: the broadcast of the shapes, PyTorch's error on mismatch."""
    norm = []
    for s in shapes:
        s = (s,) if isinstance(s, int) or (hasattr(s, "__index__") and
                                            not isinstance(s, (tuple, list, Size))) else s
        s = tuple(int(v) for v in s)
        for v in s:
            if v < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {v}: "
                                   f"{list(s)}")
        norm.append(s)
    ndim = builtins.max((len(s) for s in norm), default=0)
    out = [1] * ndim
    for idx, s in enumerate(norm):
        for k in builtins.range(1, len(s) + 1):
            v = s[-k]
            if v == 1:
                continue
            if out[-k] == 1:
                out[-k] = v
            elif out[-k] != v:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {v} at {-k}! Mismatching "
                    f"argument at index {idx} had {tuple(s)}; but expected shape should be "
                    f"broadcastable to {out}")
    return Size(tuple(out))


class Slice(Op):
    grad_fn_name = "SliceBackward0"
    params = ("index",)
    is_view = True

    def forward(self, a):
        d = len(self.index) - 1
        return slice_view(a, a[self.index], d, self.index[d])

    def backward(self, g):
        shape, dt = self._input_meta[0]
        from ..indexing import slice_grad

        return slice_grad(g, shape, self.index)


class Select(Slice):
    grad_fn_name = "SelectBackward0"

    def forward(self, a):
        d = len(self.index) - 1  # a 0-d view below, not a NumPy scalar, for 1-D input
        return select_view(a, a[self.index + (Ellipsis,)], d, self.index[d])


@tensor_method("narrow")
def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    if not (dim.__class__ is int and start.__class__ is int and length.__class__ is int) and not (
            is_int(dim) and is_int(start) and is_int(length)):
        raise combination("narrow", (input, dim, start, length), _NARROW)
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    length = int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    idx = (slice(None),) * d + (slice(start, start + length),)
    return Slice.apply(input, index=idx)


@tensor_method("select")
def select(input: Tensor, dim: int, index: int) -> Tensor:
    need_int("select", dim, "dim", 2)
    need_int("select", index, "index", 3)
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, nd)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"[{', '.join(map(str, input._data.shape))}] at dimension {d}")
    idx = (slice(None),) * d + (index % size,)
    return Select.apply(input, index=idx)


class Unbind(Op):
    grad_fn_name = "UnbindBackward0"
    params = ("dim",)
    is_view = True

    def forward(self, a):
        lead = (slice(None),) * self.dim
        return tuple(select_view(a, a[lead + (i,)], self.dim, i)
                     for i in builtins.range(a.shape[self.dim]))

    def backward(self, *grads):
        from ..join import stack

        return stack(list(grads), self.dim)


@tensor_method("unbind")
def unbind(input: Tensor, dim: int = 0) -> tuple:
    d = wrap_dim(dim, input._data.ndim)
    if input._data.shape[d] == 0:
        return ()
    return Unbind.apply(input, dim=d)


@tensor_method("movedim", "moveaxis")
def movedim(input: Tensor, source, destination) -> Tensor:
    if not (source.__class__ is int and destination.__class__ is int) and not (
            is_int(source) and is_int(destination)) and not (
            isinstance(source, (tuple, list)) and isinstance(destination, (tuple, list))
            and is_int_list(source) and is_int_list(destination)):
        raise combination("movedim", (input, source, destination), _MOVEDIM)
    nd = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"([{', '.join(map(str, src))}] dims) should contain the same number "
                           f"of dims as destination ([{', '.join(map(str, dst))}] dims)")
    src = tuple(wrap_dim(s, nd) for s in src)
    dst = tuple(wrap_dim(s, nd) for s in dst)
    if nd == 0:  # PyTorch wraps 0 and -1 as the one dim of a 0-d tensor
        return permute(input, ())
    order = [i for i in builtins.range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


class ViewAsReal(Op):
    grad_fn_name = "ViewAsRealBackward0"
    params = ()
    is_view = True

    def forward(self, a):
        # as_strided over the real part keeps aliasing for 0-d and non-contiguous inputs
        re = a.real
        if not a.size:  # an empty input's strides are PyTorch's, doubled
            return strided_array(re, a.shape + (2,), [2 * s for s in array_strides(a)] + [1])
        return xp_of(a).lib.stride_tricks.as_strided(
            re, a.shape + (2,), re.strides + (re.itemsize,))

    def backward(self, g):
        return view_as_complex(g.contiguous())


class ViewAsComplex(Op):
    grad_fn_name = "ViewAsComplexBackward0"
    params = ()
    is_view = True

    def forward(self, a):
        if a.shape[-1] != 2:
            raise RuntimeError("Tensor must have a last dimension of size 2")
        c = {4: xp_of(a).complex64, 8: xp_of(a).complex128}[a.itemsize]
        return xp_of(a).ascontiguousarray(a).view(c).reshape(a.shape[:-1])

    def backward(self, g):
        return view_as_real(g)


def view_as_real(input: Tensor) -> Tensor:
    return ViewAsReal.apply(input)


def view_as_complex(input: Tensor) -> Tensor:
    return ViewAsComplex.apply(input)


def atleast_1d(*tensors):
    res = [t.reshape(1) if t.ndim == 0 else t for t in _flat(tensors)]
    return res[0] if len(res) == 1 else tuple(res)


def atleast_2d(*tensors):
    res = []
    for t in _flat(tensors):
        if t.ndim == 0:
            t = t.reshape(1, 1)
        elif t.ndim == 1:
            t = t.unsqueeze(0)
        res.append(t)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_3d(*tensors):
    res = []
    for t in _flat(tensors):
        if t.ndim == 0:
            t = t.reshape(1, 1, 1)
        elif t.ndim == 1:
            t = t.unsqueeze(0).unsqueeze(-1)
        elif t.ndim == 2:
            t = t.unsqueeze(-1)
        res.append(t)
    return res[0] if len(res) == 1 else tuple(res)


def _flat(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


tensor_method("broadcast_to")(broadcast_to)
