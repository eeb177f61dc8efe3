"""Small FashionMNIST-format IDX files in torchvision's folder layout, so nothing downloads.

``<root>/FashionMNIST/raw/`` gets the four IDX files both gzip-compressed and extracted, as
torchvision leaves them after ``download=True``. Each class is a distinct bright shape on a
noisy background, so a small network learns it within a few epochs.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

FILES = {"train": 600, "t10k": 200}


def _idx_bytes(arr: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(struct.pack(">I", d) for d in arr.shape)
    return header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes()


def _templates() -> np.ndarray:
    """Ten 28x28 masks: stripes, blocks and bars in different places."""
    t = np.zeros((10, 28, 28), dtype=bool)
    t[0, 4:24, 10:18] = True
    t[1, 10:18, 4:24] = True
    t[2, 2:12, 2:12] = True
    t[3, 16:26, 16:26] = True
    t[4, 2:12, 16:26] = True
    t[5, 16:26, 2:12] = True
    t[6, ::4, :] = True
    t[7, :, ::4] = True
    t[8, 6:22, 6:22] = True
    t[8, 10:18, 10:18] = False
    t[9, np.arange(28), np.arange(28)] = True
    t[9, np.arange(28), 27 - np.arange(28)] = True
    return t


def make_fashion_mnist(root: str | Path, seed: int = 0) -> Path:
    """Write the dataset under ``root`` and return ``root``."""
    root = Path(root)
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    masks = _templates()
    for split, n in FILES.items():
        labels = rng.integers(0, 10, n).astype(np.uint8)
        noise = rng.integers(0, 90, (n, 28, 28))
        images = np.where(masks[labels], 255 - noise, noise).astype(np.uint8)
        for kind, arr in (("images-idx3", images), ("labels-idx1", labels)):
            data = _idx_bytes(arr)
            name = f"{split}-{kind}-ubyte"
            (raw / name).write_bytes(data)
            (raw / (name + ".gz")).write_bytes(gzip.compress(data, mtime=0))
    return root


def make_mnist_pickle(root: str | Path, seed: int = 1) -> Path:
    """``<root>/mnist/mnist.pkl.gz`` as "What is torch.nn really?" reads it: ((x_train, y_train),
    (x_valid, y_valid), (x_test, y_test)), images flattened float32 in [0, 1], int64 labels."""
    import pickle

    rng = np.random.default_rng(seed)
    masks = _templates().reshape(10, -1)
    splits = []
    for n in (500, 200, 10):
        labels = rng.integers(0, 10, n)
        noise = rng.random((n, 784), dtype=np.float32) * 0.35
        images = np.where(masks[labels], 1 - noise, noise).astype(np.float32)
        splits.append((images, labels.astype(np.int64)))
    path = Path(root) / "mnist" / "mnist.pkl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as f:
        pickle.dump(tuple(splits), f, protocol=2)
    return path
