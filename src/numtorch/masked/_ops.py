"""Masked ops (``torch.masked.*``) for strided tensors: fill masked-out elements with the
reduction's identity, then reduce."""

from __future__ import annotations

import builtins
import math

from .. import _dtype as D
from .._backend import xp_of
from .._ops._base import Op
from .._tensor import Tensor

_SMALL_INTS = ("uint8", "bool", "int8", "int16", "int32")


def _nt():
    import numtorch

    return numtorch


def _dims(dim, ndim: int) -> tuple:
    """Sorted non-negative dims; ``None`` and ``()`` mean all dims (torch.masked's rule)."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    n = builtins.max(ndim, 1)
    seq = (dim,) if isinstance(dim, int) else tuple(dim)
    out: list[int] = []
    for d in seq:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, "
                             f"{n - 1}], but got {d})")
        if d % n in out:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        out.append(d % n)
    return tuple(sorted(out))


def _canonical_mask(input: Tensor, mask) -> Tensor:
    """The mask broadcast to input's shape, as bool."""
    nt = _nt()
    if tuple(mask.shape) != tuple(input.shape):
        if mask.dim() > input.dim():
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality "
                             "higher than of the input)")
        mask = nt.broadcast_to(mask, tuple(input.shape))
    return mask.bool() if mask.dtype != D.bool_ else mask


def _identity(op: str, input: Tensor, ord=2.0):
    """The value a masked-out element takes for ``op``: including it changes nothing."""
    dt = input.dtype
    if op in ("sum", "mean"):
        return 0
    if op == "prod":
        return 1
    if op in ("amax", "argmax", "logsumexp", "logaddexp"):
        if dt.is_floating_point or dt.is_complex:
            return -math.inf
        return _int_limit(dt, "min")
    if op in ("amin", "argmin"):
        if dt.is_floating_point:
            return math.inf
        return _int_limit(dt, "max")
    if op == "norm":
        return math.inf if ord == -math.inf else 0
    if op == "median":
        return math.nan
    raise NotImplementedError(f"identity of {op} on {dt} input")


def _int_limit(dt, which: str):
    import numpy as np

    info = np.iinfo(dt.np) if dt != D.bool_ else None
    if info is None:
        return which == "max"
    return int(getattr(info, which))


class _MaskFill(Op):
    """``where(mask, input, value)``; the gradient is exactly zero at masked-out elements even
    where the upstream gradient is inf or NaN (as torch's ``where`` backward)."""

    grad_fn_name = "WhereBackward0"
    params = ("value",)

    def forward(self, a, m):
        xp = xp_of(a)
        self.mask = m
        return xp.where(m, a, xp.asarray(self.value, dtype=a.dtype))

    def backward(self, g):
        nt = _nt()
        return nt.where(Tensor._from_array(self.mask), g, nt.zeros_like(g)), None


def _fill(op: str, input: Tensor, mask, ord=2.0) -> Tensor:
    """input with masked-out elements replaced by the identity of ``op``."""
    if mask is None:
        return input
    m = _canonical_mask(input, mask)
    return _MaskFill.apply(input, m, value=_identity(op, input, ord))


def _int_promoted(input: Tensor, dtype):
    if dtype is not None:
        return dtype
    return D.int64 if str(input.dtype).replace("torch.", "") in _SMALL_INTS else input.dtype


def sum(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None  # noqa: A001
        ) -> Tensor:
    """``torch.masked.sum``: masked-out elements count as 0."""
    dtype = _int_promoted(input, dtype)
    dims = _dims(dim, input.dim())
    x = _fill("sum", input, mask)
    return _nt().sum(x, dims, keepdim=bool(keepdim), dtype=dtype)


