"""numtorch.masked against torch.masked on strided tensors: values, dtypes and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import numtorch.masked  # noqa: F401  (makes numtorch.masked an attribute)
from tests.oracle import check

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
MASK = RNG.random((3, 4)) < 0.6
MASK[1] = False  # a fully masked-out row
ROW_MASK = np.array([True, False, True, True])

REDUCTIONS = [
    lambda lib, x, m: lib.masked.sum(x, 1, mask=m),
    lambda lib, x, m: lib.masked.sum(x, mask=m),
    lambda lib, x, m: lib.masked.prod(x, (0, 1), keepdim=True, mask=m),
    lambda lib, x, m: lib.masked.amax(x, 1, mask=m),
    lambda lib, x, m: lib.masked.amin(x, 0, mask=m),
    lambda lib, x, m: lib.masked.argmax(x, 1, mask=m),
    lambda lib, x, m: lib.masked.argmin(x, 0, keepdim=True, mask=m),
    lambda lib, x, m: lib.masked.mean(x, 1, mask=m),
    lambda lib, x, m: lib.masked.median(x, 1, mask=m),
    lambda lib, x, m: lib.masked.norm(x, 2.0, 1, mask=m),
    lambda lib, x, m: lib.masked.norm(x, float("inf"), 0, mask=m),
    lambda lib, x, m: lib.masked.var(x, 1, unbiased=True, mask=m),
    lambda lib, x, m: lib.masked.std(x, 0, correction=0, keepdim=True, mask=m),
    lambda lib, x, m: lib.masked.logsumexp(x, 1, mask=m),
    lambda lib, x, m: lib.masked.cumsum(x, 1, mask=m),
    lambda lib, x, m: lib.masked.cumprod(x, 0, mask=m),
    lambda lib, x, m: lib.masked.softmax(x, 1, mask=m),
    lambda lib, x, m: lib.masked.log_softmax(x, 0, mask=m),
    lambda lib, x, m: lib.masked.softmin(x, 1, mask=m),
    lambda lib, x, m: lib.masked.normalize(x, 2.0, 1, mask=m),
    lambda lib, x, m: lib.masked.logaddexp(x, x.flip(0), input_mask=m, other_mask=m.flip(1)),
]


@pytest.mark.parametrize("fn", REDUCTIONS)
def test_masked_ops(fn):
    check(fn, arrays=[X, MASK], graph=False)


@pytest.mark.parametrize("fn", REDUCTIONS[:14])
def test_broadcast_mask(fn):
    check(fn, arrays=[X, ROW_MASK], graph=False)


def test_no_mask_and_int_input():
    check(lambda lib, x: lib.masked.mean(x, 1), arrays=[X], graph=False)
    ints = RNG.integers(-3, 4, (3, 4)).astype(np.int32)
    check(lambda lib, x, m: lib.masked.sum(x, 1, mask=m), arrays=[ints, MASK])
    check(lambda lib, x, m: lib.masked.prod(x, 0, mask=m), arrays=[ints, MASK])
    check(lambda lib, x, m: lib.masked.amax(x, 1, mask=m), arrays=[ints, MASK])
