"""Discrete distributions, Dirichlet, Independent and MixtureSameFamily against
torch.distributions."""

import numpy as np
import pytest
import torch

import numtorch
from tests.distributions.harness import check_distribution, outcome, same
from tests.oracle import assert_same_value

R = np.random.default_rng(1)
D = lambda lib: lib.distributions  # noqa: E731


def u(lo, hi, shape, dt="float64"):
    return R.uniform(lo, hi, shape).astype(dt)


def simplex(shape, dt="float64"):
    x = R.uniform(0.1, 1, shape)
    return (x / x.sum(-1, keepdims=True)).astype(dt)


def counts(n, k, shape):
    p = simplex((k,))
    return R.multinomial(n, p, size=shape).astype("float64")


ONEHOT = np.eye(4)[[0, 3, 1]]

CASES = [
    ("bernoulli", lambda lib, p: D(lib).Bernoulli(p), [u(0.1, 0.9, (3,))],
     np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), {"exact": True}),
    ("bernoulli_half", lambda lib, p: D(lib).Bernoulli(p), [np.array([0.5, 0.2, 0.8])],
     np.array([0.0, 1.0, 1.0]), {"exact": True}),
    ("bernoulli_logits", lambda lib, lg: D(lib).Bernoulli(logits=lg), [u(-3, 3, (2, 3))],
     np.array([0.0, 1.0, 1.0]), {"exact": True}),
    ("bernoulli_number", lambda lib: D(lib).Bernoulli(0.3), [], np.array(1.0, "float32"),
     {"exact": True}),
    ("geometric", lambda lib, p: D(lib).Geometric(p), [u(0.1, 0.9, (3,))],
     np.array([0.0, 2.0, 5.0]), {"exact": True}),
    ("geometric_logits", lambda lib, lg: D(lib).Geometric(logits=lg), [u(-2, 2, (3,))],
     np.array([0.0, 2.0, 5.0]), {"exact": True}),
    ("categorical", lambda lib, p: D(lib).Categorical(p), [simplex((2, 4))],
     np.array([[0.0, 3.0], [2.0, 1.0]]), {"exact": True}),
    ("categorical_logits", lambda lib, lg: D(lib).Categorical(logits=lg), [u(-2, 2, (5,))],
     np.array([0.0, 3.0, 4.0]), {"exact": True}),
    ("categorical_f32", lambda lib, p: D(lib).Categorical(p),
     [simplex((3, 4), "float32") * 3], np.array([0.0, 3.0, 2.0], "float32"), {"exact": True}),
    ("one_hot", lambda lib, p: D(lib).OneHotCategorical(p), [simplex((3, 4))], ONEHOT,
     {"exact": True}),
    ("one_hot_logits", lambda lib, lg: D(lib).OneHotCategorical(logits=lg), [u(-2, 2, (4,))],
     ONEHOT, {"exact": True}),
    ("one_hot_st", lambda lib, p: D(lib).OneHotCategoricalStraightThrough(p),
     [simplex((3, 4))], ONEHOT, {"exact": True}),
    ("binomial", lambda lib, n, p: D(lib).Binomial(n, p), [np.array([5.0, 5.0, 5.0]),
                                                           u(0.1, 0.9, (3,))],
     np.array([0.0, 2.0, 5.0]), {"exact": True}),
    ("binomial_logits", lambda lib, lg: D(lib).Binomial(4, logits=lg), [u(-30, 30, (2, 3))],
     np.array([0.0, 2.0, 4.0]), {"exact": True}),
    ("binomial_mixed", lambda lib, n, p: D(lib).Binomial(n, p),
     [np.array([2.0, 5.0, 7.0]), u(0.1, 0.9, (3,))], np.array([0.0, 2.0, 5.0]),
     {"exact": True}),
    ("binomial_large", lambda lib, n, p: D(lib).Binomial(n, p),
     [np.array([40.0, 300.0, 1000.0]), np.array([0.45, 0.05, 0.93])],
     np.array([10.0, 20.0, 900.0]), {"exact": True}),
    ("multinomial", lambda lib, p: D(lib).Multinomial(6, p), [simplex((2, 3))],
     counts(6, 3, (2,)), {"exact": True}),
    ("multinomial_logits", lambda lib, lg: D(lib).Multinomial(3, logits=lg), [u(-2, 2, (4,))],
     counts(3, 4, (2,)), {"exact": True}),
    ("poisson", lambda lib, r: D(lib).Poisson(r), [u(0.5, 6, (3,))], np.array([0.0, 2.0, 7.0]),
     {"exact": True}),
    ("poisson_large", lambda lib, r: D(lib).Poisson(r), [np.array([0.0, 12.0, 300.0], "float32")],
     np.array([0.0, 11.0, 290.0], "float32"), {"exact": True}),
    ("negative_binomial", lambda lib, n, p: D(lib).NegativeBinomial(n, p),
     [u(0.5, 5, (3,)), u(0.1, 0.9, (3,))], np.array([0.0, 2.0, 7.0]), {"exact": True}),
    ("negative_binomial_logits", lambda lib, n, lg: D(lib).NegativeBinomial(n, logits=lg),
     [u(0.5, 5, (3,)), u(-2, 2, (3,))], np.array([0.0, 2.0, 7.0]), {"exact": True}),
    # Dirichlet.mode guards its 0/0 rows with a where (one more node than torch's graph) so
    # that their gradient is 0 as torch's is
    ("dirichlet", lambda lib, c: D(lib).Dirichlet(c), [u(0.3, 4, (2, 3))], simplex((2, 3)),
     {"graph": False, "exact": True, "grad_rtol": 3e-3}),
    ("dirichlet_small", lambda lib, c: D(lib).Dirichlet(c),
     [np.array([[0.5, 0.3, 0.9], [2.0, 3.0, 0.5]])], simplex((3,)),
     {"graph": False, "exact": True, "grad_rtol": 3e-3}),
    ("dirichlet_f32", lambda lib, c: D(lib).Dirichlet(c), [u(0.05, 4, (2, 5), "float32")],
     simplex((5,), "float32"), {"graph": False, "exact": True, "grad_rtol": 3e-3}),
    ("independent_normal", lambda lib, a, b: D(lib).Independent(D(lib).Normal(a, b), 1),
     [u(-1, 1, (2, 3)), u(0.5, 2, (2, 3))], u(-2, 2, (2, 3)), {"exact": True}),
    ("independent_0", lambda lib, p: D(lib).Independent(D(lib).Bernoulli(p), 0),
     [u(0.1, 0.9, (3,))], np.array([0.0, 1.0, 1.0]), {"exact": True}),
    ("independent_2", lambda lib, c: D(lib).Independent(D(lib).Dirichlet(c), 1),
     [u(0.5, 3, (2, 3))], simplex((2, 3)), {"graph": False, "exact": True, "grad_rtol": 3e-3}),
    ("mixture", lambda lib, w, a, b: D(lib).MixtureSameFamily(
        D(lib).Categorical(w), D(lib).Normal(a, b)),
     [simplex((2, 3)), u(-1, 1, (2, 3)), u(0.5, 2, (2, 3))], u(-2, 2, (4, 2)),
     {"exact": True}),
    ("mixture_events", lambda lib, w, a, b: D(lib).MixtureSameFamily(
        D(lib).Categorical(w), D(lib).Independent(D(lib).Normal(a, b), 1)),
     [simplex((3,)), u(-1, 1, (3, 2)), u(0.5, 2, (3, 2))], u(-2, 2, (4, 2)),
     {"exact": True}),
]


