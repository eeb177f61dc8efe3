"""In-place view ops: ``t_``, ``transpose_`` (``swapdims_``/``swapaxes_``), ``squeeze_`` and
``unsqueeze_`` change ``self``'s geometry (not its values) in place, as PyTorch's do: the version
counter moves, a leaf that requires grad is refused, and a tracked tensor's ``grad_fn`` becomes
the ``...Backward1`` form of the view's node (``SqueezeBackward3/4/5`` for ``squeeze_``)."""

from __future__ import annotations

import builtins

from ..._tensor import Tensor
from .._base import tensor_method, wrap_dim
from ._kinds import combination, is_int_list, need_int
from .views import _ALL, _SQUEEZE, Squeeze, T, Transpose, Unsqueeze

__all__: list = []


def restride_inplace(self: Tensor, cls, **params) -> Tensor:
    """Replace ``self``'s geometry by ``cls``'s view of it (``cls`` an in-place view node)."""
    self._check_inplace()
    res = cls.apply(self, **params)
    self._data = res._data
    if res.grad_fn is not None:
        self.grad_fn = res.grad_fn
        self._output_nr = res._output_nr
    self._version_box[0] += 1
    return self


def renamed(cls, grad_fn_name: str):
    """``cls`` under the node name PyTorch gives its in-place form."""
    return type(cls.__name__ + "Inplace", (cls,),
                {"grad_fn_name": grad_fn_name, "__module__": __name__})


_T_ = renamed(T, "TBackward1")
_TRANSPOSE_ = renamed(Transpose, "TransposeBackward1")
_UNSQUEEZE_ = renamed(Unsqueeze, "UnsqueezeBackward1")
_SQUEEZE_ALL = renamed(Squeeze, "SqueezeBackward3")
_SQUEEZE_DIM = renamed(Squeeze, "SqueezeBackward4")
_SQUEEZE_DIMS = renamed(Squeeze, "SqueezeBackward5")


@tensor_method("t_")
def t_(self: Tensor) -> Tensor:
    """``Tensor.t_``: transpose a matrix in place (0-D and 1-D tensors are unchanged)."""
    nd = self._data.ndim
    if nd > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return restride_inplace(self, _T_, d0=0, d1=1)


@tensor_method("transpose_", "swapdims_", "swapaxes_")
def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """``Tensor.transpose_``: swap two dims of ``self`` in place."""
    need_int("transpose_", dim0, "dim0", 1)
    need_int("transpose_", dim1, "dim1", 2)
    nd = self._data.ndim
    return restride_inplace(self, _TRANSPOSE_, d0=wrap_dim(dim0, nd), d1=wrap_dim(dim1, nd))


@tensor_method("unsqueeze_")
def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """``Tensor.unsqueeze_``: insert a size-1 dim in place."""
    need_int("unsqueeze_", dim, "dim", 1)
    return restride_inplace(self, _UNSQUEEZE_, dim=wrap_dim(dim, self._data.ndim + 1))


@tensor_method("squeeze_")
def squeeze_(self: Tensor, dim=_ALL) -> Tensor:
    """``Tensor.squeeze_``: remove size-1 dims (all, one, or a tuple) in place."""
    nd = self._data.ndim
    if dim is _ALL:
        return restride_inplace(self, _SQUEEZE_ALL, dims=tuple(builtins.range(nd)))
    if not is_int_list(dim):
        raise combination("squeeze_", (self, dim), _SQUEEZE)
    if isinstance(dim, int):
        return restride_inplace(self, _SQUEEZE_DIM, dims=(wrap_dim(dim, nd),))
    return restride_inplace(self, _SQUEEZE_DIMS, dims=tuple(wrap_dim(d, nd) for d in dim))
