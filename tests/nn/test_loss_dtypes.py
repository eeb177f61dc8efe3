"""Loss functions under mixed dtypes: the result dtype, or the error, is PyTorch's."""

import itertools
import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _same_exc_type, _strip, check

DTYPES = ("float16", "float32", "float64", "int32", "int64", "bool")
SHAPES = (((3, 4), (3, 4)), ((), (3, 4)), ((3, 4), ()))


def _array(shape, dt, seed):
    rng = np.random.default_rng(seed)
    if dt == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dt.startswith(("int", "uint")):
        return np.asarray(rng.integers(0, 2, size=shape).astype(dt))
    return np.asarray(rng.uniform(0.1, 0.9, shape).astype(dt))


def _outcome(lib, fn, arrays):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib, *[lib.tensor(a) for a in arrays])
    except Exception as e:  # noqa: BLE001
        return e
    return out


def same_outcome(fn, arrays):
    """Both libraries give a result of the same dtype and shape, or the same error."""
    t = _outcome(torch, fn, arrays)
    n = _outcome(numtorch, fn, arrays)
    if isinstance(t, Exception):
        assert isinstance(n, Exception), f"numtorch returned {n.dtype}; torch raised {t!r}"
        assert _same_exc_type(n, t), f"{type(n).__name__}: {n} vs torch {type(t).__name__}: {t}"
        assert _strip(str(n)) == _strip(str(t))
    else:
        assert not isinstance(n, Exception), f"numtorch raised {n!r}; torch gave {t.dtype}"
        assert str(n.dtype) == str(t.dtype)
        assert tuple(n.shape) == tuple(t.shape)


def _f(lib):
    return lib.nn.functional


PAIR_LOSSES = {
    "mse": lambda L, a, b: _f(L).mse_loss(a, b),
    "mse_none": lambda L, a, b: _f(L).mse_loss(a, b, reduction="none"),
    "l1": lambda L, a, b: _f(L).l1_loss(a, b),
    "smooth_l1": lambda L, a, b: _f(L).smooth_l1_loss(a, b),
    "huber": lambda L, a, b: _f(L).huber_loss(a, b),
    "bce": lambda L, a, b: _f(L).binary_cross_entropy(a, b),
    "bce_logits": lambda L, a, b: _f(L).binary_cross_entropy_with_logits(a, b),
    "kl_div": lambda L, a, b: _f(L).kl_div(a, b, reduction="batchmean"),
    "kl_div_log": lambda L, a, b: _f(L).kl_div(a, b, reduction="sum", log_target=True),
    "poisson_nll": lambda L, a, b: _f(L).poisson_nll_loss(a, b),
    "poisson_nll_full": lambda L, a, b: _f(L).poisson_nll_loss(a, b, log_input=False, full=True),
    "soft_margin": lambda L, a, b: _f(L).soft_margin_loss(a, b),
    "hinge": lambda L, a, b: _f(L).hinge_embedding_loss(a, b),
    "hinge_sum": lambda L, a, b: _f(L).hinge_embedding_loss(a, b, reduction="sum"),
    "multilabel_soft_margin": lambda L, a, b: _f(L).multilabel_soft_margin_loss(a, b),
}


@pytest.mark.parametrize("name", sorted(PAIR_LOSSES))
def test_pair_loss_dtypes(name):
    fn = PAIR_LOSSES[name]
    for (da, db), (sa, sb) in itertools.product(itertools.product(DTYPES, DTYPES), SHAPES):
        if sa != sb and name.startswith(("bce", "multilabel")):
            continue
        same_outcome(fn, [_array(sa, da, 0), _array(sb, db, 1)])


def test_mse_half_scalar_with_int_target():
    """F.mse_loss(float16 0-d, int32) is float16, with PyTorch's values and gradient."""
    check(lambda lib, a, b: lib.nn.functional.mse_loss(a, b),
          arrays=[np.float16(0.5), np.ones((2, 3), dtype=np.int32)],
          grad_inputs=[0])
    check(lambda lib, a, b: lib.nn.functional.huber_loss(a, b, reduction="none"),
          arrays=[np.linspace(-2, 2, 6, dtype=np.float32), np.arange(6, dtype=np.float64)],
          grad=False)  # PyTorch's own huber backward fails on mixed dtypes
    check(lambda lib, a, b: lib.nn.functional.smooth_l1_loss(a, b),
          arrays=[np.linspace(-2, 2, 6, dtype=np.float32), np.arange(6, dtype=np.float64)])
    check(lambda lib, a, b: lib.nn.functional.binary_cross_entropy_with_logits(a, b),
          arrays=[np.linspace(-2, 2, 6, dtype=np.float64), np.linspace(0, 1, 6, dtype=np.float32)])


