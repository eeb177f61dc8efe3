"""MNIST, FashionMNIST, KMNIST and EMNIST from IDX files, in torchvision's folder layout.

Files live in ``<root>/<ClassName>/raw/`` as torchvision keeps them, so a folder that
torchvision prepared is reused. Each IDX file may be plain or gzip-compressed (``.gz``).
"""

from __future__ import annotations

import gzip
import os
import string
import urllib.error
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..._tensor import Tensor
from .utils import (
    add_note,
    download_and_extract_archive,
    download_url,
    extract_archive,
    verify_str_arg,
)
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "read_idx"]

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path: str | Path) -> np.ndarray:
    """Parse an IDX file (plain or .gz) into an array; errors name the file and the problem."""
    path = Path(path)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise RuntimeError(f"Could not read IDX file {path}: {e}") from e
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number "
                           f"{raw[:4].hex() or 'empty file'})")
    dtype, ndim = np.dtype(_IDX_TYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise RuntimeError(f"{path} is truncated: its header needs {header} bytes, the file has "
                           f"{len(raw)}")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", ndim, 4))
    need = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header < need:
        raise RuntimeError(f"{path} is truncated: shape {list(shape)} needs {need} bytes of data, "
                           f"the file has {len(raw) - header}")
    arr = np.frombuffer(raw, dtype, int(np.prod(shape, dtype=np.int64)), header)
    return arr.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def _fast_to_tensor(transform) -> bool:
    """True when the first step is ToTensor, which gives the same result on the uint8 array."""
    from ..transforms import Compose, ToTensor

    if isinstance(transform, Compose) and transform.transforms:
        transform = transform.transforms[0]
    return isinstance(transform, ToTensor)


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_ handwritten digits (torchvision.datasets.MNIST).

    ``data`` is a uint8 tensor ``[N, 28, 28]``, ``targets`` an int64 tensor. Items are
    ``(PIL image, int)`` before transforms; with ``ToTensor`` first, Pillow is not needed.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root: str | os.PathLike, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        missing = self._missing_files()
        if missing:
            raise add_note(RuntimeError("Dataset not found. You can use download=True to "
                                        "download it"), self._not_found_message(missing))
        self.data, self.targets = self._load_data()

    # -- files ----------------------------------------------------------------------------------
    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "processed")

    def _split_files(self) -> tuple[str, str]:
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _find(self, name: str) -> Path | None:
        for candidate in (name, name + ".gz"):
            p = Path(self.raw_folder) / candidate
            if p.is_file():
                return p
        return None

    def _missing_files(self) -> list[str]:
        return [n for n in self._split_files() if self._find(n) is None]

    def _not_found_message(self, missing: list[str]) -> str:
        names = ", ".join(f"{n} (or {n}.gz)" for n in missing)
        return (f"{self.__class__.__name__} needs {names} in {self.raw_folder}; download "
                f"them from {self._where_to_get()} or pass download=True.")

    def _where_to_get(self) -> str:
        return " or ".join(self.mirrors)

    def _check_exists(self) -> bool:
        return not self._missing_files()

    def download(self) -> None:
        """Fetch the IDX files from the mirrors (MD5 checked) and unpack them into raw/."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if self._find(filename[:-3]) is not None:
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(mirror + filename, self.raw_folder,
                                                 filename=filename, md5=md5)
                    break
                except urllib.error.URLError as e:  # the next mirror, as torchvision
                    errors.append(f"{mirror}{filename}: {e}")
            else:
                raise add_note(RuntimeError(f"Error downloading {filename}"), "\n".join(errors))

    def _load_data(self) -> tuple[Tensor, Tensor]:
        img_name, label_name = self._split_files()
        img_path, label_path = self._find(img_name), self._find(label_name)
        images = read_idx(img_path)
        labels = read_idx(label_path)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise RuntimeError(f"{img_path} should hold uint8 images [N, H, W], found "
                               f"{images.dtype} {list(images.shape)}")
        if labels.ndim != 1:
            raise RuntimeError(f"{label_path} should hold a 1-D label list, found shape "
                               f"{list(labels.shape)}")
        if len(labels) != len(images):
            raise RuntimeError(f"{label_path} has {len(labels)} labels but {img_path} has "
                               f"{len(images)} images")
        labels = labels.astype(np.int64)
        bad = np.flatnonzero((labels < 0) | (labels >= len(self.classes)))
        if bad.size:
            i = int(bad[0])
            raise RuntimeError(f"{label_path}: label {labels[i]} at index {i} is outside the "
                               f"{len(self.classes)} classes of {self.__class__.__name__}")
        return Tensor._from_array(images), Tensor._from_array(labels)

    # -- samples --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.data)

    def _image(self, arr: np.ndarray):
        if self.transform is not None and _fast_to_tensor(self.transform):
            return arr
        from ..transforms.functional import _pil

        return _pil().fromarray(arr)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img = self._image(self.data._data[index])
        target = int(self.targets._data[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __getitems__(self, indices: list[int]) -> list[tuple[Any, Any]]:
        """Batch fetch: one fancy index, and one vectorised ToTensor when that is the transform."""
        from ..transforms import ToTensor

        if type(self.transform) is ToTensor:
            idx = np.asarray(indices, dtype=np.int64)
            imgs = self.data._data[idx].astype(np.float32)[:, None]
            imgs /= np.float32(255)
            targets = self.targets._data[idx].tolist()
            if self.target_transform is not None:
                targets = [self.target_transform(t) for t in targets]
            return [(Tensor._from_array(imgs[i]), t) for i, t in enumerate(targets)]
        return [self[i] for i in indices]

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    @property
    def train_data(self) -> Tensor:
        return self.data

    @property
    def train_labels(self) -> Tensor:
        return self.targets

    @property
    def test_data(self) -> Tensor:
        return self.data

    @property
    def test_labels(self) -> Tensor:
        return self.targets

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_ clothing images."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_ cursive Japanese characters."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


_LETTERS_CASE_MERGED = "abdefghnqrt"


class EMNIST(MNIST):
    """`EMNIST <https://www.nist.gov/itl/products-and-services/emnist-dataset>`_ (one ``split``).

    As in torchvision the images are kept as stored in the files (transposed relative to MNIST).
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _digits = list(string.digits)
    classes_split_dict = {
        "byclass": _digits + list(string.ascii_uppercase) + list(string.ascii_lowercase),
        "bymerge": _digits + list(string.ascii_uppercase) + list(_LETTERS_CASE_MERGED),
        "balanced": _digits + list(string.ascii_uppercase) + list(_LETTERS_CASE_MERGED),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": _digits,
        "mnist": _digits,
    }

    def __init__(self, root: str | os.PathLike, split: str, **kwargs: Any) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        self.classes = self.classes_split_dict[split]
        super().__init__(root, **kwargs)

    def _split_files(self) -> tuple[str, str]:
        part = "train" if self.train else "test"
        return (f"emnist-{self.split}-{part}-images-idx3-ubyte",
                f"emnist-{self.split}-{part}-labels-idx1-ubyte")

    def _where_to_get(self) -> str:
        return f"{self.url} (the 'gzip' folder of the archive)"

    def download(self) -> None:
        """Fetch gzip.zip (MD5 checked) and unpack every split's IDX files into raw/."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_url(self.url, self.raw_folder, md5=self.md5)
        archive = Path(self.raw_folder) / "gzip.zip"
        extract_archive(archive, self.raw_folder)
        inner = Path(self.raw_folder) / "gzip"
        for gz in sorted(inner.glob("*.gz")):
            extract_archive(gz, self.raw_folder)
        if inner.is_dir():
            for f in inner.iterdir():
                f.unlink()
            inner.rmdir()
