"""The small torch internals libraries reach for (torchmetrics, Lightning, torchinfo):
``_C._log_api_usage_once``, ``_C._TensorMeta``, ``_C._nn._parse_to``, ``PyTorchFileReader``
and the size ``sys.getsizeof`` reports for a storage, against torch."""

from __future__ import annotations

import sys

import pytest
import torch

import numtorch


@pytest.mark.parametrize("call", [
    lambda L: L._C._nn._parse_to(L.float64),
    lambda L: L._C._nn._parse_to("cpu", non_blocking=True),
    lambda L: L._C._nn._parse_to(L.ones(1)),
    lambda L: L._C._nn._parse_to(device="cpu", dtype=L.float16),
    lambda L: L._C._nn._parse_to(L.device("cpu"), L.int32, True),
])
def test_parse_to(call):
    assert repr(call(numtorch)) == repr(call(torch))


def test_tensor_meta_and_usage_logging():
    assert isinstance(numtorch.Tensor, numtorch._C._TensorMeta)
    assert numtorch._C._log_api_usage_once("python.nn_module") is None


@pytest.mark.parametrize("n", [0, 3, 30])
def test_storage_getsizeof(n):
    assert sys.getsizeof(numtorch.ones(n).untyped_storage()) == \
        sys.getsizeof(torch.ones(n).untyped_storage())


def test_pytorch_file_reader(tmp_path):
    path = tmp_path / "r.pt"
    torch.save({"a": torch.ones(2)}, path)
    ours, theirs = numtorch.PyTorchFileReader(str(path)), torch.PyTorchFileReader(str(path))
    assert ours.get_all_records() == theirs.get_all_records()
    for name in theirs.get_all_records():
        assert ours.get_record(name) == bytes(theirs.get_record(name))
        assert ours.has_record(name)
    assert ours.serialization_id() == theirs.serialization_id()
    with open(path, "rb") as f:
        assert numtorch.PyTorchFileReader(f).get_all_records() == theirs.get_all_records()
