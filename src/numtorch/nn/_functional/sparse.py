"""Sparse (lookup) functions of ``torch.nn.functional``: ``embedding``, ``embedding_bag`` and
``one_hot``."""

from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._ops.creation import tensor as _tensor
from ..._ops.creation import zeros
from ..._ops.indexing import index_add, index_select, scatter_reduce
from ..._ops.nn import embedding as K
from ..._tensor import Tensor
from ...autograd import grad_mode

__all__ = ["embedding", "embedding_bag", "one_hot"]


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
    if max_norm is not None:  # PyTorch renormalises first: its row lookups wrap negatives
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n):
        raise IndexError("index out of range in self")
    return K.Embedding.apply(weight, indices=idx, num_weights=n, padding_idx=padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq)


def _embedding_renorm_(weight: Tensor, idx, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without grad, the looked-up rows whose norm exceeds ``max_norm``."""
    with grad_mode.no_grad():
        w = weight._data
        rows = np.unique(idx.reshape(-1))  # sorted: the first row out of [-n, n) is reported
        n = w.shape[0]
        bad = rows[(rows < -n) | (rows >= n)]
        if bad.size:
            raise IndexError(f"select(): index {int(bad[0])} out of range for tensor of size "
                             f"[{n}, {w.shape[1]}] at dimension 0")
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        w[rows] = (w[rows] * scale[:, None]).astype(w.dtype)
        weight._bump_version()


def _check_bag_ids(ids, weight: Tensor, mode: str, padding_idx) -> None:
    """PyTorch's bounds check of embedding_bag ids: its sum/mean fast path (float32/16, unit row
    stride, no padding_idx) names the position, the general path only the value."""
    n = weight.shape[0]
    if not ids.size or (int(ids.min()) >= 0 and int(ids.max()) < n):
        return
    bad = (ids < 0) | (ids >= n)
    pos = int(bad.argmax())
    fast = mode != "max" and padding_idx is None and weight.stride(1) == 1 \
        and weight.dtype in (D.float32, D.float16, D.bfloat16)
    if fast:
        raise RuntimeError(f"Index {pos} of input takes value {int(ids[pos])} which is not in the "
                           f"valid range [0, {n})")
    raise RuntimeError("embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx "
                       f"to be {int(ids[pos])}")


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding along a new last dimension (``F.one_hot``)."""
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
    np.put_along_axis(out._data, a[..., None], 1, axis=-1)
    return out


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """``F.embedding_bag``: sums / means / maxima of embedding rows per bag (2-D input: one
    bag per row; 1-D input: bags start at ``offsets``); empty bags give zeros."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences.")
        b, length = input.shape
        bag = np.repeat(np.arange(b), length)
        idx = input.reshape(-1)
        psw = None if per_sample_weights is None else per_sample_weights.reshape(-1)
        n_bags = b
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        off = offsets._data.astype(np.int64)
        n_bags = len(off) - 1 if include_last_offset else len(off)
        ends = np.append(off[1:], input.shape[0]) if not include_last_offset else off[1:]
        bag = np.zeros(input.shape[0], dtype=np.int64) - 1
        for i in range(n_bags):
            bag[off[i]:ends[i]] = i
        idx = input
        psw = per_sample_weights
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    ids = idx._data.astype(np.int64)
    if max_norm is not None:
        _embedding_renorm_(weight, ids, max_norm, norm_type)
    if offsets is not None and input.dim() == 1 and len(off):
        if off[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the "
                               "mini-batch has to start from position 0. However, got "
                               f"{int(off[0])}\n[ torch.{offsets.dtype.legacy_name}{{}} ]")
        if off[-1] > input.shape[0]:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length "
                               f"{input.shape[0]} but got offsets[-1] of {int(off[-1])}")
    if n_bags:
        _check_bag_ids(ids, weight, mode, padding_idx)
    keep = bag >= 0
    if padding_idx is not None:
        pi = padding_idx % weight.shape[0]
        keep &= ids != pi
    ghost = np.zeros(len(bag), dtype=bool)
    if mode == "mean" and include_last_offset and input.dim() == 1 and n_bags:
        # PyTorch's mean bags run to the input's end for the divisor and the gradient even
        # when the last offset stops short: those entries count but add zero to the value
        ghost = np.arange(len(bag)) >= off[n_bags]
        bag[ghost] = n_bags - 1
        keep = bag >= 0
        if padding_idx is not None:
            keep &= ids != padding_idx % weight.shape[0]
    sel = np.nonzero(keep)[0]
    rows = index_select(weight, 0, _tensor(ids[sel]))
    if ghost[sel].any():
        from ..._ops.indexing import where

        rows = where(_tensor(ghost[sel]).unsqueeze(1), rows - rows.detach(), rows)
    if psw is not None:
        rows = rows * index_select(psw, 0, _tensor(sel)).unsqueeze(1)
    bag_ids = _tensor(bag[sel].astype(np.int64))
    dim = weight.shape[1]
    empty = zeros((n_bags, dim), dtype=weight.dtype)
    if mode == "max":
        index = bag_ids.unsqueeze(1).expand(len(sel), dim)
        return scatter_reduce(empty, 0, index, rows, "amax", include_self=False)
    out = index_add(empty, 0, bag_ids, rows)
    if mode == "mean":
        counts = np.bincount(bag[sel], minlength=n_bags).astype(weight.dtype.np)
        out = out / _tensor(np.maximum(counts, 1)).unsqueeze(1)
    return out
