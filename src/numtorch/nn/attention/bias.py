"""``torch.nn.attention.bias``: causal attention biases for ``scaled_dot_product_attention``.

Known difference: torch's ``CausalBias`` is a ``Tensor`` subclass routed by
``__torch_function__``; numtorch's is a plain object that ``scaled_dot_product_attention``
recognises. Its ``repr``, ``_materialize`` and the attention it gives are torch's.
"""

from __future__ import annotations

import enum
import warnings

from ... import _dtype as D
from ..._ops.creation import ones
from ..._tensor import Tensor
from .. import functional as F

__all__ = ["causal_upper_left", "causal_lower_right", "CausalVariant", "CausalBias"]


class CausalVariant(enum.IntEnum):
    """Where the causal triangle is anchored: the upper-left or the lower-right corner."""

    UPPER_LEFT = 1
    LOWER_RIGHT = 2


class CausalBias:
    """A causal mask of ``seq_len_q`` x ``seq_len_kv`` that is never materialised unless
    needed; passed as ``attn_mask`` to ``scaled_dot_product_attention``."""

    def __init__(self, variant: CausalVariant, seq_len_q: int, seq_len_kv: int) -> None:
        if not isinstance(variant, CausalVariant):
            raise AssertionError(f"variant must be a CausalVariant, got {type(variant).__name__}")
        self.variant = variant
        self.seq_len_q = seq_len_q
        self.seq_len_kv = seq_len_kv
        if seq_len_q > seq_len_kv and variant == CausalVariant.LOWER_RIGHT:
            warnings.warn("Lower right causal bias will produce NaNs in the output when "
                          "seq_len_q > seq_len_kv!", stacklevel=2)

    def _upper_left(self, device) -> Tensor:
        return ones(self.seq_len_q, self.seq_len_kv, device=device, dtype=D.bool_).tril()

    def _lower_right(self, device) -> Tensor:
        keep = ones(self.seq_len_q, self.seq_len_kv, device=device, dtype=D.bool_)
        return keep.tril(diagonal=self.seq_len_kv - self.seq_len_q)

    def _materialize(self, device=None) -> Tensor:
        """The boolean mask (True where attention is allowed)."""
        if self.variant == CausalVariant.UPPER_LEFT:
            return self._upper_left(device or "cpu")
        return self._lower_right(device or "cpu")

    @staticmethod
    def _dispatch(query: Tensor, key: Tensor, value: Tensor, attn_mask: CausalBias,
                  dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                  enable_gqa: bool = False) -> Tensor:
        """Attention under this bias: the causal flag when the triangle is the usual one, the
        materialised mask otherwise."""
        if is_causal:
            raise ValueError("CausalBias should not be used with causal=True")
        if (attn_mask.seq_len_q == attn_mask.seq_len_kv
                or attn_mask.variant == CausalVariant.UPPER_LEFT):
            return F.scaled_dot_product_attention(query, key, value, attn_mask=None,
                                                  dropout_p=dropout_p, is_causal=True,
                                                  scale=scale, enable_gqa=enable_gqa)
        if attn_mask.variant == CausalVariant.LOWER_RIGHT:
            return F.scaled_dot_product_attention(query, key, value,
                                                  attn_mask=attn_mask._materialize(query.device),
                                                  dropout_p=dropout_p, is_causal=False,
                                                  scale=scale, enable_gqa=enable_gqa)
        raise ValueError("CausalBias.variant must be a CausalVariant type, but found: "
                         f"{attn_mask.variant}")

    def __repr__(self) -> str:
        return repr(self._materialize())


def causal_upper_left(*size: int) -> CausalBias:
    """A causal bias anchored at the upper-left corner (``tril`` of the (L, S) ones)."""
    if len(size) != 2:
        raise AssertionError("causal_upper_left only supports 2D tensors")
    return CausalBias(CausalVariant.UPPER_LEFT, size[0], size[1])


def causal_lower_right(*size: int) -> CausalBias:
    """A causal bias anchored at the lower-right corner (``tril`` with offset S - L)."""
    if len(size) != 2:
        raise AssertionError("causal_lower_right only supports 2D tensors")
    return CausalBias(CausalVariant.LOWER_RIGHT, size[0], size[1])
