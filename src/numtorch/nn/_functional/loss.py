"""Loss functions of ``torch.nn.functional``: regression, classification (nll, cross entropy,
bce), divergence, margin, ranking, triplet and likelihood losses.

Each matches PyTorch's values, grad_fn names (fused kernels in ``numtorch._ops.nn.loss``),
``reduction`` handling (including the deprecated ``size_average``/``reduce`` pair) and
argument errors.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from ... import _autocast
from ... import _dtype as D
from ..._ops._args import need_tensor
from ..._ops.creation import tensor as _tensor
from ..._ops.indexing import gather, where
from ..._ops.linalg import tensordot
from ..._ops.nn import activation
from ..._ops.nn import loss as K
from ..._ops.nn.activation import log_softmax
from ..._ops.nn.conv import cpp_type_name
from ..._ops.pointwise import minimum, torch_type_name
from ..._tensor import Tensor
from ...autograd import grad_mode
from .activation import logsigmoid
from .distance import pairwise_distance

__all__ = [
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy", "kl_div",
    "cosine_embedding_loss", "margin_ranking_loss", "soft_margin_loss", "hinge_embedding_loss",
    "poisson_nll_loss", "gaussian_nll_loss", "linear_cross_entropy", "multi_margin_loss",
    "multilabel_margin_loss", "multilabel_soft_margin_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]

_DistanceFn = Callable[[Tensor, Tensor], Tensor]
_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average: bool | None, reduce: bool | None, reduction: str,
               check: bool = True) -> str:
    """Validate ``reduction`` (unless not ``check``: the caller validates it later with
    :func:`_check_reduction`); the deprecated ``size_average``/``reduce`` pair overrides it with
    PyTorch's warning."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    return _check_reduction(reduction) if check else reduction


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _warn_size(input: Tensor, target: Tensor) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


def _broadcast_pair(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    shape = _broadcast_shape(input, target)
    a = input.expand(shape) if tuple(input.shape) != shape else input
    b = target.expand(shape) if tuple(target.shape) != shape else target
    return a, b


def _broadcast_shape(a: Tensor, b: Tensor) -> tuple:
    """The broadcast shape of ``a`` and ``b``, with PyTorch's size-mismatch message."""
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


def _not_implemented(kernel: str, dt) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{dt.c_name}\'')


def _cast_error(res, out) -> RuntimeError:
    return RuntimeError(f"result type {res.c_name} can't be cast to the desired output type "
                        f"{out.c_name}")


def _promoted_dtype(kernel: str, a: Tensor, b: Tensor):
    """The NumPy dtype a binary loss kernel computes ``a`` and ``b`` in when they differ (their
    promoted dtype, as PyTorch's kernels), else None; an integral or bool common dtype is
    PyTorch's NotImplementedError."""
    da = a.dtype
    if da is b.dtype and da.is_floating_point:
        return None  # the common case
    dt = D.promote_types(da, b.dtype)
    if not dt.is_floating_point:
        raise _not_implemented(kernel, dt)
    return None if da is b.dtype else dt.np


def _input_dtype(kernel: str, a: Tensor, b: Tensor):
    """Like ``_promoted_dtype``, but ``a``'s dtype is the result's (PyTorch writes into
    ``empty_like(input)``); a wider category in ``b`` is PyTorch's cast error."""
    dt = D.promote_types(a.dtype, b.dtype)
    if dt._category > a.dtype._category:
        raise _cast_error(dt, a.dtype)
    if not a.dtype.is_floating_point:
        raise _not_implemented(kernel, dt)
    return None if a.dtype is b.dtype else a.dtype.np


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction, check=False)
    a, b = _broadcast_pair(input, target)  # before the reduction's check, as torch
    _check_reduction(reduction)
    loss = (a - b).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction, check=False)
    a, b = _broadcast_pair(input, target)  # before the reduction's check, as torch
    _check_reduction(reduction)
    dt = _promoted_dtype("mse_cpu", a, b)
    if weight is not None:
        return _reduce((a - b) ** 2 * weight, reduction)
    return K.MseLoss.apply(a, b, reduction=reduction, dtype=dt)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction, check=False)
    a, b = _broadcast_pair(input, target)  # before the reduction's check, as torch
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    dt = _promoted_dtype("smooth_l1_cpu", a, b)
    if beta == 0.0:
        return l1_loss(a, b, reduction=reduction)
    return K.SmoothL1Loss.apply(a, b, reduction=reduction, beta=beta, dtype=dt)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    a, b = _broadcast_pair(input, target)  # before the reduction's check, as torch
    reduction = _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    dt = _input_dtype("huber_cpu", a, b)
    if weight is not None:
        return _reduce(K.HuberLoss.apply(a, b, reduction="none", delta=delta, dtype=dt) * weight,
                       reduction)
    return K.HuberLoss.apply(a, b, reduction=reduction, delta=delta, dtype=dt)


