"""numtorch.vision.models against reference architectures written here in torch.

torchvision cannot be installed beside torch 2.13, so the reference modules below are written
in torch following torchvision's published architectures and module names. Each numtorch model
gets the torch model's state_dict (through NumPy) and must give the same outputs (eval), the
same outputs and gradients (train, one step), the same keys, shapes and ``print`` text.
"""

import functools
import hashlib
import http.server
import math
import threading
import urllib.error
import warnings

import numpy as np
import pytest
import torch
from torch import nn

import numtorch
from numtorch import hub
from numtorch.vision import models
from numtorch.vision.models import _api


# -- reference architectures (torch) ------------------------------------------------------------
class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(25088, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


VGG_CFG = {11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
           16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
                512, 512, 512, "M"]}


def torch_vgg(depth, bn=False, **kw):
    layers, c = [], 3
    for v in VGG_CFG[depth]:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(c, v, kernel_size=3, padding=1))
            layers += [nn.BatchNorm2d(v)] if bn else []
            layers.append(nn.ReLU(inplace=True))
            c = v
    return VGG(nn.Sequential(*layers), **kw)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        out += idt
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += idt
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, (planes, n) in enumerate(zip((64, 128, 256, 512), layers)):
            setattr(self, f"layer{i + 1}", self._make_layer(block, planes, n, 1 if i == 0 else 2))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, n, stride):
        down = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            down = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion))
        blocks = [block(self.inplanes, planes, stride, down)]
        self.inplanes = planes * block.expansion
        blocks += [block(self.inplanes, planes) for _ in range(1, n)]
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(9216, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class LeNet5(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2, 2))
        self.classifier = nn.Sequential(nn.Linear(400, 120), nn.Tanh(), nn.Linear(120, 84),
                                        nn.Tanh(), nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class Conv2dNormActivation(nn.Sequential):
    def __init__(self, cin, cout, kernel_size=3, stride=1, groups=1):
        super().__init__(nn.Conv2d(cin, cout, kernel_size, stride, (kernel_size - 1) // 2,
                                   groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))
        self.out_channels = cout


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, t):
        super().__init__()
        hidden = int(round(inp * t))
        self.stride = stride
        self.use_res_connect = stride == 1 and inp == oup
        layers = [Conv2dNormActivation(inp, hidden, kernel_size=1)] if t != 1 else []
        layers += [Conv2dNormActivation(hidden, hidden, stride=stride, groups=hidden),
                   nn.Conv2d(hidden, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.2):
        super().__init__()
        feats, c = [Conv2dNormActivation(3, 32, stride=2)], 32
        for t, out, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                             [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
            for i in range(n):
                feats.append(InvertedResidual(c, out, s if i == 0 else 1, t))
                c = out
        feats.append(Conv2dNormActivation(c, 1280, kernel_size=1))
        self.features = nn.Sequential(*feats)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(1280, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


# name -> (numtorch builder, torch builder, eval input shape, train input shape)
CASES = {
    "vgg11": (models.vgg11, lambda: torch_vgg(11), (1, 3, 32, 32), (1, 3, 32, 32)),
    "vgg11_bn": (models.vgg11_bn, lambda: torch_vgg(11, bn=True), (1, 3, 32, 32),
                 (2, 3, 32, 32)),
    "vgg16": (models.vgg16, lambda: torch_vgg(16), (1, 3, 32, 32), (1, 3, 32, 32)),
    "resnet18": (models.resnet18, lambda: ResNet(BasicBlock, [2, 2, 2, 2]), (1, 3, 32, 32),
                 (2, 3, 64, 64)),
    "resnet50": (models.resnet50, lambda: ResNet(Bottleneck, [3, 4, 6, 3]), (1, 3, 32, 32),
                 (2, 3, 48, 48)),
    "alexnet": (models.alexnet, AlexNet, (1, 3, 63, 63), (1, 3, 63, 63)),
    "lenet5": (models.lenet5, LeNet5, (1, 1, 32, 32), (2, 1, 32, 32)),
    "mobilenet_v2": (models.mobilenet_v2, MobileNetV2, (1, 3, 32, 32), (2, 3, 64, 64)),
}


@pytest.fixture
def init_log(monkeypatch):
    """Replace the init functions of both libraries by recorders that leave tensors as they
    are: building VGG then costs only allocation (the weights come from torch anyway), and
    the recorded calls show the initialisation scheme."""
    logs = {"torch": [], "numtorch": []}

    def recorder(log, name, orig_sig):
        def fn(tensor, *args, **kwargs):
            bound = orig_sig(*args, **kwargs)
            log.append((name, tuple(tensor.shape), bound))
            return tensor
        return fn

    for lib, mod in (("torch", torch.nn.init), ("numtorch", numtorch.nn.init)):
        for name, params in INIT_PARAMS.items():
            monkeypatch.setattr(mod, name, recorder(logs[lib], name, _binder(params)))
    return logs


# torch.nn.init's documented parameters (after ``tensor``; ``generator`` is dropped)
INIT_PARAMS = {
    "kaiming_uniform_": (("a", 0), ("mode", "fan_in"), ("nonlinearity", "leaky_relu")),
    "kaiming_normal_": (("a", 0), ("mode", "fan_in"), ("nonlinearity", "leaky_relu")),
    "uniform_": (("a", 0.0), ("b", 1.0)), "normal_": (("mean", 0.0), ("std", 1.0)),
    "constant_": (("val", None),), "ones_": (), "zeros_": (),
}


def _binder(params):
    def bind(*args, generator=None, **kwargs):
        values = dict(params)
        values.update(zip(values, args))
        values.update(kwargs)
        return tuple(values.items())
    return bind


def to_numtorch_state(sd):
    return {k: numtorch.from_numpy(v.detach().numpy()) for k, v in sd.items()}


def randomize_bn(ref):
    """Non-trivial running statistics and affine parameters, so eval mode tests them."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for m in ref.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.1)


def real_weights(ref, seed=0):
    """Torch-side weights on the scale of the real init (the recorders skipped it)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in ref.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                bound = math.sqrt(6 / m.weight[0].numel())
                m.weight.uniform_(-bound, bound, generator=g)
                if m.bias is not None:
                    m.bias.uniform_(-0.05, 0.05, generator=g)
    randomize_bn(ref)


def as_numpy(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach()._data)


def assert_close(want, got, what, rtol, floor=0.0):
    """Max error relative to the reference's largest magnitude (at least ``floor``)."""
    a, b = as_numpy(want), as_numpy(got)
    assert a.shape == b.shape and a.dtype == b.dtype, what
    err = float(np.abs(a - b).max()) / max(float(np.abs(a).max()), floor, 1e-30)
    assert err < rtol, f"{what}: relative error {err}"


# Models with batch norm train in float64 on 48-64 px inputs: with a batch of 2, train-mode batch
# norm over the last stage's few values per channel amplifies rounding errors (torch's float32
# gradients differ from its own float64 ones by percents; at 1x1 maps float64 loses 4 digits
# per block), while float64 with 2x2 maps at the last stage agrees with torch to ~1e-12.
TRAIN_FLOAT64 = {"resnet18", "resnet50", "mobilenet_v2", "lenet5"}


@pytest.mark.parametrize("name", list(CASES))
def test_structure(name, init_log):
    """Keys, shapes, dtypes and order of the state_dict, and the printed module tree."""
    model, ref = CASES[name][0](), CASES[name][1]()
    got = [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in model.state_dict().items()]
    want = [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in ref.state_dict().items()]
    assert got == want
    assert repr(model) == repr(ref)


BIG = ("vgg11", "vgg16", "alexnet")


def load_from_torch(model, ref, name):
    """Strict load of the torch model's state_dict. VGG and AlexNet take their parameters by
    ``assign=True`` (sharing torch's memory: a copy would fault in 0.25-0.5 GB, slowly here);
    the copying path is covered by the other models and the seed tests."""
    sd = to_numtorch_state(ref.state_dict())
    assign = name in BIG
    if assign:
        sd = {k: v if k.endswith(("weight", "bias")) else v.clone() for k, v in sd.items()}
    model.load_state_dict(sd, strict=True, assign=assign)


@pytest.mark.parametrize("name", [n for n in CASES if n != "vgg11_bn"])
def test_matches_reference(name, init_log):
    """Same weights -> same eval outputs, and the same train-mode outputs and gradients."""
    nt_builder, torch_builder, eval_shape, train_shape = CASES[name]
    ref, model = torch_builder(), nt_builder()
    real_weights(ref)
    load_from_torch(model, ref, name)
    ref.eval()
    model.eval()
    rng = np.random.default_rng(0)
    x = rng.standard_normal(eval_shape).astype(np.float32)
    with torch.no_grad():
        want = ref(torch.from_numpy(x))
    with numtorch.no_grad():
        out = model(numtorch.from_numpy(x))
    assert_close(want, out, f"{name} eval output", rtol=1e-4)

    # one train-mode forward/backward: outputs, input and parameter gradients, BN buffers
    if name in TRAIN_FLOAT64:
        ref.double()
        model.double()
    if name in BIG:  # skip the gradient of the largest weight (25088x4096, 9216x4096)
        big = 0 if name.startswith("vgg") else 1
        ref.classifier[big].weight.requires_grad_(False)
        model.classifier[big].weight.requires_grad_(False)
    ref.train()
    model.train()
    dtype = np.float64 if name in TRAIN_FLOAT64 else np.float32
    rtol = 1e-8 if name in TRAIN_FLOAT64 else 2e-4
    x = rng.standard_normal(train_shape).astype(dtype)
    tx = torch.from_numpy(x).requires_grad_()
    nx = numtorch.from_numpy(x.copy()).requires_grad_()
    torch.manual_seed(5)  # dropout masks: numtorch draws the same numbers as torch
    want = ref(tx)
    numtorch.manual_seed(5)
    out = model(nx)
    assert_close(want, out, f"{name} train output", rtol)
    g = rng.standard_normal(tuple(want.shape)).astype(dtype)
    want.backward(torch.from_numpy(g))
    out.backward(numtorch.from_numpy(g))
    assert_close(tx.grad, nx.grad, f"{name} input grad", rtol)
    grads = {k: p.grad for k, p in ref.named_parameters() if p.grad is not None}
    floor = 1e-2 * max(float(v.abs().max()) for v in grads.values())  # grads that are ~0
    nparams = dict(model.named_parameters())
    assert {k for k, p in nparams.items() if p.grad is not None} == set(grads)
    for k, v in grads.items():
        assert_close(v, nparams[k].grad, f"{name} grad {k}", rtol, floor)
    nbufs = dict(model.named_buffers())
    for k, b in ref.named_buffers():
        np.testing.assert_allclose(as_numpy(nbufs[k]), b.numpy(), rtol=1e-5, err_msg=k)

    # and numtorch's state_dict loads strictly into the torch definition
    ref.load_state_dict({k: torch.from_numpy(as_numpy(v)) for k, v in model.state_dict().items()},
                        strict=True)


@pytest.mark.parametrize("name", list(CASES))
def test_init_scheme_matches(name, init_log):
    CASES[name][1]()
    CASES[name][0]()
    assert init_log["numtorch"] == init_log["torch"]


@pytest.mark.parametrize("name", ["lenet5", "mobilenet_v2"])
def test_default_init_bit_identical(name):
    """The same seed gives torch's initial values bit for bit (default layer inits, then
    kaiming_normal_, normal_, ones_/zeros_ in module order)."""
    torch.manual_seed(3)
    ref = CASES[name][1]()
    numtorch.manual_seed(3)
    model = CASES[name][0]()
    for (k, v), (k2, w) in zip(ref.state_dict().items(), model.state_dict().items()):
        assert k == k2
        np.testing.assert_array_equal(v.numpy(), as_numpy(w), err_msg=k)


def test_num_params_meta(init_log):
    for name in ("lenet5", "mobilenet_v2", "resnet18", "resnet50"):
        model = models.get_model(name)
        n = sum(p.numel() for p in model.parameters())
        weights = models.get_model_weights(name).DEFAULT if name != "lenet5" else None
        if weights is not None:
            assert weights.meta["num_params"] == n


def test_options_match_torch_definition(init_log):
    model = models.resnet18(num_classes=7, zero_init_residual=True)
    assert model.fc.out_features == 7
    model = models.mobilenet_v2(num_classes=5, dropout=0.1)
    assert repr(model.classifier) == repr(nn.Sequential(nn.Dropout(0.1), nn.Linear(1280, 5)))
    assert models.vgg11(num_classes=3, dropout=0.2).classifier[6].out_features == 3
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1"):
        models.ResNet(models.BasicBlock, [1, 1, 1, 1], groups=2)


# -- weights, cache and download ---------------------------------------------------------------
@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    return tmp_path / "hub" / "checkpoints"


@pytest.fixture
def offline(monkeypatch):
    calls = []

    def fail(req, *a, **k):
        calls.append(getattr(req, "full_url", req))
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(hub.urllib.request, "urlopen", fail)
    return calls


def test_cache_dir_follows_torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert _api.get_dir() == torch.hub.get_dir() == str(tmp_path / "th" / "hub")
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _api.get_dir() == torch.hub.get_dir()
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert _api.get_dir() == torch.hub.get_dir()


def test_weights_file_saved_by_torch_loads(torch_home, offline, init_log):
    ref = CASES["resnet18"][1]()
    real_weights(ref)
    torch_home.mkdir(parents=True)
    torch.save(ref.state_dict(), torch_home / "resnet18-f37072fd.pth")
    for weights in (models.ResNet18_Weights.IMAGENET1K_V1, models.ResNet18_Weights.DEFAULT,
                    "IMAGENET1K_V1", "ResNet18_Weights.IMAGENET1K_V1"):
        model = models.resnet18(weights=weights)
        for k, v in ref.state_dict().items():
            np.testing.assert_array_equal(v.numpy(), np.asarray(model.state_dict()[k]._data))
    assert offline == []
    with pytest.raises(ValueError, match="expected value 1000 but got 10"):
        models.resnet18(weights="DEFAULT", num_classes=10)


@pytest.mark.parametrize("name, file_name, enum", [
    pytest.param("vgg16", "vgg16-397923af.pth", "VGG16_Weights", marks=pytest.mark.slow),
    ("resnet18", "resnet18-f37072fd.pth", "ResNet18_Weights"),
])
def test_seed_program(name, file_name, enum, torch_home, offline, init_log, tmp_path,
                      monkeypatch):
    """The seed: ``models.vgg16(pretrained=True)``, ``torch.save(model.state_dict(), ...)``,
    then ``models.vgg16()`` + ``load_state_dict(torch.load(...))`` + ``eval()``, with the
    weights file where torchvision caches it. (vgg16's 0.5 GB run is marked slow; resnet18
    takes the same path.)"""
    ref = CASES[name][1]()
    real_weights(ref)
    torch_home.mkdir(parents=True)
    torch.save(ref.state_dict(), torch_home / file_name)
    monkeypatch.chdir(tmp_path)
    builder = getattr(models, name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = builder(pretrained=True)
    assert [str(w.message) for w in caught] == [
        # torchvision's texts (torchvision is not installable here, so they are spelled out)
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
        "please use 'weights' instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 "
        "and may be removed in the future. The current behavior is equivalent to passing "
        f"`weights={enum}.IMAGENET1K_V1`. You can also use `weights={enum}.DEFAULT` to get "
        "the most up-to-date weights."]
    assert all(w.category is UserWarning for w in caught)
    numtorch.save(model.state_dict(), "model_weights.pth")
    model = builder()
    model.load_state_dict(numtorch.load("model_weights.pth"))
    model.eval()
    assert not model.training
    for k, v in ref.state_dict().items():
        np.testing.assert_array_equal(as_numpy(model.state_dict()[k]), v.numpy(), err_msg=k)
    back = torch.load("model_weights.pth")  # and torch reads what numtorch saved
    assert list(back) == list(ref.state_dict())
    assert offline == []


def test_pretrained_false_and_positional_forms(recwarn):
    model = models.lenet5(pretrained=False)
    assert isinstance(model, models.LeNet5)
    msgs = [str(w.message) for w in recwarn]
    assert msgs[-1] == ("Arguments other than a weight enum or `None` for 'weights' are "
                        "deprecated since 0.13 and may be removed in the future. The current "
                        "behavior is equivalent to passing `weights=None`.")
    with pytest.raises(ValueError, match="No weights available for model lenet5"):
        models.lenet5(pretrained=True)
    with pytest.warns(UserWarning, match="Using 'weights' as positional parameter"):
        models.lenet5(False)


def test_missing_file_offline_names_path(torch_home, offline, init_log):
    expected = torch_home / "alexnet-owt-7be5be79.pth"
    with pytest.raises(RuntimeError) as info:
        models.alexnet(weights=models.AlexNet_Weights.DEFAULT, progress=False)
    assert str(expected) in str(info.value)
    assert offline == ["https://download.pytorch.org/models/alexnet-owt-7be5be79.pth"]
    assert list(torch_home.iterdir()) == []


def test_download_failure_is_fast_and_clean(torch_home, monkeypatch):
    monkeypatch.setattr(hub, "_DOWNLOAD_TIMEOUT", 2.0)
    with pytest.raises(RuntimeError, match="tiny-0123abcd.pth"):
        _api.load_state_dict_from_url("http://127.0.0.1:9/tiny-0123abcd.pth", progress=False)
    assert list(torch_home.iterdir()) == []


@pytest.fixture
def http_root(tmp_path):
    root = tmp_path / "srv"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_checks_hash_and_loads(torch_home, http_root, capsys):
    root, base = http_root
    sd = {"w": torch.arange(6.0).reshape(2, 3), "n": torch.tensor(3)}
    torch.save(sd, root / "blob.pth")
    digest = hashlib.sha256((root / "blob.pth").read_bytes()).hexdigest()
    good = f"tiny-{digest[:8]}.pth"
    (root / "blob.pth").rename(root / good)
    got = _api.load_state_dict_from_url(f"{base}/{good}", check_hash=True, progress=True)
    np.testing.assert_array_equal(np.asarray(got["w"]._data), sd["w"].numpy())
    assert (torch_home / good).is_file()
    assert [p.name for p in torch_home.iterdir()] == [good]
    assert f'Downloading: "{base}/{good}" to {torch_home / good}' in capsys.readouterr().err

    bad = "tiny-deadbeef.pth"
    (root / bad).write_bytes((root / good).read_bytes())
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
        _api.load_state_dict_from_url(f"{base}/{bad}", check_hash=True, progress=False)
    assert not (torch_home / bad).exists()
    assert [p.name for p in torch_home.iterdir()] == [good]


# -- weights enums -----------------------------------------------------------------------------
def test_weights_enum_api():
    w = models.VGG16_Weights.IMAGENET1K_V1
    assert models.VGG16_Weights.DEFAULT is w
    assert repr(w) == "VGG16_Weights.IMAGENET1K_V1" and str(w) == "VGG16_Weights.IMAGENET1K_V1"
    assert w.url == "https://download.pytorch.org/models/vgg16-397923af.pth"
    assert models.ResNet50_Weights.IMAGENET1K_V1.url.endswith("/resnet50-0676ba61.pth")
    assert models.ResNet50_Weights.DEFAULT.url.endswith("/resnet50-11ad3fa6.pth")
    assert models.MobileNet_V2_Weights.IMAGENET1K_V1.url.endswith("/mobilenet_v2-b0353104.pth")
    assert models.VGG16_BN_Weights.DEFAULT.url.endswith("/vgg16_bn-6c64b313.pth")
    assert [m.name for m in models.ResNet50_Weights] == ["IMAGENET1K_V1", "IMAGENET1K_V2"]
    assert models.ResNet50_Weights.verify("DEFAULT") is models.ResNet50_Weights.IMAGENET1K_V2
    assert models.ResNet50_Weights.verify(None) is None
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received "
                                        "ResNet18_Weights"):
        models.resnet50(weights=models.ResNet18_Weights.DEFAULT)
    with pytest.raises(KeyError):
        models.ResNet50_Weights.verify("IMAGENET1K_V9")
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V2") is \
        models.ResNet50_Weights.IMAGENET1K_V2
    assert models.get_model_weights("vgg16") is models.VGG16_Weights
    assert models.get_model_weights(models.resnet18) is models.ResNet18_Weights
    assert {"vgg16", "vgg19_bn", "resnet152", "alexnet", "mobilenet_v2"} <= \
        set(models.list_models())
    assert models.list_models(include="vgg1[16]") == ["vgg11", "vgg16"]
    assert numtorch.vision.models is models


def test_transforms_preset():
    t = models.ResNet50_Weights.IMAGENET1K_V2.transforms()
    assert repr(t) == ("ImageClassification(\n    crop_size=[224]\n    resize_size=[232]\n"
                       "    mean=[0.485, 0.456, 0.406]\n    std=[0.229, 0.224, 0.225]\n"
                       "    interpolation=InterpolationMode.BILINEAR\n)")
    assert models.VGG16_Weights.DEFAULT.transforms().resize_size == [256]
    img = np.random.default_rng(0).integers(0, 256, (3, 300, 260), dtype=np.uint8)
    out = t(numtorch.from_numpy(img))
    assert tuple(out.shape) == (3, 224, 224) and out.dtype == numtorch.float32
    from numtorch.vision.transforms import functional as F

    steps = F.center_crop(F.resize(numtorch.from_numpy(img), [232], antialias=True), [224])
    steps = F.convert_image_dtype(steps, numtorch.float32)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    want = (torch.from_numpy(np.asarray(steps._data)) - mean) / std
    np.testing.assert_allclose(np.asarray(out._data), want.numpy(), rtol=1e-5, atol=1e-5)
