"""``numtorch.nn.functional``: the functional forms of layers, activations and losses.

Each function matches ``torch.nn.functional`` in results, dtypes, grad_fn names (fused kernels
live in ``numtorch._ops.nn_kernels``) and argument errors. Sections are owned by different
modules' authors; add new functions in their own section.
"""

from __future__ import annotations

import math
import warnings

from .. import _dtype as D
from .._ops import nn_kernels as K
from .._ops._base import wrap_dim
from .._ops.linalg import Addmm as _Addmm
from .._ops.nn_kernels import log_softmax, softmax
from .._ops.shape import T as _T
from .._tensor import Tensor
from ..autograd import grad_mode

# =============================================================================================
# linear, embedding, distances, one_hot (nn core)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y = x W^T + b`` with PyTorch's decomposition (AddmmBackward0 for 2-D input with bias)."""
    x, w = input._data, weight._data
    if (bias is not None and x.ndim == 2 and w.ndim == 2 and x.shape[1] == w.shape[1]
            and x.dtype is w.dtype and bias._data.dtype is w.dtype):
        # nn.Linear's common case: addmm(bias, input, weight.t()) without re-checking
        return _Addmm.apply(bias, input, _T.apply(weight, d0=0, d1=1), alpha=1, beta=1)
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{input.ndim}D and {weight.ndim}D")
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


def _addmm(bias, mat1, mat2):
    from .._ops.linalg import addmm
    from .._ops.pointwise import torch_type_name

    for name, t in (("self", bias), ("mat1", mat1)):
        if t._data.dtype != mat2._data.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{torch_type_name(t._data.dtype)} and "
                               f"{torch_type_name(mat2._data.dtype)}")

    return addmm(bias, mat1, mat2)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y_k = x1^T A_k x2 + b_k`` over the last dimension (``F.bilinear``)."""
    from .._ops.linalg import einsum

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


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by integer ``input`` (EmbeddingBackward0)."""
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got torch."
                           f"{input.dtype.legacy_name} instead (while checking "
                           "arguments for embedding)")
    idx = input._data
    n = weight.shape[0]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    return K.Embedding.apply(weight, indices=idx, num_weights=n, padding_idx=padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq)


def _embedding_renorm_(weight: Tensor, idx, max_norm: float, norm_type: float) -> None:
    import numpy as np

    with grad_mode.no_grad():
        w = weight._data
        rows = np.unique(idx.reshape(-1))
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        w[rows] = (w[rows] * scale[:, None]).astype(w.dtype)
        weight._bump_version()


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding along a new last dimension (``F.one_hot``)."""
    from .._ops.creation import zeros

    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._data
    if a.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return zeros(tuple(a.shape) + (num_classes,), dtype=D.int64)
    if int(a.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(a.max()) + 1
    elif int(a.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = zeros(tuple(a.shape) + (num_classes,), dtype=D.int64)
    import numpy as np

    np.put_along_axis(out._data, a[..., None], 1, axis=-1)
    return out


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim`` (``F.normalize``)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    res = input / denom
    if out is not None:
        from .._ops._base import write_out

        return write_out(out, res)
    return res


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (norms clamped at eps)."""
    from .._ops.shape import broadcast_to

    shape = tuple(D_broadcast(x1.shape, x2.shape))
    a = broadcast_to(x1, shape) if tuple(x1.shape) != shape else x1
    b = broadcast_to(x2, shape) if tuple(x2.shape) != shape else x2
    na = a.norm(2, dim, keepdim=True)
    nb = b.norm(2, dim, keepdim=True)
    with grad_mode.no_grad():
        fa = (na.clamp_min(eps) / na.masked_fill(na == 0, 1)).masked_fill(na == 0, 1)
        fb = (nb.clamp_min(eps) / nb.masked_fill(nb == 0, 1)).masked_fill(nb == 0, 1)
    na = na * fa if bool((na < eps).any()) else na
    nb = nb * fb if bool((nb < eps).any()) else nb
    return ((a / na) * (b / nb)).sum(dim)