def prod(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """``torch.masked.prod``: masked-out elements count as 1."""
    dtype = _int_promoted(input, dtype)
    x = _fill("prod", input, mask).to(dtype=dtype)
    for d in reversed(_dims(dim, input.dim())):
        x = x.prod(dim=d, keepdim=bool(keepdim))
    return x


def cumsum(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    d = _dims(dim, input.dim())[0]
    return _nt().cumsum(_fill("sum", input, mask), d, dtype=dtype).to(dtype=dtype)


def cumprod(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    d = _dims(dim, input.dim())[0]
    return _nt().cumprod(_fill("prod", input, mask), d, dtype=dtype).to(dtype=dtype)


def amax(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    x = _fill("amax", input, mask)
    return _nt().amax(x, _dims(dim, x.dim()), bool(keepdim)).to(dtype=dtype)


def amin(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    x = _fill("amin", input, mask)
    return _nt().amin(x, _dims(dim, x.dim()), bool(keepdim)).to(dtype=dtype)


def argmax(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    x = _fill("argmax", input, mask)
    return _nt().argmax(x, dim, bool(keepdim)).to(dtype=dtype)


def argmin(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    x = _fill("argmin", input, mask)
    return _nt().argmin(x, dim, bool(keepdim)).to(dtype=dtype)


def _count(input: Tensor, dim, keepdim: bool, mask) -> Tensor:
    nt = _nt()
    if mask is None:
        ones = nt.ones(tuple(input.shape), dtype=D.int64)
        return sum(ones, dim, keepdim=keepdim)
    return _canonical_mask(input, mask).sum(dim=_dims(dim, input.dim()), keepdim=bool(keepdim))


def mean(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None) -> Tensor:
    """``torch.masked.mean``: NaN where every element of a slice is masked out."""
    source = "Optional"
    if dtype is None:
        dtype, source = input.dtype, "Input"
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either "
                         f"a floating point or complex dtype. Got: {dtype}")
    total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=mask)
    return total / _count(input, dim, keepdim, mask)


def median(input: Tensor, dim: int = -1, *, keepdim: bool = False, dtype=None, mask=None
           ) -> Tensor:
    """``torch.masked.median``: ``nanmedian`` with masked-out elements as NaN."""
    nt = _nt()
    dtype = input.dtype if dtype is None else dtype
    d = _dims(dim, input.dim())[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=D.float32)
    out = nt.nanmedian(_fill("median", input, mask), d, keepdim)[0]
    if is_float:
        return out
    if not bool(nt.isnan(out).any()):
        return out.to(dtype=dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating "
                     "point")


def logsumexp(input: Tensor, dim=None, *, keepdim: bool = False, dtype=None, mask=None
              ) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    x = _fill("logsumexp", input, mask)
    return _nt().logsumexp(x, _dims(dim, input.dim()), keepdim=keepdim).to(dtype=dtype)


def logaddexp(input: Tensor, other: Tensor, *, dtype=None, input_mask=None, other_mask=None
              ) -> Tensor:
    """``torch.masked.logaddexp``: masked-out elements of either side count as ``-inf``."""
    dtype = input.dtype if dtype is None else dtype
    a = _fill("logaddexp", input, input_mask)
    b = _fill("logaddexp", other, other_mask)
    return _nt().logaddexp(a, b).to(dtype=dtype)


def norm(input: Tensor, ord=2.0, dim=None, *, keepdim: bool = False, dtype=None, mask=None
         ) -> Tensor:
    """``torch.masked.norm``: vector norm with masked-out elements as 0 (inf for ord=-inf)."""
    nt = _nt()
    dtype = input.dtype if dtype is None else dtype
    x = _fill("norm", input, mask, ord)
    return nt.linalg.vector_norm(x, ord, _dims(dim, input.dim()), bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt):
    nt = _nt()
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    corr = 1.0
    if unbiased is not None:
        corr = 1.0 if unbiased else 0.0
    if correction is not None:
        corr = float(correction)
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = D.float32
    compute = dtype if (dtype.is_floating_point or dtype.is_complex) else D.float32
    m = None if mask is None else _canonical_mask(input, mask)
    count = _count(input, dim, True, m)
    mu = sum(input, dim, keepdim=True, dtype=dtype, mask=m) / count
    x = input - mu
    total = sum(x * x.conj() if x.is_complex() else x * x, dim, keepdim=keepdim, dtype=compute,
                mask=m)
    if not keepdim:
        count = count.reshape(tuple(total.shape))
    if corr != 0:
        real = compute
        if compute.is_complex:
            real = D.float32 if compute == D.complex64 else D.float64
        count = count.to(real) - corr
        count = nt.maximum(count, nt.zeros((), dtype=real))
    out = (total / count).to(dtype=dtype)
    return nt.sqrt(out) if take_sqrt else out


def var(input: Tensor, dim=None, unbiased=None, *, correction=None, keepdim: bool = False,
        dtype=None, mask=None) -> Tensor:
    """``torch.masked.var``: sample variance of the masked-in elements (NaN if none)."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, False)


def std(input: Tensor, dim=None, unbiased=None, *, correction=None, keepdim: bool = False,
        dtype=None, mask=None) -> Tensor:
    """``torch.masked.std``: square root of :func:`var`."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, True)


def _functional():
    from ..nn import functional

    return functional


def softmax(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    """``torch.masked.softmax``: masked-out elements get probability 0."""
    dtype = input.dtype if dtype is None else dtype
    d = _dims(dim, input.dim())[0]
    return _functional().softmax(_fill("amax", input, mask), d, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    d = _dims(dim, input.dim())[0]
    return _functional().log_softmax(_fill("amax", input, mask), d, dtype=dtype)


def softmin(input: Tensor, dim: int, *, dtype=None, mask=None) -> Tensor:
    dtype = input.dtype if dtype is None else dtype
    d = _dims(dim, input.dim())[0]
    return _functional().softmin(_fill("amin", input, mask), d, dtype=dtype)


def normalize(input: Tensor, ord, dim: int, *, eps: float = 1e-12, dtype=None, mask=None
              ) -> Tensor:
    """``torch.masked.normalize``: masked input divided by its masked norm (at least eps)."""
    nt = _nt()
    dtype = input.dtype if dtype is None else dtype
    x = _fill("sum", input, mask)
    n = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return x / nt.maximum(n, nt.full((), eps, dtype=n.dtype))
