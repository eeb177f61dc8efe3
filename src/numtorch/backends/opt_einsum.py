"""``torch.backends.opt_einsum``: contraction-order switches (numtorch's einsum plans its own
order with NumPy's optimiser)."""

from __future__ import annotations

enabled = True
strategy = "auto"


def is_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum():
    import opt_einsum

    return opt_einsum