@pytest.mark.parametrize("name,make,params,value,opts", CASES, ids=[c[0] for c in CASES])
def test_distribution(name, make, params, value, opts):
    check_distribution(make, params, value, **opts)


BAD = [
    ("bernoulli_both", lambda lib: D(lib).Bernoulli(0.5, 0.2)),
    ("bernoulli_none", lambda lib: D(lib).Bernoulli()),
    ("bernoulli_probs", lambda lib: D(lib).Bernoulli(lib.tensor([0.5, 1.2]))),
    ("bernoulli_value", lambda lib: D(lib).Bernoulli(0.3).log_prob(lib.tensor(0.5))),
    ("categorical_dim", lambda lib: D(lib).Categorical(lib.tensor(0.5))),
    ("categorical_logits_dim", lambda lib: D(lib).Categorical(logits=lib.tensor(0.5))),
    ("categorical_simplex", lambda lib: D(lib).Categorical(lib.tensor([-0.5, 1.5]))),
    ("categorical_value", lambda lib: D(lib).Categorical(lib.tensor([0.5, 0.5])).log_prob(
        lib.tensor(2))),
    ("one_hot_value", lambda lib: D(lib).OneHotCategorical(lib.tensor([0.5, 0.5])).log_prob(
        lib.tensor([1.0, 1.0]))),
    ("binomial_count", lambda lib: D(lib).Binomial(lib.tensor([1.5]), lib.tensor([0.5]))),
    ("binomial_value", lambda lib: D(lib).Binomial(3, lib.tensor([0.5])).log_prob(
        lib.tensor([4.0]))),
    ("binomial_entropy", lambda lib: D(lib).Binomial(lib.tensor([2.0, 3.0]),
                                                    lib.tensor([0.5, 0.5])).entropy()),
    ("multinomial_count", lambda lib: D(lib).Multinomial(lib.tensor(2), lib.tensor([0.5, 0.5]))),
    ("multinomial_value", lambda lib: D(lib).Multinomial(2, lib.tensor([0.5, 0.5])).log_prob(
        lib.tensor([2.0, 1.0]))),
    ("poisson_rate", lambda lib: D(lib).Poisson(lib.tensor([-1.0]))),
    ("poisson_value", lambda lib: D(lib).Poisson(lib.tensor([1.0])).log_prob(lib.tensor([0.5]))),
    ("geometric_zero", lambda lib: D(lib).Geometric(lib.tensor([0.0, 0.5]))),
    ("negbin_probs", lambda lib: D(lib).NegativeBinomial(2.0, lib.tensor([1.0]))),
    ("independent_ndims", lambda lib: D(lib).Independent(D(lib).Normal(lib.zeros(2), 1.0), 2)),
    ("independent_enum", lambda lib: D(lib).Independent(
        D(lib).Bernoulli(lib.full((2,), 0.5)), 1).enumerate_support()),
    ("mixture_type", lambda lib: D(lib).MixtureSameFamily(D(lib).Normal(0.0, 1.0),
                                                          D(lib).Normal(lib.zeros(2), 1.0))),
    ("mixture_component", lambda lib: D(lib).MixtureSameFamily(
        D(lib).Categorical(lib.ones(3)), 1.0)),
    ("mixture_count", lambda lib: D(lib).MixtureSameFamily(
        D(lib).Categorical(lib.ones(3)), D(lib).Normal(lib.zeros(2), 1.0))),
    ("mixture_batch", lambda lib: D(lib).MixtureSameFamily(
        D(lib).Categorical(lib.ones(2, 3)), D(lib).Normal(lib.zeros(4, 3), 1.0))),
    ("dirichlet_value", lambda lib: D(lib).Dirichlet(lib.ones(3)).log_prob(
        lib.tensor([0.5, 0.6, 0.1]))),
]


