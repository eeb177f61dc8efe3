"""``nn.utils.rnn``: PackedSequence, packing/padding functions, their gradients and errors,
compared with torch live."""

import pickle

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check_raises

LIBS = (torch, numtorch)


def _both(fn, arrays, grad=True, seed=0):
    """Run fn(lib, *tensors) in both libraries; compare outputs (nested) and input grads."""
    res = {}
    for lib in LIBS:
        ins = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
        out = fn(lib, *ins)
        res[lib] = (ins, out)
    (t_in, t_out), (n_in, n_out) = res[torch], res[numtorch]
    t_flat, n_flat = _flatten(t_out), _flatten(n_out)
    assert len(t_flat) == len(n_flat)
    for a, b in zip(n_flat, t_flat):
        assert_same_value(a, b)
        if isinstance(b, torch.Tensor) and b.grad_fn is not None:
            assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
    if grad:
        diff = [(a, b) for a, b in zip(n_flat, t_flat)
                if isinstance(b, torch.Tensor) and b.requires_grad]
        rng = np.random.default_rng(seed)
        gs = [rng.standard_normal(tuple(b.shape)).astype(str(b.dtype)[6:]) for _, b in diff]
        torch.autograd.backward([b for _, b in diff], [torch.tensor(g) for g in gs])
        numtorch.autograd.backward([a for a, _ in diff], [numtorch.tensor(g) for g in gs])
        for i, (a, b) in enumerate(zip(n_in, t_in)):
            if b.requires_grad:
                assert_same_value(a.grad, b.grad, what=f"grad of input {i}")
    return n_out, t_out


def _flatten(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flatten(o))
        return res
    return [out]


RNG = np.random.default_rng(0)
X = RNG.standard_normal((5, 3, 2)).astype("float32")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths", [[5, 3, 2], [5, 5, 5], [2, 5, 3], [1, 1, 4]])
@pytest.mark.parametrize("as_tensor", [False, True])
def test_pack_then_pad(batch_first, lengths, as_tensor):
    x = X.transpose(1, 0, 2).copy() if batch_first else X
    enforce = lengths == sorted(lengths, reverse=True)

    def fn(lib, x):
        lens = lib.tensor(lengths) if as_tensor else lengths
        p = lib.nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=batch_first,
                                                  enforce_sorted=enforce)
        assert type(p).__name__ == "PackedSequence"
        padded, out_lens = lib.nn.utils.rnn.pad_packed_sequence(p, batch_first=batch_first)
        return [p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices, padded * 2,
                out_lens]
    _both(fn, [x])


@pytest.mark.parametrize("kw", [dict(total_length=7), dict(padding_value=-3.5),
                                dict(batch_first=True, total_length=6, padding_value=1.0)])
def test_pad_packed_options(kw):
    def fn(lib, x):
        p = lib.nn.utils.rnn.pack_padded_sequence(x, [4, 5, 2], enforce_sorted=False)
        return lib.nn.utils.rnn.pad_packed_sequence(p, **kw)
    _both(fn, [X])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("value", [0.0, -1.5])
def test_pad_sequence(batch_first, side, value):
    arrs = [RNG.standard_normal((n, 3)).astype("float32") for n in (2, 4, 1)]

    def fn(lib, *seqs):
        return lib.nn.utils.rnn.pad_sequence(list(seqs), batch_first=batch_first,
                                             padding_value=value, padding_side=side)
    _both(fn, arrs)


def test_pad_sequence_dtype_and_iterables():
    for lib_pair in [(torch, numtorch)]:
        outs = []
        for lib in lib_pair:
            a = lib.tensor([1, 2])
            b = lib.tensor([3.0])
            outs.append([lib.nn.utils.rnn.pad_sequence([a, b], padding_value=1.5),
                         lib.nn.utils.rnn.pad_sequence((b, a)),
                         lib.nn.utils.rnn.pad_sequence(lib.ones(2, 3))])
        for x, y in zip(outs[1], outs[0]):
            assert_same_value(x, y)


@pytest.mark.parametrize("enforce", [True, False])
def test_pack_sequence_unpack_unpad(enforce):
    arrs = [RNG.standard_normal((n, 2)).astype("float64") for n in ((4, 3, 1) if enforce
                                                                    else (2, 4, 3))]

    def fn(lib, *seqs):
        rnn = lib.nn.utils.rnn
        p = rnn.pack_sequence(list(seqs), enforce_sorted=enforce)
        un = rnn.unpack_sequence(p)
        padded = rnn.pad_sequence(list(seqs), batch_first=True)
        unp = rnn.unpad_sequence(padded, lib.tensor([s.shape[0] for s in seqs]),
                                 batch_first=True)
        unp2 = rnn.unpad_sequence(padded.transpose(0, 1) * 1.0,
                                  lib.tensor([s.shape[0] for s in seqs]))
        return [p.data, p.batch_sizes, p.sorted_indices, *un, *unp, *unp2]
    _both(fn, arrs)


