"""Reductions and scans against torch: argument kinds (TypeError before any array work),
complex inf/NaN values, complex refusals after the dim check, no NumPy warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch

WRONG = (None, [0.5], "a", (1.5,), object(), True)
FNS = ("sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "all", "any", "logsumexp",
       "nansum", "std", "var", "count_nonzero", "cumsum", "cumprod")


def _outcome(lib, fn, *args, **kw):
    try:
        return getattr(lib, fn)(*args, **kw), None
    except Exception as e:  # noqa: BLE001 - torch's behaviour is the spec
        return None, e


# std(x, True) means unbiased=True: a keyword dim=True, which torch refuses, cannot be told
# from it, so those two pairs are not cases here
_CASES = [(fn, w) for fn in FNS for w in WRONG if not (w is True and fn in ("std", "var"))]


@pytest.mark.parametrize("fn,w", _CASES, ids=lambda v: v if isinstance(v, str) else (
    "object" if type(v) is object else repr(v)))
def test_wrong_dim_kind(fn, w):
    x = np.arange(6.0).reshape(2, 3)
    t_out, t_exc = _outcome(torch, fn, torch.tensor(x), dim=w)
    n_out, n_exc = _outcome(numtorch, fn, numtorch.tensor(x), dim=w)
    if t_exc is None:
        assert n_exc is None, n_exc
        np.testing.assert_allclose(np.asarray(n_out.tolist()), t_out.numpy())
    else:
        assert type(n_exc) is type(t_exc), (n_exc, t_exc)
        if "invalid combination" not in str(t_exc):
            assert str(n_exc) == str(t_exc)


def test_prod_dim_none_refused_default_all():
    x = numtorch.tensor([2.0, 3.0])
    with pytest.raises(TypeError, match=r"prod\(\): argument 'dim' must be int, not NoneType"):
        numtorch.prod(x, dim=None)
    assert numtorch.prod(x).item() == 6.0 and x.prod().item() == 6.0
    assert numtorch.prod(x, numtorch.float64).dtype == numtorch.float64


def test_kind_checked_before_dtype():
    """torch's parser refuses the dim before mean/argmax/std look at the dtype."""
    for fn in ("mean", "std", "argmax"):
        arr = np.array([1, 2], dtype=bool if fn == "argmax" else np.int64)
        with pytest.raises(TypeError):
            getattr(numtorch, fn)(numtorch.tensor(arr), dim="a")


def _complex_with(v):
    rng = np.random.default_rng(0)
    a = (rng.uniform(-4, 4, (3, 4)) + 1j * rng.uniform(-4, 4, (3, 4))).astype(np.complex64)
    a[0, 0] = v
    a[1, 2] = v
    return a


@pytest.mark.parametrize("v", [np.inf, -np.inf, np.nan, 1 + 1j])
@pytest.mark.parametrize("fn,kw", [("cumprod", {"dim": 0}), ("cumprod", {"dim": 1}),
                                   ("prod", {}), ("prod", {"dim": 0}), ("mean", {}),
                                   ("logsumexp", {"dim": 0}), ("logsumexp", {"dim": 1}),
                                   ("std", {}), ("var", {"dim": 1}), ("cumsum", {"dim": 1})])
def test_complex_nonfinite_values_silent(fn, kw, v):
    a = _complex_with(v)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ours = getattr(numtorch, fn)(numtorch.tensor(a), **kw)
    theirs = getattr(torch, fn)(torch.tensor(a), **kw)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5,
                               equal_nan=True)


@pytest.mark.parametrize("fn", ["std", "var"])
@pytest.mark.parametrize("arr", [np.array([1.0, np.inf, 2.0]), np.array([np.nan]),
                                 np.array([], np.float32), np.array(3.0)])
def test_std_var_silent(fn, arr):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)  # torch's degrees-of-freedom warning
        ours = getattr(numtorch, fn)(numtorch.tensor(arr))
        theirs = getattr(torch, fn)(torch.tensor(arr))
    np.testing.assert_allclose(ours.item(), theirs.item(), equal_nan=True)


@pytest.mark.parametrize("fn", ["amax", "amin", "argmax", "argmin", "nansum"])
def test_complex_refused_after_dim_check(fn):
    a = np.ones((2, 3), np.complex64)
    for dim in (5, 1):
        _, t_exc = _outcome(torch, fn, torch.tensor(a), dim=dim)
        _, n_exc = _outcome(numtorch, fn, numtorch.tensor(a), dim=dim)
        assert t_exc is not None and type(n_exc) is type(t_exc), (dim, n_exc, t_exc)
