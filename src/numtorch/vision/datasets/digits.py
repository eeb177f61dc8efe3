"""``Digits``: scikit-learn's bundled 8x8 handwritten digits as an offline MNIST-like dataset."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..._tensor import Tensor
from .mnist import MNIST
from .vision import VisionDataset

__all__ = ["Digits"]


class Digits(MNIST):
    """1,797 8x8 digits (values 0..16 scaled to uint8 0..255), no download needed.

    The first 1,437 samples (80 %) are the training split, the remaining 360 the test split.
    Needs scikit-learn (the ``vision`` extra). Items behave like MNIST's.
    """

    classes = [str(d) for d in range(10)]
    n_train = 1437

    def __init__(self, root: str | None = None, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = False) -> None:
        VisionDataset.__init__(self, root, transform=transform,
                               target_transform=target_transform)
        self.train = train
        try:
            from sklearn.datasets import load_digits
        except ImportError as e:
            raise ImportError("Digits needs scikit-learn: pip install 'numtorch[vision]' (or "
                              "pip install scikit-learn)") from e
        bunch = load_digits()
        images = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)
        labels = bunch.target.astype(np.int64)
        part = slice(0, self.n_train) if train else slice(self.n_train, None)
        self.data = Tensor._from_array(np.ascontiguousarray(images[part]))
        self.targets = Tensor._from_array(np.ascontiguousarray(labels[part]))

    def download(self) -> None:
        """Nothing to fetch: scikit-learn ships the data."""
