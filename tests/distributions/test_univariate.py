"""Continuous univariate distributions against torch.distributions: shapes, reprs, moments,
densities, cdf/icdf, expand, samples (bit-exact where torch's sampler is reproduced) and all
gradients."""

import numpy as np
import pytest
import torch

import numtorch
from tests.distributions.harness import check_distribution, outcome, same

R = np.random.default_rng(0)


def u(lo, hi, shape, dt="float64"):
    return R.uniform(lo, hi, shape).astype(dt)


D = lambda lib: lib.distributions  # noqa: E731

# name, make(lib, *params), params, value, options
CASES = [
    ("normal", lambda lib, a, b: D(lib).Normal(a, b), [u(-1, 1, (3,)), u(0.5, 2, (3,))],
     u(-2, 2, (4, 3)), {"exact": True}),
    ("normal_f32", lambda lib, a, b: D(lib).Normal(a, b),
     [u(-1, 1, (2, 3), "float32"), u(0.5, 2, (3,), "float32")],
     u(-2, 2, (2, 3), "float32"), {"exact": True}),
    ("normal_numbers", lambda lib: D(lib).Normal(0.5, 2.0), [], np.array(0.3, "float32"),
     {"exact": True}),
    ("exponential", lambda lib, r: D(lib).Exponential(r), [u(0.5, 2, (3,))], u(0, 3, (2, 3)),
     {"exact": True}),
    ("laplace", lambda lib, a, b: D(lib).Laplace(a, b), [u(-1, 1, (3,)), u(0.5, 2, (3,))],
     u(-2, 2, (3,)), {"exact": True}),
    ("laplace_f32", lambda lib, a, b: D(lib).Laplace(a, b),
     [u(-1, 1, (4,), "float32"), u(0.5, 2, (4,), "float32")], u(-2, 2, (4,), "float32"),
     {"exact": True, "sample_rtol": 4e-6}),  # same draws; float32 log1p may differ by 1 ulp
    ("cauchy", lambda lib, a, b: D(lib).Cauchy(a, b), [u(-1, 1, (3,)), u(0.5, 2, (3,))],
     u(-2, 2, (3,)), {"exact": True}),
    ("uniform", lambda lib, a, b: D(lib).Uniform(a, b), [u(-1, 0, (3,)), u(0.5, 2, (3,))],
     u(-0.2, 0.4, (3,)), {"exact": True}),
    ("uniform_outside", lambda lib, a, b: D(lib).Uniform(a, b, validate_args=False),
     [u(-1, 0, (3,)), u(0.5, 2, (3,))], np.array([-3.0, 0.1, 5.0]), {"exact": True}),
    ("continuous_bernoulli", lambda lib, p: D(lib).ContinuousBernoulli(p),
     [np.array([0.1, 0.4995, 0.5, 0.7, 0.95])], u(0.01, 0.99, (5,)), {"exact": True}),
    ("continuous_bernoulli_logits", lambda lib, lg: D(lib).ContinuousBernoulli(logits=lg),
     [np.array([-2.0, 0.001, 0.5, 3.0])], u(0.01, 0.99, (4,)), {"exact": True}),
    ("von_mises", lambda lib, a, k: D(lib).VonMises(a, k),
     [u(-1, 1, (4,)), np.array([1e-6, 0.5, 3.0, 20.0])], u(-3, 3, (4,)),
     # log I0/I1 come from i0e/i1e here, from polynomial fits in torch: other graph
     {"exact": True, "rtol": 1e-6, "atol": 1e-6, "graph": False}),
    ("gamma", lambda lib, a, b: D(lib).Gamma(a, b), [u(0.5, 3, (3,)), u(0.5, 2, (3,))],
     u(0.1, 3, (3,)), {"icdf": False, "exact": True, "grad_rtol": 3e-3}),
    ("gamma_numbers", lambda lib: D(lib).Gamma(2.0, 3.0), [], np.array(0.5, "float32"),
     {"exact": True, "grad_rtol": 3e-3}),
    ("gamma_f32", lambda lib, a, b: D(lib).Gamma(a, b),
     [u(0.05, 3, (4,), "float32"), u(0.5, 2, (4,), "float32")], u(0.1, 3, (4,), "float32"),
     {"exact": True, "grad_rtol": 3e-3}),
    ("chi2", lambda lib, k: D(lib).Chi2(k), [u(0.5, 5, (3,))], u(0.1, 3, (3,)),
     {"exact": True, "grad_rtol": 3e-3}),
    ("beta", lambda lib, a, b: D(lib).Beta(a, b), [u(0.5, 3, (3,)), u(0.5, 3, (3,))],
     # Dirichlet.mode's graph: see test_discrete
     u(0.05, 0.95, (3,)), {"graph": False, "exact": True, "grad_rtol": 3e-3}),
    ("beta_numbers", lambda lib: D(lib).Beta(2.0, 0.5), [], np.array(0.25, "float32"),
     {"exact": True, "grad_rtol": 3e-3}),
    ("studentT", lambda lib, df, a, b: D(lib).StudentT(df, a, b),
     [np.array([0.5, 1.5, 3.0, 10.0]), u(-1, 1, (4,)), u(0.5, 2, (4,))], u(-2, 2, (4,)),
     {"exact": True, "grad_rtol": 3e-3}),
    ("fisher_snedecor", lambda lib, a, b: D(lib).FisherSnedecor(a, b),
     [np.array([1.0, 3.0, 5.0, 10.0]), np.array([1.5, 3.0, 5.0, 12.0])], u(0.1, 3, (4,)),
     {"exact": True, "grad_rtol": 3e-3}),
]