def _weight_array(weight: Tensor | None, like: Tensor):
    if weight is None:
        return None
    arr = weight._data
    if arr.dtype != like._data.dtype:
        arr = arr.astype(like._data.dtype)
    return arr


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.c_name} but expected {input.dtype.c_name}")
    if not input.dtype.is_floating_point:
        raise _not_implemented("binary_cross_entropy", input.dtype)
    w = None
    if weight is not None:
        w = np.broadcast_to(_weight_array(weight, input), tuple(input.shape))
    return K.BinaryCrossEntropy.apply(input, target, weight=w, reduction=reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + BCE in one stable kernel (BinaryCrossEntropyWithLogitsBackward0)."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if not input.dtype.is_floating_point:
        raise _not_implemented("log_sigmoid_cpu", input.dtype)
    if target.dtype is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if not target.dtype.is_floating_point:
        raise _cast_error(D.promote_types(input.dtype, target.dtype), target.dtype)
    return K.BinaryCrossEntropyWithLogits.apply(
        input, target, weight=_weight_array(weight, input),
        pos_weight=_weight_array(pos_weight, input), reduction=reduction)


def _check_target_dtype(target: Tensor) -> None:
    if target.dtype not in (D.int64, D.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{torch_type_name(target._data.dtype)}")


def _class_loss_kinds(fname: str, input, target, weight) -> None:
    """torch's TypeError for a non-Tensor input, target or weight (nll_loss, cross_entropy)."""
    need_tensor(fname, input)
    need_tensor(fname, target, "target", 2)
    if weight is not None:
        need_tensor(fname, weight, "weight", 3)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: bool | None = None, ignore_index: int = -100, reduce: bool | None = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices (NllLossBackward0 / NllLoss2DBackward0)."""
    reduction = _reduction(size_average, reduce, reduction)
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)) or not (
            weight is None or isinstance(weight, Tensor)):
        _class_loss_kinds("nll_loss_nd", input, target, weight)
    nd = input.ndim
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if nd <= 2 and target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if nd <= 2:
        _check_target_dtype(target)
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
        _check_target_dtype(target)
        if tuple(target.shape) != out_size:
            raise RuntimeError(f"size mismatch (got input: [{', '.join(map(str, input.shape))}] "
                               f", target: [{', '.join(map(str, target.shape))}]")
    elif nd > 2 and tuple(target.shape) != out_size:
        raise RuntimeError(f"Expected target size [{', '.join(map(str, out_size))}], got "
                           f"[{', '.join(map(str, target.shape))}]")
    if nd > 2 and nd != 4:
        _check_target_dtype(target)
    if not input.dtype.is_floating_point:
        raise _not_implemented("nll_loss_out_frame" if nd <= 2 else "nll_loss2d_forward_out_frame",
                               input.dtype)
    if nd > 2 and target.dtype is D.uint8:  # the spatial kernel takes Long targets only
        raise RuntimeError("expected scalar type Long but found Byte")
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
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax + nll_loss; class-probability targets and label smoothing as PyTorch."""
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)) or not (
            weight is None or isinstance(weight, Tensor)):
        _reduction(size_average, reduce, reduction)  # torch validates it first
        _class_loss_kinds("cross_entropy_loss", input, target, weight)
    if _autocast._enabled["cpu"]:  # an fp32 op under CPU autocast, softmax included
        input, weight = _autocast.cast("fp32", input, weight)
    x, t = input._data, target._data
    if (x.ndim == 2 and t.ndim == 1 and t.dtype.kind == "i" and t.dtype.itemsize == 8
            and x.dtype.kind in "fV" and x.shape[0] == t.shape[0] and weight is None
            and label_smoothing == 0.0 and size_average is None and reduce is None
            and reduction in _REDUCTIONS):
        # the common case: class indices, no weights; the same ops as the general path
        return K.NllLoss.apply(activation.LogSoftmax.apply(input, dim=1), target=t, weight=None,
                               reduction=reduction, ignore_index=ignore_index)
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    cdim = 0 if input.ndim == 1 else 1
    same_shape = tuple(target.shape) == tuple(input.shape)
    if same_shape and not target.is_floating_point():
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
            denom = weight[_tensor(keep.astype("int64"))].sum()
            smooth = smooth.sum() / denom
        else:
            smooth = smooth.sum() / (~ignore).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - ls) + smooth * (ls / c)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean", log_target: bool = False) -> Tensor:
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
    if not (input.dtype.is_floating_point or input.dtype.is_complex) or not (
            target.dtype.is_floating_point or target.dtype.is_complex):
        raise RuntimeError("kl_div: Integral inputs not supported.")
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
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
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
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    diff = input1 - input2  # first, as in PyTorch (its error wins over the negation's)
    return _reduce((-target * diff + margin).clamp_min(0), reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)  # first, as torch
    need_tensor("soft_margin_loss", input)
    need_tensor("soft_margin_loss", target, "target", 2)
    dt = input.dtype
    if dt is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    shape = _broadcast_shape(input, target)
    if shape != tuple(input.shape):  # torch writes into input's shape: no broadcasting it
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape "
                           f"[{', '.join(map(str, shape))}]")
    if not dt.is_floating_point:
        res = D.promote_types(dt, target.dtype)
        raise _cast_error(res if res.is_floating_point else D.get_default_dtype(), dt)
    if target.dtype is not dt:
        target = target.to(dt)
    return _reduce((-target * input).exp().log1p(), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if input.dtype is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if not input.dtype.is_floating_point:
        if reduction == "mean":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either "
                               "a floating point or complex dtype. Got: "
                               f"{input.dtype.c_name}")
        margin = int(margin)
    zeros = input * 0
    margin_clamp = (margin - input).clamp_min(0)
    out_margin = where(target != 1, margin_clamp, zeros)
    out_self = where(target != -1, input, zeros)
    return _reduce(out_margin + out_self, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        st = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        st = st.masked_fill(target <= 1, 0)
        if st.dtype is not loss.dtype and loss.dtype.is_floating_point:
            st = st.to(loss.dtype)  # PyTorch adds in place: the loss keeps its dtype
        loss = loss + st
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    reduction = _reduction(None, None, reduction)
    if not var.dtype.is_floating_point and not var.dtype.is_complex:
        # PyTorch clamps a clone of ``var`` in place with a float bound
        raise RuntimeError("result type Float can't be cast to the desired output type "
                           f"{cpp_type_name(var.dtype)}")
    with grad_mode.no_grad():
        var_c = var.clamp(min=eps)
    v = var + (var_c - var).detach()
    loss = (v.log() + (input - target) ** 2 / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)




# -- margin, triplet and fused-linear losses ---------------------------------------------------
def _check_margin_dtypes(kernel: str, input: Tensor, target: Tensor) -> None:
    """PyTorch's CPU margin kernels take float32/float64 inputs and int64 targets."""
    dt = input.dtype
    if dt not in (D.float32, D.float64) and not (dt.is_floating_point
                                                  and input.device.type != "cpu"):
        raise _not_implemented(kernel, dt)
    if target.dtype is not D.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.c_name}")


