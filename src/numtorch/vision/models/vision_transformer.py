"""Vision Transformer B/16, B/32, L/16, L/32, H/14: torchvision's modules, names and init.

The encoder's attention is ``nn.MultiheadAttention`` (batch first), as torchvision's.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from ... import nn
from ..._ops.join import cat
from ..._tensor import Tensor
from ..transforms.functional import InterpolationMode
from ._api import WeightsEnum, _ovewrite_named_param, imagenet_weights, register_model
from ._layers import MLP, Conv2dNormActivation

__all__ = ["VisionTransformer", "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights",
           "ViT_L_32_Weights", "ViT_H_14_Weights", "vit_b_16", "vit_b_32", "vit_l_16",
           "vit_l_32", "vit_h_14"]


_LN = partial(nn.LayerNorm, eps=1e-6)


class ConvStemConfig(NamedTuple):
    out_channels: int
    kernel_size: int
    stride: int
    norm_layer: Callable[..., nn.Module] = nn.BatchNorm2d
    activation_layer: Callable[..., nn.Module] = nn.ReLU


class MLPBlock(MLP):
    """Linear-GELU-dropout-Linear-dropout with Xavier weights and tiny normal biases."""

    _version = 2

    def __init__(self, in_dim: int, mlp_dim: int, dropout: float) -> None:
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None,
                         dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)


class EncoderBlock(nn.Module):
    """Pre-norm self-attention and MLP, each with a residual connection."""

    def __init__(self, num_heads: int, hidden_dim: int, mlp_dim: int, dropout: float,
                 attention_dropout: float,
                 norm_layer: Callable[..., nn.Module] = _LN) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads,
                                                 dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() != 3:
            raise AssertionError("Expected (batch_size, seq_length, hidden_dim) got "
                                 f"{input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Position embedding, dropout, the encoder blocks and a final layer norm."""

    def __init__(self, seq_length: int, num_layers: int, num_heads: int, hidden_dim: int,
                 mlp_dim: int, dropout: float, attention_dropout: float,
                 norm_layer: Callable[..., nn.Module] = _LN) -> None:
        super().__init__()
        import numtorch

        self.pos_embedding = nn.Parameter(
            numtorch.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout,
                                                        attention_dropout, norm_layer)
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() != 3:
            raise AssertionError("Expected (batch_size, seq_length, hidden_dim) got "
                                 f"{input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """``torchvision.models.VisionTransformer``: ``conv_proj``, ``encoder``, ``heads``."""

    def __init__(self, image_size: int, patch_size: int, num_layers: int, num_heads: int,
                 hidden_dim: int, mlp_dim: int, dropout: float = 0.0,
                 attention_dropout: float = 0.0, num_classes: int = 1000,
                 representation_size: int | None = None,
                 norm_layer: Callable[..., nn.Module] = _LN,
                 conv_stem_configs: list[ConvStemConfig] | None = None) -> None:
        super().__init__()
        import numtorch

        if image_size % patch_size != 0:
            raise AssertionError("Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer
        if conv_stem_configs is not None:
            seq = nn.Sequential()
            prev = 3
            for i, cfg in enumerate(conv_stem_configs):
                seq.add_module(f"conv_bn_relu_{i}", Conv2dNormActivation(
                    in_channels=prev, out_channels=cfg.out_channels,
                    kernel_size=cfg.kernel_size, stride=cfg.stride, norm_layer=cfg.norm_layer,
                    activation_layer=cfg.activation_layer))
                prev = cfg.out_channels
            seq.add_module("conv_last", nn.Conv2d(prev, hidden_dim, kernel_size=1))
            self.conv_proj: nn.Module = seq
        else:
            self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size,
                                       stride=patch_size)
        seq_length = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(numtorch.zeros(1, 1, hidden_dim))
        seq_length += 1
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout,
                               attention_dropout, norm_layer)
        self.seq_length = seq_length
        heads: OrderedDict[str, nn.Module] = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)
        if isinstance(self.conv_proj, nn.Conv2d):
            k = self.conv_proj.kernel_size
            fan_in = self.conv_proj.in_channels * k[0] * k[1]
            nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
            if self.conv_proj.bias is not None:
                nn.init.zeros_(self.conv_proj.bias)
        elif isinstance(getattr(self.conv_proj, "conv_last", None), nn.Conv2d):
            last = self.conv_proj.conv_last
            nn.init.normal_(last.weight, mean=0.0, std=math.sqrt(2.0 / last.out_channels))
            if last.bias is not None:
                nn.init.zeros_(last.bias)
        if hasattr(self.heads, "pre_logits") and isinstance(self.heads.pre_logits, nn.Linear):
            fan_in = self.heads.pre_logits.in_features
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / fan_in))
            nn.init.zeros_(self.heads.pre_logits.bias)
        if isinstance(self.heads.head, nn.Linear):
            nn.init.zeros_(self.heads.head.weight)
            nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        p = self.patch_size
        if h != self.image_size:
            raise AssertionError(f"Wrong image height! Expected {self.image_size} but got {h}!")
        if w != self.image_size:
            raise AssertionError(f"Wrong image width! Expected {self.image_size} but got {w}!")
        x = self.conv_proj(x).reshape(n, self.hidden_dim, (h // p) * (w // p))
        return x.permute(0, 2, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = self._process_input(x)
        x = cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        return self.heads(self.encoder(x)[:, 0])


_BIC = InterpolationMode.BICUBIC


def _swag(file_name: str, size: int, num_params: int) -> Any:
    return imagenet_weights(file_name, crop_size=size, resize_size=size, interpolation=_BIC,
                            min_size=(size, size), num_params=num_params)


def _v1(file_name: str, num_params: int, resize: int = 256) -> Any:
    return imagenet_weights(file_name, resize_size=resize, min_size=(224, 224),
                            num_params=num_params)


class ViT_B_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("vit_b_16-c867db91.pth", 86567656)
    IMAGENET1K_SWAG_E2E_V1 = _swag("vit_b_16_swag-9ac1b537.pth", 384, 86859496)
    IMAGENET1K_SWAG_LINEAR_V1 = _swag("vit_b_16_lc_swag-4e70ced5.pth", 224, 86567656)
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("vit_b_32-d86f8d99.pth", 88224232)
    DEFAULT = IMAGENET1K_V1


class ViT_L_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("vit_l_16-852ce7e3.pth", 304326632, resize=242)
    IMAGENET1K_SWAG_E2E_V1 = _swag("vit_l_16_swag-4f3808c9.pth", 512, 305174504)
    IMAGENET1K_SWAG_LINEAR_V1 = _swag("vit_l_16_lc_swag-4d563306.pth", 224, 304326632)
    DEFAULT = IMAGENET1K_V1


class ViT_L_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1("vit_l_32-c7638314.pth", 306535400)
    DEFAULT = IMAGENET1K_V1


class ViT_H_14_Weights(WeightsEnum):
    IMAGENET1K_SWAG_E2E_V1 = _swag("vit_h_14_swag-80465313.pth", 518, 633470440)
    IMAGENET1K_SWAG_LINEAR_V1 = _swag("vit_h_14_lc_swag-c1eb923e.pth", 224, 632045800)
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


def _vit(patch_size: int, num_layers: int, num_heads: int, hidden_dim: int, mlp_dim: int,
         enum: type[WeightsEnum], weights: Any, progress: bool,
         kwargs: dict[str, Any]) -> VisionTransformer:
    weights = enum.verify(weights)
    state_dict = None
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
        state_dict = weights.get_state_dict(progress=progress, check_hash=True,
                                            weights_only=True)
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(image_size=image_size, patch_size=patch_size,
                              num_layers=num_layers, num_heads=num_heads,
                              hidden_dim=hidden_dim, mlp_dim=mlp_dim, **kwargs)
    if state_dict is not None:
        model.load_state_dict(state_dict)
    return model


@register_model(weights=ViT_B_16_Weights, legacy_default="IMAGENET1K_V1")
def vit_b_16(*, weights: ViT_B_16_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-B/16 (12 layers, 12 heads, width 768, MLP 3072)."""
    return _vit(16, 12, 12, 768, 3072, ViT_B_16_Weights, weights, progress, kwargs)


@register_model(weights=ViT_B_32_Weights, legacy_default="IMAGENET1K_V1")
def vit_b_32(*, weights: ViT_B_32_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-B/32 (12 layers, 12 heads, width 768, MLP 3072)."""
    return _vit(32, 12, 12, 768, 3072, ViT_B_32_Weights, weights, progress, kwargs)


@register_model(weights=ViT_L_16_Weights, legacy_default="IMAGENET1K_V1")
def vit_l_16(*, weights: ViT_L_16_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-L/16 (24 layers, 16 heads, width 1024, MLP 4096)."""
    return _vit(16, 24, 16, 1024, 4096, ViT_L_16_Weights, weights, progress, kwargs)


@register_model(weights=ViT_L_32_Weights, legacy_default="IMAGENET1K_V1")
def vit_l_32(*, weights: ViT_L_32_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-L/32 (24 layers, 16 heads, width 1024, MLP 4096)."""
    return _vit(32, 24, 16, 1024, 4096, ViT_L_32_Weights, weights, progress, kwargs)


@register_model(weights=ViT_H_14_Weights)
def vit_h_14(*, weights: ViT_H_14_Weights | str | None = None, progress: bool = True,
             **kwargs: Any) -> VisionTransformer:
    """ViT-H/14 (32 layers, 16 heads, width 1280, MLP 5120); SWAG weights only."""
    return _vit(14, 32, 16, 1280, 5120, ViT_H_14_Weights, weights, progress, kwargs)
