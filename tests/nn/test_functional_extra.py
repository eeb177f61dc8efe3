"""numtorch.nn.functional against torch.nn.functional, the less common functions: 3-D
and adaptive pooling, unpooling, margin losses, norms, attention and bag embeddings (values
and gradients)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises

RNG = np.random.default_rng(0)

CASES = [
    (lambda lib, x: lib.nn.functional.channel_shuffle(x, 2), [(2, 4, 3)]),
    (lambda lib, x, w: lib.nn.functional.rms_norm(x, (4,), w), [(3, 4), (4,)]),
    (lambda lib, x: lib.nn.functional.rms_norm(x, (3, 4), eps=1e-3), [(2, 3, 4)]),
    (lambda lib, x: lib.nn.functional.local_response_norm(x, 3), [(2, 5, 4)]),
    (lambda lib, x: lib.nn.functional.local_response_norm(x, 2, k=2.0), [(1, 4, 3, 3)]),
    (lambda lib, x: lib.nn.functional.pdist(x), [(4, 3)]),
    (lambda lib, x: lib.nn.functional.pdist(x, 1.0), [(4, 3)]),
    (lambda lib, x: lib.nn.functional.avg_pool3d(x, 2), [(1, 2, 4, 4, 4)]),
    (lambda lib, x: lib.nn.functional.avg_pool3d(x, 3, 2, 1, ceil_mode=True,
                                                 count_include_pad=False), [(1, 2, 5, 6, 5)]),
    (lambda lib, x: lib.nn.functional.avg_pool3d(x, (2, 3, 2), (1, 2, 2), (1, 1, 0),
                                                 ceil_mode=True), [(2, 5, 5, 4)]),
    (lambda lib, x: lib.nn.functional.avg_pool3d(x, 2, divisor_override=3), [(1, 1, 4, 4, 4)]),
    (lambda lib, x: lib.nn.functional.adaptive_avg_pool3d(x, (2, 3, 2)), [(1, 2, 5, 7, 4)]),
    (lambda lib, x: lib.nn.functional.adaptive_avg_pool3d(x, (None, 2, 1)), [(2, 3, 4, 5)]),
    (lambda lib, x: lib.nn.functional.adaptive_max_pool3d(x, (2, 3, 2), True),
     [(1, 2, 5, 7, 4)]),
    (lambda lib, x: lib.nn.functional.adaptive_max_pool3d(x, 2), [(2, 3, 4, 5)]),
    (lambda lib, x, y: lib.nn.functional.multilabel_soft_margin_loss(x, y), [(3, 5), (3, 5)]),
    (lambda lib, a, p, n: lib.nn.functional.triplet_margin_loss(a, p, n, swap=True),
     [(4, 5), (4, 5), (4, 5)]),
    (lambda lib, a, p, n: lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, reduction="none"), [(4, 5), (4, 5), (4, 5)]),
    (lambda lib, q, k, v: lib.nn.functional.scaled_dot_product_attention(q, k, v),
     [(2, 3, 4), (2, 5, 4), (2, 5, 6)]),
    (lambda lib, q, k, v: lib.nn.functional.scaled_dot_product_attention(
        q, k, v, is_causal=True, scale=0.3), [(2, 4, 4), (2, 4, 4), (2, 4, 3)]),
    (lambda lib, q, k, v, m: lib.nn.functional.scaled_dot_product_attention(q, k, v, m),
     [(2, 3, 4), (2, 5, 4), (2, 5, 6), (3, 5)]),
]


@pytest.mark.parametrize("fn,shapes", CASES)
def test_functional(fn, shapes):
    check(fn, shapes, dtypes=["float64"], graph=False)


def test_margin_losses():
    x = RNG.standard_normal((4, 5))
    y = np.array([0, 3, 4, 1])
    w = RNG.random(5)
    for kw in ({}, {"p": 2, "margin": 0.5}, {"reduction": "none"}):
        check(lambda lib, a, t, k=kw: lib.nn.functional.multi_margin_loss(a, t, **k),
              arrays=[x, y], graph=False)
    check(lambda lib, a, t, ww: lib.nn.functional.multi_margin_loss(a, t, weight=ww),
          arrays=[x, y, w], graph=False, grad_inputs=[0])
    check_raises(lambda lib, a, t, ww: lib.nn.functional.multi_margin_loss(
        a, t, weight=ww.requires_grad_()), arrays=[x, y, w])
    tgt = np.array([[3, 0, -1, 1, 2], [1, 1, 2, -1, 0], [-1, 0, 0, 0, 0], [4, 3, 2, 1, 0]])
    for red in ("mean", "sum", "none"):
        check(lambda lib, a, t, r=red: lib.nn.functional.multilabel_margin_loss(a, t, reduction=r),
              arrays=[x, tgt], graph=False)


def test_linear_cross_entropy():
    x = RNG.standard_normal((6, 3))
    w = RNG.standard_normal((4, 3))
    b = RNG.standard_normal(4)
    t = np.array([0, 3, 1, 2, 2, 0])
    check(lambda lib, a, ww, tt: lib.nn.functional.linear_cross_entropy(a, ww, tt),
          arrays=[x, w, t], graph=False)
    check(lambda lib, a, ww, tt, bb: lib.nn.functional.linear_cross_entropy(
        a, ww, tt, linear_bias=bb, reduction="none", label_smoothing=0.1),
        arrays=[x, w, t, b], graph=False)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_unpool_inverts_max_pool(nd):
    shape = (2, 3) + (6,) * nd
    x = RNG.standard_normal(shape)

    def fn(lib, t):
        F = lib.nn.functional
        pool = getattr(F, f"max_pool{nd}d")
        unpool = getattr(F, f"max_unpool{nd}d")
        out, idx = pool(t, 2, return_indices=True)
        return unpool(out, idx, 2)

    check(fn, arrays=[x], graph=False)


def test_max_unpool_output_size_error():
    x = np.ones((1, 1, 2))
    i = np.array([[[0, 2]]])
    check_raises(lambda lib, a, b: lib.nn.functional.max_unpool1d(a, b, 2, output_size=[9]),
                 arrays=[x, i], match_message=False)


def test_embedding_bag():
    w = RNG.standard_normal((10, 3))
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9])
    off = np.array([0, 4, 4])
    psw = RNG.standard_normal(8)
    for mode in ("sum", "mean", "max"):
        check(lambda lib, ww, i, o, m=mode: lib.nn.functional.embedding_bag(i, ww, o, mode=m),
              arrays=[w, idx, off], graph=False)
    check(lambda lib, ww, i, o, p: lib.nn.functional.embedding_bag(
        i, ww, o, mode="sum", per_sample_weights=p), arrays=[w, idx, off, psw], graph=False)
    check(lambda lib, ww, i: lib.nn.functional.embedding_bag(i, ww, padding_idx=2),
          arrays=[w, idx.reshape(2, 4)], graph=False)


def test_rrelu_matches_torch_random_stream():
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    outs = []
    for lib in (numtorch, torch):
        lib.manual_seed(7)
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.rrelu(t, 0.1, 0.4, training=True)
        (g,) = lib.autograd.grad(y.sum(), t)
        outs.append((y.detach().numpy(), g.numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-6)
    check(lambda lib, t: lib.nn.functional.rrelu(t), [(3, 4)], graph=False)
