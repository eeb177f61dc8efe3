"""TransformedDistribution and the distributions built on it (LogNormal, HalfNormal, Gumbel,
Weibull, Pareto, Kumaraswamy, LogisticNormal, the relaxed ones, GeneralizedPareto,
InverseGamma) against torch: densities, moments, cdf/icdf, gradients, shapes, samples under
the same seed, validation errors."""

import math
import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check, check_raises

RNG = np.random.default_rng(11)
LAYOUTS = ("contiguous", "transposed", "strided")
METHODS = ("log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev")


def uni(*shape, low=-1.5, high=1.5):
    return RNG.uniform(low, high, shape).astype("float32")


def simplex(*shape):
    a = RNG.uniform(0.2, 1.0, shape)
    return (a / a.sum(-1, keepdims=True)).astype("float32")


def _D(lib):
    return lib.distributions


def _call(d, method, value, prob):
    if method == "log_prob":
        return d.log_prob(value)
    if method == "cdf":
        return d.cdf(value)
    if method == "icdf":
        return d.icdf(prob)
    if method == "entropy":
        return d.entropy()
    return getattr(d, method)


def compare_methods(make, params, value, prob=None, methods=METHODS, rtol=2e-5, atol=2e-5,
                    no_grad=(), no_graph=(), second_order=True):
    """Every method torch implements gives the same values, grad_fn trees and parameter/value
    gradients (no gradients for the methods in ``no_grad``, no graph comparison for those in
    ``no_graph``); where torch raises, numtorch raises the same type."""
    prob = prob if prob is not None else uni(*value.shape, low=0.05, high=0.95)
    arrays = [*params, value, prob]
    for method in methods:
        def fn(lib, *ins, method=method):
            *ps, v, q = ins
            return _call(make(lib, *ps), method, v, q)
        check(fn, arrays=arrays, rtol=rtol, atol=atol, graph=method not in no_graph,
              grad=method not in no_grad, second_order=second_order, layouts=LAYOUTS)


def compare_samples(make, params, shape=(5,), rtol=2e-5, atol=2e-5, rsample=True, graph=True):
    """The same seed gives the same samples (and rsample gradients and graphs)."""
    def fn(lib, *ps):
        lib.manual_seed(1234)
        d = make(lib, *ps)
        return d.rsample(shape) if rsample else d.sample(shape)
    check(fn, arrays=list(params), rtol=rtol, atol=atol, grad=rsample, graph=graph)


