"""Attention of ``torch.nn.functional``: ``scaled_dot_product_attention`` (the math path)."""

from __future__ import annotations

import math

import numpy as np

from ... import _dtype as D
from ..._ops.creation import tensor as _tensor
from ..._ops.linalg import matmul
from ..._ops.nn.activation import softmax
from ..._tensor import Tensor
from .dropout import dropout

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``F.scaled_dot_product_attention``: ``softmax(q k^T * scale + mask) v`` (the math path),
    causal masking as a lower-triangular mask, bool masks as -inf where False."""
    L, S = query.shape[-2], key.shape[-2]
    sc = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.dim() >= 3:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, dim=-3)
        value = value.repeat_interleave(rep, dim=-3)
    attn = matmul(query, key.transpose(-2, -1)) * sc
    if is_causal:
        keep = _tensor(np.tril(np.ones((L, S), dtype=bool)))
        attn = attn.masked_fill(keep.logical_not(), -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype == D.bool_:
            attn = attn.masked_fill(attn_mask.logical_not(), -math.inf)
        else:
            attn = attn + attn_mask
    attn = softmax(attn, dim=-1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, training=True)
    return matmul(attn, value)
