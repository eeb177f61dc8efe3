"""max_pool2d (offset-scan forward, window-scatter backward) and conv2d (per-sample columns in
chunks) against torch: max pooling bit for bit, including NaN, ties and signed zeros."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import numtorch

CONFIGS = [c for c in itertools.product([2, 3], [1, 2, 3], [0, 1], [1, 2], [False, True])
           if c[2] <= (c[3] * (c[0] - 1) + 1) // 2]


@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (2, 3, 8, 8)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_pool2d_bitwise(shape, dtype):
    rng = np.random.default_rng(0)
    for k, s, p, d, ceil in CONFIGS:
        a = rng.standard_normal(shape).astype(dtype)
        a[0, 0, 1, 1] = np.nan
        a[1, 2, 4, 4:6] = np.nan  # two NaNs in one window: PyTorch picks the last
        a[0, 1, 2:4, 2] = a[0, 1, 3, 3]  # ties: the first wins
        outs = []
        g = None
        for lib in (torch, numtorch):
            x = lib.tensor(a, requires_grad=True)
            v, i = lib.nn.functional.max_pool2d(x, k, s, p, d, ceil_mode=ceil,
                                                return_indices=True)
            if g is None:
                g = rng.standard_normal(tuple(v.shape)).astype(dtype)
                g.flat[0] = -0.0
            v.backward(lib.tensor(g))
            outs.append((v.detach().numpy(), i.numpy(), x.grad.numpy()))
        for t, n in zip(*outs):
            assert np.array_equal(t, n, equal_nan=True), (k, s, p, d, ceil)
            assert np.array_equal(np.signbit(t), np.signbit(n)), (k, s, p, d, ceil)


def test_max_pool2d_double_backward_still_differentiable():
    for lib in (torch, numtorch):
        x = lib.tensor(np.arange(32.0).reshape(1, 2, 4, 4), requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.max_pool2d(x, 2).square().sum(), x,
                                 create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        if lib is torch:
            expected = gg.numpy()
        else:
            np.testing.assert_array_equal(gg.numpy(), expected)


@pytest.mark.parametrize("n,cin,cout,size,kw", [
    (1, 3, 4, 7, {}),
    (37, 2, 3, 6, {"stride": 2, "padding": 1}),
    (5, 4, 6, 9, {"groups": 2, "dilation": 2, "padding": 2}),
    (3, 6, 6, 8, {"groups": 3, "stride": (2, 1)}),
])
def test_conv2d_chunked_matches_torch(n, cin, cout, size, kw, monkeypatch):
    from numtorch._ops.nn import conv

    monkeypatch.setattr(conv, "_CHUNK_BYTES", 1024)  # a few samples per chunk
    rng = np.random.default_rng(1)
    xa = rng.standard_normal((n, cin, size, size)).astype(np.float32)
    wa = rng.standard_normal((cout, cin // kw.get("groups", 1), 3, 3)).astype(np.float32)
    ba = rng.standard_normal(cout).astype(np.float32)
    res = []
    g = None
    for lib in (torch, numtorch):
        x = lib.tensor(xa, requires_grad=True)
        w = lib.tensor(wa, requires_grad=True)
        b = lib.tensor(ba, requires_grad=True)
        y = lib.nn.functional.conv2d(x, w, b, **kw)
        if g is None:
            g = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        y.backward(lib.tensor(g))
        res.append([y.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()])
    for t, m in zip(*res):
        np.testing.assert_allclose(m, t, rtol=2e-5, atol=2e-5)
