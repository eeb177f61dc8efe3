"""torch.distributions.transforms against torch: values, inverses, log-det-Jacobians, their
gradients, shapes, caching, equality and errors."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check, check_raises

RNG = np.random.default_rng(7)


def _arr(*shape, low=-1.5, high=1.5):
    return RNG.uniform(low, high, shape).astype("float32")


def _pos(*shape):
    return _arr(*shape, low=0.2, high=2.0)


def _T(lib):
    return lib.distributions.transforms


def _t(lib, a):
    return lib.tensor(np.asarray(a, dtype="float32"))


_LOC4, _SCALE4 = _arr(4), _arr(4, low=0.5, high=2.0) * np.array([1, -1, 1, -1], "float32")
_EXP4 = _pos(4)

# name, factory(lib) -> transform, input array, has_ladj
CASES = [
    ("exp", lambda lib: _T(lib).ExpTransform(), _arr(3, 4), True),
    ("exp_inv", lambda lib: _T(lib).ExpTransform().inv, _pos(3, 4), True),
    ("power_scalar", lambda lib: _T(lib).PowerTransform(_t(lib, 2.5)), _pos(3, 4), True),
    ("power_float", lambda lib: _T(lib).PowerTransform(-0.5), _pos(3, 4), True),
    ("power_vector", lambda lib: _T(lib).PowerTransform(_t(lib, _EXP4)), _pos(3, 4), True),
    ("sigmoid", lambda lib: _T(lib).SigmoidTransform(), _arr(3, 4, low=-4, high=4), True),
    ("tanh", lambda lib: _T(lib).TanhTransform(), _arr(3, 4), True),
    ("softplus", lambda lib: _T(lib).SoftplusTransform(), _arr(3, 4, low=-3, high=3), True),
    ("abs", lambda lib: _T(lib).AbsTransform(), _arr(3, 4), False),
    ("affine_num", lambda lib: _T(lib).AffineTransform(1.5, -2.0), _arr(3, 4), True),
    ("affine_vec", lambda lib: _T(lib).AffineTransform(_t(lib, _LOC4), _t(lib, _SCALE4)),
     _arr(3, 4), True),
    ("affine_event1", lambda lib: _T(lib).AffineTransform(
        _t(lib, _LOC4), _t(lib, _SCALE4), event_dim=1), _arr(3, 4), True),
    ("affine_event2_num", lambda lib: _T(lib).AffineTransform(0.5, 3.0, event_dim=2),
     _arr(2, 3, 4), True),
    ("softmax", lambda lib: _T(lib).SoftmaxTransform(), _arr(3, 4), False),
    ("stick_breaking", lambda lib: _T(lib).StickBreakingTransform(), _arr(3, 4), True),
    ("stick_breaking_1d", lambda lib: _T(lib).StickBreakingTransform(), _arr(5), True),
    ("lower_cholesky", lambda lib: _T(lib).LowerCholeskyTransform(), _arr(2, 3, 3), False),
    ("positive_definite", lambda lib: _T(lib).PositiveDefiniteTransform(), _arr(2, 3, 3),
     False),
    ("corr_cholesky", lambda lib: _T(lib).CorrCholeskyTransform(), _arr(2, 6), True),
    ("corr_cholesky_10", lambda lib: _T(lib).CorrCholeskyTransform(), _arr(10), True),
    ("compose", lambda lib: _T(lib).ComposeTransform(
        [_T(lib).ExpTransform(), _T(lib).AffineTransform(1.0, 2.0)]), _arr(3, 4), True),
    ("compose_event", lambda lib: _T(lib).ComposeTransform(
        [_T(lib).AffineTransform(0.5, 2.0), _T(lib).StickBreakingTransform(),
         _T(lib).AffineTransform(0.0, 3.0)]), _arr(3, 4), True),
    ("compose_empty", lambda lib: _T(lib).identity_transform, _arr(3, 4), True),
    ("independent", lambda lib: _T(lib).IndependentTransform(_T(lib).ExpTransform(), 1),
     _arr(3, 4), True),
    ("independent2", lambda lib: _T(lib).IndependentTransform(
        _T(lib).AffineTransform(_t(lib, _LOC4), _t(lib, _SCALE4)), 2), _arr(2, 3, 4), True),
    ("reshape", lambda lib: _T(lib).ReshapeTransform((2, 3), (6,)), _arr(4, 2, 3), True),
    ("cat", lambda lib: _T(lib).CatTransform(
        [_T(lib).ExpTransform(), _T(lib).AffineTransform(0.0, 3.0)], dim=1, lengths=[2, 2]),
     _arr(3, 4), True),
    ("cat_neg_dim", lambda lib: _T(lib).CatTransform(
        [_T(lib).SigmoidTransform(), _T(lib).TanhTransform()], dim=-2, lengths=[1, 2]),
     _arr(3, 4), True),
    ("cat_event", lambda lib: _T(lib).CatTransform(
        [_T(lib).IndependentTransform(_T(lib).ExpTransform(), 1),
         _T(lib).AffineTransform(0.0, 3.0)], dim=0, lengths=[1, 2]), _arr(3, 4), True),
    ("stack", lambda lib: _T(lib).StackTransform(
        [_T(lib).ExpTransform(), _T(lib).SigmoidTransform()], dim=1), _arr(3, 2), True),
    ("stack_neg", lambda lib: _T(lib).StackTransform(
        [_T(lib).SoftplusTransform(), _T(lib).TanhTransform(), _T(lib).ExpTransform()],
        dim=-1), _arr(2, 3), True),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,make,x,has_ladj", CASES, ids=IDS)
def test_forward_inverse_ladj(name, make, x, has_ladj, dtype):
    def fn(lib, x):
        t = make(lib)
        y = t(x)
        out = [y, t.inv(y.detach().clone())]
        if has_ladj:
            out.append(t.log_abs_det_jacobian(x, y))
        return out
    tol = 2e-5 if dtype == "float32" else 1e-6
    layouts = ("contiguous", "transposed", "strided")
    if name == "affine_event2_num":
        # torch's full_like keeps a transposed input's strides, so its view(...) raises there;
        # numtorch's full_like is contiguous
        layouts = ("contiguous", "strided")
    check(fn, arrays=[x.astype(dtype)], rtol=tol, atol=tol, second_order=True, layouts=layouts)


@pytest.mark.parametrize("name,make,x,has_ladj", CASES, ids=IDS)
def test_inverse_gradient(name, make, x, has_ladj):
    """The inverse map and the inverse's log-det-Jacobian, differentiated through y."""
    y = make(torch)(torch.tensor(x)).numpy()

    def fn(lib, y):
        t = make(lib).inv
        x = t(y)
        return [x, t.log_abs_det_jacobian(y, x)] if has_ladj else [x]
    check(fn, arrays=[y], rtol=5e-5, atol=5e-5)


