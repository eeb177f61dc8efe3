"""Linear-algebra, spectral and special kernels after their move under ``numtorch._ops``:
outputs built as ops (geqrf, LU permutations), declared op parameters, forward-only special
functions, ``stft``'s window padding, and the ONNX lowering of argmax/argmin."""

import io

import numpy as np
import pytest
import torch

import numtorch as nt
from numtorch._ops.linalg import solvers


def test_geqrf_outputs_match_torch_and_take_no_gradient():
    a = np.random.default_rng(0).normal(size=(2, 5, 3))
    ours = nt.geqrf(nt.tensor(a, requires_grad=True))
    theirs = torch.geqrf(torch.tensor(a))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)
        assert not o.requires_grad and o.grad_fn is None
    assert type(ours).__name__ == "geqrf"


def test_lu_unpack_permutation_is_an_op_output():
    a = np.random.default_rng(1).normal(size=(3, 4, 4)).astype(np.float32)
    lu, piv = nt.linalg.lu_factor(nt.tensor(a, requires_grad=True))
    tlu, tpiv = torch.linalg.lu_factor(torch.tensor(a))
    assert piv.dtype == nt.int32
    np.testing.assert_array_equal(piv.numpy(), tpiv.numpy())
    P, L, U = nt.lu_unpack(lu, piv)
    tP, tL, tU = torch.lu_unpack(tlu, tpiv)
    np.testing.assert_array_equal(P.numpy(), tP.numpy())
    assert P.dtype == nt.float32 and not P.requires_grad
    np.testing.assert_allclose(L.detach().numpy(), tL.numpy(), rtol=1e-5, atol=1e-6)
    assert L.requires_grad and U.requires_grad


def test_inv_op_takes_op_name():
    a = nt.eye(2)
    np.testing.assert_array_equal(solvers.Inv.apply(a, op_name="linalg.inv").numpy(), np.eye(2))
    with pytest.raises(TypeError, match="unexpected parameter"):
        solvers.Inv.apply(a, name_="linalg.inv")
    with pytest.raises(nt.linalg.LinAlgError, match="linalg.inv: The diagonal element 2"):
        nt.linalg.inv(nt.tensor([[1.0, 2.0], [2.0, 4.0]]))


@pytest.mark.parametrize("name", ["bessel_j0", "modified_bessel_k1", "airy_ai"])
def test_forward_only_special_functions(name):
    x = np.linspace(0.5, 3.0, 6)
    ours = getattr(nt.special, name)(nt.tensor(x, requires_grad=True))
    theirs = getattr(torch.special, name)(torch.tensor(x))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=1e-9)
    # numtorch records a node whose backward raises (torch 2.13 records none)
    assert ours.requires_grad and ours.grad_fn.name() == "NotImplemented"
    with pytest.raises(RuntimeError, match=f"the derivative for '{name}' is not implemented"):
        ours.sum().backward()
    plain = getattr(nt.special, name)(nt.tensor([1, 2]))
    assert plain.dtype == nt.float32 and plain.grad_fn is None


def test_polynomials_values_and_no_graph():
    x = np.linspace(-1, 1, 5)
    for name in ("chebyshev_polynomial_t", "hermite_polynomial_h", "legendre_polynomial_p"):
        ours = getattr(nt.special, name)(nt.tensor(x, requires_grad=True), 3)
        theirs = getattr(torch.special, name)(torch.tensor(x), 3)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)
        assert ours.dtype == nt.float64 and not ours.requires_grad
        n = getattr(nt.special, name)(nt.tensor(x), nt.tensor([0, 1, 2, 3, 4]))
        tn = getattr(torch.special, name)(torch.tensor(x), torch.tensor([0, 1, 2, 3, 4]))
        np.testing.assert_allclose(n.numpy(), tn.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("complex_in", [False, True])
def test_stft_short_window_without_window_tensor(complex_in):
    rng = np.random.default_rng(3)
    x = rng.normal(size=32) + (1j * rng.normal(size=32) if complex_in else 0)
    ours = nt.stft(nt.tensor(x), 8, hop_length=2, win_length=5, return_complex=True)
    theirs = torch.stft(torch.tensor(x), 8, hop_length=2, win_length=5, return_complex=True)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)


def test_fft_namespace_is_the_spectral_kernels():
    from numtorch._ops import spectral

    # the public names wrap the kernels once (``__torch_function__`` dispatch)
    assert nt.fft.rfft.__wrapped__ is spectral.rfft and nt.stft.__wrapped__ is spectral.stft
    assert not hasattr(nt, "rfft")


def test_argmax_exports_to_onnx():
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")

    class M(nt.nn.Module):
        def forward(self, x):
            return x.argmax(1), x.argmin(-1, keepdim=True), x.argmax(), x.argmin(keepdim=True)

    x = nt.randn(3, 5)
    buf = io.BytesIO()
    nt.onnx.export(M(), (x,), buf, input_names=["x"])
    sess = ort.InferenceSession(buf.getvalue(), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"x": x.numpy()})
    for g, e in zip(got, M()(x)):
        assert g.dtype == np.int64
        np.testing.assert_array_equal(g, e.numpy())
