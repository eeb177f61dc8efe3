"""torch.func's public names exist in numtorch.func (with reasoned exclusions)."""

from __future__ import annotations

import torch.func

import numtorch
import numtorch.func

#: names of torch.func that numtorch does not provide, with the reason
EXCLUDED = {
    # einops-style rearrange on functorch's first-class dimensions (a C extension); no
    # numtorch equivalent of first-class dims exists
    "rearrange",
}


def _public(mod) -> set[str]:
    names = set(getattr(mod, "__all__", ()))
    return names | {n for n in dir(mod) if not n.startswith("_")}


def test_torch_func_names_exist():
    missing = sorted(n for n in _public(torch.func) - EXCLUDED
                     if not hasattr(numtorch.func, n))
    assert missing == []


def test_exclusions_are_still_in_torch():
    assert EXCLUDED <= _public(torch.func)
    assert not any(hasattr(numtorch.func, n) for n in EXCLUDED)


def test_all_matches_torch():
    assert set(numtorch.func.__all__) == set(torch.func.__all__) - EXCLUDED


def test_top_level_vmap():
    assert numtorch.vmap is numtorch.func.vmap
