"""``torch.backends.mkldnn``: the switch is kept; numtorch does not use oneDNN."""

from __future__ import annotations

import sys

from ._flags import set_flags

enabled = True
deterministic = False


def is_available() -> bool:
    return False


def flags(enabled: bool = False, deterministic: bool = False):
    return set_flags(sys.modules[__name__], enabled=enabled, deterministic=deterministic)
