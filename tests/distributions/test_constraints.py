"""Constraints and distribution utils against torch.distributions."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check_raises

RNG = np.random.default_rng(0)

VALUES = {
    "vec": np.array([-1.5, 0.0, 0.3, 1.0, 2.0, 3.0, np.nan]),
    "ints": np.array([-2.0, 0.0, 1.0, 2.0, 2.5, 7.0]),
    "simplex": np.array([[0.2, 0.3, 0.5], [0.2, 0.3, 0.6], [-0.1, 0.6, 0.5]]),
    "onehot": np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.5, 0.5]]),
    "counts": np.array([[1.0, 2.0, 0.0], [4.0, 0.0, 1.0], [-1.0, 1.0, 1.0]]),
    "mats": np.stack([np.array([[1.0, 0.0], [0.5, 2.0]]), np.array([[1.0, 0.3], [0.5, 2.0]]),
                      np.array([[-1.0, 0.0], [0.5, 2.0]]), np.array([[2.0, 1.0], [1.0, 2.0]]),
                      np.array([[1.0, 2.0], [2.0, 1.0]]),
                      np.array([[1.0, 0.0], [0.6, 0.8]])]),
    "rect": RNG.normal(size=(2, 2, 3)),
}

CASES = [
    ("real", lambda C: C.real, "vec"),
    ("positive", lambda C: C.positive, "vec"),
    ("nonnegative", lambda C: C.nonnegative, "vec"),
    ("unit_interval", lambda C: C.unit_interval, "vec"),
    ("interval", lambda C: C.interval(-1.0, 2.0), "vec"),
    ("half_open_interval", lambda C: C.half_open_interval(0.0, 2.0), "vec"),
    ("greater_than", lambda C: C.greater_than(0.3), "vec"),
    ("greater_than_eq", lambda C: C.greater_than_eq(0.3), "vec"),
    ("less_than", lambda C: C.less_than(1.0), "vec"),
    ("boolean", lambda C: C.boolean, "ints"),
    ("nonnegative_integer", lambda C: C.nonnegative_integer, "ints"),
    ("positive_integer", lambda C: C.positive_integer, "ints"),
    ("integer_interval", lambda C: C.integer_interval(0, 2), "ints"),
    ("real_vector", lambda C: C.real_vector, "simplex"),
    ("independent", lambda C: C.independent(C.positive, 1), "simplex"),
    ("independent2", lambda C: C.independent(C.real, 2), "mats"),
    ("simplex", lambda C: C.simplex, "simplex"),
    ("one_hot", lambda C: C.one_hot, "onehot"),
    ("multinomial", lambda C: C.multinomial(3), "counts"),
    ("lower_triangular", lambda C: C.lower_triangular, "mats"),
    ("lower_cholesky", lambda C: C.lower_cholesky, "mats"),
    ("corr_cholesky", lambda C: C.corr_cholesky, "mats"),
    ("square", lambda C: C.square, "mats"),
    ("square_rect", lambda C: C.square, "rect"),
    ("symmetric", lambda C: C.symmetric, "mats"),
    ("positive_semidefinite", lambda C: C.positive_semidefinite, "mats"),
    ("positive_definite", lambda C: C.positive_definite, "mats"),
    ("cat", lambda C: C.cat([C.positive, C.real, C.unit_interval], 1, [1, 1, 1]), "simplex"),
    ("stack", lambda C: C.stack([C.positive, C.real, C.unit_interval], 1), "simplex"),
    ("stack_neg", lambda C: C.stack([C.positive, C.real, C.unit_interval], -1), "simplex"),
    ("mixture", lambda C: C.MixtureSameFamilyConstraint(C.positive), "simplex"),
    ("mixture_vec", lambda C: C.MixtureSameFamilyConstraint(C.simplex), "simplex"),
]


def _both(make):
    return (make(numtorch.distributions.constraints), make(torch.distributions.constraints))


@pytest.mark.parametrize("name,make,value", CASES, ids=[c[0] for c in CASES])
def test_check_repr_attributes(name, make, value):
    ours, theirs = _both(make)
    arr = VALUES[value]
    for dt in ("float32", "float64"):
        a = arr.astype(dt)
        if name.startswith(("symmetric", "positive_")) and value == "mats":
            # the eigen/cholesky checks only run on symmetric batches
            a = a[3:5]
        assert_same_value(ours.check(numtorch.tensor(a)), theirs.check(torch.tensor(a)))
    assert repr(ours) == repr(theirs)
    assert ours.is_discrete == theirs.is_discrete
    assert ours.event_dim == theirs.event_dim
    assert isinstance(ours, numtorch.distributions.constraints.Constraint)


def test_public_names():
    tc = torch.distributions.constraints
    nc = numtorch.distributions.constraints
    assert nc.__all__ == tc.__all__
    for name in tc.__all__:
        assert hasattr(nc, name), name


def test_dependent():
    for C in (numtorch.distributions.constraints, torch.distributions.constraints):
        assert C.is_dependent(C.dependent)
        assert not C.is_dependent(C.real)
        d = C.dependent(is_discrete=True, event_dim=1)
        assert (d.is_discrete, d.event_dim) == (True, 1)
        with pytest.raises(NotImplementedError):
            C.dependent.event_dim  # noqa: B018
        with pytest.raises(ValueError, match="Cannot determine validity of dependent"):
            C.dependent.check(1)

        class Thing:
            @C.dependent_property(is_discrete=False, event_dim=0)
            def support(self, C=C):
                return C.real

        assert Thing().support is C.real
        assert C.is_dependent(Thing.support) and Thing.support.event_dim == 0
        assert repr(C.dependent) == "Dependent()"


def test_independent_too_few_dims():
    check_raises(lambda lib, x: lib.distributions.constraints.independent(
        lib.distributions.constraints.real, 2).check(x), shapes=[(3,)])


# -- utils ---------------------------------------------------------------------------------
def _util(lib):
    return lib.distributions.utils


@pytest.mark.parametrize("binary", [False, True])
def test_probs_logits(binary):
    p = RNG.uniform(0, 1, (3, 4)).astype("float32")
    p[0, 0] = 0.0
    p[1, 1] = 1.0
    for fn in ("probs_to_logits", "logits_to_probs", "clamp_probs"):
        args = (binary,) if fn != "clamp_probs" else ()
        assert_same_value(getattr(_util(numtorch), fn)(numtorch.tensor(p), *args),
                          getattr(_util(torch), fn)(torch.tensor(p), *args), what=fn)


def test_broadcast_all():
    for args in [(np.zeros((2, 1), "float64"), 1.0), (2, 3.5), (np.ones(3, "float32"), 2)]:
        def conv(lib, a):
            return lib.tensor(a) if isinstance(a, np.ndarray) else a
        ours = _util(numtorch).broadcast_all(*[conv(numtorch, a) for a in args])
        theirs = _util(torch).broadcast_all(*[conv(torch, a) for a in args])
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert_same_value(o, t)
    check_raises(lambda lib: _util(lib).broadcast_all("a", 1.0), arrays=[])


@pytest.mark.parametrize("diag", [-1, 0, 1])
def test_tril_vec_roundtrip(diag):
    m = RNG.normal(size=(2, 4, 4))
    vo = _util(numtorch).tril_matrix_to_vec(numtorch.tensor(m), diag)
    vt = _util(torch).tril_matrix_to_vec(torch.tensor(m), diag)
    assert_same_value(vo, vt)
    assert_same_value(_util(numtorch).vec_to_tril_matrix(vo, diag),
                      _util(torch).vec_to_tril_matrix(vt, diag))


def test_tril_errors():
    check_raises(lambda lib, m: _util(lib).tril_matrix_to_vec(m, 5), shapes=[(3, 3)])
    check_raises(lambda lib, v: _util(lib).vec_to_tril_matrix(v), shapes=[(4,)])


def test_lazy_property():
    calls = []

    class Thing:
        @numtorch.distributions.utils.lazy_property
        def value(self):
            calls.append(1)
            return numtorch.ones(2) * 3

    t = Thing()
    assert t.value is t.value and len(calls) == 1
    assert isinstance(Thing.value, property)
    with numtorch.no_grad():
        x = numtorch.ones(1, requires_grad=True)

        class G:
            @numtorch.distributions.utils.lazy_property
            def y(self):
                return x * 2
        assert G().y.requires_grad  # computed under enable_grad, as torch does
