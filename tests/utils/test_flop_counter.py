"""``FlopCounterMode`` against torch's: totals and per-module, per-op counts of matrix products
and convolutions in the same model with the same weights."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode as TorchCounter

import numtorch
from numtorch.utils.flop_counter import FlopCounterMode
from tests.oracle import copy_weights


def _model(lib):
    nn = lib.nn

    class Top(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 6), nn.Sequential(nn.Conv1d(6, 3, 2)))
            self.head = nn.ConvTranspose2d(3, 2, 3, stride=2)

        def forward(me, x):  # a first argument not named ``self`` is found too
            y = me.body[1](me.body[0](x).unsqueeze(-1).expand(-1, -1, 3))
            z = me.head(y.unsqueeze(-1))
            return z.flatten(1) @ lib.ones(z[0].numel(), 2) + (x[:, :2] @ lib.ones(2, 2))

    return Top()


def _counts(counter):
    return {k: {str(op): n for op, n in v.items()} for k, v in counter.get_flop_counts().items()}


def test_counts_like_torch():
    theirs_model, ours_model = _model(torch), _model(numtorch)
    copy_weights(theirs_model, ours_model)
    x = torch.randn(5, 4)
    with TorchCounter(display=False) as theirs:
        expected = theirs_model(x)
    with FlopCounterMode(display=False) as ours:
        got = ours_model(numtorch.tensor(x.numpy()))
    assert got.shape == expected.shape
    assert ours.get_total_flops() == theirs.get_total_flops() > 0
    assert _counts(ours) == _counts(theirs)


# (baddbmm is left out: numtorch.baddbmm also runs a bmm for its argument checks)
@pytest.mark.parametrize("case", ["mm", "bmm", "addmm", "conv_t"])
def test_functions_like_torch(case):
    def run(lib):
        g = lib.Generator().manual_seed(0)
        a, b = lib.randn(2, 3, 4, generator=g), lib.randn(2, 4, 5, generator=g)
        if case == "mm":
            return a[0] @ b[0]
        if case == "bmm":
            return lib.bmm(a, b)
        if case == "addmm":
            return lib.addmm(lib.zeros(3, 5), a[0], b[0])
        if case == "baddbmm":
            return lib.baddbmm(lib.zeros(2, 3, 5), a, b)
        return lib.nn.functional.conv_transpose2d(lib.randn(1, 2, 5, 5, generator=g),
                                                  lib.randn(2, 3, 3, 3, generator=g),
                                                  stride=2, groups=1)

    with TorchCounter(display=False) as theirs:
        run(torch)
    with FlopCounterMode(display=False) as ours:
        run(numtorch)
    assert _counts(ours) == _counts(theirs)


def test_nesting_display_and_reset(capsys):
    lin = numtorch.nn.Linear(3, 2)
    with FlopCounterMode(display=False) as outer:
        with FlopCounterMode(depth=1) as inner:
            lin(numtorch.ones(4, 3))
        lin(numtorch.ones(4, 3))
    assert inner.get_total_flops() == 48 and outer.get_total_flops() == 96
    table = capsys.readouterr().out
    assert "Global" in table and "aten.addmm" in table and "Linear" in table
    with outer:
        pass
    assert outer.get_total_flops() == 0
    from numtorch._ops import _base

    assert _base._tracer is None
