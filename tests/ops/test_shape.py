"""Shape ops against torch: values, grads, graph names, which results are views, errors."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import LAYOUTS, check, check_raises

ALL_LAYOUTS = LAYOUTS + ("expanded",)

VIEWS = [
    ("view", lambda lib, a: a.view(4, 6)),
    ("view_-1", lambda lib, a: a.view(-1, 3)),
    ("view_tuple", lambda lib, a: a.view((2, -1))),
    ("view_as", lambda lib, a: a.view_as(a)),
    ("reshape", lambda lib, a: a.reshape(6, 4)),
    ("reshape_fn", lambda lib, a: lib.reshape(a, (-1,))),
    ("flatten", lambda lib, a: a.flatten()),
    ("flatten_1", lambda lib, a: a.flatten(1)),
    ("flatten_0_1", lambda lib, a: lib.flatten(a, 0, 1)),
    ("unflatten", lambda lib, a: a.unflatten(1, (3, 1))),
    ("unflatten_-1", lambda lib, a: a.unflatten(-1, (2, -1))),
    ("squeeze", lambda lib, a: a.unsqueeze(1).squeeze()),
    ("squeeze_dim", lambda lib, a: a.unsqueeze(0).squeeze(0)),
    ("squeeze_noop", lambda lib, a: a.squeeze(1)),
    ("squeeze_dims", lambda lib, a: a.unsqueeze(0).unsqueeze(-1).squeeze((0, -1))),
    ("unsqueeze", lambda lib, a: a.unsqueeze(-1)),
    ("unsqueeze0", lambda lib, a: lib.unsqueeze(a, 0)),
    ("transpose", lambda lib, a: a.transpose(0, 2)),
    ("transpose_neg", lambda lib, a: a.transpose(-1, 0)),
    ("swapaxes", lambda lib, a: a.swapaxes(0, 1)),
    ("swapdims", lambda lib, a: lib.swapdims(a, 1, 2)),
    ("permute", lambda lib, a: a.permute(2, 0, 1)),
    ("permute_tuple", lambda lib, a: a.permute((1, 2, 0))),
    ("permute_fn", lambda lib, a: lib.permute(a, (2, 1, 0))),
    ("movedim", lambda lib, a: a.movedim(0, -1)),
    ("moveaxis", lambda lib, a: lib.moveaxis(a, (0, 1), (2, 0))),
    ("expand", lambda lib, a: a[:, :1].expand(2, 3, 4)),
    ("expand_new", lambda lib, a: a.expand(5, 2, 3, 4)),
    ("expand_-1", lambda lib, a: a[:1].expand(3, -1, -1)),
    ("expand_as", lambda lib, a: a[:1].expand_as(a)),
    ("broadcast_to", lambda lib, a: lib.broadcast_to(a, (2, 2, 3, 4))),
    ("narrow", lambda lib, a: a.narrow(1, 1, 2)),
    ("narrow_neg", lambda lib, a: lib.narrow(a, -1, -3, 2)),
    ("select", lambda lib, a: a.select(1, 2)),
    ("select_neg", lambda lib, a: a.select(-1, -1)),
    ("unbind", lambda lib, a: a.unbind(1)),
    ("unbind_fn", lambda lib, a: lib.unbind(a)),
    ("chunk", lambda lib, a: a.chunk(2, 2)),
    ("chunk_uneven", lambda lib, a: a.chunk(3, -1)),
    ("chunk_more", lambda lib, a: lib.chunk(a, 5, 1)),
    ("split", lambda lib, a: a.split(3, 2)),
    ("split_sizes", lambda lib, a: a.split([1, 3], 2)),
    ("split_fn", lambda lib, a: lib.split(a, 2, 1)),
    ("split_with_sizes", lambda lib, a: a.split_with_sizes([2, 1], 1)),
    ("tensor_split", lambda lib, a: lib.tensor_split(a, 3, 2)),
    ("tensor_split_idx", lambda lib, a: lib.tensor_split(a, [1, 3], 2)),
    ("mT", lambda lib, a: a.mT),
    ("adjoint", lambda lib, a: a.adjoint()),
    ("t2d", lambda lib, a: a[0].t()),
    ("T2d", lambda lib, a: a[0].T),
    ("t1d", lambda lib, a: a[0, 0].t()),
    ("atleast_3d", lambda lib, a: lib.atleast_3d(a[0, 0])),
    ("atleast_2d", lambda lib, a: lib.atleast_2d(a[0, 0])),
    ("atleast_1d", lambda lib, a: lib.atleast_1d(a[0, 0, 0])),
    ("contiguous", lambda lib, a: a.contiguous()),
    ("reshape_as", lambda lib, a: a.reshape_as(a.transpose(0, 1))),
]


@pytest.mark.parametrize("name,fn", VIEWS, ids=[n for n, _ in VIEWS])
def test_shape_ops(name, fn):
    check(fn, [(2, 3, 4)], dtypes=["float32", "float64"], layouts=ALL_LAYOUTS)


@pytest.mark.parametrize("name,fn", VIEWS, ids=[n for n, _ in VIEWS])
def test_views_share_storage(name, fn):
    """Writes through a view show in the base exactly where torch's do (and vice versa)."""

    def run(lib):
        base = lib.tensor(np.arange(24.0).reshape(2, 3, 4))
        out = fn(lib, base)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        res = []
        for o in outs:
            shares = (
                o.data_ptr() != 0
                and o.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
                if lib is torch
                else np.shares_memory(o._data, base._data)
            )
            res.append(bool(shares))
            if shares and o.numel() and not _is_expanded(o):
                o.view(-1)[0] if o.is_contiguous() else None
                o.mul_(-1) if True else None
        return res, base.tolist()

    assert run(numtorch) == run(torch)


