"""Batch norm's two-pass kernels (per-channel dot products, scale-and-shift forward, fused
input gradient) on larger and odd shapes, values and gradients against torch."""

import pytest

from tests.oracle import check

TOL = dict(rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape", [(8, 16, 12, 12), (5, 3, 7), (64, 6), (4, 3, 2, 3, 5)])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_kernels(shape, affine, training):
    c = shape[1]

    def fn(lib, x, w, b, rm, rv):
        rm, rv = rm.detach(), (rv.detach().abs() + 0.5)
        w, b = (w, b) if affine else (None, None)
        return lib.nn.functional.batch_norm(x * 3 + 1, rm, rv, w, b, training=training)

    check(fn, [shape, (c,), (c,), (c,), (c,)], dtypes=["float32", "float64"], **TOL)


def test_batch_norm_kernels_input_only_grad():
    check(lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w.detach(),
                                                             b.detach(), training=True),
          [(6, 4, 5, 5), (4,), (4,)], **TOL)


def test_batch_norm_kernels_noncontiguous():
    check(lambda lib, x: lib.nn.functional.batch_norm(x.transpose(2, 3), None, None,
                                                       training=True),
          [(3, 4, 5, 6)], layouts=("contiguous", "transposed"), **TOL)
