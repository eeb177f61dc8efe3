"""``numtorch.fx``: ``wrap`` registration as ``torch.fx.wrap`` (return value, where it may be
called, errors) and the ``GraphModule`` type."""

from __future__ import annotations

import types

import pytest
import torch.fx

import numtorch
from numtorch import fx


def _module_source(lib_name: str, body: str) -> dict:
    namespace: dict = {"__name__": "wrapped_mod"}
    exec(compile(f"import {lib_name}\n{body}", "<wrapped_mod>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("lib_name", ["torch.fx", "numtorch.fx"])
def test_wrap_at_module_level_returns_argument(lib_name):
    ns = _module_source(lib_name, "def f(x):\n    return x\n"
                        f"g = {lib_name}.wrap(f)\nname = {lib_name}.wrap('f')\n")
    assert ns["g"] is ns["f"] and ns["name"] == "f"


def test_wrap_registers_the_function():
    _module_source("numtorch.fx", "def helper(x):\n    return x\n"
                   "numtorch.fx.wrap(helper)\n")
    assert ("wrapped_mod", "helper") in fx.wrapped_functions()


def test_wrap_errors_like_torch():
    def inside_function(lib):
        return lib.wrap("f")

    for call in (inside_function, lambda lib: lib.wrap("f")):
        with pytest.raises(NotImplementedError) as theirs:
            call(torch.fx)
        with pytest.raises(NotImplementedError) as ours:
            call(fx)
        assert str(ours.value) == str(theirs.value)
    ns: dict = {"__name__": "m", "torch": torch, "numtorch": numtorch}
    for lib_name in ("torch", "numtorch"):
        with pytest.raises(RuntimeError, match="Unsupported type for global function"):
            exec(f"{lib_name}.fx.wrap(3)", ns)


def test_graph_module_type():
    assert issubclass(fx.GraphModule, numtorch.nn.Module)
    assert isinstance(fx, types.ModuleType)
    with pytest.raises(RuntimeError, match="Unsupported type"):
        fx.GraphModule(3, fx.Graph())
    with pytest.raises(RuntimeError, match="Unsupported type"):
        torch.fx.GraphModule(3, torch.fx.Graph())