def _is_expanded(t):
    return 0 in t.stride() and t.numel() > 1


def test_view_version_counter():
    for lib in (torch, numtorch):
        a = lib.zeros(2, 3)
        v = a.view(6)
        w = a.t()
        v.add_(1)
        assert a._version == v._version == w._version == 1
        a[0, 0] = 5
        assert v._version == 2 and v[0].item() == 5
        d = a.detach()
        d.zero_()
        assert a._version == 3 and a.sum().item() == 0


def test_shape_second_order():
    check(
        lambda lib, a: (a.view(6, 4).t() ** 2).unbind(1)[2],
        [(2, 3, 4)],
        dtypes=["float64"],
        second_order=True,
    )
    check(
        lambda lib, a: (a.permute(2, 0, 1) * a.transpose(0, 2).transpose(1, 2)).chunk(2)[0],
        [(2, 3, 4)],
        dtypes=["float64"],
        second_order=True,
    )


def test_zero_dim_and_empty():
    check(lambda lib, a: a.view(1, 1), [()])
    check(lambda lib, a: a.reshape(-1), [()])
    check(lambda lib, a: a.unsqueeze(0), [()])
    check(lambda lib, a: a.squeeze(), [()])
    check(lambda lib, a: a.squeeze(0), [()])
    check(lambda lib, a: a.flatten(), [()])
    check(lambda lib, a: a.t(), [()])
    check(lambda lib, a: a.expand(3, 2), [()])
    check(lambda lib, a: a.permute(()), [()])
    check(lambda lib, a: a.view(0, 3), [(3, 0)])
    check(lambda lib, a: a.reshape(-1, 0), [(3, 0)])
    check(lambda lib, a: a.split(2), [(0, 3)])
    check(lambda lib, a: a.chunk(2), [(0, 3)])
    check(lambda lib, a: a.unbind(0), [(0, 3)])
    check(lambda lib, a: a.transpose(0, 1), [(0, 3)])


def test_reshape_copy_vs_view():
    check(lambda lib, a: a.t().reshape(-1), [(3, 4)])
    check(lambda lib, a: a.t().flatten(), [(3, 4)])
    check(lambda lib, a: a.t().contiguous().view(-1), [(3, 4)])
    for lib in (torch, numtorch):
        x = lib.zeros(3, 4)
        assert (x.t().reshape(-1).data_ptr() == x.data_ptr()) is False
        assert x.reshape(4, 3).data_ptr() == x.data_ptr()
        assert x.t().contiguous().is_contiguous()
        assert x.contiguous() is x


ERRORS = [
    lambda lib, a: a.view(5, 5),
    lambda lib, a: a.view(-1, -1),
    lambda lib, a: a.view(-2, 12),
    lambda lib, a: a.t().view(-1),
    lambda lib, a: a.reshape(7),
    lambda lib, a: a.flatten(2, 1),
    lambda lib, a: a.unflatten(1, (5, 2)),
    lambda lib, a: a.squeeze(3),
    lambda lib, a: a.unsqueeze(4),
    lambda lib, a: a.transpose(0, 3),
    lambda lib, a: a.permute(0),
    lambda lib, a: a.permute(0, 1, 1),
    lambda lib, a: a.expand(3, 5),
    lambda lib, a: a.expand(3),
    lambda lib, a: a.expand(-1, 3, 4),
    lambda lib, a: a.narrow(0, 2, 5),
    lambda lib, a: a.select(0, 5),
    lambda lib, a: a.select(2, 0),
    lambda lib, a: a.chunk(0),
    lambda lib, a: a.split([1, 1]),
    lambda lib, a: a.split(0),
    lambda lib, a: a.movedim(0, 2),
    lambda lib, a: a.unbind(2),
    lambda lib, a: a.mT.select(3, 0),
    lambda lib, a: a[0].mT,
    lambda lib, a: a.unsqueeze(0).t(),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_shape_errors(fn):
    check_raises(fn, [(3, 4)])


def test_T_on_3d_warns():
    check(lambda lib, a: a.T, [(2, 3, 4)])
