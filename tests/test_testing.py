"""``numtorch.testing.assert_close`` against ``torch.testing.assert_close``: the same verdict,
exception type and message for tensors, numbers and containers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import numtorch

INF, NAN = math.inf, math.nan


def _t(lib, value, dtype=None, **kw):
    return lib.tensor(value, dtype=getattr(lib, dtype) if dtype else None, **kw)


CASES = [
    ("float close", lambda L: (_t(L, [1., 2., 3.]), _t(L, [1., 2.5, 3.])), {}),
    ("shape", lambda L: (_t(L, [1., 2.]), _t(L, [1., 2., 3.])), {}),
    ("dtype", lambda L: (_t(L, [1., 2.]), _t(L, [1, 2])), {}),
    ("int", lambda L: (_t(L, [1, 2]), _t(L, [1, 3])), {}),
    ("int big", lambda L: (_t(L, [1, 2]), _t(L, [5, 2])), {}),
    ("2-d", lambda L: (_t(L, [[1., 2.], [3., 4.]]), _t(L, [[1., 2.], [3., 5.]])), {}),
    ("0-d float", lambda L: (_t(L, 1.), _t(L, 2.)), {}),
    ("0-d int", lambda L: (_t(L, 2), _t(L, 3)), {}),
    ("tensor vs float", lambda L: (_t(L, 1.), 1.0), {}),
    ("floats", lambda L: (1.0, 1.1), {}),
    ("ints", lambda L: (1, 2), {}),
    ("int vs float", lambda L: (1, 1.0), {}),
    ("complex scalars", lambda L: (1 + 1j, 1 + 2j), {}),
    ("bools", lambda L: (True, False), {}),
    ("None", lambda L: (None, 1), {}),
    ("None equal", lambda L: (None, None), {}),
    ("strings", lambda L: ("a", "a"), {}),
    ("list item", lambda L: ([_t(L, 1.)], [_t(L, 2.)]), {}),
    ("dict item", lambda L: ({"a": _t(L, 1.)}, {"a": _t(L, 2.)}), {}),
    ("nested", lambda L: ([{"a": [1.0, 2.0]}], [{"a": [1.0, 2.5]}]), {}),
    ("lengths", lambda L: ([1, 2], [1, 2, 3]), {}),
    ("keys", lambda L: ({"a": 1}, {"b": 1}), {}),
    ("list vs tuple", lambda L: ([1.], (1.,)), {}),
    ("nan", lambda L: (_t(L, [NAN]), _t(L, [NAN])), {}),
    ("nan equal", lambda L: (_t(L, [NAN]), _t(L, [NAN])), {"equal_nan": True}),
    ("inf", lambda L: (_t(L, [1., INF]), _t(L, [1., INF])), {}),
    ("inf signs", lambda L: (_t(L, [INF]), _t(L, [-INF])), {}),
    ("bool tensors", lambda L: (_t(L, [True]), _t(L, [False])), {}),
    ("complex tensors", lambda L: (_t(L, [1 + 1j]), _t(L, [1 + 2j])), {}),
    ("float16", lambda L: (_t(L, [1.], "float16"), _t(L, [1.001], "float16")), {}),
    ("float64", lambda L: (_t(L, [1.], "float64"), _t(L, [1.0000001], "float64")), {}),
    ("empty", lambda L: (_t(L, []), _t(L, [])), {}),
    ("tiny", lambda L: (_t(L, [0.]), _t(L, [1e-6])), {}),
    ("rtol only", lambda L: (_t(L, [1.]), _t(L, [1.1])), {"rtol": 0.2}),
    ("atol only", lambda L: (_t(L, [1.]), _t(L, [1.1])), {"atol": 0.2}),
    ("exact", lambda L: (_t(L, [1., 2.]), _t(L, [1., 2.5])), {"rtol": 0, "atol": 0}),
    ("loose", lambda L: (_t(L, [1., 2.]), _t(L, [1., 2.5])), {"rtol": 0, "atol": 1}),
    ("no dtype check", lambda L: (_t(L, [1, 2]), _t(L, [1., 2.])), {"check_dtype": False}),
    ("strides", lambda L: (L.ones(2, 3).t(), L.ones(3, 2)), {"check_stride": True}),
    ("msg", lambda L: (_t(L, [1.]), _t(L, [1.5])), {"msg": "custom"}),
    ("msg callable", lambda L: (_t(L, [1.]), _t(L, [1.5])), {"msg": lambda m: "X" + m[:12]}),
    ("requires_grad", lambda L: (_t(L, [1.]), _t(L, [1.], requires_grad=True)), {}),
    ("numpy", lambda L: (np.array([1., 2.]), np.array([1., 2.5])), {}),
]


def _outcome(lib, make, kw):
    actual, expected = make(lib)
    try:
        lib.testing.assert_close(actual, expected, **kw)
    except Exception as e:  # noqa: BLE001 - compared
        return type(e), str(e)
    return None


@pytest.mark.parametrize("make,kw", [pytest.param(m, k, id=n) for n, m, k in CASES])
def test_assert_close_as_torchs(make, kw):
    assert _outcome(numtorch, make, kw) == _outcome(torch, make, kw)
