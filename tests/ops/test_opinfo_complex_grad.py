"""Complex gradients through torch's ``op_db``: every entry torch differentiates in
complex128 on the CPU, with PyTorch's convention (the conjugate-transposed Jacobian times the
upstream gradient), compared with torch's on its own samples.

Entries the float32 sweep (tests/ops/test_opinfo.py) lists as unsupported are not collected.
The entries below are known differences, each with its reason.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.ops import test_opinfo as H

KNOWN = {
    "logaddexp": "complex logaddexp's gradient at a sample where torch's formula differs",
    "lu": "LU pivots among equal-magnitude complex pivots differ from LAPACK's zgetrf order",
    "linalg.lu_factor": "LU pivots among equal-magnitude complex pivots differ",
    "nn.functional.rms_norm": "numtorch's rms_norm kernel refuses complex inputs",
    "svd": "the SVD backward mixes the real singular values into complex products",
    "linalg.svd": "the SVD backward mixes the real singular values into complex products",
    "linalg.svdvals": "the SVD backward mixes the real singular values into complex products",
    "norm.nuc": "nuclear norm goes through the SVD backward",
    "linalg.cond": "condition number goes through the SVD backward",
    "logdet": "complex logdet's gradient lacks torch's conjugation",
    "linalg.slogdet": "complex slogdet's gradient lacks torch's conjugation",
}


def _entries():
    skip = H.load_xfail()
    out = []
    for op in H._op_db():
        name = H.entry_id(op)
        if (name in skip or not op.supports_autograd
                or torch.complex128 not in op.supported_backward_dtypes("cpu")):
            continue
        marks = [pytest.mark.xfail(reason=KNOWN[name], strict=False)] if name in KNOWN else []
        out.append(pytest.param(op, id=name, marks=marks))
    return out


@pytest.mark.parametrize("op", _entries())
def test_complex_gradients(op):
    nt_fn = H.numtorch_callable(op)
    rng = np.random.default_rng(0)
    for s in H._samples(op, torch.complex128, True, 2):
        try:
            H.run_sample(op, nt_fn, s, True, rng)
        except H.NotComparable:
            continue
