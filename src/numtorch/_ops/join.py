"""Joining and tiling: cat/stack and their h/v/d/column variants, repeat, tile,
repeat_interleave, flip/fliplr/flipud, roll, rot90, unfold (a window view), meshgrid,
broadcast_tensors, block_diag and cartesian_prod, with PyTorch's dtypes, graphs and errors."""

from __future__ import annotations

import builtins
import math

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out
from .creation import _create
from .shape._kinds import int_seq, need_int

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
           "row_stack", "tile", "repeat_interleave", "flip", "fliplr", "flipud", "roll", "rot90",
           "meshgrid", "broadcast_tensors", "block_diag", "cartesian_prod"]


class Cat(Op):
    grad_fn_name = "CatBackward0"
    params = ("dim", "dtype", "shape")

    def forward(self, *arrays):
        xp = xp_of(arrays[0])
        dt = self.dtype
        nd = len(self.shape)
        arrays = [a.astype(dt, copy=False) for a in arrays
                  if not (nd != 1 and a.ndim == 1 and a.shape[0] == 0)]
        return xp.concatenate(arrays, axis=self.dim)

    def backward(self, g):
        out = []
        start = 0
        for shape, _ in self._input_meta:
            if len(shape) == 1 and shape[0] == 0 and len(self.shape) != 1:
                out.append(g.new_zeros((0,)))
                continue
            n = shape[self.dim]
            out.append(g.narrow(self.dim, start, n))
            start += n
        return tuple(out)


def _typename(obj) -> str:
    """The type name PyTorch's argument parser prints (CPython's ``tp_name``): the bare name of
    builtins and Python classes, ``module.Name`` for extension types (``numpy.ndarray``)."""
    kind = type(obj)
    if kind.__module__ == "builtins" or kind.__flags__ & _HEAPTYPE:
        return kind.__name__
    return f"{kind.__module__}.{kind.__name__}"


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python


def _check_elements(tensors) -> None:
    """PyTorch's TypeError for a tensor list holding something that is not a Tensor."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{_typename(t)}")


def _check_tensors(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{_typename(tensors)}")
    _check_elements(tensors)
    tensors = list(tensors)
    if not tensors:
        if name == "cat":
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenate along ``dim`` with type promotion; legacy empty 1-D tensors are skipped."""
    tensors = _check_tensors(tensors, "cat")
    need_int("cat", dim, "dim", 2)
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")
    ref = next((t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)), None)
    # only legacy empty 1-D tensors: PyTorch skips them all, whatever the dim
    ref, dim = (tensors[0], 0) if ref is None else (ref, dim)
    nd = ref.ndim
    d = wrap_dim(dim, nd)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D.promote_types(dt, t.dtype)
    keep = []
    for i, t in enumerate(tensors):
        if t.ndim == 1 and t.shape[0] == 0 and nd != 1:
            keep.append(t)
            continue
        if t.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and "
                               f"{t.ndim}")
        for k in range(nd):
            if k != d and t.shape[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref.shape[k]} but got size {t.shape[k]} for "
                                   f"tensor number {i} in the list.")
        keep.append(t)
    res = Cat.apply(*keep, dim=d, dtype=dt.np, shape=ref.shape)
    return write_out(out, res)


concat = concatenate = cat


class Stack(Op):
    grad_fn_name = "StackBackward0"
    params = ("dim", "dtype")

    def forward(self, *arrays):
        xp = xp_of(arrays[0])
        return xp.stack([a.astype(self.dtype, copy=False) for a in arrays], axis=self.dim)

    def backward(self, g):
        return tuple(g.unbind(self.dim))


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Join same-shape tensors along a new dim."""
    tensors = _check_tensors(tensors, "stack")
    need_int("stack", dim, "dim", 2)
    shape = tensors[0].shape
    d = wrap_dim(dim, len(shape) + 1)
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{_fmt(shape)} at entry 0 and {_fmt(t.shape)} at entry {i}")
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D.promote_types(dt, t.dtype)
    return write_out(out, Stack.apply(*tensors, dim=d, dtype=dt.np))


def _fmt(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _at_least(t: Tensor, n: int) -> Tensor:
    """PyTorch's atleast_{1,2,3}d as its graph records it (view for 0-d, unsqueezes after)."""
    nd = t.ndim
    if nd == 0:
        return t.reshape((1,) * n)
    if n >= 2 and nd == 1:
        t = t.unsqueeze(0)
    if n == 3 and t.ndim == 2:
        t = t.unsqueeze(-1)
    return t


