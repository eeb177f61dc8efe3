"""``FakeData``: random images, reproducible per index (torchvision.datasets.FakeData)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..._tensor import Tensor
from .mnist import _fast_to_tensor
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """Image ``i`` is ``randn(*image_size)`` from a generator seeded ``i + random_offset``.

    The target is the following ``randint(0, num_classes)`` draw; the image is returned as a PIL
    image (float values times 255, wrapped to uint8 as ``Tensor.byte()`` does).
    """

    def __init__(self, size: int = 1000, image_size: tuple[int, int, int] = (3, 224, 224),
                 num_classes: int = 10, transform: Callable | None = None,
                 target_transform: Callable | None = None, random_offset: int = 0) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = image_size, random_offset

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        from ..._random import Generator

        g = Generator()
        g.manual_seed(index + self.random_offset)
        n = int(np.prod(self.image_size))
        img = g._normal(n, np.float32).reshape(self.image_size)
        target = int(g._randint(1, 0, self.num_classes, np.int64)[0])
        arr = ((img * np.float32(255)).astype(np.int64) & 0xFF).astype(np.uint8)
        arr = arr.transpose(1, 2, 0)
        if self.transform is not None and _fast_to_tensor(self.transform):
            sample = arr
        else:
            from ..transforms.functional import to_pil_image

            sample = to_pil_image(Tensor._from_array(np.ascontiguousarray(arr.transpose(2, 0,
                                                                                       1))))
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self) -> int:
        return self.size
