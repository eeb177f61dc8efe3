"""``autograd.functional`` against torch: jacobian, hessian, vjp, jvp, hvp, vhp (values, the
nesting of tuples and Tensors they return, requires_grad), create_graph gradients, vectorize and
forward-mode strategies, and torch's strict-mode and argument errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
Y = np.array([0.2, 0.4, -0.6])
V23 = np.array([[0.3, -0.2, 1.1], [0.7, 0.5, -0.4]])


def _shape_of(res):
    """The structure of a result: the container types, and each Tensor's shape, dtype and
    requires_grad."""
    if isinstance(res, (tuple, list)):
        return (type(res).__name__, [_shape_of(r) for r in res])
    if isinstance(res, (torch.Tensor, numtorch.Tensor)):
        return ("Tensor", tuple(res.shape), str(res.dtype), res.requires_grad)
    return repr(res)


def _values(res):
    if isinstance(res, (tuple, list)):
        return [v for r in res for v in _values(r)]
    return list(np.asarray(res.detach().numpy(), dtype=float).reshape(-1))


def same(fn):
    """``fn(lib)`` returns the same structure and values in both libraries."""
    t, n = fn(torch), fn(numtorch)
    assert _shape_of(n) == _shape_of(t)
    np.testing.assert_allclose(_values(n), _values(t), rtol=1e-10, atol=1e-12)


def _x(lib):
    return lib.tensor(X)


def _y(lib):
    return lib.tensor(Y)


def _two_out(a, b):
    return (a.sin() * b).sum(1), a.exp().mean()


def _scalar(a):
    return (a ** 3).sum() + a.prod() + a.sin().sum() * a.sum()


def _scalar2(a, b):
    return (a.exp() * b).sum() + (b ** 3).sum() * a.sum()


# name -> fn(lib) calling one function of lib.autograd.functional
CASES = {
    "jacobian_single": lambda L: L.autograd.functional.jacobian(lambda a: a.tanh(), _x(L)),
    "jacobian_tuple": lambda L: L.autograd.functional.jacobian(_two_out, (_x(L), _y(L))),
    "jacobian_tuple_in_single_out": lambda L: L.autograd.functional.jacobian(
        lambda a, b: a.sum(0) * b, (_x(L), _y(L))),
    "jacobian_single_in_tuple_out": lambda L: L.autograd.functional.jacobian(
        lambda a: (a * 2, a.sum()), _x(L)),
    "jacobian_one_tuple": lambda L: L.autograd.functional.jacobian(lambda a: (a * 2,), (_y(L),)),
    "jacobian_independent": lambda L: L.autograd.functional.jacobian(
        lambda a, b: a * 2, (_x(L), _y(L))),
    "jacobian_constant_output": lambda L: L.autograd.functional.jacobian(
        lambda a: L.ones(2, dtype=L.float64), _y(L)),
    "jacobian_scalar": lambda L: L.autograd.functional.jacobian(lambda a: (a ** 2).sum(), _y(L)),
    "jacobian_vectorize": lambda L: L.autograd.functional.jacobian(_two_out, (_x(L), _y(L)),
                                                                   vectorize=True),
    "jacobian_forward": lambda L: L.autograd.functional.jacobian(
        lambda a: a.tanh(), _x(L), vectorize=True, strategy="forward-mode"),
    "jacobian_forward_tuple": lambda L: L.autograd.functional.jacobian(
        _two_out, (_x(L), _y(L)), vectorize=True, strategy="forward-mode"),
    "jacobian_forward_tuple_in": lambda L: L.autograd.functional.jacobian(
        lambda a, b: a.sum() * b, (_x(L), _y(L)), vectorize=True, strategy="forward-mode"),
    "jacobian_forward_tuple_out": lambda L: L.autograd.functional.jacobian(
        lambda a: (a * 2, a.sum()), _y(L), vectorize=True, strategy="forward-mode"),
    "jacobian_forward_independent": lambda L: L.autograd.functional.jacobian(
        lambda a, b: a.exp(), (_y(L), _y(L)), vectorize=True, strategy="forward-mode"),
    "hessian_single": lambda L: L.autograd.functional.hessian(_scalar, _y(L)),
    "hessian_matrix_input": lambda L: L.autograd.functional.hessian(_scalar, _x(L)),
    "hessian_tuple": lambda L: L.autograd.functional.hessian(_scalar2, (_y(L), _y(L) * 2)),
    "hessian_vectorize": lambda L: L.autograd.functional.hessian(_scalar, _y(L), vectorize=True),
    "hessian_forward_over_reverse": lambda L: L.autograd.functional.hessian(
        _scalar2, (_y(L), _y(L) * 2), vectorize=True, outer_jacobian_strategy="forward-mode"),
    "hessian_linear": lambda L: L.autograd.functional.hessian(lambda a: (a * 2).sum(), _y(L)),
    "vjp": lambda L: L.autograd.functional.vjp(lambda a: a.exp(), _x(L), L.tensor(V23)),
    "vjp_scalar_no_v": lambda L: L.autograd.functional.vjp(lambda a: a.exp().sum(), _x(L)),
    "vjp_tuple": lambda L: L.autograd.functional.vjp(
        lambda a, b: (a.exp(), b * a.sum()), (_x(L), _y(L)), (L.tensor(V23), _y(L))),
    "vjp_independent": lambda L: L.autograd.functional.vjp(lambda a, b: a * 2, (_x(L), _y(L)),
                                                           L.tensor(V23)),
    "jvp": lambda L: L.autograd.functional.jvp(lambda a: a.exp(), _x(L), L.tensor(V23)),
    "jvp_tuple": lambda L: L.autograd.functional.jvp(
        lambda a, b: ((a * b).sum(1), b.cos()), (_x(L), _y(L)), (L.tensor(V23), _y(L))),
    "jvp_single_element_no_v": lambda L: L.autograd.functional.jvp(
        lambda a: a * 3, L.tensor([2.0], dtype=L.float64)),
    "hvp": lambda L: L.autograd.functional.hvp(_scalar, _x(L), L.tensor(V23)),
    "vhp": lambda L: L.autograd.functional.vhp(_scalar, _x(L), L.tensor(V23)),
    "hvp_tuple": lambda L: L.autograd.functional.hvp(_scalar2, (_y(L), _y(L)), (_y(L), -_y(L))),
    "vhp_tuple": lambda L: L.autograd.functional.vhp(_scalar2, (_y(L), _y(L)), (_y(L), -_y(L))),
    "hvp_linear": lambda L: L.autograd.functional.hvp(lambda a: (a * 2).sum(), _y(L), _y(L)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_structure(name):
    same(CASES[name])


def _grad_through(L, which):
    """Results built with create_graph=True are differentiable: their gradient w.r.t. the
    input equals torch's."""
    F = L.autograd.functional
    p = L.tensor([1.0, -2.0, 0.5], dtype=L.float64, requires_grad=True)
    v = L.tensor([0.3, 0.2, -1.0], dtype=L.float64)
    if which == "vjp":
        res = F.vjp(lambda a: a ** 3 * a.sin(), p, v, create_graph=True)[1]
    elif which == "jvp":
        res = F.jvp(lambda a: a ** 3 * a.sin(), p, v, create_graph=True)[1]
    elif which == "jacobian":
        res = F.jacobian(lambda a: a.exp() * a.sum(), p, create_graph=True)
    elif which == "hessian":
        res = F.hessian(lambda a: (a ** 4).sum() * a.prod(), p, create_graph=True)
    elif which == "hvp":
        res = F.hvp(lambda a: (a ** 4).sum() * a.prod(), p, v, create_graph=True)[1]
    else:
        res = F.vhp(lambda a: (a ** 4).sum() * a.prod(), p, v, create_graph=True)[1]
    assert res.requires_grad
    (g,) = L.autograd.grad((res * res).sum(), p)
    return res, g