def hstack(tensors, *, out=None) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D inputs), 0-d inputs as 1-element vectors."""
    tensors = [_at_least(t, 1) for t in _check_tensors(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None) -> Tensor:
    """Concatenate along dim 0 after making every input at least 2-D."""
    tensors = [_at_least(t, 2) for t in _check_tensors(tensors, "vstack")]
    return cat(tensors, 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None) -> Tensor:
    """Concatenate along dim 2 after making every input at least 3-D."""
    tensors = [_at_least(t, 3) for t in _check_tensors(tensors, "dstack")]
    return cat(tensors, 2, out=out)


def column_stack(tensors, *, out=None) -> Tensor:
    """Stack 0/1-D inputs as columns and concatenate along dim 1."""
    tensors = [t.reshape(-1, 1) if t.ndim < 2 else t
               for t in _check_tensors(tensors, "column_stack")]
    return cat(tensors, 1, out=out)


# -- repeat / tile / repeat_interleave ---------------------------------------------------------
def _int_list(args, name: str, pname: str = "repeats", pos: int | None = 1) -> tuple:
    return int_seq(args, name, pname, pos)


class Repeat(Op):
    grad_fn_name = "RepeatBackward0"
    params = ("reps", "padded")

    def forward(self, a):
        return xp_of(a).tile(a.reshape(self.padded), self.reps)

    def backward(self, g):
        inter = []
        axes = []
        for i, (r, s) in enumerate(zip(self.reps, self.padded)):
            inter += [r, s]
            axes.append(2 * i)
        return g.reshape(inter).sum(tuple(axes)).reshape(self._input_meta[0][0])


@tensor_method("repeat")
def _repeat(self: Tensor, *sizes) -> Tensor:
    """Tile the tensor ``sizes`` times along each dim (PyTorch's ``Tensor.repeat``)."""
    reps = _int_list(sizes, "repeat")
    nd = self._data.ndim
    if len(reps) < nd:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    padded = (1,) * (len(reps) - nd) + tuple(self._data.shape)
    if builtins.any(r < 0 for r in reps):
        sizes = [r * s for r, s in zip(reps, padded)]
        if builtins.min(sizes) >= 0:  # negative repeats of a 0-size dim: an empty result
            return Repeat.apply(self, reps=tuple(builtins.max(r, 0) for r in reps),
                                padded=padded)
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"{_fmt(sizes)}")
    return Repeat.apply(self, reps=reps, padded=padded)


@tensor_method("tile")
def tile(input: Tensor, dims) -> Tensor:
    """``repeat`` with ``dims`` padded by leading 1s to the tensor's rank."""
    dims = _int_list((dims,), "tile", "dims", 2)
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + dims
    return _repeat(input, dims)


