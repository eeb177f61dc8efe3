"""``torch.FloatTensor`` and the other legacy tensor types: construction, ``isinstance``,
printing and errors, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor",
         "IntTensor", "LongTensor", "BoolTensor"]


@pytest.mark.parametrize("name", NAMES)
def test_construction_and_isinstance(name):
    ours, theirs = getattr(numtorch, name), getattr(torch, name)
    assert repr(ours) == repr(theirs) and str(ours.dtype) == str(theirs.dtype)
    assert ours.is_cuda is theirs.is_cuda is False
    for args in [(2, 3), ([1, 0, 1],), (), (numtorch.Size([2]),)]:
        targs = tuple(torch.Size(a) if isinstance(a, numtorch.Size) else a for a in args)
        o, t = ours(*args), theirs(*targs)
        assert tuple(o.shape) == tuple(t.shape) and str(o.dtype) == str(t.dtype)
        if args and isinstance(args[0], list):
            assert_same_value(o, t)
    for dt in ("float32", "float64", "int64", "uint8", "bool"):
        x = np.zeros(2, dtype=dt)
        assert isinstance(numtorch.tensor(x), ours) == isinstance(torch.tensor(x), theirs)
    assert type(ours([1])) is numtorch.Tensor


def test_alias_of_a_tensor_of_its_dtype():
    x = numtorch.ones(3)
    y = numtorch.FloatTensor(x)
    assert y.data_ptr() == x.data_ptr() and y is not x


@pytest.mark.parametrize("call", [
    lambda lib: lib.FloatTensor([1, 2], dtype=lib.float64),
    lambda lib: lib.FloatTensor("a"),
    lambda lib: lib.FloatTensor(lib.ones(2, dtype=lib.float64)),
    lambda lib: lib.LongTensor(2, 2.5),
])
def test_errors_as_torchs(call):
    errors = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            call(lib)
        errors.append(info.value)
    theirs, ours = errors
    assert type(ours) is type(theirs)
    assert str(ours).split("\n")[0] == str(theirs).split("\n")[0]
