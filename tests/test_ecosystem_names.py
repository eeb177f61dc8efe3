"""Smaller torch names that PyTorch libraries use (timm, Lightning): each against torch."""

from __future__ import annotations

import typing

import pytest
import torch
import torch.hub
import torch.jit.annotations as tja
import torch.utils.data.dataloader as tdl

import numtorch
import numtorch.hub
import numtorch.jit.annotations as nja
import numtorch.utils.data.dataloader as ndl


def test_cuda_rng_state_functions_like_cpu_build():
    assert numtorch.cuda.get_rng_state_all() == torch.cuda.get_rng_state_all() == []
    assert numtorch.cuda.set_rng_state_all([]) is torch.cuda.set_rng_state_all([]) is None
    state = numtorch.ones(3, dtype=numtorch.uint8)
    assert numtorch.cuda.set_rng_state_all([state]) is None
    assert torch.cuda.set_rng_state_all([torch.ones(3, dtype=torch.uint8)]) is None
    with pytest.raises(AssertionError) as theirs:
        torch.cuda.get_rng_state()
    with pytest.raises(AssertionError) as ours:
        numtorch.cuda.get_rng_state()
    assert str(ours.value) == str(theirs.value)


def test_kineto_available_and_script_names():
    assert numtorch.profiler.kineto_available() == torch.profiler.kineto_available()
    assert numtorch.ScriptModule is numtorch.jit.ScriptModule
    assert numtorch.ScriptFunction is numtorch.jit.ScriptFunction


def test_hub_hash_regex():
    for name in ("resnet18-f37072fd.pth", "model.pt", "a-b-0123abc.tar"):
        ours, theirs = numtorch.hub.HASH_REGEX.search(name), torch.hub.HASH_REGEX.search(name)
        assert (ours and ours.group(1)) == (theirs and theirs.group(1))


def test_jit_annotations():
    for name in ("List", "Dict", "Tuple", "Optional", "Union", "Any"):
        assert getattr(nja, name) is getattr(tja, name)
    assert nja.BroadcastingList2[int] == typing.List[int]  # noqa: UP006
    for ann in (typing.List[int], typing.Tuple[int], typing.Dict[str, int],  # noqa: UP006
                typing.Optional[int], int):  # noqa: UP045
        assert (nja.is_list(ann), nja.is_tuple(ann), nja.is_dict(ann), nja.is_optional(ann)) == (
            tja.is_list(ann), tja.is_tuple(ann), tja.is_dict(ann), tja.is_optional(ann))


def test_dataloader_iterator_names():
    data = list(range(6))
    for lib, mod in ((torch, tdl), (numtorch, ndl)):
        it = iter(lib.utils.data.DataLoader(data, batch_size=2))
        assert isinstance(it, mod._BaseDataLoaderIter)
        assert isinstance(it, mod._SingleProcessDataLoaderIter)
        assert not isinstance(it, mod._MultiProcessingDataLoaderIter)
        assert issubclass(mod._MultiProcessingDataLoaderIter, mod._BaseDataLoaderIter)


def test_new_subpackages_reachable_as_attributes():
    import numtorch.vision

    assert numtorch.vision.ops.FrozenBatchNorm2d.__name__ == "FrozenBatchNorm2d"
    assert numtorch.utils._pytree.tree_leaves([1, (2,)]) == torch.utils._pytree.tree_leaves(
        [1, (2,)])
    assert numtorch.utils.flop_counter.FlopCounterMode.__name__ == "FlopCounterMode"
    assert callable(numtorch.fx.wrap)