@tensor_method("repeat_interleave")
def repeat_interleave(input: Tensor, repeats=None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``dim`` (the flattened input when None)."""
    if repeats is None:
        r = input
        if r._data.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        return _create(_repeat_index, (r._data.reshape(-1),))
    x = input
    if dim is None:
        x = x.reshape(-1)
        d = 0
    else:
        d = wrap_dim(dim, x._data.ndim)
    if x._data.ndim == 0:
        x = x.reshape(1)
    if isinstance(repeats, Tensor):
        r = repeats._data.reshape(-1)
        if repeats._data.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if r.size == 1:
            r = xp_of(r).full(x._data.shape[d], int(r[0]), D.int64.np)
        elif r.size != x._data.shape[d]:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {r.size} and input.size({d}) = "
                               f"{x._data.shape[d]}")
        if r.size and r.min() < 0:
            raise RuntimeError("repeats can not be negative")
        from .indexing import index_select

        return index_select(x, d, _create(_repeat_index, (r,)))
    repeats = int(repeats)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = list(x._data.shape)
    big = shape[:d + 1] + [repeats] + shape[d + 1:]
    shape[d] *= repeats
    from .creation import Clone

    return Clone.apply(x.unsqueeze(d + 1).expand(big), contiguous=True).view(shape)


def _repeat_index(counts):
    """``i`` repeated ``counts[i]`` times, for each i (int64)."""
    xp = xp_of(counts)
    return xp.repeat(xp.arange(counts.size, dtype=D.int64.np), counts)


# -- flips and rolls ---------------------------------------------------------------------------
class Flip(Op):
    grad_fn_name = "FlipBackward0"
    params = ("dims",)

    def forward(self, a):
        return xp_of(a).flip(a, self.dims).copy() if self.dims else \
            xp_of(a).array(a, copy=True)

    def backward(self, g):
        return Flip.apply(g, dims=self.dims)


def _dim_list(dims, nd: int, name: str = "flip") -> tuple:
    if isinstance(dims, int):
        dims = (dims,)
    out = []
    for d in dims:  # in order, as PyTorch: a repetition before an out-of-range dim first
        d = wrap_dim(d, nd)
        if d in out:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    return tuple(out)


@tensor_method("flip")
def flip(input: Tensor, *dims, **kwargs) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy, as PyTorch)."""
    if "dims" in kwargs:
        dims = (kwargs.pop("dims"),)
    if kwargs:
        raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(kwargs))}'")
    dims = int_seq(dims, "flip", "dims", 2)
    dims = _dim_list(dims, input._data.ndim)
    return Flip.apply(input, dims=dims if input._data.ndim else ())


@tensor_method("fliplr")
def fliplr(input: Tensor) -> Tensor:
    """Flip dim 1 (needs >= 2 dims)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@tensor_method("flipud")
def flipud(input: Tensor) -> Tensor:
    """Flip dim 0 (needs >= 1 dim)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


class Roll(Op):
    grad_fn_name = "RollBackward0"
    params = ("shifts", "dims")

    def forward(self, a):
        xp = xp_of(a)
        if self.dims is None:
            return xp.roll(a.reshape(-1), self.shifts).reshape(a.shape)
        return xp.roll(a, self.shifts, self.dims)

    def backward(self, g):
        neg = tuple(-s for s in self.shifts) if self.dims is not None else -self.shifts
        return Roll.apply(g, shifts=neg, dims=self.dims)


@tensor_method("roll")
def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Rotate elements along ``dims`` by ``shifts`` (the flattened tensor when dims is None)."""
    if shifts.__class__ is not int:
        int_seq((shifts,), "roll", "shifts", 2)
    if dims is not None and dims.__class__ is not int:
        int_seq((dims,), "roll", "dims", 3)
    nd = input._data.ndim
    if dims is None or (isinstance(dims, (tuple, list)) and len(dims) == 0):
        s = shifts if isinstance(shifts, int) else tuple(shifts)
        if not isinstance(s, int):
            if len(s) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(s)}, dims:0")
            s = s[0]
        return Roll.apply(input, shifts=int(s), dims=None)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{len(dims)}")
    if input._data.size == 0:  # PyTorch returns an empty input unchanged, dims unchecked
        return Roll.apply(input, shifts=0, dims=None)
    dims = tuple(wrap_dim(d, nd) for d in dims)
    return Roll.apply(input, shifts=tuple(int(s) for s in shifts), dims=dims)


class Rot90(Op):
    grad_fn_name = "Rot90Backward0"
    params = ("k", "dims")

    def forward(self, a):
        return xp_of(a).rot90(a, self.k, self.dims).copy()

    def backward(self, g):
        return Rot90.apply(g, k=-self.k, dims=self.dims)


@tensor_method("rot90")
def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the
    second)."""
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d = tuple(wrap_dim(x, nd) for x in dims)
    if d[0] == d[1]:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    return Rot90.apply(input, k=int(k) % 4, dims=d)


