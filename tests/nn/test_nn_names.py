"""Every public class and function of ``torch.nn``, ``torch.nn.functional``, ``torch.optim``,
``torch.optim.lr_scheduler``, ``torch.optim.swa_utils`` and ``torch.nn.modules.module`` exists
in numtorch under the same name, except the reasoned exclusions below."""

from __future__ import annotations

import importlib
import inspect
import types

import pytest
import torch  # noqa: F401 - the oracle

# name -> why numtorch does not provide it
EXCLUDED = {
    "torch.nn": {},
    "torch.nn.functional": {
        "BroadcastingList1": "TorchScript type annotation",
        "BroadcastingList2": "TorchScript type annotation",
        "BroadcastingList3": "TorchScript type annotation",
        "boolean_dispatch": "TorchScript helper that builds torch's own signatures",
        "assert_int_or_pair": "TorchScript helper",
        "handle_torch_function": "the __torch_function__ protocol, which numtorch does not have",
        "has_torch_function": "the __torch_function__ protocol",
        "has_torch_function_unary": "the __torch_function__ protocol",
        "has_torch_function_variadic": "the __torch_function__ protocol",
        "grouped_mm": "CUDA-only grouped low-precision matmul kernel",
        "scaled_mm": "CUDA-only scaled low-precision (float8) matmul kernel",
        "scaled_grouped_mm": "CUDA-only scaled low-precision matmul kernel",
        "ScalingType": "enum of the CUDA-only scaled_mm",
        "SwizzleType": "enum of the CUDA-only scaled_mm",
        "DType": "type alias of the CUDA-only scaled_mm",
        "Tensor": "re-export of torch.Tensor (numtorch.Tensor)",
    },
    "torch.optim": {},
    "torch.optim.lr_scheduler": {
        "Optimizer": "re-export of torch.optim.Optimizer (numtorch.optim.Optimizer)",
        "Tensor": "re-export of torch.Tensor (numtorch.Tensor)",
    },
    "torch.optim.swa_utils": {},
    "torch.nn.modules.module": {
        "BackwardHook": "torch.utils.hooks internals (numtorch runs module backward hooks "
                        "through its own node)",
        "is_traceable_wrapper_subclass": "tensor-subclass tracing helper",
        "device": "re-export of torch.device",
        "dtype": "re-export of torch.dtype",
    },
}


def _public_names(mod) -> set[str]:
    names = set()
    for name in dir(mod):
        if name.startswith("_"):
            continue
        value = getattr(mod, name)
        if isinstance(value, types.ModuleType):
            continue
        if not (inspect.isclass(value) or callable(value)):
            continue
        owner = getattr(value, "__module__", None)
        if owner is None or owner.startswith("torch"):
            names.add(name)
    return names


@pytest.mark.parametrize("module", list(EXCLUDED))
def test_public_names_present(module):
    theirs = importlib.import_module(module)
    ours = importlib.import_module("numtorch" + module[len("torch"):])
    missing = sorted(n for n in _public_names(theirs) - set(EXCLUDED[module])
                     if not hasattr(ours, n))
    assert not missing, f"numtorch lacks {module} names: {missing}"


@pytest.mark.parametrize("module", list(EXCLUDED))
def test_exclusions_are_still_needed(module):
    theirs = importlib.import_module(module)
    ours = importlib.import_module("numtorch" + module[len("torch"):])
    for name in EXCLUDED[module]:
        assert hasattr(theirs, name), f"{module}.{name} is gone from torch"
        assert not hasattr(ours, name), f"{module}.{name} exists now: drop the exclusion"


def test_submodules_present():
    import numtorch

    for name in ("optim.swa_utils", "optim.lr_scheduler", "nn.modules.module",
                 "nn.modules.lazy", "nn.parameter"):
        importlib.import_module(f"numtorch.{name}")
    assert numtorch.nn.parameter.UninitializedBuffer is numtorch.nn.UninitializedBuffer


def test_factory_kwargs():
    import numtorch

    for kw in [None, {"device": "cpu"}, {"dtype": "d", "factory_kwargs": {"device": "cpu"}},
               {"memory_format": None}]:
        assert numtorch.nn.factory_kwargs(kw) == torch.nn.factory_kwargs(kw)
    for kw in [{"x": 1}, {"device": "cpu", "factory_kwargs": {"device": "cpu"}}]:
        with pytest.raises(TypeError) as te:
            torch.nn.factory_kwargs(kw)
        with pytest.raises(TypeError) as ne:
            numtorch.nn.factory_kwargs(kw)
        assert str(ne.value) == str(te.value)


def test_data_parallel_on_cpu():
    import numpy as np

    import numtorch

    torch.manual_seed(0)
    tm = torch.nn.DataParallel(torch.nn.Linear(2, 3))
    numtorch.manual_seed(0)
    nm = numtorch.nn.DataParallel(numtorch.nn.Linear(2, 3))
    assert repr(nm) == repr(tm) and nm.device_ids == tm.device_ids
    assert list(nm.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(nm(numtorch.ones(1, 2)).detach().numpy(),
                               tm(torch.ones(1, 2)).detach().numpy(), rtol=1e-6)
    assert numtorch.nn.parallel.DataParallel is numtorch.nn.DataParallel
