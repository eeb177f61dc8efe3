"""Structure of the nn kernels (numtorch._ops.nn) and the autograd engine: layering (no NumPy,
no import of the top-level package or a public subpackage), the Op contract (declared
parameters), file sizes; and the names that moved stay reachable where they were."""

from __future__ import annotations

import ast
import importlib
import inspect
import pathlib

import pytest

import numtorch
from numtorch._ops._base import Op

SRC = pathlib.Path(numtorch.__file__).parent
NN = sorted((SRC / "_ops" / "nn").glob("*.py"))
AUTOGRAD = sorted((SRC / "autograd").glob("*.py"))
PUBLIC = {"nn", "linalg", "fft", "special", "onnx", "vision", "utils", "optim", "masked",
          "distributed", "signal"}


def _module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: pathlib.Path):
    """(resolved module, imported names) for every import in the file, nested ones included."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield target, tuple(a.name for a in node.names)


@pytest.mark.parametrize("path", NN + AUTOGRAD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_layering(path):
    in_autograd = path.parent.name == "autograd"
    for target, names in _imports(path):
        top = target.split(".")[0]
        assert top != "numpy", f"{path.name} imports NumPy"
        if top != "numtorch":
            continue
        if target == "numtorch":  # only private modules (``from .. import _dtype``)
            assert names and all(n.startswith("_") for n in names), \
                f"{path.name} imports the top-level package: {names}"
            continue
        sub = target.split(".")[1]
        assert sub not in PUBLIC, f"{path.name} imports the public subpackage {target}"
        if target == "numtorch.autograd" and not in_autograd:
            assert set(names) <= {"grad_mode", "graph", "anomaly_mode"}, names


@pytest.mark.parametrize("path", NN + AUTOGRAD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_file_size(path):
    assert len(path.read_text().splitlines()) <= 800


@pytest.mark.parametrize("path", NN, ids=lambda p: p.name)
def test_every_op_declares_its_parameters(path):
    mod = importlib.import_module(_module_name(path))
    for _, cls in inspect.getmembers(mod, inspect.isclass):
        if issubclass(cls, Op) and cls.__module__ == mod.__name__:
            assert cls._param_names is not None, f"{cls.__name__} declares no params"


def test_moved_names_stay_reachable():
    from numtorch._ops.nn import activation, conv, grid, loss, normalization, pooling
    from numtorch._ops.nn import normalization as norm

    assert numtorch.native_layer_norm is norm.native_layer_norm
    assert numtorch.native_group_norm is norm.native_group_norm
    assert numtorch.native_batch_norm is norm.native_batch_norm
    assert numtorch.grid_sampler_2d is grid.grid_sampler_2d
    assert numtorch.conv2d is conv.conv2d and numtorch.softmax is activation.softmax
    assert pooling.MaxPoolWithIndices.grad_fn_name == "MaxPool2DWithIndicesBackward0"
    assert normalization.layer_norm is norm.layer_norm
    assert loss.NllLoss.grad_fn_name == "NllLossBackward0"
