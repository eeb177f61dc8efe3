"""``torch.backends.mkl``: numtorch does not use MKL."""

from __future__ import annotations

VERBOSE_OFF = 0
VERBOSE_ON = 1


def is_available() -> bool:
    return False


class verbose:  # noqa: N801 - torch's name
    """``with torch.backends.mkl.verbose(level):`` (nothing to report here)."""

    def __init__(self, enable: int) -> None:
        self.enable = enable

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False
