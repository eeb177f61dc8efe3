"""Every public op records: called on one OpInfo sample under a counting tracer (the hook the
ONNX exporter uses), each op numtorch implements must go through ``Op.apply`` at least once.

A public function that builds its result with ``Tensor._from_array`` bypasses the tracer: the
exporter would freeze that result (computed from the inputs) into a constant. Entries that
legitimately record nothing are listed in ``EXCLUDED`` with the reason.
"""

from __future__ import annotations

import warnings

import pytest

import numtorch
from numtorch._ops import _base

from .test_opinfo import (
    Converter,
    _flat,
    _forward_dtype,
    _op_db,
    _samples,
    entry_id,
    numtorch_callable,
)

#: entries that record nothing by design
EXCLUDED = {
    # results are not Tensors (Python bools, numbers, lists, sizes)
    "equal": "returns a Python bool",
    "allclose": "returns a Python bool",
    "is_nonzero": "returns a Python bool",
    "item": "returns a Python number",
    "tolist": "returns a Python list",
    "__bool__": "returns a Python bool",
    "broadcast_shapes": "returns a torch.Size",
    # on the sample the result *is* the input Tensor, as in PyTorch (the tracer knows it)
    "positive": "returns its input",
    "resolve_conj": "returns its input (no lazy conjugate bit)",
    "resolve_neg": "returns its input (no lazy negative bit)",
    "conj": "real input: returns its input",
    "conj_physical": "real input: returns its input",
    "real": "real input: returns its input",
    "contiguous": "already contiguous: returns its input",
    "float": "already float32: returns its input",
    "atleast_1d": "already 1-d or more: returns its input",
    "atleast_2d": "already 2-d or more: returns its input",
    "atleast_3d": "already 3-d or more: returns its input",
    "cartesian_prod": "one tensor: returns its input",
    "sum_to_size": "already that size: returns its input",
    "nn.functional.dropout": "eval mode / p=0 sample: returns its input",
    "nn.functional.dropout2d": "eval mode / p=0 sample: returns its input",
    "nn.functional.alpha_dropout": "eval mode / p=0 sample: returns its input",
    "nn.functional.feature_alpha_dropout.with_train": "p=0 sample: returns its input",
    "nn.functional.feature_alpha_dropout.without_train": "eval mode: returns its input",
    "masked.prod": "the sample's reduction is the identity: returns its input",
}

class _Counter:
    """A tracer that only counts: runs each op as ``Op.apply`` would without a tracer."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, cls, inputs, params):
        self.calls += 1
        _base._tracer = None
        try:
            return cls.apply(*inputs, **params)
        finally:
            _base._tracer = self


def _implemented(op) -> bool:
    try:
        numtorch_callable(op)
    except AttributeError:
        return False
    return _forward_dtype(op) is not None


def _entries():
    """The OpInfo entries numtorch implements and torch can sample on the CPU (the others are
    test_opinfo's expected failures)."""
    return [pytest.param(op, id=entry_id(op)) for op in _op_db() if _implemented(op)]


def _run(op):
    """(calls recorded, outputs, inputs) of ``op`` on its first sample."""
    nt_fn = numtorch_callable(op)
    samples = _samples(op, _forward_dtype(op), False, 1)
    if not samples:
        pytest.xfail("torch gives no CPU sample for this entry")
    s = samples[0]
    conv = Converter(requires_grad=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            op.op(s.input, *s.args, **s.kwargs)
        _, n_inp = conv.both(s.input)
        _, n_args = conv.both(tuple(s.args))
        _, n_kw = conv.both(dict(s.kwargs))
    except Exception as e:  # noqa: BLE001 - torch itself refuses the sample, or it has no copy
        pytest.xfail(f"sample not runnable: {type(e).__name__}")
    counter = _Counter()
    _base._tracer = counter
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = nt_fn(n_inp, *n_args, **n_kw)
    except Exception as e:  # noqa: BLE001 - numtorch's failures are test_opinfo's business
        pytest.xfail(f"numtorch raises on the sample ({type(e).__name__}): listed in "
                     "tests/ops/opinfo_xfail.txt")
    finally:
        _base._tracer = None
    return counter.calls, _flat(out), _flat([n_inp, list(n_args), list(n_kw.values())])


@pytest.mark.parametrize("op", _entries())
def test_public_op_records(op):
    name = entry_id(op)
    calls, outs, ins = _run(op)
    if calls or name in EXCLUDED:
        return
    kinds = sorted({type(o).__name__ if not (isinstance(o, numtorch.Tensor) and
                                              any(o is x for x in ins)) else "its input"
                    for o in outs})
    raise AssertionError(f"{name} recorded no Op.apply call (it returned {kinds}); a Tensor "
                         "computed without Op.apply is frozen into a constant by the exporter")
