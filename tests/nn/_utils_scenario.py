"""Run one scenario against torch and numtorch and compare every recorded value."""

import numpy as np
import torch

import numtorch
from tests.oracle import assert_same_value


def _norm_name(s: str) -> str:
    return s.replace("numtorch", "torch")


def compare(ours, theirs, what="result", rtol=None, atol=None):
    """Recursively compare numtorch results with torch results (tensors by value; strings
    with the package name normalised; exceptions by type and message)."""
    if isinstance(theirs, torch.Tensor):
        assert_same_value(ours, theirs, rtol, atol, what=what)
    elif isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{what}: keys {list(ours)} != {list(theirs)}"
        for k in theirs:
            compare(ours[k], theirs[k], f"{what}[{k!r}]", rtol, atol)
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), f"{what}: length {len(ours)} != {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            compare(a, b, f"{what}[{i}]", rtol, atol)
    elif isinstance(theirs, str):
        assert _norm_name(ours) == _norm_name(theirs), f"{what}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, float):
        np.testing.assert_allclose(ours, theirs, rtol=rtol or 1e-6, atol=atol or 1e-7,
                                   err_msg=what)
    else:
        assert ours == theirs, f"{what}: {ours!r} != {theirs!r}"


def outcome(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` or, when it raises, ``("raised", type name, message)``."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001
        return ("raised", type(e).__name__, _norm_name(str(e)))


def run_both(scenario, rtol=None, atol=None):
    """``scenario(lib)`` returns a list of records; both libraries must record the same."""
    theirs = scenario(torch)
    ours = scenario(numtorch)
    compare(ours, theirs, "scenario", rtol, atol)
    return ours, theirs
