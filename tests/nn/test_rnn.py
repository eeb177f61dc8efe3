"""RNN / LSTM / GRU (and cells) against torch with the same weights; default init after the
same seed; dropout between layers with the same masks."""

import warnings

import numpy as np
import pytest
import torch

import numtorch

CASES = [
    ("RNN", {}),
    ("RNN", dict(nonlinearity="relu", num_layers=2, bidirectional=True)),
    ("LSTM", dict(num_layers=2, batch_first=True)),
    ("LSTM", dict(bidirectional=True, bias=False)),
    ("GRU", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("GRU", {}),
    ("LSTM", dict(num_layers=3, dropout=0.4)),
    ("GRU", dict(num_layers=2, dropout=0.5, bidirectional=True)),
]


def _copy(tm, nm):
    nm.load_state_dict({k: numtorch.tensor(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})


def _flat(out, lstm):
    return [out[0]] + (list(out[1]) if lstm else [out[1]])


@pytest.mark.parametrize("cls,kw", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("with_h0", [False, True])
def test_against_torch(cls, kw, dtype, with_h0):
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = getattr(torch.nn, cls)(4, 5, **kw).to(getattr(torch, dtype))
        nm = getattr(numtorch.nn, cls)(4, 5, **kw).to(getattr(numtorch, dtype))
    _copy(tm, nm)
    assert repr(nm) == repr(tm)
    lstm = cls == "LSTM"
    x = rng.standard_normal((3, 2, 4)).astype(dtype)
    dirs = 2 if kw.get("bidirectional") else 1
    batch = 3 if kw.get("batch_first") else 2
    h0 = rng.standard_normal((kw.get("num_layers", 1) * dirs, batch, 5)).astype(dtype)
    res = {}
    for lib, m in ((torch, tm), (numtorch, nm)):
        xt = lib.tensor(x, requires_grad=True)
        ht = lib.tensor(h0, requires_grad=True)
        args = [xt]
        if with_h0:
            args.append((ht, ht * 0.5) if lstm else ht)
        lib.manual_seed(5)
        outs = _flat(m(*args), lstm)
        gs = [lib.tensor(np.random.default_rng(1).standard_normal(tuple(o.shape)).astype(dtype))
              for o in outs]
        lib.autograd.backward(outs, gs)
        res[lib.__name__] = ([o.detach().numpy() for o in outs], xt.grad.numpy(),
                             ht.grad.numpy() if with_h0 else None,
                             [p.grad.numpy() for _, p in m.named_parameters()])
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-9, atol=1e-10)
    t, n = res["torch"], res["numtorch"]
    for a, b in zip(n[0], t[0]):
        np.testing.assert_allclose(a, b, **tol)
    np.testing.assert_allclose(n[1], t[1], **tol)
    if with_h0:
        np.testing.assert_allclose(n[2], t[2], **tol)
    for a, b in zip(n[3], t[3]):
        np.testing.assert_allclose(a, b, **tol)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_unbatched(cls):
    tm = getattr(torch.nn, cls)(3, 4)
    nm = getattr(numtorch.nn, cls)(3, 4)
    _copy(tm, nm)
    x = np.random.default_rng(2).standard_normal((5, 3)).astype(np.float32)
    a = _flat(tm(torch.tensor(x)), cls == "LSTM")
    b = _flat(nm(numtorch.tensor(x)), cls == "LSTM")
    for u, v in zip(b, a):
        assert tuple(u.shape) == tuple(v.shape)
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls,args", [("RNN", (3, 4, 2)), ("LSTM", (3, 4, 2, True, False, 0.0,
                                                                   True)),
                                      ("GRU", (3, 4)), ("RNNCell", (3, 4)),
                                      ("LSTMCell", (3, 4)), ("GRUCell", (3, 4, False))])
def test_default_init_bit_identical(cls, args):
    torch.manual_seed(2)
    tm = getattr(torch.nn, cls)(*args)
    numtorch.manual_seed(2)
    nm = getattr(numtorch.nn, cls)(*args)
    tp, np_ = list(tm.named_parameters()), list(nm.named_parameters())
    assert [k for k, _ in tp] == [k for k, _ in np_]
    for (k, a), (_, b) in zip(tp, np_):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy()), k
    assert repr(nm) == repr(tm)


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
def test_cells(cls, batched):
    tm = getattr(torch.nn, cls)(4, 5)
    nm = getattr(numtorch.nn, cls)(4, 5)
    _copy(tm, nm)
    rng = np.random.default_rng(4)
    shape = (3, 4) if batched else (4,)
    x = rng.standard_normal(shape).astype(np.float32)
    h = rng.standard_normal(shape[:-1] + (5,)).astype(np.float32)
    res = {}
    for lib, m in ((torch, tm), (numtorch, nm)):
        xt = lib.tensor(x, requires_grad=True)
        ht = lib.tensor(h, requires_grad=True)
        out = m(xt, (ht, ht * 2) if cls == "LSTMCell" else ht)
        outs = list(out) if isinstance(out, tuple) else [out]
        sum(o.sum() for o in outs).backward()
        res[lib.__name__] = ([o.detach().numpy() for o in outs], xt.grad.numpy(),
                             ht.grad.numpy())
    for a, b in zip(res["numtorch"][0], res["torch"][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res["numtorch"][1], res["torch"][1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res["numtorch"][2], res["torch"][2], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make,call", [
    (lambda lib: lib.nn.RNN(4, 5), lambda lib, m: m(lib.zeros(3, 2, 6))),
    (lambda lib: lib.nn.RNN(4, 5), lambda lib, m: m(lib.zeros(3, 2, 4, 1))),
    (lambda lib: lib.nn.LSTM(4, 5), lambda lib, m: m(lib.zeros(3, 2, 4, 1))),
    (lambda lib: lib.nn.RNN(4, 5), lambda lib, m: m(lib.zeros(3, 2, 4), lib.zeros(1, 3, 5))),
    (lambda lib: lib.nn.LSTM(4, 5, 2),
     lambda lib, m: m(lib.zeros(3, 2, 4), (lib.zeros(2, 2, 5), lib.zeros(2, 3, 5)))),
    (lambda lib: lib.nn.RNN(4, 5), lambda lib, m: m(lib.zeros(3, 4), lib.zeros(1, 1, 5))),
    (lambda lib: lib.nn.RNNCell(4, 5), lambda lib, m: m(lib.zeros(2, 3, 4))),
    (lambda lib: lib.nn.LSTMCell(4, 5), lambda lib, m: m(lib.zeros(2, 3))),
    (lambda lib: lib.nn.RNN(4, 5, dropout=1.5), None),
])
def test_errors(make, call):
    excs = []
    for lib in (torch, numtorch):
        try:
            m = make(lib)
            call(lib, m)
        except Exception as e:  # noqa: BLE001
            excs.append(e)
        else:
            raise AssertionError(f"{lib.__name__} did not raise")
    assert type(excs[1]) is type(excs[0])
    assert str(excs[1]) == str(excs[0])


def test_dropout_warning():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        numtorch.nn.LSTM(3, 4, dropout=0.5)
