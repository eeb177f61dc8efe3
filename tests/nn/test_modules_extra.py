"""The remaining ``torch.nn`` modules and functions, against torch: values, gradients, default
initialisation under one seed, state_dict keys, reprs and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check, check_raises, compare_module


def _long(lib, values):
    return lib.tensor(values, dtype=lib.int64)


MODULES = [
    ("AvgPool3d", lambda nn: nn.AvgPool3d(2, 1, 1, ceil_mode=True), [(2, 3, 4, 5, 4)], None),
    ("AdaptiveAvgPool3d", lambda nn: nn.AdaptiveAvgPool3d((2, None, 3)), [(2, 3, 4, 5, 4)], None),
    ("AdaptiveMaxPool3d", lambda nn: nn.AdaptiveMaxPool3d(2), [(2, 3, 4, 5, 4)], None),
    ("LPPool1d", lambda nn: nn.LPPool1d(2, 3, 2), [(2, 3, 9)], None),
    ("LPPool2d", lambda nn: nn.LPPool2d(1.5, (2, 3), ceil_mode=True), [(2, 3, 5, 7)], None),
    ("LPPool3d", lambda nn: nn.LPPool3d(3, 2), [(2, 3, 4, 4, 6)], None),
    ("PairwiseDistance", lambda nn: nn.PairwiseDistance(3, keepdim=True), [(4, 5), (4, 5)], None),
    ("CosineSimilarity", lambda nn: nn.CosineSimilarity(0), [(4, 5), (4, 5)], None),
    ("ChannelShuffle", lambda nn: nn.ChannelShuffle(3), [(2, 6, 3, 2)], None),
    ("Softmax2d", lambda nn: nn.Softmax2d(), [(2, 3, 4, 2)], None),
    ("RReLU_eval", lambda nn: nn.RReLU(0.1, 0.3).eval(), [(3, 5)], None),
    ("RMSNorm", lambda nn: nn.RMSNorm([3, 4]), [(2, 3, 4)], None),
    ("RMSNorm_eps", lambda nn: nn.RMSNorm(4, eps=1e-2, elementwise_affine=False), [(2, 4)], None),
    ("LocalResponseNorm", lambda nn: nn.LocalResponseNorm(3, 0.5, 0.75, 1.5), [(2, 5, 3, 3)],
     None),
    ("CrossMapLRN2d", lambda nn: nn.CrossMapLRN2d(3, 0.5, 0.75, 1.5), [(2, 6, 3, 2)], None),
    ("Bilinear", lambda nn: nn.Bilinear(3, 4, 5), [(6, 3), (6, 4)], None),
    ("SyncBatchNorm", lambda nn: nn.SyncBatchNorm(3), [(4, 3, 5)], None),
    ("MultiLabelMarginLoss", lambda nn: nn.MultiLabelMarginLoss(), [(2, 4)],
     lambda lib: [_long(lib, [[3, 0, -1, 1], [1, 2, 3, -1]])]),
    ("MultiLabelSoftMarginLoss", lambda nn: nn.MultiLabelSoftMarginLoss(), [(2, 4)],
     lambda lib: [lib.tensor([[1.0, 0, 1, 0], [0, 0, 1, 1]])]),
    ("MultiMarginLoss", lambda nn: nn.MultiMarginLoss(2, 0.5), [(3, 4)],
     lambda lib: [_long(lib, [0, 3, 1])]),
    ("TripletMarginLoss", lambda nn: nn.TripletMarginLoss(0.5, 1.5, swap=True),
     [(4, 5), (4, 5), (4, 5)], None),
    ("TripletMarginWithDistanceLoss",
     lambda nn: nn.TripletMarginWithDistanceLoss(reduction="sum"), [(4, 5), (4, 5), (4, 5)],
     None),
    ("LinearCrossEntropyLoss", lambda nn: nn.LinearCrossEntropyLoss(4, 5, bias=True), [(3, 4)],
     lambda lib: [_long(lib, [0, 4, 2])]),
]


@pytest.mark.parametrize("name,make,shapes,extra", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, make, shapes, extra):
    compare_module(lambda lib: make(lib.nn), shapes, extra=extra, dtype="float64", graph=False,
                   train=not name.endswith("_eval"))


@pytest.mark.parametrize("name,make,shapes,extra", MODULES, ids=[m[0] for m in MODULES])
def test_repr_state_dict_and_init(name, make, shapes, extra):
    torch.manual_seed(7)
    tm = make(torch.nn)
    numtorch.manual_seed(7)
    nm = make(numtorch.nn)
    assert repr(nm) == repr(tm)
    tsd, nsd = tm.state_dict(), nm.state_dict()
    assert list(nsd) == list(tsd)
    for k in tsd:
        np.testing.assert_array_equal(nsd[k].numpy(), tsd[k].numpy())


def test_max_unpool_modules():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 6)).astype(np.float32)
    tp = torch.nn.MaxPool2d(2, return_indices=True)
    np_ = numtorch.nn.MaxPool2d(2, return_indices=True)
    tu, nu = torch.nn.MaxUnpool2d(2), numtorch.nn.MaxUnpool2d(2)
    assert repr(nu) == repr(tu)
    to = tu(*tp(torch.tensor(x)))
    no = nu(*np_(numtorch.tensor(x)))
    assert_same_value(no, to)
    for nd in (1, 3):
        assert repr(getattr(numtorch.nn, f"MaxUnpool{nd}d")(3, 2, 1)) == \
            repr(getattr(torch.nn, f"MaxUnpool{nd}d")(3, 2, 1))


@pytest.mark.parametrize("nd,shape,kw", [
    (2, (2, 3, 9, 11), dict(output_size=(4, 5))),
    (2, (3, 7, 8), dict(output_ratio=(0.5, 0.6))),
    (3, (2, 2, 6, 7, 8), dict(output_size=3)),
])
def test_fractional_max_pool_same_seed(nd, shape, kw):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    torch.manual_seed(3)
    numtorch.manual_seed(3)
    tm = getattr(torch.nn, f"FractionalMaxPool{nd}d")(2, return_indices=True, **kw)
    nm = getattr(numtorch.nn, f"FractionalMaxPool{nd}d")(2, return_indices=True, **kw)
    assert repr(nm) == repr(tm)
    tx, nx = torch.tensor(x, requires_grad=True), numtorch.tensor(x, requires_grad=True)
    (to, ti), (no, ni) = tm(tx), nm(nx)
    assert_same_value(no, to)
    np.testing.assert_array_equal(ni.numpy(), ti.numpy())
    g = np.random.default_rng(2).standard_normal(tuple(to.shape)).astype(np.float32)
    to.backward(torch.tensor(g))
    no.backward(numtorch.tensor(g))
    assert_same_value(nx.grad, tx.grad)


def test_fractional_max_pool_given_samples():
    samples = np.random.default_rng(4).random((2, 3, 2))
    check(lambda lib, x: lib.nn.functional.fractional_max_pool2d(
        x, 3, output_size=(3, 4), _random_samples=lib.tensor(samples)), [(2, 3, 8, 9)],
        dtypes=("float64",), graph=False)


def test_fractional_max_pool_errors():
    for args in [(2,), (2, 3, 0.5)]:
        with pytest.raises(ValueError) as te:
            torch.nn.FractionalMaxPool2d(*args)
        with pytest.raises(ValueError) as ne:
            numtorch.nn.FractionalMaxPool2d(*args)
        assert str(ne.value) == str(te.value)
    check_raises(lambda lib, x: lib.nn.functional.fractional_max_pool2d(x, 4, output_size=3),
                 [(1, 1, 5, 5)])


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_lp_pool_functional(nd):
    shape = (2, 3) + (6,) * nd
    check(lambda lib, x: getattr(lib.nn.functional, f"lp_pool{nd}d")(x, 2.0, 2, 2), [shape],
          dtypes=("float64",), graph=False, low=0.1, high=2.0)


def test_embedding_bag_mean_last_offset_short():
    check(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([1, 2, 4, 5, 1, 3, 0]), w, lib.tensor([0, 2, 2, 5]), mode="mean",
        include_last_offset=True), [(6, 2)], graph=False)


def test_embedding_bag_module():
    for kw in [dict(mode="sum"), dict(mode="mean"), dict(mode="max"),
               dict(mode="sum", padding_idx=1), dict(mode="mean", include_last_offset=True)]:
        torch.manual_seed(0)
        tm = torch.nn.EmbeddingBag(6, 3, **kw)
        numtorch.manual_seed(0)
        nm = numtorch.nn.EmbeddingBag(6, 3, **kw)
        assert repr(nm) == repr(tm)
        np.testing.assert_array_equal(nm.weight.detach().numpy(), tm.weight.detach().numpy())
        idx = [1, 2, 4, 5, 1, 3, 0]
        offsets = [0, 2, 2, 5, 7] if kw.get("include_last_offset") else [0, 2, 2, 5]
        to = tm(torch.tensor(idx), torch.tensor(offsets))
        no = nm(numtorch.tensor(idx), numtorch.tensor(offsets))
        assert_same_value(no, to)
        g = np.random.default_rng(0).standard_normal(tuple(to.shape)).astype(np.float32)
        to.backward(torch.tensor(g))
        no.backward(numtorch.tensor(g))
        assert_same_value(nm.weight.grad, tm.weight.grad)
    psw = [0.5, 1.0, 2.0, -1.0, 0.25, 3.0, 1.5]
    torch.manual_seed(0)
    tm = torch.nn.EmbeddingBag(6, 3, mode="sum")
    numtorch.manual_seed(0)
    nm = numtorch.nn.EmbeddingBag(6, 3, mode="sum")
    to = tm(torch.tensor([idx]), per_sample_weights=torch.tensor([psw]))
    no = nm(numtorch.tensor([idx]), per_sample_weights=numtorch.tensor([psw]))
    assert_same_value(no, to)
    with pytest.raises(AssertionError, match="padding_idx must be within num_embeddings"):
        numtorch.nn.EmbeddingBag(5, 3, padding_idx=7)
    w = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    tb = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(w), mode="max")
    nb = numtorch.nn.EmbeddingBag.from_pretrained(numtorch.tensor(w), mode="max")
    assert repr(nb) == repr(tb) and nb.weight.requires_grad is tb.weight.requires_grad


def _ctc_inputs(lib):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 3, 5))
    return lib.tensor(x, requires_grad=True)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("lengths", [([6, 5, 4], [3, 2, 1]), ([6, 2, 4], [3, 2, 0])])
def test_ctc_loss(reduction, lengths):
    il, tl = lengths
    targets = [[1, 2, 2], [3, 1, 0], [4, 4, 4]]

    def fn(lib, x):
        loss = lib.nn.CTCLoss(reduction=reduction, zero_infinity=True)
        return loss(x.log_softmax(2), _long(lib, targets), il, tl)
    check(fn, [(6, 3, 5)], dtypes=("float64",), graph=False)


def test_ctc_loss_direct_grad_and_infinite():
    lp = np.log(np.random.default_rng(1).dirichlet(np.ones(5), size=(6, 2)))
    check(lambda lib, x: lib.nn.functional.ctc_loss(
        x, lib.tensor([1, 2, 2, 3]), lib.tensor([6, 5]), lib.tensor([3, 1]), reduction="sum"),
        arrays=[lp], graph=False)
    t = torch.nn.functional.ctc_loss(torch.tensor(lp), torch.tensor([[1, 2], [3, 3]]), [1, 4],
                                     [2, 2], reduction="none")
    n = numtorch.nn.functional.ctc_loss(numtorch.tensor(lp), numtorch.tensor([[1, 2], [3, 3]]),
                                        [1, 4], [2, 2], reduction="none")
    assert_same_value(n, t)
    check_raises(lambda lib, x: lib.nn.functional.ctc_loss(x, lib.tensor([[1, 2]]), [7], [2]),
                 arrays=[lp[:, :1]])


def test_adaptive_log_softmax():
    torch.manual_seed(0)
    tm = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)
    numtorch.manual_seed(0)
    nm = numtorch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        np.testing.assert_array_equal(nm.state_dict()[k].numpy(), v.numpy())
    x = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    target = [0, 4, 9, 2, 7]
    tx, nx = torch.tensor(x, requires_grad=True), numtorch.tensor(x, requires_grad=True)
    to = tm(tx, torch.tensor(target))
    no = nm(nx, numtorch.tensor(target))
    assert_same_value(no.output, to.output)
    assert_same_value(no.loss, to.loss)
    to.loss.backward()
    no.loss.backward()
    assert_same_value(nx.grad, tx.grad)
    for (name, tp), (_, np_) in zip(tm.named_parameters(), nm.named_parameters()):
        assert_same_value(np_.grad, tp.grad, what=name)
    assert_same_value(nm.log_prob(numtorch.tensor(x)), tm.log_prob(torch.tensor(x)))
    np.testing.assert_array_equal(nm.predict(numtorch.tensor(x)).numpy(),
                                  tm.predict(torch.tensor(x)).numpy())
    one = nm(numtorch.tensor(x[0]), numtorch.tensor(9))
    assert_same_value(one.output, tm(torch.tensor(x[0]), torch.tensor(9)).output)
    for bad in ([4, 4], [0, 3], [3, 10]):
        with pytest.raises(ValueError) as te:
            torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, bad)
        with pytest.raises(ValueError) as ne:
            numtorch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, bad)
        assert str(ne.value) == str(te.value)
    with pytest.raises(RuntimeError) as te:
        tm(torch.tensor(x), torch.tensor([0, 1, 2, 3, 11]))
    with pytest.raises(RuntimeError) as ne:
        nm(numtorch.tensor(x), numtorch.tensor([0, 1, 2, 3, 11]))
    assert str(ne.value) == str(te.value)


def test_module_errors():
    for make, shape in [(lambda nn: nn.Softmax2d(), (3, 4)),
                        (lambda nn: nn.CrossMapLRN2d(3), (2, 3, 4)),
                        (lambda nn: nn.SyncBatchNorm(3), (3,))]:
        with pytest.raises(ValueError) as te:
            make(torch.nn)(torch.zeros(shape))
        with pytest.raises(ValueError) as ne:
            make(numtorch.nn)(numtorch.zeros(shape))
        assert str(ne.value) == str(te.value)
    for make in [lambda nn: nn.MultiMarginLoss(p=3), lambda nn: nn.TripletMarginLoss(margin=0),
                 lambda nn: nn.TripletMarginWithDistanceLoss(margin=-1)]:
        with pytest.raises(ValueError) as te:
            make(torch.nn)
        with pytest.raises(ValueError) as ne:
            make(numtorch.nn)
        assert str(ne.value) == str(te.value)


def test_deprecated_container_and_nllloss2d():
    for lib in (torch, numtorch):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            c = lib.nn.Container(a=lib.nn.Linear(2, 2))
            lib.nn.NLLLoss2d()
        assert [type(r.message) for r in rec] == [FutureWarning, FutureWarning]
        assert list(c.state_dict()) == ["a.weight", "a.bias"]


def test_linear_cross_entropy_options():
    for kw in [{}, dict(chunking_method="aspect_ratio:2", acc_policy="compact"),
               dict(batch_chunk_size=4)]:
        assert repr(numtorch.nn.LinearCrossEntropyOptions(**kw)) == \
            repr(torch.nn.LinearCrossEntropyOptions(**kw))
    for kw in [dict(acc_policy="x"), dict(chunking_method="aspect_ratio:0"),
               dict(batch_chunk_size=0)]:
        with pytest.raises(ValueError) as te:
            torch.nn.LinearCrossEntropyOptions(**kw)
        with pytest.raises(ValueError) as ne:
            numtorch.nn.LinearCrossEntropyOptions(**kw)
        assert str(ne.value) == str(te.value)


def test_gumbel_softmax_same_seed():
    logits = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)
    for hard in (False, True):
        torch.manual_seed(5)
        numtorch.manual_seed(5)
        tx = torch.tensor(logits, requires_grad=True)
        nx = numtorch.tensor(logits, requires_grad=True)
        to = torch.nn.functional.gumbel_softmax(tx, 0.7, hard=hard)
        no = numtorch.nn.functional.gumbel_softmax(nx, 0.7, hard=hard)
        assert_same_value(no, to)
        g = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
        to.backward(torch.tensor(g))
        no.backward(numtorch.tensor(g))
        assert_same_value(nx.grad, tx.grad)


def test_conv_tbc_and_native_channel_shuffle():
    check(lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b, 1), [(5, 2, 3), (3, 3, 4), (4,)],
          graph=False)
    check(lambda lib, x: lib.nn.functional.native_channel_shuffle(x, 2), [(2, 4, 3)], grad=False)
    check(lambda lib, x: lib.nn.functional.max_pool3d_with_indices(x, 2)[0], [(1, 2, 4, 4, 4)])


def test_toplevel_triplet_margin_loss():
    check(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n), [(3, 4)] * 3, graph=False)
    for r in (0, 1, 2):
        check(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 0.5, 1.0, 1e-6, True, r),  # noqa: B023
              [(3, 4)] * 3, graph=False)
    check_raises(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, reduction="mean"),
                 [(3, 4)] * 3)


def test_instance_norm_num_features_check():
    for lib in (torch, numtorch):
        with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match "
                                             r"num_features \(3\), but got: 4."):
            lib.nn.InstanceNorm1d(3, affine=True)(lib.ones(2, 4, 5))
        with pytest.warns(UserWarning, match="input's size at dim=0 does not match"):
            lib.nn.InstanceNorm2d(3)(lib.ones(4, 5, 5))
    for lib in (torch, numtorch):
        m = lib.nn.LazyInstanceNorm1d()
        with pytest.raises(ValueError, match="dim=0 to match num_features"):
            m(lib.ones(3, 7))
