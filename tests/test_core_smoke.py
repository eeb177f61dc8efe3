"""Quick end-to-end checks of the core: arithmetic, broadcasting, views, autograd, seed text."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import LAYOUTS, check, check_raises


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_binary_broadcast(op):
    check(lambda lib, a, b: getattr(lib, op)(a, b), [(3, 4), (4,)], layouts=LAYOUTS,
          dtypes=["float32", "float64"])


def test_chain_and_reduction():
    check(lambda lib, a, b: ((a * b).exp() + a.sin()).sum(1).mean(), [(3, 4), (3, 4)],
          layouts=LAYOUTS)


def test_matmul_linear_like():
    check(lambda lib, x, w, b: lib.addmm(b, x, w.t()).relu().sum(), [(5, 4), (3, 4), (3,)])


def test_mm_shape_error():
    check_raises(lambda lib, a, b: lib.mm(a, b), [(2, 3), (2, 3)])


def test_seed_detach_example():
    for lib in (torch, numtorch):
        x = lib.ones(10, requires_grad=True)
        y = x ** 2
        z = x ** 3
        loss = (y + z).sum()
        z.detach_()
        loss.backward()
        assert x.grad.tolist() == [5.0] * 10


def test_backward_twice_message():
    msgs = []
    for lib in (torch, numtorch):
        x = lib.ones(3, requires_grad=True)
        loss = (x.sigmoid() * 2).sum()
        loss.backward()
        with pytest.raises(RuntimeError) as e:
            loss.backward()
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_from_numpy_shares_memory():
    n = np.arange(12)
    x = numtorch.from_numpy(n)
    n[0] = -1
    assert x[0].item() == -1
    x2 = numtorch.ones(2, 2)
    x2.numpy()[0, 0] = -1
    assert x2[0, 0].item() == -1
