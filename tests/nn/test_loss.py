"""Losses (functional and modules) against torch: values, grads, graphs, reductions, errors."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises, compare_module

FLOATS = ["float32", "float64"]
REDUCTIONS = ["mean", "sum", "none"]
RNG = np.random.default_rng(1)
T4 = RNG.integers(0, 5, size=(4,))
T_ND = RNG.integers(0, 5, size=(2, 3, 4))


def _idx(lib, arr):
    return lib.tensor(arr.astype(np.int64))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_losses(name, reduction):
    check(lambda lib, x, y: getattr(lib.nn.functional, name)(x, y, reduction=reduction),
          [(3, 4), (3, 4)], dtypes=FLOATS, second_order=name == "mse_loss")


def test_regression_loss_options():
    for fn in [lambda f, x, y: f.smooth_l1_loss(x, y, beta=0.3),
               lambda f, x, y: f.smooth_l1_loss(x, y, beta=0.0),
               lambda f, x, y: f.huber_loss(x, y, delta=0.4),
               lambda f, x, y: f.mse_loss(x, y.detach())]:
        check(lambda lib, x, y, fn=fn: fn(lib.nn.functional, x, y), [(5, 3), (5, 3)],
              dtypes=FLOATS)


def test_mse_broadcast_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, x, y: lib.nn.functional.mse_loss(x, y), [(3, 4), (4,)])
    with pytest.warns(UserWarning, match="Using a target size"):
        numtorch.nn.functional.mse_loss(numtorch.zeros(3, 4), numtorch.zeros(4))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_indices(reduction):
    check(lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, T4), reduction=reduction),
          [(4, 5)], dtypes=FLOATS, second_order=True)
    check(lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, T_ND),
                                                         reduction=reduction),
          [(2, 5, 3, 4)], dtypes=["float32"])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_options(reduction):
    w = RNG.uniform(0.2, 2.0, size=5)
    tgt = np.array([0, 2, -100, 4])
    fns = [
        lambda lib, x: lib.nn.functional.cross_entropy(
            x, _idx(lib, T4), weight=lib.tensor(w, dtype=x.dtype), reduction=reduction),
        lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, tgt), reduction=reduction),
        lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, T4), ignore_index=2,
                                                       reduction=reduction),
        lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, T4), label_smoothing=0.1,
                                                       reduction=reduction),
        lambda lib, x: lib.nn.functional.cross_entropy(
            x, _idx(lib, tgt), weight=lib.tensor(w, dtype=x.dtype), label_smoothing=0.25,
            reduction=reduction),
    ]
    for i, fn in enumerate(fns):
        check(fn, [(4, 5)], dtypes=FLOATS, graph=i < 3)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probabilities(reduction):
    probs = RNG.dirichlet(np.ones(5), size=4)
    w = RNG.uniform(0.2, 2.0, size=5)
    for kw in [{}, {"label_smoothing": 0.2}, {"weight": w}]:
        def fn(lib, x, kw=kw):
            kw = {k: (lib.tensor(v, dtype=x.dtype) if isinstance(v, np.ndarray) else v)
                  for k, v in kw.items()}
            return lib.nn.functional.cross_entropy(x, lib.tensor(probs, dtype=x.dtype),
                                                   reduction=reduction, **kw)
        check(fn, [(4, 5)], dtypes=FLOATS, graph=False)


def test_cross_entropy_unbatched():
    check(lambda lib, x: lib.nn.functional.cross_entropy(x, lib.tensor(3)), [(5,)])
    check(lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor(1), reduction="none"), [(5,)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    w = RNG.uniform(0.2, 2.0, size=5)
    check(lambda lib, x: lib.nn.functional.nll_loss(x, _idx(lib, T4), reduction=reduction),
          [(4, 5)], dtypes=FLOATS)
    check(lambda lib, x: lib.nn.functional.nll_loss(x, _idx(lib, T4), reduction=reduction,
                                                    weight=lib.tensor(w, dtype=x.dtype)),
          [(4, 5)], dtypes=FLOATS)
    t3 = RNG.integers(0, 5, size=(2, 4))
    t5 = RNG.integers(0, 5, size=(2, 3, 2, 2))
    check(lambda lib, x: lib.nn.functional.nll_loss(x, _idx(lib, t3), reduction=reduction),
          [(2, 5, 4)])
    check(lambda lib, x: lib.nn.functional.nll_loss(x, _idx(lib, t5), reduction=reduction),
          [(2, 5, 3, 2, 2)])


def test_nll_loss_all_ignored_is_nan():
    check(lambda lib, x: lib.nn.functional.nll_loss(x, _idx(lib, np.array([-100, -100]))),
          [(2, 3)])


def test_classification_errors():
    for fn in [
        lambda lib, x: lib.nn.functional.cross_entropy(x, lib.rand(3)),
        lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, np.array([0, 1, 7]))),
        lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, np.array([0, 1, -3]))),
        lambda lib, x: lib.nn.functional.cross_entropy(x, _idx(lib, np.array([0, 1, 2, 3]))),
        lambda lib, x: lib.nn.functional.nll_loss(x, _idx(lib, np.array([0, 1, 2, 3]))),
        lambda lib, x: lib.nn.functional.cross_entropy(x, lib.zeros(3, 4).long()),
        lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([0, 1, 2]).int()),
        lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([0, 1, 2]), weight=lib.ones(3)),
        lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([0, 1, 2]), reduction="bad"),
    ]:
        check_raises(fn, [(3, 5)])
    check_raises(lambda lib, x: lib.nn.functional.cross_entropy(x, lib.zeros(3, 3).long()),
                 [(3, 5, 2)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce(reduction):
    w = RNG.uniform(0.2, 2.0, size=(3, 4))
    check(lambda lib, x, y: lib.nn.functional.binary_cross_entropy(x, y, reduction=reduction),
          [(3, 4), (3, 4)], dtypes=FLOATS, low=0.05, high=0.95)
    check(lambda lib, x, y: lib.nn.functional.binary_cross_entropy(
        x, y, weight=lib.tensor(w, dtype=x.dtype), reduction=reduction),
        [(3, 4), (3, 4)], dtypes=FLOATS, low=0.05, high=0.95)
    check(lambda lib, x, y: lib.nn.functional.binary_cross_entropy((x * 4 - 2).sigmoid(), y,
                                                                   reduction=reduction),
          [(3, 4), (3, 4)], dtypes=FLOATS, grad_inputs=(0,), low=0.0, high=1.0)


def test_bce_edges():
    x = np.array([0.0, 1.0, 0.5, 1e-30], dtype=np.float32)
    y = np.array([0.0, 1.0, 1.0, 1.0], dtype=np.float32)
    check(lambda lib, x, y: lib.nn.functional.binary_cross_entropy(x, y, reduction="none"),
          arrays=[x, y], grad=False)
    check_raises(lambda lib, x, y: lib.nn.functional.binary_cross_entropy(x + 2, y),
                 arrays=[x, y])
    check_raises(lambda lib, x, y: lib.nn.functional.binary_cross_entropy(x, y[:3]),
                 arrays=[x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits(reduction):
    pw = RNG.uniform(0.5, 3.0, size=(4,))
    w = RNG.uniform(0.2, 2.0, size=(3, 4))
    check(lambda lib, x, y: lib.nn.functional.binary_cross_entropy_with_logits(
        x, y, reduction=reduction), [(3, 4), (3, 4)], dtypes=FLOATS, second_order=True)
    check(lambda lib, x, y: lib.nn.functional.binary_cross_entropy_with_logits(
        x * 10, y, pos_weight=lib.tensor(pw, dtype=x.dtype), weight=lib.tensor(w, dtype=x.dtype),
        reduction=reduction), [(3, 4), (3, 4)], dtypes=FLOATS, graph=False)
    check_raises(lambda lib, x, y: lib.nn.functional.binary_cross_entropy_with_logits(x, y),
                 [(3,), (4,)])


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
def test_kl_div(reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, x, y: lib.nn.functional.kl_div(x, y, reduction=reduction),
              [(3, 4), (3, 4)], dtypes=FLOATS, low=0.0, high=1.0)
        check(lambda lib, x, y: lib.nn.functional.kl_div(x, y, reduction=reduction,
                                                         log_target=True),
              [(3, 4), (3, 4)], dtypes=FLOATS)
    arr = np.array([[0.0, 0.5], [0.25, 0.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, x, y: lib.nn.functional.kl_div(x, y, reduction=reduction),
              arrays=[arr, arr], grad_inputs=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pair_losses(reduction):
    sign = np.array([1.0, -1.0, 1.0, -1.0, -1.0])
    check(lambda lib, a, b: lib.nn.functional.cosine_embedding_loss(
        a, b, lib.tensor(sign, dtype=a.dtype), margin=0.1, reduction=reduction),
        [(5, 3), (5, 3)], dtypes=FLOATS, graph=False)
    check(lambda lib, a, b: lib.nn.functional.margin_ranking_loss(
        a, b, lib.tensor(sign, dtype=a.dtype), margin=0.2, reduction=reduction),
        [(5,), (5,)], dtypes=FLOATS, graph=False)
    check(lambda lib, a: lib.nn.functional.soft_margin_loss(
        a, lib.tensor(sign, dtype=a.dtype).expand(3, 5), reduction=reduction),
        [(3, 5)], dtypes=FLOATS, graph=False)
    check(lambda lib, a: lib.nn.functional.hinge_embedding_loss(
        a, lib.tensor(sign, dtype=a.dtype), reduction=reduction), [(5,)], graph=False)


LOSS_MODULES = {
    "L1Loss": (lambda nn: nn.L1Loss(), "float"),
    "MSELoss": (lambda nn: nn.MSELoss(reduction="sum"), "float"),
    "SmoothL1Loss": (lambda nn: nn.SmoothL1Loss(beta=0.5), "float"),
    "HuberLoss": (lambda nn: nn.HuberLoss(delta=0.5), "float"),
    "BCEWithLogitsLoss": (lambda nn: nn.BCEWithLogitsLoss(), "unit"),
    "BCELoss": (lambda nn: nn.Sequential(nn.Sigmoid(), _Bce(nn)), "unit"),
    "CrossEntropyLoss": (lambda nn: nn.CrossEntropyLoss(), "index"),
    "CrossEntropyLossLS": (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1,
                                                          reduction="none"), "index"),
    "NLLLoss": (lambda nn: nn.NLLLoss(ignore_index=1), "index"),
    "KLDivLoss": (lambda nn: nn.KLDivLoss(reduction="batchmean", log_target=True), "float"),
}


class _Bce:
    def __new__(cls, nn):
        class Wrapped(nn.Module):
            def __init__(self):
                super().__init__()
                self.loss = nn.BCELoss()
                self.target = None

            def forward(self, x):
                return self.loss(x, self.target)
        return Wrapped()


@pytest.mark.parametrize("name", sorted(LOSS_MODULES))
@pytest.mark.parametrize("dtype", FLOATS)
def test_loss_module(name, dtype):
    make, kind = LOSS_MODULES[name]
    if name == "BCELoss":
        tgt = RNG.uniform(0, 1, size=(4, 5))

        def build(lib):
            m = make(lib.nn)
            m[1].target = lib.tensor(tgt, dtype=getattr(lib, dtype))
            return m
        compare_module(build, [(4, 5)], dtype=dtype, graph=False)
        return
    if kind == "index":
        def extra(lib):
            return [_idx(lib, T4)]
    else:
        arr = RNG.uniform(0, 1, size=(4, 5))

        def extra(lib):
            return [lib.tensor(arr, dtype=getattr(lib, dtype))]
    compare_module(lambda lib: make(lib.nn), [(4, 5)], dtype=dtype, extra=extra,
                   graph=name not in ("CrossEntropyLossLS", "KLDivLoss"))


def test_loss_module_weights_and_repr():
    w = np.array([0.5, 1.0, 2.0, 1.5, 0.1], dtype=np.float32)
    for make in [lambda lib: lib.nn.CrossEntropyLoss(weight=lib.tensor(w)),
                 lambda lib: lib.nn.NLLLoss(weight=lib.tensor(w)),
                 lambda lib: lib.nn.BCEWithLogitsLoss(pos_weight=lib.tensor(w))]:
        tm, nm = make(torch), make(numtorch)
        assert list(tm.state_dict()) == list(nm.state_dict())
        assert repr(tm) == repr(nm)
    for name in ["L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
                 "BCEWithLogitsLoss", "SmoothL1Loss", "HuberLoss", "KLDivLoss",
                 "CosineEmbeddingLoss", "MarginRankingLoss"]:
        assert repr(getattr(numtorch.nn, name)()) == repr(getattr(torch.nn, name)())
    with pytest.warns(UserWarning):
        m = numtorch.nn.MSELoss(size_average=False)
    assert m.reduction == "sum"


def test_target_validation_order():
    cases = [
        lambda lib: lib.nn.functional.cross_entropy(lib.ones(3, 5), lib.ones(3, 4)),
        lambda lib: lib.nn.functional.cross_entropy(lib.ones(3, 5), lib.ones(3, 5).long()),
        lambda lib: lib.nn.functional.cross_entropy(lib.ones(()), lib.ones(()).long()),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5), lib.ones(4)),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5), lib.ones(3, 2)),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5), lib.ones(4, 2)),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(5), lib.ones(2).long()),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(5), lib.ones(()).float()),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5, 2), lib.ones(3, 2)),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5, 2), lib.ones(3, 3)),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5, 2, 2), lib.ones(3, 2).long()),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5, 2, 2), lib.ones(3, 3, 3).long()),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5, 2, 2), lib.ones(3, 2, 2)),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(()), lib.ones(()).long()),
        lambda lib: lib.nn.functional.nll_loss(lib.ones(3, 5), lib.ones(3), weight=lib.ones(2)),
    ]
    for case in cases:
        check_raises(lambda lib, case=case: case(lib), arrays=[])
    check(lambda lib, x: lib.nn.functional.nll_loss(x, lib.ones(1).long()), [(5,)], grad=False)
    check(lambda lib, x: lib.nn.functional.cross_entropy(x, lib.ones(3).byte()), [(3, 5)])
