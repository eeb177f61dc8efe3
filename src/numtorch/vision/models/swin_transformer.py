"""Swin Transformer T/S/B and Swin V2 T/S/B: torchvision's shifted-window attention, module
names, buffers and initialisation."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

from ... import nn
from ..._tensor import Tensor
from ...nn import functional as F
from ..transforms.functional import InterpolationMode
from ._api import WeightsEnum, build_model, imagenet_weights, register_model
from ._layers import MLP, Permute, StochasticDepth

__all__ = ["SwinTransformer", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights",
           "Swin_V2_T_Weights", "Swin_V2_S_Weights", "Swin_V2_B_Weights", "swin_t", "swin_s",
           "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"]


def _nt():
    import numtorch

    return numtorch


def _patch_merging_pad(x: Tensor) -> Tensor:
    h, w = x.shape[-3:-1]
    x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
    parts = [x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :],
             x[..., 1::2, 1::2, :]]
    return _nt().cat(parts, -1)


def _get_relative_position_bias(table: Tensor, index: Tensor,
                                window_size: list[int]) -> Tensor:
    n = window_size[0] * window_size[1]
    bias = table[index].view(n, n, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


class PatchMerging(nn.Module):
    """2x2 neighbourhood concatenation, layer norm, then a linear map to twice the width."""

    def __init__(self, dim: int, norm_layer: Callable[..., nn.Module] = nn.LayerNorm) -> None:
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """Swin V2's patch merging: the linear map first, the norm after it."""

    def __init__(self, dim: int, norm_layer: Callable[..., nn.Module] = nn.LayerNorm) -> None:
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.norm(self.reduction(_patch_merging_pad(x)))


