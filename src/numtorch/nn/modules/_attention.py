"""``nn.MultiheadAttention`` (torch keeps it in ``torch.nn.modules.activation``, which
re-exports it from here)."""

from __future__ import annotations

from ..._tensor import Tensor
from ...autograd import grad_mode
from .. import functional as F
from .. import init
from .._functional.attention import _canonical_mask, _none_or_dtype
from ..parameter import Parameter
from .linear import NonDynamicallyQuantizableLinear, _empty
from .module import Module

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """``nn.MultiheadAttention``: torch's parameters (packed ``in_proj_weight`` or separate
    ``q/k/v_proj_weight`` when ``kdim``/``vdim`` differ), state_dict keys and initialisation
    (the ``out_proj`` Linear's draws, then xavier_uniform_ of the in-projection, zero biases,
    xavier_normal_ of ``bias_k``/``bias_v``).

    The forward is torch's general path; where torch would take its fused inference path (eval
    mode, no grad, batched self-attention, bool masks...) the values are the same up to
    round-off and its two visible differences are reproduced: fully masked rows give NaN and
    ``is_causal`` is ignored.
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None,
                 dtype=None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        fk = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(_empty(3 * embed_dim, embed_dim, **fk))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(_empty(embed_dim, embed_dim, **fk))
            self.k_proj_weight = Parameter(_empty(embed_dim, self.kdim, **fk))
            self.v_proj_weight = Parameter(_empty(embed_dim, self.vdim, **fk))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(_empty(3 * embed_dim, **fk))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **fk)
        if add_bias_kv:
            self.bias_k = Parameter(_empty(1, 1, embed_dim, **fk))
            self.bias_v = Parameter(_empty(1, 1, embed_dim, **fk))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def __setstate__(self, state: dict) -> None:
        state.setdefault("_qkv_same_embed_dim", True)
        super().__setstate__(state)

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Attention of ``query`` over ``key``/``value``; returns (output, weights or None)."""
        batched = query.dim() == 3
        fast = self._inference_fast_path(query, key, value, key_padding_mask, attn_mask)
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                           _none_or_dtype(attn_mask), "attn_mask", query.dtype)
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                    check_other=False)
        if self.batch_first and batched:
            # keep the identities (q is k is v) the packed projection relies on
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = (x.transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights or fast,
            attn_mask=attn_mask, use_separate_proj_weight=separate,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights,
            is_causal=is_causal and not fast)
        if self.batch_first and batched:
            out = out.transpose(1, 0)
        return out, weights if need_weights else None

    def _inference_fast_path(self, query: Tensor, key: Tensor, value: Tensor,
                             key_padding_mask: Tensor | None, attn_mask: Tensor | None) -> bool:
        """Whether torch would run its fused inference kernel: its visible differences are a
        plain softmax (rows with every key masked give NaN) and an ignored ``is_causal``."""
        if ((attn_mask is not None and attn_mask.dtype.is_floating_point)
                or (key_padding_mask is not None and key_padding_mask.dtype.is_floating_point)):
            return False
        if (query.dim() != 3 or query is not key or key is not value or self.training
                or self.in_proj_bias is None or self.in_proj_weight is None
                or query.dtype != self.in_proj_weight.dtype
                or query.dtype != self.in_proj_bias.dtype or self.num_heads % 2
                or not self.batch_first or self.bias_k is not None or self.bias_v is not None
                or self.add_zero_attn or not self._qkv_same_embed_dim):
            return False
        args = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight,
                self.out_proj.bias)
        return not (grad_mode.is_grad_enabled()
                    and any(a is not None and a.requires_grad for a in args))

    def merge_masks(self, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                    query: Tensor) -> tuple[Tensor | None, int | None]:
        """torch's helper: one (N, H, L, S) mask from an attention and a padding mask, with
        its type (0 attention, 1 padding, 2 merged)."""
        mask_type = merged = None
        if key_padding_mask is not None:
            mask_type, merged = 1, key_padding_mask
        if attn_mask is not None:
            n, seq, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                merged = attn_mask.view(n, -1, seq, seq)
            else:
                merged = attn_mask.view(1, 1, seq, seq).expand(n, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                merged = merged + key_padding_mask.view(n, 1, 1, seq).expand(
                    -1, self.num_heads, -1, -1)
        return merged, mask_type
