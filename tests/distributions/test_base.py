"""The Distribution base class and ExponentialFamily against torch.distributions."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value


def _toy(lib):
    """A minimal location family defined the same way in both libraries."""
    D = lib.distributions

    class Toy(D.Distribution):
        arg_constraints = {"loc": D.constraints.real, "scale": D.constraints.positive}
        support = D.constraints.real

        def __init__(self, loc, scale, validate_args=None):
            self.loc, self.scale = D.utils.broadcast_all(loc, scale)
            super().__init__(self.loc.shape, validate_args=validate_args)

        def log_prob(self, value):
            if self._validate_args:
                self._validate_sample(value)
            return -((value - self.loc) / self.scale) ** 2

    class NoExpand(Toy):
        def __init__(self, loc):
            super().__init__(loc, 1.0)

    class Bare(D.Distribution):
        pass

    return Toy, NoExpand, Bare


def _run(fn):
    """``fn(lib, Toy, NoExpand, Bare)`` in both libraries: same result or same exception."""
    out = []
    for lib in (torch, numtorch):
        try:
            out.append(("ok", fn(lib, *_toy(lib))))
        except Exception as e:  # noqa: BLE001
            out.append(("raise", e))
    (kt, t), (kn, n) = out
    assert kt == kn, f"torch {kt} {t!r}, numtorch {kn} {n!r}"
    if kt == "raise":
        assert type(n).__name__ == type(t).__name__, (n, t)
        assert str(n) == str(t)
    elif isinstance(t, torch.Tensor):
        assert_same_value(n, t)
    else:
        assert (str(n) if not isinstance(t, (bool, int)) else n) == \
               (str(t) if not isinstance(t, (bool, int)) else t)


def _t(lib, x):
    return lib.tensor(np.asarray(x, dtype="float32"))


CASES = [
    ("repr_scalar", lambda lib, T, N, B: repr(T(_t(lib, 0.5), 2.0))),
    ("repr_batch", lambda lib, T, N, B: repr(T(_t(lib, [0.5, 1.0]), 2.0))),
    ("shapes", lambda lib, T, N, B: (T(_t(lib, [[0.5, 1.0]]), 2.0).batch_shape,
                                     T(_t(lib, [[0.5, 1.0]]), 2.0).event_shape)),
    ("extended", lambda lib, T, N, B: T(_t(lib, [0.5, 1.0]), 2.0)._extended_shape((3, 1))),
    ("bad_param", lambda lib, T, N, B: T(_t(lib, [0.5, 1.0]), _t(lib, [1.0, -2.0]))),
    ("bad_param_off", lambda lib, T, N, B: T(_t(lib, [0.5]), _t(lib, [-2.0]),
                                             validate_args=False).scale),
    ("sample_not_tensor", lambda lib, T, N, B: T(_t(lib, [0.5]), 1.0).log_prob(0.3)),
    ("sample_nan", lambda lib, T, N, B: T(_t(lib, [0.5]), 1.0).log_prob(_t(lib, [np.nan]))),
    ("sample_shape", lambda lib, T, N, B: T(_t(lib, [0.5, 1.0]), 1.0).log_prob(_t(lib, [1, 2, 3]))),
    ("sample_ok", lambda lib, T, N, B: T(_t(lib, [0.5, 1.0]), 1.0).log_prob(_t(lib, [[1], [2]]))),
    ("expand_base", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).expand((2,))),
    ("checked_instance", lambda lib, T, N, B: N(_t(lib, 0.5))._get_checked_instance(T)),
    ("checked_instance_ok", lambda lib, T, N, B: type(T(_t(lib, 0.5), 1.0)
                                                      ._get_checked_instance(T)).__name__),
    ("rsample", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).rsample()),
    ("sample", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).sample()),
    ("mean", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).mean),
    ("mode", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).mode.split("'")[-2]),
    ("variance", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).stddev),
    ("entropy", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).perplexity()),
    ("cdf", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).cdf(_t(lib, 0.0))),
    ("icdf", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).icdf(_t(lib, 0.0))),
    ("enumerate", lambda lib, T, N, B: T(_t(lib, 0.5), 1.0).enumerate_support()),
    ("no_arg_constraints", lambda lib, T, N, B: B().batch_shape),
    ("flags", lambda lib, T, N, B: (T.has_rsample, T.has_enumerate_support)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_base_behaviour(name, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(fn)


def test_mode_message():
    Toy = _toy(numtorch)[0]
    with pytest.raises(NotImplementedError, match="does not implement mode"):
        Toy(numtorch.tensor(0.5), 1.0).mode  # noqa: B018


def test_warnings():
    for lib in (torch, numtorch):
        Bare = _toy(lib)[2]
        with pytest.warns(UserWarning, match="does not define `arg_constraints`"):
            Bare(validate_args=True)
        with pytest.warns(UserWarning, match="does not define `support`"):
            Bare(validate_args=True)._validate_sample(lib.zeros(()))
        Toy = _toy(lib)[0]
        Toy.rsample = lambda self, shape=(), lib=lib: lib.zeros(shape)
        with pytest.warns(FutureWarning, match="will be deprecated"):
            assert tuple(Toy(lib.tensor(0.5), 1.0).sample_n(3).shape) == (3,)


def test_default_validate_args():
    for lib in (torch, numtorch):
        D = lib.distributions.Distribution
        old = D._validate_args
        try:
            D.set_default_validate_args(False)
            Toy = _toy(lib)[0]
            Toy(lib.tensor(0.0), lib.tensor(-1.0))  # no error
            with pytest.raises(ValueError):
                D.set_default_validate_args(3)
        finally:
            D.set_default_validate_args(old)
        assert D._validate_args is old


def _expfam(lib):
    D = lib.distributions

    class Exp(D.ExponentialFamily):
        arg_constraints = {"rate": D.constraints.positive}

        def __init__(self, rate):
            self.rate = rate
            super().__init__(rate.shape)

        @property
        def _natural_params(self):
            return (-self.rate,)

        def _log_normalizer(self, x):
            return -lib.log(-x)

        @property
        def _mean_carrier_measure(self):
            return 0

    return Exp


def test_exponential_family_entropy():
    rate = np.array([0.5, 1.0, 3.0], "float32")
    g = np.array([0.3, -1.2, 0.7], "float32")
    res = []
    for lib in (torch, numtorch):
        r = lib.tensor(rate, requires_grad=True)
        h = _expfam(lib)(r).entropy()
        # the natural parameters are detached: the entropy carries no gradient to ``rate``
        with pytest.raises(RuntimeError):
            lib.autograd.grad(h, r, lib.tensor(g))
        res.append(h)
    assert_same_value(res[1], res[0])
