"""pad, interpolate/upsample, affine_grid/grid_sample, unfold/fold, pixel_shuffle against torch."""

import warnings

import pytest
import torch

import numtorch
from tests.oracle import check, check_raises, compare_module

FLOATS = ["float32", "float64"]
LAYOUTS = ("contiguous", "transposed")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.mark.parametrize("shape,pad,mode", [
    ((2, 3, 5, 6), (1, 2, 0, 1), "constant"), ((2, 3, 5, 6), (-1, 2, 1, -2), "constant"),
    ((2, 3, 5, 6), (1, 2), "constant"), ((2, 3, 5, 6), (1, 2, 3, 0), "reflect"),
    ((2, 5, 6), (2, 3), "reflect"), ((3, 5), (-1, 2), "reflect"),
    ((2, 3, 5, 6), (1, 2, 3, 4), "replicate"), ((1, 2, 3, 4, 5), (1, 1, 2, 0, 1, 2), "replicate"),
    ((2, 3, 5, 6), (1, 2, 3, 4), "circular"), ((2, 3, 5), (5, 2), "circular"),
])
def test_pad(shape, pad, mode):
    # circular: torch's graph is a chain of CopySlices; ours is a single gather node
    check(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode), [shape], dtypes=FLOATS,
          layouts=LAYOUTS, graph=mode != "circular")


def test_pad_value():
    check(lambda lib, x: lib.nn.functional.pad(x, (1, 1), value=2.5), [(2, 3)])


@pytest.mark.parametrize("shape,pad,mode", [
    ((1, 2, 4, 4), (5, 5), "reflect"), ((1, 2, 4, 4), (4, 4, 1, 1), "reflect"),
    ((1, 2, 4, 4), (1, 1, 1), "constant"), ((1, 1, 4), (5, 1), "circular"),
    ((1, 1, 4), (-2, -2), "replicate"), ((1, 2, 4, 4), (1, 1), "foo"),
    ((1, 2, 4, 4), (1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "constant"),
])
def test_pad_errors(shape, pad, mode):
    check_raises(lambda lib, x: lib.nn.functional.pad(x, pad, mode=mode), [shape])


INTERP = [
    ((2, 3, 5, 6), dict(scale_factor=2)), ((2, 3, 5, 6), dict(size=(7, 4))),
    ((2, 3, 5), dict(scale_factor=1.7)), ((1, 2, 3, 4, 5), dict(size=(4, 5, 3))),
    ((2, 3, 5, 6), dict(scale_factor=(1.5, 2.3), mode="nearest-exact")),
    ((2, 3, 5, 6), dict(scale_factor=2, mode="bilinear")),
    ((2, 3, 5, 6), dict(size=(8, 3), mode="bilinear", align_corners=True)),
    ((2, 3, 5, 6), dict(scale_factor=1.7, mode="bilinear", recompute_scale_factor=True)),
    ((2, 3, 5, 6), dict(scale_factor=0.6, mode="bilinear")),
    ((2, 3, 7), dict(scale_factor=2.5, mode="linear")),
    ((2, 3, 7), dict(size=4, mode="linear", align_corners=True)),
    ((2, 3, 5, 6), dict(scale_factor=2, mode="bicubic")),
    ((2, 3, 5, 6), dict(size=(9, 4), mode="bicubic", align_corners=True)),
    ((1, 2, 3, 4, 5), dict(scale_factor=2, mode="trilinear")),
    ((2, 3, 6, 6), dict(size=(4, 3), mode="area")),
]


@pytest.mark.parametrize("shape,kw", INTERP)
def test_interpolate(shape, kw):
    check(lambda lib, x: lib.nn.functional.interpolate(x, **kw), [shape], dtypes=FLOATS,
          layouts=LAYOUTS)


@pytest.mark.parametrize("fn,shape", [
    (lambda lib, x: lib.nn.functional.interpolate(x), (1, 2, 4, 4)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=3, scale_factor=2), (1, 2, 4, 4)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=3, align_corners=True), (1, 2, 4, 4)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=3, mode="bilinear"), (1, 2, 4)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=(3, 4, 5)), (1, 2, 4, 4)),
    (lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=(2, 2, 2)), (1, 2, 4, 4)),
    (lambda lib, x: lib.nn.functional.interpolate(x, size=3, mode="foo"), (1, 2, 4, 4)),
])
def test_interpolate_errors(fn, shape):
    check_raises(fn, [shape])


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid(align_corners):
    check(lambda lib, th: lib.nn.functional.affine_grid(th, (2, 3, 4, 5), align_corners),
          [(2, 2, 3)], dtypes=FLOATS)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners):
    # the grid reaches past [-1, 1] so that every padding mode is exercised
    check(lambda lib, x, g: lib.nn.functional.grid_sample(
        x, g, mode=mode, padding_mode=padding_mode, align_corners=align_corners),
        [(2, 3, 5, 6), (2, 4, 3, 2)], dtypes=FLOATS, low=-1.3, high=1.3)


