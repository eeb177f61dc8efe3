"""MultivariateNormal, LowRankMultivariateNormal, Wishart and LKJCholesky against torch:
densities, moments, matrices, gradients, shapes, samples (the same under a seed for the normal
ones and for Wishart and LKJ, whose gamma draws numtorch replays too), errors; and their KL
divergences."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.distributions.test_transformed import (
    compare_methods,
    compare_samples,
    compare_shapes,
)
from tests.oracle import assert_same_value, check, check_raises

RNG = np.random.default_rng(5)
MATRIX_METHODS = ("log_prob", "cdf", "entropy", "mean", "mode", "variance", "stddev",
                  "covariance_matrix", "precision_matrix", "scale_tril")


def uni(*shape, low=-1.5, high=1.5):
    return RNG.uniform(low, high, shape).astype("float32")


def spd(*batch, n=3):
    a = RNG.normal(size=batch + (n, n))
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype("float32")


def tril(*batch, n=3):
    return np.linalg.cholesky(spd(*batch, n=n).astype("float64")).astype("float32")


def _D(lib):
    return lib.distributions


# graphs differ where numtorch composes an op torch has as one node: cholesky_inverse,
# cholesky_solve, mvlgamma, einsum, and the operand views inside a batched matmul of a
# transposed view
NO_GRAPH = ("precision_matrix",)
MVN = [
    ("mvn_cov", lambda lib, m, c: _D(lib).MultivariateNormal(m, covariance_matrix=c),
     [uni(2, 3), spd(2)], uni(4, 2, 3), (5, 2)),
    ("mvn_tril", lambda lib, m, c: _D(lib).MultivariateNormal(m, scale_tril=c),
     [uni(3), tril(2)], uni(4, 2, 3), (5, 2)),
    ("mvn_precision", lambda lib, m, c: _D(lib).MultivariateNormal(m, precision_matrix=c),
     [uni(2, 3), spd()], uni(4, 2, 3), (5, 2)),
    ("mvn_single", lambda lib, m, c: _D(lib).MultivariateNormal(m, covariance_matrix=c),
     [uni(4), spd(n=4)], uni(4), (3,)),
    ("mvn_value_batch", lambda lib, m, c: _D(lib).MultivariateNormal(m, scale_tril=c),
     [uni(2, 1, 3), tril(1, 3)], uni(5, 2, 3, 3), (2, 3)),
    ("lowrank", lambda lib, m, w, d: _D(lib).LowRankMultivariateNormal(m, w, d),
     [uni(2, 3), uni(2, 3, 2), uni(2, 3, low=0.5, high=2.0)], uni(4, 2, 3), (5, 2)),
    ("lowrank_broadcast", lambda lib, m, w, d: _D(lib).LowRankMultivariateNormal(m, w, d),
     [uni(4), uni(2, 4, 1), uni(4, low=0.5, high=2.0)], uni(3, 2, 4), (5, 2)),
]
MVN_IDS = [c[0] for c in MVN]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,make,params,value,expand", MVN, ids=MVN_IDS)
def test_normal_methods(name, make, params, value, expand, dtype):
    tol = 1e-4 if dtype == "float32" else 1e-7
    compare_methods(make, [p.astype(dtype) for p in params], value.astype(dtype),
                    methods=MATRIX_METHODS, rtol=tol, atol=tol, no_graph=NO_GRAPH)


@pytest.mark.parametrize("name,make,params,value,expand", MVN, ids=MVN_IDS)
def test_normal_same_samples(name, make, params, value, expand):
    compare_samples(make, params, rtol=1e-4, atol=1e-4)
    compare_samples(make, params, shape=(2, 2), rsample=False, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name,make,params,value,expand", MVN, ids=MVN_IDS)
def test_normal_shapes(name, make, params, value, expand):
    compare_shapes(make, params, expand)


@pytest.mark.parametrize("name,make,params,value,expand", MVN, ids=MVN_IDS)
def test_normal_expanded(name, make, params, value, expand):
    def fn(lib, *ins):
        *ps, v = ins
        d = make(lib, *ps).expand(expand)
        return [d.log_prob(v), d.covariance_matrix, d.scale_tril, d.variance, d.entropy()]
    check(fn, arrays=[*params, uni(*expand, value.shape[-1])], rtol=1e-4, atol=1e-4)

    def precision(lib, *ins):
        return make(lib, *ins[:-1]).expand(expand).precision_matrix
    check(precision, arrays=[*params, value], rtol=1e-4, atol=1e-4, graph=False)


def test_lazy_matrices_are_cached():
    for lib in (torch, numtorch):
        d = _D(lib).MultivariateNormal(lib.zeros(3), covariance_matrix=lib.tensor(spd()))
        assert "scale_tril" not in d.__dict__
        assert d.scale_tril is d.scale_tril
        assert "scale_tril" in d.__dict__


MVN_ERRORS = [
    lambda lib: _D(lib).MultivariateNormal(lib.tensor(0.0), covariance_matrix=lib.eye(1)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), covariance_matrix=lib.eye(2),
                                           scale_tril=lib.eye(2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), scale_tril=lib.zeros(2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), covariance_matrix=lib.zeros(2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), precision_matrix=lib.zeros(2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), covariance_matrix=-lib.eye(2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), scale_tril=lib.ones(2, 2)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), covariance_matrix=lib.eye(2))
    .log_prob(lib.zeros(3)),
    lambda lib: _D(lib).MultivariateNormal(lib.zeros(2), covariance_matrix=lib.eye(2)).cdf(
        lib.zeros(2)),
    lambda lib: _D(lib).LowRankMultivariateNormal(lib.tensor(0.0), lib.ones(1, 1), lib.ones(1)),
    lambda lib: _D(lib).LowRankMultivariateNormal(lib.zeros(2), lib.ones(2), lib.ones(2)),
    lambda lib: _D(lib).LowRankMultivariateNormal(lib.zeros(2), lib.ones(3, 1), lib.ones(2)),
    lambda lib: _D(lib).LowRankMultivariateNormal(lib.zeros(2), lib.ones(2, 1), lib.ones(3)),
    lambda lib: _D(lib).LowRankMultivariateNormal(lib.zeros(3, 2), lib.ones(4, 2, 1),
                                                  lib.ones(2)),
    lambda lib: _D(lib).LowRankMultivariateNormal(lib.zeros(2), lib.ones(2, 1), -lib.ones(2)),
]


@pytest.mark.parametrize("k", range(len(MVN_ERRORS)))
def test_normal_errors(k):
    check_raises(lambda lib: MVN_ERRORS[k](lib), arrays=[])


# -- Wishart ---------------------------------------------------------------------------------
WISHART = [
    ("wishart_cov", lambda lib, df, c: _D(lib).Wishart(df, covariance_matrix=c),
     [uni(2, low=4.0, high=7.0), spd(2)], spd(4, 2), (5, 2)),
    ("wishart_tril", lambda lib, df, c: _D(lib).Wishart(df, scale_tril=c),
     [uni(low=3.0, high=6.0), tril(2)], spd(4, 2), (5, 2)),
    ("wishart_precision", lambda lib, df, c: _D(lib).Wishart(df, precision_matrix=c),
     [uni(2, low=4.0, high=7.0), spd()], spd(4, 2), (5, 2)),
    ("wishart_float_df", lambda lib, c: _D(lib).Wishart(5.5, covariance_matrix=c),
     [spd(n=2)], spd(3, n=2), (4,)),
]
WISHART_IDS = [c[0] for c in WISHART]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,make,params,value,expand", WISHART, ids=WISHART_IDS)
def test_wishart_methods(name, make, params, value, expand, dtype):
    tol = 1e-4 if dtype == "float32" else 1e-7
    compare_methods(make, [p.astype(dtype) for p in params], value.astype(dtype),
                    methods=MATRIX_METHODS, rtol=tol, atol=tol,
                    no_graph=NO_GRAPH + ("log_prob", "entropy", "variance", "stddev"),
                    second_order=False)  # numtorch's slogdet gradient is not differentiable


@pytest.mark.parametrize("name,make,params,value,expand", WISHART, ids=WISHART_IDS)
def test_wishart_shapes(name, make, params, value, expand):
    compare_shapes(make, params, expand)


@pytest.mark.parametrize("name,make,params,value,expand", WISHART, ids=WISHART_IDS)
def test_wishart_same_samples(name, make, params, value, expand):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # torch's rsample cannot be differentiated (its retry loop writes in place into a
        # tensor autograd saved), so the draws are compared through sample()
        compare_samples(make, params, shape=(3,), rsample=False, rtol=1e-4, atol=1e-4)


def test_wishart_statistics():
    """The Bartlett draws have torch's mean and variance."""
    cov = spd(n=3)
    numtorch.manual_seed(0)
    n = numtorch.distributions.Wishart(numtorch.tensor(6.0), covariance_matrix=numtorch.tensor(cov))
    t = torch.distributions.Wishart(torch.tensor(6.0), covariance_matrix=torch.tensor(cov))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = n.sample((6000,)).numpy().astype("float64")
    np.testing.assert_allclose(s.mean(0), t.mean.numpy(), rtol=0.06, atol=0.3)
    np.testing.assert_allclose(s.var(0), t.variance.numpy(), rtol=0.15, atol=1.0)
    assert bool(n.support.check(numtorch.tensor(s[:50].astype("float32"))).all())