def test_invert_permutation():
    for perm in ([2, 0, 1], [0], [3, 1, 0, 2]):
        assert_same_value(numtorch.nn.utils.rnn.invert_permutation(numtorch.tensor(perm)),
                          torch.nn.utils.rnn.invert_permutation(torch.tensor(perm)))
    assert numtorch.nn.utils.rnn.invert_permutation(None) is None


def test_packed_sequence_object():
    made = {}
    for lib in LIBS:
        PS = lib.nn.utils.rnn.PackedSequence
        p = PS(lib.ones(3), lib.tensor([2, 1]))
        q = PS((lib.ones(3), lib.tensor([2, 1])), sorted_indices=lib.tensor([1, 0]))
        made[lib] = (p, q, PS)
    (tp, tq, TPS), (np_, nq, NPS) = made[torch], made[numtorch]
    assert repr(np_) == repr(tp) and repr(nq) == repr(tq)
    assert NPS._fields == TPS._fields
    assert [c.__name__ for c in NPS.__mro__] == [c.__name__ for c in TPS.__mro__]
    assert len(np_) == 4 and np_[0] is np_.data
    assert np_.to(numtorch.float32) is np_ and np_.cpu() is np_ and np_.float() is np_
    for name in ("double", "float", "half", "long", "int", "short", "char", "byte"):
        a, b = getattr(np_, name)(), getattr(tp, name)()
        assert type(a) is NPS and str(a.data.dtype) == str(b.data.dtype)
        assert a.batch_sizes.dtype == numtorch.int64
    assert np_.is_cuda is tp.is_cuda and np_.is_pinned() == tp.is_pinned()
    assert_same_value(nq.unsorted_indices, tq.unsorted_indices)
    assert repr(pickle.loads(pickle.dumps(np_))) == repr(tp)
    with pytest.raises(AssertionError, match="list or tuple of length 2"):
        NPS(numtorch.ones(3))
    with pytest.raises(AssertionError, match="list or tuple of length 2"):
        TPS(torch.ones(3))


@pytest.mark.parametrize("case", [
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, [3, 5, 2]),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, [5, 3, 0]),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, [0, 3, 5]),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, [5, 3]),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, []),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, [5, 3, 2], batch_first=True),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, [5, 3, -1], enforce_sorted=False),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x, lib.tensor([[5, 3, 2]])),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x[:0], [5, 3, 2]),
    lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x[0, 0], [2]),
    lambda lib, x: lib.nn.utils.rnn.pad_packed_sequence(
        lib.nn.utils.rnn.pack_padded_sequence(x, [5, 3, 2]), total_length=3),
    lambda lib, x: lib.nn.utils.rnn.pad_sequence([x[0], x[1]], padding_side="middle"),
    lambda lib, x: lib.nn.utils.rnn.pad_sequence([]),
    lambda lib, x: lib.nn.utils.rnn.pad_sequence([x[0, 0, 0], x[0, 0, 1]]),
    lambda lib, x: lib.nn.utils.rnn.pack_sequence([x[:2, 0], x[:3, 0]]),
])
def test_errors(case):
    check_raises(case, arrays=[X])


def test_lengths_float_tensor():
    for lib in LIBS:
        p = lib.nn.utils.rnn.pack_padded_sequence(lib.tensor(X), lib.tensor([5.0, 3.0, 2.7]))
        assert p.batch_sizes.tolist() == [3, 3, 2, 1, 1]


def test_second_order_through_packing():
    def fn(lib, x):
        rnn = lib.nn.utils.rnn
        x.requires_grad_()
        p = rnn.pack_padded_sequence(x, [3, 5, 2], enforce_sorted=False)
        padded, _ = rnn.pad_packed_sequence(p, batch_first=True, total_length=6)
        y = (padded.pow(3) * 0.5).sum()
        (g,) = lib.autograd.grad(y, [x], create_graph=True)
        return [g, lib.autograd.grad(g.pow(2).sum(), [x])[0]]
    _both(fn, [X.astype("float64")], grad=False)
