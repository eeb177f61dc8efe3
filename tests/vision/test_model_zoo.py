"""numtorch.vision.models against torchvision 0.28 itself (the ``test`` extra).

For each builder: the same registry entry, weights enum members, state_dict keys and shapes,
``print`` text, the same default initialisation under the same seed, and (eval mode, torch's
weights copied in, random batch-norm statistics) the same outputs on a small input.
"""


import numpy as np
import pytest
import torch

import numtorch
from numtorch.vision import models

from .helpers import import_torchvision

tv = import_torchvision()
tvm = tv.models

# name -> (input side, builder kwargs, slow). Small inputs keep a forward cheap; the largest
# variants are marked slow (their construction alone takes tens of seconds in NumPy).
MODELS = {
    "squeezenet1_0": (48, {}, False), "squeezenet1_1": (48, {}, False),
    "densenet121": (32, {}, False), "densenet161": (32, {}, True),
    "densenet169": (32, {}, True), "densenet201": (32, {}, True),
    "shufflenet_v2_x0_5": (32, {}, False), "shufflenet_v2_x1_0": (32, {}, False),
    "shufflenet_v2_x1_5": (32, {}, True), "shufflenet_v2_x2_0": (32, {}, True),
    "mnasnet0_5": (32, {}, False), "mnasnet0_75": (32, {}, True), "mnasnet1_0": (32, {}, True),
    "mnasnet1_3": (32, {}, True),
    "mobilenet_v3_small": (32, {}, False), "mobilenet_v3_large": (32, {}, False),
    "efficientnet_b0": (32, {}, False), "efficientnet_b1": (32, {}, True),
    "efficientnet_b2": (32, {}, True), "efficientnet_b3": (32, {}, True),
    "efficientnet_b4": (32, {}, True), "efficientnet_b5": (32, {}, True),
    "efficientnet_b6": (32, {}, True), "efficientnet_b7": (32, {}, True),
    "efficientnet_v2_s": (32, {}, True), "efficientnet_v2_m": (32, {}, True),
    "efficientnet_v2_l": (32, {}, True),
    "googlenet": (32, {"init_weights": True}, False),
    "inception_v3": (75, {"init_weights": True}, False),
    "convnext_tiny": (32, {}, False), "convnext_small": (32, {}, True),
    "convnext_base": (32, {}, True), "convnext_large": (32, {}, True),
    "vit_b_16": (32, {"image_size": 32}, False), "vit_b_32": (32, {"image_size": 32}, True),
    "vit_l_16": (32, {"image_size": 32}, True), "vit_l_32": (32, {"image_size": 32}, True),
    "vit_h_14": (28, {"image_size": 28}, True),
    "swin_t": (32, {}, False), "swin_s": (32, {}, True), "swin_b": (32, {}, True),
    "swin_v2_t": (32, {}, False), "swin_v2_s": (32, {}, True), "swin_v2_b": (32, {}, True),
    "fcn_resnet50": (32, {"weights_backbone": None, "aux_loss": True}, False),
    "fcn_resnet101": (32, {"weights_backbone": None}, True),
    "deeplabv3_resnet50": (32, {"weights_backbone": None, "aux_loss": True}, True),
    "deeplabv3_resnet101": (32, {"weights_backbone": None}, True),
    "deeplabv3_mobilenet_v3_large": (32, {"weights_backbone": None, "aux_loss": True}, False),
    "lraspp_mobilenet_v3_large": (32, {"weights_backbone": None, "num_classes": 5}, False),
    "r3d_18": (16, {}, False), "mc3_18": (16, {}, False), "r2plus1d_18": (16, {}, False),
    "maxvit_t": (224, {}, True),
    "s3d": (224, {}, False),
    "swin3d_t": (32, {}, False), "swin3d_s": (32, {}, True), "swin3d_b": (32, {}, True),
    "quantized_resnet18": (32, {}, False), "quantized_resnet50": (32, {}, False),
    "quantized_resnext101_32x8d": (32, {}, True), "quantized_resnext101_64x4d": (32, {}, True),
    "quantized_shufflenet_v2_x0_5": (32, {}, False),
    "quantized_googlenet": (32, {"init_weights": True}, False),
    "quantized_inception_v3": (75, {"init_weights": True}, True),
    "quantized_mobilenet_v2": (32, {}, False), "quantized_mobilenet_v3_large": (32, {}, False),
    **{f"quantized_shufflenet_v2_{s}": (32, {}, True) for s in ("x1_0", "x1_5", "x2_0")},
    "alexnet": (64, {}, False), "vgg11": (32, {}, False), "vgg11_bn": (32, {}, True),
    **{f"vgg{d}{bn}": (32, {}, True) for d in (13, 16, 19) for bn in ("", "_bn")},
    "resnet18": (32, {}, False), "resnet34": (32, {}, True), "resnet50": (32, {}, False),
    "resnet101": (32, {}, True), "resnet152": (32, {}, True),
    "resnext50_32x4d": (32, {}, True), "resnext101_32x8d": (32, {}, True),
    "resnext101_64x4d": (32, {}, True), "wide_resnet50_2": (32, {}, True),
    "wide_resnet101_2": (32, {}, True), "mobilenet_v2": (32, {}, False),
    "regnet_y_400mf": (32, {}, False), "regnet_x_400mf": (32, {}, False),
    **{f"regnet_{s}": (32, {}, True) for s in (
        "y_800mf", "y_1_6gf", "y_3_2gf", "y_8gf", "y_16gf", "y_32gf", "x_800mf", "x_1_6gf",
        "x_3_2gf", "x_8gf", "x_16gf", "x_32gf")},
}
SKIP_INIT = set()
VIDEO = {"s3d", "r3d_18", "mc3_18", "r2plus1d_18", "swin3d_t", "swin3d_s", "swin3d_b"}


