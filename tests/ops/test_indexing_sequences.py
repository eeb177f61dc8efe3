"""Python sequences other than lists as tensor indices (``range``), as PyTorch accepts them."""

import pytest

from tests.oracle import check

CASES = [
    lambda lib, x: x[range(3), [0, 1, 2]],
    lambda lib, x: x[range(2)],
    lambda lib, x: x[range(0)],
    lambda lib, x: x[:, range(1, 3)],
    lambda lib, x: x[(range(2),)],
    lambda lib, x: x[range(3), range(3)] * 2,
]


@pytest.mark.parametrize("fn", CASES)
def test_range_index(fn):
    check(fn, [(3, 4)], dtypes=["float32"])


def test_range_setitem():
    def fn(lib, x):
        y = x.clone()
        y[range(2), 0] = -1.0
        return y

    check(fn, [(3, 4)], dtypes=["float32"])
