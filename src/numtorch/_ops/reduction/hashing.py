"""``torch.hash_tensor``: an xor reduction of the elements' 64-bit patterns."""

from __future__ import annotations

from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import Op, tensor_method
from .._inplace import torch_type_name
from ._common import dims_of, reduced_shape

__all__ = ["hash_tensor"]


class HashTensor(Op):
    """Each element widened to float64 (floats) or int64 (integers and bools), its bits read as
    uint64, then xor-reduced over ``dims``. Not differentiable."""

    grad_fn_name = "HashTensorBackward0"
    non_differentiable = (0,)
    params = ("dims", "keepdim")

    def forward(self, a):
        xp = xp_of(a)
        wide = a.astype(xp.float64 if a.dtype.kind in "fV" else xp.int64)
        bits = xp.ascontiguousarray(wide).view(xp.uint64)
        out = xp.bitwise_xor.reduce(bits, axis=self.dims, keepdims=self.keepdim) \
            if self.dims else bits.copy()
        return xp.asarray(out, dtype=xp.uint64).reshape(
            reduced_shape(a.shape, self.dims, self.keepdim))


@tensor_method("hash_tensor")
def hash_tensor(input: Tensor, dim=None, *, keepdim: bool = False, mode: int = 0) -> Tensor:
    """``torch.hash_tensor``: xor of the elements' 64-bit patterns over ``dim`` (all dims by
    default), as uint64; only ``mode=0`` exists, as in PyTorch."""
    need_tensor("hash_tensor", input)
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    if input._data.dtype.kind == "c":
        raise NotImplementedError(f"\"xor_sum_cpu\" not implemented for "
                                  f"'{torch_type_name(input._data.dtype)}'")
    if dim is None and input._data.size == 0:
        raise RuntimeError("hash_tensor: Expected reduction dim to be specified for "
                           "input.numel() == 0. Specify the reduction dim with the 'dim' "
                           "argument.")
    dims = dims_of(dim, input._data.ndim)
    return HashTensor.apply(input, dims=dims, keepdim=keepdim)