def test_wishart_warnings_and_errors():
    for lib in (torch, numtorch):
        with pytest.warns(UserWarning, match="Low df values detected"):
            _D(lib).Wishart(lib.tensor(2.5), covariance_matrix=lib.eye(3))
        d = _D(lib).Wishart(lib.tensor(5.0), covariance_matrix=lib.eye(3))
        with pytest.warns(UserWarning, match="Singular sample detected"):
            s = d.rsample((2,))
        assert tuple(s.shape) == (2, 3, 3)
    check_raises(lambda lib: _D(lib).Wishart(lib.tensor(1.5), covariance_matrix=lib.eye(3)),
                 arrays=[])
    check_raises(lambda lib: _D(lib).Wishart(4.0), arrays=[])
    check_raises(lambda lib: _D(lib).Wishart(4.0, scale_tril=lib.ones(3)), arrays=[])
    check_raises(lambda lib: _D(lib).Wishart(4.0, covariance_matrix=-lib.eye(2)), arrays=[])
    check_raises(lambda lib: _D(lib).Wishart(4.0, covariance_matrix=lib.eye(2)).log_prob(
        -lib.eye(2)), arrays=[])


# -- LKJCholesky -----------------------------------------------------------------------------
LKJ = [
    ("lkj3", lambda lib, c: _D(lib).LKJCholesky(3, c), [uni(2, low=0.5, high=3.0)], (5, 2)),
    ("lkj4_float", lambda lib: _D(lib).LKJCholesky(4, 1.5), [], (3,)),
    ("lkj2", lambda lib, c: _D(lib).LKJCholesky(2, c), [uni(low=0.5, high=3.0)], (2,)),
]