@pytest.mark.parametrize("name,make,x,has_ladj", CASES, ids=IDS)
def test_attributes(name, make, x, has_ladj):
    t, n = make(torch), make(numtorch)
    for attr in ("bijective", "event_dim"):
        try:
            want = getattr(t, attr)
        except ValueError as e:
            with pytest.raises(ValueError, match=str(e)):
                getattr(n, attr)
            continue
        assert getattr(n, attr) == want, attr
    for side in ("domain", "codomain"):
        a, b = getattr(n, side), getattr(t, side)
        assert type(a).__name__ == type(b).__name__, side
        assert a.event_dim == b.event_dim, side
    assert repr(n) == repr(t)
    assert repr(n.inv) == repr(t.inv)
    assert n.inv.inv is n and t.inv.inv is t
    try:
        sign = t.sign
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            _ = n.sign
    else:
        if isinstance(sign, torch.Tensor):
            assert_same_value(n.sign, sign)
        else:
            assert n.sign == sign
    assert (n == make(numtorch)) == (t == make(torch))
    assert (n != make(numtorch)) == (t != make(torch))
    assert (n.inv == make(numtorch).inv) == (t.inv == make(torch).inv)
    assert (n == numtorch.distributions.transforms.ExpTransform()) == \
           (t == torch.distributions.transforms.ExpTransform())


@pytest.mark.parametrize("name,make,x,has_ladj", CASES, ids=IDS)
def test_shapes(name, make, x, has_ladj):
    t, n = make(torch), make(numtorch)
    shape = x.shape
    fwd = t.forward_shape(torch.Size(shape))
    assert tuple(n.forward_shape(numtorch.Size(shape))) == tuple(fwd)
    assert tuple(n.inverse_shape(numtorch.Size(fwd))) == tuple(t.inverse_shape(fwd))
    assert tuple(n.inv.forward_shape(numtorch.Size(fwd))) == tuple(t.inv.forward_shape(fwd))
    for bad in [(), (7,), (2, 5)]:
        try:
            want = t.forward_shape(torch.Size(bad))
        except (ValueError, RuntimeError) as e:
            with pytest.raises(type(e)) as info:
                n.forward_shape(numtorch.Size(bad))
            if isinstance(e, ValueError):
                assert str(info.value) == str(e)
        else:
            assert tuple(n.forward_shape(numtorch.Size(bad))) == tuple(want)


