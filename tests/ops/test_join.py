"""Joining/tiling ops against torch: cat/stack family, repeat, tile, repeat_interleave, flips,
roll, rot90, unfold, meshgrid, broadcast_tensors, block_diag, cartesian_prod."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import LAYOUTS, check, check_raises

F = ["float32", "float64"]


def test_cat_stack_family():
    check(lambda lib, a, b: lib.cat([a, b], 1), [(3, 4), (3, 2)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, a, b: lib.concat((a, b), dim=-2), [(3, 4), (1, 4)])
    check(lambda lib, a, b: lib.concatenate([a, b]), [(0, 4), (2, 4)])
    check(lambda lib, a, b: lib.cat([a, b]), [(3, 4), (0,)])
    check(lambda lib, a, b: lib.cat([a, b]), [(3,), (2,)], dtypes=[("float32", "float64")])
    check(lambda lib, a, b: lib.stack([a, b], -1), [(3, 4), (3, 4)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, a, b: lib.stack((a, b)), [(), ()])



@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack", "row_stack"])
def test_hvd_stack(name):
    for shapes in ([(3,), (3,)], [(), ()], [(2, 3), (2, 3)]):
        check(lambda lib, a, b: getattr(lib, name)([a, b]), shapes)
        # a strided 1-D reshape is ReshapeAliasBackward0 in torch (numtorch's reshape: View)
        check(lambda lib, a, b: getattr(lib, name)([a, b]), shapes, layouts=LAYOUTS,
              graph=name != "column_stack")
    check_raises(lambda lib: getattr(lib, name)([]), [])


@pytest.mark.parametrize("fn", [
    lambda lib, a, b: lib.cat([a, b]), lambda lib, a, b: lib.cat([a, b], 2),
    lambda lib, a, b: lib.stack([a, b]), lambda lib, a, b: lib.cat([]),
    lambda lib, a, b: lib.cat([a[0, 0], b[0, 0]]),
])
def test_cat_errors(fn):
    check_raises(fn, [(3, 4), (3, 2)])


@pytest.mark.parametrize("reps", [(2, 1), (1, 3), (2, 2, 2), (0, 1), (3, 1, 1)])
def test_repeat(reps):
    check(lambda lib, x: x.repeat(*reps), [(3, 4)], dtypes=F, layouts=LAYOUTS,
          second_order=True)
    check(lambda lib, x: x.repeat(reps), [(3, 4)], dtypes=["int64"], grad=False)


def test_repeat_tile_misc():
    check(lambda lib, x: x.repeat(3), [()])
    check(lambda lib, x: x.repeat(2, 3), [(0,)])
    check(lambda lib, x: lib.tile(x, (2,)), [(3, 4)], layouts=LAYOUTS)
    check(lambda lib, x: x.tile((2, 1, 2)), [(3, 4)])
    check(lambda lib, x: lib.tile(x, (2, 2)), [()])
    check_raises(lambda lib, x: x.repeat(2), [(3, 4)])
    check_raises(lambda lib, x: x.repeat(-1, 2), [(3, 4)])


@pytest.mark.parametrize("args,kw", [((2,), {}), ((2,), {"dim": 0}), ((3,), {"dim": 1}),
                                     ((1,), {"dim": -1}), ((0,), {"dim": 0})])
def test_repeat_interleave_int(args, kw):
    check(lambda lib, x: x.repeat_interleave(*args, **kw), [(3, 4)], dtypes=F)
    # flattening a non-contiguous input: numtorch's reshape records no CloneBackward0 (shape.py)
    check(lambda lib, x: x.repeat_interleave(*args, **kw), [(3, 4)], layouts=LAYOUTS,
          graph="dim" in kw)
    check(lambda lib, x: lib.repeat_interleave(x, *args, **kw), [(3, 4)], dtypes=["int64"],
          grad=False)


def test_repeat_interleave_tensor():
    check(lambda lib, x: x.repeat_interleave(lib.tensor([1, 0, 2]), dim=0), [(3, 4)], dtypes=F,
          layouts=LAYOUTS)
    check(lambda lib, x: lib.repeat_interleave(x, lib.tensor([2]), dim=1), [(3, 4)])
    check(lambda lib, x: lib.repeat_interleave(x, lib.tensor([1, 2, 0, 1, 1, 3])), [(2, 3)])
    check(lambda lib, x: x.repeat_interleave(2), [()])
    for lib in (torch, numtorch):
        assert lib.repeat_interleave(lib.tensor([2, 0, 3])).tolist() == [0, 0, 2, 2, 2]
    check_raises(lambda lib, x: x.repeat_interleave(lib.tensor([1, 2]), dim=0), [(3, 4)])
    check_raises(lambda lib, x: x.repeat_interleave(-1), [(3, 4)])


@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), (-1,), ()])
def test_flip(dims):
    check(lambda lib, x: x.flip(dims), [(3, 4)], dtypes=F, layouts=LAYOUTS, second_order=True)
    check(lambda lib, x: lib.flip(x, dims), [(2, 3, 4)], dtypes=["int64"], grad=False)


def test_flip_variants():
    check(lambda lib, x: (lib.fliplr(x), lib.flipud(x), x.fliplr(), x.flipud()), [(3, 4)],
          layouts=LAYOUTS)
    check(lambda lib, x: x.flip(0, 1), [(3, 4)])
    check(lambda lib, x: x.flip(0), [(0, 2)])
    check(lambda lib, x: x.flip([]), [()])
    check_raises(lambda lib, x: lib.fliplr(x), [(3,)])
    check_raises(lambda lib, x: lib.flipud(x), [()])
    check_raises(lambda lib, x: x.flip(0, 0), [(3, 4)])
    check_raises(lambda lib, x: x.flip(2), [(3, 4)])


@pytest.mark.parametrize("args", [(1,), (-5,), (2, 0), (1, 1), ((1, 2), (0, 1)), (7, -1),
                                  ((1, 1), (0, 0))])
def test_roll(args):
    check(lambda lib, x: x.roll(*args), [(3, 4)], dtypes=F, layouts=LAYOUTS, second_order=True)
    check(lambda lib, x: lib.roll(x, *args), [(3, 4)], dtypes=["int64"], grad=False)


def test_roll_errors_and_edges():
    check(lambda lib, x: x.roll(3), [()])
    check(lambda lib, x: x.roll(1, 0), [(0, 2)])
    check_raises(lambda lib, x: x.roll((1, 2), 0), [(3, 4)])
    check_raises(lambda lib, x: x.roll(1, 2), [(3, 4)])


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, 5])
@pytest.mark.parametrize("dims", [(0, 1), (1, 0), (-1, 0), (0, 2)])
def test_rot90(k, dims):
    check(lambda lib, x: lib.rot90(x, k, dims), [(2, 3, 4)], dtypes=F, layouts=LAYOUTS)


def test_rot90_errors():
    check(lambda lib, x: x.rot90(), [(3, 4)])
    check_raises(lambda lib, x: x.rot90(1, (0,)), [(3, 4)])
    check_raises(lambda lib, x: x.rot90(1, (0, 0)), [(3, 4)])
    check_raises(lambda lib, x: x.rot90(1, (0, 1)), [(3,)])
    check_raises(lambda lib, x: x.rot90(1, (0, 2)), [(3, 4)])


@pytest.mark.parametrize("args", [(1, 2, 1), (0, 2, 1), (1, 3, 2), (-1, 1, 1), (1, 4, 3),
                                  (0, 1, 5)])
def test_unfold(args):
    check(lambda lib, x: x.unfold(*args), [(3, 4)], dtypes=F, layouts=LAYOUTS,
          second_order=True)


def test_unfold_view_and_errors():
    check(lambda lib, x: x.unfold(0, 1, 1), [()])
    check(lambda lib, x: x.unfold(0, 2, 2), [(5, 0)])
    for lib in (torch, numtorch):
        x = lib.arange(6.0)
        u = x.unfold(0, 2, 2)
        u[1, 0] = 100.0
        assert x.tolist() == [0, 1, 100, 3, 4, 5]
        x[5] = -1.0
        assert u[2].tolist() == [4.0, -1.0]
    check_raises(lambda lib, x: x.unfold(0, 5, 1), [(3, 4)])
    check_raises(lambda lib, x: x.unfold(0, 2, 0), [(3, 4)])
    check_raises(lambda lib, x: x.unfold(2, 1, 1), [(3, 4)])


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(indexing):
    check(lambda lib, a, b, c: lib.meshgrid(a, b, c, indexing=indexing), [(3,), (4,), ()],
          dtypes=F, layouts=LAYOUTS)
    check(lambda lib, a, b: lib.meshgrid([a, b], indexing=indexing), [(2,), (5,)])
    check(lambda lib, a: lib.meshgrid(a, indexing=indexing), [(2,)])
    check_raises(lambda lib, a: lib.meshgrid(a, a, indexing=indexing), [(2, 2)],
                 match_message=False)


def test_meshgrid_bad_indexing():
    check_raises(lambda lib, a: lib.meshgrid(a, a, indexing="ab"), [(2,)])


def test_broadcast_tensors():
    check(lambda lib, a, b, c: lib.broadcast_tensors(a, b, c), [(3, 1), (4,), ()], dtypes=F,
          layouts=LAYOUTS)
    check(lambda lib, a, b: lib.broadcast_tensors(a, b), [(3, 4), (4,)])
    check_raises(lambda lib, a, b: lib.broadcast_tensors(a, b), [(3, 4), (3,)])


def test_block_diag():
    check(lambda lib, a, b, c, d: lib.block_diag(a, b, c, d), [(2, 3), (3,), (), (0, 2)],
          dtypes=F, layouts=LAYOUTS)
    check(lambda lib, a, b: lib.block_diag(a, b), [(2, 2), (1, 3)],
          dtypes=[("int64", "float32")])
    check(lambda lib: lib.block_diag(), [])
    check_raises(lambda lib, a: lib.block_diag(a), [(2, 2, 2)])


def test_cartesian_prod():
    check(lambda lib, a, b: lib.cartesian_prod(a, b), [(3,), (2,)], dtypes=F, layouts=LAYOUTS)
    check(lambda lib, a, b, c: lib.cartesian_prod(a, b, c), [(2,), (2,), (3,)],
          dtypes=["int64"], grad=False)
    check(lambda lib, a: lib.cartesian_prod(a), [(3,)])
    check_raises(lambda lib, a: lib.cartesian_prod(a, a), [(2, 2)])


def test_dtypes_promoted():
    x = np.arange(3)
    for fn in (lambda lib, a, b: lib.block_diag(a, b), lambda lib, a, b: lib.stack([a, b])):
        check(fn, arrays=[x.astype(np.int32), x.astype(np.float64)], grad=False)


def test_flip_dims_keyword_and_out():
    check(lambda lib, x: lib.flip(x, dims=(0, 1)), [(3, 4)])
    check(lambda lib, x: x.flip(dims=[1]), [(3, 4)])

    def with_out(lib, a, b):
        o = lib.empty(0)
        r = lib.cat([a, b], out=o)
        return o, r is o
    check(with_out, [(2, 3), (1, 3)], grad=False)
