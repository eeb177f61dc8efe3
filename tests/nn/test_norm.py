"""Batch/layer/group/instance norm (functional and modules) against torch."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises, compare_module

FLOATS = ["float32", "float64"]
LAYOUTS = ("contiguous", "transposed")


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize("training", [True, False])
def test_functional_batch_norm(shape, training):
    rng = np.random.default_rng(1)
    c = shape[1]
    rm0 = rng.standard_normal(c)
    rv0 = rng.uniform(0.5, 2, c)
    stats = {}

    def fn(lib, x, w, b):
        dt = str(x.dtype).replace("torch.", "")
        rm, rv = lib.tensor(rm0.astype(dt)), lib.tensor(rv0.astype(dt))
        out = lib.nn.functional.batch_norm(x, rm, rv, w, b, training=training, momentum=0.2,
                                           eps=1e-3)
        stats[lib.__name__] = (rm.numpy().copy(), rv.numpy().copy())
        return out

    for dt in FLOATS:
        check(fn, [shape, (c,), (c,)], dtypes=[dt], layouts=LAYOUTS)
        for a, b in zip(stats["numtorch"], stats["torch"]):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    check(lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True), [shape],
          dtypes=FLOATS)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4, 5)])
def test_batch_norm_double_backward(shape):
    check(lambda lib, x, w: lib.nn.functional.batch_norm(x, None, None, w, training=True),
          [shape, (shape[1],)], dtypes=["float64"], second_order=True)


def test_layer_norm():
    check(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4, 5), w, b),
          [(2, 3, 4, 5), (4, 5), (4, 5)], dtypes=FLOATS, layouts=LAYOUTS)
    check(lambda lib, x: lib.nn.functional.layer_norm(x, [5]), [(2, 3, 4, 5)], dtypes=FLOATS)
    check(lambda lib, x, w: lib.nn.functional.layer_norm(x, (4, 5), w, eps=1e-2),
          [(2, 3, 4, 5), (4, 5)], dtypes=["float64"], second_order=True)


def test_group_norm():
    check(lambda lib, x, w, b: lib.nn.functional.group_norm(x, 2, w, b),
          [(2, 4, 3, 5), (4,), (4,)], dtypes=FLOATS, layouts=LAYOUTS)
    check(lambda lib, x: lib.nn.functional.group_norm(x, 3), [(2, 6, 7)], dtypes=FLOATS)
    check(lambda lib, x, w: lib.nn.functional.group_norm(x, 2, w), [(2, 4, 3, 5), (4,)],
          dtypes=["float64"], second_order=True)


def test_instance_norm_values():
    check(lambda lib, x, w, b: lib.nn.functional.instance_norm(x, None, None, w, b),
          [(2, 4, 3, 5), (4,), (4,)], dtypes=FLOATS, graph=False)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True), [(1, 4)]),
    (lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=True),
     [(2, 4)]),
    (lambda lib, x: lib.nn.functional.layer_norm(x, (5,)), [(2, 3, 4)]),
    (lambda lib, x: lib.nn.functional.layer_norm(x, (4,), lib.ones(3)), [(2, 3, 4)]),
    (lambda lib, x: lib.nn.functional.group_norm(x, 3), [(2, 4, 3)]),
    (lambda lib, x: lib.nn.BatchNorm2d(4)(x), [(2, 4, 3)]),
    (lambda lib, x: lib.nn.BatchNorm1d(4)(x), [(2, 4, 3, 3)]),
])
def test_errors(fn, shapes):
    check_raises(fn, shapes)


@pytest.mark.parametrize("cls,args,kw,shape", [
    ("BatchNorm1d", (3,), {}, (4, 3)),
    ("BatchNorm1d", (3,), dict(momentum=None), (4, 3, 5)),
    ("BatchNorm2d", (3,), dict(affine=False), (2, 3, 4, 4)),
    ("BatchNorm2d", (3,), dict(track_running_stats=False), (2, 3, 4, 4)),
    ("BatchNorm2d", (3,), dict(bias=False), (2, 3, 4, 4)),
    ("BatchNorm3d", (2,), {}, (2, 2, 3, 3, 3)),
    ("LayerNorm", ((4, 5),), {}, (2, 3, 4, 5)),
    ("LayerNorm", (5,), dict(elementwise_affine=False), (2, 3, 5)),
    ("LayerNorm", (5,), dict(bias=False), (2, 3, 5)),
    ("GroupNorm", (2, 4), {}, (2, 4, 3, 3)),
    ("GroupNorm", (2, 4), dict(affine=False), (2, 4, 5)),
    ("InstanceNorm2d", (3,), dict(affine=True), (2, 3, 4, 4)),
])
@pytest.mark.parametrize("train", [True, False])
def test_modules(cls, args, kw, shape, train):
    graph = not cls.startswith("Instance")
    compare_module(lambda lib: getattr(lib.nn, cls)(*args, **kw), [shape], train=train,
                   graph=graph, rtol=1e-5, atol=1e-5)
    assert repr(getattr(numtorch.nn, cls)(*args, **kw)) == repr(getattr(torch.nn, cls)(*args,
                                                                                         **kw))


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("track", [True, False])
def test_batchnorm_running_stats_over_steps(momentum, track):
    rng = np.random.default_rng(3)
    tm = torch.nn.BatchNorm2d(3, momentum=momentum, track_running_stats=track)
    nm = numtorch.nn.BatchNorm2d(3, momentum=momentum, track_running_stats=track)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 2)).astype(np.float32)
        tm(torch.tensor(x))
        nm(numtorch.tensor(x))
    tsd, nsd = tm.state_dict(), nm.state_dict()
    assert list(tsd) == list(nsd)
    for k in tsd:
        assert str(nsd[k].dtype) == str(tsd[k].dtype).replace("torch.", "numtorch.") or \
            nsd[k].dtype.name == str(tsd[k].dtype).replace("torch.", "")
        np.testing.assert_allclose(nsd[k].numpy(), tsd[k].numpy(), rtol=1e-5, atol=1e-6)
    tm.eval()
    nm.eval()
    x = rng.standard_normal((2, 3, 2, 2)).astype(np.float32)
    np.testing.assert_allclose(nm(numtorch.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_groupnorm_constructor_error():
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        numtorch.nn.GroupNorm(3, 4)


def test_batchnorm_state_dict_version_and_old_checkpoints():
    """BatchNorm's _metadata version is torch's (2); a version-1 state dict without
    num_batches_tracked loads strictly, as in torch."""
    import torch

    import numtorch

    ours, theirs = numtorch.nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    assert ours.state_dict()._metadata == theirs.state_dict()._metadata
    for m in (ours, theirs):
        sd = m.state_dict()
        del sd["num_batches_tracked"]
        sd._metadata[""] = {"version": 1}
        res = m.load_state_dict(sd)
        assert list(res.missing_keys) == [] and list(res.unexpected_keys) == []
