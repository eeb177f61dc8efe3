"""In-place ops and ``__setitem__`` on batched tensors.

An in-place method of a batched tensor runs its out-of-place form (batched as usual) and writes
the result into the inner tensor with ``copy_``, so the write reaches every sample, the views
that share the storage, and autograd (at the physical level). Random fills draw as their
``randomness`` mode says. An in-place op on a tensor that is not batched, with a batched
argument, raises torch's error (the in-place hook in ``batched``); numtorch has written sample
0 by then, where torch leaves the tensor unchanged.
"""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled
from .batched import BatchedTensor

_RANDOM_FILLS = ("uniform_", "normal_", "random_", "exponential_", "geometric_", "cauchy_",
                 "log_normal_", "bernoulli_")
_SKIP = {"requires_grad_", "retain_grad", "share_memory_", "detach_", "resize_", "resize_as_",
         "record_stream", "set_", "as_strided_", "squeeze_", "unsqueeze_", "t_", "transpose_",
         "swapdims_", "swapaxes_"}


def _aligned(res, self: BatchedTensor):
    """``res`` as a physical tensor that broadcasts onto ``self._inner``."""
    if res.__class__ is BatchedTensor and res._level == self._level:
        inner = res._inner
        n, m = res._data.ndim, self._data.ndim
        if n < m:
            inner = inner.reshape((inner.shape[0],) + (1,) * (m - n) + tuple(res._data.shape))
        return inner
    return res


def assign(self: BatchedTensor, res) -> BatchedTensor:
    """Write the batched result ``res`` into ``self`` in place."""
    if isinstance(res, Tensor) and tuple(res.shape) != tuple(self.shape):
        try:
            import numpy as np

            ok = np.broadcast_shapes(tuple(res.shape), tuple(self.shape)) == tuple(self.shape)
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"output with shape [{', '.join(map(str, self.shape))}] doesn't "
                               "match the broadcast shape "
                               f"[{', '.join(map(str, res.shape))}]")
    self._inner.copy_(_aligned(res, self) if isinstance(res, Tensor) else res)
    return self


def _method(name: str):
    outplace = getattr(Tensor, name[:-1])

    def method(self, *args, **kwargs):
        src = self
        if self.requires_grad and is_grad_enabled():
            src = self.clone()  # what backward saves must not see the write
        return assign(self, outplace(src, *args, **kwargs))
    method.__name__ = name
    return method


def _copy_(self, src, non_blocking: bool = False):
    return assign(self, src)


def _fill_(self, value):
    import numtorch

    if isinstance(value, Tensor):
        return assign(self, value.to(self.dtype).expand(self.shape))
    return assign(self, numtorch.full((), value, dtype=self.dtype))


def _zero_(self):
    return _fill_(self, 0)


def _random_fill(name: str):
    fill = getattr(Tensor, name)

    def method(self, *args, **kwargs):
        import numtorch

        fresh = numtorch.empty(tuple(self.shape), dtype=self.dtype)
        return assign(self, fill(fresh, *args, **kwargs))
    method.__name__ = name
    return method


def setitem(self: BatchedTensor, index, value) -> None:
    """``self[index] = value`` for a batched ``self``: a full slice over the batch dim for a
    basic index and an unbatched value, else once per sample."""
    import numtorch

    level = self._level
    idx = index if isinstance(index, tuple) else (index,)
    batched = [i for i in idx if isinstance(i, BatchedTensor) and i._level == level]
    simple = all(isinstance(i, (int, slice)) or i is None or i is Ellipsis for i in idx)
    vb = isinstance(value, BatchedTensor) and value._level == level
    if simple and not batched and not vb:
        self._inner[(slice(None),) + idx] = value
        return
    for b in range(self._inner.shape[0]):
        row = numtorch.select(self._inner, 0, b)
        ib = tuple(numtorch.select(i._inner, 0, b) if isinstance(i, BatchedTensor)
                   and i._level == level else i for i in idx)
        vbv = numtorch.select(value._inner, 0, b) if vb else value
        row[ib if isinstance(index, tuple) else ib[0]] = vbv


def install() -> None:
    """Give ``BatchedTensor`` its in-place methods."""
    from .._ops._base import _METHODS

    for name in list(_METHODS):
        if not name.endswith("_") or name.startswith("__") or name in _SKIP:
            continue
        if name in _RANDOM_FILLS:
            setattr(BatchedTensor, name, _random_fill(name))
        elif name == "copy_":
            setattr(BatchedTensor, name, _copy_)
        elif name == "fill_":
            setattr(BatchedTensor, name, _fill_)
        elif name == "zero_":
            setattr(BatchedTensor, name, _zero_)
        elif hasattr(Tensor, name[:-1]):
            setattr(BatchedTensor, name, _method(name))
    for op, name in (("add", "__iadd__"), ("sub", "__isub__"), ("mul", "__imul__"),
                     ("div", "__itruediv__")):
        setattr(BatchedTensor, name, _method(op + "_") if hasattr(Tensor, op) else None)

