"""The convolution kernel paths (channels-last GEMMs, full-correlation input gradient, strided
scatter, the NCHW fallback) on many 2-D shapes, values and gradients against torch."""

import pytest

from numtorch._ops.nn import conv as conv_ops
from numtorch._ops.nn import conv_cl
from tests.oracle import check

TOL = dict(rtol=2e-5, atol=2e-5)

SHAPES = [
    # (input, weight, kwargs): stride 1 (full-correlation input gradient), padded and not
    ((2, 5, 9, 8), (4, 5, 3, 3), dict(padding=1)),
    ((2, 5, 9, 8), (4, 5, 3, 3), {}),
    ((3, 6, 7, 9), (5, 6, 3, 2), dict(padding=(1, 0), dilation=(2, 1))),
    ((2, 4, 11, 10), (3, 4, 5, 5), dict(padding=2)),
    ((1, 3, 6, 6), (2, 3, 2, 2), dict(padding=1)),  # padding > (k - 1): the scatter path
    ((2, 3, 8, 8), (4, 3, 3, 3), dict(padding=(3, 1))),
    # strided: scatter input gradient, many and few channels
    ((2, 16, 9, 9), (8, 16, 3, 3), dict(stride=2, padding=1)),
    ((2, 20, 10, 7), (6, 20, 3, 3), dict(stride=(2, 3), padding=(0, 1), dilation=(1, 2))),
    ((2, 3, 16, 16), (8, 3, 7, 7), dict(stride=2, padding=3)),
    # 1x1 kernels (the NCHW path), with stride
    ((2, 6, 5, 5), (4, 6, 1, 1), dict(stride=2)),
    ((2, 6, 5, 5), (4, 6, 1, 1), {}),
    # weights of 64Ki elements or more (kept row-major per output channel); on tiny images the
    # stride-1 input gradient takes the scatter path
    ((2, 80, 2, 2), (96, 80, 3, 3), dict(padding=1)),
    ((2, 80, 12, 12), (96, 80, 3, 3), dict(padding=1)),
    ((2, 80, 7, 7), (96, 80, 3, 3), dict(stride=2, padding=1)),
    # one spatial output; wide batches
    ((3, 8, 3, 3), (16, 8, 3, 3), {}),
    ((5, 8, 4, 4), (8, 8, 3, 3), dict(padding=1)),
]


@pytest.mark.parametrize("channels_last", [True, False])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("xs,ws,kw", SHAPES)
def test_conv2d_kernel_paths(monkeypatch, channels_last, bias, xs, ws, kw):
    monkeypatch.setattr(conv_ops, "USE_CHANNELS_LAST", channels_last)
    if channels_last:  # every shape through the channels-last kernels, few channels included
        monkeypatch.setattr(conv_ops, "_channels_last", lambda x, w, groups: conv_cl.usable(
            x, w, groups) and w.shape[2] * w.shape[3] > 1)
    shapes = [xs, ws] + ([(ws[0],)] if bias else [])
    # float32 sums of C * KH * KW products of magnitude up to 4: round-off grows with the count
    tol = TOL if ws[1] * ws[2] * ws[3] <= 200 else dict(rtol=2e-4, atol=2e-4)
    check(lambda lib, *a: lib.nn.functional.conv2d(*a, **kw), shapes,
          dtypes=["float32", "float64"], **tol)


def test_conv2d_kernel_paths_weight_only_grad():
    """Only the weight (and bias) need a gradient: the input-gradient kernel is skipped."""
    check(lambda lib, x, w, b: lib.nn.functional.conv2d(x.detach(), w, b, padding=1),
          [(2, 4, 6, 6), (5, 4, 3, 3), (5,)], **TOL)


def test_conv2d_kernel_paths_double_backward():
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, stride=2, padding=1),
          [(2, 3, 6, 6), (4, 3, 3, 3)], dtypes=["float64"], second_order=True)


WINOGRAD_SHAPES = [
    ((2, 3, 8, 8), (4, 3, 3, 3), dict(padding=1)),
    ((2, 5, 7, 9), (6, 5, 3, 3), dict(padding=1)),  # odd sizes: partial output tiles
    ((1, 4, 6, 5), (3, 4, 3, 3), {}),
    ((2, 3, 5, 6), (2, 3, 3, 3), dict(padding=2)),
    ((2, 3, 9, 4), (5, 3, 3, 3), dict(padding=(2, 0))),
    ((3, 2, 3, 3), (4, 2, 3, 3), {}),  # one output
    ((2, 48, 8, 8), (64, 48, 3, 3), dict(padding=1)),  # inside the measured rule
]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("xs,ws,kw", WINOGRAD_SHAPES)
def test_conv2d_winograd(monkeypatch, bias, xs, ws, kw):
    """Winograd F(2x2, 3x3) forced on for every 3x3 stride-1 shape: torch's values to
    float32 round-off, gradients included."""
    from numtorch._ops.nn import conv_winograd

    monkeypatch.setattr(conv_winograd, "pays_forward", lambda *a: True)
    monkeypatch.setattr(conv_winograd, "pays_weight_grad", lambda *a: True)
    shapes = [xs, ws] + ([(ws[0],)] if bias else [])
    # sums of up to 432 products of magnitude 4: float32 round-off reaches ~1e-5 absolute
    check(lambda lib, *a: lib.nn.functional.conv2d(*a, **kw), shapes,
          dtypes=["float32", "float64"], rtol=1e-4, atol=1e-4)


def test_conv2d_winograd_matches_direct():
    """The Winograd and direct kernels agree on a ResNet-size layer (forward and gradients)."""
    import numpy as np

    from numtorch._ops.nn import conv_cl, conv_winograd

    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 64, 10, 10)).astype(np.float32)
    w = rng.standard_normal((64, 64, 3, 3)).astype(np.float32)
    g = rng.standard_normal((4, 64, 10, 10)).astype(np.float32)
    ref = [conv_cl.forward(x, w, None, (1, 1), (1, 1), (1, 1)),
           conv_cl.input_grad(g, w, x.shape, (1, 1), (1, 1), (1, 1)),
           conv_cl.weight_grad(g, x, w.shape, (1, 1), (1, 1), (1, 1))]
    win = [conv_winograd.forward(x, w, None, (1, 1)),
           conv_winograd.input_grad(g, w, x.shape, (1, 1)),
           conv_winograd.weight_grad(g, x, (1, 1))]
    for a, b in zip(ref, win):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-3 * np.abs(a).max() / 100)


def test_conv2d_threads_do_not_share_scratch():
    """Convolutions in several threads at once give each thread's own result."""
    import threading

    import numpy as np
    import torch

    import numtorch

    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((4, 8, 12, 12)).astype(np.float32) for _ in range(4)]
    w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32)
    results = [None] * len(xs)

    def run(i):
        for _ in range(5):
            results[i] = numtorch.nn.functional.conv2d(
                numtorch.tensor(xs[i]), numtorch.tensor(w), stride=2).numpy()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(xs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for x, r in zip(xs, results):
        ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), stride=2).numpy()
        np.testing.assert_allclose(r, ref, rtol=2e-5, atol=2e-5)