def compare_shapes(make, params, expand_to):
    """batch/event shapes, sample shapes, expand, support and has_rsample agree."""
    t = make(torch, *[torch.tensor(p) for p in params])
    n = make(numtorch, *[numtorch.tensor(p) for p in params])
    assert tuple(n.batch_shape) == tuple(t.batch_shape)
    assert tuple(n.event_shape) == tuple(t.event_shape)
    assert n.has_rsample == t.has_rsample
    assert type(n.support).__name__ == type(t.support).__name__
    assert n.support.event_dim == t.support.event_dim
    te, ne = t.expand(expand_to), n.expand(expand_to)
    assert type(ne) is type(n)
    assert tuple(ne.batch_shape) == tuple(te.batch_shape)
    assert tuple(ne.event_shape) == tuple(te.event_shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts, ns = te.sample((2,)), ne.sample((2,))
    assert tuple(ns.shape) == tuple(ts.shape)
    assert bool(ne.support.check(ns).all()) == bool(te.support.check(ts).all())
    assert repr(n) == repr(t)


# name, factory(lib, *params), params, value, expand shape
CASES = [
    ("lognormal", lambda lib, a, b: _D(lib).LogNormal(a, b),
     [uni(3), uni(3, low=0.3, high=1.5)], uni(4, 3, low=0.1, high=3.0), (2, 3)),
    ("lognormal_scalar", lambda lib, a, b: _D(lib).LogNormal(a, b),
     [uni(), uni(low=0.3, high=1.5)], uni(4, low=0.1, high=3.0), (2,)),
    ("halfnormal", lambda lib, s: _D(lib).HalfNormal(s),
     [uni(3, low=0.3, high=2.0)], uni(4, 3, low=0.0, high=3.0), (2, 3)),
    ("halfcauchy", lambda lib, s: _D(lib).HalfCauchy(s),
     [uni(3, low=0.3, high=2.0)], uni(4, 3, low=0.0, high=3.0), (2, 3)),
    ("gumbel", lambda lib, a, b: _D(lib).Gumbel(a, b),
     [uni(3), uni(3, low=0.3, high=2.0)], uni(4, 3, low=-2, high=3), (2, 3)),
    ("gumbel_float", lambda lib: _D(lib).Gumbel(0.5, 2.0),
     [], uni(4, low=-2, high=3), (3,)),
    ("weibull", lambda lib, a, b: _D(lib).Weibull(a, b),
     [uni(3, low=0.5, high=2.0), uni(3, low=0.5, high=3.0)], uni(4, 3, low=0.1, high=3.0),
     (2, 3)),
    ("pareto", lambda lib, a, b: _D(lib).Pareto(a, b),
     [uni(3, low=0.5, high=1.0), uni(3, low=2.2, high=4.0)], uni(4, 3, low=1.0, high=4.0),
     (2, 3)),
    ("kumaraswamy", lambda lib, a, b: _D(lib).Kumaraswamy(a, b),
     [uni(4, low=0.5, high=3.0), uni(4, low=0.5, high=3.0)], uni(2, 4, low=0.05, high=0.95),
     (3, 4)),
    ("logistic_normal", lambda lib, a, b: _D(lib).LogisticNormal(a, b),
     [uni(2, 3), uni(2, 3, low=0.3, high=1.5)], simplex(2, 4), (5, 2)),
    ("logistic_normal_1d", lambda lib, a, b: _D(lib).LogisticNormal(a, b),
     [uni(3), uni(3, low=0.3, high=1.5)], simplex(4), (2,)),
    ("relaxed_bernoulli_probs", lambda lib, t, p: _D(lib).RelaxedBernoulli(t, probs=p),
     [uni(low=0.3, high=2.0), uni(3, low=0.1, high=0.9)], uni(4, 3, low=0.05, high=0.95),
     (2, 3)),
    ("relaxed_bernoulli_logits", lambda lib, t, p: _D(lib).RelaxedBernoulli(t, logits=p),
     [uni(3, low=0.3, high=2.0), uni(3)], uni(4, 3, low=0.05, high=0.95), (2, 3)),
    ("logit_relaxed_bernoulli", lambda lib, t, p: _D(lib).relaxed_bernoulli
     .LogitRelaxedBernoulli(t, logits=p), [uni(low=0.3, high=2.0), uni(3)], uni(4, 3),
     (2, 3)),
    ("relaxed_one_hot_probs", lambda lib, t, p: _D(lib).RelaxedOneHotCategorical(t, probs=p),
     [uni(low=0.3, high=2.0), simplex(2, 4)], simplex(3, 2, 4), (5, 2)),
    ("relaxed_one_hot_logits", lambda lib, t, p: _D(lib).RelaxedOneHotCategorical(t, logits=p),
     [uni(low=0.3, high=2.0), uni(2, 4)], simplex(3, 2, 4), (5, 2)),
    ("exp_relaxed_categorical", lambda lib, t, p: _D(lib).relaxed_categorical
     .ExpRelaxedCategorical(t, logits=p), [uni(low=0.3, high=2.0), uni(2, 4)],
     np.log(simplex(3, 2, 4)), (5, 2)),
    ("generalized_pareto", lambda lib, a, b, c: _D(lib).GeneralizedPareto(a, b, c),
     [uni(4), uni(4, low=0.5, high=2.0), np.array([0.3, -0.2, 0.0, 0.7], "float32")],
     None, (3, 4)),
    ("inverse_gamma", lambda lib, a, b: _D(lib).InverseGamma(a, b),
     [uni(3, low=0.5, high=4.0), uni(3, low=0.5, high=2.0)], uni(4, 3, low=0.2, high=3.0),
     (2, 3)),
    ("transformed_affine_exp", lambda lib, a, b: _D(lib).TransformedDistribution(
        _D(lib).Normal(a, b), [_D(lib).transforms.AffineTransform(1.0, -2.0),
                               _D(lib).transforms.ExpTransform()]),
     [uni(3), uni(3, low=0.3, high=1.5)], uni(4, 3, low=0.1, high=3.0), (2, 3)),
    ("transformed_sigmoid_event", lambda lib, a, b: _D(lib).TransformedDistribution(
        _D(lib).Independent(_D(lib).Normal(a, b), 1), _D(lib).transforms.SigmoidTransform()),
     [uni(2, 3), uni(2, 3, low=0.3, high=1.5)], uni(4, 2, 3, low=0.05, high=0.95), (5, 2)),
    ("transformed_stick", lambda lib, a, b: _D(lib).TransformedDistribution(
        _D(lib).Normal(a, b), [_D(lib).transforms.StickBreakingTransform(),
                               _D(lib).transforms.AffineTransform(0.0, 2.0)]),
     [uni(2, 3), uni(2, 3, low=0.3, high=1.5)], 2 * simplex(2, 4), (5, 2)),
    ("transformed_reshape", lambda lib, a, b: _D(lib).TransformedDistribution(
        _D(lib).Normal(a, b), [_D(lib).transforms.ReshapeTransform((6,), (2, 3))]),
     [uni(4, 6), uni(4, 6, low=0.3, high=1.5)], uni(4, 2, 3), (3, 4)),
    ("transformed_broadcasting", lambda lib, a, b: _D(lib).TransformedDistribution(
        _D(lib).Normal(a, b), [_D(lib).transforms.AffineTransform(
            lib.tensor([[1.0], [2.0]]), 3.0)]),
     [uni(3), uni(3, low=0.3, high=1.5)], uni(2, 3), (4, 2, 3)),
    ("transformed_empty", lambda lib, a, b: _D(lib).TransformedDistribution(
        _D(lib).Normal(a, b), []),
     [uni(3), uni(3, low=0.3, high=1.5)], uni(2, 3), (2, 3)),
]
_GPD_VALUE = np.array([[0.5, 0.4, 0.3, 2.0], [1.5, 0.8, 2.0, 0.1]], "float32")
IDS = [c[0] for c in CASES]
SAME_SAMPLES = CASES


def _value(name, params, value):
    if name == "generalized_pareto":
        return _GPD_VALUE + params[0]
    return value


# float64 GeneralizedPareto is torch's RuntimeError (isclose against a float32 zero), which
# numtorch's isclose does not raise: it runs in float32 only
DTYPE_CASES = [(dt, *c) for dt in ("float32", "float64") for c in CASES
               if dt == "float32" or c[0] != "generalized_pareto"]


@pytest.mark.parametrize("dtype,name,make,params,value,expand", DTYPE_CASES,
                         ids=[f"{c[1]}-{c[0]}" for c in DTYPE_CASES])
def test_methods(name, make, params, value, expand, dtype):
    # torch has no gradient of the regularized incomplete gamma in its concentration
    no_grad = ("cdf", "icdf") if name == "inverse_gamma" else ()
    params = [np.asarray(p, dtype) for p in params]
    value = np.asarray(_value(name, params, value), dtype)
    tol = 2e-5 if dtype == "float32" else 1e-7
    compare_methods(make, params, value, prob=uni(*value.shape, low=0.05, high=0.95)
                    .astype(dtype), no_grad=no_grad, rtol=tol, atol=tol)


@pytest.mark.parametrize("name,make,params,value,expand", SAME_SAMPLES,
                         ids=[c[0] for c in SAME_SAMPLES])
def test_same_samples(name, make, params, value, expand):
    has_rsample = make(torch, *[torch.tensor(p) for p in params]).has_rsample
    # numtorch's gamma sampler names its node _StandardGammaBackward (torch: StandardGammaBackward0)
    compare_samples(make, params, rsample=has_rsample, graph=name != "inverse_gamma")
    compare_samples(make, params, shape=(2, 3), rsample=False)


@pytest.mark.parametrize("name,make,params,value,expand", CASES, ids=IDS)
def test_shapes_and_expand(name, make, params, value, expand):
    compare_shapes(make, params, expand)


@pytest.mark.parametrize("name,make,params,value,expand", CASES, ids=IDS)
def test_expanded_log_prob(name, make, params, value, expand):
    """log_prob of the expanded distribution at a broadcast value."""
    value = _value(name, params, value)

    def fn(lib, *ins):
        *ps, v = ins
        d = make(lib, *ps).expand(expand)
        return d.log_prob(v.expand(torch.Size(expand) + d.event_shape))
    ev = len(make(torch, *[torch.tensor(p) for p in params]).event_shape)
    v = value.reshape((-1,) + value.shape[value.ndim - ev:])[0] if ev else value.flat[0]
    check(fn, arrays=[*params, np.asarray(v)], rtol=2e-5, atol=2e-5)


def test_inverse_gamma_statistics():
    """Many draws follow torch's InverseGamma: their mean, and torch's cdf of them is
    uniform."""
    conc, rate = torch.tensor([3.0, 5.0]), torch.tensor([2.0, 0.5])
    numtorch.manual_seed(0)
    d = numtorch.distributions.InverseGamma(numtorch.tensor(conc.numpy()),
                                            numtorch.tensor(rate.numpy()))
    s = d.sample((20000,)).numpy()
    t = torch.distributions.InverseGamma(conc, rate)
    np.testing.assert_allclose(s.mean(0), t.mean.numpy(), rtol=0.05)
    # torch's cdf of numtorch's draws is uniform on [0, 1]
    cdf = t.cdf(torch.tensor(s[:5000])).numpy()
    hist = np.histogram(cdf, bins=5, range=(0, 1))[0] / cdf.size
    np.testing.assert_allclose(hist, np.full_like(hist, 0.2), atol=0.03)
    r = d.rsample((3,))
    assert r.shape == (3, 2)


# parameter validation: torch's error type and message
INVALID = [
    lambda lib: _D(lib).LogNormal(lib.tensor([0.0]), lib.tensor([-1.0])),
    lambda lib: _D(lib).HalfNormal(lib.tensor([0.0, 1.0])),
    lambda lib: _D(lib).HalfCauchy(lib.tensor(-1.0)),
    lambda lib: _D(lib).Gumbel(lib.tensor([0.0]), lib.tensor([0.0])),
    lambda lib: _D(lib).Weibull(lib.tensor([1.0]), lib.tensor([-1.0])),
    lambda lib: _D(lib).Pareto(lib.tensor([-1.0]), lib.tensor([1.0])),
    lambda lib: _D(lib).Kumaraswamy(lib.tensor([1.0]), lib.tensor([0.0])),
    lambda lib: _D(lib).LogisticNormal(lib.tensor([1.0]), lib.tensor([0.0])),
    lambda lib: _D(lib).RelaxedBernoulli(lib.tensor(1.0), probs=lib.tensor([1.5])),
    lambda lib: _D(lib).RelaxedBernoulli(lib.tensor(1.0)),
    lambda lib: _D(lib).RelaxedBernoulli(lib.tensor(1.0), probs=0.5, logits=0.1),
    lambda lib: _D(lib).RelaxedOneHotCategorical(lib.tensor(1.0), probs=lib.tensor([0.5, -1.])),
    lambda lib: _D(lib).GeneralizedPareto(lib.tensor([0.0]), lib.tensor([-1.0]),
                                          lib.tensor([0.1])),
    lambda lib: _D(lib).InverseGamma(lib.tensor([1.0]), lib.tensor([-1.0])),
    lambda lib: _D(lib).TransformedDistribution(_D(lib).Normal(0.0, 1.0), "exp"),
    lambda lib: _D(lib).TransformedDistribution(_D(lib).Normal(0.0, 1.0), ["exp"]),
    lambda lib: _D(lib).TransformedDistribution(_D(lib).Normal(lib.zeros(5), 1.0),
                                                _D(lib).transforms.ReshapeTransform((6,), (3, 2))),
    lambda lib: _D(lib).TransformedDistribution(_D(lib).Normal(0.0, 1.0),
                                                _D(lib).transforms.StickBreakingTransform()),
    # values outside the support
    lambda lib: _D(lib).LogNormal(0.0, 1.0).log_prob(lib.tensor([-1.0])),
    lambda lib: _D(lib).HalfNormal(1.0).log_prob(lib.tensor([-1.0])),
    lambda lib: _D(lib).HalfNormal(1.0).cdf(lib.tensor([-1.0])),
    lambda lib: _D(lib).Pareto(1.0, 2.0).log_prob(lib.tensor([0.5])),
    lambda lib: _D(lib).Kumaraswamy(1.0, 2.0).log_prob(lib.tensor([1.5])),
    lambda lib: _D(lib).LogisticNormal(lib.zeros(2), 1.0).log_prob(lib.tensor([0.5, 0.5, 0.5])),
    lambda lib: _D(lib).LogNormal(0.0, 1.0).cdf(lib.tensor([-1.0])),
]


@pytest.mark.parametrize("k", range(len(INVALID)))
def test_validation_errors(k):
    check_raises(lambda lib: INVALID[k](lib), arrays=[])


def test_no_validation_values():
    """With validate_args=False values outside the support give torch's numbers."""
    def fn(lib, v):
        D = _D(lib)
        return [D.HalfNormal(1.5, validate_args=False).log_prob(v),
                D.HalfCauchy(1.5, validate_args=False).log_prob(v),
                D.LogNormal(0.0, 1.0, validate_args=False).log_prob(v.abs()),
                D.Pareto(1.0, 3.0, validate_args=False).log_prob(v.abs() + 0.5)]
    check(fn, arrays=[uni(6, low=-2, high=2)])


def test_transformed_attributes():
    for lib in (torch, numtorch):
        D = _D(lib)
        base = D.Normal(lib.zeros(3), lib.ones(3))
        d = D.TransformedDistribution(base, D.transforms.ExpTransform())
        assert isinstance(d.transforms, list) and d.base_dist is base
        assert d.has_rsample
        d2 = D.TransformedDistribution(base, [D.transforms.StickBreakingTransform()])
        assert type(d2.base_dist).__name__ == "Independent"
        assert tuple(d2.event_shape) == (4,) and tuple(d2.batch_shape) == ()
        assert type(d2.support).__name__ == "_Simplex"
        ln = D.LogNormal(lib.zeros(2), lib.ones(2))
        assert ln.loc is ln.base_dist.loc
        assert isinstance(ln.expand((3, 2)), D.LogNormal)
        assert D.Pareto(lib.tensor([2.0]), 3.0).support.lower_bound.item() == 2.0
    t = torch.distributions.TransformedDistribution(
        torch.distributions.Normal(0.0, 1.0), torch.distributions.transforms.AffineTransform(
            0.0, -1.0))
    n = numtorch.distributions.TransformedDistribution(
        numtorch.distributions.Normal(0.0, 1.0),
        numtorch.distributions.transforms.AffineTransform(0.0, -1.0))
    v = np.array([-0.5, 0.3], "float32")
    assert_same_value(n.cdf(numtorch.tensor(v)), t.cdf(torch.tensor(v)))
    assert_same_value(n.icdf(numtorch.tensor([0.2, 0.9])), t.icdf(torch.tensor([0.2, 0.9])))


def test_half_cauchy_mean_is_inf():
    n = numtorch.distributions.HalfCauchy(numtorch.ones(2))
    t = torch.distributions.HalfCauchy(torch.ones(2))
    assert_same_value(n.mean, t.mean)
    assert math.isinf(n.variance[0].item())


# -- KL divergences with a transformed distribution on either side -----------------------------
def _pos(*shape, low=0.5, high=2.0):
    return uni(*shape, low=low, high=high)


_ALPHA = np.array([0.7, 1.5, 2.5, 3.5], "float32")  # below 1, between 1 and 2, above 2
KL = [
    ("gumbel_gumbel", lambda lib, a, b, c, d: (_D(lib).Gumbel(a, b), _D(lib).Gumbel(c, d)),
     [uni(4), _pos(4), uni(4), _pos(4)]),
    ("halfnormal_halfnormal", lambda lib, a, b: (_D(lib).HalfNormal(a), _D(lib).HalfNormal(b)),
     [_pos(4), _pos(4)]),
    ("pareto_pareto", lambda lib, a, b, c, d: (_D(lib).Pareto(a, b), _D(lib).Pareto(c, d)),
     [_pos(4), _pos(4), _pos(4), _pos(4)]),
    ("exponential_gumbel", lambda lib, a, c, d: (_D(lib).Exponential(a), _D(lib).Gumbel(c, d)),
     [_pos(4), uni(4), _pos(4)]),
    ("gamma_gumbel", lambda lib, a, b, c, d: (_D(lib).Gamma(a, b), _D(lib).Gumbel(c, d)),
     [_pos(4), _pos(4), uni(4), _pos(4)]),
    ("gumbel_normal", lambda lib, a, b, c, d: (_D(lib).Gumbel(a, b), _D(lib).Normal(c, d)),
     [uni(4), _pos(4), uni(4), _pos(4)]),
    ("normal_gumbel", lambda lib, a, b, c, d: (_D(lib).Normal(a, b), _D(lib).Gumbel(c, d)),
     [uni(4), _pos(4), uni(4), _pos(4)]),
    ("uniform_gumbel", lambda lib, a, b, c, d: (_D(lib).Uniform(a, a + b),
                                                _D(lib).Gumbel(c, d)),
     [uni(4), _pos(4), uni(4), _pos(4)]),
    ("pareto_exponential", lambda lib, a, b, c: (_D(lib).Pareto(a, b), _D(lib).Exponential(c)),
     [_pos(4), _ALPHA, _pos(4)]),
    ("pareto_gamma", lambda lib, a, b, c, d: (_D(lib).Pareto(a, b), _D(lib).Gamma(c, d)),
     [_pos(4), _ALPHA, _pos(4), _pos(4)]),
    ("pareto_normal", lambda lib, a, b, c, d: (_D(lib).Pareto(a, b), _D(lib).Normal(c, d)),
     [_pos(4), _ALPHA, uni(4), _pos(4)]),
    ("uniform_pareto", lambda lib, a, b, c, d: (_D(lib).Uniform(a, a + b),
                                                _D(lib).Pareto(c, d)),
     [_pos(4), _pos(4), _pos(4, low=0.3, high=1.0), _pos(4)]),
    ("lognormal_lognormal", lambda lib, a, b, c, d: (_D(lib).LogNormal(a, b),
                                                     _D(lib).LogNormal(c, d)),
     [uni(4), _pos(4), uni(4), _pos(4)]),
    ("beta_pareto", lambda lib, a, b, c, d: (_D(lib).Beta(a, b), _D(lib).Pareto(c, d)),
     [_pos(4), _pos(4), _pos(4), _pos(4)]),
    ("cbernoulli_pareto", lambda lib, a, c, d: (_D(lib).ContinuousBernoulli(a),
                                                _D(lib).Pareto(c, d)),
     [_pos(4, low=0.2, high=0.8), _pos(4), _pos(4)]),
    ("exponential_pareto", lambda lib, a, c, d: (_D(lib).Exponential(a), _D(lib).Pareto(c, d)),
     [_pos(4), _pos(4), _pos(4)]),
    ("gamma_pareto", lambda lib, a, b, c, d: (_D(lib).Gamma(a, b), _D(lib).Pareto(c, d)),
     [_pos(4), _pos(4), _pos(4), _pos(4)]),
    ("laplace_pareto", lambda lib, a, b, c, d: (_D(lib).Laplace(a, b), _D(lib).Pareto(c, d)),
     [uni(4), _pos(4), _pos(4), _pos(4)]),
    ("normal_pareto", lambda lib, a, b, c, d: (_D(lib).Normal(a, b), _D(lib).Pareto(c, d)),
     [uni(4), _pos(4), _pos(4), _pos(4)]),
    ("pareto_beta", lambda lib, a, b, c, d: (_D(lib).Pareto(a, b), _D(lib).Beta(c, d)),
     [_pos(4), _pos(4), _pos(4), _pos(4)]),
    ("pareto_cbernoulli", lambda lib, a, b, c: (_D(lib).Pareto(a, b),
                                                _D(lib).ContinuousBernoulli(c)),
     [_pos(4), _pos(4), _pos(4, low=0.2, high=0.8)]),
    ("pareto_uniform", lambda lib, a, b, c, d: (_D(lib).Pareto(a, b), _D(lib).Uniform(c, c + d)),
     [_pos(4), _pos(4), uni(4), _pos(4)]),
] + [
    (f"gumbel_{name.lower()}", lambda lib, a, b, *q, name=name: (
        _D(lib).Gumbel(a, b), getattr(_D(lib), name)(*q)), [uni(4), _pos(4), *qs])
    for name, qs in [("Beta", [_pos(4), _pos(4)]),
                     ("ContinuousBernoulli", [_pos(4, low=0.2, high=0.8)]),
                     ("Exponential", [_pos(4)]), ("Gamma", [_pos(4), _pos(4)]),
                     ("Pareto", [_pos(4), _pos(4)]), ("Uniform", [uni(4), _pos(4) + 2])]
]


@pytest.mark.parametrize("name,make,params", KL, ids=[c[0] for c in KL])
def test_kl(name, make, params):
    def fn(lib, *ps):
        p, q = make(lib, *ps)
        return lib.distributions.kl_divergence(p, q)
    check(fn, arrays=params, rtol=5e-5, atol=5e-5)


def test_kl_transformed_mismatch():
    check_raises(lambda lib: _D(lib).kl_divergence(_D(lib).LogNormal(0.0, 1.0),
                                                   _D(lib).HalfNormal(1.0)), arrays=[],
                 match_message=False)
    check_raises(lambda lib: _D(lib).kl_divergence(
        _D(lib).TransformedDistribution(_D(lib).Normal(lib.zeros(2), 1.0),
                                        _D(lib).transforms.ExpTransform()),
        _D(lib).TransformedDistribution(_D(lib).Normal(lib.zeros(2), 1.0),
                                        _D(lib).transforms.SigmoidTransform())), arrays=[],
                 match_message=False)


def test_generalized_pareto_extras():
    """log_survival_function, log_cdf and the support's bounds (finite only for negative
    concentration)."""
    conc = np.array([0.3, -0.2, 0.0, 0.7], "float32")

    def fn(lib, loc, scale, c, v):
        d = _D(lib).GeneralizedPareto(loc, scale, c)
        return [d.log_survival_function(v), d.log_cdf(v), d.support.lower_bound,
                d.support.upper_bound]
    loc = uni(4)
    check(fn, arrays=[loc, uni(4, low=0.5, high=2.0), conc, _GPD_VALUE + loc])
    for lib in (torch, numtorch):
        d = _D(lib).GeneralizedPareto(0.0, 1.0, 0.5)
        assert tuple(d.batch_shape) == ()
        assert type(d.support).__name__ == "_Interval"