@pytest.mark.parametrize("name,make,params,value,opts", CASES, ids=[c[0] for c in CASES])
def test_distribution(name, make, params, value, opts):
    check_distribution(make, params, value, **opts)


# -- validation: bad parameters and values raise torch's errors ---------------------------
BAD = [
    ("normal_scale", lambda lib: D(lib).Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, -1.0]))),
    ("normal_value", lambda lib: D(lib).Normal(0.0, 1.0).log_prob(lib.tensor(float("nan")))),
    ("normal_value_shape", lambda lib: D(lib).Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2))),
    ("normal_value_type", lambda lib: D(lib).Normal(lib.zeros(3), 1.0).log_prob(1.0)),
    ("exponential_rate", lambda lib: D(lib).Exponential(lib.tensor([0.0]))),
    ("exponential_value", lambda lib: D(lib).Exponential(1.0).log_prob(lib.tensor(-1.0))),
    ("uniform_order", lambda lib: D(lib).Uniform(lib.tensor([1.0]), lib.tensor([0.0]))),
    ("uniform_value", lambda lib: D(lib).Uniform(0.0, 1.0).log_prob(lib.tensor(2.0))),
    ("beta_conc", lambda lib: D(lib).Beta(lib.tensor([1.0]), lib.tensor([-1.0]))),
    ("beta_value", lambda lib: D(lib).Beta(1.0, 2.0).log_prob(lib.tensor(1.5))),
    ("gamma_value", lambda lib: D(lib).Gamma(1.0, 2.0).log_prob(lib.tensor(-1.5))),
    ("chi2_df", lambda lib: D(lib).Chi2(lib.tensor([-1.0]))),
    ("dirichlet_dim", lambda lib: D(lib).Dirichlet(lib.tensor(1.0))),
    ("cb_both", lambda lib: D(lib).ContinuousBernoulli(0.5, 0.5)),
    ("cb_probs", lambda lib: D(lib).ContinuousBernoulli(lib.tensor([1.5]), validate_args=True)),
    ("studentT_df", lambda lib: D(lib).StudentT(lib.tensor([-1.0]))),
    ("vonmises_conc", lambda lib: D(lib).VonMises(0.0, lib.tensor([-1.0]))),
    ("laplace_scale", lambda lib: D(lib).Laplace(0.0, lib.tensor([0.0]))),
    ("cauchy_value", lambda lib: D(lib).Cauchy(0.0, 1.0).log_prob(lib.tensor([[1.0]]).T[:0])),
    ("fisher_value", lambda lib: D(lib).FisherSnedecor(1.0, 2.0).log_prob(lib.tensor(-1.0))),
    ("broadcast_all", lambda lib: D(lib).Normal("a", 1.0)),
]


