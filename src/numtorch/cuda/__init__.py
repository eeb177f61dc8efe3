"""``numtorch.cuda``: the CUDA device API. No GPU backend is available in this build, so
queries answer as PyTorch's CPU build does and using a CUDA tensor raises its error."""

from __future__ import annotations

from . import amp


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def _lazy_init() -> None:
    raise AssertionError("Torch not compiled with CUDA enabled")


def current_device() -> int:
    _lazy_init()
    return 0


def get_device_name(device=None) -> str:
    _lazy_init()
    return ""


def set_device(device) -> None:
    _lazy_init()


def synchronize(device=None) -> None:
    _lazy_init()


def manual_seed(seed: int) -> None:
    """Seeding CUDA generators is a no-op without CUDA, as in PyTorch."""


def manual_seed_all(seed: int) -> None:
    """No-op without CUDA, as in PyTorch."""


def get_rng_state(device="cuda"):
    """The CUDA generator's state: raises as PyTorch's CPU build does."""
    _lazy_init()


def get_rng_state_all() -> list:
    """The states of all CUDA generators: none without CUDA, as in PyTorch."""
    return []


def set_rng_state(new_state, device="cuda") -> None:
    """Queued until CUDA initialises, so a no-op without CUDA, as in PyTorch."""


def set_rng_state_all(new_states) -> None:
    """Sets each device's generator (queued, so a no-op without CUDA, as in PyTorch)."""
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def empty_cache() -> None:
    """No-op without CUDA, as in PyTorch."""


def memory_allocated(device=None) -> int:
    return 0
