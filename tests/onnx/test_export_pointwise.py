"""numtorch.onnx.export of comparisons, logic, bitwise ops and elementwise tests: they record
(and lower) like every op, so a mask computed from the inputs is part of the graph, never a
constant frozen at its traced value; an op without a lowering fails the export."""

import io
import warnings

import numpy as np
import pytest
import torch

import numtorch as nt
from numtorch import nn

from .test_export import check, export, run, torch_export

EXTRA = "needs the onnx extra: pip install numtorch[onnx]"
onnx = pytest.importorskip("onnx", reason=EXTRA)
ort = pytest.importorskip("onnxruntime", reason=EXTRA)


def test_where_on_a_mask_of_the_input_matches_torch():
    class Ours(nn.Module):
        def forward(self, x):
            return nt.where(x > 0, x, x * 2)

    class Theirs(torch.nn.Module):
        def forward(self, x):
            return torch.where(x > 0, x, x * 2)

    traced_at = [1.0, 2.0, 3.0]   # all positive: a frozen mask would pass x through
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "exported as a constant" warning either
        proto = export(Ours(), nt.tensor(traced_at), input_names=["x"])
    assert {"Greater", "Where"} <= {n.op_type for n in proto.graph.node}
    theirs = torch_export(Theirs(), torch.tensor(traced_at), input_names=["x"])
    x = np.array([-3.0, 4.0, -5.0], np.float32)
    (got,) = run(proto, {"x": x})
    (want,) = run(theirs, {"x": x})
    np.testing.assert_array_equal(got, [-6.0, 4.0, -10.0])
    np.testing.assert_array_equal(got, want)
    eager = Theirs()(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(got, eager)


class Logic(nn.Module):
    def forward(self, x, y, i, j):
        m = (x > y) | (x <= 0.5)
        return (x == y, x != y, x < y, x >= y, x > 0.25, 1.0 < x, m, m & (y > 0), m ^ (x < 0),
                ~m, m.logical_and(y >= x), nt.logical_or(x > 0, y > 0),
                nt.logical_xor(m, x > 1), nt.logical_not(m), x.isnan(), (x / 0).isinf(),
                (y / 0).isposinf(), (y / 0).isneginf(), (x / y).isfinite(), i.isnan(),
                i.isfinite(), i == j, i < 3, i & j, i | j, i ^ j, ~i,
                nt.where(m, x, y), nt.where(i > j, i, j))


@pytest.mark.parametrize("opset", [18, 20])
def test_comparison_logical_bitwise_and_tests_lower(opset):
    nt.manual_seed(3)
    x = nt.randn(3, 4)
    y = nt.randn(3, 4)
    x[0, 0] = float("nan")
    y[1, 1] = 0.0
    i = nt.randint(-5, 5, (3, 4))
    j = nt.randint(-5, 5, (3, 4))
    xs = (x, y, i, j)
    more = ((nt.randn(3, 4), nt.randn(3, 4), nt.randint(-5, 5, (3, 4)),
             nt.randint(-5, 5, (3, 4))),)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proto = check(Logic(), *xs, opset=opset, more=more)
    ops = {n.op_type for n in proto.graph.node}
    assert {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or",
            "Xor", "IsNaN", "IsInf", "Where", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
            "BitwiseNot"} <= ops


def test_integer_bitwise_ops_need_opset_18():
    class Model(nn.Module):
        def forward(self, i):
            return i & 3

    with pytest.raises(nt.onnx.errors.UnsupportedOperatorError, match="opset 18"):
        nt.onnx.export(Model(), nt.tensor([1, 2, 3]), io.BytesIO(), opset_version=17)


def test_a_traced_op_without_lowering_fails_naming_it():
    class Model(nn.Module):
        def forward(self, x):
            return x.signbit() & (x.cumprod(0) > 0)

    with pytest.raises(nt.onnx.errors.UnsupportedOperatorError,
                       match=r"'Signbit \(SignbitBackward0\)'.*no ONNX lowering for 'Signbit'"):
        nt.onnx.export(Model(), nt.randn(4), io.BytesIO())
    assert issubclass(nt.onnx.errors.UnsupportedOperatorError, nt.onnx.OnnxExporterError)
    assert issubclass(nt.onnx.OnnxExporterError, RuntimeError)


def test_ops_on_constants_still_fold():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(nt.tensor([1.0, -2.0, 3.0]))

        def forward(self, x):
            # no lowering for signbit/cumprod, but their inputs are weights only: folded
            mask = self.w.signbit() | (self.w.cumprod(0) > 1)
            return nt.where(mask, x, -x)

    x = nt.tensor([1.0, 2.0, 3.0])
    proto = export(Model(), x, input_names=["x"])
    (got,) = run(proto, {"x": np.array([5.0, 6.0, 7.0], np.float32)})
    np.testing.assert_array_equal(got, [-5.0, 6.0, -7.0])


def test_where_with_a_uint8_mask_input():
    class Model(nn.Module):
        def forward(self, x, c):
            return nt.where(c, x, -x)

    x = nt.tensor([1.0, 2.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proto = export(Model(), (x, nt.tensor([1, 0, 1], dtype=nt.uint8)), input_names=["x", "c"])
    (got,) = run(proto, {"x": x.numpy(), "c": np.array([0, 1, 0], np.uint8)})
    np.testing.assert_array_equal(got, [-1.0, 2.0, -3.0])