@pytest.mark.parametrize("name,make,params,expand", LKJ, ids=[c[0] for c in LKJ])
def test_lkj(name, make, params, expand):
    t = make(torch, *[torch.tensor(p) for p in params])
    torch.manual_seed(0)
    value = t.sample((4,)).numpy()
    compare_methods(make, params, value, methods=("log_prob", "mean", "entropy"), rtol=1e-4,
                    atol=1e-4, no_graph=("log_prob",))
    compare_shapes(make, params, expand)


@pytest.mark.parametrize("name,make,params,expand", LKJ, ids=[c[0] for c in LKJ])
def test_lkj_same_samples(name, make, params, expand):
    compare_samples(make, params, shape=(3,), rsample=False, rtol=1e-4, atol=1e-4)


def test_lkj_statistics():
    """Correlations implied by many LKJ draws match torch's."""
    torch.manual_seed(0)
    numtorch.manual_seed(0)
    t = torch.distributions.LKJCholesky(3, 2.0).sample((8000,))
    n = numtorch.distributions.LKJCholesky(3, 2.0).sample((8000,))
    tc = (t @ t.mT).numpy()
    nc = (n @ n.mT).numpy()
    np.testing.assert_allclose(np.diagonal(nc, axis1=-2, axis2=-1), 1.0, atol=1e-5)
    np.testing.assert_allclose((nc ** 2).mean(0), (tc ** 2).mean(0), atol=0.02)
    np.testing.assert_allclose(nc.mean(0), tc.mean(0), atol=0.03)
    assert bool(numtorch.distributions.constraints.corr_cholesky.check(n).all())


