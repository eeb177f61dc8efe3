"""Linear layers of ``torch.nn.functional``: ``linear`` and ``bilinear``."""

from __future__ import annotations

from ... import _autocast
from ..._ops.linalg import Addmm as _Addmm
from ..._ops.shape import T as _T
from ..._tensor import Tensor

__all__ = ["linear", "bilinear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y = x W^T + b`` with PyTorch's decomposition (AddmmBackward0 for 2-D input with bias);
    under CPU autocast its operands are cast first (``linear`` is a lower-precision op)."""
    if _autocast._enabled["cpu"]:
        input, weight, bias = _autocast.cast("lower", input, weight, bias)
    x, w = input._data, weight._data
    if (bias is not None and x.ndim == 2 and w.ndim == 2 and x.shape[1] == w.shape[1]
            and x.dtype is w.dtype and bias._data.dtype is w.dtype and x.dtype.kind != "b"):
        # nn.Linear's common case: addmm(bias, input, weight.t()) without re-checking
        return _Addmm.apply(bias, input, _T.apply(weight, d0=0, d1=1), alpha=1, beta=1)
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{input.ndim}D and {weight.ndim}D")
    if x.dtype.kind == "b" and w.dtype.kind == "b" and (bias is None
                                                         or bias._data.dtype.kind == "b"):
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    if bias is not None:
        if input.ndim == 2:
            return _addmm(bias, input, weight.t())
        if input.is_contiguous() and (input.ndim == 3 or bias.ndim == 1):
            shp = tuple(input.shape)
            lead = 1
            for s in shp[:-1]:
                lead *= s
            out = _addmm(bias, input.view(lead, shp[-1]), weight.t())
            return out.view(shp[:-1] + (out.shape[1],))
    out = input.matmul(weight.t())
    return out + bias if bias is not None else out


def _addmm(bias: Tensor, mat1: Tensor, mat2: Tensor) -> Tensor:
    """``addmm`` after PyTorch's dtype check (its message names ``self`` and ``mat1``)."""
    from ..._ops.linalg import addmm
    from ..._ops.pointwise import torch_type_name

    for name, t in (("self", bias), ("mat1", mat1)):
        if t._data.dtype != mat2._data.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{torch_type_name(t._data.dtype)} and "
                               f"{torch_type_name(mat2._data.dtype)}")

    return addmm(bias, mat1, mat2)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y_k = x1^T A_k x2 + b_k`` over the last dimension (``F.bilinear``)."""
    from ..._ops.linalg import einsum
    from ..._ops.nn.conv import cpp_type_name

    dts = [input1.dtype, input2.dtype, weight.dtype] + ([bias.dtype] if bias is not None else [])
    if any(d is not dts[0] for d in dts):
        names = ("input1", "input2", "weight", "bias")
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{n}: {cpp_type_name(d)}" for n, d in zip(names, dts)))
    if dts[0].c_name == "Bool":
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out + bias if bias is not None else out
