"""Regression tests for core bugs (notes/BUGS.md), each compared with torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch


def _both(fn):
    out = []
    for lib in (torch, numtorch):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            out.append((type(e).__name__, str(e)))
    return out


def test_select_of_1d_is_a_writable_view():
    def run(lib):
        x = lib.arange(4.0)
        s = x.select(0, 1)
        s.fill_(9.0)
        x[2].add_(1)
        return x.tolist(), s.shape, s.ndim

    t, n = _both(run)
    assert t == n


@pytest.mark.parametrize("dtype", ["float64", "int64", "bool", "complex64", "float16"])
def test_expand_error_names_the_dtype(dtype):
    t, n = _both(lambda lib: lib.ones(2, 3, dtype=getattr(lib, dtype)).expand(3))
    assert t == n


def test_zero_dim_results_are_arrays():
    def run(lib):
        x = lib.tensor(2.0)
        y = x * 1
        y.add_(1)
        z = x + 1.5
        z.mul_(2)
        return y.item(), z.item(), (x - x).item()

    t, n = _both(run)
    assert t == n
    assert isinstance((numtorch.tensor(2.0) * 1)._data, np.ndarray)


def test_clone_of_expanded_is_contiguous():
    def run(lib):
        x = lib.ones(3).expand(2, 3)
        c = x.clone()
        return (c.is_contiguous(), c.stride(), tuple(c.view(6).shape),
                lib.ones(4, 3).t().clone().stride(),
                lib.ones(2, 3, 4).permute(2, 0, 1).clone().stride(),
                lib.ones(4, 6)[:, ::2].clone().stride())

    t, n = _both(run)
    assert t == n


def test_inplace_through_view_rebases_base():
    def run(lib):
        b = lib.ones(3, requires_grad=True)
        y = b.clone()
        y[0].mul_(2)
        y.sum().backward()
        return b.grad.tolist(), y.grad_fn.name()

    t, n = _both(run)
    assert t == n


def test_relu_double_backward():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        (g,) = lib.autograd.grad(x.relu().sum(), x, create_graph=True)
        return g.requires_grad, g.grad_fn.name(), g.tolist()

    t, n = _both(run)
    assert t == n


@pytest.mark.parametrize("case", range(5))
def test_addmm_bmm_dtype_errors(case):
    def run(lib):
        d, f = lib.float64, lib.float32
        calls = [
            lambda: lib.addmm(lib.ones(2, 2), lib.ones(2, 2, dtype=d), lib.ones(2, 2)),
            lambda: lib.addmm(lib.ones(2, 2), lib.ones(2, 2), lib.ones(2, 2, dtype=d)),
            lambda: lib.addmm(lib.ones(2, 2, dtype=lib.int64), lib.ones(2, 2), lib.ones(2, 2)),
            lambda: lib.mm(lib.ones(2, 2, dtype=d), lib.ones(2, 2, dtype=f)),
            lambda: lib.bmm(lib.ones(1, 2, 2, dtype=d), lib.ones(1, 2, 2)),
        ]
        return calls[case]()

    t, n = _both(run)
    assert t == n


def test_matmul_1d_2d_node():
    t, n = _both(lambda lib: lib.matmul(lib.ones(3, requires_grad=True),
                                        lib.ones(3, 2)).grad_fn.name())
    assert t == n


def test_reshape_nodes():
    def run(lib):
        x = lib.ones(3, 4, requires_grad=True)
        y = x.t().reshape(12)
        z = lib.ones(12, requires_grad=True)[::2].reshape(2, 3)
        return (y.grad_fn.name(), y.grad_fn.next_functions[0][0].name(), z.grad_fn.name())

    t, n = _both(run)
    assert t == n