TRIPLE_LOSSES = {
    "gaussian_nll": (lambda L, a, b, c: _f(L).gaussian_nll_loss(a, b, c), [(3, 4)] * 3),
    "margin_ranking": (lambda L, a, b, c: _f(L).margin_ranking_loss(a, b, c), [(3,)] * 3),
    "cosine_embedding": (lambda L, a, b, c: _f(L).cosine_embedding_loss(a, b, c),
                         [(3, 4), (3, 4), (3,)]),
    "triplet": (lambda L, a, b, c: _f(L).triplet_margin_loss(a, b, c), [(3, 4)] * 3),
}


@pytest.mark.parametrize("name", sorted(TRIPLE_LOSSES))
def test_triple_loss_dtypes(name):
    fn, shapes = TRIPLE_LOSSES[name]
    dts = ("float16", "float32", "float64", "int32", "bool")
    for combo in itertools.product(dts, repeat=3):
        same_outcome(fn, [_array(s, d, i) for i, (s, d) in enumerate(zip(shapes, combo))])


CLASS_LOSSES = {
    "cross_entropy": lambda L, a, b: _f(L).cross_entropy(a, b),
    "nll": lambda L, a, b: _f(L).nll_loss(a, b),
    "multi_margin": lambda L, a, b: _f(L).multi_margin_loss(a, b),
    "multilabel_margin": lambda L, a, b: _f(L).multilabel_margin_loss(a, b),
}


@pytest.mark.parametrize("name", sorted(CLASS_LOSSES))
@pytest.mark.parametrize("tdt", ["int64", "int32", "uint8", "int16", "float32", "bool"])
def test_class_loss_target_dtypes(name, tdt):
    fn = CLASS_LOSSES[name]
    for idt in ("float16", "float32", "float64", "int32", "bool"):
        if name == "multilabel_margin":
            tgt = np.array([[1, 0, -1], [2, -1, 0], [0, 1, 2]])
            tgt = np.ones((3, 3), bool) if tdt == "bool" else tgt.astype(tdt)
        else:
            tgt = np.array([1, 0, 2]).astype(tdt)
        same_outcome(fn, [_array((3, 3), idt, 0), tgt])
        if name in ("cross_entropy", "nll"):
            same_outcome(fn, [_array((2, 3, 2, 2), idt, 0), np.zeros((2, 2, 2), tdt)])
            same_outcome(fn, [_array((2, 3, 4), idt, 0), np.zeros((2, 4), tdt)])
            same_outcome(fn, [_array((2, 3, 2, 2, 2), idt, 0), np.zeros((2, 2, 2, 2), tdt)])


@pytest.mark.parametrize("shapes", [((2, 3, 4), (2, 5)), ((2, 3, 2, 2), (2, 2)),
                                    ((2, 3, 2, 2), (2, 2, 3)), ((3,), (2,)),
                                    ((2, 3, 2, 2, 2), (2, 2, 3, 2))])
@pytest.mark.parametrize("tdt", ["uint8", "int32"])
def test_nll_check_order(shapes, tdt):
    """Shape and target-dtype errors come in PyTorch's order."""
    s, ts = shapes
    same_outcome(CLASS_LOSSES["nll"], [_array(s, "float32", 0), np.zeros(ts, tdt)])


def test_cross_entropy_probability_targets_dtypes():
    for da, db in itertools.product(("float16", "float32", "float64", "int32", "bool"),
                                    repeat=2):
        same_outcome(CLASS_LOSSES["cross_entropy"], [_array((3, 4), da, 0),
                                                     _array((3, 4), db, 1)])


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dt", ["int32", "int64", "bool", "complex64", "complex128"])
def test_softmax_rejects_non_float(fname, dt):
    for shape, dim in (((3, 4), 1), ((3, 4), 0), ((), 0), ((3,), 0), ((0, 3), 1)):
        arr = np.ones(shape, dtype=dt)
        same_outcome(lambda L, a, d=dim: getattr(L, fname)(a, d), [arr])
        same_outcome(lambda L, a, d=dim: getattr(L.nn.functional, fname)(a, d), [arr])
    same_outcome(lambda L, a: L.softmax(a, 1, dtype=L.complex64), [np.ones((2, 2), "int32")])
