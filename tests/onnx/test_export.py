"""numtorch.onnx.export: every exported model passes onnx.checker and runs in onnxruntime with
numtorch's outputs (1e-5); names, shapes and dynamic axes match torch.onnx's TorchScript
exporter on the same model."""

import io
import warnings

import numpy as np
import pytest
import torch

import numtorch as nt
from numtorch import nn
from numtorch.nn import functional as F

EXTRA = "needs the onnx extra: pip install numtorch[onnx]"
onnx = pytest.importorskip("onnx", reason=EXTRA)
ort = pytest.importorskip("onnxruntime", reason=EXTRA)


# -- helpers ----------------------------------------------------------------------------------
def export(model, args, **kw):
    buf = io.BytesIO()
    nt.onnx.export(model, args, buf, **kw)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    return proto


def run(proto, feeds):
    sess = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def check(model, *xs, opset=None, more=(), **kw):
    """Export ``model`` at ``xs``, run it in onnxruntime at ``xs`` and at each input tuple of
    ``more`` (other sizes along dynamic axes) and compare with numtorch's outputs."""
    names = [f"x{i}" for i in range(len(xs))]
    proto = export(model, tuple(xs), input_names=names, opset_version=opset, **kw)
    assert proto.opset_import[0].version == (opset or 20)
    for inputs in (xs,) + tuple(more):
        got = run(proto, {n: x.numpy() for n, x in zip(names, inputs)})
        with nt.no_grad():
            exp = model(*inputs)
        exp = list(exp) if isinstance(exp, (tuple, list)) else [exp]
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            assert g.dtype == e.numpy().dtype and g.shape == tuple(e.shape)
            np.testing.assert_allclose(g, e.numpy(), rtol=1e-5, atol=1e-5)
    return proto


def torch_export(model, args, **kw):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, buf, dynamo=False, **kw)
    return onnx.load_from_string(buf.getvalue())


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def copy_weights(src, dst):
    """Load a numtorch model's state into the same torch model."""
    dst.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                         for k, v in src.state_dict().items()})
    return dst


