"""kl_divergence and register_kl against torch.distributions.kl: every registered pair of
numtorch's distributions, values and gradients, and the dispatch rules."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.distributions.harness import build, grads_match, outcome, same
from tests.oracle import graph_names

R = np.random.default_rng(2)
D = lambda lib: lib.distributions  # noqa: E731


def u(lo, hi, shape=(3,)):
    return R.uniform(lo, hi, shape)


def simplex(shape=(3, 4)):
    x = R.uniform(0.1, 1, shape)
    return x / x.sum(-1, keepdims=True)


# each family: make(lib, *params), parameter arrays (two draws: one for p, one for q)
FAMILIES = {
    "Bernoulli": (lambda lib, p: D(lib).Bernoulli(p), lambda: [u(0.05, 0.95)]),
    "Beta": (lambda lib, a, b: D(lib).Beta(a, b), lambda: [u(0.5, 3), u(0.5, 3)]),
    "Binomial": (lambda lib, p: D(lib).Binomial(5, p), lambda: [u(0.05, 0.95)]),
    "Categorical": (lambda lib, p: D(lib).Categorical(p), lambda: [simplex()]),
    "Cauchy": (lambda lib, a, b: D(lib).Cauchy(a, b), lambda: [u(-1, 1), u(0.5, 2)]),
    "ContinuousBernoulli": (lambda lib, p: D(lib).ContinuousBernoulli(p),
                            lambda: [np.array([0.2, 0.4995, 0.8])]),
    "Dirichlet": (lambda lib, c: D(lib).Dirichlet(c), lambda: [u(0.5, 3, (3, 4))]),
    "Exponential": (lambda lib, r: D(lib).Exponential(r), lambda: [u(0.5, 2)]),
    "Gamma": (lambda lib, a, b: D(lib).Gamma(a, b), lambda: [u(0.5, 3), u(0.5, 2)]),
    "Chi2": (lambda lib, k: D(lib).Chi2(k), lambda: [u(0.5, 4)]),
    "Geometric": (lambda lib, p: D(lib).Geometric(p), lambda: [u(0.1, 0.9)]),
    "Laplace": (lambda lib, a, b: D(lib).Laplace(a, b), lambda: [u(-1, 1), u(0.5, 2)]),
    "Normal": (lambda lib, a, b: D(lib).Normal(a, b), lambda: [u(-1, 1), u(0.5, 2)]),
    "OneHotCategorical": (lambda lib, p: D(lib).OneHotCategorical(p), lambda: [simplex()]),
    "Poisson": (lambda lib, r: D(lib).Poisson(r), lambda: [u(0.5, 4)]),
    "Uniform": (lambda lib, a, b: D(lib).Uniform(a, b), lambda: [u(0.05, 0.3), u(0.5, 0.95)]),
    "UniformWide": (lambda lib, a, b: D(lib).Uniform(a, b), lambda: [u(-1, 0.3), u(0.5, 2)]),
    "IndependentNormal": (lambda lib, a, b: D(lib).Independent(D(lib).Normal(a, b), 1),
                          lambda: [u(-1, 1, (2, 3)), u(0.5, 2, (2, 3))]),
}

SAME = ["Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "ContinuousBernoulli",
        "Dirichlet", "Exponential", "Gamma", "Chi2", "Geometric", "Laplace", "Normal",
        "OneHotCategorical", "Poisson", "Uniform", "UniformWide", "IndependentNormal"]
CROSS = [
    ("Bernoulli", "Poisson"), ("Beta", "ContinuousBernoulli"), ("Beta", "Exponential"),
    ("Beta", "Gamma"), ("Beta", "Normal"), ("Beta", "Uniform"), ("Beta", "UniformWide"),
    ("ContinuousBernoulli", "Exponential"), ("ContinuousBernoulli", "Normal"),
    ("ContinuousBernoulli", "Uniform"), ("ContinuousBernoulli", "UniformWide"),
    ("Exponential", "Beta"), ("Exponential", "ContinuousBernoulli"), ("Exponential", "Gamma"),
    ("Exponential", "Normal"), ("Exponential", "Uniform"), ("Gamma", "Beta"),
    ("Gamma", "ContinuousBernoulli"), ("Gamma", "Exponential"), ("Gamma", "Normal"),
    ("Gamma", "Uniform"), ("Chi2", "Exponential"), ("Laplace", "Beta"),
    ("Laplace", "ContinuousBernoulli"), ("Laplace", "Exponential"), ("Laplace", "Gamma"),
    ("Laplace", "Normal"), ("Laplace", "Uniform"), ("Normal", "Beta"),
    ("Normal", "ContinuousBernoulli"), ("Normal", "Exponential"), ("Normal", "Gamma"),
    ("Normal", "Laplace"), ("Normal", "Uniform"), ("Poisson", "Bernoulli"),
    ("Poisson", "Binomial"), ("Uniform", "Beta"), ("UniformWide", "Beta"),
    ("Uniform", "ContinuousBernoulli"), ("UniformWide", "ContinuousBernoulli"),
    ("Uniform", "Exponential"), ("UniformWide", "Exponential"), ("Uniform", "Gamma"),
    ("UniformWide", "Gamma"), ("Uniform", "Normal"), ("Gamma", "Chi2"),
    # unregistered or refused pairs: same exception
    ("Normal", "Cauchy"), ("Poisson", "Gamma"), ("Bernoulli", "Geometric"),
]
PAIRS = [(a, a) for a in SAME] + CROSS


@pytest.mark.parametrize("pn,qn", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_kl_pair(pn, qn):
    (mp, pp), (mq, pq) = FAMILIES[pn], FAMILIES[qn]
    p_arrays, q_arrays = pp(), pq()
    res = {}
    for lib in (numtorch, torch):
        p, p_in = build(lib, mp, p_arrays)
        q, q_in = build(lib, mq, q_arrays)
        kl = outcome(lambda p=p, q=q, lib=lib: D(lib).kl_divergence(p, q))
        res[lib.__name__] = (kl, p_in + q_in)
    (o, n_in), (t, t_in) = res["numtorch"], res["torch"]
    if same(o, t, "kl") and t[1].requires_grad:
        assert graph_names(o[1].grad_fn) == graph_names(t[1].grad_fn), "grad_fn tree"
        grads_match(o[1], t[1], n_in, t_in, "kl")


def test_binomial_counts():
    for pc, qc in [(5, 5), (6, 5), (4, 5)]:
        def fn(lib, pc=pc, qc=qc):
            p = D(lib).Binomial(lib.tensor([pc, 5.0]), lib.tensor([0.3, 0.4]))
            q = D(lib).Binomial(lib.tensor([qc, 5.0]), lib.tensor([0.6, 0.4]))
            return D(lib).kl_divergence(p, q)
        same(outcome(fn, numtorch), outcome(fn, torch), f"binomial {pc} {qc}")


def test_degenerate_probabilities():
    def fn(lib):
        p = D(lib).Categorical(lib.tensor([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]]))
        q = D(lib).Categorical(lib.tensor([[0.1, 0.9, 0.0], [0.2, 0.3, 0.5]]))
        b = D(lib).kl_divergence(D(lib).Bernoulli(lib.tensor([0.0, 1.0, 0.5])),
                                 D(lib).Bernoulli(lib.tensor([0.0, 0.3, 1.0])))
        return D(lib).kl_divergence(p, q), b
    same(outcome(fn, numtorch), outcome(fn, torch), "degenerate")


def test_independent_ndims_mismatch():
    def fn(lib):
        p = D(lib).Independent(D(lib).Normal(lib.zeros(2, 3), 1.0), 1)
        q = D(lib).Independent(D(lib).Normal(lib.zeros(2, 3), 1.0), 2)
        return D(lib).kl_divergence(p, q)
    same(outcome(fn, numtorch), outcome(fn, torch), "independent")


def _dispatch_case(lib):
    """A small hierarchy with two equally specific registrations (an ambiguity)."""
    N = D(lib).Normal

    class A(N):
        pass

    class B(N):
        pass

    class AA(A):
        pass

    @D(lib).register_kl(A, N)
    def _a_n(p, q):
        return lib.tensor(1.0)

    @D(lib).register_kl(N, B)
    def _n_b(p, q):
        return lib.tensor(2.0)

    @D(lib).register_kl(AA, N)
    def _aa_n(p, q):
        return lib.tensor(3.0)

    return A, B, AA, N


def test_register_kl_dispatch():
    results = []
    for lib in (numtorch, torch):
        A, B, AA, N = _dispatch_case(lib)
        z = lib.zeros(1)
        out = [float(D(lib).kl_divergence(A(z, 1.0), N(z, 1.0))),
               float(D(lib).kl_divergence(N(z, 1.0), B(z, 1.0))),
               float(D(lib).kl_divergence(AA(z, 1.0), N(z, 1.0))),
               float(D(lib).kl_divergence(AA(z, 1.0), B(z, 1.0)))]  # AA-N and N-B both fit
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")

            class A2(A):
                pass

            D(lib).kl_divergence(A2(z, 1.0), B(z, 1.0))
        out.append([str(x.message) for x in w if x.category is RuntimeWarning])
        results.append(out)
    assert results[0] == results[1]
    assert results[0][-1] and "Ambiguous kl_divergence(A2, B)" in results[0][-1][0]


def test_register_kl_errors():
    # torch accepts any class (its check only catches non-classes, through issubclass)
    assert callable(D(numtorch).register_kl(int, D(numtorch).Normal))
    for fn in (lambda lib: D(lib).register_kl(D(lib).Normal, 3),
               lambda lib: D(lib).register_kl("Normal", D(lib).Normal),
               lambda lib: D(lib).kl_divergence(D(lib).Normal(0.0, 1.0),
                                                D(lib).StudentT(1.0)),
               lambda lib: D(lib).kl_divergence(D(lib).Poisson(1.0), D(lib).Gamma(1.0, 1.0))):
        same(outcome(fn, numtorch), outcome(fn, torch), "error")


def test_expfamily_fallback_matches_closed_form():
    # Poisson-Poisson through the generic Bregman route agrees with the closed form
    from numtorch.distributions.kl import _kl_expfamily_expfamily, _kl_poisson_poisson
    p = D(numtorch).Poisson(numtorch.tensor([1.0, 3.0], dtype=numtorch.float64))
    q = D(numtorch).Poisson(numtorch.tensor([2.0, 0.5], dtype=numtorch.float64))
    np.testing.assert_allclose(_kl_expfamily_expfamily(p, q).detach().numpy(),
                               _kl_poisson_poisson(p, q).numpy(), rtol=1e-10)