@pytest.mark.parametrize("name,fn", BAD, ids=[c[0] for c in BAD])
def test_validation_errors(name, fn):
    same(outcome(fn, numtorch), outcome(fn, torch), name)


def test_repr_nested():
    def make(lib):
        mix = D(lib).MixtureSameFamily(D(lib).Categorical(lib.ones(3)),
                                       D(lib).Normal(lib.zeros(3), 1.0))
        return [repr(mix), repr(D(lib).Independent(D(lib).Normal(lib.zeros(2, 3), 1.0), 1)),
                repr(D(lib).Bernoulli(lib.tensor(0.3))), repr(D(lib).Chi2(lib.tensor(2.0)))]
    assert make(numtorch) == make(torch)


STAT = [
    ("poisson", lambda lib: D(lib).Poisson(lib.tensor([0.2, 3.0, 40.0, 500.0],
                                                      dtype=lib.float64))),
    ("binomial", lambda lib: D(lib).Binomial(lib.tensor([1.0, 10.0, 200.0], dtype=lib.float64),
                                             lib.tensor([0.3, 0.5, 0.9], dtype=lib.float64))),
    ("negative_binomial", lambda lib: D(lib).NegativeBinomial(
        lib.tensor([1.0, 4.5], dtype=lib.float64), lib.tensor([0.3, 0.7], dtype=lib.float64))),
]


@pytest.mark.parametrize("name,make", STAT, ids=[c[0] for c in STAT])
def test_sampler_moments(name, make):
    numtorch.manual_seed(0)
    d, dt = make(numtorch), make(torch)
    n = 40000
    x = d.sample((n,)).numpy()
    assert np.all(x == np.round(x)) and np.all(x >= 0)
    mean, var = dt.mean.numpy(), dt.variance.numpy()
    assert np.all(np.abs(x.mean(0) - mean) < 5 * np.sqrt(var / n)), (x.mean(0), mean)
    assert np.all(np.abs(x.var(0) / var - 1) < 0.1), (x.var(0), var)
    # the frequency of each value matches torch's probability mass
    dt._validate_args = False
    for v in range(4):
        freq = (x == v).mean(0)
        pmf = dt.log_prob(torch.full(dt.batch_shape, float(v), dtype=torch.float64)).exp()
        pmf = pmf.numpy()
        assert np.all(np.abs(freq - pmf) < 5 * np.sqrt(pmf * (1 - pmf) / n) + 1e-3)


def test_straight_through_gradient():
    p = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    g = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0]])
    res = []
    for lib in (torch, numtorch):
        lib.manual_seed(5)
        t = lib.tensor(p, requires_grad=True)
        s = D(lib).OneHotCategoricalStraightThrough(t).rsample((4,))
        (gr,) = lib.autograd.grad(s, t, lib.tensor(np.broadcast_to(g, (4, 2, 3)).copy()))
        res.append((s, gr))
    assert_same_value(res[1][0], res[0][0])
    assert_same_value(res[1][1], res[0][1])
