# The "Datasets & DataLoaders" page: a built-in dataset, a custom image dataset, a DataLoader.
import os

import matplotlib
import pandas as pd
import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets
from torchvision.io import decode_image, write_png
from torchvision.transforms import ToTensor

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

training_data = datasets.FashionMNIST(root="data", train=True, download=True,
                                      transform=ToTensor())
test_data = datasets.FashionMNIST(root="data", train=False, download=True,
                                  transform=ToTensor())
print(training_data)
print(len(training_data), len(test_data))

labels_map = {
    0: "T-Shirt", 1: "Trouser", 2: "Pullover", 3: "Dress", 4: "Coat",
    5: "Sandal", 6: "Shirt", 7: "Sneaker", 8: "Bag", 9: "Ankle Boot",
}
torch.manual_seed(0)
figure = plt.figure(figsize=(8, 8))
cols, rows = 3, 3
for i in range(1, cols * rows + 1):
    sample_idx = torch.randint(len(training_data), size=(1,)).item()
    img, label = training_data[sample_idx]
    figure.add_subplot(rows, cols, i)
    plt.title(labels_map[label])
    plt.axis("off")
    plt.imshow(img.squeeze(), cmap="gray")
plt.savefig("samples.png")
print("saved samples.png")

# files for a custom dataset: PNGs in a folder and a CSV of "file,label"
os.makedirs("my_images", exist_ok=True)
rows_csv = []
for i in range(20):
    img, label = training_data[i]
    name = f"img_{i}.png"
    write_png((img * 255).to(torch.uint8), os.path.join("my_images", name))
    rows_csv.append((name, label))
pd.DataFrame(rows_csv).to_csv("labels.csv", header=False, index=False)


class CustomImageDataset(Dataset):
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        self.img_labels = pd.read_csv(annotations_file, header=None)
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        img_path = os.path.join(self.img_dir, self.img_labels.iloc[idx, 0])
        image = decode_image(img_path)
        label = self.img_labels.iloc[idx, 1]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


custom = CustomImageDataset("labels.csv", "my_images",
                            transform=lambda im: im.float() / 255)
image, label = custom[3]
print(image.shape, image.dtype, int(label))
print("round trip equal:", torch.allclose(image, training_data[3][0], atol=1 / 255))

train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=64, shuffle=True)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
plt.imshow(img, cmap="gray")
plt.savefig("first.png")
print(f"Label: {label}")
print("batches:", len(train_dataloader), len(test_dataloader))

custom_loader = DataLoader(custom, batch_size=8, shuffle=False)
for images, labels in custom_loader:
    print(images.shape, labels.dtype, labels.tolist())
