"""Dropout family: the same masks as torch after the same manual_seed, values and gradients."""

import warnings

import numpy as np
import pytest
import torch

import numtorch

FLOATS = ["float32", "float64"]


def _run(lib, fn, x, g, seed=3):
    lib.manual_seed(seed)
    t = lib.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = fn(lib, t)
    y.backward(lib.tensor(g))
    return y, t.grad


@pytest.mark.parametrize("name,kw,shape", [
    ("dropout", dict(p=0.3), (4, 5, 3)),
    ("dropout", dict(p=1 / 3), (7, 9)),
    ("dropout", dict(p=0.9), (6, 6)),
    ("dropout2d", dict(p=0.5), (4, 5, 3, 3)),
    ("dropout2d", dict(p=0.5), (4, 5, 3)),
    ("dropout1d", dict(p=0.4), (4, 5, 3)),
    ("dropout1d", dict(p=0.4), (5, 3)),
    ("dropout3d", dict(p=0.5), (2, 3, 2, 2, 2)),
    ("alpha_dropout", dict(p=0.2, training=True), (4, 5)),
    ("feature_alpha_dropout", dict(p=0.2, training=True), (4, 5, 3)),
])
@pytest.mark.parametrize("dtype", FLOATS)
def test_bit_identical_masks(name, kw, shape, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    fn = (lambda lib, t: getattr(lib.nn.functional, name)(t, **kw))
    yt, gt = _run(torch, fn, x, g)
    yn, gn = _run(numtorch, fn, x, g)
    assert np.array_equal(yn.detach().numpy(), yt.detach().numpy())
    assert np.array_equal(gn.numpy(), gt.numpy())
    assert type(yn.grad_fn).__name__ == type(yt.grad_fn).__name__
    # the generator advanced by the same amount
    assert np.array_equal(numtorch.rand(3).numpy(), torch.rand(3).numpy())


def test_eval_and_edge_probabilities():
    x = numtorch.ones(3, requires_grad=True)
    assert numtorch.nn.functional.dropout(x, 0.5, training=False) is x
    assert numtorch.nn.functional.dropout(x, 0.0) is x
    y = numtorch.nn.functional.dropout(x, 1.0)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert not y.detach().numpy().any()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, "
                                         "but got 1.5"):
        numtorch.nn.functional.dropout(x, 1.5)
    with pytest.raises(RuntimeError) as e:
        numtorch.nn.functional.dropout1d(numtorch.ones(1, 2, 3, 4))
    with pytest.raises(RuntimeError) as t:
        torch.nn.functional.dropout1d(torch.ones(1, 2, 3, 4))
    assert str(e.value) == str(t.value)


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "AlphaDropout",
                                 "FeatureAlphaDropout"])
def test_modules_train_eval(cls):
    x = np.random.default_rng(1).standard_normal((3, 4, 5)).astype(np.float32)
    outs = {}
    for lib in (torch, numtorch):
        m = getattr(lib.nn, cls)(0.4)
        lib.manual_seed(11)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            train = m(lib.tensor(x)).numpy()
        m.eval()
        evald = m(lib.tensor(x)).numpy()
        outs[lib.__name__] = (train, evald, repr(m))
    assert np.array_equal(outs["torch"][0], outs["numtorch"][0])
    assert np.array_equal(outs["torch"][1], outs["numtorch"][1])
    assert outs["torch"][2] == outs["numtorch"][2]


def test_inplace():
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    res = []
    for lib in (torch, numtorch):
        lib.manual_seed(2)
        t = lib.tensor(x)
        lib.nn.Dropout(0.5, inplace=True)(t)
        res.append(t.numpy())
    assert np.array_equal(res[0], res[1])
