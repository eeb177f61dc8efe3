"""timm: ``create_model("resnet18")`` forward, a small ViT forward and backward, and the forward
of two other families (EfficientNet, ConvNeXt)."""

import timm
import torch
from _common import emit, flat

torch.manual_seed(0)
resnet = timm.create_model("resnet18", num_classes=10).eval()
x = torch.randn(2, 3, 32, 32)
with torch.no_grad():
    out = resnet(x)
n_resnet = sum(p.numel() for p in resnet.parameters())

torch.manual_seed(0)
vit = timm.create_model("vit_tiny_patch16_224", img_size=32, patch_size=8, num_classes=10,
                        depth=2)
imgs = torch.randn(4, 3, 32, 32)
labels = torch.tensor([0, 1, 2, 3])
logits = vit(imgs)
loss = torch.nn.functional.cross_entropy(logits, labels)
loss.backward()
grad_norms = {n: float(p.grad.norm()) for n, p in vit.named_parameters() if p.grad is not None}
others = {}
for name in ("efficientnet_b0", "convnext_atto"):
    torch.manual_seed(0)
    model = timm.create_model(name, num_classes=4).eval()
    with torch.no_grad():
        others[name] = flat(model(torch.randn(1, 3, 32, 32)))
emit(others=others, resnet_params=n_resnet, resnet_shape=list(out.shape), resnet_out=flat(out),
     vit_logits=flat(logits), vit_loss=float(loss), vit_grad_norms=grad_norms,
     vit_params=sum(p.numel() for p in vit.parameters()))
