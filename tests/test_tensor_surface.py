"""Tensor attributes libraries probe (device flags, predicates, ``new``, post-accumulate hooks),
against torch."""

from __future__ import annotations

import pytest
import torch

import numtorch
from tests.oracle import assert_same_value

FLAGS = ["is_xpu", "is_mps", "is_ipu", "is_maia", "is_mtia", "is_vulkan", "is_xla",
         "is_mkldnn", "is_nested", "is_sparse_csr"]


@pytest.mark.parametrize("name", FLAGS)
def test_device_and_format_flags(name):
    assert getattr(numtorch.ones(2), name) is getattr(torch.ones(2), name) is False


def test_predicates_and_geometry():
    for lib in (torch, numtorch):
        x = lib.ones(2, 3)
        assert x.is_inference() is False and x.is_distributed() is False
    for dt in ("float32", "int64", "uint8", "bool", "int8"):
        assert numtorch.ones(1, dtype=getattr(numtorch, dt)).is_signed() == \
            torch.ones(1, dtype=getattr(torch, dt)).is_signed()
    n, t = numtorch.ones(2, 3), torch.ones(2, 3)
    assert n.is_same_size(numtorch.ones(2, 3)) and not n.is_same_size(numtorch.ones(3, 2))
    assert n.is_set_to(n) and not n.is_set_to(n.view(6))
    assert n.t().dim_order() == t.t().dim_order() and n.dim_order() == t.dim_order()
    assert n.const_data_ptr() == n.data_ptr()
    assert (+n) is n
    assert_same_value(numtorch.tensor([1, 2, 3]).__reversed__(),
                      torch.tensor([1, 2, 3]).__reversed__())
    with pytest.raises(TypeError, match=r"is_same_size\(\): argument 'other'"):
        n.is_same_size([1])


def test_new_is_the_legacy_constructor():
    for args in [([1, 2],), (3,), ([1.5],)]:
        for dt in ("float32", "int64"):
            ours = numtorch.ones(2, dtype=getattr(numtorch, dt)).new(*args)
            theirs = torch.ones(2, dtype=getattr(torch, dt)).new(*args)
            assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
            if isinstance(args[0], list):
                assert_same_value(ours, theirs)


def test_post_accumulate_grad_hook_as_torchs():
    seen = {}
    for lib in (torch, numtorch):
        x = lib.ones(2, requires_grad=True)
        got = []
        handle = x.register_post_accumulate_grad_hook(
            lambda p, got=got: got.append(p.grad.tolist()))
        (x * 2).sum().backward()
        (x * 3).sum().backward()
        handle.remove()
        (x * 4).sum().backward()
        seen[lib.__name__] = got
        for bad, text in [(lib.ones(2), "doesn't require gradient"),
                          (lib.ones(2, requires_grad=True) * 2, "non-leaf")]:
            with pytest.raises(RuntimeError, match=text):
                bad.register_post_accumulate_grad_hook(print)
    assert seen["numtorch"] == seen["torch"] == [[2.0, 2.0], [5.0, 5.0]]
