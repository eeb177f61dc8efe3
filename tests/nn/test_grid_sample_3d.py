"""``F.grid_sample`` on 5-D (volumetric) input: values and gradients against PyTorch, and
PyTorch's argument and dtype errors for 4-D and 5-D input."""

import itertools

import numpy as np
import pytest

from tests.nn.test_loss_dtypes import same_outcome
from tests.oracle import check


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_grid_sample_5d_values_and_grads(mode, padding_mode, align_corners, dtype):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4, 5, 6)).astype(dtype)
    grid = rng.uniform(-1.3, 1.3, (2, 2, 3, 4, 3)).astype(dtype)  # some points outside
    check(lambda lib, a, g: lib.nn.functional.grid_sample(
        a, g, mode=mode, padding_mode=padding_mode, align_corners=align_corners),
        arrays=[x, grid])


def test_grid_sample_5d_half_and_empty():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 3, 3, 4))
    grid = rng.uniform(-1.2, 1.2, (1, 2, 2, 2, 3))
    check(lambda lib, a, g: lib.nn.functional.grid_sample(a, g, align_corners=False),
          arrays=[x.astype("float16"), grid.astype("float16")], grad=False, rtol=1e-2,
          atol=1e-2)
    for xs, gs in (((0, 2, 3, 3, 4), (0, 2, 2, 2, 3)), ((1, 0, 3, 3, 4), (1, 2, 2, 2, 3)),
                   ((1, 2, 3, 3, 4), (1, 0, 2, 2, 3))):
        check(lambda lib, a, g: lib.nn.functional.grid_sample(a, g, align_corners=True),
              arrays=[np.ones(xs), np.zeros(gs)])


def test_grid_sample_5d_matches_trilinear_identity():
    """An identity grid with align_corners=True reproduces the input."""
    check(lambda lib, a: lib.nn.functional.grid_sample(a, _identity(lib, (3, 4, 5)),
                                                       align_corners=True),
          arrays=[np.arange(60.0).reshape(1, 1, 3, 4, 5)])


def _identity(lib, dhw):
    d, h, w = dhw
    z, y, x = lib.meshgrid(lib.linspace(-1, 1, d, dtype=lib.float64),
                           lib.linspace(-1, 1, h, dtype=lib.float64),
                           lib.linspace(-1, 1, w, dtype=lib.float64), indexing="ij")
    return lib.stack([x, y, z], -1).unsqueeze(0)


BAD = [
    ((2, 3, 4, 5, 6), (2, 2, 3, 4, 3), "bicubic"),
    ((2, 3, 4, 5, 6), (1, 2, 3, 4, 3), "bilinear"),
    ((2, 3, 4, 5, 6), (2, 2, 3, 4, 2), "bilinear"),
    ((2, 3, 4, 5, 6), (2, 2, 3, 3), "bilinear"),
    ((3, 4, 5, 6), (2, 3, 4, 3), "bilinear"),
    ((2, 3, 0, 5, 6), (2, 2, 3, 4, 3), "bilinear"),
    ((2, 3, 4, 5), (1, 3, 4, 2), "bilinear"),
    ((2, 3, 4, 5, 6, 7), (2, 3, 4, 2, 2, 5), "bilinear"),
    ((3, 4, 5), (3, 4, 2), "bilinear"),
    ((2, 3, 0, 5), (2, 3, 4, 2), "bilinear"),
]


@pytest.mark.parametrize("xs,gs,mode", BAD)
def test_grid_sample_argument_errors(xs, gs, mode):
    same_outcome(lambda L, x, g: L.nn.functional.grid_sample(x, g, mode=mode,
                                                             align_corners=False),
                 [np.ones(xs, np.float32), np.zeros(gs, np.float32)])


@pytest.mark.parametrize("nd", [4, 5])
def test_grid_sample_dtypes(nd):
    xs = (1, 2) + (3,) * (nd - 2)
    gs = (1,) + (2,) * (nd - 2) + (nd - 2,)
    dts = ("float16", "float32", "float64", "int32", "int64", "bool")
    for dx, dg in itertools.product(dts, repeat=2):
        same_outcome(lambda L, x, g: L.nn.functional.grid_sample(x, g, align_corners=False),
                     [np.ones(xs, dx), np.zeros(gs, dg)])
