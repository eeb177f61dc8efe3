# Generated from the live Tensor class by `PYTHONPATH=src python -m numtorch._stubgen`; do not edit.
# ruff: noqa
"""class Tensor: a NumPy array with a dtype, a device and autograd fields.

Ops live in ``numtorch/_ops/`` (one module per family) and register their Tensor methods there
(``@tensor_method``), so each method sits beside its op and its gradient. This module holds the
attributes, conversions and autograd entry points.
"""

from __future__ import annotations

import builtins
import numpy as np
import numtorch._dtype as D
from numtorch.autograd.graph import HookDict
from numtorch.autograd.graph import RemovableHandle
from numtorch.storage import TypedStorage
from numtorch.storage import UntypedStorage
from typing import Any


NONLEAF_GRAD_WARNING: str
_BY_NP: dict
_FIELDS: tuple


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""
    def __add__(self, other): ...
    def __getitem__(self, i): ...
    def __reduce__(self): ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def numel(self) -> int: ...


class Tensor:
    """A multi-dimensional array with autograd, matching ``torch.Tensor``."""
    @property
    def H(self) -> Tensor: ...
    @property
    def T(self) -> Tensor: ...
    def __abs__(self) -> Tensor:
        """``abs(t)`` (Python's builtin) is ``t.abs()``."""
    def __add__(input, other, *, alpha=1, out=None) -> Tensor:
        """``input + alpha * other`` with broadcasting and type promotion."""
    def __and__(input, other, *, out=None):
        """Elementwise ``a & b`` of integer or bool tensors, as ``torch.bitwise_and``."""
    def __array__(self, dtype=None, copy=None): ...
    __array_priority__: int
    def __array_wrap__(self: Tensor, array, context=None, return_scalar: builtins.bool = False) -> Tensor:
        """What a NumPy ufunc on a Tensor returns: a Tensor over its result (bool arrays come back
        as uint8, as PyTorch).
        """
    def __bool__(self) -> builtins.bool: ...
    def __complex__(self) -> complex: ...
    def __contains__(self: Tensor, element) -> builtins.bool:
        """``element in tensor``: whether any element equals ``element`` (a Tensor or a number)."""
    def __deepcopy__(self, memo): ...
    def __delitem__(self: Tensor, key) -> None:
        """Deleting items is not supported (PyTorch's TypeError)."""
    def __div__(self: Tensor, other) -> Tensor:
        """Python 2's ``/``: true division."""
    def __dlpack__(self: Tensor, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of ``self``'s memory (a versioned one when ``max_version`` allows);
        tensors that require grad are refused, as PyTorch.
        """
    def __dlpack_device__(self: Tensor) -> tuple:
        """``(DLDeviceType.kDLCPU, 0)`` for a CPU tensor."""
    def __eq__(input, other, *, out=None):
        """Elementwise ``a == b`` with broadcasting and type promotion (a bool tensor), as ``torch.eq``."""
    def __float__(self) -> builtins.float: ...
    def __floordiv__(input, other, *, out=None) -> Tensor:
        """``input // other`` rounded down (no derivative, as PyTorch)."""
    def __format__(self, spec: str) -> str: ...
    def __ge__(input, other, *, out=None):
        """Elementwise ``a >= b`` with broadcasting and type promotion (a bool tensor), as ``torch.ge``."""
    def __getitem__(self: Tensor, index) -> Tensor:
        """PyTorch indexing: views for basic components, a copy (IndexBackward0) for advanced ones."""
    def __gt__(input, other, *, out=None):
        """Elementwise ``a > b`` with broadcasting and type promotion (a bool tensor), as ``torch.gt``."""
    def __hash__(self) -> builtins.int: ...
    def __iadd__(self, *args, **kwargs):
        """In-place ``add``."""
    def __iand__(self, *args, _f=...): ...
    def __idiv__(self: Tensor, other) -> Tensor:
        """Python 2's ``/=``: in-place true division."""
    def __ifloordiv__(self, *args, **kwargs):
        """In-place ``floor_divide``."""
    def __ilshift__(self: Tensor, other) -> Tensor:
        """``self <<= other``."""
    def __imod__(self, *args, **kwargs):
        """In-place ``remainder``."""
    def __imul__(self, *args, **kwargs):
        """In-place ``mul``."""
    def __index__(self) -> builtins.int: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @classmethod
    def __init_subclass__(cls, **kwargs) -> None: ...
    def __int__(self) -> builtins.int: ...
    def __invert__(self) -> Tensor: ...
    def __ior__(self, *args, _f=...): ...
    def __ipow__(self, *args, **kwargs):
        """In-place ``pow``."""
    def __irshift__(self: Tensor, other) -> Tensor:
        """``self >>= other``."""
    def __isub__(self, *args, **kwargs):
        """In-place ``sub``."""
    def __iter__(self): ...
    def __itruediv__(self, *args, **kwargs):
        """In-place ``div``."""
    def __ixor__(self, *args, _f=...): ...
    def __le__(input, other, *, out=None):
        """Elementwise ``a <= b`` with broadcasting and type promotion (a bool tensor), as ``torch.le``."""
    def __len__(self) -> builtins.int: ...
    def __long__(self: Tensor) -> builtins.int:
        """Python 2's ``long()``: ``int(self)``."""
    def __lshift__(input, other, *, out=None):
        """Elementwise left shift, as ``torch.bitwise_left_shift``."""
    def __lt__(input, other, *, out=None):
        """Elementwise ``a < b`` with broadcasting and type promotion (a bool tensor), as ``torch.lt``."""
    def __matmul__(input: Tensor, other: Tensor, *, out=None) -> Tensor:
        """Matrix product with PyTorch's dispatch on dimensions, so graphs print the same nodes:
        dot, mv, mm, folding a batch into mm/mv when one side is a matrix or vector, else bmm.
        """
    def __mod__(input, other, *, out=None) -> Tensor:
        """Python-style modulus (sign of the divisor)."""
    def __mul__(input, other, *, out=None) -> Tensor:
        """Elementwise product."""
    def __ne__(input, other, *, out=None):
        """Elementwise ``a != b`` with broadcasting and type promotion (a bool tensor), as ``torch.ne``."""
    def __neg__(input, *, out=None) -> Tensor:
        """``-input`` (bool tensors refused, as PyTorch)."""
    @staticmethod
    def __new__(cls, *args, **kwargs): ...
    def __nonzero__(self: Tensor) -> builtins.bool:
        """Python 2's truth test: ``bool(self)``."""
    def __or__(input, other, *, out=None):
        """Elementwise ``a | b`` of integer or bool tensors, as ``torch.bitwise_or``."""
    def __pos__(self) -> Tensor: ...
    def __pow__(input, exponent, *, out=None) -> Tensor:
        """``input ** exponent`` for tensor/scalar combinations (PowBackward0/1/2)."""
    def __radd__(self, other): ...
    def __rand__(input, other, *, out=None):
        """Elementwise ``a & b`` of integer or bool tensors, as ``torch.bitwise_and``."""
    def __rdiv__(self, other):
        """``scalar / tensor`` as PyTorch computes it: ``tensor.reciprocal() * scalar``."""
    def __reduce_ex__(self, protocol): ...
    def __repr__(self, *, tensor_contents=None) -> str: ...
    def __reversed__(self) -> Tensor: ...
    def __rfloordiv__(self, other): ...
    def __rlshift__(self: Tensor, other) -> Tensor:
        """``other << self`` for a number ``other``."""
    def __rmatmul__(self, other): ...
    def __rmod__(self, other): ...
    def __rmul__(self, other): ...
    def __ror__(input, other, *, out=None):
        """Elementwise ``a | b`` of integer or bool tensors, as ``torch.bitwise_or``."""
    def __rpow__(self, other): ...
    def __rrshift__(self: Tensor, other) -> Tensor:
        """``other >> self`` for a number ``other``."""
    def __rshift__(input, other, *, out=None):
        """Elementwise right shift, as ``torch.bitwise_right_shift``."""
    def __rsub__(input, other, *, alpha=1) -> Tensor:
        """``other - alpha * input`` (``torch.rsub``)."""
    def __rtruediv__(self, other):
        """``scalar / tensor`` as PyTorch computes it: ``tensor.reciprocal() * scalar``."""
    def __rxor__(input, other, *, out=None):
        """Elementwise ``a ^ b`` of integer or bool tensors, as ``torch.bitwise_xor``."""
    def __setitem__(self: Tensor, index, value) -> None:
        """PyTorch's ``x[index] = value``: copy_/fill_ into a view, or index_put_ (broadcasting)."""
    def __sub__(input, other, *, alpha=1, out=None) -> Tensor:
        """``input - alpha * other``."""
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """Run ``func`` with subclass dispatch disabled; Tensor results become ``cls``."""
    def __truediv__(input, other, *, rounding_mode=None, out=None) -> Tensor:
        """True division (ints give floats); ``rounding_mode='trunc'|'floor'`` as PyTorch."""
    def __xor__(input, other, *, out=None):
        """Elementwise ``a ^ b`` of integer or bool tensors, as ``torch.bitwise_xor``."""
    _acc: Any
    _base: Tensor | None
    def _bump_version(self) -> None: ...
    def _check_inplace(self) -> None:
        """PyTorch's error for an in-place op on a leaf that requires grad (in grad mode)."""
    _data: Any
    @staticmethod
    def _from_array(arr, requires_grad: builtins.bool = False, cls=...) -> Tensor:
        """Wrap an array as a ``cls`` without copying: the one constructor of every tensor (it is
        ``Tensor._from_array`` and the hot path's ``_ops._base._wrap``). A NumPy scalar (what a ufunc
        returns for 0-d operands) becomes a 0-d array, so in-place writes reach it.
        """
    _grad: Tensor | None
    _hooks: HookDict | None
    def _init(self, arr, requires_grad: builtins.bool = False) -> None:
        """Initialise an instance made by ``object.__new__(cls)`` (``nn.Parameter``)."""
    @staticmethod
    def _make_subclass(cls, data: Tensor, require_grad: builtins.bool = False) -> Tensor:
        """A ``cls`` leaf sharing ``data``'s memory (``torch.Tensor._make_subclass``)."""
    _output_nr: builtins.int
    _requires_grad: builtins.bool
    def _typed_storage(self) -> TypedStorage: ...
    @property
    def _version(self) -> builtins.int: ...
    _version_box: list
    def abs(input, *, out=None):
        """Elementwise the absolute value (complex magnitude), as ``torch.abs`` (grad_fn ``AbsBackward0``)."""
    def abs_(self):
        """In-place ``abs``."""
    def absolute(input, *, out=None):
        """Elementwise the absolute value (complex magnitude), as ``torch.abs`` (grad_fn ``AbsBackward0``)."""
    def absolute_(self):
        """In-place ``abs``."""
    def acos(input, *, out=None):
        """Elementwise the inverse cosine, as ``torch.acos`` (grad_fn ``AcosBackward0``)."""
    def acos_(self):
        """In-place ``acos``."""
    def acosh(input, *, out=None):
        """Elementwise the inverse hyperbolic cosine, as ``torch.acosh`` (grad_fn ``AcoshBackward0``)."""
    def acosh_(self):
        """In-place ``acosh``."""
    def add(input, other, *, alpha=1, out=None) -> Tensor:
        """``input + alpha * other`` with broadcasting and type promotion."""
    def add_(self, *args, **kwargs):
        """In-place ``add``."""
    def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor: ...
    def addbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
        """``Tensor.addbmm_``: ``beta * self + alpha * sum_b batch1[b] @ batch2[b]`` in place
        (PyTorch also resizes a broadcastable ``self``; numtorch raises instead).
        """
    def addcdiv(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
        """``input + value * tensor1 / tensor2`` (AddcdivBackward0)."""
    def addcdiv_(self, *args, _fn=..., **kwargs): ...
    def addcmul(input, tensor1, tensor2, *, value=1, out=None) -> Tensor:
        """``input + value * tensor1 * tensor2`` (AddcmulBackward0)."""
    def addcmul_(self, *args, _fn=..., **kwargs): ...
    def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
        """``beta * input + alpha * (mat1 @ mat2)`` (AddmmBackward0, what nn.Linear uses)."""
    def addmm_(self: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
        """``Tensor.addmm_``: ``beta * self + alpha * mat1 @ mat2`` in place (no resizing)."""
    def addmv(input, mat, vec, *, beta=1, alpha=1, out=None) -> Tensor:
        """``beta * input + alpha * (mat @ vec)`` (AddmvBackward0)."""
    def addmv_(self: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
        """``Tensor.addmv_``: ``beta * self + alpha * mat @ vec`` in place."""
    def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
        """``torch.addr``: ``beta * input + alpha * outer(vec1, vec2)`` (input ignored if beta=0)."""
    def addr_(self: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
        """``Tensor.addr_``: ``beta * self + alpha * outer(vec1, vec2)`` in place."""
    def adjoint(input: Tensor) -> Tensor: ...
    def all(input, dim=None, keepdim: builtins.bool = False) -> Tensor: ...
    def allclose(input, other, rtol: builtins.float = 1e-05, atol: builtins.float = 1e-08, equal_nan: builtins.bool = False) -> builtins.bool:
        """Whether ``isclose`` holds everywhere (a Python bool)."""
    def amax(input, dim=(), keepdim: builtins.bool = False, *, out=None) -> Tensor: ...
    def amin(input, dim=(), keepdim: builtins.bool = False, *, out=None) -> Tensor: ...
    def aminmax(input, *, dim=None, keepdim: builtins.bool = False): ...
    def angle(input: Tensor, *, out=None) -> Tensor:
        """Argument of complex numbers; 0 or pi for real ones (nan kept)."""
    def any(input, dim=None, keepdim: builtins.bool = False) -> Tensor: ...
    def apply_(self: Tensor, callable) -> Tensor:
        """``Tensor.apply_``: replace each element by ``callable(element)`` (Python-level, slow;
        not for tensors that require grad).
        """
    def arccos(input, *, out=None):
        """Elementwise the inverse cosine, as ``torch.acos`` (grad_fn ``AcosBackward0``)."""
    def arccos_(self):
        """In-place ``acos``."""
    def arccosh(input, *, out=None):
        """Elementwise the inverse hyperbolic cosine, as ``torch.acosh`` (grad_fn ``AcoshBackward0``)."""
    def arccosh_(self):
        """In-place ``acosh``."""
    def arcsin(input, *, out=None):
        """Elementwise the inverse sine, as ``torch.asin`` (grad_fn ``AsinBackward0``)."""
    def arcsin_(self):
        """In-place ``asin``."""
    def arcsinh(input, *, out=None):
        """Elementwise the inverse hyperbolic sine, as ``torch.asinh`` (grad_fn ``AsinhBackward0``)."""
    def arcsinh_(self):
        """In-place ``asinh``."""
    def arctan(input, *, out=None):
        """Elementwise the inverse tangent, as ``torch.atan`` (grad_fn ``AtanBackward0``)."""
    def arctan2(input, other, *, out=None) -> Tensor:
        """The angle of the point (other, input), in (-pi, pi] (Atan2Backward0)."""
    def arctan2_(self, *args, _fn=...): ...
    def arctan_(self):
        """In-place ``atan``."""
    def arctanh(input, *, out=None):
        """Elementwise the inverse hyperbolic tangent, as ``torch.atanh`` (grad_fn ``AtanhBackward0``)."""
    def arctanh_(self):
        """In-place ``atanh``."""
    def argmax(input, dim=None, keepdim: builtins.bool = False) -> Tensor:
        """Index of the first maximum (NaN counts as the maximum, as PyTorch)."""
    def argmin(input, dim=None, keepdim: builtins.bool = False) -> Tensor: ...
    def argsort(input: Tensor, dim: builtins.int = -1, descending: builtins.bool = False, *, stable: builtins.bool = False):
        """Indices that sort ``input`` along ``dim`` (stable)."""
    def argwhere(input: Tensor) -> Tensor:
        """Same as ``nonzero(input)``."""
    def as_strided(input: Tensor, size, stride, storage_offset=None) -> Tensor:
        """``torch.as_strided``: a view with explicit sizes and strides (in elements)."""
    def as_strided_(input: Tensor, size, stride, storage_offset=None) -> Tensor:
        """``Tensor.as_strided_``: give ``input`` new sizes, strides and offset in place."""
    def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset=None) -> Tensor:
        """``torch.as_strided_scatter``: a copy of input (dense) whose strided view is ``src``."""
    def as_subclass(self, cls) -> Tensor:
        """This tensor as a ``cls`` instance sharing its data and autograd history."""
    def asin(input, *, out=None):
        """Elementwise the inverse sine, as ``torch.asin`` (grad_fn ``AsinBackward0``)."""
    def asin_(self):
        """In-place ``asin``."""
    def asinh(input, *, out=None):
        """Elementwise the inverse hyperbolic sine, as ``torch.asinh`` (grad_fn ``AsinhBackward0``)."""
    def asinh_(self):
        """In-place ``asinh``."""
    def atan(input, *, out=None):
        """Elementwise the inverse tangent, as ``torch.atan`` (grad_fn ``AtanBackward0``)."""
    def atan2(input, other, *, out=None) -> Tensor:
        """The angle of the point (other, input), in (-pi, pi] (Atan2Backward0)."""
    def atan2_(self, *args, _fn=...): ...
    def atan_(self):
        """In-place ``atan``."""
    def atanh(input, *, out=None):
        """Elementwise the inverse hyperbolic tangent, as ``torch.atanh`` (grad_fn ``AtanhBackward0``)."""
    def atanh_(self):
        """In-place ``atanh``."""
    def backward(self, gradient=None, retain_graph=None, create_graph: builtins.bool = False, inputs=None) -> None:
        """Accumulate the gradient of this tensor into the leaves (``Tensor.backward``)."""
    def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor: ...
    def baddbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
        """``Tensor.baddbmm_``: ``beta * self + alpha * batch1 @ batch2`` in place."""
    def bernoulli(input: Tensor, p=None, *, generator=None, out=None) -> Tensor:
        """``torch.bernoulli(input)`` (input holds the probabilities) or ``bernoulli(input, p)``."""
    def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
        """``Tensor.bernoulli_(p)``: a float p compares u53; a tensor p compares per element."""
    def bfloat16(self, memory_format=None): ...
    def bincount(input: Tensor, weights: Tensor | None = None, minlength: builtins.int = 0) -> Tensor:
        """Counts (or summed ``weights``) of each non-negative integer in the 1-D ``input``."""
    def bitwise_and(input, other, *, out=None):
        """Elementwise ``a & b`` of integer or bool tensors, as ``torch.bitwise_and``."""
    def bitwise_and_(self, *args, _f=...): ...
    def bitwise_left_shift(input, other, *, out=None):
        """Elementwise left shift, as ``torch.bitwise_left_shift``."""
    def bitwise_left_shift_(self, *args, _f=...): ...
    def bitwise_not(input, *, out=None) -> Tensor:
        """Elementwise ``~input`` (logical not for bool tensors)."""
    def bitwise_not_(self, *args, _f=...): ...
    def bitwise_or(input, other, *, out=None):
        """Elementwise ``a | b`` of integer or bool tensors, as ``torch.bitwise_or``."""
    def bitwise_or_(self, *args, _f=...): ...
    def bitwise_right_shift(input, other, *, out=None):
        """Elementwise right shift, as ``torch.bitwise_right_shift``."""
    def bitwise_right_shift_(self, *args, _f=...): ...
    def bitwise_xor(input, other, *, out=None):
        """Elementwise ``a ^ b`` of integer or bool tensors, as ``torch.bitwise_xor``."""
    def bitwise_xor_(self, *args, _f=...): ...
    def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor: ...
    def bool(self, memory_format=None): ...
    def broadcast_to(input: Tensor, size) -> Tensor: ...
    def bucketize(input, boundaries: Tensor, *, out_int32: builtins.bool = False, right: builtins.bool = False, out=None) -> Tensor:
        """Bucket index of each element in the 1-D ``boundaries`` (``right`` picks the closed side)."""
    def byte(self, memory_format=None): ...
    def cauchy_(self: Tensor, median: builtins.float = 0, sigma: builtins.float = 1, *, generator=None) -> Tensor:
        """``Tensor.cauchy_(median, sigma)``."""
    def cdouble(self, memory_format=None): ...
    def ceil(input, *, out=None):
        """Elementwise rounded up (integers unchanged), as ``torch.ceil`` (grad_fn ``CeilBackward0``)."""
    def ceil_(self):
        """In-place ``ceil``."""
    def cfloat(self, memory_format=None): ...
    def char(self, memory_format=None): ...
    def cholesky(input: Tensor, upper: builtins.bool = False, *, out=None) -> Tensor: ...
    def cholesky_inverse(input: Tensor, upper: builtins.bool = False, *, out=None) -> Tensor:
        """Inverse of ``A = L L^H`` (or ``U^H U``) from its Cholesky factor."""
    def cholesky_solve(input: Tensor, input2: Tensor, upper: builtins.bool = False, *, out=None) -> Tensor:
        """Solve ``A X = B`` given the Cholesky factor of ``A`` (``input2``)."""
    def chunk(input: Tensor, chunks: builtins.int, dim: builtins.int = 0) -> tuple: ...
    def clamp(input, min=None, max=None, *, out=None) -> Tensor:
        """Limit values to [min, max] (NaN stays NaN); gradient 1 inside, 0 outside."""
    def clamp_(self, min=None, max=None): ...
    def clamp_max(input, max, *, out=None) -> Tensor:
        """``min(input, max)`` (ClampMaxBackward0)."""
    def clamp_max_(self, max): ...
    def clamp_min(input, min, *, out=None) -> Tensor:
        """``max(input, min)`` (ClampMinBackward0)."""
    def clamp_min_(self, min): ...
    def clip(input, min=None, max=None, *, out=None) -> Tensor:
        """Limit values to [min, max] (NaN stays NaN); gradient 1 inside, 0 outside."""
    def clip_(self, min=None, max=None): ...
    def clone(input: Tensor, *, memory_format=None) -> Tensor:
        """A copy with its own storage, in the graph (CloneBackward0)."""
    def conj(input: Tensor) -> Tensor:
        """Complex conjugate (real tensors are returned as is)."""
    def conj_physical(input: Tensor, *, out=None) -> Tensor:
        """Complex conjugate computed now (a copy with ``out=`` for real tensors)."""
    def conj_physical_(self: Tensor) -> Tensor:
        """``Tensor.conj_physical_``: conjugate in place (real tensors are unchanged)."""
    def const_data_ptr(self) -> builtins.int: ...
    def contiguous(self: Tensor, memory_format=None) -> Tensor: ...
    def copy_(self: Tensor, src, non_blocking: builtins.bool = False) -> Tensor:
        """Copy ``src`` (broadcast, cast) into ``self``; differentiable with respect to src."""
    def copysign(input, other, *, out=None) -> Tensor:
        """``torch.copysign`` elementwise with broadcasting (CopysignBackward0)."""
    def copysign_(self, other): ...
    def corrcoef(input: Tensor) -> Tensor:
        """``torch.corrcoef``: Pearson correlation coefficients of the rows, clipped to [-1, 1]."""
    def cos(input, *, out=None):
        """Elementwise the cosine, as ``torch.cos`` (grad_fn ``CosBackward0``)."""
    def cos_(self):
        """In-place ``cos``."""
    def cosh(input, *, out=None):
        """Elementwise the hyperbolic cosine, as ``torch.cosh`` (grad_fn ``CoshBackward0``)."""
    def cosh_(self):
        """In-place ``cosh``."""
    def count_nonzero(input, dim=None) -> Tensor: ...
    def cov(input: Tensor, *, correction: builtins.int = 1, fweights=None, aweights=None) -> Tensor:
        """``torch.cov``: covariance of the rows (variables) over the columns (observations)."""
    def cpu(self) -> Tensor: ...
    def cross(input: Tensor, other: Tensor, dim=None, *, out=None) -> Tensor:
        """``torch.cross``: without ``dim``, the first dimension of size 3 (deprecated in torch)."""
    def cuda(self, device=None, non_blocking: builtins.bool = False) -> Tensor: ...
    def cummax(input: Tensor, dim: builtins.int, *, out=None):
        """Running maximum along ``dim`` and where it was last attained (NaN propagates)."""
    def cummin(input: Tensor, dim: builtins.int, *, out=None):
        """Running minimum along ``dim`` and where it was last attained (NaN propagates)."""
    def cumprod(input: Tensor, dim: builtins.int, *, dtype=None, out=None) -> Tensor:
        """Running product along ``dim`` (integer and bool inputs give int64)."""
    def cumprod_(self: Tensor, dim: builtins.int, *, dtype=None) -> Tensor:
        """``Tensor.cumprod_``: running product in place (``dtype``, if given, must be ``self``'s)."""
    def cumsum(input: Tensor, dim: builtins.int, *, dtype=None, out=None) -> Tensor:
        """Running sum along ``dim`` (integer and bool inputs give int64)."""
    def cumsum_(self: Tensor, dim: builtins.int, *, dtype=None) -> Tensor:
        """``Tensor.cumsum_``: running sum in place (``dtype``, if given, must be ``self``'s)."""
    @property
    def data(self) -> Tensor: ...
    @data.setter
    def data(self, value: Tensor) -> None: ...
    def data_ptr(self) -> builtins.int: ...
    def deg2rad(input: Tensor, *, out=None) -> Tensor:
        """Degrees to radians (integers give the default float dtype)."""
    def deg2rad_(self, *args, _fn=...): ...
    def dense_dim(self: Tensor) -> builtins.int:
        """Number of dense dims: all of them for a strided tensor."""
    def det(input: Tensor) -> Tensor: ...
    def detach(self) -> Tensor:
        """A tensor sharing this one's data, outside the graph."""
    def detach_(self) -> Tensor: ...
    @property
    def device(self): ...
    def diag(input: Tensor, diagonal: builtins.int = 0, *, out=None) -> Tensor:
        """1-D -> square matrix with it on a diagonal; 2-D -> its diagonal (a copy)."""
    def diag_embed(input: Tensor, offset: builtins.int = 0, dim1: builtins.int = -2, dim2: builtins.int = -1) -> Tensor:
        """Matrices whose (dim1, dim2) diagonal holds the last dim of ``input``."""
    def diagflat(input: Tensor, offset: builtins.int = 0) -> Tensor:
        """``torch.diagflat``: a 2-D matrix with the flattened input on a diagonal."""
    def diagonal(input: Tensor, offset: builtins.int = 0, dim1: builtins.int = 0, dim2: builtins.int = 1) -> Tensor:
        """The diagonal of two dims as a view, moved to the last dim (DiagonalBackward0)."""
    def diagonal_scatter(input: Tensor, src: Tensor, offset: builtins.int = 0, dim1: builtins.int = 0, dim2: builtins.int = 1) -> Tensor:
        """``torch.diagonal_scatter``: ``input`` with a diagonal replaced by ``src``."""
    def diff(input: Tensor, n: builtins.int = 1, dim: builtins.int = -1, prepend=None, append=None, *, out=None) -> Tensor:
        """n-th forward difference along ``dim`` (xor for bool), after prepending/appending."""
    def digamma(input, *, out=None):
        """Elementwise the logarithmic derivative of the gamma function, as ``torch.digamma`` (grad_fn ``DigammaBackward0``)."""
    def digamma_(self):
        """In-place ``digamma``."""
    def dim(self) -> builtins.int: ...
    def dim_order(self) -> tuple:
        """The dims from outermost to innermost in memory (``Tensor.dim_order``)."""
    def dist(input: Tensor, other: Tensor, p: builtins.float = 2) -> Tensor:
        """``torch.dist``: the p-norm of ``input - other`` (broadcasting)."""
    def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
        """True division (ints give floats); ``rounding_mode='trunc'|'floor'`` as PyTorch."""
    def div_(self, *args, **kwargs):
        """In-place ``div``."""
    def divide(input, other, *, rounding_mode=None, out=None) -> Tensor:
        """True division (ints give floats); ``rounding_mode='trunc'|'floor'`` as PyTorch."""
    def divide_(self, *args, **kwargs):
        """In-place ``div``."""
    def dot(input: Tensor, tensor: Tensor, *, out=None) -> Tensor: ...
    def double(self, memory_format=None): ...
    def dsplit(input: Tensor, indices_or_sections) -> tuple:
        """``torch.dsplit``: ``tensor_split`` along dim 2."""
    @property
    def dtype(self) -> D.dtype: ...
    def eig(self, *args, **kwargs):
        """``Tensor.eig``: removed in PyTorch 1.9; raises PyTorch's error."""
    def element_size(self) -> builtins.int: ...
    def eq(input, other, *, out=None):
        """Elementwise ``a == b`` with broadcasting and type promotion (a bool tensor), as ``torch.eq``."""
    def eq_(self, other):
        """In-place ``eq``: ``self`` holds 1/0 in its own dtype."""
    def equal(input, other) -> builtins.bool:
        """True when both tensors have the same shape and values (a Python bool)."""
    def erf(input, *, out=None):
        """Elementwise the error function, as ``torch.erf`` (grad_fn ``ErfBackward0``)."""
    def erf_(self):
        """In-place ``erf``."""
    def erfc(input, *, out=None):
        """Elementwise the complementary error function 1 - erf(x), as ``torch.erfc`` (grad_fn ``ErfcBackward0``)."""
    def erfc_(self):
        """In-place ``erfc``."""
    def erfinv(input, *, out=None):
        """Elementwise the inverse error function, as ``torch.erfinv`` (grad_fn ``ErfinvBackward0``)."""
    def erfinv_(self):
        """In-place ``erfinv``."""
    def exp(input, *, out=None):
        """Elementwise the exponential e**x, as ``torch.exp`` (grad_fn ``ExpBackward0``)."""
    def exp2(input, *, out=None):
        """Elementwise 2**x, as ``torch.exp2`` (grad_fn ``Exp2Backward0``)."""
    def exp2_(self):
        """In-place ``exp2``."""
    def exp_(self):
        """In-place ``exp``."""
    def expand(self: Tensor, *sizes) -> Tensor:
        """Broadcast to a larger size without copying (stride 0); -1 keeps a dim."""
    def expand_as(self, other: Tensor) -> Tensor: ...
    def expm1(input, *, out=None):
        """Elementwise e**x - 1, accurate for small x, as ``torch.expm1`` (grad_fn ``Expm1Backward0``)."""
    def expm1_(self):
        """In-place ``expm1``."""
    def exponential_(self: Tensor, lambd: builtins.float = 1, *, generator=None) -> Tensor:
        """``Tensor.exponential_(lambd)``: ``-log1p(-u) / lambd`` computed in double."""
    def fill_(self: Tensor, value) -> Tensor:
        """Fill with a scalar (FillBackward2) or a 0-d tensor (FillBackward3)."""
    def fill_diagonal_(self: Tensor, fill_value, wrap: builtins.bool = False) -> Tensor:
        """``Tensor.fill_diagonal_``: fill the main diagonal (all indices equal) in place; with
        ``wrap`` a tall matrix restarts its diagonal every ``ncols + 1`` rows, as PyTorch.
        """
    def fix(input, *, out=None):
        """Elementwise rounded toward zero (integers unchanged), as ``torch.trunc`` (grad_fn ``TruncBackward0``)."""
    def fix_(self):
        """In-place ``trunc``."""
    def flatten(input: Tensor, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Tensor: ...
    def flip(input: Tensor, *dims, **kwargs) -> Tensor:
        """Reverse the order of elements along ``dims`` (a copy, as PyTorch)."""
    def fliplr(input: Tensor) -> Tensor:
        """Flip dim 1 (needs >= 2 dims)."""
    def flipud(input: Tensor) -> Tensor:
        """Flip dim 0 (needs >= 1 dim)."""
    def float(self, memory_format=None): ...
    def float_power(input, exponent) -> Tensor:
        """``pow`` computed in double (complex double for complex operands)."""
    def float_power_(self: Tensor, exponent) -> Tensor:
        """``Tensor.float_power_``: ``self`` must already be double (complex double for a complex
        result), as PyTorch requires.
        """
    def floor(input, *, out=None):
        """Elementwise rounded down (integers unchanged), as ``torch.floor`` (grad_fn ``FloorBackward0``)."""
    def floor_(self):
        """In-place ``floor``."""
    def floor_divide(input, other, *, out=None) -> Tensor:
        """``input // other`` rounded down (no derivative, as PyTorch)."""
    def floor_divide_(self, *args, **kwargs):
        """In-place ``floor_divide``."""
    def fmax(input, other, *, out=None) -> Tensor:
        """Elementwise max ignoring NaN (NaN only where both are NaN)."""
    def fmin(input, other, *, out=None) -> Tensor:
        """Elementwise min ignoring NaN (NaN only where both are NaN)."""
    def fmod(input, other, *, out=None) -> Tensor:
        """C-style modulus (sign of the dividend)."""
    def fmod_(self, *args, **kwargs):
        """In-place ``fmod``."""
    def frac(input, *, out=None):
        """Elementwise the fractional part x - trunc(x), as ``torch.frac`` (grad_fn ``FracBackward0``)."""
    def frac_(self):
        """In-place ``frac``."""
    def frexp(input: Tensor, *, out=None):
        """(mantissa, exponent) with ``input = mantissa * 2 ** exponent``; exponent is int32."""
    def gather(input: Tensor, dim: builtins.int, index: Tensor, *, sparse_grad: builtins.bool = False, out=None) -> Tensor:
        """``out[p] = input[..., index[p], ...]`` along ``dim`` (PyTorch's gather)."""
    def gcd(input, other, *, out=None) -> Tensor:
        """``torch.gcd`` elementwise with broadcasting (GcdBackward0)."""
    def gcd_(self, other): ...
    def ge(input, other, *, out=None):
        """Elementwise ``a >= b`` with broadcasting and type promotion (a bool tensor), as ``torch.ge``."""
    def ge_(self, other):
        """In-place ``ge``: ``self`` holds 1/0 in its own dtype."""
    def geometric_(self: Tensor, p: builtins.float, *, generator=None) -> Tensor:
        """``Tensor.geometric_(p)``: number of Bernoulli(p) trials up to the first success."""
    def geqrf(input: Tensor, *, out=None):
        """``torch.geqrf``: (a, tau), the Householder QR in LAPACK's packed form (no gradient)."""
    def ger(input: Tensor, vec2: Tensor) -> Tensor:
        """Outer product of two vectors (``input.reshape(-1, 1) * vec2``, as PyTorch)."""
    def get_device(self) -> builtins.int: ...
    @property
    def grad(self): ...
    @grad.setter
    def grad(self, value) -> None: ...
    @property
    def grad_dtype(self):
        """The dtype ``grad`` must have: ``self``'s unless set (leaf tensors only)."""
    @grad_dtype.setter
    def grad_dtype(self: Tensor, dtype) -> None: ...
    grad_fn: Any
    def greater(input, other, *, out=None):
        """Elementwise ``a > b`` with broadcasting and type promotion (a bool tensor), as ``torch.gt``."""
    def greater_(self, other):
        """In-place ``gt``: ``self`` holds 1/0 in its own dtype."""
    def greater_equal(input, other, *, out=None):
        """Elementwise ``a >= b`` with broadcasting and type promotion (a bool tensor), as ``torch.ge``."""
    def greater_equal_(self, other):
        """In-place ``ge``: ``self`` holds 1/0 in its own dtype."""
    def gt(input, other, *, out=None):
        """Elementwise ``a > b`` with broadcasting and type promotion (a bool tensor), as ``torch.gt``."""
    def gt_(self, other):
        """In-place ``gt``: ``self`` holds 1/0 in its own dtype."""
    def half(self, memory_format=None): ...
    def hardshrink(input: Tensor, lambd: builtins.float = 0.5) -> Tensor:
        """``torch.hardshrink``: ``x`` where ``|x| > lambd``, else 0 (as ``F.hardshrink``)."""
    def hash_tensor(input: Tensor, dim=None, *, keepdim: builtins.bool = False, mode: builtins.int = 0) -> Tensor:
        """``torch.hash_tensor``: xor of the elements' 64-bit patterns over ``dim`` (all dims by
        default), as uint64; only ``mode=0`` exists, as in PyTorch.
        """
    def heaviside(input, values, *, out=None) -> Tensor:
        """Step function with ``values`` where ``input == 0`` (same dtypes required, as torch)."""
    def heaviside_(self, values): ...
    def histc(input: Tensor, bins: builtins.int = 100, min=0, max=0, *, out=None) -> Tensor:
        """Histogram with ``bins`` equal bins over [min, max] (the data's range when equal)."""
    def histogram(input: Tensor, bins=100, *, range=None, weight=None, density: builtins.bool = False, out=None):
        """``torch.histogram``: (hist, bin_edges) of the flattened input."""
    def histogramdd(input: Tensor, bins=10, *, range=None, weight=None, density: builtins.bool = False, out=None):
        """``torch.histogramdd``: (hist, bin_edges) over the last dim's coordinates."""
    def hsplit(input: Tensor, indices_or_sections) -> tuple:
        """``torch.hsplit``: ``tensor_split`` along dim 1."""
    def hypot(input, other, *, out=None) -> Tensor:
        """``sqrt(input**2 + other**2)`` without overflow (HypotBackward0)."""
    def hypot_(self, *args, _fn=...): ...
    def i0(input, *, out=None):
        """Elementwise the modified Bessel function of the first kind, order 0, as ``torch.i0`` (grad_fn ``I0Backward0``)."""
    def i0_(self):
        """In-place ``i0``."""
    def igamma(input, other, *, out=None) -> Tensor:
        """``torch.igamma`` elementwise with broadcasting (IgammaBackward0)."""
    def igamma_(self, other): ...
    def igammac(input, other, *, out=None) -> Tensor:
        """``torch.igammac`` elementwise with broadcasting (IgammacBackward0)."""
    def igammac_(self, other): ...
    @property
    def imag(self) -> Tensor:
        """Imaginary part (a view); real tensors raise as in PyTorch."""
    def index_add(input: Tensor, dim: builtins.int, index: Tensor, source: Tensor, *, alpha=1, out=None) -> Tensor:
        """Copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``."""
    def index_add_(self, *args, **kwargs): ...
    def index_copy(input: Tensor, dim: builtins.int, index: Tensor, source: Tensor, *, out=None) -> Tensor:
        """Copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``."""
    def index_copy_(self, *args, **kwargs): ...
    def index_fill(input: Tensor, dim: builtins.int, index: Tensor, value) -> Tensor:
        """Copy of ``input`` with ``value`` written at ``index`` along ``dim``."""
    def index_fill_(self, *args, **kwargs): ...
    def index_put(input: Tensor, indices, values, accumulate: builtins.bool = False) -> Tensor:
        """Out-of-place ``input[indices] = values`` (``+=`` with ``accumulate``): IndexPutBackward0."""
    def index_put_(self, *args, **kwargs): ...
    def index_reduce(input: Tensor, dim: builtins.int, index: Tensor, source: Tensor, reduce: str, *, include_self: builtins.bool = True, out=None) -> Tensor:
        """``torch.index_reduce``: reduce ``source`` slices into ``input[index[i]]`` along dim."""
    def index_reduce_(self: Tensor, dim: builtins.int, index: Tensor, source: Tensor, reduce: str, *, include_self: builtins.bool = True) -> Tensor: ...
    def index_select(input: Tensor, dim: builtins.int, index: Tensor, *, out=None) -> Tensor:
        """Entries of ``input`` at ``index`` (1-D) along ``dim``: IndexSelectBackward0."""
    def inner(input: Tensor, other: Tensor) -> Tensor: ...
    def int(self, memory_format=None): ...
    def inverse(input: Tensor, *, out=None) -> Tensor: ...
    def ipu(self, device=None, non_blocking: builtins.bool = False, memory_format=None):
        """``Tensor.ipu``: numtorch has no ipu device (PyTorch's error)."""
    def is_complex(self) -> builtins.bool: ...
    def is_conj(self) -> builtins.bool: ...
    def is_contiguous(self, memory_format=None) -> builtins.bool: ...
    @property
    def is_cpu(self) -> builtins.bool: ...
    @property
    def is_cuda(self) -> builtins.bool: ...
    def is_distributed(self) -> builtins.bool: ...
    def is_floating_point(self) -> builtins.bool: ...
    def is_inference(self) -> builtins.bool:
        """Whether the tensor is an inference tensor. Known difference: numtorch does not mark
        the tensors made under ``inference_mode``, so this is False for them too.
        """
    @property
    def is_ipu(self): ...
    @property
    def is_leaf(self) -> builtins.bool: ...
    @property
    def is_maia(self): ...
    @property
    def is_meta(self) -> builtins.bool: ...
    @property
    def is_mkldnn(self): ...
    @property
    def is_mps(self): ...
    @property
    def is_mtia(self): ...
    def is_neg(self) -> builtins.bool: ...
    @property
    def is_nested(self): ...
    def is_nonzero(self: Tensor) -> builtins.bool:
        """``Tensor.is_nonzero``: the truth of a one-element tensor (PyTorch's errors otherwise)."""
    def is_pinned(self) -> builtins.bool: ...
    @property
    def is_quantized(self) -> builtins.bool: ...
    def is_same_size(self, other: Tensor) -> builtins.bool: ...
    def is_set_to(self, tensor: Tensor) -> builtins.bool:
        """Whether both tensors view the same memory with the same geometry."""
    def is_shared(self) -> builtins.bool: ...
    def is_signed(self) -> builtins.bool: ...
    @property
    def is_sparse(self) -> builtins.bool: ...
    @property
    def is_sparse_csr(self): ...
    @property
    def is_vulkan(self): ...
    @property
    def is_xla(self): ...
    @property
    def is_xpu(self): ...
    def isclose(input, other, rtol: builtins.float = 1e-05, atol: builtins.float = 1e-08, equal_nan: builtins.bool = False) -> Tensor:
        """Elementwise ``|input - other| <= atol + rtol * |other|`` (a bool tensor)."""
    def isfinite(input):
        """Elementwise: whether each value is finite (neither inf nor NaN) (a bool tensor)."""
    def isinf(input):
        """Elementwise: whether each value is +inf or -inf (a bool tensor)."""
    def isnan(input):
        """Elementwise: whether each value is NaN (a bool tensor)."""
    def isneginf(input):
        """Elementwise: whether each value is -inf (a bool tensor)."""
    def isposinf(input):
        """Elementwise: whether each value is +inf (a bool tensor)."""
    def isreal(input: Tensor) -> Tensor:
        """Elementwise: whether the imaginary part is zero (True for real dtypes)."""
    def istft(input: Tensor, n_fft: builtins.int, hop_length: builtins.int | None = None, win_length: builtins.int | None = None, window: Tensor | None = None, center: builtins.bool = True, normalized: builtins.bool = False, onesided: builtins.bool | None = None, length: builtins.int | None = None, return_complex: builtins.bool = False) -> Tensor:
        """``torch.istft``: inverse FFT of each frame, windowed overlap-add, divided by the summed
        squared window (the NOLA condition must hold), trimmed to ``length`` (or the centred
        signal) and zero-padded at the tail if ``length`` is longer.
        """
    def item(self): ...
    @property
    def itemsize(self) -> builtins.int: ...
    def kron(input: Tensor, other: Tensor) -> Tensor: ...
    def kthvalue(input: Tensor, k: builtins.int, dim: builtins.int = -1, keepdim: builtins.bool = False, *, out=None):
        """The k-th smallest value along ``dim`` and its index (``torch.return_types.kthvalue``)."""
    @property
    def layout(self): ...
    def lcm(input, other, *, out=None) -> Tensor:
        """``torch.lcm`` elementwise with broadcasting (LcmBackward0)."""
    def lcm_(self, other): ...
    def ldexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
        """``input * 2 ** other`` (a composite, as in PyTorch)."""
    def ldexp_(self: Tensor, other: Tensor) -> Tensor:
        """``Tensor.ldexp_``: ``self * 2 ** other`` in place (float ``self`` only)."""
    def le(input, other, *, out=None):
        """Elementwise ``a <= b`` with broadcasting and type promotion (a bool tensor), as ``torch.le``."""
    def le_(self, other):
        """In-place ``le``: ``self`` holds 1/0 in its own dtype."""
    def lerp(input, end, weight, *, out=None) -> Tensor:
        """``input + weight * (end - input)`` (LerpBackward0/1)."""
    def lerp_(self, *args, _fn=..., **kwargs): ...
    def less(input, other, *, out=None):
        """Elementwise ``a < b`` with broadcasting and type promotion (a bool tensor), as ``torch.lt``."""
    def less_(self, other):
        """In-place ``lt``: ``self`` holds 1/0 in its own dtype."""
    def less_equal(input, other, *, out=None):
        """Elementwise ``a <= b`` with broadcasting and type promotion (a bool tensor), as ``torch.le``."""
    def less_equal_(self, other):
        """In-place ``le``: ``self`` holds 1/0 in its own dtype."""
    def lgamma(input, *, out=None):
        """Elementwise the log of the absolute value of the gamma function, as ``torch.lgamma`` (grad_fn ``LgammaBackward0``)."""
    def lgamma_(self):
        """In-place ``lgamma``."""
    def log(input, *, out=None):
        """Elementwise the natural logarithm, as ``torch.log`` (grad_fn ``LogBackward0``)."""
    def log10(input, *, out=None):
        """Elementwise the base-10 logarithm, as ``torch.log10`` (grad_fn ``Log10Backward0``)."""
    def log10_(self):
        """In-place ``log10``."""
    def log1p(input, *, out=None):
        """Elementwise log(1 + x), accurate for small x, as ``torch.log1p`` (grad_fn ``Log1PBackward0``)."""
    def log1p_(self):
        """In-place ``log1p``."""
    def log2(input, *, out=None):
        """Elementwise the base-2 logarithm, as ``torch.log2`` (grad_fn ``Log2Backward0``)."""
    def log2_(self):
        """In-place ``log2``."""
    def log_(self):
        """In-place ``log``."""
    def log_normal_(self: Tensor, mean: builtins.float = 1, std: builtins.float = 2, *, generator=None) -> Tensor:
        """``Tensor.log_normal_(mean, std)``: ``exp`` of a per-element (algorithm A) normal."""
    def log_softmax(input: Tensor, dim=None, dtype=None, *, _stacklevel: builtins.int = 3) -> Tensor:
        """Log-softmax along ``dim`` (LogSoftmaxBackward0)."""
    def logaddexp(input, other, *, out=None) -> Tensor:
        """``torch.logaddexp`` elementwise with broadcasting (LogaddexpBackward0)."""
    def logaddexp2(input, other, *, out=None) -> Tensor:
        """``torch.logaddexp2`` elementwise with broadcasting (Logaddexp2Backward0)."""
    def logaddexp2_(self, other): ...
    def logaddexp_(self, other): ...
    def logcumsumexp(input: Tensor, dim: builtins.int, *, out=None) -> Tensor:
        """``log(cumsum(exp(input)))`` along ``dim``, computed stably (floating inputs only)."""
    def logdet(input: Tensor) -> Tensor:
        """``log(det(A))``: nan for a negative determinant, -inf for a singular matrix."""
    def logical_and(input, other, *, out=None):
        """Elementwise ``a and b`` of the operands taken as booleans, as ``torch.logical_and``."""
    def logical_and_(self, *args, _f=...): ...
    def logical_not(input, *, out=None) -> Tensor:
        """Elementwise ``not input`` (a bool tensor)."""
    def logical_not_(self, *args, _f=...): ...
    def logical_or(input, other, *, out=None):
        """Elementwise ``a or b`` of the operands taken as booleans, as ``torch.logical_or``."""
    def logical_or_(self, *args, _f=...): ...
    def logical_xor(input, other, *, out=None):
        """Elementwise ``a xor b`` of the operands taken as booleans, as ``torch.logical_xor``."""
    def logical_xor_(self, *args, _f=...): ...
    def logit(input: Tensor, eps=None, *, out=None) -> Tensor:
        """``log(p / (1 - p))``, clamping to ``[eps, 1 - eps]`` when eps is given."""
    def logit_(self: Tensor, eps=None) -> Tensor:
        """``Tensor.logit_(eps)``: ``log(p / (1 - p))`` in place."""
    def logsumexp(input, dim, keepdim: builtins.bool = False, *, out=None) -> Tensor:
        """``log(sum(exp(x)))`` over ``dim``; integer inputs compute in the default float dtype."""
    def long(self, memory_format=None): ...
    def lstsq(self, *args, **kwargs):
        """``Tensor.lstsq``: removed in PyTorch 1.9; raises PyTorch's error."""
    def lt(input, other, *, out=None):
        """Elementwise ``a < b`` with broadcasting and type promotion (a bool tensor), as ``torch.lt``."""
    def lt_(self, other):
        """In-place ``lt``: ``self`` holds 1/0 in its own dtype."""
    def lu(A: Tensor, pivot: builtins.bool = True, get_infos: builtins.bool = False, out=None):
        """``torch.lu``: (LU, pivots[, infos])."""
    def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor: ...
    @property
    def mH(self): ...
    @property
    def mT(self) -> Tensor: ...
    def map2_(self: Tensor, x: Tensor, y: Tensor, callable) -> Tensor:
        """``Tensor.map2_``: ``callable(a, b, c)`` over ``self``, ``x`` and ``y``, in place."""
    def map_(self: Tensor, tensor: Tensor, callable) -> Tensor:
        """``Tensor.map_``: ``callable(a, b)`` for each element ``a`` of ``self`` and ``b`` of
        ``tensor`` (broadcast to ``self``), in place.
        """
    def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
        """Copy of ``input`` with ``value`` where ``mask`` is True (mask broadcasts)."""
    def masked_fill_(self, mask, value): ...
    def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
        """Copy of ``input`` with consecutive ``source`` elements written where ``mask`` is True."""
    def masked_scatter_(self, *args, **kwargs): ...
    def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
        """1-D tensor of the elements of ``input`` where ``mask`` (broadcast together) is True."""
    def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
        """Matrix product with PyTorch's dispatch on dimensions, so graphs print the same nodes:
        dot, mv, mm, folding a batch into mm/mv when one side is a matrix or vector, else bmm.
        """
    def matrix_exp(input: Tensor) -> Tensor: ...
    def matrix_power(input: Tensor, n: builtins.int, *, out=None) -> Tensor:
        """``torch.matrix_power``: ``input`` to the integer power ``n`` (as
        ``torch.linalg.matrix_power``).
        """
    def max(input, dim=None, keepdim: builtins.bool = False, *, out=None):
        """``max(x)`` (all), ``max(x, dim)`` -> (values, indices), ``max(x, other)`` (maximum)."""
    def maximum(input, other, *, out=None) -> Tensor:
        """Elementwise max (NaN propagates); equal values share the gradient."""
    def mean(input, dim=None, keepdim: builtins.bool = False, *, dtype=None, out=None) -> Tensor:
        """Mean over ``dim``; PyTorch's error for integer inputs without a floating ``dtype``."""
    def median(input: Tensor, dim: builtins.int | None = None, keepdim: builtins.bool = False, *, out=None):
        """The lower median (of all elements, or along ``dim`` with its index); NaN propagates."""
    def min(input, dim=None, keepdim: builtins.bool = False, *, out=None):
        """``min(x)`` (all), ``min(x, dim)`` -> (values, indices), ``min(x, other)`` (minimum)."""
    def minimum(input, other, *, out=None) -> Tensor:
        """Elementwise min (NaN propagates); equal values share the gradient."""
    def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor: ...
    def mode(input: Tensor, dim: builtins.int = -1, keepdim: builtins.bool = False, *, out=None):
        """The most frequent value along ``dim`` (smallest on ties) and its last index."""
    def module_load(self: Tensor, other: Tensor, assign: builtins.bool = False) -> Tensor:
        """What ``load_state_dict`` stores for ``self`` given ``other``: ``other`` detached when
        ``assign``, else ``self`` with ``other`` copied in (detached).
        """
    def moveaxis(input: Tensor, source, destination) -> Tensor: ...
    def movedim(input: Tensor, source, destination) -> Tensor: ...
    def msort(input: Tensor, *, out=None) -> Tensor:
        """Sort along dim 0 (values only)."""
    def mtia(self, device=None, non_blocking: builtins.bool = False, memory_format=None):
        """``Tensor.mtia``: numtorch has no mtia device (PyTorch's error)."""
    def mul(input, other, *, out=None) -> Tensor:
        """Elementwise product."""
    def mul_(self, *args, **kwargs):
        """In-place ``mul``."""
    def multinomial(input: Tensor, num_samples: builtins.int, replacement: builtins.bool = False, *, generator=None, out=None) -> Tensor:
        """``torch.multinomial``: category indices drawn by weight, per row (int64)."""
    def multiply(input, other, *, out=None) -> Tensor:
        """Elementwise product."""
    def multiply_(self, *args, **kwargs):
        """In-place ``mul``."""
    def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor: ...
    def mvlgamma(input: Tensor, p: builtins.int, *, out=None) -> Tensor:
        """Multivariate log-gamma of dimension ``p`` (a sum of lgamma terms)."""
    def mvlgamma_(self: Tensor, p: builtins.int) -> Tensor:
        """``Tensor.mvlgamma_(p)``: the multivariate log-gamma, in place."""
    @property
    def name(self):
        """The tensor's name: always None."""
    def nan_to_num(input: Tensor, nan: builtins.float = 0.0, posinf=None, neginf=None, *, out=None):
        """Replace NaN, +inf and -inf (defaults: 0 and the dtype's largest/smallest values)."""
    def nan_to_num_(self, nan: builtins.float = 0.0, posinf=None, neginf=None): ...
    def nanmean(input, dim=None, keepdim: builtins.bool = False, *, dtype=None) -> Tensor: ...
    def nanmedian(input: Tensor, dim: builtins.int | None = None, keepdim: builtins.bool = False, *, out=None):
        """``median`` ignoring NaN."""
    def nanquantile(input: Tensor, q, dim=None, keepdim: builtins.bool = False, *, interpolation: str = 'linear', out=None) -> Tensor:
        """``torch.nanquantile``: ``quantile`` ignoring NaN values."""
    def nansum(input, dim=None, keepdim: builtins.bool = False, *, dtype=None) -> Tensor:
        """Sum treating NaN as zero (NansumBackward0)."""
    def narrow(input: Tensor, dim: builtins.int, start, length: builtins.int) -> Tensor: ...
    def narrow_copy(input: Tensor, dim: builtins.int, start: builtins.int, length: builtins.int, *, out=None) -> Tensor: ...
    @property
    def nbytes(self) -> builtins.int: ...
    @property
    def ndim(self) -> builtins.int: ...
    def ndimension(self) -> builtins.int: ...
    def ne(input, other, *, out=None):
        """Elementwise ``a != b`` with broadcasting and type promotion (a bool tensor), as ``torch.ne``."""
    def ne_(self, other):
        """In-place ``ne``: ``self`` holds 1/0 in its own dtype."""
    def neg(input, *, out=None) -> Tensor:
        """``-input`` (bool tensors refused, as PyTorch)."""
    def neg_(self, *args, **kwargs):
        """In-place ``neg``."""
    def negative(input, *, out=None) -> Tensor:
        """``-input`` (bool tensors refused, as PyTorch)."""
    def negative_(self, *args, **kwargs):
        """In-place ``neg``."""
    def nelement(self) -> builtins.int: ...
    def new(self, *args, **kwargs) -> Tensor:
        """``Tensor.new``: the legacy constructor of this tensor's dtype (``x.new(2, 3)``,
        ``x.new([1, 2])``).
        """
    def new_empty(self, *size, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor: ...
    def new_empty_strided(self: Tensor, size, stride, *, dtype=None, layout=None, device=None, requires_grad: builtins.bool = False, pin_memory: builtins.bool = False) -> Tensor: ...
    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor: ...
    def new_ones(self, *size, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor: ...
    def new_tensor(self, data, *, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor: ...
    def new_zeros(self, *size, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor: ...
    def nextafter(input, other, *, out=None) -> Tensor:
        """``torch.nextafter`` elementwise with broadcasting (NextafterBackward0)."""
    def nextafter_(self, other): ...
    def nonzero(input: Tensor, *, out=None, as_tuple: builtins.bool = False):
        """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    def nonzero_static(input: Tensor, *, size: builtins.int, fill_value: builtins.int = -1) -> Tensor:
        """``torch.nonzero_static``: ``nonzero`` padded with ``fill_value`` or cut to ``size`` rows."""
    def norm(input, p='fro', dim=None, keepdim: builtins.bool = False, dtype=None) -> Tensor:
        """Vector p-norm over ``dim`` (all elements by default); 'fro' is the 2-norm."""
    def normal_(self: Tensor, mean: builtins.float = 0, std: builtins.float = 1, *, generator=None) -> Tensor:
        """``Tensor.normal_(mean, std)``: block Box-Muller for contiguous n >= 16, else per element."""
    def not_equal(input, other, *, out=None):
        """Elementwise ``a != b`` with broadcasting and type promotion (a bool tensor), as ``torch.ne``."""
    def not_equal_(self, other):
        """In-place ``ne``: ``self`` holds 1/0 in its own dtype."""
    def numel(self) -> builtins.int: ...
    def numpy(self, *, force: builtins.bool = False) -> np.ndarray: ...
    def orgqr(input: Tensor, input2: Tensor, *, out=None) -> Tensor:
        """``torch.orgqr``: ``torch.linalg.householder_product``."""
    def ormqr(input: Tensor, input2: Tensor, input3: Tensor, left: builtins.bool = True, transpose: builtins.bool = False, *, out=None) -> Tensor:
        """Multiply ``input3`` by the full Q of a packed QR (``input``, ``input2``)."""
    def outer(input: Tensor, vec2: Tensor) -> Tensor:
        """Outer product of two vectors (``input.reshape(-1, 1) * vec2``, as PyTorch)."""
    @property
    def output_nr(self) -> builtins.int: ...
    def permute(input: Tensor, *dims) -> Tensor: ...
    def pin_memory(self) -> Tensor: ...
    def pinverse(input: Tensor, rcond: builtins.float = 1e-15) -> Tensor: ...
    def polygamma(self, n: builtins.int) -> Tensor: ...
    def polygamma_(self: Tensor, n: builtins.int) -> Tensor:
        """``Tensor.polygamma_(n)``: the n-th derivative of digamma, in place."""
    def positive(input: Tensor) -> Tensor:
        """Returns ``input`` itself (booleans rejected, as PyTorch)."""
    def pow(input, exponent, *, out=None) -> Tensor:
        """``input ** exponent`` for tensor/scalar combinations (PowBackward0/1/2)."""
    def pow_(self, *args, **kwargs):
        """In-place ``pow``."""
    def prelu(input: Tensor, weight: Tensor) -> Tensor:
        """``torch.prelu``: ``max(0, x) + weight * min(0, x)``, one weight per channel (dim 1, or
        dim 0 of a 1-D input), as ``F.prelu``.
        """
    def prod(input, dim=..., keepdim: builtins.bool = False, *, dtype=None) -> Tensor: ...
    def put(input: Tensor, index: Tensor, source: Tensor, accumulate: builtins.bool = False) -> Tensor:
        """Copy of ``input`` with ``source`` written (or added) at flat positions ``index``."""
    def put_(self, *args, **kwargs): ...
    def qr(input: Tensor, some: builtins.bool = True, *, out=None): ...
    def quantile(input: Tensor, q, dim=None, keepdim: builtins.bool = False, *, interpolation: str = 'linear', out=None) -> Tensor:
        """``torch.quantile``: q-th quantiles along ``dim`` (NaN if a slice has NaN)."""
    def rad2deg(input: Tensor, *, out=None) -> Tensor:
        """Radians to degrees (integers give the default float dtype)."""
    def rad2deg_(self, *args, _fn=...): ...
    def random_(self: Tensor, *args, generator=None, **kw) -> Tensor:
        """``Tensor.random_()``, ``random_(to)`` and ``random_(from, to)`` (``to=None``: up to the
        dtype's largest value).
        """
    def ravel(input: Tensor) -> Tensor:
        """``torch.ravel``: a contiguous 1-D tensor, a view of the input only when it is contiguous."""
    @property
    def real(self) -> Tensor:
        """Real part (a view); a real tensor is returned as is."""
    def reciprocal(input, *, out=None):
        """Elementwise 1 / x, as ``torch.reciprocal`` (grad_fn ``ReciprocalBackward0``)."""
    def reciprocal_(self):
        """In-place ``reciprocal``."""
    def register_hook(self, hook) -> RemovableHandle:
        """Run ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
    def register_post_accumulate_grad_hook(self, hook) -> RemovableHandle:
        """Run ``hook(tensor)`` after a leaf's ``.grad`` was accumulated in a backward."""
    def reinforce(self: Tensor, reward) -> None:
        """Removed from PyTorch: raises its error pointing to ``torch.distributions``."""
    def relu(input, *, out=None):
        """Elementwise max(x, 0), as ``torch.relu`` (grad_fn ``ReluBackward0``)."""
    def relu_(self):
        """In-place ``relu``."""
    def remainder(input, other, *, out=None) -> Tensor:
        """Python-style modulus (sign of the divisor)."""
    def remainder_(self, *args, **kwargs):
        """In-place ``remainder``."""
    def renorm(input: Tensor, p, dim: builtins.int, maxnorm) -> Tensor:
        """``torch.renorm``: rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm``."""
    def renorm_(self: Tensor, p, dim: builtins.int, maxnorm) -> Tensor: ...
    def repeat(self: Tensor, *sizes) -> Tensor:
        """Tile the tensor ``sizes`` times along each dim (PyTorch's ``Tensor.repeat``)."""
    def repeat_interleave(input: Tensor, repeats=None, dim: builtins.int | None = None, *, output_size: builtins.int | None = None) -> Tensor:
        """Repeat each element ``repeats`` times along ``dim`` (the flattened input when None)."""
    @property
    def requires_grad(self) -> builtins.bool: ...
    @requires_grad.setter
    def requires_grad(self, value: builtins.bool) -> None: ...
    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor: ...
    def reshape(input: Tensor, *shape) -> Tensor:
        """A view when the strides allow it, else a copy (``torch.reshape``)."""
    def reshape_as(self, other: Tensor) -> Tensor: ...
    def resize(self: Tensor, *sizes) -> Tensor:
        """Deprecated out-of-place ``resize``: a resized copy (PyTorch's warning)."""
    def resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
        """``Tensor.resize_``: new shape, keeping the leading elements (new ones are zero here)."""
    def resize_as(self: Tensor, tensor: Tensor) -> Tensor:
        """Deprecated out-of-place ``resize_as``: a copy resized like ``tensor``."""
    def resize_as_(input: Tensor, the_template: Tensor, *, memory_format=None) -> Tensor:
        """``torch.resize_as_``: ``resize_`` to the template's shape."""
    def resolve_conj(input: Tensor) -> Tensor:
        """numtorch materialises conjugates eagerly, so this returns ``input``."""
    def resolve_neg(input: Tensor) -> Tensor:
        """numtorch has no lazy negation bit, so this returns ``input``."""
    def retain_grad(self) -> None:
        """Keep ``.grad`` for a non-leaf tensor after backward (``Tensor.retain_grad``)."""
    @property
    def retains_grad(self) -> builtins.bool: ...
    def roll(input: Tensor, shifts, dims=None) -> Tensor:
        """Rotate elements along ``dims`` by ``shifts`` (the flattened tensor when dims is None)."""
    def rot90(input: Tensor, k: builtins.int = 1, dims=(0, 1)) -> Tensor:
        """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the
        second).
        """
    def round(input, *, decimals: builtins.int = 0, out=None) -> Tensor:
        """Round half to even; ``decimals`` as PyTorch."""
    def round_(self, *, decimals: builtins.int = 0): ...
    def rsqrt(input, *, out=None):
        """Elementwise 1 / sqrt(x), as ``torch.rsqrt`` (grad_fn ``RsqrtBackward0``)."""
    def rsqrt_(self):
        """In-place ``rsqrt``."""
    def scatter(input: Tensor, dim: builtins.int, index: Tensor, src=None, value=None, *, reduce: str | None = None, out=None) -> Tensor:
        """Copy of ``input`` with ``src`` (a tensor, or the scalar ``value``) written at ``index``."""
    def scatter_(self, *args, **kwargs): ...
    def scatter_add(input: Tensor, dim: builtins.int, index: Tensor, src: Tensor, *, out=None) -> Tensor:
        """Copy of ``input`` with ``src`` summed into the places ``index`` names along ``dim``."""
    def scatter_add_(self, *args, **kwargs): ...
    def scatter_reduce(input: Tensor, dim: builtins.int, index: Tensor, src: Tensor, reduce: str, *, include_self: builtins.bool = True, out=None) -> Tensor:
        """Reduce ``src`` into ``input`` at ``index`` along ``dim`` (sum, prod, mean, amax, amin)."""
    def scatter_reduce_(self, *args, **kwargs): ...
    def select(input: Tensor, dim: builtins.int, index: builtins.int) -> Tensor: ...
    def select_scatter(input: Tensor, src: Tensor, dim: builtins.int, index: builtins.int) -> Tensor:
        """``torch.select_scatter``: ``input`` with ``input.select(dim, index)`` replaced by src."""
    def set_(self, source=None, storage_offset: builtins.int = 0, size=None, stride=None) -> Tensor:
        """``Tensor.set_``: view ``source`` (a storage, or a tensor's memory and geometry), or
        nothing; the tensor then shares that memory.
        """
    def sgn(input, *, out=None):
        """Elementwise the sign, z / |z| for complex numbers, as ``torch.sgn`` (grad_fn ``SgnBackward0``)."""
    def sgn_(self):
        """In-place ``sgn``."""
    @property
    def shape(self) -> Size: ...
    def share_memory_(self) -> Tensor: ...
    def short(self, memory_format=None): ...
    def sigmoid(input, *, out=None):
        """Elementwise the logistic function 1 / (1 + e**-x), as ``torch.sigmoid`` (grad_fn ``SigmoidBackward0``)."""
    def sigmoid_(self):
        """In-place ``sigmoid``."""
    def sign(input, *, out=None):
        """Elementwise the sign (-1, 0 or 1; 0 for NaN), as ``torch.sign`` (grad_fn ``SignBackward0``)."""
    def sign_(self):
        """In-place ``sign``."""
    def signbit(input) -> Tensor:
        """Elementwise: whether the sign bit is set (True for -0.0)."""
    def sin(input, *, out=None):
        """Elementwise the sine, as ``torch.sin`` (grad_fn ``SinBackward0``)."""
    def sin_(self):
        """In-place ``sin``."""
    def sinc(input: Tensor, *, out=None) -> Tensor:
        """Normalised sinc, ``sin(pi x) / (pi x)`` with 1 at 0 (SincBackward0)."""
    def sinc_(self, *args, _fn=...): ...
    def sinh(input, *, out=None):
        """Elementwise the hyperbolic sine, as ``torch.sinh`` (grad_fn ``SinhBackward0``)."""
    def sinh_(self):
        """In-place ``sinh``."""
    def size(self, dim: builtins.int | None = None): ...
    def slice_scatter(input: Tensor, src: Tensor, dim: builtins.int = 0, start=None, end=None, step: builtins.int = 1) -> Tensor:
        """``torch.slice_scatter``: ``input`` with ``input[..., start:end:step, ...]`` set to src."""
    def slogdet(input: Tensor): ...
    def softmax(input: Tensor, dim=None, dtype=None, *, _stacklevel: builtins.int = 3) -> Tensor:
        """Softmax along ``dim`` (SoftmaxBackward0); ``dtype`` casts first as PyTorch does."""
    def solve(self, *args, **kwargs):
        """``Tensor.solve``: removed in PyTorch 1.9; raises PyTorch's error."""
    def sort(input: Tensor, dim: builtins.int = -1, descending: builtins.bool = False, *, stable: builtins.bool | None = None, out=None):
        """Sorted values and their indices along ``dim`` (``torch.return_types.sort``); always
        stable. Passing ``stable=`` selects PyTorch's other overload (SortBackward1).
        """
    def sparse_dim(self: Tensor) -> builtins.int:
        """Number of sparse dims: 0 for a strided tensor."""
    def split(tensor: Tensor, split_size_or_sections, dim: builtins.int = 0) -> tuple:
        """Split into chunks of a size (last may be smaller) or of the given sizes; views."""
    def split_with_sizes(self, split_sizes, dim: builtins.int = 0): ...
    def sqrt(input, *, out=None):
        """Elementwise the square root, as ``torch.sqrt`` (grad_fn ``SqrtBackward0``)."""
    def sqrt_(self):
        """In-place ``sqrt``."""
    def square(input) -> Tensor:
        """``input ** 2`` (PowBackward0)."""
    def square_(self, *args, **kwargs):
        """In-place ``square``."""
    def squeeze(input: Tensor, dim=...) -> Tensor:
        """Remove size-1 dims (all, one, or a tuple), as a view."""
    def squeeze_(self: Tensor, dim=...) -> Tensor:
        """``Tensor.squeeze_``: remove size-1 dims (all, one, or a tuple) in place."""
    def std(input, dim=None, unbiased=None, keepdim: builtins.bool = False, *, correction=None) -> Tensor:
        """Standard deviation (StdBackward0)."""
    def stft(input: Tensor, n_fft: builtins.int, hop_length: builtins.int | None = None, win_length: builtins.int | None = None, window: Tensor | None = None, center: builtins.bool = True, pad_mode: str = 'reflect', normalized: builtins.bool = False, onesided: builtins.bool | None = None, return_complex: builtins.bool | None = None, align_to_window: builtins.bool | None = None) -> Tensor:
        """``torch.stft``: FFTs of windowed frames, (batch?, freq, frames); centred frames pad the
        signal by ``n_fft // 2`` with ``pad_mode``; ``normalized`` scales by ``n_fft ** -0.5``.
        """
    def storage(self) -> TypedStorage:
        """``Tensor.storage()``: a ``TypedStorage`` of this tensor's dtype (deprecated, with
        PyTorch's warning).
        """
    def storage_offset(self) -> builtins.int: ...
    def stride(self, dim: builtins.int | None = None): ...
    def sub(input, other, *, alpha=1, out=None) -> Tensor:
        """``input - alpha * other``."""
    def sub_(self, *args, **kwargs):
        """In-place ``sub``."""
    def subtract(input, other, *, alpha=1, out=None) -> Tensor:
        """``input - alpha * other``."""
    def subtract_(self, *args, **kwargs):
        """In-place ``sub``."""
    def sum(input, dim=None, keepdim: builtins.bool = False, *, dtype=None, out=None) -> Tensor:
        """Sum over ``dim`` (all dims by default); integer inputs sum in int64 as PyTorch."""
    def sum_to_size(self: Tensor, *size) -> Tensor:
        """``Tensor.sum_to_size``: sum broadcast dims so the result has ``size``."""
    def svd(input: Tensor, some: builtins.bool = True, compute_uv: builtins.bool = True, *, out=None):
        """``torch.svd``: (U, S, V) with V (not V^H); zero-filled U and V without compute_uv."""
    def swapaxes(input: Tensor, dim0: builtins.int, dim1: builtins.int) -> Tensor: ...
    def swapaxes_(self: Tensor, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """``Tensor.transpose_``: swap two dims of ``self`` in place."""
    def swapdims(input: Tensor, dim0: builtins.int, dim1: builtins.int) -> Tensor: ...
    def swapdims_(self: Tensor, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """``Tensor.transpose_``: swap two dims of ``self`` in place."""
    def symeig(self, *args, **kwargs):
        """``Tensor.symeig``: removed in PyTorch 1.9; raises PyTorch's error."""
    def t(input: Tensor) -> Tensor:
        """Transpose of a matrix (0-D and 1-D tensors are returned as views of themselves)."""
    def t_(self: Tensor) -> Tensor:
        """``Tensor.t_``: transpose a matrix in place (0-D and 1-D tensors are unchanged)."""
    def take(input: Tensor, index: Tensor) -> Tensor:
        """Elements of the flattened ``input`` at ``index`` (shape of ``index``)."""
    def take_along_dim(input: Tensor, indices: Tensor, dim: builtins.int | None = None, *, out=None) -> Tensor:
        """``gather`` after broadcasting ``input`` and ``indices`` (flattened when ``dim`` is None)."""
    def tan(input, *, out=None):
        """Elementwise the tangent, as ``torch.tan`` (grad_fn ``TanBackward0``)."""
    def tan_(self):
        """In-place ``tan``."""
    def tanh(input, *, out=None):
        """Elementwise the hyperbolic tangent, as ``torch.tanh`` (grad_fn ``TanhBackward0``)."""
    def tanh_(self):
        """In-place ``tanh``."""
    def tensor_split(input: Tensor, indices_or_sections, dim: builtins.int = 0) -> tuple: ...
    def tile(input: Tensor, dims) -> Tensor:
        """``repeat`` with ``dims`` padded by leading 1s to the tensor's rank."""
    def to(self: Tensor, *args, **kwargs) -> Tensor:
        """Convert dtype and/or device; returns ``self`` when nothing changes (as PyTorch)."""
    def to_dense(self: Tensor, dtype=None, *, masked_grad=None) -> Tensor:
        """A strided tensor is already dense: ``self`` (converted when ``dtype`` differs)."""
    def to_sparse(self, sparse_dim: builtins.int | None = None, **kwargs) -> Tensor:
        """``Tensor.to_sparse``: the COO form (non-zeros in row-major order, coalesced)."""
    def tolist(self): ...
    def topk(input: Tensor, k: builtins.int, dim: builtins.int = -1, largest: builtins.bool = True, sorted: builtins.bool = True, *, out=None):
        """The ``k`` largest (or smallest) values along ``dim`` and their indices, sorted."""
    def trace(input: Tensor) -> Tensor:
        """Sum of the main diagonal of a 2-D matrix (integers promoted to int64, as torch)."""
    def transpose(input: Tensor, dim0: builtins.int, dim1: builtins.int) -> Tensor: ...
    def transpose_(self: Tensor, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """``Tensor.transpose_``: swap two dims of ``self`` in place."""
    def triangular_solve(b: Tensor, A: Tensor, upper: builtins.bool = True, transpose: builtins.bool = False, unitriangular: builtins.bool = False, *, out=None):
        """``torch.triangular_solve``: (solution, cloned_coefficient)."""
    def tril(input: Tensor, diagonal: builtins.int = 0, *, out=None) -> Tensor:
        """Lower triangle of the last two dims (elements above ``diagonal`` zeroed)."""
    def tril_(self, *args, **kwargs): ...
    def triu(input: Tensor, diagonal: builtins.int = 0, *, out=None) -> Tensor:
        """Upper triangle of the last two dims (elements below ``diagonal`` zeroed)."""
    def triu_(self, *args, **kwargs): ...
    def true_divide(input, other, *, rounding_mode=None, out=None) -> Tensor:
        """True division (ints give floats); ``rounding_mode='trunc'|'floor'`` as PyTorch."""
    def true_divide_(self, *args, **kwargs):
        """In-place ``div``."""
    def trunc(input, *, out=None):
        """Elementwise rounded toward zero (integers unchanged), as ``torch.trunc`` (grad_fn ``TruncBackward0``)."""
    def trunc_(self):
        """In-place ``trunc``."""
    def type(self, dtype=None, non_blocking: builtins.bool = False): ...
    def type_as(self, other: Tensor) -> Tensor: ...
    def unbind(input: Tensor, dim: builtins.int = 0) -> tuple: ...
    def unflatten(input: Tensor, dim: builtins.int, sizes) -> Tensor: ...
    def unfold(self: Tensor, dimension: builtins.int, size: builtins.int, step: builtins.int) -> Tensor:
        """All windows of ``size`` along ``dimension`` every ``step``, as a new last dim (a view)."""
    def uniform_(self: Tensor, from_: builtins.float = 0, to: builtins.float = 1, *, generator=None, **kw) -> Tensor:
        """``Tensor.uniform_(from, to)``: fused ``u * (to - from) + from`` in the tensor's dtype."""
    def unique(input: Tensor, sorted: builtins.bool = True, return_inverse: builtins.bool = False, return_counts: builtins.bool = False, dim: builtins.int | None = None):
        """The distinct values (or slices along ``dim``), sorted; optional inverse and counts."""
    def unique_consecutive(input: Tensor, return_inverse: builtins.bool = False, return_counts: builtins.bool = False, dim: builtins.int | None = None):
        """Collapse runs of equal consecutive values (or slices along ``dim``)."""
    def unsafe_chunk(input: Tensor, chunks: builtins.int, dim: builtins.int = 0) -> tuple:
        """``torch.unsafe_chunk``: ``chunk``."""
    def unsafe_split(input: Tensor, split_size, dim: builtins.int = 0) -> tuple:
        """``torch.unsafe_split``: ``split`` (the views are not tracked for in-place safety)."""
    def unsafe_split_with_sizes(input: Tensor, split_sizes, dim: builtins.int = 0) -> tuple:
        """``torch.unsafe_split_with_sizes``: ``split_with_sizes`` (views not tracked for in-place
        safety).
        """
    def unsqueeze(input: Tensor, dim: builtins.int) -> Tensor: ...
    def unsqueeze_(self: Tensor, dim: builtins.int) -> Tensor:
        """``Tensor.unsqueeze_``: insert a size-1 dim in place."""
    def untyped_storage(self) -> UntypedStorage:
        """The ``UntypedStorage`` of this tensor's memory block (shared by all its views)."""
    def var(input, dim=None, unbiased=None, keepdim: builtins.bool = False, *, correction=None) -> Tensor:
        """Variance with Bessel's correction by default (``correction=1``)."""
    def vdot(input: Tensor, other: Tensor) -> Tensor:
        """``dot(input.conj(), other)`` (VdotBackward0)."""
    def view(self: Tensor, *shape) -> Tensor:
        """A view with a new shape (one dim may be -1); ``view(dtype)`` reinterprets the bits."""
    def view_as(self, other: Tensor) -> Tensor: ...
    @property
    def volatile(self) -> builtins.bool:
        """Removed: always False, with a warning."""
    @volatile.setter
    def volatile(self: Tensor, value) -> None: ...
    def vsplit(input: Tensor, indices_or_sections) -> tuple:
        """``torch.vsplit``: ``tensor_split`` along dim 0."""
    def where(self, condition, other): ...
    def xlogy(input, other, *, out=None) -> Tensor:
        """``torch.xlogy`` elementwise with broadcasting (XlogyBackward0)."""
    def xlogy_(self, other): ...
    def xpu(self, device=None, non_blocking: builtins.bool = False, memory_format=None):
        """``Tensor.xpu``: numtorch has no xpu device (PyTorch's error)."""
    def zero_(self: Tensor) -> Tensor: ...


class _Geometry:
    """The base of a ``strided_array`` result: its memory's owner (``base``) and the geometry
    given on purpose, so that even all-zero strides of an empty view are believed.
    """
    __array_interface__: Any
    def __init__(self, interface, base) -> None: ...
    base: Any


def _contiguous_strides(shape) -> tuple: ...


def _from_array(arr, requires_grad: bool = False, cls=...) -> Tensor:
    """Wrap an array as a ``cls`` without copying: the one constructor of every tensor (it is
    ``Tensor._from_array`` and the hot path's ``_ops._base._wrap``). A NumPy scalar (what a ufunc
    returns for 0-d operands) becomes a 0-d array, so in-place writes reach it.
    """


def _rebuild(cls, arr, requires_grad, state): ...


def _wrap_dim(dim: int, ndim: int) -> int: ...


def array_offset(arr) -> int:
    """PyTorch's storage offset (in elements) of a tensor holding ``arr``."""


def array_root(arr):
    """The array owning ``arr``'s memory (through ``as_strided``'s wrapper objects too)."""


def array_strides(arr) -> tuple:
    """PyTorch's strides (in elements) of a tensor holding ``arr``."""


def strided_array(arr, shape, strides, offset=None):
    """A view of ``arr``'s memory with ``shape`` and element ``strides``, starting at ``arr``'s
    first element, or at element ``offset`` of its storage when given (an empty view may start
    anywhere up to the storage's end).
    """