@pytest.mark.parametrize("which", ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"])
def test_create_graph(which):
    same(lambda L: _grad_through(L, which))


def test_no_create_graph_detaches():
    def run(L):
        p = L.tensor([1.0, 2.0], requires_grad=True)
        out, v = L.autograd.functional.vjp(lambda a: a * a, p, L.ones(2))
        jac = L.autograd.functional.jacobian(lambda a: a * a, p)
        return out.requires_grad, v.requires_grad, jac.requires_grad, p.grad is None
    assert run(numtorch) == run(torch)


def test_no_grad_outside():
    """Under no_grad the functions still differentiate (they enable grad themselves)."""
    def run(L):
        with L.no_grad():
            return L.autograd.functional.vjp(lambda a: a.exp(), _x(L), L.tensor(V23))
    same(run)


# -- errors ------------------------------------------------------------------------------------
def _raises_same(fn):
    errs = []
    for L in (torch, numtorch):
        with pytest.raises(Exception) as info:  # noqa: B017
            fn(L)
        errs.append(info.value)
    theirs, ours = errs
    assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours} vs {theirs!r}"
    assert str(ours) == str(theirs)


def _F(L):
    return L.autograd.functional


ERRORS = {
    # strict mode
    "vjp_strict_no_grad_output": lambda L: _F(L).vjp(lambda a: L.ones(2, dtype=L.float64),
                                                     _y(L)[:2], L.ones(2, dtype=L.float64),
                                                     strict=True),
    "vjp_strict_independent": lambda L: _F(L).vjp(lambda a, b: a * 2, (_x(L), _y(L)),
                                                  L.tensor(V23), strict=True),
    "jvp_strict_independent": lambda L: _F(L).jvp(lambda a, b: a * 2, (_x(L), _y(L)),
                                                  (L.tensor(V23), _y(L)), strict=True),
    "jvp_strict_linear_create_graph": lambda L: _F(L).jvp(
        lambda a: a * 2, _y(L), _y(L), strict=True, create_graph=True),
    "vjp_strict_linear_create_graph": lambda L: _F(L).vjp(
        lambda a: a * 2, _y(L), _y(L), strict=True, create_graph=True),
    "jacobian_strict_no_grad_output": lambda L: _F(L).jacobian(
        lambda a: L.ones(2, dtype=L.float64), _y(L), strict=True),
    "jacobian_strict_independent": lambda L: _F(L).jacobian(lambda a, b: a * 2, (_x(L), _y(L)),
                                                            strict=True),
    "jacobian_strict_create_graph": lambda L: _F(L).jacobian(lambda a: a * 2, _y(L), strict=True,
                                                             create_graph=True),
    "jacobian_strict_vectorize": lambda L: _F(L).jacobian(lambda a: a * 2, _y(L), strict=True,
                                                          vectorize=True),
    "hessian_strict_linear": lambda L: _F(L).hessian(lambda a: (a * 2).sum(), _y(L),
                                                     strict=True),
    "hessian_strict_independent": lambda L: _F(L).hessian(lambda a, b: (a ** 3).sum(),
                                                          (_y(L), _y(L)), strict=True),
    "vhp_strict_linear": lambda L: _F(L).vhp(lambda a: (a * 2).sum(), _y(L), _y(L), strict=True),
    "hvp_strict_linear": lambda L: _F(L).hvp(lambda a: (a * 2).sum(), _y(L), _y(L), strict=True),
    "vhp_strict_independent": lambda L: _F(L).vhp(lambda a, b: (a ** 3).sum(), (_y(L), _y(L)),
                                                  (_y(L), _y(L)), strict=True),
    "hvp_strict_independent": lambda L: _F(L).hvp(lambda a, b: (a ** 3).sum(), (_y(L), _y(L)),
                                                  (_y(L), _y(L)), strict=True),
    # arguments
    "vjp_v_missing": lambda L: _F(L).vjp(lambda a: a.exp(), _x(L)),
    "vjp_v_shape": lambda L: _F(L).vjp(lambda a: a.exp(), _x(L), _y(L)),
    "vjp_v_tuple_shape": lambda L: _F(L).vjp(lambda a: (a, a), _x(L), (L.tensor(V23), _y(L))),
    "vjp_v_tuple_length": lambda L: _F(L).vjp(lambda a: (a, a), _x(L), (L.tensor(V23),)),
    "vjp_v_single_length": lambda L: _F(L).vjp(lambda a: a, _x(L), (L.tensor(V23), _y(L))),
    "jvp_v_missing": lambda L: _F(L).jvp(lambda a: a.exp(), _x(L)),
    "jvp_v_shape": lambda L: _F(L).jvp(lambda a: a.exp(), _x(L), _y(L)),
    "output_not_tensor": lambda L: _F(L).vjp(lambda a: 3, _y(L)),
    "input_not_tensor": lambda L: _F(L).vjp(lambda a: a, 3),
    "input_tuple_not_tensor": lambda L: _F(L).jacobian(lambda a, b: a, (_y(L), 3)),
    "hessian_vector_output": lambda L: _F(L).hessian(lambda a: a * 2, _y(L)),
    "hessian_tuple_output": lambda L: _F(L).hessian(lambda a: (a.sum(),), _y(L)),
    "hvp_vector_output": lambda L: _F(L).hvp(lambda a: a * 2, _y(L), _y(L)),
    "vhp_tuple_output": lambda L: _F(L).vhp(lambda a: (a.sum(),), _y(L), _y(L)),
    "hvp_v_missing": lambda L: _F(L).hvp(lambda a: a.sum(), _y(L)),
    "jacobian_bad_strategy": lambda L: _F(L).jacobian(lambda a: a, _y(L), strategy="sideways"),
    "hessian_bad_strategy": lambda L: _F(L).hessian(lambda a: a.sum(), _y(L),
                                                    outer_jacobian_strategy="sideways"),
    "jacobian_forward_strict": lambda L: _F(L).jacobian(lambda a: a, _y(L), strict=True,
                                                        vectorize=True, strategy="forward-mode"),
    "jacobian_forward_create_graph": lambda L: _F(L).jacobian(
        lambda a: a, _y(L), create_graph=True, vectorize=True, strategy="forward-mode"),
    "jacobian_forward_not_vectorized": lambda L: _F(L).jacobian(lambda a: a, _y(L),
                                                                strategy="forward-mode"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    _raises_same(ERRORS[name])


def test_importable_as_attributes():
    import importlib

    for name in ("functional", "forward_ad"):
        mod = getattr(numtorch.autograd, name)
        assert mod is importlib.import_module(f"numtorch.autograd.{name}")
        assert sorted(n for n in getattr(torch.autograd, name).__all__) == sorted(mod.__all__)