@pytest.mark.parametrize("name,make,x,has_ladj", CASES, ids=IDS)
def test_cache(name, make, x, has_ladj):
    """With cache_size=1 the inverse of the last output is the input object itself."""
    for lib in (torch, numtorch):
        t = make(lib).with_cache(1)
        assert t.with_cache(1) is t
        assert t._cache_size == 1
        xs = lib.tensor(x)
        y = t(xs)
        assert t(xs) is y
        assert t.inv(y) is xs
        assert t.with_cache(0)._cache_size == 0


def test_cache_size_errors():
    for lib in (torch, numtorch):
        T = _T(lib)
        with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
            T.ExpTransform(cache_size=2)
        with pytest.raises(NotImplementedError):
            T.Transform()(lib.zeros(2))
        with pytest.raises(NotImplementedError):
            T.Transform().log_abs_det_jacobian(lib.zeros(2), lib.zeros(2))
        with pytest.raises(AttributeError):
            _ = T.Transform().domain


@pytest.mark.parametrize("fn", [
    lambda lib: _T(lib).ReshapeTransform((2, 3), (5,)),
    lambda lib: _T(lib).ReshapeTransform((2, 3), (6,)).forward_shape(lib.Size([3, 2])),
    lambda lib: _T(lib).ReshapeTransform((2, 3), (6,)).inverse_shape(lib.Size([5])),
    lambda lib: _T(lib).CorrCholeskyTransform().forward_shape(lib.Size([4])),
    lambda lib: _T(lib).CorrCholeskyTransform().inverse_shape(lib.Size([3, 4])),
    lambda lib: _T(lib).CorrCholeskyTransform().inverse_shape(lib.Size([4])),
    lambda lib: _T(lib).CorrCholeskyTransform().event_dim,
    lambda lib: _T(lib).IndependentTransform(_T(lib).ExpTransform(), 2)(lib.zeros(3)),
    lambda lib: _T(lib).IndependentTransform(_T(lib).ExpTransform(), 2).inv(lib.zeros(3)),
    lambda lib: _T(lib).StickBreakingTransform().forward_shape(lib.Size([])),
    lambda lib: _T(lib).SoftmaxTransform().inverse_shape(lib.Size([])),
    lambda lib: _T(lib).PowerTransform(2.0).with_cache(3),
    lambda lib: _T(lib).AbsTransform().sign,
])
def test_errors(fn):
    check_raises(lambda lib: fn(lib), arrays=[])


def test_cat_stack_asserts():
    for lib in (torch, numtorch):
        T = _T(lib)
        cat = T.CatTransform([T.ExpTransform(), T.ExpTransform()], dim=0)
        with pytest.raises(AssertionError):
            cat(lib.zeros(3))
        with pytest.raises(AssertionError):
            T.StackTransform([T.ExpTransform()], dim=2)(lib.zeros(1, 1))
        with pytest.raises(AssertionError):
            T.CatTransform([1])


def test_affine_equality_and_sign():
    for lib in (torch, numtorch):
        T = _T(lib)
        assert T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0)
        assert T.AffineTransform(1.0, 2.0) != T.AffineTransform(1.0, 3.0)
        v = lib.tensor([1.0, 2.0])
        assert T.AffineTransform(v, 2.0) == T.AffineTransform(v.clone(), 2.0)
        assert T.AffineTransform(v, 2.0) != T.AffineTransform(v + 1, 2.0)
        assert T.AffineTransform(0.0, -3).sign == -1
        assert T.AffineTransform(0.0, 0).sign == 0
        assert T.PowerTransform(2.0) == T.PowerTransform(lib.tensor(2.0))
        assert T.PowerTransform(2.0) != T.PowerTransform(3.0)
        assert T.ExpTransform().inv != T.SigmoidTransform().inv
        comp = T.ComposeTransform([T.ExpTransform(), T.AffineTransform(0.0, -1.0)])
        assert comp.sign == -1
        assert comp.inv.inv is comp
        assert comp.inv.parts[0] == T.AffineTransform(0.0, -1.0).inv
    with pytest.raises(TypeError):
        hash(numtorch.distributions.transforms.ExpTransform())


