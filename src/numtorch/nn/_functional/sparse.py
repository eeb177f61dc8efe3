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
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    return K.Embedding.apply(weight, indices=idx, num_weights=n, padding_idx=padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq)


def _embedding_renorm_(weight: Tensor, idx, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without grad, the looked-up rows whose norm exceeds ``max_norm``."""
    with grad_mode.no_grad():
        w = weight._data
        rows = np.unique(idx.reshape(-1))
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        w[rows] = (w[rows] * scale[:, None]).astype(w.dtype)
        weight._bump_version()


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
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _embedding_renorm_(weight, ids, max_norm, norm_type)
    keep = bag >= 0
    if padding_idx is not None:
        pi = padding_idx % weight.shape[0]
        keep &= ids != pi
    sel = np.nonzero(keep)[0]
    rows = index_select(weight, 0, _tensor(ids[sel]))
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
