"""CIFAR-10 and CIFAR-100 from the python-pickle archives, in torchvision's layout."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np

from .mnist import _fast_to_tensor
from .utils import add_note, check_integrity, download_and_extract_archive
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]


class CIFAR10(VisionDataset):
    """`CIFAR-10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: ``data`` is uint8 [N, 32, 32, 3].

    Files live in ``<root>/cifar-10-batches-py/`` and are MD5-checked as torchvision does.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names",
            "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root: str | os.PathLike, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        problems = self._problems(self.train_list + self.test_list)
        if problems:
            raise add_note(RuntimeError("Dataset not found or corrupted. You can use "
                                        "download=True to download it"),
                           f"In {os.path.join(self.root, self.base_folder)}: "
                           f"{'; '.join(problems)}. The archive is {self.url}.")
        data, targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            entry = self._unpickle(name)
            try:
                data.append(np.asarray(entry["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
                targets.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
            except (KeyError, ValueError) as e:
                raise RuntimeError(f"{self._path(name)} is not a CIFAR batch: {e}") from e
        self.data = np.vstack(data).transpose(0, 2, 3, 1)
        self.targets = [int(t) for t in targets]
        if len(self.targets) != len(self.data):
            raise RuntimeError(f"{self._path(self.base_folder)}: {len(self.data)} images but "
                               f"{len(self.targets)} labels")
        self._load_meta()
        for i, t in enumerate(self.targets):
            if not 0 <= t < len(self.classes):
                raise RuntimeError(f"label {t} of sample {i} is outside the "
                                   f"{len(self.classes)} classes in "
                                   f"{self._path(self.meta['filename'])}")

    def _path(self, name: str) -> str:
        return os.path.join(self.root, self.base_folder, name)

    def _unpickle(self, name: str) -> dict:
        path = self._path(name)
        try:
            with open(path, "rb") as f:
                return pickle.load(f, encoding="latin1")
        except (OSError, EOFError, pickle.UnpicklingError, ValueError) as e:
            raise RuntimeError(f"Could not read {path}: {e}") from e

    def _problems(self, files) -> list[str]:
        out = []
        for name, md5 in files:
            path = self._path(name)
            if not os.path.isfile(path):
                out.append(f"{name} is missing")
            elif not check_integrity(path, md5):
                out.append(f"{name} is corrupted (MD5 mismatch)")
        return out

    def _check_integrity(self) -> bool:
        meta = [self.meta["filename"], self.meta["md5"]]
        return not self._problems([*self.train_list, *self.test_list, meta])

    def _load_meta(self) -> None:
        problems = self._problems([[self.meta["filename"], self.meta["md5"]]])
        if problems:
            raise add_note(RuntimeError("Dataset metadata file not found or corrupted. You can "
                                        "use download=True to download it"),
                           f"In {os.path.join(self.root, self.base_folder)}: {problems[0]}.")
        data = self._unpickle(self.meta["filename"])
        self.classes = list(data[self.meta["key"]])
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def download(self) -> None:
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename,
                                     md5=self.tgz_md5)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img, target = self.data[index], self.targets[index]
        if self.transform is None or not _fast_to_tensor(self.transform):
            from ..transforms.functional import _pil

            img = _pil().fromarray(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """`CIFAR-100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_ (fine labels)."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names",
            "md5": "7973b15100ade9c7d40fb424638fde48"}