def test_lkj_errors():
    check_raises(lambda lib: _D(lib).LKJCholesky(1, 1.0), arrays=[])
    check_raises(lambda lib: _D(lib).LKJCholesky(3, lib.tensor(-1.0)), arrays=[])
    check_raises(lambda lib: _D(lib).LKJCholesky(3, 1.0).log_prob(lib.eye(3) * 2), arrays=[])


# -- KL divergences between (low-rank) multivariate normals -------------------------------------
def _mvn(lib, m, a):
    return _D(lib).MultivariateNormal(m, scale_tril=a)


def _lr(lib, m, w, d):
    return _D(lib).LowRankMultivariateNormal(m, w, d)


KL = [
    ("mvn_mvn", lambda lib, m1, a1, m2, a2: (_mvn(lib, m1, a1), _mvn(lib, m2, a2)),
     [uni(2, 3), tril(2), uni(3), tril()]),
    ("lr_lr", lambda lib, m1, w1, d1, m2, w2, d2: (_lr(lib, m1, w1, d1), _lr(lib, m2, w2, d2)),
     [uni(2, 3), uni(2, 3, 2), uni(2, 3, low=0.5, high=2), uni(3), uni(3, 1),
      uni(3, low=0.5, high=2)]),
    ("mvn_lr", lambda lib, m1, a1, m2, w2, d2: (_mvn(lib, m1, a1), _lr(lib, m2, w2, d2)),
     [uni(2, 3), tril(2), uni(3), uni(3, 2), uni(3, low=0.5, high=2)]),
    ("lr_mvn", lambda lib, m1, w1, d1, m2, a2: (_lr(lib, m1, w1, d1), _mvn(lib, m2, a2)),
     [uni(3), uni(2, 3, 2), uni(3, low=0.5, high=2), uni(2, 3), tril(2)]),
]


@pytest.mark.parametrize("name,make,params", KL, ids=[c[0] for c in KL])
def test_kl(name, make, params):
    def fn(lib, *ps):
        p, q = make(lib, *ps)
        return lib.distributions.kl_divergence(p, q)
    check(fn, arrays=params, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("make", [
    lambda lib: (_mvn(lib, lib.zeros(2), lib.eye(2)), _mvn(lib, lib.zeros(3), lib.eye(3))),
    lambda lib: (_lr(lib, lib.zeros(2), lib.ones(2, 1), lib.ones(2)),
                 _lr(lib, lib.zeros(3), lib.ones(3, 1), lib.ones(3))),
    lambda lib: (_mvn(lib, lib.zeros(2), lib.eye(2)),
                 _lr(lib, lib.zeros(3), lib.ones(3, 1), lib.ones(3))),
    lambda lib: (_lr(lib, lib.zeros(3), lib.ones(3, 1), lib.ones(3)),
                 _mvn(lib, lib.zeros(2), lib.eye(2))),
])
def test_kl_event_shape_errors(make):
    check_raises(lambda lib: lib.distributions.kl_divergence(*make(lib)), arrays=[])


def test_mvn_entropy_matches_kl_identity():
    """KL(p, p) is zero for both the full and the low-rank forms."""
    m, w, d = uni(3), uni(3, 2), uni(3, low=0.5, high=2)
    n = _lr(numtorch, numtorch.tensor(m), numtorch.tensor(w), numtorch.tensor(d))
    t = _lr(torch, torch.tensor(m), torch.tensor(w), torch.tensor(d))
    assert_same_value(numtorch.distributions.kl_divergence(n, n),
                      torch.distributions.kl_divergence(t, t), atol=1e-5)