@pytest.mark.parametrize("name,fn", BAD, ids=[c[0] for c in BAD])
def test_validation_errors(name, fn):
    same(outcome(fn, numtorch), outcome(fn, torch), name)


# -- the replayed gamma-based samplers also follow their distribution (a check that does not
# rest on torch's samples) -----------------------------------------------------------------
def T(lib, values):
    return lib.tensor(values, dtype=lib.float64)


STAT = [
    ("gamma", lambda lib: D(lib).Gamma(T(lib, [0.3, 1.0, 4.0, 50.0]),
                                       T(lib, [1.0, 2.0, 0.5, 3.0]))),
    ("chi2", lambda lib: D(lib).Chi2(T(lib, [0.7, 3.0, 12.0]))),
    ("beta", lambda lib: D(lib).Beta(T(lib, [0.5, 2.0, 5.0]), T(lib, [0.5, 3.0, 1.0]))),
    ("studentT", lambda lib: D(lib).StudentT(T(lib, [5.0, 9.0]), T(lib, [1.0, -2.0]),
                                             T(lib, [0.5, 2.0]))),
    ("fisher", lambda lib: D(lib).FisherSnedecor(T(lib, [5.0, 12.0]),
                                                 T(lib, [9.0, 15.0]))),
]


@pytest.mark.parametrize("name,make", STAT, ids=[c[0] for c in STAT])
def test_sampler_moments(name, make):
    numtorch.manual_seed(0)
    d, dt = make(numtorch), make(torch)
    n = 40000
    x = d.sample((n,)).double().numpy()
    mean, var = dt.mean.double().numpy(), dt.variance.double().numpy()
    se = np.sqrt(var / n)
    assert np.all(np.abs(x.mean(0) - mean) < 5 * se), (x.mean(0), mean)
    # the sample variance's spread depends on the fourth moment: a loose but real bound
    assert np.all(np.abs(x.var(0) / var - 1) < 0.15), (x.var(0), var)
    # the samples follow the distribution: the mean of log_prob matches torch's entropy
    if name == "fisher":
        return  # torch gives FisherSnedecor no entropy
    lp = dt.log_prob(torch.tensor(x)).numpy()
    ent = dt.entropy().numpy()
    assert np.all(np.abs(-lp.mean(0) - ent) < 6 * lp.std(0) / np.sqrt(n))


def test_standard_gamma_grad_matches_torch():
    from numtorch.distributions._samplers import standard_gamma_grad
    alpha = np.array([0.2, 0.5, 1.0, 2.5, 7.0, 30.0, 0.2, 3.0])
    x = np.array([0.05, 0.3, 1.2, 2.0, 9.0, 28.0, 2.0, 0.4])
    ours = standard_gamma_grad(numtorch.tensor(alpha), numtorch.tensor(x)).numpy()
    theirs = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=2e-3, atol=1e-6)


@pytest.mark.parametrize("name", ["gamma", "beta", "dirichlet", "chi2", "studentT", "fisher"])
def test_rsample_gradient_is_unbiased(name):
    """d E[f(x)] / d theta estimated through rsample matches the analytic derivative."""
    numtorch.manual_seed(1)
    a = numtorch.tensor([1.5, 4.0], dtype=numtorch.float64, requires_grad=True)
    b = numtorch.tensor([2.0, 0.7], dtype=numtorch.float64, requires_grad=True)
    lib = numtorch.distributions
    if name == "gamma":
        d, target = lib.Gamma(a, b), a / b
    elif name == "beta":
        d, target = lib.Beta(a, b), a / (a + b)
    elif name == "chi2":
        d, target = lib.Chi2(a), a
    elif name == "studentT":
        d, target = lib.StudentT(a + 2, b, 1.0), b
    elif name == "fisher":
        d, target = lib.FisherSnedecor(b + 1, a + 3), (a + 3) / (a + 1)
    else:
        d = lib.Dirichlet(numtorch.stack([a, b], -1))
        target = numtorch.stack([a, b], -1) / (a + b).unsqueeze(-1)
        target = target[..., 0]
    x = d.rsample((20000,))
    est = (x[..., 0] if name == "dirichlet" else x).mean(0)
    ge = numtorch.autograd.grad(est.sum(), [a, b], allow_unused=True)
    gt = numtorch.autograd.grad(target.sum(), [a, b], allow_unused=True)
    for e, t in zip(ge, gt):
        if t is None:
            continue
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=0.1, atol=0.02)


