"""Small generated data files for the vision tests (IDX, CIFAR pickles, images)."""

import gzip
import hashlib
import pickle
import struct
from pathlib import Path

import numpy as np


def write_idx(path: Path, arr: np.ndarray, compress: bool = False) -> Path:
    """IDX: 0, 0, type code 0x08 (ubyte), ndim, big-endian dims, then the bytes."""
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(struct.pack(">I", d) for d in arr.shape)
    raw = header + arr.astype(np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)
    return path


def make_mnist(root: Path, name: str = "MNIST", n: int = 12, compress: bool = False, seed=0,
               prefix=("train", "t10k"), n_classes: int = 10):
    rng = np.random.default_rng(seed)
    out = {}
    for split in prefix:
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, n_classes, n, dtype=np.uint8)
        raw = root / name / "raw"
        write_idx(raw / f"{split}-images-idx3-ubyte", images, compress)
        write_idx(raw / f"{split}-labels-idx1-ubyte", labels, compress)
        out[split] = (images, labels)
    return out


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def make_cifar(root: Path, n: int = 6, seed: int = 0):
    """A cifar-10-batches-py folder with 2 train batches and a test batch of ``n`` images."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    files = {}
    for name in ("data_batch_1", "data_batch_2", "test_batch"):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, n).tolist()
        with open(folder / name, "wb") as f:
            pickle.dump({"data": data, "labels": labels, "batch_label": name}, f)
        files[name] = (data, labels)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
             "truck"]
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": names}, f)
    return folder, files, names


def import_torchvision():
    """torchvision (the ``test`` extra), importable beside CPU torch.

    The published 0.28 wheel registers fake kernels for its C++ operators
    (``torchvision._meta_registrations``) at import; the operators themselves do not load beside
    torch's CPU build, so that registration fails. An empty module stands in for it, which
    leaves the Python API (models, v1 transforms) usable; ops needing the C++ kernels (nms,
    roi_align, decoders) still raise when called. Skips when torchvision is not installed.
    """
    import importlib.util
    import sys
    import types

    import pytest

    if importlib.util.find_spec("torchvision") is None:
        pytest.skip("needs torchvision (the test extra)")
    name = "torchvision._meta_registrations"
    if "torchvision" not in sys.modules and name not in sys.modules:
        sys.modules[name] = types.ModuleType(name)
    import torchvision

    return torchvision
