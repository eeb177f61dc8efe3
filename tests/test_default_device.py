"""``set_default_device`` / ``get_default_device`` and ``with torch.device(...)`` as torch's:
factories without a ``device`` use the default; a device this build cannot use raises torch's
error at the first factory call."""

from __future__ import annotations

import pytest
import torch

import numtorch


@pytest.fixture(autouse=True)
def _restore():
    yield
    numtorch.set_default_device(None)
    torch.set_default_device(None)


def test_default_is_cpu_and_settable():
    for lib in (torch, numtorch):
        assert str(lib.get_default_device()) == "cpu"
        lib.set_default_device("cpu")
        assert lib.zeros(2).device.type == "cpu" and lib.tensor([1.0]).device.type == "cpu"


@pytest.mark.parametrize("make", [lambda lib: lib.zeros(2), lambda lib: lib.tensor([1.0]),
                                  lambda lib: lib.arange(3), lambda lib: lib.randn(2),
                                  lambda lib: lib.get_default_device()])
def test_cuda_default_fails_where_torch_fails(make):
    outcomes = []
    for lib in (torch, numtorch):
        lib.set_default_device("cuda")
        try:
            with pytest.raises(AssertionError) as info:
                make(lib)
        finally:
            lib.set_default_device(None)
        outcomes.append(str(info.value))
    assert outcomes[0] == outcomes[1] == "Torch not compiled with CUDA enabled"


def test_device_context_manager():
    for lib in (torch, numtorch):
        with lib.device("cpu") as d:
            assert str(lib.get_default_device()) == "cpu" and d.type == "cpu"
            assert lib.ones(1).device.type == "cpu"
        assert str(lib.get_default_device()) == "cpu"
    with pytest.raises(RuntimeError, match="no backend for device type 'meta'"):
        with numtorch.device("meta"):
            numtorch.ones(1)
    assert str(numtorch.get_default_device()) == "cpu"
