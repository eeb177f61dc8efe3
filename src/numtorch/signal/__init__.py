"""``numtorch.signal``: signal-processing helpers, as ``torch.signal``."""

from . import windows

__all__ = ["windows"]
