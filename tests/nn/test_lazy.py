"""Lazy modules against torch: placeholders, materialisation on the first call with the same
initial values for the same seed, the class swap, state_dict before/after, loading."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch

LAZY = [
    ("LazyLinear", lambda nn: nn.LazyLinear(3), (2, 5)),
    ("LazyLinear_nobias", lambda nn: nn.LazyLinear(3, bias=False), (4, 2, 5)),
    ("LazyConv1d", lambda nn: nn.LazyConv1d(4, 3, padding=1), (2, 3, 7)),
    ("LazyConv2d", lambda nn: nn.LazyConv2d(4, 3, groups=2), (2, 4, 6, 6)),
    ("LazyConv3d", lambda nn: nn.LazyConv3d(2, 2, bias=False), (2, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", lambda nn: nn.LazyConvTranspose1d(4, 3, groups=2), (2, 2, 5)),
    ("LazyConvTranspose2d", lambda nn: nn.LazyConvTranspose2d(3, 2, stride=2), (1, 3, 4, 4)),
    ("LazyConvTranspose3d", lambda nn: nn.LazyConvTranspose3d(2, 2), (1, 2, 3, 3, 3)),
    ("LazyBatchNorm1d", lambda nn: nn.LazyBatchNorm1d(), (4, 3)),
    ("LazyBatchNorm2d", lambda nn: nn.LazyBatchNorm2d(affine=False), (4, 3, 2, 2)),
    ("LazyBatchNorm3d", lambda nn: nn.LazyBatchNorm3d(track_running_stats=False),
     (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", lambda nn: nn.LazyInstanceNorm1d(), (2, 3, 5)),
    ("LazyInstanceNorm2d", lambda nn: nn.LazyInstanceNorm2d(affine=False), (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", lambda nn: nn.LazyInstanceNorm3d(), (2, 3, 2, 3, 2)),
]


def _sd_summary(module):
    return [(k, repr(v) if type(v).__name__.startswith("Uninitialized") else
             (type(v).__name__, tuple(v.shape))) for k, v in module.state_dict().items()]


@pytest.mark.parametrize("name,make,shape", LAZY, ids=[c[0] for c in LAZY])
def test_lazy_module_matches_torch(name, make, shape):
    torch.manual_seed(3)
    tm = make(torch.nn)
    numtorch.manual_seed(3)
    nm = make(numtorch.nn)
    assert type(nm).__name__ == type(tm).__name__
    assert repr(nm) == repr(tm)
    assert _sd_summary(nm) == _sd_summary(tm)
    assert nm.has_uninitialized_params() == tm.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    to = tm(torch.tensor(x))
    no = nm(numtorch.tensor(x))
    assert type(nm).__name__ == type(tm).__name__ == type(tm).__name__.replace("Lazy", "")
    assert repr(nm) == repr(tm)
    np.testing.assert_allclose(no.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-5)
    tsd, nsd = tm.state_dict(), nm.state_dict()
    assert list(nsd) == list(tsd)
    params = dict(tm.named_parameters())
    for k in tsd:
        if k in params:  # initial values: bit-identical under the same seed
            np.testing.assert_array_equal(nsd[k].numpy(), tsd[k].numpy())
        else:  # running statistics after one batch
            np.testing.assert_allclose(nsd[k].numpy(), tsd[k].numpy(), rtol=1e-6, atol=1e-7)
    for (tn, tp), (nn_, np_) in zip(tm.named_parameters(), nm.named_parameters()):
        assert tn == nn_ and type(np_).__name__ == type(tp).__name__ == "Parameter"
    assert not hasattr(nm, "_initialize_hook") and not nm._forward_pre_hooks


def test_uninitialized_placeholders():
    for lib in (torch, numtorch):
        p = lib.nn.UninitializedParameter()
        b = lib.nn.UninitializedBuffer()
        assert repr(p) == "<UninitializedParameter>" and repr(b) == "<UninitializedBuffer>"
        assert p.requires_grad and not b.requires_grad
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
            p.shape  # noqa: B018
        p.materialize((2, 3))
        b.materialize((4,))
        assert type(p) is lib.nn.Parameter and tuple(p.shape) == (2, 3) and p.requires_grad
        assert type(b) is lib.Tensor and tuple(b.shape) == (4,)
        assert lib.nn.parameter.is_lazy(lib.nn.UninitializedParameter())


def test_load_state_dict_into_lazy_module():
    src = torch.nn.Linear(4, 2)
    sd = src.state_dict()
    nsd = {k: numtorch.tensor(v.numpy()) for k, v in sd.items()}
    tm, nm = torch.nn.LazyLinear(2), numtorch.nn.LazyLinear(2)
    tm.load_state_dict(sd)
    nm.load_state_dict(nsd)
    assert type(nm).__name__ == type(tm).__name__ == "LazyLinear"
    assert tuple(nm.weight.shape) == tuple(tm.weight.shape) == (2, 4)
    assert not nm.has_uninitialized_params()
    x = np.ones((3, 4), np.float32)
    np.testing.assert_allclose(nm(numtorch.tensor(x)).detach().numpy(),
                               tm(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    assert type(nm).__name__ == type(tm).__name__ == "Linear"
    # a lazy module's placeholders load into another lazy module unchanged
    a, b = numtorch.nn.LazyLinear(2), numtorch.nn.LazyLinear(2)
    b.load_state_dict(a.state_dict())
    assert b.has_uninitialized_params()


def test_lazy_conv_errors():
    for args, shape in [((4, 3), (5, 5)), ((4, 3, 1, 0, 1, 3), (1, 4, 5, 5))]:
        with pytest.raises((RuntimeError, ValueError)) as te:
            torch.nn.LazyConv2d(*args)(torch.ones(shape))
        with pytest.raises((RuntimeError, ValueError)) as ne:
            numtorch.nn.LazyConv2d(*args)(numtorch.ones(shape))
        assert type(ne.value) is type(te.value) and str(ne.value) == str(te.value)


def test_placeholder_refuses_computation():
    msgs = []
    for lib in (torch, numtorch):
        p = lib.nn.UninitializedParameter()
        out = []
        for fn in (lambda t: t + 1, lambda t: t.numel(), lambda t: t.sum(), lambda t: t @ t,
                   lambda t: t.detach()):
            with pytest.raises(ValueError) as e:
                fn(p)
            out.append(str(e.value))
        assert tuple(p.size()) == (0,) and p.requires_grad
        msgs.append(out)
    assert msgs[0] == msgs[1]


def test_lazy_module_cast_before_first_call():
    shapes = []
    for lib in (torch, numtorch):
        m = lib.nn.LazyLinear(3).to(lib.float64)
        assert repr(m.weight) == "<UninitializedParameter>"
        m(lib.ones(2, 4, dtype=lib.float64))
        shapes.append((str(m.weight.dtype), tuple(m.weight.shape), type(m).__name__))
    assert shapes[0] == shapes[1]


def test_lazy_module_deepcopy():
    import copy

    for lib in (torch, numtorch):
        m = copy.deepcopy(lib.nn.LazyConv1d(2, 3))
        assert type(m).__name__ == "LazyConv1d" and repr(m.weight) == "<UninitializedParameter>"
        m(lib.ones(1, 4, 6))
        assert type(m).__name__ == "Conv1d" and tuple(m.weight.shape) == (2, 4, 3)
