"""Video Swin Transformers swin3d_t/s/b: torchvision's 3D shifted-window attention, patch
embedding, module names and initialisation (the 2D blocks and patch merging are reused)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial
from typing import Any

from .... import nn
from ...._tensor import Tensor
from ....nn import functional as F
from .._api import Weights, WeightsEnum, build_model, register_model
from ..swin_transformer import PatchMerging, SwinTransformerBlock
from .resnet import VideoClassification

__all__ = ["SwinTransformer3d", "Swin3D_T_Weights", "Swin3D_S_Weights", "Swin3D_B_Weights",
           "swin3d_t", "swin3d_s", "swin3d_b"]


def _nt():
    import numtorch

    return numtorch


def _window_and_shift(shift_size: list[int], size_dhw: list[int],
                      window_size: list[int]) -> tuple[list[int], list[int]]:
    for i in range(3):
        if size_dhw[i] <= window_size[i]:
            window_size[i] = size_dhw[i]
            shift_size[i] = 0
    return window_size, shift_size


def _pad_size_3d(size_dhw, patch_size) -> list[int]:
    return [(patch_size[i] - size_dhw[i] % patch_size[i]) % patch_size[i] for i in range(3)]


def _attention_mask_3d(x: Tensor, size_dhw, window_size, shift_size) -> Tensor:
    mask = x.new_zeros(*size_dhw)
    nw = (size_dhw[0] // window_size[0]) * (size_dhw[1] // window_size[1]) * \
        (size_dhw[2] // window_size[2])
    slices = [((0, -window_size[i]), (-window_size[i], -shift_size[i]), (-shift_size[i], None))
              for i in range(3)]
    count = 0
    for d in slices[0]:
        for h in slices[1]:
            for w in slices[2]:
                mask[d[0]:d[1], h[0]:h[1], w[0]:w[1]] = count
                count += 1
    mask = mask.view(size_dhw[0] // window_size[0], window_size[0],
                     size_dhw[1] // window_size[1], window_size[1],
                     size_dhw[2] // window_size[2], window_size[2])
    mask = mask.permute(0, 2, 4, 1, 3, 5).reshape(nw, window_size[0] * window_size[1]
                                                  * window_size[2])
    mask = mask.unsqueeze(1) - mask.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)


def shifted_window_attention_3d(input: Tensor, qkv_weight: Tensor, proj_weight: Tensor,
                                relative_position_bias: Tensor, window_size: list[int],
                                num_heads: int, shift_size: list[int],
                                attention_dropout: float = 0.0, dropout: float = 0.0,
                                qkv_bias: Tensor | None = None,
                                proj_bias: Tensor | None = None,
                                training: bool = True) -> Tensor:
    """Window attention over ``(B, T, H, W, C)`` with a cyclic shift and its mask."""
    nt = _nt()
    b, t, h, w, c = input.shape
    pad = _pad_size_3d((t, h, w), window_size)
    x = F.pad(input, (0, 0, 0, pad[2], 0, pad[1], 0, pad[0]))
    _, tp, hp, wp, _ = x.shape
    w0, w1, w2 = window_size
    shifted = sum(shift_size) > 0
    if shifted:
        x = nt.roll(x, shifts=(-shift_size[0], -shift_size[1], -shift_size[2]), dims=(1, 2, 3))
    nw = (tp // w0) * (hp // w1) * (wp // w2)
    x = x.view(b, tp // w0, w0, hp // w1, w1, wp // w2, w2, c)
    x = x.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(b * nw, w0 * w1 * w2, c)
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    q = q * (c // num_heads) ** -0.5
    attn = q.matmul(k.transpose(-2, -1)) + relative_position_bias
    if shifted:
        mask = _attention_mask_3d(x, (tp, hp, wp), (w0, w1, w2), tuple(shift_size))
        attn = attn.view(x.size(0) // nw, nw, num_heads, x.size(1), x.size(1))
        attn = attn + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, tp // w0, hp // w1, wp // w2, w0, w1, w2, c)
    x = x.permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(b, tp, hp, wp, c)
    if shifted:
        x = nt.roll(x, shifts=(shift_size[0], shift_size[1], shift_size[2]), dims=(1, 2, 3))
    return x[:, :t, :h, :w, :].contiguous()


class ShiftedWindowAttention3d(nn.Module):
    """3D window multi-head self-attention with a relative position bias table."""

    def __init__(self, dim: int, window_size: list[int], shift_size: list[int],
                 num_heads: int, qkv_bias: bool = True, proj_bias: bool = True,
                 attention_dropout: float = 0.0, dropout: float = 0.0) -> None:
        super().__init__()
        if len(window_size) != 3 or len(shift_size) != 3:
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
        w0, w1, w2 = self.window_size
        self.relative_position_bias_table = nn.Parameter(
            _nt().zeros((2 * w0 - 1) * (2 * w1 - 1) * (2 * w2 - 1), self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self) -> None:
        nt = _nt()
        w0, w1, w2 = self.window_size
        coords = nt.stack(nt.meshgrid(nt.arange(w0), nt.arange(w1), nt.arange(w2),
                                      indexing="ij"))
        flat = nt.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        rel[:, :, 0] += w0 - 1
        rel[:, :, 1] += w1 - 1
        rel[:, :, 2] += w2 - 1
        rel[:, :, 0] *= (2 * w1 - 1) * (2 * w2 - 1)
        rel[:, :, 1] *= 2 * w2 - 1
        self.register_buffer("relative_position_index", rel.sum(-1))

    def get_relative_position_bias(self, window_size: list[int]) -> Tensor:
        vol = window_size[0] * window_size[1] * window_size[2]
        idx = self.relative_position_index[:vol, :vol].flatten()
        bias = self.relative_position_bias_table[idx].view(vol, vol, -1)
        return bias.permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x: Tensor) -> Tensor:
        _, t, h, w, _ = x.shape
        window, shift = _window_and_shift(list(self.shift_size), [t, h, w],
                                          list(self.window_size))
        return shifted_window_attention_3d(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(window),
            window, self.num_heads, shift_size=shift, attention_dropout=self.attention_dropout,
            dropout=self.dropout, qkv_bias=self.qkv.bias, proj_bias=self.proj.bias,
            training=self.training)


class PatchEmbed3d(nn.Module):
    """Non-overlapping 3D patches (padded to a multiple of the patch size) -> channels last."""

    def __init__(self, patch_size: list[int], in_channels: int = 3, embed_dim: int = 96,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        self.tuple_patch_size = (patch_size[0], patch_size[1], patch_size[2])
        self.proj = nn.Conv3d(in_channels, embed_dim, kernel_size=self.tuple_patch_size,
                              stride=self.tuple_patch_size)
        self.norm = norm_layer(embed_dim) if norm_layer is not None else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        _, _, t, h, w = x.shape
        pad = _pad_size_3d((t, h, w), self.tuple_patch_size)
        x = F.pad(x, (0, pad[2], 0, pad[1], 0, pad[0]))
        return self.norm(self.proj(x).permute(0, 2, 3, 4, 1))


class SwinTransformer3d(nn.Module):
    """``torchvision.models.video.SwinTransformer3d``."""

    def __init__(self, patch_size: list[int], embed_dim: int, depths: list[int],
                 num_heads: list[int], window_size: list[int], mlp_ratio: float = 4.0,
                 dropout: float = 0.0, attention_dropout: float = 0.0,
                 stochastic_depth_prob: float = 0.1, num_classes: int = 400,
                 norm_layer: Callable[..., nn.Module] | None = None,
                 block: Callable[..., nn.Module] | None = None,
                 downsample_layer: Callable[..., nn.Module] = PatchMerging,
                 patch_embed: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        self.num_classes = num_classes
        block = block or partial(SwinTransformerBlock, attn_layer=ShiftedWindowAttention3d)
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-5)
        patch_embed = patch_embed or PatchEmbed3d
        self.patch_embed = patch_embed(patch_size=patch_size, embed_dim=embed_dim,
                                       norm_layer=norm_layer)
        self.pos_drop = nn.Dropout(p=dropout)
        layers: list[nn.Module] = []
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
                                   stochastic_depth_prob=sd_prob, norm_layer=norm_layer,
                                   attn_layer=ShiftedWindowAttention3d))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        self.num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(self.num_features)
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.head = nn.Linear(self.num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.norm(self.features(self.pos_drop(self.patch_embed(x))))
        x = self.avgpool(x.permute(0, 4, 1, 2, 3))
        return self.head(_nt().flatten(x, 1))


def _w(file_name: str, num_params: int) -> Weights:
    return Weights(url=f"https://download.pytorch.org/models/{file_name}",
                   transforms=functools.partial(VideoClassification, crop_size=(224, 224),
                                                resize_size=(256,), mean=(0.485, 0.456, 0.406),
                                                std=(0.229, 0.224, 0.225)),
                   meta={"num_classes": 400, "min_size": (1, 1), "num_params": num_params})


class Swin3D_T_Weights(WeightsEnum):
    KINETICS400_V1 = _w("swin3d_t-7615ae03.pth", 28158070)
    DEFAULT = KINETICS400_V1


class Swin3D_S_Weights(WeightsEnum):
    KINETICS400_V1 = _w("swin3d_s-da41c237.pth", 49816678)
    DEFAULT = KINETICS400_V1


class Swin3D_B_Weights(WeightsEnum):
    KINETICS400_V1 = _w("swin3d_b_1k-24f7c7c6.pth", 88048984)
    KINETICS400_IMAGENET22K_V1 = _w("swin3d_b_22k-7c6ae6fa.pth", 88048984)
    DEFAULT = KINETICS400_V1


def _swin3d(embed_dim: int, depths: list[int], heads: list[int], enum, weights, progress,
            kwargs: dict[str, Any]) -> SwinTransformer3d:
    def make(**kw: Any) -> SwinTransformer3d:
        return SwinTransformer3d(patch_size=[2, 4, 4], embed_dim=embed_dim, depths=depths,
                                 num_heads=heads, window_size=[8, 7, 7],
                                 stochastic_depth_prob=0.1, **kw)

    return build_model(enum, weights, progress, kwargs, make)


@register_model(weights=Swin3D_T_Weights, legacy_default="KINETICS400_V1")
def swin3d_t(*, weights: Swin3D_T_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> SwinTransformer3d:
    """Swin3D-T (width 96, depths 2/2/6/2, window 8x7x7)."""
    return _swin3d(96, [2, 2, 6, 2], [3, 6, 12, 24], Swin3D_T_Weights, weights, progress,
                   kwargs)


@register_model(weights=Swin3D_S_Weights, legacy_default="KINETICS400_V1")
def swin3d_s(*, weights: Swin3D_S_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> SwinTransformer3d:
    """Swin3D-S (width 96, depths 2/2/18/2, window 8x7x7)."""
    return _swin3d(96, [2, 2, 18, 2], [3, 6, 12, 24], Swin3D_S_Weights, weights, progress,
                   kwargs)


@register_model(weights=Swin3D_B_Weights, legacy_default="KINETICS400_V1")
def swin3d_b(*, weights: Swin3D_B_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> SwinTransformer3d:
    """Swin3D-B (width 128, depths 2/2/18/2, window 8x7x7)."""
    return _swin3d(128, [2, 2, 18, 2], [4, 8, 16, 32], Swin3D_B_Weights, weights, progress,
                   kwargs)