def D_broadcast(s1, s2):  # noqa: N802 - tiny helper
    import numpy as np

    return np.broadcast_shapes(tuple(s1), tuple(s2))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dimension (``F.pairwise_distance``)."""
    nd = max(x1.ndim, x2.ndim)
    return (x1 - x2 + eps).norm(p, nd - 1, keepdim=keepdim)


# =============================================================================================
# activations (nn core)


def _inplace_apply(input: Tensor, fn) -> Tensor:
    from .._ops.pointwise import _inplace

    return _inplace(input, fn)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    fn = lambda x: K.Hardtanh.apply(x, min_val=min_val, max_val=max_val)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace_apply(input, lambda x: K.LeakyReluInplace.apply(
            x, negative_slope=negative_slope))
    return K.LeakyRelu.apply(input, negative_slope=negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    cls = K.EluInplace if inplace else K.Elu
    fn = lambda x: cls.apply(x, alpha=alpha, scale=1.0, input_scale=1.0)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    cls = K.EluInplace if inplace else K.Elu
    fn = lambda x: cls.apply(x, alpha=_SELU_ALPHA, scale=_SELU_SCALE,  # noqa: E731
                             input_scale=1.0)
    return _inplace_apply(input, fn) if inplace else fn(input)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    cls = K.CeluInplace if inplace else K.Celu
    fn = lambda x: cls.apply(x, alpha=alpha, scale=1.0, input_scale=1.0 / alpha)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return K.Gelu.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    fn = lambda x: K.Silu.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    fn = lambda x: K.Mish.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return K.Softplus.apply(input, beta=beta, threshold=threshold)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    fn = lambda x: K.Hardswish.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    fn = lambda x: K.Hardsigmoid.apply(x)  # noqa: E731
    return _inplace_apply(input, fn) if inplace else fn(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace_apply(input, lambda x: K.ThresholdInplace.apply(
            x, threshold=threshold, value=value))
    return K.Threshold.apply(input, threshold=threshold, value=value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return globals()["threshold"](input, threshold, value, True)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    return K.Glu.apply(input, dim=d)


def logsigmoid(input: Tensor) -> Tensor:
    return K.LogSigmoid.apply(input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return K.Softshrink.apply(input, lambd=lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return K.Hardshrink.apply(input, lambd=lambd)


def softsign(input: Tensor) -> Tensor:
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    return input - input.tanh()


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``max(0, x) + weight * min(0, x)`` with one weight per channel (dim 1)."""
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.ndim >= 2 else input.shape[0]
        if c != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {c}.")
    if input.ndim >= 2:
        w = weight.view((1, n) + (1,) * (input.ndim - 2)) if n != 1 else \
            weight.view((1,) * input.ndim)
    else:
        w = weight.view(n) if input.ndim == 1 else weight.view(())
    return K.PreluKernel.apply(input, w)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype=None) -> Tensor:
    if dim is None:
        dim = K._softmax_dim(input, None, "softmin")
    x = input.to(dtype) if dtype is not None else input
    return softmax(-x, dim)


# =============================================================================================
# losses (nn core)

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _warn_size(input: Tensor, target: Tensor) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


def _broadcast_pair(input: Tensor, target: Tensor):
    shape = D_broadcast_checked(input, target)
    a = input.expand(shape) if tuple(input.shape) != shape else input
    b = target.expand(shape) if tuple(target.shape) != shape else target
    return a, b