def seed_mlp(lib):
    class NeuralNetwork(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = lib.nn.Flatten()
            self.linear_relu_stack = lib.nn.Sequential(
                lib.nn.Linear(28 * 28, 512), lib.nn.ReLU(), lib.nn.Linear(512, 512),
                lib.nn.ReLU(), lib.nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetwork()


def with_stats(model, *shape):
    """Give the batch norms non-trivial running statistics, then switch to eval."""
    model.train()
    with nt.no_grad():
        for _ in range(2):
            model(nt.randn(*shape) * 2 + 0.5)
    return model.eval()


# -- the seed's model -------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:No names were found")
def test_seed_mlp_matches_torch_graph():
    nt.manual_seed(0)
    model = seed_mlp(nt)
    x = nt.randn(3, 1, 28, 28)
    axes = {"input": {0: "batch"}, "logits": [0]}
    proto = export(model, (x,), input_names=["input"], output_names=["logits"],
                   dynamic_axes=axes)
    for n in (3, 1, 7):
        xb = nt.randn(n, 1, 28, 28)
        got, = run(proto, {"input": xb.numpy()})
        np.testing.assert_allclose(got, model(xb).detach().numpy(), rtol=1e-5, atol=1e-5)
    ref = torch_export(copy_weights(model, seed_mlp(torch)), (torch.from_numpy(x.numpy()),),
                       input_names=["input"], output_names=["logits"], dynamic_axes=axes)
    assert [n.op_type for n in proto.graph.node] == [n.op_type for n in ref.graph.node]
    assert [n.name for n in proto.graph.node] == [n.name for n in ref.graph.node]
    assert [i.name for i in proto.graph.initializer] == [i.name for i in ref.graph.initializer]
    for ours, theirs in zip(proto.graph.initializer, ref.graph.initializer):
        np.testing.assert_array_equal(onnx.numpy_helper.to_array(ours),
                                      onnx.numpy_helper.to_array(theirs))
    for part in ("input", "output"):
        ours, theirs = getattr(proto.graph, part), getattr(ref.graph, part)
        assert [v.name for v in ours] == [v.name for v in theirs]
        assert [dims(v) for v in ours] == [dims(v) for v in theirs]
        assert [v.type.tensor_type.elem_type for v in ours] == \
            [v.type.tensor_type.elem_type for v in theirs]


def test_seed_mlp_static_shapes_and_file_targets(tmp_path):
    nt.manual_seed(1)
    model = seed_mlp(nt)
    x = nt.randn(2, 1, 28, 28)
    path = tmp_path / "mlp.onnx"
    assert nt.onnx.export(model, x, str(path)) is None
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    assert [dims(v) for v in proto.graph.input] == [[2, 1, 28, 28]]
    assert [dims(v) for v in proto.graph.output] == [[2, 10]]
    assert proto.graph.input[0].name == "x"          # the forward's argument name
    with open(tmp_path / "mlp2.onnx", "wb") as fh:
        nt.onnx.export(model, (x,), fh)
    assert onnx.load(str(tmp_path / "mlp2.onnx")).graph == proto.graph
    returned = nt.onnx.export(model, (x,))
    assert returned.graph == proto.graph
    got, = run(proto, {"x": x.numpy()})
    np.testing.assert_allclose(got, model(x).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_dynamic_axes_list_names_and_bad_key_warning_match_torch():
    nt.manual_seed(2)
    model = seed_mlp(nt)
    x = nt.randn(2, 1, 28, 28)
    axes = {"inp": [0, 2], "out": [0], "nope": [1]}
    with warnings.catch_warnings(record=True) as ours_w:
        warnings.simplefilter("always")
        proto = export(model, (x,), input_names=["inp"], output_names=["out"],
                       dynamic_axes=axes)
    with warnings.catch_warnings(record=True) as torch_w:
        warnings.simplefilter("always")
        torch.onnx.export(copy_weights(model, seed_mlp(torch)), (torch.from_numpy(x.numpy()),),
                          io.BytesIO(), dynamo=False, input_names=["inp"],
                          output_names=["out"], dynamic_axes=axes)
    ref = torch_export(copy_weights(model, seed_mlp(torch)), (torch.from_numpy(x.numpy()),),
                       input_names=["inp"], output_names=["out"], dynamic_axes=axes)
    assert [dims(v) for v in proto.graph.input] == [dims(v) for v in ref.graph.input]
    assert [dims(v) for v in proto.graph.output] == [dims(v) for v in ref.graph.output]
    torch_msgs = [str(w.message) for w in torch_w if "dynamic axes" in str(w.message)]
    our_msgs = [str(w.message) for w in ours_w if "dynamic axes" in str(w.message)]
    assert len(torch_msgs) == 4 and our_msgs == torch_msgs


# -- CNNs -------------------------------------------------------------------------------------
class Block(nn.Module):
    """ResNet's basic block: in-place ReLU, residual ``+=``, strided downsample."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


def small_resnet():
    return nn.Sequential(
        nn.Conv2d(3, 8, 7, 2, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 2, 1), Block(8, 8, 1), Block(8, 16, 2),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(16, 5))


def small_vgg():
    layers, c = [], 3
    for v in (8, "M", 16, 16, "M"):
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
            c = v
    return nn.Sequential(
        nn.Sequential(*layers), nn.AdaptiveAvgPool2d((7, 7)), nn.Flatten(),
        nn.Sequential(nn.Linear(16 * 49, 32), nn.ReLU(True), nn.Dropout(), nn.Linear(32, 32),
                      nn.ReLU(True), nn.Dropout(), nn.Linear(32, 10)))


@pytest.mark.parametrize("opset", [13, 17, 20])
def test_cnn_conv_pool_batchnorm_dropout(opset):
    nt.manual_seed(3)
    model = nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(inplace=True),
        nn.MaxPool2d(2), nn.Conv2d(6, 6, 3, stride=2, padding=1, groups=3, dilation=1),
        nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False), nn.Dropout2d(0.3),
        nn.Conv2d(6, 4, 1), nn.AdaptiveAvgPool2d((3, 2)), nn.Flatten(), nn.Dropout(0.5),
        nn.Linear(24, 7), nn.Softmax(dim=1))
    with_stats(model, 4, 3, 15, 15)
    model.train()
    proto = export(model, (nt.randn(2, 3, 15, 15),), input_names=["x"], opset_version=opset,
                   dynamic_axes={"x": {0: "n"}})
    assert model.training and all(m.training for m in model.modules())
    model.eval()
    for n in (2, 5):
        x = nt.randn(n, 3, 15, 15)
        got, = run(proto, {"x": x.numpy()})
        np.testing.assert_allclose(got, model(x).detach().numpy(), rtol=1e-5, atol=1e-5)
    ops = {n.op_type for n in proto.graph.node}
    assert {"Conv", "BatchNormalization", "MaxPool", "AveragePool", "Gemm", "Softmax"} <= ops
    assert "Dropout" not in ops


def test_pooling_variants():
    nt.manual_seed(4)

    class Pools(nn.Module):
        def forward(self, x):
            return (F.max_pool2d(x, 3, 2, 1, ceil_mode=True), F.max_pool2d(x, 2, dilation=2),
                    F.avg_pool2d(x, 3, 2, 1), F.avg_pool2d(x, 3, 2, 1, ceil_mode=True),
                    F.avg_pool2d(x, 2, divisor_override=3), F.adaptive_avg_pool2d(x, (4, 3)),
                    F.adaptive_max_pool2d(x, 2), F.adaptive_avg_pool2d(x, 1),
                    F.avg_pool2d(x[0], 2), F.max_pool1d(x[:, 0], 2), F.avg_pool1d(x[:, 0], 3))

    check(Pools(), nt.randn(2, 3, 9, 8))


@pytest.mark.filterwarnings("ignore:No names were found")
def test_small_resnet_inplace_residual():
    nt.manual_seed(5)
    model = with_stats(small_resnet(), 4, 3, 32, 32)
    proto = check(model, nt.randn(2, 3, 32, 32), dynamic_axes={"x0": [0]},
                  more=[(nt.randn(3, 3, 32, 32),)])
    names = {i.name for i in proto.graph.initializer}
    assert {"0.weight", "1.running_mean", "4.conv1.weight", "5.downsample.1.running_var",
            "8.weight"} <= names
    assert not any("num_batches_tracked" in n for n in names)


def test_small_vgg_adaptive_pool_upsamples():
    nt.manual_seed(6)
    check(small_vgg().eval(), nt.randn(1, 3, 8, 8))


def _vision_model(name):
    models = pytest.importorskip("numtorch.vision.models",
                                 reason="numtorch.vision.models is not written yet")
    if not hasattr(models, name):
        pytest.skip(f"numtorch.vision.models.{name} is not written yet")
    return getattr(models, name)


@pytest.mark.parametrize("name, shape", [("resnet18", (1, 3, 32, 32)),
                                         ("mobilenet_v2", (1, 3, 32, 32)),
                                         ("lenet5", (2, 1, 32, 32))])
def test_vision_models(name, shape):
    nt.manual_seed(7)
    model = with_stats(_vision_model(name)(num_classes=10), 2, *shape[1:])
    check(model, nt.randn(*shape), dynamic_axes={"x0": {0: "batch"}},
          more=[(nt.randn(3, *shape[1:]),)])


@pytest.mark.slow  # VGG16's 138M weights take ~15 s to initialise and ~5 s to export
def test_vgg16():
    nt.manual_seed(8)
    model = _vision_model("vgg16")(num_classes=10).eval()
    check(model, nt.randn(1, 3, 32, 32))


# -- ops --------------------------------------------------------------------------------------
class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.prelu = nn.PReLU()

    def forward(self, x):
        outs = [F.relu(x), F.gelu(x), F.gelu(x, approximate="tanh"), F.silu(x), F.elu(x, 0.7),
                F.selu(x), F.celu(x, 2.0), F.leaky_relu(x, 0.2), F.softplus(x),
                F.softplus(x, 2.0, 1.0), F.hardswish(x), F.hardsigmoid(x), F.relu6(x * 4),
                F.hardtanh(x, -0.5, 0.5), F.mish(x), F.logsigmoid(x), F.threshold(x, 0.1, -2.0),
                F.softshrink(x), F.hardshrink(x), F.glu(x, 1), x.sigmoid(), x.tanh(),
                F.softmax(x, 0), F.log_softmax(x, -1), self.prelu(x)]
        return tuple(outs)


@pytest.mark.parametrize("opset", [13, 20])
def test_activations(opset):
    nt.manual_seed(9)
    check(Activations(), nt.randn(3, 6) * 3, opset=opset)


class Arithmetic(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(nt.randn(6, 4))
        self.register_buffer("offset", nt.randn(4))

    def forward(self, x, y):
        a = x * 2 + 1 - y / 3
        b = 2 - a
        c = (x ** 2).sqrt() + x.exp().log() + x.abs().rsqrt() + x.pow(3) + (x + 5).log2()
        d = nt.maximum(x, y).clamp(-0.5, 0.5) + y.clamp_min(0) + y.clamp(max=0.2) + x.neg()
        e = x.matmul(self.w) + self.offset + x @ self.w.t().t()
        f = x.sin() * x.cos() + x.reciprocal().floor()
        return a, b, c, d, e, f, x.add(y, alpha=2), x.sub(y, alpha=0.5), x.cumsum(1)


@pytest.mark.parametrize("opset", [13, 20])
def test_arithmetic(opset):
    nt.manual_seed(10)
    model = Arithmetic()
    proto = check(model, nt.randn(3, 6), nt.randn(3, 6), opset=opset)
    assert {"w", "offset"} <= {i.name for i in proto.graph.initializer}


class Shapes(nn.Module):
    def forward(self, x):
        return (x.view(2, -1), x.reshape(6, 4), x.permute(2, 0, 1), x.transpose(0, 2),
                x.unsqueeze(1).squeeze(1), x[:, 1], x[1:, ::2, 1:3], x[..., -1], x.flatten(1),
                nt.cat([x, x * 2], 1), nt.stack([x, x], 0), x.narrow(2, 1, 2),
                x.mT.contiguous(), x.expand(3, 2, 3, 4), x.unflatten(2, (2, 2)),
                *x.split(1, 1), *x.chunk(2, 2), *x.unbind(0), x.flip(1), x.clone())


class Reductions(nn.Module):
    def forward(self, x):
        mx, idx = x.max(1)
        mn, _ = x.min(2, keepdim=True)
        return (x.sum(), x.sum((0, 2)), x.mean(1, keepdim=True), x.mean(), mx, idx, mn,
                x.amax((1, 2)), x.amin(0), x.prod(2), x.logsumexp(1), x.max(), x.min())


@pytest.mark.parametrize("opset", [13, 18])
def test_shapes_and_reductions(opset):
    nt.manual_seed(11)
    check(Shapes(), nt.randn(2, 3, 4), opset=opset)
    check(Reductions(), nt.randn(2, 3, 4), opset=opset)


class Norms(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm([5, 5])
        self.ln_plain = nn.LayerNorm(5, elementwise_affine=False)
        self.gn = nn.GroupNorm(2, 4)
        self.inorm = nn.InstanceNorm2d(4, affine=True)
        self.bn1 = nn.BatchNorm1d(4)
        self.bn_nostats = nn.BatchNorm2d(4, track_running_stats=False)

    def forward(self, x):
        return (self.ln(x), self.ln_plain(x), self.gn(x), self.inorm(x),
                self.bn1(x.mean((2, 3))), self.bn_nostats(x))


@pytest.mark.parametrize("opset", [13, 17])
def test_normalisation(opset):
    nt.manual_seed(12)
    model = with_stats(Norms(), 3, 4, 5, 5)
    check(model, nt.randn(3, 4, 5, 5), opset=opset)


def test_linear_on_3d_input_with_dynamic_batch():
    nt.manual_seed(13)
    model = nn.Sequential(nn.Linear(6, 5), nn.GELU(), nn.Linear(5, 2, bias=False))
    check(model, nt.randn(2, 4, 6), dynamic_axes={"x0": {0: "b"}},
          more=[(nt.randn(3, 4, 6),), (nt.randn(1, 4, 6),)])


def test_conv_transpose_and_conv1d():
    nt.manual_seed(14)
    model = nn.Sequential(nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1),
                          nn.Conv2d(4, 2, 3, padding=2, dilation=2), nn.Flatten(2),
                          nn.Conv1d(2, 3, 3, padding=1))
    check(model, nt.randn(2, 3, 5, 5))


def test_embedding_with_integer_input_kwargs_and_several_outputs():
    nt.manual_seed(15)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.fc = nn.Linear(4, 3)

        def forward(self, tokens, scale=1.0):
            h = self.emb(tokens).mean(1) * scale
            return {"logits": self.fc(h), "hidden": h}

    model = Model()
    tokens = nt.tensor([[1, 2, 3], [4, 5, 9]])
    proto = export(model, (tokens, {"scale": 2.0}), output_names=["logits", "hidden"])
    assert [i.name for i in proto.graph.input] == ["tokens"]
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64
    got = run(proto, {"tokens": tokens.numpy()})
    exp = model(tokens, scale=2.0)
    np.testing.assert_allclose(got[0], exp["logits"].detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[1], exp["hidden"].detach().numpy(), rtol=1e-5, atol=1e-5)


def test_output_that_is_an_input_or_repeated():
    class Model(nn.Module):
        def forward(self, x):
            y = x.relu()
            return x, y, y

    proto = check(Model(), nt.randn(2, 3))
    assert [o.name for o in proto.graph.output] == ["output_0", "output_1", "output_2"]


def test_custom_function_and_constants_made_in_forward():
    class Double(nt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Model(nn.Module):
        def forward(self, x):
            return Double.apply(x) + nt.ones(3) * 0.5

    with pytest.warns(UserWarning, match="exported as a constant"):
        check(Model(), nt.randn(2, 3), more=[(nt.randn(2, 3),)])


def test_op_class_can_carry_its_own_lowering():
    from numtorch._ops._base import Op

    class Cube(Op):
        grad_fn_name = "CubeBackward0"

        def forward(self, a):
            return a ** 3

        @staticmethod
        def onnx_lowering(g, r):
            x = g.name(r.ins[0])
            return g.node("Mul", [g.node("Mul", [x, x]), x])

    class Model(nn.Module):
        def forward(self, x):
            return Cube.apply(x.detach()) + x.data

    proto = check(Model(), nt.randn(2, 3))
    assert [n.op_type for n in proto.graph.node] == ["Mul", "Mul", "Add"]


# -- errors -----------------------------------------------------------------------------------
def test_inplace_write_through_a_view_is_refused():
    class Model(nn.Module):
        def forward(self, x):
            y = x * 1
            y[:, 0].relu_()
            return y

    with pytest.raises(RuntimeError, match="modified in place"):
        nt.onnx.export(Model(), nt.randn(2, 3), io.BytesIO())


def test_unsupported_op_names_the_op():
    class Model(nn.Module):
        def forward(self, x):
            return x.cumprod(1)

    with pytest.raises(RuntimeError, match=r"Exporting the operator 'Cumprod \(CumprodBackward0\)'"
                                           r" to ONNX opset version 20 is not supported"):
        nt.onnx.export(Model(), nt.randn(2, 3), io.BytesIO())


def test_unsupported_output_fails_only_when_used():
    class Model(nn.Module):
        def forward(self, x):
            vals, idx = F.max_pool2d(x, 2, return_indices=True)
            return vals, idx

    with pytest.raises(RuntimeError, match="output 1 of the operator 'MaxPoolWithIndices"):
        nt.onnx.export(Model(), nt.randn(1, 1, 4, 4), io.BytesIO())


def test_bad_arguments():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="opset version: 9"):
        nt.onnx.export(model, nt.randn(1, 2), io.BytesIO(), opset_version=9)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        nt.onnx.export(model, nt.randn(1, 2), io.BytesIO(), bogus=1)
    model.train()
    nt.onnx.export(model, nt.randn(1, 2), io.BytesIO(), dynamo=False, do_constant_folding=True)
    assert model.training


def test_missing_onnx_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install numtorch\[onnx\]"):
        nt.onnx.export(nn.Linear(2, 2), nt.randn(1, 2), io.BytesIO())
