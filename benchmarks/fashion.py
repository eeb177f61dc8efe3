"""FashionMNIST-format files for the epoch workload, and the per-sample torch-side dataset."""

from __future__ import annotations

import gzip
import os
import struct

import numpy as np


def _write_idx(path, arr: np.ndarray) -> None:
    code = {np.uint8: 0x08}[arr.dtype.type]
    header = struct.pack(">HBB", 0, code, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(header + arr.tobytes())


def make_fashion_folder(root: str, n: int) -> str:
    """Write train/test IDX files (gzipped) in torchvision's layout under ``root``."""
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.default_rng(0)
    for prefix, count in (("train", n), ("t10k", max(n // 6, 1))):
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, count, dtype=np.uint8)
        _write_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte.gz"), images)
        _write_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte.gz"), labels)
    return root


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    nd = data[3]
    shape = struct.unpack(f">{nd}I", data[4:4 + 4 * nd])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(shape)


def torch_style_dataset(torch, root: str):
    """A Dataset doing per sample what torchvision's FashionMNIST + ToTensor do."""
    from PIL import Image

    raw = os.path.join(root, "FashionMNIST", "raw")
    images = torch.from_numpy(_read_idx(os.path.join(raw, "train-images-idx3-ubyte.gz")).copy())
    labels = torch.from_numpy(_read_idx(os.path.join(raw, "train-labels-idx1-ubyte.gz"))
                              .astype(np.int64))

    class FashionLike(torch.utils.data.Dataset):
        def __len__(self):
            return len(images)

        def __getitem__(self, i):
            img = Image.fromarray(images[i].numpy(), mode="L")
            arr = np.array(img, dtype=np.uint8, copy=True)
            x = torch.from_numpy(arr).unsqueeze(0).float().div(255)
            return x, int(labels[i])
    return FashionLike()
