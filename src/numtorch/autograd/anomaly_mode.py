"""Anomaly detection (``set_detect_anomaly`` / ``detect_anomaly``).

While enabled, each graph node records the traceback of the forward call that created it; a
backward node that returns NaN raises ``RuntimeError("Function 'XBackward0' returned nan values
in its 0th output.")`` after warning with that forward traceback, as PyTorch does.
"""

from __future__ import annotations

import traceback
import warnings

_enabled = False
_check_nan = True


def is_anomaly_enabled() -> bool:
    return _enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _check_nan


def record(node) -> None:
    node._anomaly_trace = "".join(traceback.format_stack()[:-3])


class set_detect_anomaly:
    """Turn anomaly detection on or off; as a context manager, restore it on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        global _enabled, _check_nan
        self.prev = (_enabled, _check_nan)
        _enabled, _check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        global _enabled, _check_nan
        _enabled, _check_nan = self.prev


class detect_anomaly:
    """Context manager (and decorator) enabling anomaly detection inside the block."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        global _enabled, _check_nan
        self.prev = (_enabled, _check_nan)
        _enabled, _check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        global _enabled, _check_nan
        _enabled, _check_nan = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__(self.check_nan):
                return fn(*a, **k)
        return wrapper


def report(node) -> None:
    """Warn with the forward traceback of the node whose backward failed."""
    trace = getattr(node, "_anomaly_trace", None)
    if trace:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                      f"the error:\n{trace}", stacklevel=3)