def test_grid_sample_seed_example():
    """The seed's example: a 2x2 ramp sampled at (0, 0) and (0.5, 0.5)."""
    outs = []
    for lib in (torch, numtorch):
        inp = lib.arange(4.).view(1, 1, 2, 2)
        a = lib.nn.functional.grid_sample(inp, lib.tensor((0., 0.)).view(1, 1, 1, 2))
        b = lib.nn.functional.grid_sample(inp, lib.tensor((0.5, 0.5)).float().view(1, 1, 1, 2))
        outs.append((str(a.squeeze()), str(b.squeeze())))
    assert outs[1] == outs[0] == ("tensor(1.5000)", "tensor(3.)")


def test_affine_then_grid_sample_graph():
    check(lambda lib, x, th: lib.nn.functional.grid_sample(
        x, lib.nn.functional.affine_grid(th, (2, 3, 4, 4), align_corners=False),
        align_corners=False), [(2, 3, 5, 5), (2, 2, 3)], dtypes=FLOATS)


def test_sampling_errors():
    check_raises(lambda lib, x: lib.nn.functional.affine_grid(x, (2, 1, 4, 4)), [(2, 3, 3)])
    check_raises(lambda lib, x, g: lib.nn.functional.grid_sample(x, g), [(1, 2, 4, 4),
                                                                         (1, 3, 3, 3)])
    check_raises(lambda lib, x, g: lib.nn.functional.grid_sample(x, g, mode="foo"),
                 [(1, 2, 4, 4), (1, 3, 3, 2)])


def test_unfold_fold():
    check(lambda lib, x: lib.nn.functional.unfold(x, (2, 3), dilation=(1, 2), padding=1,
                                                  stride=(2, 1)), [(2, 3, 6, 7)], dtypes=FLOATS,
          layouts=LAYOUTS)
    check(lambda lib, x: lib.nn.functional.unfold(x, 2), [(3, 4, 5)])
    check(lambda lib, x: lib.nn.functional.fold(x, (5, 6), (2, 3), dilation=(1, 2), padding=1,
                                                stride=(2, 1)), [(2, 18, 12)], dtypes=FLOATS)
    check(lambda lib, x: lib.nn.functional.fold(x, (4, 4), 2), [(8, 9)])
    check_raises(lambda lib, x: lib.nn.functional.unfold(x, 5), [(1, 2, 4, 4)])
    check_raises(lambda lib, x: lib.nn.functional.fold(x, (4, 4), 2), [(2, 8, 8)])


def test_pixel_shuffle():
    check(lambda lib, x: lib.nn.functional.pixel_shuffle(x, 2), [(2, 8, 3, 4)], dtypes=FLOATS)
    check(lambda lib, x: lib.nn.functional.pixel_unshuffle(x, 2), [(2, 2, 4, 6)])
    check(lambda lib, x: lib.nn.functional.pixel_shuffle(x, 3), [(9, 2, 2)])
    check_raises(lambda lib, x: lib.nn.functional.pixel_shuffle(x, 2), [(1, 3, 2, 2)])


@pytest.mark.parametrize("cls,args,kw,shape", [
    ("ZeroPad2d", ((1, 2, 3, 4),), {}, (2, 3, 4, 4)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 3, 4)),
    ("ReflectionPad2d", ((1, 1, 2, 0),), {}, (2, 3, 4, 4)),
    ("ReplicationPad1d", (2,), {}, (2, 3, 4)),
    ("CircularPad2d", (1,), {}, (2, 3, 4, 4)),
    ("Upsample", (), dict(scale_factor=2), (2, 3, 4, 4)),
    ("Upsample", (), dict(size=(3, 5), mode="bilinear", align_corners=True), (2, 3, 4, 4)),
    ("UpsamplingNearest2d", (), dict(scale_factor=2), (2, 3, 3, 3)),
    ("UpsamplingBilinear2d", (), dict(size=4), (2, 3, 3, 3)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 3)),
    ("PixelUnshuffle", (2,), {}, (2, 2, 4, 4)),
])
def test_modules(cls, args, kw, shape):
    compare_module(lambda lib: getattr(lib.nn, cls)(*args, **kw), [shape],
                   graph=not cls.startswith("Circular"))
    assert repr(getattr(numtorch.nn, cls)(*args, **kw)) == repr(getattr(torch.nn, cls)(*args,
                                                                                         **kw))


def test_fold_modules():
    from numtorch.nn.modules.fold import Fold, Unfold

    compare_module(lambda lib: Unfold(3, padding=1) if lib is numtorch else
                   torch.nn.Unfold(3, padding=1), [(2, 3, 4, 4)])
    compare_module(lambda lib: Fold((4, 5), 2) if lib is numtorch else torch.nn.Fold((4, 5), 2),
                   [(2, 8, 12)])
    assert repr(Fold((4, 5), 2)) == repr(torch.nn.Fold((4, 5), 2))
    assert repr(Unfold((2, 3), 2, 1, 2)) == repr(torch.nn.Unfold((2, 3), 2, 1, 2))
