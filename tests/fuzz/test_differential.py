"""Differential fuzzing against torch: hypothesis draws arguments, both libraries run them.

For every function in :data:`specs.SPECS` (pointwise, reductions, shape ops, indexing, linalg,
creation, nn.functional activations and losses) hypothesis draws valid and invalid arguments:
shapes with empty and 0-d cases, bool/int/float/complex dtypes, NaN/inf, out-of-range dims and
indices, negative sizes, wrong kinds (lists, None, strings). The outcomes must agree:

* both return: same types, shapes, dtypes and values (tolerance per dtype, or the spec's);
* both raise: the same builtin exception type; for the pointwise family (whose argument checks
  follow torch's text) the same message too, less torch's C++ location tails;
* numtorch emits no NumPy RuntimeWarning (overflow/invalid/divide) where torch is silent.

A case that differs and is covered by an entry of :data:`KNOWN` passes; a case an entry covers
that agrees with torch fails, telling to remove the entry (the list only shrinks).

Runs:

* default suite: a fixed-seed slice (``derandomize=True``), ``NUMTORCH_FUZZ_EXAMPLES`` (default
  4) examples per function;
* long run: ``NUMTORCH_FUZZ_EXAMPLES=2000 PYTHONPATH=src python -m pytest -p no:cacheprovider
  -m fuzz_long tests/fuzz`` (the ``fuzz_long`` test draws fresh random cases, seeded by
  ``NUMTORCH_FUZZ_SEED`` when set).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import numtorch
from numtorch._ops.pointwise import _common as pointwise_common
from tests.fuzz.specs import SPECS, Arr
from tests.oracle import _flatten, _same_exc_type, _strip, assert_same_value

EXAMPLES = int(os.environ.get("NUMTORCH_FUZZ_EXAMPLES", "4"))
_SPECS = {f"{s.family}:{s.name}:{i}": s for i, s in enumerate(SPECS)}


# -- known differences (other families' files; each with its reason) -------------------------
@dataclass
class Known:
    """Cases of ``spec`` where numtorch differs from torch, selected by ``when(args, kw)``."""

    spec: str
    reason: str
    when: object = None

    def covers(self, spec, args, kwargs) -> bool:
        return spec.name == self.spec and (self.when is None or self.when(args, kwargs))


def _arr(x):
    return x.a if isinstance(x, Arr) else None


def _is(x, *dtypes):
    a = _arr(x)
    return a is not None and str(a.dtype) in dtypes


KNOWN: list[Known] = []


# -- running one case ----------------------------------------------------------------------
def _to(lib, x):
    if isinstance(x, Arr):
        return lib.tensor(x.a)
    if isinstance(x, list) and x and all(isinstance(e, Arr) for e in x):
        return [lib.tensor(e.a) for e in x]
    return x


def _run(lib, spec, args, kwargs):
    """``(result, exception, numpy_warnings)`` of one call."""
    a = [_to(lib, x) for x in args]
    kw = {k: _to(lib, v) for k, v in kwargs.items()}
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always", RuntimeWarning)
        if lib is numtorch:  # the filter an ordinary import installs (see silence_fp_warnings)
            warnings.filterwarnings("ignore", pointwise_common._FP_WARNING[0], RuntimeWarning,
                                    pointwise_common._FP_WARNING[1])
        try:
            out, exc = spec.run(lib, a, kw), None
        except Exception as e:  # noqa: BLE001 - torch's behaviour is the spec
            out, exc = None, e
    fp = [str(w.message) for w in log if issubclass(w.category, RuntimeWarning)
          and "encountered" in str(w.message)]
    return out, exc, fp


def _difference(spec, args, kwargs) -> str | None:
    """None when numtorch agrees with torch on this case, else what differs."""
    t_out, t_exc, _ = _run(torch, spec, args, kwargs)
    n_out, n_exc, n_warn = _run(numtorch, spec, args, kwargs)
    if n_warn and t_exc is None:
        return f"NumPy warning(s) {n_warn}"
    if t_exc is not None:
        if n_exc is None:
            return f"torch raised {type(t_exc).__name__}: {t_exc}; numtorch returned"
        if not _same_exc_type(n_exc, t_exc):
            return (f"numtorch raised {type(n_exc).__name__}: {n_exc}; torch "
                    f"{type(t_exc).__name__}: {t_exc}")
        if spec.message and _strip(str(n_exc)) != _strip(str(t_exc)):
            return f"message {str(n_exc)!r} != torch {_strip(str(t_exc))!r}"
        return None
    if n_exc is not None:
        return f"numtorch raised {type(n_exc).__name__}: {n_exc}; torch returned"
    tf, nf = _flatten(t_out), _flatten(n_out)
    if len(tf) != len(nf):
        return f"{len(nf)} outputs, torch {len(tf)}"
    try:
        for k, (o, r) in enumerate(zip(nf, tf)):
            assert_same_value(o, r, spec.rtol, spec.atol, what=f"output {k}")
    except AssertionError as e:
        return f"value: {e}"
    return None


def _check(spec, data):
    args, kwargs = spec.draw(data)
    diff = _difference(spec, args, kwargs)
    known = [k for k in KNOWN if k.covers(spec, args, kwargs)]
    case = f"{spec.name}(*{args!r}, **{kwargs!r})"
    if known and diff is None:
        pytest.fail(f"{case} now matches torch: remove the known difference "
                    f"{known[0].reason!r}")
    if diff is not None and not known:
        pytest.fail(f"{case}: {diff}")


_SETTINGS = dict(deadline=None, database=None, print_blob=False,
                 suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("key", list(_SPECS))
@settings(derandomize=True, max_examples=EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_fuzz(key, data):
    _check(_SPECS[key], data)


_LONG = "NUMTORCH_FUZZ_EXAMPLES" in os.environ
_seeded = seed(int(os.environ["NUMTORCH_FUZZ_SEED"])) if "NUMTORCH_FUZZ_SEED" in os.environ \
    else (lambda f: f)


@pytest.mark.fuzz_long
@pytest.mark.skipif(not _LONG, reason="the long run: set NUMTORCH_FUZZ_EXAMPLES")
@pytest.mark.parametrize("key", list(_SPECS))
@_seeded
@settings(max_examples=EXAMPLES, **_SETTINGS)
@given(data=st.data())
def test_fuzz_long(key, data):
    _check(_SPECS[key], data)


def test_enough_functions():
    assert len({s.name for s in SPECS}) >= 100


def test_known_entries_name_specs():
    names = {s.name for s in SPECS}
    for k in KNOWN:
        assert k.spec in names, k
        assert k.reason


def test_numpy_scalars_stay_numbers():
    """A NumPy scalar is a Number for pointwise ops (no ``_category`` AttributeError)."""
    x = numtorch.ones(2)
    assert numtorch.add(x, np.float64(2)).tolist() == [3.0, 3.0]
