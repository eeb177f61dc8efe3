"""Differential fuzzing against torch: hypothesis draws arguments, both libraries run them.

For every function in :data:`specs.SPECS` (pointwise, reductions, shape ops, indexing, linalg,
creation, nn.functional activations and losses) hypothesis draws valid and invalid arguments:
shapes with empty and 0-d cases, bool/int/float/complex dtypes, NaN/inf, out-of-range dims and
indices, negative sizes, wrong kinds (lists, None, strings). The outcomes must agree:

* both return: same types, shapes, dtypes and values (tolerance per dtype, or the spec's);
* both raise: the same builtin exception type; for the pointwise family (whose argument checks
  follow torch's text) the same message too, less torch's C++ location tails;
* numtorch emits no NumPy RuntimeWarning (overflow/invalid/divide) where torch is silent.

A case that differs passes only when an entry of :data:`KNOWN` (a difference in another
family's files, with its reason) covers it and matches its difference. An entry that covered
its threshold of cases in one run (20 by default, more for rare triggers) without absorbing a
single difference is stale: the test fails, telling to remove it (the list only shrinks). The
thresholds make staleness a judgement of long runs; the default slice seldom reaches them.

Runs:

* default suite: a fixed-seed slice (``derandomize=True``), ``NUMTORCH_FUZZ_EXAMPLES`` (default
  25) examples per function (about 10 s here);
* long run: ``NUMTORCH_FUZZ_EXAMPLES=2000 python -m pytest -p no:cacheprovider -m fuzz_long
  tests/fuzz`` (the ``fuzz_long`` test, deselected by default, draws fresh random cases,
  seeded by ``NUMTORCH_FUZZ_SEED`` when set).
"""

from __future__ import annotations

import os
import re
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

EXAMPLES = int(os.environ.get("NUMTORCH_FUZZ_EXAMPLES", "25"))
_SPECS = {f"{s.family}:{s.name}:{i}": s for i, s in enumerate(SPECS)}


# -- known differences (other families' files; each with its reason) -------------------------
@dataclass
class Known:
    """A difference in a file this fuzzer's owner does not own, kept until its owner fixes it.

    It covers a case of ``spec`` when ``when(args, kwargs)`` holds (always, without ``when``),
    and absorbs that case's difference when it matches the regex ``diff``. An entry that covered
    ``min_seen`` cases in one run without absorbing any is stale: the test fails, asking to
    remove it (default 20 with ``when``, 500 without: ``when`` is a cheap approximation of the
    trigger, so a long run judges staleness, the default slice seldom does)."""

    spec: str
    reason: str
    diff: str = "."
    when: object = None
    min_seen: int | None = None

    def covers(self, spec, args, kwargs) -> bool:
        return spec.name == self.spec and (self.when is None or bool(self.when(args, kwargs)))

    def absorbs(self, difference: str) -> bool:
        return re.search(self.diff, difference, re.S) is not None

    @property
    def threshold(self) -> int:
        return self.min_seen or (20 if self.when is not None else 500)


def _arr(x):
    return x.a if isinstance(x, Arr) else None


def _dtype(i, *kinds):
    """Argument ``i`` is an array of one of the NumPy dtype kinds ``kinds`` ("c", "iub"...)."""
    return lambda args, kw: _arr(args[i]) is not None and _arr(args[i]).dtype.kind in "".join(kinds)


def _nonfinite(args, kwargs):
    return any(_arr(x) is not None and _arr(x).dtype.kind in "fc"
               and not np.isfinite(_arr(x)).all() for x in args)


def _repeated_dims(args) -> bool:
    dims, n = args[1], max(args[0].a.ndim, 1)
    if not isinstance(dims, tuple):
        return False
    inside = [d % n for d in dims if isinstance(d, int) and -n <= d < n]
    return len(set(inside)) < len(inside) and len(inside) < len(dims)


KNOWN: list[Known] = [
    # reductions
    *[Known(n, "complex inputs with inf/NaN (or logsumexp's complex branch): other values",
            r"^value", lambda a, k, n=n: _dtype(0, "c")(a, k)
            and (n == "logsumexp" or _nonfinite(a, k)),
            min_seen=100) for n in ("sum",)],
    # shape
    Known("expand", "a 0-d tensor expanded to sizes with a 0 and a negative size: torch "
          "returns a tensor with a negative size, numtorch raises torch's numel error",
          r"torch returned",
          lambda a, k: isinstance(a[1], tuple) and a[0].a.ndim == 0 and 0 in a[1]
          and any(isinstance(d, int) and d < 0 for d in a[1])),
]


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


#: per known entry (by id) in the current spec's run: [cases covered, differences absorbed]
_TALLY: dict = {}


def _check(spec, data):
    args, kwargs = spec.draw(data)
    diff = _difference(spec, args, kwargs)
    case = f"{spec.name}(*{args!r}, **{kwargs!r})"
    absorbed = False
    for k in KNOWN:
        if k.covers(spec, args, kwargs):
            tally = _TALLY.setdefault(id(k), [0, 0])
            tally[0] += 1
            if diff is not None and not absorbed and k.absorbs(diff):
                tally[1] += 1
                absorbed = True
    if diff is not None and not absorbed:
        pytest.fail(f"{case}: {diff}")


def _run_spec(key, body) -> None:
    """Run the hypothesis ``body`` for one spec, then fail on stale known entries."""
    _TALLY.clear()
    body()
    spec = _SPECS[key]
    for k in KNOWN:
        seen, hits = _TALLY.get(id(k), (0, 0))
        if k.spec == spec.name and seen >= k.threshold and hits == 0:
            pytest.fail(f"known difference of {k.spec} ({k.reason!r}, diff {k.diff!r}) covered "
                        f"{seen} cases and none differed: it now matches torch, remove it")


_SETTINGS = dict(deadline=None, database=None, print_blob=False,
                 suppress_health_check=list(HealthCheck))


def _body(key, **settings_kw):
    @settings(**settings_kw, **_SETTINGS)
    @given(data=st.data())
    def body(data):
        _check(_SPECS[key], data)
    return body


@pytest.mark.parametrize("key", list(_SPECS))
def test_fuzz(key):
    _run_spec(key, _body(key, derandomize=True, max_examples=EXAMPLES))


@pytest.mark.fuzz_long  # deselected by default (pyproject's addopts): run with -m fuzz_long
@pytest.mark.parametrize("key", list(_SPECS))
def test_fuzz_long(key):
    body = _body(key, max_examples=EXAMPLES)
    if "NUMTORCH_FUZZ_SEED" in os.environ:
        body = seed(int(os.environ["NUMTORCH_FUZZ_SEED"]))(body)
    _run_spec(key, body)


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
