"""PyTorch's strides and storage offset for the view ops' results where NumPy's differ: empty
views (NumPy keeps no geometry for them, Note [empty geometry] in ``_tensor``) and new size-1
dims. Each helper takes the input array and NumPy's result and returns NumPy's result untouched
on the common path (a size or stride comparison)."""

from __future__ import annotations

from .._tensor import _contiguous_strides, array_offset, array_strides, strided_array


def _like(r, out):
    """``out`` as built: writable like a PyTorch view. Writes into a repeating (expanded)
    view are checked by its zero strides where they happen (``_inplace.prepare_write``)."""
    return out


def slice_view(a, r, dim: int, sl: slice):
    """``r = a[..., sl]`` along ``dim``, with PyTorch's offset and step stride when empty."""
    if r.size:
        return r
    start, _, step = sl.indices(a.shape[dim])
    st = list(array_strides(a))
    off = array_offset(a) + start * st[dim]
    st[dim] *= step
    return _like(r, strided_array(a, r.shape, st, off))


def select_view(a, r, dim: int, index: int):
    """``r = a[..., index]`` along ``dim``, with PyTorch's offset and strides when empty."""
    if r.size:
        return r
    st = array_strides(a)
    off = array_offset(a) + (index % a.shape[dim]) * st[dim]
    return _like(r, strided_array(a, r.shape, st[:dim] + st[dim + 1:], off))


def permuted_view(a, r, dims):
    """``r`` = ``a`` with its dims in the order ``dims``; an empty one keeps PyTorch's strides."""
    if r.size:
        return r
    st = array_strides(a)
    return strided_array(a, r.shape, [st[d] for d in dims])


def unsqueezed_view(a, r, dim: int):
    """``r`` = ``a`` with a new size-1 dim at ``dim``, strided as PyTorch (size * stride of the
    dim it precedes, 1 at the end)."""
    st = a.strides
    want = st[:dim] + ((a.shape[dim] * st[dim] if dim < a.ndim else a.itemsize),) + st[dim:]
    if a.size and r.strides == want:
        return r
    st = array_strides(a)
    new = a.shape[dim] * st[dim] if dim < a.ndim else 1
    return strided_array(a, r.shape, st[:dim] + (new,) + st[dim:])


def squeezed_view(a, r, dims):
    """``r`` = ``a`` without the size-1 ``dims``; an empty one keeps PyTorch's strides."""
    if a.size:
        return r
    st = array_strides(a)
    keep = [st[i] for i, n in enumerate(a.shape) if not (i in dims and n == 1)]
    return strided_array(a, r.shape, keep)


def reshaped_view(a, r):
    """``r`` = a view of ``a`` with a new shape; an empty one is strided as PyTorch's view."""
    if a.size:
        return r
    st = array_strides(a) if r.shape == a.shape else _contiguous_strides(r.shape)
    return strided_array(a, r.shape, st)


def expanded_view(a, r):
    """``r`` = ``a`` broadcast to ``r.shape``; PyTorch gives new leading size-1 dims a
    contiguous stride and keeps the input's strides for empty results."""
    lead = r.ndim - a.ndim
    if not a.ndim or (r.size and 1 not in r.shape):
        return r  # NumPy's strides are PyTorch's (0-d input: all 0)
    st = array_strides(a)
    out = [0] * r.ndim
    for i in range(r.ndim - 1, -1, -1):
        d = i - lead
        if d >= 0:
            size, s = a.shape[d], st[d]
        else:
            size, s = 1, (r.shape[i + 1] * out[i + 1] if i + 1 < r.ndim else 1)
        out[i] = s if size == r.shape[i] else 0
    return _like(r, strided_array(a, r.shape, out))


def diagonal_view(a, r, offset: int, d1: int, d2: int):
    """``r`` = the ``offset`` diagonal of dims ``d1``/``d2``; an empty one is strided as PyTorch
    (the other dims' strides, then the sum of the two; the offset moves only for a non-empty
    diagonal)."""
    if r.size:
        return r
    st = array_strides(a)
    off = array_offset(a)
    if r.shape[-1]:
        off += offset * st[d2] if offset >= 0 else -offset * st[d1]
    keep = [st[i] for i in range(a.ndim) if i != d1 and i != d2]
    return _like(r, strided_array(a, r.shape, keep + [st[d1] + st[d2]], off))
