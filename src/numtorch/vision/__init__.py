"""``numtorch.vision``: torchvision's datasets, transforms, io, utils (and models and ops,
lazily)."""

from __future__ import annotations

from . import datasets, io, transforms, utils

__all__ = ["datasets", "io", "models", "ops", "transforms", "utils"]


def __getattr__(name: str):
    if name in ("models", "ops"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'numtorch.vision' has no attribute '{name}'")
