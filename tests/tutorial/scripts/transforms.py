# The "Transforms" page: ToTensor for the images, a one-hot Lambda for the labels.
import torch
import torchvision.transforms.functional as TF
from torchvision import datasets, transforms
from torchvision.transforms import Lambda, ToTensor

ds = datasets.FashionMNIST(
    root="data",
    train=True,
    download=True,
    transform=ToTensor(),
    target_transform=Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(
        0, torch.tensor(y), value=1)),
)
img, target = ds[0]
print(img.shape, img.dtype, float(img.min()), float(img.max()))
print(target, target.dtype, int(target.argmax()) == int(ds.targets[0]))

# the same image through PIL and a longer pipeline
raw = datasets.FashionMNIST(root="data", train=True, download=False)
pil_img, label = raw[0]
print(type(pil_img).__name__, pil_img.size, pil_img.mode, label)
pipeline = transforms.Compose([
    transforms.Resize(32),
    transforms.CenterCrop(28),
    transforms.ToTensor(),
    transforms.Normalize((0.5,), (0.5,)),
])
out = pipeline(pil_img)
print(out.shape, round(float(out.min()), 4), round(float(out.max()), 4))
print(TF.hflip(img).shape, torch.equal(TF.hflip(TF.hflip(img)), img))
print(TF.to_pil_image(img).size)
