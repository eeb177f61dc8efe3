"""``numtorch.compile`` / ``torch.compiler`` / ``torch._dynamo`` names: the same wrappers,
arguments and errors as torch; the compiled code computes what the original does (eagerly).

torch's compiled objects are built but never called here (calling one would run torch's
compiler)."""

from __future__ import annotations

import pytest
import torch

import numtorch


def test_compiled_module_is_an_optimized_module_as_torchs():
    numtorch.manual_seed(0)
    ours = numtorch.nn.Sequential(numtorch.nn.Linear(3, 4), numtorch.nn.ReLU())
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
    c_ours, c_theirs = numtorch.compile(ours), torch.compile(theirs)
    assert type(c_ours).__name__ == type(c_theirs).__name__ == "OptimizedModule"
    assert isinstance(c_ours, numtorch.nn.Module) and c_ours._orig_mod is ours
    assert list(c_ours.state_dict()) == list(c_theirs.state_dict())
    assert repr(c_ours) == repr(c_theirs)
    x = numtorch.randn(2, 3)
    assert c_ours(x).tolist() == ours(x).tolist()
    assert numtorch.compile(ours[0]).in_features == 3  # attribute reads reach the original
    assert ours.compile() is None and theirs.compile() is None


def test_compiled_function_and_decorator():
    def double(x):
        """Twice x."""
        return x * 2

    f = numtorch.compile(double)
    assert f.__name__ == "double" and f.__doc__ == "Twice x."
    assert f(numtorch.ones(2)).tolist() == [2.0, 2.0]

    @numtorch.compile(mode="reduce-overhead", dynamic=True)
    def g(x):
        return x + 1

    assert g(numtorch.ones(1)).tolist() == [2.0]
    assert numtorch.compile(double, disable=True) is double


@pytest.mark.parametrize("kwargs", [{"mode": "bogus"}, {"backend": "nonexist"},
                                    {"mode": "default", "options": {"a": 1}}])
def test_bad_arguments_raise_as_torch(kwargs):
    errors = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            lib.compile(lambda x: x, **kwargs)
        errors.append(info.value)
    theirs, ours = errors
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, RuntimeError) and str(ours) == str(theirs)


def test_compiler_queries_and_dynamo_names():
    for lib in (torch, numtorch):
        assert lib.compiler.is_compiling() is False
        assert lib.compiler.is_dynamo_compiling() is False
        assert lib._dynamo.is_compiling() is False
        assert lib.compiler.disable(abs)(-2) == 2
        with lib.compiler.set_stance("force_eager"):
            pass
        lib._dynamo.reset()
        assert lib._dynamo.config.suppress_errors is False
    assert numtorch.compiler.list_backends() == torch.compiler.list_backends()
