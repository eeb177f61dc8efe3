"""The Op contract of numtorch._ops._base, for every op in the package: declared parameters
(unknown names refused, node attributes never shadowed), ``needs_input_grad``, ``recording``."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import numtorch
from numtorch._ops import _base
from numtorch._ops._base import Op


def _all_ops() -> list[type]:
    for info in pkgutil.walk_packages(numtorch.__path__, "numtorch."):
        if info.name.split(".")[-1] in ("__main__", "cli", "quickstart"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # a module of an optional extra that is not installed
            continue
    seen, stack = [], [Op]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if not sub.__dict__.get("_is_node"):
                seen.append(sub)
    return seen


OPS = _all_ops()


def test_there_are_many_ops():
    assert len(OPS) > 300


def test_every_op_declares_its_parameters():
    undeclared = [f"{c.__module__}.{c.__qualname__}" for c in OPS
                  if not any("params" in k.__dict__ for k in c.__mro__ if k is not Op)]
    assert not undeclared, "Ops without a `params` declaration:\n" + "\n".join(undeclared)


def test_unknown_parameter_is_a_type_error():
    class Scale(Op):
        params = ("factor",)

        def forward(self, a):
            return a * self.factor

    assert Scale.apply(numtorch.ones(2), factor=3.0).tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match=r"unexpected parameter\(s\) \['fcator'\]"):
        Scale.apply(numtorch.ones(2), fcator=3.0)

    class NoParams(Op):
        params = ()

        def forward(self, a):
            return a

    with pytest.raises(TypeError, match="unexpected parameter"):
        NoParams.apply(numtorch.ones(2), dim=0)


@pytest.mark.parametrize("bad", ["name", "backward", "next_functions", "_private"])
def test_parameter_may_not_shadow_the_node(bad):
    with pytest.raises(TypeError, match="shadow"):
        type("Bad", (Op,), {"params": (bad,)})


def test_parameters_are_inherited():
    class Base(Op):
        params = ("a",)

    class Child(Base):
        params = ("b",)

    assert Child._param_names == {"a", "b"}


def test_needs_input_grad_and_recording():
    seen = {}

    class Mul(Op):
        grad_fn_name = "MulBackward0"
        params = ()

        def forward(self, a, b):
            self.save_inputs(0, 1)
            return a * b

        def backward(self, g):
            seen["needs"] = self.needs_input_grad
            a, b = self.saved_tensors
            return g * b, g * a

    x = numtorch.ones(2, requires_grad=True)
    y = numtorch.ones(2)
    assert _base.recording(x, y) and not _base.recording(y, 2.0)
    with numtorch.no_grad():
        assert not _base.recording(x)
    Mul.apply(x, y).sum().backward()
    assert seen["needs"] == (True, False)