def test_independent_and_compose_domains():
    def describe(c):
        names = []
        while hasattr(c, "base_constraint"):
            names.append((type(c).__name__, c.reinterpreted_batch_ndims))
            c = c.base_constraint
        return names + [type(c).__name__, c.event_dim]

    def make(lib):
        T = _T(lib)
        return [T.ComposeTransform([T.ExpTransform(), T.StickBreakingTransform()]),
                T.ComposeTransform([T.StickBreakingTransform(), T.ReshapeTransform((4,), (2, 2)),
                                    T.ExpTransform()]),
                T.IndependentTransform(T.StickBreakingTransform(), 2),
                T.CatTransform([T.ExpTransform()], dim=0)]
    for n, t in zip(make(numtorch), make(torch)):
        assert describe(n.domain) == describe(t.domain)
        assert describe(n.codomain) == describe(t.codomain)
        assert describe(n.inv.domain) == describe(t.inv.domain)


def test_cumulative_distribution_transform():
    def fn(lib, loc, x):
        d = lib.distributions.Normal(loc, 1.5)
        t = lib.distributions.transforms.CumulativeDistributionTransform(d)
        y = t(x)
        return y, t.inv(y.detach()), t.log_abs_det_jacobian(x, y)
    check(fn, arrays=[_arr(4), _arr(3, 4)])
    for lib in (torch, numtorch):
        T = _T(lib)
        d = lib.distributions.Normal(0.0, 1.0)
        t = T.CumulativeDistributionTransform(d)
        assert t.sign == 1 and t.bijective
        assert t.domain is d.support
        assert t.with_cache(1).distribution is d


def test_transform_parameter_gradients():
    """Gradients reach the parameters of affine and power transforms."""
    def fn(lib, loc, scale, expo, x):
        T = _T(lib)
        t = T.ComposeTransform([T.AffineTransform(loc, scale), T.ExpTransform(),
                                T.PowerTransform(expo)])
        y = t(x)
        return y, t.log_abs_det_jacobian(x, y)
    check(fn, arrays=[_arr(4), _arr(4, low=0.5, high=2), _pos(4), _arr(3, 4)])


MY_NAMES = ["LogNormal", "HalfNormal", "HalfCauchy", "Gumbel", "Weibull", "Pareto", "Kumaraswamy",
            "LogisticNormal", "RelaxedBernoulli", "RelaxedOneHotCategorical", "GeneralizedPareto",
            "InverseGamma", "TransformedDistribution", "MultivariateNormal",
            "LowRankMultivariateNormal", "Wishart", "LKJCholesky", "biject_to", "transform_to",
            *torch.distributions.transforms.__all__]


@pytest.mark.parametrize("name", MY_NAMES)
def test_public_names_and_bases(name):
    """The name is exported and its class has torch's chain of distribution base classes."""
    assert name in numtorch.distributions.__all__
    ours, theirs = getattr(numtorch.distributions, name), getattr(torch.distributions, name)
    assert type(ours).__name__ == type(theirs).__name__
    if isinstance(theirs, type):
        want = [c.__name__ for c in theirs.__mro__ if c.__module__.startswith("torch.distrib")]
        got = [c.__name__ for c in ours.__mro__
               if c.__module__.startswith("numtorch.distributions")]
        assert got == want
        assert ours.__module__.replace("numtorch", "torch", 1) == theirs.__module__


@pytest.mark.parametrize("mod", ["transforms", "constraint_registry", "transformed_distribution",
                                 "log_normal", "half_normal", "half_cauchy", "gumbel", "weibull",
                                 "pareto", "kumaraswamy", "logistic_normal", "relaxed_bernoulli",
                                 "relaxed_categorical", "generalized_pareto", "inverse_gamma",
                                 "multivariate_normal", "lowrank_multivariate_normal", "wishart",
                                 "lkj_cholesky"])
def test_submodules(mod):
    t = getattr(torch.distributions, mod)
    n = getattr(numtorch.distributions, mod)
    assert n.__name__ == f"numtorch.distributions.{mod}"
    assert set(getattr(t, "__all__", [])) <= set(dir(n))
