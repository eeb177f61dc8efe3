"""What PyTorch refuses by dtype, refused the same way (type and message): moments of integer
and bool tensors, ordering kernels on complex (and topk/kthvalue/median on bool), flatten and
unflatten argument errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import _strip, check_raises

INTS = ["bool", "uint8", "int8", "int16", "int32", "int64"]
COMPLEX = ["complex64", "complex128"]


def _arr(dt, shape=(2, 3)):
    return np.asarray(np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dt)


MOMENTS = {
    "std": lambda L, x: L.std(x), "std_dim": lambda L, x: x.std(0),
    "std_kw": lambda L, x: L.std(x, dim=0, keepdim=True, correction=0),
    "var": lambda L, x: L.var(x), "var_dim": lambda L, x: x.var(1, keepdim=True),
    "var_mean": lambda L, x: L.var_mean(x), "var_mean_dim": lambda L, x: L.var_mean(x, 0),
    "std_mean": lambda L, x: L.std_mean(x), "std_mean_dim": lambda L, x: L.std_mean(x, 1),
    "mean": lambda L, x: L.mean(x), "mean_dim": lambda L, x: x.mean(0),
    "nanmean": lambda L, x: L.nanmean(x), "nanmean_dim": lambda L, x: L.nanmean(x, 0),
}


@pytest.mark.parametrize("shape", [(2, 3), (0, 3), ()], ids=str)
@pytest.mark.parametrize("dt", INTS)
@pytest.mark.parametrize("name", sorted(MOMENTS))
def test_moments_refuse_integers(name, dt, shape):
    check_raises(MOMENTS[name], arrays=[_arr(dt, shape)])


@pytest.mark.parametrize("dt", COMPLEX)
@pytest.mark.parametrize("fn", [lambda L, x: L.nanmean(x), lambda L, x: L.nansum(x, 0),
                                lambda L, x: L.nansum(x)])
def test_nan_reductions_refuse_complex(fn, dt):
    check_raises(fn, arrays=[_arr(dt)])


ORDERING = {
    "sort": lambda L, x: L.sort(x), "sort_stable": lambda L, x: L.sort(x, stable=True),
    "argsort": lambda L, x: L.argsort(x), "argsort_stable": lambda L, x: x.argsort(stable=True),
    "msort": lambda L, x: L.msort(x), "topk": lambda L, x: L.topk(x, 1),
    "topk0": lambda L, x: x.topk(1, dim=0), "topk_k0": lambda L, x: x.topk(0),
    "kthvalue": lambda L, x: L.kthvalue(x, 1), "kthvalue0": lambda L, x: x.kthvalue(1, 0),
    "median": lambda L, x: x.median(), "median_dim": lambda L, x: x.median(0),
    "nanmedian": lambda L, x: x.nanmedian(), "nanmedian_dim": lambda L, x: x.nanmedian(-1),
    "mode": lambda L, x: x.mode(0), "max": lambda L, x: x.max(), "max_dim": lambda L, x: x.max(0),
    "min": lambda L, x: x.min(), "min_dim": lambda L, x: x.min(1), "amax": lambda L, x: x.amax(),
    "amin": lambda L, x: x.amin(0), "argmax": lambda L, x: x.argmax(),
    "argmin": lambda L, x: x.argmin(0), "aminmax": lambda L, x: L.aminmax(x),
    "aminmax_dim": lambda L, x: L.aminmax(x, dim=0), "cummax": lambda L, x: x.cummax(0),
    "cummin": lambda L, x: x.cummin(1), "unique": lambda L, x: x.unique(),
    "unique_dim": lambda L, x: L.unique(x, dim=0),
    "unique_consecutive": lambda L, x: L.unique_consecutive(x),
    "quantile": lambda L, x: x.quantile(0.5),
}


def _outcome(lib, fn, arr):
    try:
        fn(lib, lib.tensor(arr))
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, _strip(str(e))
    return "ok", ""


@pytest.mark.parametrize("shape", [(2, 3), (0, 3), (3, 0), ()], ids=str)
@pytest.mark.parametrize("dt", ["bool", "int32", "float32"] + COMPLEX)
@pytest.mark.parametrize("name", sorted(ORDERING))
def test_ordering_kernels_by_dtype(name, dt, shape):
    """Each ordering op accepts or refuses each dtype (and empty/0-d input) exactly as torch."""
    arr = _arr(dt, shape)
    fn = ORDERING[name]
    assert _outcome(numtorch, fn, arr) == _outcome(torch, fn, arr)


def test_sort_complex_message_exact():
    x = np.zeros(3, np.complex64)
    for fn in (lambda L, t: L.sort(t), lambda L, t: L.topk(t, 1)):
        with pytest.raises(RuntimeError) as te:
            fn(torch, torch.tensor(x))
        with pytest.raises(RuntimeError) as ne:
            fn(numtorch, numtorch.tensor(x))
        assert str(ne.value) == str(te.value).split("\nException")[0]


@pytest.mark.parametrize("shape", [(2, 3, 4), (3,), (), (0, 3), (2, 1)], ids=str)
def test_flatten_bad_dims(shape):
    for s in range(-5, 5):
        for e in range(-5, 5):
            for fn in (lambda L, x, s=s, e=e: x.flatten(start_dim=s, end_dim=e),
                       lambda L, x, s=s, e=e: L.flatten(x, s, e)):
                arr = np.zeros(shape, np.float32)
                out_n, out_t = _outcome(numtorch, fn, arr), _outcome(torch, fn, arr)
                assert out_n == out_t, (s, e, out_n, out_t)


@pytest.mark.parametrize("fn", [
    lambda L, x: x.flatten(start_dim=1.5), lambda L, x: x.flatten(0, 5),
    lambda L, x: x.flatten(2, 1), lambda L, x: x.flatten(-4),
    lambda L, x: x.unflatten(1, (2, 2)), lambda L, x: x.unflatten(1, (-1, -1)),
    lambda L, x: x.unflatten(1, (-1, 2)), lambda L, x: x.unflatten(1, ()),
    lambda L, x: x.unflatten(-1, (-1, -2)), lambda L, x: x.unflatten(3, (3,)),
])
def test_flatten_unflatten_errors(fn):
    check_raises(fn, [(2, 3)])


def test_unflatten_errors_0d_and_empty():
    check_raises(lambda L, x: x.unflatten(0, (1,)), arrays=[np.zeros((), np.float32)])
    check_raises(lambda L, x: x.unflatten(1, (-1, 0)), arrays=[np.zeros((2, 0), np.float32)])


@pytest.mark.parametrize("fn", [
    lambda L, x: x.quantile(0.5), lambda L, x: x.nanquantile(0.5),
    lambda L, x: x.int().nanquantile(0.5), lambda L, x: x.nanquantile(2.0),
    lambda L, x: x.quantile(-0.5), lambda L, x: x.nanquantile(0.5, interpolation="x"),
    lambda L, x: x.nanquantile(L.zeros(2, 2)), lambda L, x: x.nanquantile(L.zeros(2).double()),
])
@pytest.mark.parametrize("shape", [(3,), (0,)], ids=str)
def test_quantile_errors(fn, shape):
    """nanquantile reports as quantile(); an empty input is refused before its dtype."""
    arr = np.zeros(shape, np.float32)
    assert _outcome(numtorch, fn, arr) == _outcome(torch, fn, arr)
