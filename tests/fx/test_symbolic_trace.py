"""``numtorch.fx.symbolic_trace`` against ``torch.fx.symbolic_trace``: the same models written
once against ``lib`` are traced by both; printed graphs, generated code and node op/target
sequences are compared, and the GraphModules compute what the original modules compute."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.fx

import numtorch
import numtorch.fx
from tests.oracle import assert_same_value, copy_weights

LIBS = {"torch": torch, "numtorch": numtorch}


def _fx(lib):
    return torch.fx if lib is torch else numtorch.fx


def _target_name(t) -> str:
    return t if isinstance(t, str) else t.__name__


def signature(gm) -> list[tuple[str, str, str]]:
    """(op, target name, node name) of every node."""
    return [(n.op, _target_name(n.target), n.name) for n in gm.graph.nodes]


def _inputs(*shape, seed=0):
    arr = np.random.default_rng(seed).standard_normal(shape).astype("float32")
    return numtorch.tensor(arr), torch.tensor(arr)


def _same(ours, theirs):
    if isinstance(ours, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    elif isinstance(theirs, torch.Tensor):
        assert_same_value(ours, theirs)
    elif isinstance(theirs, numtorch.Tensor):
        assert numtorch.equal(ours, theirs)
    else:
        assert ours == theirs


def _trace_both(make, *shape, eval_mode=False):
    tm, nm = make(torch), make(numtorch)
    copy_weights(tm, nm)
    if eval_mode:
        tm.eval()
        nm.eval()
    tg, ng = torch.fx.symbolic_trace(tm), numtorch.fx.symbolic_trace(nm)
    nx, tx = _inputs(*shape)
    with torch.no_grad(), numtorch.no_grad():
        _same(ng(nx), tg(tx))
        _same(ng(nx), nm(nx))
    return tg, ng


def _tutorial(lib):
    nn = lib.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(nn.Linear(12, 16), nn.ReLU(),
                                                   nn.Linear(16, 16), nn.ReLU(),
                                                   nn.Linear(16, 5))

        def forward(self, x):
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    return NeuralNetwork()


def test_tutorial_network_graph_and_code_match_torch():
    tg, ng = _trace_both(_tutorial, 4, 3, 4)
    assert str(ng.graph) == str(tg.graph)
    assert ng.code == tg.code
    assert signature(ng) == signature(tg)
    assert repr(ng) == repr(tg)
    assert type(ng).__name__ == type(tg).__name__ == "NeuralNetwork"
    assert ng.print_readable(False).strip() == tg.print_readable(False).strip()
    assert isinstance(ng, numtorch.fx.GraphModule) and isinstance(ng, numtorch.nn.Module)


def _mixed(lib):
    nn, F = lib.nn, lib.nn.functional

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 3)
            self.w = nn.Parameter(lib.randn(3, 4))

        def forward(self, x):
            y = F.linear(x, self.w) + 1
            z = lib.relu(self.lin(x)) * y
            n = x.shape[0]
            q = z.view(n, -1).sum(dim=1, keepdim=True)
            r = lib.cat([q, -z, z.size(1) * z, 2 - z, z / 2, z @ self.w], dim=1)
            return r.transpose(0, 1), x.size(), abs(z)

    return M()


def test_operators_methods_and_attributes_match_torch():
    tg, ng = _trace_both(_mixed, 5, 4)
    assert signature(ng) == signature(tg)
    # the generated code is torch's, but for the keyword torch keeps for cat's dim (numtorch's
    # dispatch passes it positionally)
    assert ng.code == tg.code.replace("], dim = 1)", "], 1)")
    theirs = [ln for ln in str(tg.graph).splitlines() if "cat" not in ln]
    ours = [ln for ln in str(ng.graph).splitlines() if "cat" not in ln]
    assert ours == theirs
    assert "torch._C._nn.linear(x, w)" in ng.code


def _block(lib):
    nn = lib.nn

    class BasicBlock(nn.Module):
        def __init__(self, inplanes, planes, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride,
                                                          bias=False), nn.BatchNorm2d(planes))

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            out += identity
            return self.relu(out)

    class SmallResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 4, 3, padding=1)
            self.layer1 = nn.Sequential(BasicBlock(4, 4), BasicBlock(4, 8, stride=2))
            self.pool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(8, 3)

        def forward(self, x):
            x = self.layer1(self.stem(x))
            return self.fc(lib.flatten(self.pool(x), 1))

    return SmallResNet()


@pytest.mark.parametrize("train", [False, True])
def test_small_resnet_matches_torch(train):
    tg, ng = _trace_both(_block, 2, 3, 8, 8, eval_mode=not train)
    assert signature(ng) == signature(tg)
    assert str(ng.graph) == str(tg.graph)
    assert ng.code == tg.code
    names = [n.name for n in ng.graph.nodes]
    assert "layer1_0_conv1" in names and "layer1_1_downsample_0" in names and "add" in names


def test_resnet18_graph_module_computes_the_same():
    net = numtorch.vision.models.resnet18(num_classes=7).eval()
    nn = numtorch.nn

    class Body(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = net

        def forward(self, x):
            n = self.net
            x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
            x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
            return n.fc(numtorch.flatten(n.avgpool(x), 1))

    model = Body()
    gm = numtorch.fx.symbolic_trace(model)
    x = numtorch.randn(1, 3, 32, 32)
    with numtorch.no_grad():
        assert numtorch.allclose(gm(x), model(x), atol=1e-5)
    ops = {n.op for n in gm.graph.nodes}
    assert ops == {"placeholder", "call_module", "call_function", "output"}
    flat = [n for n in gm.graph.nodes if n.op == "call_function" and n.target is numtorch.flatten]
    assert len(flat) == 1
    blocks = [n.target for n in gm.graph.nodes if n.target == "net.layer3.1.conv2"]
    assert blocks == ["net.layer3.1.conv2"]
    assert 'getattr(self.net.layer3, "1").conv2(' in gm.code
    gm.graph.lint()


def test_transformer_encoder_layer_is_a_leaf():
    def make(lib):
        return lib.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                              batch_first=True)


    def wrapped(lib):
        nn = lib.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = make(lib)
                self.head = nn.Linear(8, 2)

            def forward(self, x):
                return self.head(self.enc(x).mean(1))

        return Net()

    tg, ng = _trace_both(wrapped, 2, 5, 8, eval_mode=True)
    assert signature(ng) == signature(tg)
    assert ng.code == tg.code


def _attention(lib):
    nn, F = lib.nn, lib.nn.functional

    class Attention(nn.Module):
        def __init__(self, dim=8, heads=2):
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(dim, dim * 3)
            self.proj = nn.Linear(dim, dim)
            self.norm = nn.LayerNorm(dim)

        def forward(self, x):
            b, t, c = x.shape
            qkv = self.qkv(self.norm(x)).view(b, t, 3, self.heads, c // self.heads)
            q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
            att = lib.matmul(q, k.transpose(-2, -1)) / math.sqrt(c // self.heads)
            att = F.softmax(att, dim=-1)
            y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
            return x + self.proj(y)

    return Attention()


def test_hand_written_attention_traced_through():
    tg, ng = _trace_both(_attention, 2, 5, 8)
    assert [s[:2] for s in signature(ng)] == [s[:2] for s in signature(tg)]
    assert [s[2] for s in signature(ng)] == [s[2] for s in signature(tg)]

    def lines(text):  # F.softmax's keywords are normalised by numtorch's dispatch
        return [ln for ln in text.splitlines() if "softmax" not in ln]

    assert lines(ng.code) == lines(tg.code)
    assert lines(str(ng.graph)) == lines(str(tg.graph))
    nx, _ = _inputs(3, 4, 8, seed=1)
    model = _attention(numtorch)
    gm = numtorch.fx.symbolic_trace(model)
    assert numtorch.allclose(gm(nx), model(nx))


def test_control_flow_and_iteration_errors_match_torch():
    def branch(x):
        if x.sum() > 0:
            return x
        return -x

    def length(x):
        return len(x)

    for fn in (branch, length):
        with pytest.raises(Exception) as theirs:
            torch.fx.symbolic_trace(fn)
        with pytest.raises(Exception) as ours:
            numtorch.fx.symbolic_trace(fn)
        assert type(ours.value).__name__ == type(theirs.value).__name__
        assert str(ours.value) == str(theirs.value)


def test_functions_math_autowrap_and_concrete_args():
    def fn(lib):
        def f(x, flag, scale=2.0):
            y = lib.sigmoid(x) * math.sqrt(x.size(0))
            if flag:
                y = y + scale
            return {"y": y, "z": lib.tanh(x)[:, 0]}
        return f

    tg = torch.fx.symbolic_trace(fn(torch), concrete_args={"flag": True})
    ng = numtorch.fx.symbolic_trace(fn(numtorch), concrete_args={"flag": True})
    assert signature(ng) == signature(tg)
    assert ng.code == tg.code
    assert str(ng.graph) == str(tg.graph)
    assert 'torch.fx._symbolic_trace.wrap("math_sqrt")' in ng.code
    nx, tx = _inputs(3, 2)
    out_n, out_t = ng(nx, True), tg(tx, True)
    assert_same_value(out_n["y"], out_t["y"])
    assert_same_value(out_n["z"], out_t["z"])
    with pytest.raises(AssertionError, match="specialized to have value True"):
        tg(tx, False)
    with pytest.raises(AssertionError, match="specialized to have value True"):
        ng(nx, False)


def test_concrete_none_and_int():
    def fn(lib):
        def f(x, flag=None, n=3):
            return x if flag is None else x + n
        return f

    tg = torch.fx.symbolic_trace(fn(torch), concrete_args={"flag": None, "n": 3})
    ng = numtorch.fx.symbolic_trace(fn(numtorch), concrete_args={"flag": None, "n": 3})
    assert ng.code == tg.code
    assert str(ng.graph) == str(tg.graph)


def _tensors_on_the_left(lib):
    nn = lib.nn

    class N(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("b", lib.ones(3))
            self.c = lib.arange(3.0)
            self.lin = nn.Linear(3, 3)

        def forward(self, x):
            return (self.b * x, 2 ** x, self.b @ x, lib.ones(3) - x, self.b == x,
                    self.b.add(x), self.lin(x * self.c) + lib.full((3,), 0.5))

    return N()


def test_buffers_tensor_attributes_and_constants_like_torch():
    tg, ng = _trace_both(_tensors_on_the_left, 3)
    assert ng.code == tg.code
    assert str(ng.graph) == str(tg.graph)
    assert list(ng.state_dict()) == list(tg.state_dict())
    assert "_tensor_constant0" in ng.code


def test_wrapped_function_stays_one_node():
    src = ("import {lib}\nimport {lib}.fx\n"
           "def helper(x, k):\n    return {lib}.relu(x) * k\n"
           "{lib}.fx.wrap('helper')\n"
           "def f(x):\n    return helper(x + 1, 3).sum()\n")
    out = {}
    for name in ("torch", "numtorch"):
        ns: dict = {"__name__": f"fx_wrap_{name}"}
        exec(compile(src.format(lib=name), f"<fx_wrap_{name}>", "exec"), ns)
        orig = ns["helper"]
        gm = _fx(LIBS[name]).symbolic_trace(ns["f"])
        out[name] = (signature(gm), gm(LIBS[name].ones(2)).item())
        assert ns["helper"] is orig
    assert out["numtorch"] == out["torch"]
    assert ("call_function", "helper", "helper") in out["numtorch"][0]


def _misc(lib):
    F = lib.nn.functional

    class N(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = lib.nn.Dropout(0.1)
            self.emb = lib.nn.Embedding(5, 3)

        def forward(self, x, idx, *, scale=1.0):
            y = x.to(lib.float64)[:, None, ...].float()
            z = lib.zeros(x.size(0), dtype=lib.float32, device=x.device)
            w = F.dropout(x, p=0.2, training=self.training) + x.T.T + self.drop(x)
            e = self.emb(idx).flatten(1).mean(dim=(0,))
            return (y.squeeze(1) * scale, z, w.masked_fill(w > 0, float("-inf")), e,
                    lib.where(x > 0, x, 0.0))

    return N()


def test_dtypes_devices_slices_factories_and_annotations_like_torch():
    tm, nm = _misc(torch).eval(), _misc(numtorch).eval()
    copy_weights(tm, nm)
    tg, ng = torch.fx.symbolic_trace(tm), numtorch.fx.symbolic_trace(nm)
    assert signature(ng) == signature(tg)

    def lines(text):  # F.dropout's defaults are not repeated by numtorch's dispatch
        return [ln for ln in text.splitlines() if "dropout" not in ln]

    assert lines(ng.code) == lines(tg.code)
    assert lines(str(ng.graph)) == lines(str(tg.graph))
    nx, tx = _inputs(4, 3)
    idx = [[1, 2], [0, 4]]
    _same(ng(nx, numtorch.tensor(idx), 2.0), tg(tx, torch.tensor(idx), 2.0))


def test_placeholder_annotations_like_torch():
    src = "def f(x: {lib}.Tensor, n: int, k: float = 2.0):\n    return x * n + k\n"
    out = {}
    for name in ("torch", "numtorch"):
        ns = {name: LIBS[name]}
        exec(compile(src.format(lib=name), "<annotated>", "exec", dont_inherit=True), ns)
        gm = _fx(LIBS[name]).symbolic_trace(ns["f"])
        out[name] = (str(gm.graph), gm.code, gm(LIBS[name].ones(2), 3).tolist())
    assert out["numtorch"] == out["torch"]
    assert "x : torch.Tensor, n : int, k : float = 2.0" in out["numtorch"][1]


def test_builtin_named_inputs_and_varargs_like_torch():
    out = {}
    for name, lib in LIBS.items():
        fx = _fx(lib)
        seq = fx.symbolic_trace(lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU()))

        def f(x, *args, **kwargs):
            return x + args[0] + kwargs["k"]

        g = fx.symbolic_trace(f)
        ones = lib.ones(2)
        out[name] = (seq.code, str(seq.graph), g.code, str(g.graph),
                     g(ones, ones * 2, k=ones * 3).tolist())
    assert out["numtorch"] == out["torch"]
    assert "input_1 = input" in out["numtorch"][0]


def test_tracing_a_graph_module_again_like_torch():
    tg = torch.fx.symbolic_trace(torch.fx.symbolic_trace(_block(torch)))
    ng = numtorch.fx.symbolic_trace(numtorch.fx.symbolic_trace(_block(numtorch)))
    assert ng.code == tg.code and str(ng.graph) == str(tg.graph)
    model = _attention(numtorch)
    again = numtorch.fx.symbolic_trace(numtorch.fx.symbolic_trace(model))
    x, _ = _inputs(2, 3, 8)
    assert numtorch.allclose(again(x), model(x))
    assert 'torch.fx._symbolic_trace.wrap("math_sqrt")' in again.code


def _string_annotated(lib):
    class M(lib.nn.Module):  # this file's annotations are strings (postponed evaluation)
        def forward(self, x: lib.Tensor, n: int = 2, o: list[int] | None = None):
            return x * n

    return M()


def test_string_annotations_like_torch():
    tg = torch.fx.symbolic_trace(_string_annotated(torch))
    ng = numtorch.fx.symbolic_trace(_string_annotated(numtorch))
    assert str(ng.graph) == str(tg.graph) and ng.code == tg.code
    assert "%x : 'lib.Tensor'" in str(ng.graph)
    assert ng(numtorch.ones(2)).tolist() == [2.0, 2.0]