def _legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """The ``reduction`` that the deprecated ``size_average``/``reduce`` pair stands for (no
    deprecation warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce_checked(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction``; an unknown one is a ValueError."""
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """``F.multilabel_soft_margin_loss``: mean over classes of the per-class logistic loss."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    c = input.dim() - 1
    loss = loss.sum(dim=c) / input.shape[c]
    return _reduce_checked(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``F.multi_margin_loss``: ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("The function 'multi_margin_loss' is not differentiable with respect "
                           "to argument 'weight'. This input cannot have requires_grad True.")
    if input.dim() > 2:
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(input.shape)}")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    n, c = x.shape
    y = target.reshape(-1)
    if y.numel() != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got "
                           f"{list(target.shape)}")
    _check_margin_dtypes("multi_margin_loss_cpu_kernel", input, target)
    xy = gather(x, 1, y.reshape(-1, 1))
    z = (x - xy + margin).clamp(min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[y].reshape(-1, 1)
    onehot = np.ones((n, c), dtype=bool)
    onehot[np.arange(n), y._data.astype(np.int64)] = False
    z = z * _tensor(onehot.astype(x.dtype.np))
    loss = z.sum(1) / c
    if input.dim() < 2 and reduction == "none":
        loss = loss.reshape(()) if target.dim() == 0 else loss
    return _reduce_checked(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``F.multilabel_margin_loss``: hinge loss between every target class (the prefix of
    ``target`` before the first -1) and every non-target class, over the class count."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input.dim() > 2 or target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    tv = target._data
    dim = input.shape[-1] if input.dim() else 1
    if tv.size and (tv.min() < -1 or tv.max() >= dim):
        raise RuntimeError("argument #2 'target' is out of range")
    _check_margin_dtypes("multilabel_margin_loss_forward_out_frame", input, target)
    x = input.reshape(1, -1) if input.dim() < 2 else input
    t = target._data.reshape(x.shape).astype(np.int64)
    n, c = x.shape
    count = np.zeros((n, c), dtype=x.dtype.np)
    is_target = np.zeros((n, c), dtype=bool)
    for r in range(n):
        for cls in t[r]:
            if cls < 0:
                break
            count[r, cls] += 1
            is_target[r, cls] = True
    diff = (1 - x.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0)
    w = count[:, :, None] * (~is_target)[:, None, :]
    loss = (diff * _tensor(w.astype(x.dtype.np))).sum(dim=(1, 2)) / c
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce_checked(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """``F.triplet_margin_loss``: ``max(d(a, p) - d(a, n) + margin, 0)`` with pairwise
    p-distances (``swap`` uses the smaller of d(a, n) and d(p, n))."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    dims = {anchor.dim(), positive.dim(), negative.dim()}
    if len(dims) != 1:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
            f"negative {negative.dim()}D inputs")
    d_ap = pairwise_distance(anchor, positive, p, eps)
    d_an = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_pn = pairwise_distance(positive, negative, p, eps)
        d_an = minimum(d_an, d_pn)
    loss = (margin + d_ap - d_an).clamp_min(0)
    return _reduce_checked(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: _DistanceFn | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """``F.triplet_margin_with_distance_loss``: the triplet loss under any distance function
    (default ``pairwise_distance``)."""
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, "
                         f"got {margin} instead")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_ap = dist(anchor, positive)
    d_an = dist(anchor, negative)
    if swap:
        d_an = minimum(d_an, dist(positive, negative))
    loss = (margin + d_ap - d_an).clamp_min(0)
    return _reduce_checked(loss, reduction)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *,
                         linear_bias: Tensor | None = None, weight: Tensor | None = None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options: object = None) -> Tensor:
    """``F.linear_cross_entropy``: ``cross_entropy(linear(input, linear_weight), target)``;
    a weight of shape (C, d1, ..., in) gives K-dimensional logits. ``options`` (chunking hints)
    do not change the result and are ignored."""
    logits = tensordot(input, linear_weight,
                       dims=([input.dim() - 1], [linear_weight.dim() - 1]))
    if linear_bias is not None:
        logits = logits + linear_bias
    return cross_entropy(logits, target, weight=weight,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         reduction=reduction, label_smoothing=label_smoothing)


