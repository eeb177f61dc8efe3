"""Tensor's surface as tools see it: the generated stub ``_tensor.pyi`` is fresh and complete,
registered methods carry proper names, signatures work with ``inspect``, and one constructor
builds every tensor."""

import ast
import inspect
import pickle
import types

import numpy as np

import numtorch
from numtorch import Tensor, _stubgen
from numtorch._ops import _base
from numtorch._tensor import _from_array


def test_stub_is_fresh():
    current = _stubgen.stub_path().read_text()
    assert current == _stubgen.generate(), (
        "src/numtorch/_tensor.pyi is stale (Tensor's methods changed). Regenerate it from the "
        f"repository root with:  {_stubgen.COMMAND}")


def _stub_class_names(cls_name: str) -> set:
    tree = ast.parse(_stubgen.stub_path().read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            names = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    names.add(item.target.id)
            return names
    raise AssertionError(f"no class {cls_name} in the stub")


def test_stub_lists_every_attribute():
    names = _stub_class_names("Tensor")
    missing = [n for n in vars(Tensor) if n not in _stubgen._SKIP and n not in names]
    assert not missing
    for n in ("sin", "add", "__add__", "sum", "view", "shape", "dtype", "grad", "T", "float"):
        assert n in names


def test_registered_methods_are_named():
    assert Tensor.sin.__qualname__ == "Tensor.sin" and Tensor.sin.__name__ == "sin"
    assert Tensor.float.__name__ == "float" and Tensor.float.__qualname__ == "Tensor.float"
    # one function object for the method and the operator (no wrapper); the module function
    # wraps it once (``__torch_function__`` dispatch) and pickles as ``numtorch.add``
    assert Tensor.add is inspect.unwrap(numtorch.add) and Tensor.__add__ is Tensor.add
    assert numtorch.add.__name__ == "add" and numtorch.add.__qualname__ == "add"
    for name, fn in vars(Tensor).items():
        if isinstance(fn, types.FunctionType) and name not in _stubgen._SKIP:
            assert fn.__qualname__.startswith("Tensor."), (name, fn.__qualname__)
            assert "<locals>" not in fn.__qualname__


def test_registered_methods_pickle_by_reference():
    for fn in (Tensor.sin, numtorch.sin, numtorch.add, Tensor.expand, Tensor.float,
               numtorch.hsplit):
        assert pickle.loads(pickle.dumps(fn)) is fn


def test_constructor_signatures():
    for obj in (Tensor, Tensor.__init__, Tensor.__new__, numtorch.nn.Parameter):
        inspect.signature(obj)
    assert str(inspect.signature(Tensor.sin)) == str(inspect.signature(numtorch.sin))


def test_one_constructor():
    assert _base._wrap is _from_array and Tensor._from_array is _from_array
    t = _from_array(np.float32(2.0))  # a NumPy scalar becomes a 0-d array
    assert type(t._data) is np.ndarray and t._data.shape == ()
    t.add_(1)
    assert t.item() == 3.0
    arr = np.ones(3, np.float32)
    t = Tensor._from_array(arr, True)
    assert t._data is arr and t.requires_grad and t.is_leaf and t._version == 0
    p = numtorch.nn.Parameter(numtorch.ones(2))
    assert type(p) is numtorch.nn.Parameter and p.requires_grad and p.grad is None