def _params(name):
    return [pytest.param(n, marks=pytest.mark.slow(reason="large model: slow to build in NumPy"))
            if MODELS[n][2] else n for n in MODELS if n in set(models.list_models())]


def _build(name, seed=0):
    kw = MODELS[name][1]
    torch.manual_seed(seed)
    tm = tvm.get_model(name, **kw)
    numtorch.manual_seed(seed)
    nm = models.get_model(name, **kw)
    return tm, nm


def _randomize_bn(tm):
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for m in tm.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.running_mean is not None:
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)


def _np(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach()._data)


@pytest.mark.parametrize("name", _params(None))
def test_model_matches_torchvision(name):
    tm, nm = _build(name)
    tsd, nsd = tm.state_dict(), nm.state_dict()
    assert list(nsd) == list(tsd)
    for k in tsd:
        assert tuple(nsd[k].shape) == tuple(tsd[k].shape), k
    assert repr(nm) == repr(tm)
    if name not in SKIP_INIT:
        for k in tsd:
            if tsd[k].dtype.is_floating_point:
                np.testing.assert_allclose(_np(nsd[k]), _np(tsd[k]), rtol=1e-5, atol=1e-6,
                                           err_msg=k)
            else:
                np.testing.assert_array_equal(_np(nsd[k]), _np(tsd[k]), err_msg=k)
    _randomize_bn(tm)
    nm.load_state_dict({k: numtorch.from_numpy(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})
    tm.eval()
    nm.eval()
    side = MODELS[name][0]
    shape = (2, 3, 4, side, side) if name in VIDEO else (2, 3, side, side)
    if name == "s3d":  # its head pools (2, 7, 7): 16 frames of 224 x 224 at least
        shape = (1, 3, 16, side, side)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    with torch.no_grad():
        want = tm(torch.from_numpy(x))
    got = nm(numtorch.from_numpy(x))
    if isinstance(want, dict):  # segmentation models: an OrderedDict of outputs
        assert list(got) == list(want)
        pairs = [(_np(want[k]), _np(got[k])) for k in want]
    else:
        pairs = [(_np(want), _np(got))]
    for w, g in pairs:
        assert g.shape == w.shape
        assert float(np.abs(g - w).max()) / max(float(np.abs(w).max()), 1e-6) < 1e-4


@pytest.mark.parametrize("name", _params(None))
def test_weights_enum_matches(name):
    te, ne = tvm.get_model_weights(name), models.get_model_weights(name)
    assert ne.__name__ == te.__name__
    assert list(ne.__members__) == list(te.__members__)
    for k, tw in te.__members__.items():
        nw = ne[k]
        assert nw.url == tw.url
        assert nw.meta["num_params"] == tw.meta["num_params"]
        assert nw.meta.get("min_size") == tw.meta.get("min_size")
        assert repr(nw.transforms()) == repr(tw.transforms())
    assert ne.DEFAULT.name == te.DEFAULT.name


def test_registry_covers_classification_families():
    ours = set(models.list_models())
    assert set(MODELS) <= ours
    assert ours - {"lenet5"} <= set(tvm.list_models())
    # every builder is compared here (lenet5 is numtorch's own, in test_models.py)
    # regnet_y_128gf (644M parameters) is too large to build twice; see the next test
    older = {"lenet5", "regnet_y_128gf"}
    assert ours - older <= set(MODELS)
    for module in (models, models.segmentation, models.video, models.quantization):
        assert set(models.list_models(module)) - {"lenet5"} == set(tvm.list_models(
            getattr(tvm, module.__name__.rsplit(".", 1)[-1]) if module is not models else tvm)
        ) & ours


def test_quantize_true_is_refused():
    with pytest.raises(NotImplementedError):
        models.get_model("quantized_resnet18", quantize=True)


@pytest.mark.parametrize("size", ["y_128gf", "y_32gf", "x_32gf", "y_400mf"])
def test_regnet_block_params(size):
    """The stage widths/depths/groups the builders derive (the only size-specific part)."""
    from numtorch.vision.models import regnet as nreg

    depth, w_0, w_a, w_m, gw, se = nreg._TABLE[size][:6]
    want = tvm.regnet.BlockParams.from_init_params(depth=depth, w_0=w_0, w_a=w_a, w_m=w_m,
                                                   group_width=gw, se_ratio=se)
    got = nreg.BlockParams.from_init_params(depth=depth, w_0=w_0, w_a=w_a, w_m=w_m,
                                            group_width=gw, se_ratio=se)
    assert vars(got) == vars(want)
