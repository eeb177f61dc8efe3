"""What the function-transform tests share: run one callable on both libraries."""

from __future__ import annotations

import numpy as np
import torch

import numtorch
from tests.oracle import assert_same_value


def tensors(lib, arrays, requires_grad=False):
    return [lib.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f") for a in arrays]


def leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [x for t in tree for x in leaves(t)]
    if isinstance(tree, dict):
        return [x for k in sorted(tree) for x in leaves(tree[k])]
    return [tree]


def same(ours, theirs, rtol=1e-5, atol=1e-6, check_dtype=True) -> None:
    """Two results (pytrees of tensors or values) agree in structure, shapes, dtypes, values."""
    a, b = leaves(ours), leaves(theirs)
    assert len(a) == len(b), (ours, theirs)
    for x, y in zip(a, b):
        if isinstance(y, torch.Tensor):
            assert isinstance(x, numtorch.Tensor), type(x)
            assert tuple(x.shape) == tuple(y.shape), (tuple(x.shape), tuple(y.shape))
            assert_same_value(x.detach(), y.detach(), rtol=rtol, atol=atol,
                              check_dtype=check_dtype)
        else:
            assert x == y


def both(fn, arrays, requires_grad=False):
    """``fn(lib, *tensors)`` on numtorch and torch: (ours, theirs, our inputs, their inputs)."""
    n_in = tensors(numtorch, arrays, requires_grad)
    t_in = tensors(torch, arrays, requires_grad)
    return fn(numtorch, *n_in), fn(torch, *t_in), n_in, t_in


def rand(*shape, seed=0, dtype="float32"):
    rng = np.random.default_rng(seed + sum(shape))
    return rng.standard_normal(shape).astype(dtype)