def shifted_window_attention(input: Tensor, qkv_weight: Tensor, proj_weight: Tensor,
                             relative_position_bias: Tensor, window_size: list[int],
                             num_heads: int, shift_size: list[int],
                             attention_dropout: float = 0.0, dropout: float = 0.0,
                             qkv_bias: Tensor | None = None, proj_bias: Tensor | None = None,
                             logit_scale: Tensor | None = None,
                             training: bool = True) -> Tensor:
    """Window attention over ``(B, H, W, C)`` with a cyclic shift and the shift mask, as
    ``torchvision.models.swin_transformer.shifted_window_attention``."""
    nt = _nt()
    b, h, w, c = input.shape
    ws0, ws1 = window_size
    pad_r = (ws1 - w % ws1) % ws1
    pad_b = (ws0 - h % ws0) % ws0
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, ph, pw, _ = x.shape
    shift = list(shift_size)
    if ws0 >= ph:
        shift[0] = 0
    if ws1 >= pw:
        shift[1] = 0
    shifted = sum(shift) > 0
    if shifted:
        x = nt.roll(x, shifts=(-shift[0], -shift[1]), dims=(1, 2))
    nw = (ph // ws0) * (pw // ws1)
    x = x.view(b, ph // ws0, ws0, pw // ws1, ws1, c).permute(0, 1, 3, 2, 4, 5)
    x = x.reshape(b * nw, ws0 * ws1, c)
    if logit_scale is not None and qkv_bias is not None:
        qkv_bias = qkv_bias.clone()
        n = qkv_bias.numel() // 3
        with nt.no_grad():
            qkv_bias[n:2 * n].zero_()
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * logit_scale.clamp_max(math.log(100.0)).exp()
    else:
        q = q * (c // num_heads) ** -0.5
        attn = q.matmul(k.transpose(-2, -1))
    attn = attn + relative_position_bias
    if shifted:
        mask = x.new_zeros((ph, pw))
        count = 0
        for hs in ((0, -ws0), (-ws0, -shift[0]), (-shift[0], None)):
            for wsl in ((0, -ws1), (-ws1, -shift[1]), (-shift[1], None)):
                mask[hs[0]:hs[1], wsl[0]:wsl[1]] = count
                count += 1
        mask = mask.view(ph // ws0, ws0, pw // ws1, ws1).permute(0, 2, 1, 3)
        mask = mask.reshape(nw, ws0 * ws1)
        mask = mask.unsqueeze(1) - mask.unsqueeze(2)
        mask = mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)
        attn = attn.view(x.size(0) // nw, nw, num_heads, x.size(1), x.size(1))
        attn = attn + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, ph // ws0, pw // ws1, ws0, ws1, c).permute(0, 1, 3, 2, 4, 5)
    x = x.reshape(b, ph, pw, c)
    if shifted:
        x = nt.roll(x, shifts=(shift[0], shift[1]), dims=(1, 2))
    return x[:, :h, :w, :].contiguous()


class ShiftedWindowAttention(nn.Module):
    """Window multi-head self-attention with a learned relative position bias table."""

    def __init__(self, dim: int, window_size: list[int], shift_size: list[int],
                 num_heads: int, qkv_bias: bool = True, proj_bias: bool = True,
                 attention_dropout: float = 0.0, dropout: float = 0.0) -> None:
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self) -> None:
        ws0, ws1 = self.window_size
        self.relative_position_bias_table = nn.Parameter(
            _nt().zeros((2 * ws0 - 1) * (2 * ws1 - 1), self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self) -> None:
        nt = _nt()
        ws0, ws1 = self.window_size
        coords = nt.stack(nt.meshgrid(nt.arange(ws0), nt.arange(ws1), indexing="ij"))
        flat = nt.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        rel[:, :, 0] += ws0 - 1
        rel[:, :, 1] += ws1 - 1
        rel[:, :, 0] *= 2 * ws1 - 1
        self.register_buffer("relative_position_index", rel.sum(-1).flatten())

    def get_relative_position_bias(self) -> Tensor:
        return _get_relative_position_bias(self.relative_position_bias_table,
                                           self.relative_position_index, self.window_size)

    def forward(self, x: Tensor) -> Tensor:
        return shifted_window_attention(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(),
            self.window_size, self.num_heads, shift_size=self.shift_size,
            attention_dropout=self.attention_dropout, dropout=self.dropout,
            qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, training=self.training)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """Swin V2's cosine attention with a log-spaced continuous position bias (``cpb_mlp``)."""

    def __init__(self, dim: int, window_size: list[int], shift_size: list[int],
                 num_heads: int, qkv_bias: bool = True, proj_bias: bool = True,
                 attention_dropout: float = 0.0, dropout: float = 0.0) -> None:
        super().__init__(dim, window_size, shift_size, num_heads, qkv_bias=qkv_bias,
                         proj_bias=proj_bias, attention_dropout=attention_dropout,
                         dropout=dropout)
        nt = _nt()
        self.logit_scale = nn.Parameter(nt.log(10 * nt.ones((num_heads, 1, 1))))
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True),
                                     nn.Linear(512, num_heads, bias=False))
        if qkv_bias:
            n = self.qkv.bias.numel() // 3
            with nt.no_grad():
                self.qkv.bias[n:2 * n].zero_()

    def define_relative_position_bias_table(self) -> None:
        nt = _nt()
        ws0, ws1 = self.window_size
        ch = nt.arange(-(ws0 - 1), ws0, dtype=nt.float32)
        cw = nt.arange(-(ws1 - 1), ws1, dtype=nt.float32)
        table = nt.stack(nt.meshgrid([ch, cw], indexing="ij"))
        table = table.permute(1, 2, 0).contiguous().unsqueeze(0)
        table[:, :, :, 0] /= ws0 - 1
        table[:, :, :, 1] /= ws1 - 1
        table *= 8
        table = nt.sign(table) * nt.log2(nt.abs(table) + 1.0) / 3.0
        self.register_buffer("relative_coords_table", table)

    def get_relative_position_bias(self) -> Tensor:
        bias = _get_relative_position_bias(
            self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads),
            self.relative_position_index, self.window_size)
        return 16 * _nt().sigmoid(bias)

    def forward(self, x: Tensor) -> Tensor:
        return shifted_window_attention(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(),
            self.window_size, self.num_heads, shift_size=self.shift_size,
            attention_dropout=self.attention_dropout, dropout=self.dropout,
            qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, logit_scale=self.logit_scale,
            training=self.training)


class SwinTransformerBlock(nn.Module):
    """Pre-norm window attention and MLP, each behind stochastic depth."""

    def __init__(self, dim: int, num_heads: int, window_size: list[int],
                 shift_size: list[int], mlp_ratio: float = 4.0, dropout: float = 0.0,
                 attention_dropout: float = 0.0, stochastic_depth_prob: float = 0.0,
                 norm_layer: Callable[..., nn.Module] = nn.LayerNorm,
                 attn_layer: Callable[..., nn.Module] = ShiftedWindowAttention) -> None:
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(dim, window_size, shift_size, num_heads,
                               attention_dropout=attention_dropout, dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None,
                       dropout=dropout)
        for m in self.mlp.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """Swin V2's block: post-norm residual branches."""

    def __init__(self, dim: int, num_heads: int, window_size: list[int],
                 shift_size: list[int], mlp_ratio: float = 4.0, dropout: float = 0.0,
                 attention_dropout: float = 0.0, stochastic_depth_prob: float = 0.0,
                 norm_layer: Callable[..., nn.Module] = nn.LayerNorm,
                 attn_layer: Callable[..., nn.Module] = ShiftedWindowAttentionV2) -> None:
        super().__init__(dim, num_heads, window_size, shift_size, mlp_ratio=mlp_ratio,
                         dropout=dropout, attention_dropout=attention_dropout,
                         stochastic_depth_prob=stochastic_depth_prob, norm_layer=norm_layer,
                         attn_layer=attn_layer)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


class SwinTransformer(nn.Module):
    """``torchvision.models.SwinTransformer``: ``features``, ``norm``, ``permute``,
    ``avgpool``, ``flatten``, ``head``."""

    def __init__(self, patch_size: list[int], embed_dim: int, depths: list[int],
                 num_heads: list[int], window_size: list[int], mlp_ratio: float = 4.0,
                 dropout: float = 0.0, attention_dropout: float = 0.0,
                 stochastic_depth_prob: float = 0.1, num_classes: int = 1000,
                 norm_layer: Callable[..., nn.Module] | None = None,
                 block: Callable[..., nn.Module] | None = None,
                 downsample_layer: Callable[..., nn.Module] = PatchMerging) -> None:
        super().__init__()
        self.num_classes = num_classes
        block = block or SwinTransformerBlock
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-5)
        layers: list[nn.Module] = [nn.Sequential(
            nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]),
                      stride=(patch_size[0], patch_size[1])),
            Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        total = sum(depths)
        block_id = 0
        for i_stage, depth in enumerate(depths):
            dim = embed_dim * 2 ** i_stage
            stage = []
            for i_layer in range(depth):
                sd_prob = stochastic_depth_prob * float(block_id) / (total - 1)
                stage.append(block(dim, num_heads[i_stage], window_size=window_size,
                                   shift_size=[0 if i_layer % 2 == 0 else w // 2
                                               for w in window_size],
                                   mlp_ratio=mlp_ratio, dropout=dropout,
                                   attention_dropout=attention_dropout,
                                   stochastic_depth_prob=sd_prob, norm_layer=norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


_BIC = InterpolationMode.BICUBIC


def _w(file_name: str, crop: int, resize: int, num_params: int) -> Any:
    return imagenet_weights(file_name, crop_size=crop, resize_size=resize, interpolation=_BIC,
                            min_size=(crop, crop), num_params=num_params)


class Swin_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("swin_t-704ceda3.pth", 224, 232, 28288354)
    DEFAULT = IMAGENET1K_V1


class Swin_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("swin_s-5e29d889.pth", 224, 246, 49606258)
    DEFAULT = IMAGENET1K_V1


class Swin_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("swin_b-68c6b09e.pth", 224, 238, 87768224)
    DEFAULT = IMAGENET1K_V1


class Swin_V2_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("swin_v2_t-b137f0e2.pth", 256, 260, 28351570)
    DEFAULT = IMAGENET1K_V1


class Swin_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("swin_v2_s-637d8ceb.pth", 256, 260, 49737442)
    DEFAULT = IMAGENET1K_V1


class Swin_V2_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("swin_v2_b-781e5279.pth", 256, 272, 87930848)
    DEFAULT = IMAGENET1K_V1


def _swin(embed_dim: int, depths: list[int], heads: list[int], window: int, sd_prob: float,
          v2: bool, enum: type[WeightsEnum], weights: Any, progress: bool,
          kwargs: dict[str, Any]) -> SwinTransformer:
    extra: dict[str, Any] = {}
    if v2:
        extra = {"block": SwinTransformerBlockV2, "downsample_layer": PatchMergingV2}

    def make(**kw: Any) -> SwinTransformer:
        return SwinTransformer(patch_size=[4, 4], embed_dim=embed_dim, depths=depths,
                               num_heads=heads, window_size=[window, window],
                               stochastic_depth_prob=sd_prob, **extra, **kw)

    return build_model(enum, weights, progress, kwargs, make)


_T, _SB = [2, 2, 6, 2], [2, 2, 18, 2]
_H, _HB = [3, 6, 12, 24], [4, 8, 16, 32]


@register_model(weights=Swin_T_Weights, legacy_default="IMAGENET1K_V1")
def swin_t(*, weights: Swin_T_Weights | str | None = None, progress: bool = True,
           **kwargs: Any) -> SwinTransformer:
    """Swin-T (width 96, depths 2/2/6/2, window 7)."""
    return _swin(96, _T, _H, 7, 0.2, False, Swin_T_Weights, weights, progress, kwargs)


@register_model(weights=Swin_S_Weights, legacy_default="IMAGENET1K_V1")
def swin_s(*, weights: Swin_S_Weights | str | None = None, progress: bool = True,
           **kwargs: Any) -> SwinTransformer:
    """Swin-S (width 96, depths 2/2/18/2, window 7)."""
    return _swin(96, _SB, _H, 7, 0.3, False, Swin_S_Weights, weights, progress, kwargs)


@register_model(weights=Swin_B_Weights, legacy_default="IMAGENET1K_V1")
def swin_b(*, weights: Swin_B_Weights | str | None = None, progress: bool = True,
           **kwargs: Any) -> SwinTransformer:
    """Swin-B (width 128, depths 2/2/18/2, window 7)."""
    return _swin(128, _SB, _HB, 7, 0.5, False, Swin_B_Weights, weights, progress, kwargs)


@register_model(weights=Swin_V2_T_Weights, legacy_default="IMAGENET1K_V1")
def swin_v2_t(*, weights: Swin_V2_T_Weights | str | None = None, progress: bool = True,
              **kwargs: Any) -> SwinTransformer:
    """Swin V2-T (width 96, depths 2/2/6/2, window 8)."""
    return _swin(96, _T, _H, 8, 0.2, True, Swin_V2_T_Weights, weights, progress, kwargs)


@register_model(weights=Swin_V2_S_Weights, legacy_default="IMAGENET1K_V1")
def swin_v2_s(*, weights: Swin_V2_S_Weights | str | None = None, progress: bool = True,
              **kwargs: Any) -> SwinTransformer:
    """Swin V2-S (width 96, depths 2/2/18/2, window 8)."""
    return _swin(96, _SB, _H, 8, 0.3, True, Swin_V2_S_Weights, weights, progress, kwargs)


@register_model(weights=Swin_V2_B_Weights, legacy_default="IMAGENET1K_V1")
def swin_v2_b(*, weights: Swin_V2_B_Weights | str | None = None, progress: bool = True,
              **kwargs: Any) -> SwinTransformer:
    """Swin V2-B (width 128, depths 2/2/18/2, window 8)."""
    return _swin(128, _SB, _HB, 8, 0.5, True, Swin_V2_B_Weights, weights, progress, kwargs)
