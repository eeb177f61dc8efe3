"""Index bounds of every index-taking op against torch: negative, equal-to-size and beyond-size
indices, on ordinary, empty and 0-d inputs. Where torch accepts an index (with its meaning) the
values and gradients must match; where it raises, the exception type and message must."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _same_exc_type, _strip, check

# torch's deprecation/beta notes for scatter(reduce=) and index_reduce
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# bad index kinds for a dimension of size n (n itself is passed in by the case)
KINDS = {
    "neg1": lambda n: -1,
    "negn": lambda n: -n,
    "neg_n_1": lambda n: -n - 1,
    "eq_n": lambda n: n,
    "gt_n": lambda n: n + 3,
}


def _x(lib, shape, dtype="float32", rg=False):
    n = int(np.prod(shape))
    a = (np.arange(n, dtype="float64").reshape(shape) * 0.5 + 1.0).astype(dtype)
    t = lib.tensor(a)
    return t.requires_grad_(True) if rg else t


def _i(lib, vals, dtype="int64"):
    return lib.tensor(np.asarray(vals, dtype=dtype))


# Each case: (name, fn(lib, k) -> result), k the bad index value for a dim of size 3 unless
# the case sets its own size with a ``size`` entry.
def _gather(lib, k):
    return lib.gather(_x(lib, (3, 4)), 0, _i(lib, [[0, k], [1, 2]]))


def _gather_dim1(lib, k):
    return _x(lib, (4, 3)).gather(1, _i(lib, [[0, k], [1, 2]]))


def _gather_0d(lib, k):
    return lib.gather(_x(lib, ()), 0, _i(lib, k))


def _gather_1d_on_0d(lib, k):
    return lib.gather(_x(lib, ()), 0, _i(lib, [k]))


def _gather_empty_self(lib, k):
    return lib.gather(_x(lib, (0, 3)), 0, _i(lib, [[k]]))


def _gather_int32(lib, k):
    return lib.gather(_x(lib, (3,)), 0, _i(lib, [k], "int32"))


def _scatter_src(lib, k):
    return lib.scatter(_x(lib, (3, 4)), 0, _i(lib, [[0, k]]), _x(lib, (1, 2)))


def _scatter_value(lib, k):
    return _x(lib, (3, 4)).scatter(0, _i(lib, [[0, k]]), 2.0)


def _scatter_src_add(lib, k):
    return _x(lib, (3, 4)).scatter(0, _i(lib, [[0, k]]), _x(lib, (1, 2)), reduce="add")


def _scatter_value_mul(lib, k):
    return _x(lib, (3, 4)).scatter(0, _i(lib, [[0, k]]), 2.0, reduce="multiply")


def _scatter_inplace(lib, k):
    return _x(lib, (3,)).scatter_(0, _i(lib, [k]), _x(lib, (1,)))


def _scatter_0d(lib, k):
    return _x(lib, ()).scatter(0, _i(lib, k), _x(lib, ()))


def _scatter_add(lib, k):
    return lib.scatter_add(_x(lib, (3, 4)), 0, _i(lib, [[0, k]]), _x(lib, (1, 2)))


def _scatter_add_(lib, k):
    return _x(lib, (4, 3)).scatter_add_(1, _i(lib, [[0, k]]), _x(lib, (1, 2)))


def _scatter_reduce(reduce, include_self):
    def fn(lib, k):
        return lib.scatter_reduce(_x(lib, (3, 4)), 0, _i(lib, [[0, k]]), _x(lib, (1, 2)),
                                  reduce, include_self=include_self)
    return fn


def _scatter_reduce_0d(lib, k):
    return _x(lib, ()).scatter_reduce(0, _i(lib, k), _x(lib, ()), "amax")


def _index_select(lib, k):
    return lib.index_select(_x(lib, (3, 4)), 0, _i(lib, [0, k]))


def _index_select_dim1(lib, k):
    return _x(lib, (4, 3)).index_select(-1, _i(lib, [k]))


def _index_select_0d(lib, k):
    return lib.index_select(_x(lib, ()), 0, _i(lib, [k]))


def _index_select_0d_idx(lib, k):
    return lib.index_select(_x(lib, (3,)), 0, _i(lib, k))


def _index_select_empty(lib, k):
    return lib.index_select(_x(lib, (3, 0)), 0, _i(lib, [k]))


def _index_add(lib, k):
    return lib.index_add(_x(lib, (3, 4)), 0, _i(lib, [0, k]), _x(lib, (2, 4)))


def _index_add_(lib, k):
    return _x(lib, (4, 3)).index_add_(1, _i(lib, [k]), _x(lib, (4, 1)), alpha=2)


def _index_add_0d(lib, k):
    return _x(lib, ()).index_add(0, _i(lib, [k]), _x(lib, ()))


def _index_copy(lib, k):
    return lib.index_copy(_x(lib, (3, 4)), 0, _i(lib, [0, k]), _x(lib, (2, 4)))


def _index_copy_(lib, k):
    return _x(lib, (4, 3)).index_copy_(1, _i(lib, [k]), _x(lib, (4, 1)))


def _index_copy_0d(lib, k):
    return _x(lib, ()).index_copy(0, _i(lib, [k]), _x(lib, ()))


def _index_fill(lib, k):
    return lib.index_fill(_x(lib, (3, 4)), 0, _i(lib, [0, k]), -1.0)


def _index_fill_tensor(lib, k):
    return _x(lib, (4, 3)).index_fill(1, _i(lib, [k]), lib.tensor(-1.0))


def _index_fill_(lib, k):
    return _x(lib, (3,)).index_fill_(0, _i(lib, [k]), 7.0)


def _index_fill_0d(lib, k):
    return _x(lib, ()).index_fill(0, _i(lib, [k]), 7.0)


def _index_reduce(reduce, include_self):
    def fn(lib, k):
        return _x(lib, (3, 4)).index_reduce(0, _i(lib, [0, k]), _x(lib, (2, 4)), reduce,
                                            include_self=include_self)
    return fn


def _index_reduce_(lib, k):
    return _x(lib, (4, 3)).index_reduce_(1, _i(lib, [k]), _x(lib, (4, 1)), "amin")


def _index_put(accumulate):
    def fn(lib, k):
        return _x(lib, (3, 4)).index_put((_i(lib, [0, k]),), _x(lib, (4,)),
                                         accumulate=accumulate)
    return fn


def _index_put_2(lib, k):
    return _x(lib, (4, 3)).index_put((_i(lib, [0, 1]), _i(lib, [k, 0])), _x(lib, ()))


def _index_put_(lib, k):
    return _x(lib, (3,)).index_put_((_i(lib, [k]),), _x(lib, (1,)), accumulate=True)


def _setitem_tensor(lib, k):
    x = _x(lib, (3, 4))
    x[_i(lib, [0, k])] = 5.0
    return x


def _setitem_list(lib, k):
    x = _x(lib, (4, 3))
    x[:, [k]] = _x(lib, (4, 1))
    return x


def _setitem_two(lib, k):
    x = _x(lib, (3, 3))
    x[_i(lib, [0, k]), _i(lib, [1, 1])] = 0.0
    return x


def _setitem_int32(lib, k):
    x = _x(lib, (3,))
    x[_i(lib, [k], "int32")] = 0.0
    return x


def _getitem_tensor(lib, k):
    return _x(lib, (3, 4))[_i(lib, [0, k])]


def _getitem_list(lib, k):
    return _x(lib, (4, 3))[:, [1, k]]


def _getitem_two(lib, k):
    return _x(lib, (3, 3))[_i(lib, [0, 1]), _i(lib, [k, 0])]


def _getitem_2d_idx(lib, k):
    return _x(lib, (3,))[_i(lib, [[0], [k]])]


def _getitem_int32(lib, k):
    return _x(lib, (3, 2))[_i(lib, [k], "int32")]


def _getitem_after_int(lib, k):
    return _x(lib, (2, 3))[1, [k]]


def _take(lib, k):
    return lib.take(_x(lib, (3,)), _i(lib, [0, k]))


def _take_2d(lib, k):
    return _x(lib, (1, 3)).take(_i(lib, [[k]]))


def _take_0d(lib, k):
    return lib.take(_x(lib, ()), _i(lib, k))


def _take_along_dim(lib, k):
    return lib.take_along_dim(_x(lib, (3, 4)), _i(lib, [[0], [k]]), dim=0)


def _take_along_flat(lib, k):
    return lib.take_along_dim(_x(lib, (3,)), _i(lib, [k]))


def _take_along_dim1(lib, k):
    return _x(lib, (4, 3)).take_along_dim(_i(lib, [[k]]), dim=1)


def _put(accumulate):
    def fn(lib, k):
        return _x(lib, (3,)).put(_i(lib, [0, k]), _x(lib, (2,)), accumulate=accumulate)
    return fn


def _put_(lib, k):
    return _x(lib, (1, 3)).put_(_i(lib, [[k]]), _x(lib, (1, 1)))


def _put_0d(lib, k):
    return lib.put(_x(lib, ()), _i(lib, k), _x(lib, ()))


def _embedding(lib, k):
    return lib.nn.functional.embedding(_i(lib, [0, k]), _x(lib, (3, 2)))


def _embedding_2d(lib, k):
    return lib.nn.functional.embedding(_i(lib, [[0], [k]]), _x(lib, (3, 2)), padding_idx=0)


def _embedding_int32(lib, k):
    return lib.nn.functional.embedding(_i(lib, [k], "int32"), _x(lib, (3, 2)))


def _embedding_0d(lib, k):
    return lib.nn.functional.embedding(_i(lib, k), _x(lib, (3, 2)))


def _embedding_module(lib, k):
    lib.manual_seed(0)
    m = lib.nn.Embedding(3, 2)
    return m(_i(lib, [k])).shape


def _embedding_bag(lib, k):
    return lib.nn.functional.embedding_bag(_i(lib, [0, k, 1]), _x(lib, (3, 2)), _i(lib, [0, 2]))


def _embedding_bag_2d(lib, k):
    return lib.nn.functional.embedding_bag(_i(lib, [[0, k]]), _x(lib, (3, 2)), mode="max")


def _one_hot(lib, k):
    return lib.nn.functional.one_hot(_i(lib, [0, k]), 3)


CASES = {
    "gather": _gather, "gather_dim1": _gather_dim1, "gather_0d": _gather_0d,
    "gather_1d_on_0d": _gather_1d_on_0d, "gather_empty_self": _gather_empty_self,
    "gather_int32": _gather_int32,
    "scatter_src": _scatter_src, "scatter_value": _scatter_value,
    "scatter_src_add": _scatter_src_add, "scatter_value_mul": _scatter_value_mul,
    "scatter_": _scatter_inplace, "scatter_0d": _scatter_0d,
    "scatter_add": _scatter_add, "scatter_add_": _scatter_add_,
    **{f"scatter_reduce_{r}_{s}": _scatter_reduce(r, s)
       for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)},
    "scatter_reduce_0d": _scatter_reduce_0d,
    "index_select": _index_select, "index_select_dim1": _index_select_dim1,
    "index_select_0d": _index_select_0d, "index_select_0d_idx": _index_select_0d_idx,
    "index_select_empty": _index_select_empty,
    "index_add": _index_add, "index_add_": _index_add_, "index_add_0d": _index_add_0d,
    "index_copy": _index_copy, "index_copy_": _index_copy_, "index_copy_0d": _index_copy_0d,
    "index_fill": _index_fill, "index_fill_tensor": _index_fill_tensor,
    "index_fill_": _index_fill_, "index_fill_0d": _index_fill_0d,
    **{f"index_reduce_{r}_{s}": _index_reduce(r, s)
       for r in ("prod", "mean", "amax", "amin") for s in (True, False)},
    "index_reduce_": _index_reduce_,
    "index_put": _index_put(False), "index_put_acc": _index_put(True),
    "index_put_2": _index_put_2, "index_put_": _index_put_,
    "setitem_tensor": _setitem_tensor, "setitem_list": _setitem_list,
    "setitem_two": _setitem_two, "setitem_int32": _setitem_int32,
    "getitem_tensor": _getitem_tensor, "getitem_list": _getitem_list,
    "getitem_two": _getitem_two, "getitem_2d_idx": _getitem_2d_idx,
    "getitem_int32": _getitem_int32, "getitem_after_int": _getitem_after_int,
    "take": _take, "take_2d": _take_2d, "take_0d": _take_0d,
    "take_along_dim": _take_along_dim, "take_along_flat": _take_along_flat,
    "take_along_dim1": _take_along_dim1,
    "put": _put(False), "put_acc": _put(True), "put_": _put_, "put_0d": _put_0d,
    "embedding": _embedding, "embedding_2d": _embedding_2d, "embedding_int32": _embedding_int32,
    "embedding_0d": _embedding_0d, "embedding_module": _embedding_module,
    "embedding_bag": _embedding_bag, "embedding_bag_2d": _embedding_bag_2d,
    "one_hot": _one_hot,
}
# 0-d inputs index a dimension of size 1
SIZE = {name: 1 for name in CASES if name.endswith("_0d") or name in (
    "gather_1d_on_0d", "index_select_0d", "gather_empty_self")}
SIZE["gather_empty_self"] = 0


def _outcome(fn, lib, k):
    try:
        return fn(lib, k), None
    except Exception as e:  # noqa: BLE001
        return None, e


def _compare(fn, k):
    t_out, t_exc = _outcome(fn, torch, k)
    n_out, n_exc = _outcome(fn, numtorch, k)
    if t_exc is not None:
        assert n_exc is not None, f"numtorch returned {n_out!r}; torch raised " \
                                  f"{type(t_exc).__name__}: {t_exc}"
        assert _same_exc_type(n_exc, t_exc), \
            f"{type(n_exc).__name__}: {n_exc} vs torch {type(t_exc).__name__}: {t_exc}"
        assert _strip(str(n_exc)) == _strip(str(t_exc)), \
            f"message {n_exc!s} != torch {_strip(str(t_exc))}"
        return
    assert n_exc is None, f"numtorch raised {type(n_exc).__name__}: {n_exc}; torch returned"
    _same(n_out, t_out)


def _same(n_out, t_out):
    if t_out is None:
        assert n_out is None
    elif isinstance(t_out, torch.Tensor):
        assert tuple(n_out.shape) == tuple(t_out.shape)
        assert str(n_out.dtype) == str(t_out.dtype)
        np.testing.assert_array_equal(n_out.detach().numpy(), t_out.detach().numpy())
    elif isinstance(t_out, tuple) and not isinstance(t_out, torch.Size):
        assert len(n_out) == len(t_out)
        for a, b in zip(n_out, t_out):
            _same(a, b)
    else:
        assert tuple(n_out) == tuple(t_out)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("name", list(CASES))
def test_bad_index(name, kind):
    n = SIZE.get(name, 3)
    _compare(CASES[name], KINDS[kind](n))


@pytest.mark.parametrize("name", list(CASES))
def test_valid_index(name):
    """The same calls with an in-range index agree too (the fast path is unchanged)."""
    _compare(CASES[name], SIZE.get(name, 3) - 1 if SIZE.get(name, 3) else 0)


# -- single calls: empty and 0-d inputs, several bad indices (the first in C order is named) ----
EXTRA = {
    "gather_first_bad": lambda L: L.zeros(3, 4).gather(0, L.tensor([[0, -1], [5, 0]])),
    "gather_first_bad_3d": lambda L: L.zeros(4, 4, 4).gather(
        1, L.tensor([[[0, 7], [-1, 0], [0, 0]]])),
    "gather_transposed_index": lambda L: L.zeros(3, 3).gather(
        0, L.tensor([[0, 5], [-1, 0]]).t()),
    "scatter_transposed_index": lambda L: L.zeros(3, 3).scatter_(
        1, L.tensor([[0, 5], [-1, 0]]).t(), 1.0),
    "getitem_transposed_index": lambda L: L.zeros(3, 3)[L.tensor([[0, 5], [-1, 0]]).t()],
    "gather_big": lambda L: L.zeros(3).gather(0, L.tensor([2 ** 40])),
    "scatter_empty_self": lambda L: L.zeros(0, 2).scatter(1, L.zeros(0, 1, dtype=L.long) + 5, 1.),
    "scatter_empty_index": lambda L: L.zeros(2, 2).scatter(1, L.zeros(0, 1, dtype=L.long), 1.),
    "scatter_add_empty_dim": lambda L: L.zeros(0, 2).scatter_add(
        0, L.zeros(1, 1, dtype=L.long), L.ones(1, 1)),
    "index_select_first_bad_dim1": lambda L: L.zeros(2, 3).index_select(1, L.tensor([0, 7, -2])),
    "index_select_size0": lambda L: L.zeros(0, 3).index_select(0, L.tensor([0])),
    "index_select_1d_empty": lambda L: L.zeros(0).index_select(0, L.tensor([-1])),
    "index_select_0d_0d": lambda L: L.tensor(1.).index_select(0, L.tensor(-1)),
    "index_add_first_bad": lambda L: L.zeros(4, 4).index_add(0, L.tensor([0, -1, 7]),
                                                             L.ones(3, 4)),
    "index_add_mid_dim": lambda L: L.zeros(3, 3, 2).index_add(1, L.tensor([3]), L.ones(3, 1, 2)),
    "index_add_last_dim": lambda L: L.zeros(2, 3, 3).index_add(2, L.tensor([-1]), L.ones(2, 3, 1)),
    "index_add_int32": lambda L: L.zeros(3, 4).index_add(0, L.tensor([3], dtype=L.int32),
                                                         L.ones(1, 4)),
    "index_add_1d": lambda L: L.zeros(3).index_add(0, L.tensor([-1]), L.ones(1)),
    "index_add_1d_empty": lambda L: L.zeros(0).index_add(0, L.tensor([3]), L.ones(1)),
    "index_add_empty_self": lambda L: L.zeros(0, 3).index_add(1, L.tensor([-1]), L.ones(0, 1)),
    "index_add_empty_dim": lambda L: L.zeros(0, 2).index_add(0, L.tensor([5]), L.zeros(1, 2)),
    "index_add_int_self": lambda L: L.zeros(3, 4, dtype=L.long).index_add(
        0, L.tensor([3]), L.ones(1, 4, dtype=L.long)),
    "index_add_bool_alpha": lambda L: L.zeros(3, 4, dtype=L.bool).index_add(
        0, L.tensor([3]), L.ones(1, 4, dtype=L.bool), alpha=True),
    "index_add_bool": lambda L: L.zeros(3, 4, dtype=L.bool).index_add(
        0, L.tensor([3]), L.ones(1, 4, dtype=L.bool)),
    "index_add_alpha_float_one": lambda L: L.zeros(3, 4).index_add(
        0, L.tensor([3]), L.ones(1, 4), alpha=1.0),
    "index_add_alpha_two": lambda L: L.zeros(3, 4).index_add(
        0, L.tensor([3]), L.ones(1, 4), alpha=2),
    "index_copy_1d_neg": lambda L: L.zeros(3).index_copy(0, L.tensor([-1]), L.zeros(1)),
    "index_copy_first_bad": lambda L: L.zeros(3).index_copy(0, L.tensor([-5, 4]), L.zeros(2)),
    "index_copy_0d_index": lambda L: L.zeros(3).index_copy(0, L.tensor(4), L.zeros(1)),
    "index_copy_empty_self": lambda L: L.zeros(0, 2).index_copy(1, L.tensor([5]), L.zeros(0, 1)),
    "index_fill_first_bad": lambda L: L.zeros(3).index_fill(0, L.tensor([-5, 4]), 1.),
    "index_fill_empty_self": lambda L: L.zeros(0, 2).index_fill(1, L.tensor([5]), 1.),
    "index_fill_0d_neg": lambda L: L.zeros(()).index_fill(0, L.tensor([-1]), 1.),
    "index_fill_0d_bad": lambda L: L.zeros(()).index_fill(0, L.tensor([-2]), 1.),
    "index_reduce_1d": lambda L: L.zeros(3).index_reduce(0, L.tensor([5]), L.zeros(1), "amax"),
    "index_reduce_1d_excl": lambda L: L.zeros(3).index_reduce(
        0, L.tensor([-5]), L.zeros(1), "amax", include_self=False),
    "index_reduce_first_bad_excl": lambda L: L.zeros(3).index_reduce(
        0, L.tensor([-1, 4, -5]), L.zeros(3), "amax", include_self=False),
    "index_reduce_int32": lambda L: L.zeros(3).index_reduce(
        0, L.tensor([4], dtype=L.int32), L.zeros(1), "amax"),
    "index_reduce_empty_self": lambda L: L.zeros(0, 2).index_reduce(
        1, L.tensor([-1]), L.zeros(0, 1), "amax", include_self=False),
    "take_first_bad": lambda L: L.zeros(3).take(L.tensor([-5, 4])),
    "take_empty": lambda L: L.zeros(0).take(L.tensor([-1])),
    "take_empty_2d": lambda L: L.zeros(0, 3).take(L.tensor([5])),
    "take_empty_both": lambda L: L.zeros(0).take(L.tensor([], dtype=L.long)),
    "put_empty": lambda L: L.zeros(0).put(L.tensor([0]), L.tensor([1.]), accumulate=True),
    "put_empty_both": lambda L: L.zeros(0).put(L.tensor([], dtype=L.long), L.zeros(0)),
    "put_first_bad": lambda L: L.zeros(3).put_(L.tensor([-5, 4]), L.ones(2), accumulate=True),
    "put_0d_index": lambda L: L.zeros(3).put(L.tensor(3), L.tensor(1.)),
    "take_along_dim_wraps": lambda L: L.take_along_dim(
        L.arange(6.).reshape(3, 2), L.tensor([[5], [-7]]), dim=0),
    "take_along_dim_neg_dim": lambda L: L.take_along_dim(
        L.arange(6.).reshape(2, 3), L.tensor([[5, -7]]), dim=-1),
    "take_along_dim_3d": lambda L: L.take_along_dim(
        L.arange(24.).reshape(2, 3, 4), L.tensor([[[5]]]), dim=1),
    "take_along_dim_size0": lambda L: L.take_along_dim(L.zeros(0, 2), L.tensor([[0]]), dim=0),
    "take_along_dim_size0_empty": lambda L: L.take_along_dim(
        L.zeros(0, 2), L.zeros(0, 1, dtype=L.long), dim=0),
    "take_along_dim_int32": lambda L: L.take_along_dim(
        L.zeros(3, 2), L.tensor([[5]], dtype=L.int32), dim=0),
    "take_along_dim_0d_dim": lambda L: L.take_along_dim(L.zeros(()), L.tensor(0), dim=-1),
    "take_along_dim_0d_flat": lambda L: L.take_along_dim(L.zeros(()), L.tensor(-1)),
    "take_along_dim_out": lambda L: L.take_along_dim(L.arange(3.), L.tensor([5]), dim=0,
                                                     out=L.zeros(1)),
    "getitem_neg_list": lambda L: L.zeros(3, 4)[[-3, -4]],
    "getitem_first_bad": lambda L: L.zeros(3, 4)[L.tensor([[0, -1], [5, 0]])],
    "getitem_two_separated": lambda L: L.zeros(3, 4, 5)[[0], :, [5]],
    "getitem_after_none": lambda L: L.zeros(3, 4)[None, :, [4]],
    "getitem_after_mask": lambda L: L.zeros(3, 4)[L.ones(3, dtype=L.bool), [4]],
    "getitem_big": lambda L: L.zeros(3, 4)[[2 ** 40]],
    "getitem_0d": lambda L: L.zeros(())[L.tensor([0])],
    "getitem_grad": lambda L: L.zeros(3, 4).requires_grad_()[L.tensor([3])],
    "setitem_grad": lambda L: (L.zeros(3, 4).requires_grad_() * 1).__setitem__(L.tensor([3]), 1.),
    "setitem_0d": lambda L: L.zeros(()).__setitem__(L.tensor([1]), 1.),
    "index_put_neg": lambda L: L.zeros(3, 4).index_put((L.tensor([-1]),), L.tensor(1.),
                                                       accumulate=True),
    "index_put_neg_bad": lambda L: L.zeros(3, 4).index_put((L.tensor([-4]),), L.tensor(1.),
                                                           accumulate=True),
    "index_put_mask_shape": lambda L: L.zeros(3, 4).index_put((L.ones(4, dtype=L.bool),),
                                                              L.tensor(1.)),
    "getitem_mask_shape": lambda L: L.zeros(3, 4)[L.ones(3, 3, dtype=L.bool)],
    "masked_select_shape": lambda L: L.zeros(3, 4).masked_select(L.ones(3, dtype=L.bool)),
    "masked_select_empty": lambda L: L.zeros(0, 4).masked_select(L.ones(3, 4, dtype=L.bool)),
    "masked_fill_bigger_mask": lambda L: L.zeros(3, 4).masked_fill(L.ones(2, 3, 4, dtype=L.bool),
                                                                   1.),
    "masked_fill__bigger_mask": lambda L: L.zeros(3, 4).masked_fill_(
        L.ones(2, 3, 4, dtype=L.bool), 1.),
    "masked_fill__self_bcast": lambda L: L.zeros(1, 4).masked_fill_(L.ones(3, 4, dtype=L.bool),
                                                                    1.),
    "masked_scatter_short": lambda L: L.zeros(3, 4).masked_scatter(L.ones(3, 4, dtype=L.bool),
                                                                   L.ones(5)),
    "masked_scatter_bigger_mask": lambda L: L.zeros(3, 4).masked_scatter(
        L.ones(2, 3, 4, dtype=L.bool), L.ones(24)),
    "embedding_max_norm_neg": lambda L: L.nn.functional.embedding(
        L.tensor([0, -1]), L.ones(3, 2), max_norm=0.5),
    "embedding_max_norm_bad": lambda L: L.nn.functional.embedding(
        L.tensor([0, 3]), L.ones(3, 2), max_norm=0.5),
    "embedding_max_norm_bad_neg": lambda L: L.nn.functional.embedding(
        L.tensor([5, -4]), L.ones(3, 2), max_norm=0.5),
    "embedding_bag_f64": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 3, 1]), L.ones(3, 2, dtype=L.float64), L.tensor([0, 2])),
    "embedding_bag_padding": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, -1, 1]), L.ones(3, 2), L.tensor([0, 2]), padding_idx=0),
    "embedding_bag_psw": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 3, 1]), L.ones(3, 2), L.tensor([0, 2]), mode="sum",
        per_sample_weights=L.ones(3)),
    "embedding_bag_last_offset": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 3, 1]), L.ones(3, 2), L.tensor([0, 2, 3]), include_last_offset=True),
    "embedding_bag_max_second_bag": lambda L: L.nn.functional.embedding_bag(
        L.tensor([[0, 1], [1, -1]]), L.ones(3, 2), mode="max"),
    "embedding_bag_offsets_first": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1, 1]), L.ones(3, 2), L.tensor([1, 2])),
    "embedding_bag_offsets_past_end": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1, 1]), L.ones(3, 2), L.tensor([0, 5])),
    "getitem_size0_dim": lambda L: L.zeros(3, 0)[:, [0]],
    "getitem_size0_dim_neg": lambda L: L.zeros(3, 0)[:, L.tensor([-1])],
    "getitem_size0_two": lambda L: L.zeros(2, 0)[[5], [0]],
    "getitem_size0_empty_index": lambda L: L.zeros(0, 4)[L.tensor([], dtype=L.long)],
    "getitem_empty_result_bad": lambda L: L.zeros(2, 0, 3)[:, :, [7]],
    "getitem_empty_result_bad_two": lambda L: L.zeros(2, 0, 3)[[0], :, [9]],
    "getitem_empty_bcast_bad": lambda L: L.zeros(2, 3)[[9], L.zeros(0, dtype=L.long)],
    "getitem_two_first_bad": lambda L: L.zeros(2, 3, 4)[[0, 5], [7, 0]],
    "getitem_two_bcast_first_bad": lambda L: L.zeros(2, 3, 4)[[[5], [1]], [7, 0]],
    "getitem_mask_counts_dims": lambda L: L.zeros(2, 3, 4)[L.ones(2, 3, dtype=L.bool), [4]],
    "getitem_mask_size0": lambda L: L.zeros(0, 3)[L.zeros(0, dtype=L.bool), [5]],
    "setitem_size0": lambda L: L.zeros(0, 4).__setitem__(L.tensor([0]), 1.),
    "index_put_size0": lambda L: L.zeros(0, 4).index_put((L.tensor([0]),), L.tensor(1.),
                                                         accumulate=True),
    "index_put_empty_result_bad": lambda L: L.zeros(2, 0, 3).index_put(
        (L.tensor([0]), L.tensor([], dtype=L.long)), L.tensor(1.), accumulate=True),
    "index_put_too_many": lambda L: L.zeros(3).index_put((L.tensor([1]), L.tensor([0])),
                                                         L.tensor(1.)),
    "index_put_none": lambda L: L.zeros(3, 4).index_put((L.tensor([0]), None), L.tensor(1.)),
    "masked_fill_shape": lambda L: L.zeros(3, 4).masked_fill(L.ones(3, dtype=L.bool), 1.),
    "masked_fill_empty_shape": lambda L: L.zeros(0, 4).masked_fill(L.ones(3, 4, dtype=L.bool),
                                                                   1.),
    "masked_scatter_shape": lambda L: L.zeros(3, 4).masked_scatter(L.ones(3, dtype=L.bool),
                                                                   L.ones(12)),
    "masked_scatter__bigger_mask": lambda L: L.zeros(3, 4).masked_scatter_(
        L.ones(2, 3, 4, dtype=L.bool), L.ones(24)),
    "masked_scatter__self_bcast": lambda L: L.zeros(1, 4).masked_scatter_(
        L.ones(3, 4, dtype=L.bool), L.ones(12)),
    "masked_scatter__bcast_ok": lambda L: L.zeros(3, 4).masked_scatter_(
        L.tensor([True, False, True, False]), L.arange(12.)),
    "unravel_index_past_end": lambda L: L.unravel_index(L.tensor([-10, 10]), (3, 3)),
    "unravel_index_size0": lambda L: L.unravel_index(L.tensor(0), (3, 0)),
    "unravel_index_size0_empty": lambda L: L.unravel_index(L.tensor([], dtype=L.long), (3, 0)),
    "select_scatter_neg": lambda L: L.select_scatter(L.zeros(3, 2), L.ones(2), 0, -1),
    "select_scatter_bad": lambda L: L.select_scatter(L.zeros(3, 2), L.ones(2), 0, -4),
    "select_scatter_0d": lambda L: L.select_scatter(L.ones(()), L.tensor(1.), 0, 0),
    "select_scatter_big": lambda L: L.select_scatter(L.ones(3, 2), L.ones(2), 0, 2 ** 40),
    "slice_scatter_step0": lambda L: L.slice_scatter(L.ones(3), L.ones(1), 0, 0, 1, 0),
    "slice_scatter_neg_step": lambda L: L.slice_scatter(L.ones(3), L.ones(1), 0, 0, 1, -1),
    "slice_scatter_past_end": lambda L: L.slice_scatter(L.ones(3, 2), L.ones(0, 2), 0, 5),
    "diagonal_scatter_past_end": lambda L: L.diagonal_scatter(L.ones(2, 3), L.ones(0), 7),
    "select_scatter_bad_neg_dim": lambda L: L.select_scatter(L.zeros(3, 2), L.ones(3), -1, 2),
}


@pytest.mark.parametrize("name", list(EXTRA))
def test_edge(name):
    _compare(lambda lib, k: EXTRA[name](lib), None)


# -- gradients where torch accepts a negative or wrapped index ---------------------------------
GRAD = [
    ((3, 4), lambda L, x: x[L.tensor([-1, 0, -1])]),
    ((3, 4), lambda L, x: x[:, [-4, 3, -1]]),
    ((3, 4), lambda L, x: x.take(L.tensor([-1, -12, 5, -1]))),
    ((3, 4), lambda L, x: x.index_fill(0, L.tensor([-1]), 2.0)),
    ((3, 4), lambda L, x: x.index_put((L.tensor([-1, -1]),), L.ones(4), accumulate=True)),
    ((3, 4), lambda L, x: x.put(L.tensor([-1, 0, -12]), L.ones(3), accumulate=True)),
    ((3, 4), lambda L, x: L.take_along_dim(x, L.tensor([[5], [-7]]), dim=0)),
    ((3, 4), lambda L, x: L.take_along_dim(x, L.tensor([[-1, 9]]), dim=1)),
]


@pytest.mark.parametrize("shape,fn", GRAD)
def test_grad_with_negative_index(shape, fn):
    check(fn, [shape], dtypes=["float64"])


@pytest.mark.parametrize("op", [
    lambda L, x: x.scatter_(0, L.tensor([-1]), 1.0),
    lambda L, x: x.scatter_add_(0, L.tensor([-1]), L.ones(1)),
    lambda L, x: x.scatter_reduce_(0, L.tensor([-1]), L.ones(1), "amax"),
    lambda L, x: x.index_add_(0, L.tensor([-1]), L.ones(1)),
    lambda L, x: x.index_copy_(0, L.tensor([-1]), L.ones(1)),
    lambda L, x: x.index_fill_(0, L.tensor([3]), 1.0),
    lambda L, x: x.index_reduce_(0, L.tensor([-1]), L.ones(1), "prod"),
    lambda L, x: x.index_put_((L.tensor([3]),), L.ones(1), accumulate=True),
    lambda L, x: x.put_(L.tensor([3]), L.ones(1)),
    lambda L, x: x.__setitem__(L.tensor([-4]), 1.0),
])
def test_failed_inplace_leaves_self(op):
    """A rejected index writes nothing (and bumps no version), in either library."""
    for lib in (torch, numtorch):
        x = lib.zeros(3)
        v = x._version
        with pytest.raises((IndexError, RuntimeError)):
            op(lib, x)
        assert x.tolist() == [0.0, 0.0, 0.0] and x._version == v
