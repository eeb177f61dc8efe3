"""einops ``rearrange``/``reduce``/``repeat``/``einsum`` and its layers on tensors."""

import torch
from _common import emit, flat
from einops import einsum, pack, rearrange, reduce, repeat, unpack
from einops.layers.torch import Rearrange, Reduce

torch.manual_seed(0)
x = torch.randn(2, 3, 4, 6, requires_grad=True)
patches = rearrange(x, "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=2, p2=3)
pooled = reduce(x, "b c (h 2) (w 2) -> b c h w", "max")
tiled = repeat(x[0, 0], "h w -> r h w", r=2)
mixed = einsum(x, x, "b c h w, b d h w -> b c d")
packed, shapes = pack([x[:, 0], x[:, 1:].sum(1)], "b h *")
first, second = unpack(packed, shapes, "b h *")
layers = torch.nn.Sequential(Rearrange("b c h w -> b h w c"), Reduce("b h w c -> b c", "mean"))
out = layers(x)
(patches.sum() + pooled.pow(2).sum() + mixed.mean() + out.sum()).backward()
emit(patches_shape=list(patches.shape), patches=flat(patches), pooled=flat(pooled),
     tiled_shape=list(tiled.shape), mixed=flat(mixed), packed_shape=list(packed.shape),
     unpacked=[list(first.shape), list(second.shape)], layers=flat(out), grad=flat(x.grad))
