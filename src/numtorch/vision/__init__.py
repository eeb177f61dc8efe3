"""``numtorch.vision``: torchvision's datasets, transforms, io, utils (and models, lazily)."""

from __future__ import annotations

from . import datasets, io, transforms, utils

__all__ = ["datasets", "io", "models", "transforms", "utils"]


def __getattr__(name: str):
    if name == "models":
        import importlib

        return importlib.import_module(".models", __name__)
    raise AttributeError(f"module 'numtorch.vision' has no attribute '{name}'")
