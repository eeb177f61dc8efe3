"""``numtorch.utils``: helpers that PyTorch keeps under ``torch.utils`` (``data`` loads lazily)."""

from __future__ import annotations


def __getattr__(name: str):
    import importlib

    if name in {"data", "collect_env", "tensorboard", "checkpoint", "hooks", "_pytree",
                "flop_counter"}:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'numtorch.utils' has no attribute '{name}'")
