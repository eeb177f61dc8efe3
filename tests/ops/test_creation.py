"""Creation ops against torch: values, dtype inference, requires_grad, errors, copies."""

import numpy as np
import pytest

from tests.oracle import check, check_raises

CASES = [
    lambda lib: lib.tensor([1, 2, 3]), lambda lib: lib.tensor([1.0, 2]),
    lambda lib: lib.tensor([True, False]), lambda lib: lib.tensor([[1, 2.5], [3, 4]]),
    lambda lib: lib.tensor(3.5), lambda lib: lib.tensor([]), lambda lib: lib.tensor([[]]),
    lambda lib: lib.tensor([1, 2], dtype=lib.float64), lambda lib: lib.tensor(1j),
    lambda lib: lib.tensor(np.arange(3, dtype=np.int32)), lambda lib: lib.tensor([True, 2]),
    lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]),
    lambda lib: lib.tensor([1.5], requires_grad=True),
    lambda lib: lib.zeros(2, 3), lambda lib: lib.zeros((2, 3), dtype=lib.int32),
    lambda lib: lib.ones([2]), lambda lib: lib.ones(0, 2), lambda lib: lib.zeros(()),
    lambda lib: lib.full((2, 2), 7), lambda lib: lib.full((2,), 1.5),
    lambda lib: lib.full((2,), True), lambda lib: lib.full((2,), 3, dtype=lib.float64),
    lambda lib: lib.empty(2, 3).shape, lambda lib: lib.zeros_like(lib.ones(2, dtype=lib.int32)),
    lambda lib: lib.ones_like(lib.ones(2), dtype=lib.float64), lambda lib: lib.full_like(
        lib.ones(2, 2), 3.5), lambda lib: lib.empty_like(lib.ones(2)).shape,
    lambda lib: lib.arange(5), lambda lib: lib.arange(1, 4), lambda lib: lib.arange(0, 1, 0.1),
    lambda lib: lib.arange(5.0), lambda lib: lib.arange(10, 0, -3),
    lambda lib: lib.arange(0, 5, dtype=lib.float32), lambda lib: lib.arange(-1.5, 2.5, 0.5),
    lambda lib: lib.linspace(0, 1, 5), lambda lib: lib.linspace(-2, 3, 7, dtype=lib.float64),
    lambda lib: lib.linspace(0, 10, 1), lambda lib: lib.linspace(0, 10, 0),
    lambda lib: lib.logspace(0, 2, 3), lambda lib: lib.eye(3), lambda lib: lib.eye(2, 3),
    lambda lib: lib.eye(3, dtype=lib.int64), lambda lib: lib.scalar_tensor(3),
    lambda lib: lib.zeros(3, requires_grad=True), lambda lib: lib.ones(2, 2).new_zeros(3),
    lambda lib: lib.as_tensor([1, 2]), lambda lib: lib.asarray([1.0, 2.0]),
    lambda lib: lib.complex(lib.ones(2), lib.zeros(2)),
]


@pytest.mark.parametrize("fn", CASES)
def test_creation(fn):
    check(lambda lib: fn(lib), [])


ERRORS = [
    lambda lib: lib.zeros(-1), lambda lib: lib.tensor([[1, 2], [3]]),
    lambda lib: lib.arange(0, 5, 0), lambda lib: lib.arange(5, 0, 1),
    lambda lib: lib.linspace(0, 1, -1), lambda lib: lib.eye(-1),
    lambda lib: lib.ones(2, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.tensor([1, 2], requires_grad=True), lambda lib: lib.tensor("a"),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_creation_errors(fn):
    check_raises(lambda lib: fn(lib), [])


def test_copies_and_grad_names():
    check(lambda lib, a: a.clone(), [(2, 3)], layouts=("contiguous", "transposed"))
    check(lambda lib, a: a.t().contiguous(), [(2, 3)])
    check(lambda lib, a: a.double(), [(2, 3)])
    check(lambda lib, a: a.to(lib.float16).float(), [(2, 3)])
    check(lambda lib, a: a.long(), [(2, 3)])
    check(lambda lib, a: lib.tensor(a.detach()), [(2, 3)])
    check(lambda lib, a: a.clone().t().is_contiguous(), [(2, 3)], grad=False)
    check(lambda lib, a: a.t().clone().stride(), [(2, 3)], grad=False)