def test_dirichlet_grad_matches_torch():
    from numtorch.distributions._samplers import dirichlet_grad
    rng = np.random.default_rng(4)
    a = rng.uniform(0.1, 20, 300)
    total = a + rng.uniform(0.1, 50, 300)
    x = np.clip(rng.beta(a, total - a), 1e-9, 1 - 1e-9)
    ours = dirichlet_grad(numtorch.tensor(x), numtorch.tensor(a), numtorch.tensor(total))
    theirs = torch._dirichlet_grad(torch.tensor(x), torch.tensor(a), torch.tensor(total))
    # torch evaluates the derivative with approximations good to about 1e-3
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=3e-3, atol=1e-9)


def test_dirichlet_rsample_backward_formula():
    """Given the sample, the gradient is torch's: g * (grad - sum(x * grad))."""
    from numtorch.distributions._samplers import dirichlet_grad
    c = numtorch.tensor([[0.7, 2.0, 3.5], [1.2, 0.4, 5.0]], dtype=numtorch.float64,
                        requires_grad=True)
    x = numtorch.distributions.Dirichlet(c).rsample()
    up = numtorch.tensor([[0.3, -1.0, 0.5], [1.0, 0.2, -0.4]], dtype=numtorch.float64)
    (g,) = numtorch.autograd.grad(x, c, up)
    xt, ct, ut = (torch.tensor(t.detach().numpy()) for t in (x, c, up))
    gt = torch._dirichlet_grad(xt, ct, ct.sum(-1, keepdim=True).expand_as(ct))
    expected = gt * (ut - (xt * ut).sum(-1, keepdim=True))
    np.testing.assert_allclose(g.numpy(), expected.numpy(), rtol=3e-3, atol=1e-9)
    ours = dirichlet_grad(x, c, c.sum(-1, keepdim=True).expand_as(c))
    np.testing.assert_allclose(g.numpy(), (ours * (up - (x * up).sum(-1, keepdim=True)))
                               .detach().numpy(), rtol=1e-12)


def test_standard_gamma_grad_is_the_implicit_derivative():
    """Independently of torch: -dP(a, x)/da / f(x) by central differences of gammainc."""
    from numtorch.distributions._samplers import standard_gamma_grad
    a = numtorch.tensor([0.05, 0.4, 1.0, 3.0, 20.0, 300.0], dtype=numtorch.float64)
    x = numtorch.tensor([1e-4, 0.2, 2.5, 1.0, 25.0, 280.0], dtype=numtorch.float64)
    h = 1e-5 * a
    d_cdf = (numtorch.special.gammainc(a + h, x) - numtorch.special.gammainc(a - h, x)) / (2 * h)
    pdf = numtorch.exp((a - 1) * x.log() - x - numtorch.lgamma(a))
    np.testing.assert_allclose(standard_gamma_grad(a, x).numpy(), (-d_cdf / pdf).numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gamma_kernel_edge_values(dtype):
    """NaN, infinite, negative and zero concentrations give torch's values (and draws)."""
    from numtorch.distributions._samplers import standard_gamma
    vals = [float("nan"), 1.0, float("inf"), -1.0, 0.0, 1e-30, 1 / 3]
    res = []
    for lib, fn in ((torch, torch._standard_gamma), (numtorch, standard_gamma)):
        lib.manual_seed(0)
        g = fn(lib.tensor(vals, dtype=getattr(lib, dtype)))
        res.append((g.numpy(), lib.rand(2, dtype=lib.float64).numpy()))
    np.testing.assert_array_equal(res[1][0], res[0][0])
    np.testing.assert_array_equal(res[1][1], res[0][1])


def test_poisson_kernel_rejects_negative_rates():
    from numtorch.distributions._samplers import poisson
    same(outcome(poisson, numtorch.tensor([1.0, -1.0])),
         outcome(torch.poisson, torch.tensor([1.0, -1.0])), "poisson")