def D_broadcast_checked(a: Tensor, b: Tensor) -> tuple:  # noqa: N802 - tiny helper
    sa, sb = tuple(a.shape), tuple(b.shape)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    a, b = _broadcast_pair(input, target)
    if weight is not None:
        return _reduce((a - b) ** 2 * weight, reduction)
    return K.MseLoss.apply(a, b, reduction=reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    a, b = _broadcast_pair(input, target)
    return K.SmoothL1Loss.apply(a, b, reduction=reduction, beta=beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    a, b = _broadcast_pair(input, target)
    if weight is not None:
        return _reduce(K.HuberLoss.apply(a, b, reduction="none", delta=delta) * weight,
                       reduction)
    return K.HuberLoss.apply(a, b, reduction=reduction, delta=delta)


def _weight_array(weight: Tensor | None, like: Tensor, shape=None):
    if weight is None:
        return None
    arr = weight._data
    if arr.dtype != like._data.dtype:
        arr = arr.astype(like._data.dtype)
    return arr


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    w = None
    if weight is not None:
        import numpy as np

        w = np.broadcast_to(_weight_array(weight, input), tuple(input.shape))
    return K.BinaryCrossEntropy.apply(input, target, weight=w, reduction=reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + BCE in one stable kernel (BinaryCrossEntropyWithLogitsBackward0)."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    return K.BinaryCrossEntropyWithLogits.apply(
        input, target, weight=_weight_array(weight, input),
        pos_weight=_weight_array(pos_weight, input), reduction=reduction)


def _check_target_dtype(target: Tensor) -> None:
    if target.dtype not in (D.int64, D.uint8):
        from .._ops.pointwise import torch_type_name

        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{torch_type_name(target._data.dtype)}")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices (NllLossBackward0 / NllLoss2DBackward0)."""
    reduction = _reduction(size_average, reduce, reduction)
    nd = input.ndim
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if nd <= 2 and target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if nd == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                         f"{target.shape[0]}")
    if nd == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    out_size = (input.shape[0],) + tuple(input.shape[2:])
    if nd == 4:
        if target.ndim != 3:
            raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                               f"targets of dimension: {target.ndim}")
        if tuple(target.shape) != out_size:
            raise RuntimeError(f"size mismatch (got input: [{', '.join(map(str, input.shape))}] "
                               f", target: [{', '.join(map(str, target.shape))}]")
    elif nd > 2 and tuple(target.shape) != out_size:
        raise RuntimeError(f"Expected target size [{', '.join(map(str, out_size))}], got "
                           f"[{', '.join(map(str, target.shape))}]")
    _check_target_dtype(target)
    c = input.shape[0] if nd == 1 else input.shape[1]
    w = None
    if weight is not None:
        if weight.numel() != c:
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or "
                               f"no classes but got weight tensor of shape: "
                               f"[{', '.join(map(str, weight.shape))}]")
        w = _weight_array(weight, input)
    tgt = target._data.astype("int64", copy=False)
    if nd <= 2:
        if nd == 1 and target.ndim == 1:
            tgt = tgt.reshape(())
        return K.NllLoss.apply(input, target=tgt, weight=w, reduction=reduction,
                               ignore_index=ignore_index)
    if nd == 4:
        return K.NllLoss2d.apply(input, target=tgt, weight=w, reduction=reduction,
                                 ignore_index=ignore_index)
    n = input.shape[0]
    x4 = input.contiguous().view(n, c, 1, -1)
    out = K.NllLoss2d.apply(x4, target=tgt.reshape(n, 1, -1), weight=w, reduction=reduction,
                            ignore_index=ignore_index)
    return out.view(out_size) if reduction == "none" else out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """log_softmax + nll_loss; class-probability targets and label smoothing as PyTorch."""
    x, t = input._data, target._data
    if (x.ndim == 2 and t.ndim == 1 and t.dtype.kind == "i" and t.dtype.itemsize == 8
            and x.dtype.kind == "f" and x.shape[0] == t.shape[0] and weight is None
            and label_smoothing == 0.0 and size_average is None and reduce is None
            and reduction in _REDUCTIONS):
        # the common case: class indices, no weights; the same ops as the general path
        return K.NllLoss.apply(K.LogSoftmax.apply(input, dim=1), target=t, weight=None,
                               reduction=reduction, ignore_index=ignore_index)
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    cdim = 0 if input.ndim == 1 else 1
    same_shape = tuple(target.shape) == tuple(input.shape)
    if same_shape and not target.is_floating_point():
        from .._ops.pointwise import torch_type_name

        raise RuntimeError("Expected floating point type for target with class probabilities, "
                           f"got {torch_type_name(target._data.dtype)}")
    logp = log_softmax(input, cdim)
    c = input.shape[cdim]
    if same_shape:
        return _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, cdim, c)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return nll
    return _label_smoothing(logp, target, weight, nll, reduction, ignore_index,
                            label_smoothing, cdim, c)


def _class_view(weight: Tensor, ndim: int, cdim: int) -> Tensor:
    shape = [1] * ndim
    shape[cdim] = weight.numel()
    return weight.view(tuple(shape))


def _cross_entropy_probs(logp, target, weight, reduction, ls, cdim, c):
    if ls > 0:
        target = target * (1 - ls) + ls / c
    prod = logp * target
    if weight is not None:
        prod = prod * _class_view(weight, logp.ndim, cdim)
    loss = -prod.sum(cdim)
    if reduction == "mean":
        n = logp.numel() // c if logp.numel() else 0
        return loss.sum() / n
    return loss.sum() if reduction == "sum" else loss


