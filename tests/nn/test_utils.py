"""nn.utils against torch: gradient clipping and parameter/vector conversion."""

import warnings

import numpy as np
import pytest
import torch

import numtorch


def _model_with_grads(lib, scale=1.0, dtype="float64"):
    lib.manual_seed(0)
    m = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.Tanh(), lib.nn.Linear(3, 2, bias=False))
    if dtype == "float64":
        m.double()
    x = (lib.arange(8.0).reshape(2, 4) * scale).to(getattr(lib, dtype))
    m(x).pow(2).sum().backward()
    return m


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm(norm_type, max_norm):
    t, n = _model_with_grads(torch), _model_with_grads(numtorch)
    rt = torch.nn.utils.clip_grad_norm_(t.parameters(), max_norm, norm_type)
    rn = numtorch.nn.utils.clip_grad_norm_(n.parameters(), max_norm, norm_type)
    assert rn.dtype == numtorch.float64 and rn.shape == ()
    np.testing.assert_allclose(rn.numpy(), rt.numpy(), rtol=1e-6)
    for a, b in zip(t.parameters(), n.parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_float32():
    t, n = _model_with_grads(torch, dtype="float32"), _model_with_grads(numtorch, dtype="float32")
    for m in (t, n):
        for p in m.parameters():
            p.grad = p.detach() * 3 + 1
    rt = torch.nn.utils.clip_grad_norm_(t.parameters(), 0.5)
    rn = numtorch.nn.utils.clip_grad_norm_(n.parameters(), 0.5)
    assert rn.dtype == numtorch.float32
    np.testing.assert_allclose(rn.numpy(), rt.numpy(), rtol=1e-6)
    for a, b in zip(t.parameters(), n.parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_edge_cases():
    p = numtorch.nn.Parameter(numtorch.ones(3))
    r = numtorch.nn.utils.clip_grad_norm_([p], 1.0)
    assert float(r) == 0.0 and r.dtype == numtorch.float32
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        numtorch.nn.utils.clip_grad_norm_((q for q in []), 1.0)
    assert "empty generator" in str(w[0].message)
    p.grad = numtorch.tensor([float("inf"), 1.0, 1.0])
    with pytest.raises(RuntimeError) as ours:
        numtorch.nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    tp = torch.nn.Parameter(torch.ones(3))
    tp.grad = torch.tensor([float("inf"), 1.0, 1.0])
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.utils.clip_grad_norm_(tp, 1.0, error_if_nonfinite=True)
    assert str(ours.value) == str(theirs.value)


def test_clip_grad_value():
    t, n = _model_with_grads(torch, 3.0), _model_with_grads(numtorch, 3.0)
    assert torch.nn.utils.clip_grad_value_(t.parameters(), 0.7) is None
    assert numtorch.nn.utils.clip_grad_value_(n.parameters(), 0.7) is None
    for a, b in zip(t.parameters(), n.parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-6)


def test_get_total_norm_and_clip_with_norm():
    t, n = _model_with_grads(torch), _model_with_grads(numtorch)
    tt = torch.nn.utils.get_total_norm([p.grad for p in t.parameters()])
    nt = numtorch.nn.utils.get_total_norm([p.grad for p in n.parameters()])
    np.testing.assert_allclose(nt.numpy(), tt.numpy(), rtol=1e-6)
    torch.nn.utils.clip_grads_with_norm_(t.parameters(), 0.1, tt)
    numtorch.nn.utils.clip_grads_with_norm_(n.parameters(), 0.1, nt)
    for a, b in zip(t.parameters(), n.parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-6)


def test_parameters_vector_roundtrip():
    t, n = _model_with_grads(torch), _model_with_grads(numtorch)
    vt = torch.nn.utils.parameters_to_vector(t.parameters())
    vn = numtorch.nn.utils.parameters_to_vector(n.parameters())
    np.testing.assert_array_equal(vn.detach().numpy(), vt.detach().numpy())
    assert type(vn.grad_fn).__name__ == type(vt.grad_fn).__name__
    new = np.arange(vt.numel(), dtype=np.float32)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t.parameters())
    numtorch.nn.utils.vector_to_parameters(numtorch.tensor(new), n.parameters())
    for a, b in zip(t.parameters(), n.parameters()):
        np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
        assert isinstance(b, numtorch.nn.Parameter)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        numtorch.nn.utils.vector_to_parameters([1], n.parameters())
