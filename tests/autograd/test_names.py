"""The public names of torch's autograd, amp and checkpoint namespaces exist in numtorch (with
a reasoned exclusion list), and the legacy Variable behaves as torch's."""

from __future__ import annotations

import importlib
import types

import pytest
import torch

import numtorch
from tests.oracle import check_raises

NAMESPACES = ["autograd", "autograd.forward_ad", "autograd.functional", "autograd.graph",
              "utils.checkpoint", "amp", "amp.grad_scaler", "amp.autocast_mode", "cpu.amp",
              "cuda.amp"]

EXCLUDED = {
    "autograd": {
        "NestedIOFunction": "TorchScript-era Function variant with nested tensor IO",
        "enforce_grad_layout_policy": "accumulated gradients always take their parameter's "
                                      "layout in numtorch's engine",
    },
    "autograd.graph": {
        "region_activation_memory_budget": "a torch.compile partitioner annotation (raises "
                                           "outside compiled regions in torch)",
        "set_warn_on_accumulate_grad_stream_mismatch": "CUDA streams",
        "set_override_stale_capture_stream": "CUDA graph capture",
    },
    "utils.checkpoint": {
        "SelectiveCheckpointContext": "selective checkpoint policies name torch.ops.aten ops",
        "create_selective_checkpoint_contexts": "selective checkpoint policies name "
                                                "torch.ops.aten ops",
        "SAC_IGNORED_OPS": "a set of torch.ops.aten operators",
        "GraphExecGroup": "torch.compile graph execution groups",
    },
}


def _names(mod) -> list[str]:
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")
                 and not isinstance(getattr(mod, n), types.ModuleType)]
    return list(names)


@pytest.mark.parametrize("ns", NAMESPACES)
def test_public_names(ns):
    theirs = importlib.import_module("torch." + ns)
    ours = importlib.import_module("numtorch." + ns)
    excluded = EXCLUDED.get(ns, {})
    missing = [n for n in _names(theirs) if n not in excluded and not hasattr(ours, n)]
    assert not missing, f"numtorch.{ns} lacks {missing}"
    for name in excluded:
        assert hasattr(theirs, name), f"torch.{ns}.{name} is gone: drop the exclusion"
        assert not hasattr(ours, name), f"numtorch.{ns}.{name} exists: drop the exclusion"


def test_variable():
    for lib in (torch, numtorch):
        v = lib.autograd.Variable(lib.ones(2), requires_grad=True)
        assert v.requires_grad and isinstance(v, lib.Tensor)
        assert isinstance(lib.zeros(1), lib.autograd.Variable)
        assert not lib.autograd.Variable(lib.ones(1)).requires_grad
    check_raises(lambda L: L.autograd.Variable(3), [])
    check_raises(lambda L: L.autograd.variable(3), [])