# -- unfold (a sliding-window view) ------------------------------------------------------------
class Unfold(Op):
    grad_fn_name = "UnfoldBackward0"
    params = ("dim", "size", "step")
    is_view = True

    def forward(self, a):
        xp = xp_of(a)
        d, size, step = self.dim, self.size, self.step
        if a.ndim == 0:
            return a.reshape(1)
        n = (a.shape[d] - size) // step + 1
        shape = a.shape[:d] + (n,) + a.shape[d + 1:] + (size,)
        strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
        return xp.lib.stride_tricks.as_strided(a, shape, strides,
                                               writeable=a.flags.writeable)

    def backward(self, g):
        return _UnfoldGrad.apply(g, shape=self._input_meta[0][0], dim=self.dim, size=self.size,
                                 step=self.step)


class _UnfoldGrad(Op):
    grad_fn_name = "UnfoldBackwardBackward0"
    params = ("shape", "dim", "size", "step")

    def forward(self, g):
        xp = xp_of(g)
        if not self.shape:
            return g.reshape(())
        out = xp.zeros(self.shape, g.dtype)
        d = self.dim
        n = g.shape[d]
        for i in range(self.size):
            sl = (slice(None),) * d + (slice(i, i + self.step * (n - 1) + 1, self.step),)
            out[sl] += xp.moveaxis(g[..., i], d, d) if g.ndim > 1 else g[..., i]
        return out

    def backward(self, gg):
        return Unfold.apply(gg, dim=self.dim, size=self.size, step=self.step)


@tensor_method("unfold")
def _unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """All windows of ``size`` along ``dimension`` every ``step``, as a new last dim (a view)."""
    nd = self._data.ndim
    d = wrap_dim(dimension, nd)
    length = self._data.shape[d] if nd else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(self, dim=d, size=size, step=step)


# -- meshgrid / broadcast_tensors / block_diag / cartesian_prod --------------------------------
def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids as expanded views (``indexing='ij'`` or ``'xy'``)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    _check_elements(tensors)
    if indexing is None:
        import warnings

        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    ts = list(tensors)
    if not ts:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor")
    for t in ts:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t!r}")
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    grids = []
    for i, t in enumerate(ts):
        vs = [1] * len(ts)
        vs[i] = -1
        grids.append(t.view(vs).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def broadcast_tensors(*tensors):
    """Expand all tensors to their common broadcast shape (tensors already that shape as-is)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    _check_elements(tensors)
    from .indexing import _broadcast_or_raise

    shape = _broadcast_or_raise([t._data.shape for t in tensors])
    return tuple(t if t._data.shape == shape else t.expand(shape) for t in tensors)


class BlockDiag(Op):
    grad_fn_name = "BlockDiagBackward0"
    params = ("dtype",)

    def forward(self, *arrays):
        xp = xp_of(arrays[0])
        mats = [a.reshape(1, -1) if a.ndim < 2 else a for a in arrays]
        rows = builtins.sum(m.shape[0] for m in mats)
        cols = builtins.sum(m.shape[1] for m in mats)
        out = xp.zeros((rows, cols), self.dtype)
        r = c = 0
        for m in mats:
            out[r:r + m.shape[0], c:c + m.shape[1]] = m
            r += m.shape[0]
            c += m.shape[1]
        return out

    def backward(self, g):
        grads = []
        r = c = 0
        for shape, _ in self._input_meta:
            m = (1, math.prod(shape)) if len(shape) < 2 else shape
            grads.append(g[r:r + m[0], c:c + m[1]].reshape(shape))
            r += m[0]
            c += m[1]
        return tuple(grads)


def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix of 0-, 1- and 2-D tensors (dtypes promoted)."""
    _check_elements(tensors)
    if not tensors:
        from .creation import zeros

        return zeros(1, 0)
    dt = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t._data.ndim} dimensions")
        dt = D.promote_types(dt, t.dtype)
    return BlockDiag.apply(*tensors, dtype=dt.np)


def cartesian_prod(*tensors) -> Tensor:
    """Rows of all combinations of the 1-D inputs (``itertools.product`` order)."""
    _check_elements(tensors)
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {_fmt(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    from .shape import UnsafeView

    grids = meshgrid(*tensors, indexing="ij")
    n = math.prod([t._data.size for t in tensors])
    return stack([UnsafeView.apply(g.clone(), shape=(n,)) for g in grids], 1)
