"""biject_to / transform_to against torch: which transform each constraint gets, that its image
satisfies the constraint, round trips, and registry errors."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check, check_raises


def _c(lib):
    return lib.distributions.constraints


# name, constraint factory, unconstrained input shape
CONSTRAINTS = [
    ("real", lambda lib: _c(lib).real, (3, 4)),
    ("real_vector", lambda lib: _c(lib).real_vector, (3, 4)),
    ("independent2", lambda lib: _c(lib).independent(_c(lib).positive, 2), (2, 3, 4)),
    ("positive", lambda lib: _c(lib).positive, (3, 4)),
    ("nonnegative", lambda lib: _c(lib).nonnegative, (3, 4)),
    ("greater_than", lambda lib: _c(lib).greater_than(-1.5), (3, 4)),
    ("greater_than_eq", lambda lib: _c(lib).greater_than_eq(2.0), (3, 4)),
    ("greater_than_tensor", lambda lib: _c(lib).greater_than(lib.tensor([0.0, 1.0, -2.0, 3.0])),
     (3, 4)),
    ("less_than", lambda lib: _c(lib).less_than(0.5), (3, 4)),
    ("unit_interval", lambda lib: _c(lib).unit_interval, (3, 4)),
    ("interval", lambda lib: _c(lib).interval(-2.0, 3.0), (3, 4)),
    ("half_open_interval", lambda lib: _c(lib).half_open_interval(1.0, 4.0), (3, 4)),
    ("interval_tensor", lambda lib: _c(lib).interval(lib.zeros(4), lib.ones(4)), (3, 4)),
    ("simplex", lambda lib: _c(lib).simplex, (3, 4)),
    ("lower_cholesky", lambda lib: _c(lib).lower_cholesky, (2, 3, 3)),
    ("positive_definite", lambda lib: _c(lib).positive_definite, (2, 3, 3)),
    ("positive_semidefinite", lambda lib: _c(lib).positive_semidefinite, (2, 3, 3)),
    ("corr_cholesky", lambda lib: _c(lib).corr_cholesky, (2, 6)),
    ("cat", lambda lib: _c(lib).cat([_c(lib).positive, _c(lib).unit_interval], dim=1,
                                    lengths=[2, 2]), (3, 4)),
    ("stack", lambda lib: _c(lib).stack([_c(lib).positive, _c(lib).real,
                                         _c(lib).interval(0.0, 2.0)], dim=-1), (2, 3)),
]
IDS = [c[0] for c in CONSTRAINTS]


def _registry(lib, which):
    return getattr(lib.distributions, which)


@pytest.mark.parametrize("which", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name,make,shape", CONSTRAINTS, ids=IDS)
def test_registry(which, name, make, shape):
    try:
        want = _registry(torch, which)(make(torch))
    except NotImplementedError as e:
        check_raises(lambda lib: _registry(lib, which)(make(lib)), arrays=[])
        assert "Cannot transform" in str(e)
        return
    got = _registry(numtorch, which)(make(numtorch))
    assert repr(got) == repr(want)
    assert type(got).__name__ == type(want).__name__
    assert got.bijective == want.bijective

    x = np.random.default_rng(3).uniform(-1.5, 1.5, shape).astype("float32")

    def fn(lib, x):
        t = _registry(lib, which)(make(lib))
        y = t(x)
        out = [y, make(lib).check(y)]
        if t.bijective:
            out += [t.inv(y), t.log_abs_det_jacobian(x, y)]
        return out
    check(fn, arrays=[x], rtol=3e-5, atol=3e-5)


def test_identity_is_shared():
    c = numtorch.distributions.constraints
    assert numtorch.distributions.biject_to(c.real) is \
        numtorch.distributions.transforms.identity_transform


def test_register_and_errors():
    for lib in (torch, numtorch):
        D = lib.distributions
        reg = type(D.biject_to)()
        with pytest.raises(NotImplementedError, match="Cannot transform _GreaterThan"):
            reg(D.constraints.positive)

        @reg.register(D.constraints.positive)
        def _factory(constraint, D=D):
            return D.transforms.SoftplusTransform()
        assert isinstance(reg(D.constraints.greater_than(3.0)), D.transforms.SoftplusTransform)
        factory = lambda c, D=D: D.transforms.ExpTransform()  # noqa: E731
        assert reg.register(D.constraints.real, factory) is factory
        assert isinstance(reg(D.constraints.real), D.transforms.ExpTransform)
    check_raises(lambda lib: lib.distributions.biject_to.register(3, lambda c: c), arrays=[])
    check_raises(lambda lib: lib.distributions.biject_to.register(int, lambda c: c), arrays=[])
    check_raises(lambda lib: lib.distributions.biject_to(lib.distributions.constraints.boolean),
                 arrays=[])


def test_bounds_flow_into_transform():
    for make in (lambda lib: _c(lib).interval(-2.0, 3.0),
                 lambda lib: _c(lib).greater_than(lib.tensor([0.5, 1.5]))):
        a = numtorch.distributions.transform_to(make(numtorch)).parts[-1]
        b = torch.distributions.transform_to(make(torch)).parts[-1]
        for attr in ("loc", "scale"):
            x, y = getattr(a, attr), getattr(b, attr)
            if isinstance(y, torch.Tensor):
                assert_same_value(x, y)
            else:
                assert x == y


# distributions whose support the registries map: name, factory, unconstrained input shape
SUPPORTS = [
    ("lognormal", lambda lib: lib.distributions.LogNormal(lib.zeros(3), 1.0), (2, 3)),
    ("halfnormal", lambda lib: lib.distributions.HalfNormal(lib.ones(3)), (2, 3)),
    ("pareto", lambda lib: lib.distributions.Pareto(lib.tensor([1.0, 2.0, 0.5]), 2.0), (2, 3)),
    ("kumaraswamy", lambda lib: lib.distributions.Kumaraswamy(2.0, 3.0), (2, 3)),
    ("logistic_normal", lambda lib: lib.distributions.LogisticNormal(lib.zeros(3), 1.0), (2, 3)),
    ("relaxed_one_hot", lambda lib: lib.distributions.RelaxedOneHotCategorical(
        lib.tensor(0.5), logits=lib.zeros(4)), (2, 3)),
    ("mvn", lambda lib: lib.distributions.MultivariateNormal(lib.zeros(3), lib.eye(3)), (2, 3)),
    ("wishart", lambda lib: lib.distributions.Wishart(4.0, lib.eye(3)), (2, 3, 3)),
    ("lkj", lambda lib: lib.distributions.LKJCholesky(3, 1.0), (2, 3)),
    ("generalized_pareto", lambda lib: lib.distributions.GeneralizedPareto(
        lib.zeros(3), 1.0, lib.tensor([-0.5, -0.25, -1.0])), (2, 3)),
]


@pytest.mark.parametrize("which", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name,make,shape", SUPPORTS, ids=[c[0] for c in SUPPORTS])
def test_distribution_supports(which, name, make, shape):
    """The registries map each distribution's support; images lie in the support."""
    x = np.random.default_rng(4).uniform(-1.0, 1.0, shape).astype("float32")

    def fn(lib, x):
        d = make(lib)
        t = _registry(lib, which)(d.support)
        y = t(x)
        return y, d.support.check(y)
    check(fn, arrays=[x], rtol=3e-5, atol=3e-5)
    try:
        want = repr(_registry(torch, which)(make(torch).support))
    except NotImplementedError:
        return
    assert repr(_registry(numtorch, which)(make(numtorch).support)) == want
