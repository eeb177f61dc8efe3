"""Every op of torch's ``op_db`` under ``vmap``: the batched result equals numtorch's own
per-sample results (so each batching rule, and the loop fallback, computes what the op does on
one sample), and the common families batch without the loop.

Each entry's first sample input becomes a batch of three different samples along a new dim 0;
the other arguments are shared (``in_dims=None``). Values against torch live are the business
of ``tests/ops/test_opinfo.py`` (the ops) and ``test_vmap.py`` (vmap against torch.vmap).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch
from numtorch._functorch import rules
from tests.ops.test_opinfo import Converter, _numpy_of, _op_db, entry_id, numtorch_callable

#: entries whose vmap result differs from the per-sample loop, with the reason
KNOWN_DIFFERENT = {
    "native_layer_norm": "mean/rstd outputs are computed from the logical sample, not batched",
    "empty_like": "uninitialised memory",
}
#: entries that raise under vmap (as torch does, or a documented limit)
KNOWN_ERRORS = {
    "as_strided", "as_strided.partial_views", "as_strided_copy",  # layout-dependent
    "resize_", "argwhere",  # data-dependent shapes / storage resize: torch refuses too
    "nn.functional.cosine_similarity",  # data-dependent control flow in numtorch's version
    "rand_like", "randn_like", "normal", "nn.functional.rrelu",  # randomness='error', as torch
    "nn.functional.fractional_max_pool2d", "nn.functional.fractional_max_pool3d",  # the same
    # training with unbatched running statistics: torch's batch norm error
    "nn.functional.batch_norm", "nn.functional.instance_norm", "native_batch_norm",
    # the unbound in-place forms (``Tensor.uniform_(t)``) bypass the batched tensor's methods
    "cauchy", "exponential", "geometric", "log_normal", "normal.in_place", "uniform", "zero_",
}


def _entries():
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for op in _op_db():
            if torch.float32 not in op.dtypes or "sparse" in op.name:
                continue  # sparse inputs or results: vmap does not batch them (as torch)
            try:
                fn = numtorch_callable(op)
                samples = list(op.sample_inputs("cpu", torch.float32, requires_grad=False))
            except Exception:  # noqa: BLE001 - numtorch lacks it, or torch can't make samples
                continue
            for s in samples[:2]:
                if isinstance(s.input, torch.Tensor) and s.input.dim() and s.input.numel():
                    out.append((entry_id(op), fn, s))
                    break
    return out


def _flat(o):
    if isinstance(o, (tuple, list)):
        return [y for x in o for y in _flat(x)]
    return [o]


def _check(fn, sample):
    """None when vmap agrees with the per-sample loop; else what went wrong."""
    conv = Converter(False)
    _, nargs = conv.both(list(sample.args))
    _, nkw = conv.both(dict(sample.kwargs))
    base = _numpy_of(sample.input)
    batch = np.stack([base, base * 0.5 + 0.1, -base]) if base.dtype.kind == "f" else \
        np.stack([base] * 3)
    try:
        refs = [_flat(fn(numtorch.tensor(batch[b]), *nargs, **nkw)) for b in range(3)]
    except Exception:  # noqa: BLE001 - the op itself fails on this sample
        return None
    try:
        out = _flat(numtorch.vmap(lambda t: fn(t, *nargs, **nkw))(numtorch.tensor(batch)))
    except Exception as e:  # noqa: BLE001
        return f"error {type(e).__name__}: {e}"
    for i, o in enumerate(out):
        if isinstance(o, numtorch.Tensor):
            exp = np.stack([r[i].numpy() for r in refs])
            if o.numpy().shape != exp.shape or not np.allclose(o.numpy(), exp, rtol=1e-4,
                                                               atol=1e-5, equal_nan=True):
                return "different"
    return None


def test_opinfo_under_vmap():
    bad, looped, batched = {}, set(), 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fn, sample in _entries():
            rules.LOOPED.clear()
            err = _check(fn, sample)
            if err is None:
                if rules.LOOPED:
                    looped.add(name)
                else:
                    batched += 1
            elif not ((err == "different" and name in KNOWN_DIFFERENT)
                      or (err.startswith("error") and name in KNOWN_ERRORS)):
                bad[name] = err
    assert not bad, "\n".join(f"{k}: {v[:150]}" for k, v in sorted(bad.items()))
    # most entries run through real batching rules, the loop is the exception
    assert batched > 400 and len(looped) < 60, (batched, sorted(looped))


@pytest.mark.parametrize("name", sorted(set(KNOWN_DIFFERENT) | KNOWN_ERRORS))
def test_known_lists_name_real_entries(name):
    assert any(entry_id(op) == name for op in _op_db())
