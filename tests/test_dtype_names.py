"""The PyTorch type names each dtype carries (``c_name``, ``legacy_name``, ``storage_name``,
``cpp_name``), and the messages that print them, against torch."""

import pytest
import torch

import numtorch
from numtorch import _dtype as D

NAMES = [d.name for d in D.ALL if d.np is not None]


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("name", NAMES)
def test_legacy_type_name(name):
    t, n = torch.zeros(2, dtype=getattr(torch, name)), numtorch.zeros(2, dtype=D.ALIASES[name])
    assert n.type() == t.type()
    assert D.ALIASES[name].legacy_name == t.type().split(".")[1]
    assert D.ALIASES[name].storage_name == t.type().split(".")[1].replace("Tensor", "Storage")


@pytest.mark.parametrize("name", NAMES)
def test_type_from_legacy_name(name):
    legacy = D.ALIASES[name].legacy_name
    assert str(numtorch.zeros(2).type("torch." + legacy).dtype) == \
        str(torch.zeros(2).type("torch." + legacy).dtype)


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8", "bool"])
def test_c_name_in_messages(name):
    def run(lib):
        return _error(lambda: lib.zeros(2, dtype=getattr(lib, name)).exponential_())
    assert run(numtorch) == run(torch)


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8", "bool", "float32",
                                  "complex64", "complex128"])
def test_cpp_name_in_messages(name):
    def masked(lib):
        return _error(lambda: lib.zeros(2).masked_fill(lib.zeros(2, dtype=getattr(lib, name)), 1))
    assert masked(numtorch) == masked(torch)

    if name not in ("float32", "complex64", "complex128"):
        def cauchy(lib):
            return _error(lambda: lib.zeros(2, dtype=getattr(lib, name)).cauchy_())
        assert cauchy(numtorch) == cauchy(torch)


@pytest.mark.parametrize("name", ["bool", "int64", "float32", "float64", "complex64"])
def test_expand_error_type_name(name):
    def run(lib):
        return _error(lambda: lib.zeros(2, 3, dtype=getattr(lib, name)).expand(3))
    assert run(numtorch) == run(torch)