def _label_smoothing(logp, target, weight, nll, reduction, ignore_index, ls, cdim, c):
    ignore = target == ignore_index
    if weight is not None:
        smooth = -(logp * _class_view(weight, logp.ndim, cdim)).sum(cdim)
    else:
        smooth = -logp.sum(cdim)
    smooth = smooth.masked_fill(ignore, 0.0)
    if reduction == "mean":
        if weight is not None:
            keep = target._data[~ignore._data]
            from .._ops.creation import tensor as _tensor

            denom = weight[_tensor(keep.astype("int64"))].sum()
            smooth = smooth.sum() / denom
        else:
            smooth = smooth.sum() / (~ignore).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - ls) + smooth * (ls / c)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Pointwise KL divergence ``target * (log target - input)`` (``F.kl_div``)."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", UserWarning, stacklevel=2)
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogy(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.size(0) if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def _xlogy(t: Tensor) -> Tensor:
    """``t * log(t)`` with 0 where ``t == 0`` (torch.xlogy(t, t))."""
    return K.Xlogy.apply(t, t)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    from .._ops.indexing import where

    eps = 1e-12
    d = input1.ndim - 1
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + eps
    m2 = (input2 * input2).sum(d) + eps
    cos = prod / (m1 * m2).sqrt()
    zeros = cos * 0
    pos = where(target == 1, 1 - cos, zeros)
    neg = where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _reduce(pos + neg, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce((-target * input).exp().log1p(), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    from .._ops.indexing import where

    zeros = input * 0
    margin_clamp = (margin - input).clamp_min(0)
    out_margin = where(target != 1, margin_clamp, zeros)
    out_self = where(target != -1, input, zeros)
    return _reduce(out_margin + out_self, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        st = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        loss = loss + st.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    reduction = _reduction(None, None, reduction)
    with grad_mode.no_grad():
        var_c = var.clamp(min=eps)
    v = var + (var_c - var).detach()
    loss = (v.log() + (input - target) ** 2 / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


__all__ = [
    "linear", "bilinear", "embedding", "one_hot", "normalize", "cosine_similarity",
    "pairwise_distance", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "leaky_relu",
    "leaky_relu_", "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish",
    "sigmoid", "tanh", "softplus", "hardswish", "hardsigmoid", "threshold", "threshold_", "glu",
    "logsigmoid", "softshrink", "hardshrink", "softsign", "tanhshrink", "prelu", "softmax",
    "softmin", "log_softmax", "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy",
    "kl_div", "cosine_embedding_loss", "margin_ranking_loss", "soft_margin_loss",
    "hinge_embedding_loss", "poisson_nll_loss", "gaussian_nll_loss",
]

# =============================================================================================
# layers owned by the conv/pool/norm/dropout author: append below this line (and extend
# ``__all__`` with ``__all__ += [...]``)
# --- conv, pooling, normalisation, dropout, padding and resampling ---------------------------
# (kernels and their gradients live in numtorch._ops.conv / pooling / normalization / sampling)
from .._ops.conv import (  # noqa: E402
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .._ops.normalization import batch_norm, group_norm, instance_norm, layer_norm  # noqa: E402
from .._ops.pooling import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from .._ops.sampling import pad  # noqa: E402


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    return adaptive_max_pool1d(input, output_size, True)


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(input: Tensor, p: float, train: bool, inplace: bool, feature: bool,
                  alpha: bool) -> Tensor:
    """PyTorch's dropout arithmetic: mask = bernoulli_(1 - p) (one draw per element, or per
    (N, C) plane for feature dropout), kept values scaled by 1/(1 - p) in the input's dtype.
    Alpha dropout keeps the SELU mean and variance instead."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = input.new_zeros(())
        return input.mul_(zero) if inplace else input * zero
    if feature:
        if input.ndim < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    else:
        shape = tuple(input.shape)
    noise = input.new_empty(shape)
    with grad_mode.no_grad():
        noise.bernoulli_(1 - p)
        if alpha:
            a_const = 1.7580993408473766
            a = 1.0 / math.sqrt((a_const * a_const * p + 1) * (1 - p))
            b = noise.add(-1).mul_(a_const * a).add_(a_const * a * p)
            noise.mul_(a)
        else:
            noise.div_(1 - p)
    out = input.mul_(noise) if inplace else input * noise
    if alpha:
        out = out.add_(b) if inplace else out + b
    return out


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """``F.dropout``: the same mask as PyTorch's CPU generator after the same seed."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, False, False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, False, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, True, True)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, batched: bool):
    if not batched:
        out = _dropout_impl(input.unsqueeze(0), p, training, inplace, True, False)
        return out.squeeze(0) if out is not input else input
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, "
            "a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    _check_p(p)
    nd = input.ndim
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    _check_p(p)
    nd = input.ndim
    if nd not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, nd != 4)


__all__ += [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "batch_norm",
    "layer_norm", "group_norm", "instance_norm", "dropout", "alpha_dropout",
    "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d", "pad",
]

from .._ops.sampling import (  # noqa: E402
    affine_grid,
    fold,
    grid_sample,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    unfold,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ += ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "affine_grid",
            "grid_sample", "unfold", "fold", "pixel_shuffle", "pixel_unshuffle"]

# -- more functional ops (3-D/adaptive pooling, unpooling, margin losses, rms_norm, attention,
# embedding_bag, ...) live in functional_extra.py
from .functional_extra import *  # noqa: E402, F403
from .functional_extra import __all__ as _extra_all  # noqa: E402

__all__ += _extra_all
