"""Regression tests for core bugs found by review, each compared with torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch


def _both(fn):
    out = []
    for lib in (torch, numtorch):
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            out.append((type(e).__name__, str(e)))
    return out


def test_select_of_1d_is_a_writable_view():
    def run(lib):
        x = lib.arange(4.0)
        s = x.select(0, 1)
        s.fill_(9.0)
        x[2].add_(1)
        return x.tolist(), s.shape, s.ndim

    t, n = _both(run)
    assert t == n


@pytest.mark.parametrize("dtype", ["float64", "int64", "bool", "complex64", "float16"])
def test_expand_error_names_the_dtype(dtype):
    t, n = _both(lambda lib: lib.ones(2, 3, dtype=getattr(lib, dtype)).expand(3))
    assert t == n


def test_zero_dim_results_are_arrays():
    def run(lib):
        x = lib.tensor(2.0)
        y = x * 1
        y.add_(1)
        z = x + 1.5
        z.mul_(2)
        return y.item(), z.item(), (x - x).item()

    t, n = _both(run)
    assert t == n
    assert isinstance((numtorch.tensor(2.0) * 1)._data, np.ndarray)


def test_clone_of_expanded_is_contiguous():
    def run(lib):
        x = lib.ones(3).expand(2, 3)
        c = x.clone()
        return (c.is_contiguous(), c.stride(), tuple(c.view(6).shape),
                lib.ones(4, 3).t().clone().stride(),
                lib.ones(2, 3, 4).permute(2, 0, 1).clone().stride(),
                lib.ones(4, 6)[:, ::2].clone().stride())

    t, n = _both(run)
    assert t == n


def test_inplace_through_view_rebases_base():
    def run(lib):
        b = lib.ones(3, requires_grad=True)
        y = b.clone()
        y[0].mul_(2)
        y.sum().backward()
        return b.grad.tolist(), y.grad_fn.name()

    t, n = _both(run)
    assert t == n


def test_relu_double_backward():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        (g,) = lib.autograd.grad(x.relu().sum(), x, create_graph=True)
        return g.requires_grad, g.grad_fn.name(), g.tolist()

    t, n = _both(run)
    assert t == n


@pytest.mark.parametrize("case", range(5))
def test_addmm_bmm_dtype_errors(case):
    def run(lib):
        d, f = lib.float64, lib.float32
        calls = [
            lambda: lib.addmm(lib.ones(2, 2), lib.ones(2, 2, dtype=d), lib.ones(2, 2)),
            lambda: lib.addmm(lib.ones(2, 2), lib.ones(2, 2), lib.ones(2, 2, dtype=d)),
            lambda: lib.addmm(lib.ones(2, 2, dtype=lib.int64), lib.ones(2, 2), lib.ones(2, 2)),
            lambda: lib.mm(lib.ones(2, 2, dtype=d), lib.ones(2, 2, dtype=f)),
            lambda: lib.bmm(lib.ones(1, 2, 2, dtype=d), lib.ones(1, 2, 2)),
        ]
        return calls[case]()

    t, n = _both(run)
    assert t == n


def test_matmul_1d_2d_node():
    t, n = _both(lambda lib: lib.matmul(lib.ones(3, requires_grad=True),
                                        lib.ones(3, 2)).grad_fn.name())
    assert t == n


def test_reshape_nodes():
    def run(lib):
        x = lib.ones(3, 4, requires_grad=True)
        y = x.t().reshape(12)
        z = lib.ones(12, requires_grad=True)[::2].reshape(2, 3)
        return (y.grad_fn.name(), y.grad_fn.next_functions[0][0].name(), z.grad_fn.name())

    t, n = _both(run)
    assert t == n


# --- in-place ops on views, graph names, reductions -------------------------------------------

from tests.oracle import check  # noqa: E402


def test_mul_div_python_complex_scalar_grad_is_conjugated():
    # graph=False: .real/.imag record different node names (not what is tested here)
    check(lambda lib, x: (x * 1j).real * 3 + (x * (2 - 1j)).imag, [(3,)], dtypes=["float64"],
          graph=False)
    check(lambda lib, x: ((x + 0j) / (1 + 2j)).imag, [(3,)], dtypes=["float64"], graph=False)
    check(lambda lib, x: ((1 + 2j) / (x + 0j)).imag, [(3,)], dtypes=["float64"], low=0.5,
          graph=False)
    check(lambda lib, x, y: lib.complex(x, y).imag * 2 + lib.complex(x, y).real,
          [(3,), (3,)], dtypes=["float32"], graph=False)


def test_view_as_real_0d_and_non_contiguous():
    def run(lib):
        z = lib.view_as_real(lib.tensor(1 + 2j))
        w = lib.complex(lib.ones(3, 4), lib.arange(12.0).reshape(3, 4))[:, ::2]
        r = lib.view_as_real(w)
        r[0, 0, 1] = 99.0
        return z.tolist(), z.shape, r.stride(), r.tolist(), w[0, 0].item()

    t, n = _both(run)
    assert t == n


def test_tensor_split_tensor_argument():
    def run(lib):
        x = lib.arange(7)
        return ([p.tolist() for p in lib.tensor_split(x, lib.tensor(3))],
                [p.tolist() for p in lib.tensor_split(x, lib.tensor([1, 5]))])

    t, n = _both(run)
    assert t == n


def test_norm_nuc():
    check(lambda lib, x: lib.norm(x, "nuc"), [(3, 4)], dtypes=["float64"])
    check(lambda lib, x: x.norm(p="nuc", dim=(0, 2)), [(2, 3, 4)], dtypes=["float64"])
    for shape, dim in [((2, 3, 4), None), ((3,), None), ((3, 3), (0,))]:
        t, n = _both(lambda lib, s=shape, d=dim: lib.norm(lib.ones(s), "nuc", dim=d))
        assert t == n


def test_transpose_0d():
    check(lambda lib, x: x.transpose(0, -1) * 2, [()], dtypes=["float32"])

    def run(lib):
        x = lib.tensor(1.5)
        y = x.transpose(0, 0)
        y.add_(1)
        return x.item(), y.shape

    t, n = _both(run)
    assert t == n
    t, n = _both(lambda lib: lib.tensor(1.5).transpose(0, 1))
    assert t == n


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape,dim", [((0, 3), 1), ((2, 0), 1), ((0,), 0)])
def test_softmax_empty(name, shape, dim):
    def run(lib):
        fn = getattr(lib.nn.functional, name)
        x = lib.zeros(shape, requires_grad=True)
        y = fn(x, dim)
        y.sum().backward()
        return y.shape, y.dtype.is_floating_point, y.grad_fn.name(), x.grad.shape

    t, n = _both(run)
    assert str(t) == str(n)


@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_grad_with_zeros(include_self):
    a = np.array([[1.0, 0.0, 2.0, 3.0], [0.0, 0.0, 4.0, 5.0]])
    src = np.array([[2.0, 0.0, 3.0, 1.0, 0.0, 2.0], [1.0, 2.0, 0.0, 3.0, 4.0, 0.0]])
    idx = np.array([[0, 1, 0, 2, 3, 3], [0, 1, 1, 2, 3, 2]])
    check(lambda lib, x, s: x.scatter_reduce(1, lib.tensor(idx), s, "prod",
                                             include_self=include_self),
          arrays=[a, src], dtypes=["float64"])


def test_isclose_refuses_mixed_dtypes_as_torch():
    from tests.oracle import check_raises

    for a, b in (("float64", "float32"), ("float32", "int64"), ("int32", "int64")):
        check_raises(lambda lib, x, y: lib.isclose(x, y),
                     arrays=[np.zeros(2, a), np.zeros(2, b)])
        check_raises(lambda lib, x, y: lib.allclose(x, y),
                     arrays=[np.zeros(2, a), np.zeros(2, b)])


def test_clamp_gradient_is_zero_where_clamped_even_for_infinite_upstream():
    res = []
    for lib in (torch, numtorch):
        a = lib.tensor([0.5, 3.0], requires_grad=True)
        m = a.clamp(min=2)
        (m / ((m - 1) ** 2 * (m - 2))).sum().backward()
        res.append(a.grad.tolist())
    assert res[1] == res[0]


def test_linspace_rounds_as_torch_fused_multiply_add():
    """torch's CPU linspace computes each point with one fused multiply-add."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        s, e = (float(v) for v in rng.uniform(-10, 10, 2))
        n = int(rng.integers(2, 50))
        for dt in ("float32", "float64"):
            ours = numtorch.linspace(s, e, n, dtype=getattr(numtorch, dt)).tolist()
            assert ours == torch.linspace(s, e, n, dtype=getattr(torch, dt)).tolist()


def test_like_factories_keep_a_dense_inputs_strides():
    """``*_like`` with preserve_format (the default): a dense permuted input's strides."""
    import itertools

    for shp in ((2, 4, 3), (3, 1, 5), (2, 3, 4, 5), (4, 1)):
        for perm in itertools.permutations(range(len(shp))):
            strides = []
            for lib in (torch, numtorch):
                x = lib.zeros(*shp).permute(*perm)
                strides.append([f(x).stride() for f in (
                    lib.zeros_like, lib.ones_like, lib.empty_like,
                    lambda t, lib=lib: lib.full_like(t, 2.0),
                    lambda t, lib=lib: lib.zeros_like(t, memory_format=lib.contiguous_format))])
            assert strides[1] == strides[0], (shp, perm)
