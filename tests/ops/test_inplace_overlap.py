"""In-place writes into an expanded tensor (internal overlap) against torch."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _strip


def _exp(lib):
    return lib.zeros(3).expand(2, 3)


RAISES = {
    "add_": lambda lib: _exp(lib).add_(1),
    "add_t": lambda lib: _exp(lib).add_(lib.ones(2, 3)),
    "mul_": lambda lib: _exp(lib).mul_(2),
    "div_": lambda lib: _exp(lib).div_(2),
    "neg_": lambda lib: _exp(lib).neg_(),
    "exp_": lambda lib: _exp(lib).exp_(),
    "clamp_": lambda lib: _exp(lib).clamp_(0, 1),
    "copy_": lambda lib: _exp(lib).copy_(lib.ones(2, 3)),
    "copy_bcast": lambda lib: _exp(lib).copy_(lib.ones(3)),
    "fill_tensor": lambda lib: _exp(lib).fill_(lib.tensor(1.0)),
    "setitem_all": lambda lib: _exp(lib).__setitem__(..., 1),
    "setitem_col": lambda lib: _exp(lib).__setitem__((slice(None), 0), 1),
    "scatter_": lambda lib: _exp(lib).scatter_(0, lib.tensor([[0, 0, 0]]), 1.0),
    "index_add_": lambda lib: _exp(lib).index_add_(0, lib.tensor([0]), lib.ones(1, 3)),
    "addcmul_": lambda lib: _exp(lib).addcmul_(lib.ones(3), lib.ones(3)),
    "uniform_": lambda lib: _exp(lib).uniform_(),
    "one_element": lambda lib: lib.zeros(1).expand(3).add_(1),
    "view_column": lambda lib: _exp(lib)[:, 0].add_(1),
    "mul_out": lambda lib: lib.mul(lib.ones(2, 3), 2, out=_exp(lib)),
    "exp_out": lambda lib: lib.exp(lib.ones(2, 3), out=_exp(lib)),
    "grad_add_": lambda lib: lib.zeros(3, requires_grad=True).clone().expand(2, 3).add_(1),
    "grad_setitem": lambda lib: lib.zeros(3, requires_grad=True).clone().expand(2, 3)
    .__setitem__(..., lib.tensor(1.0)),
}


@pytest.mark.parametrize("name", sorted(RAISES))
def test_overlap_raises_as_torch(name):
    fn = RAISES[name]
    with pytest.raises(RuntimeError) as t_exc:
        fn(torch)
    with pytest.raises(RuntimeError) as n_exc:
        fn(numtorch)
    assert str(n_exc.value) == _strip(str(t_exc.value))
    assert "more than one element of the written-to tensor" in str(n_exc.value)


def _values(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


ALLOWED = {
    "fill_": lambda lib: _exp(lib).fill_(1),
    "zero_": lambda lib: _exp(lib).zero_(),
    "row_view": lambda lib: _exp(lib)[0].add_(1),
    "setitem_row": lambda lib: _setitem(_exp(lib), 0, 2.0),
    "out_row_view": lambda lib: lib.mul(lib.ones(3), 2, out=_exp(lib)[0]),
    "no_overlap_expand": lambda lib: lib.zeros(1, 3).expand(1, 3).add_(1),
    "index_put_": lambda lib: _exp(lib).index_put_((lib.tensor([0]),), lib.tensor(1.0)),
    "masked_fill_": lambda lib: _exp(lib).masked_fill_(lib.tensor([[True, False, True]] * 2), 1.0),
    "index_fill_": lambda lib: _exp(lib).index_fill_(1, lib.tensor([1]), 3.0),
    "setitem_index": lambda lib: _setitem(_exp(lib), lib.tensor([0]), lib.ones(1, 3)),
}


def _setitem(t, idx, v):
    t[idx] = v
    return t


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_overlap_allowed_as_torch(name):
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        theirs = ALLOWED[name](torch)
    with warnings.catch_warnings(record=True) as nw:
        warnings.simplefilter("always")
        ours = ALLOWED[name](numtorch)
    np.testing.assert_array_equal(_values(ours), _values(theirs))
    t_msgs = [_strip(str(w.message)) for w in tw if "expanded tensors" in str(w.message)]
    n_msgs = [str(w.message) for w in nw if "expanded tensors" in str(w.message)]
    if name != "setitem_index":  # torch warns from index_put_ under __setitem__ too
        assert n_msgs == t_msgs


def test_setitem_row_of_expanded_recorded():
    def fn(lib):
        t = lib.zeros(3, requires_grad=True).clone().expand(2, 3)
        t[0] = lib.tensor(1.0)
        return t
    np.testing.assert_array_equal(_values(fn(numtorch)), _values(fn(torch)))
    assert fn(numtorch).grad_fn.name() == fn(torch).grad_fn.name()


@pytest.mark.parametrize("name", ["tril_", "triu_", "copy_self"])
def test_overlap_allowed_more(name):
    def fn(lib):
        e = lib.ones(3).mul(0.5).expand(2, 3)
        return e.copy_(e) if name == "copy_self" else getattr(e, name)()
    np.testing.assert_array_equal(_values(fn(numtorch)), _values(fn(torch)))
