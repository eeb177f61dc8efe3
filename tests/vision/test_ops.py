"""``numtorch.vision.ops`` (torchvision.ops): ``FrozenBatchNorm2d`` against torch's batch norm
in eval mode; box operations, NMS, stochastic depth and focal loss against their formulas
written with torch ops (torchvision itself is not importable beside this torch)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch
from numtorch.vision.ops import FrozenBatchNorm2d
from numtorch.vision.ops.misc import FrozenBatchNorm2d as FromMisc


def test_matches_eval_batch_norm():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    stats = {k: rng.uniform(0.5, 2.0, 3).astype(np.float32)
             for k in ("weight", "bias", "running_mean", "running_var")}
    ref = torch.nn.BatchNorm2d(3, eps=1e-3).eval()
    ours = FrozenBatchNorm2d(3, eps=1e-3)
    with torch.no_grad():
        for k, v in stats.items():
            getattr(ref, k).copy_(torch.from_numpy(v))
    # a BatchNorm2d state dict (with num_batches_tracked) loads into the frozen layer
    result = ours.load_state_dict({k: numtorch.tensor(v.numpy()) for k, v in
                                   ref.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    xt = torch.from_numpy(x).requires_grad_()
    xn = numtorch.tensor(x, requires_grad=True)
    expected, got = ref(xt), ours(xn)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    expected.sum().backward()
    got.sum().backward()
    np.testing.assert_allclose(xn.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_buffers_not_parameters_and_repr():
    layer = FrozenBatchNorm2d(4)
    assert FromMisc is FrozenBatchNorm2d
    assert list(layer.parameters()) == []
    assert [n for n, _ in layer.named_buffers()] == ["weight", "bias", "running_mean",
                                                     "running_var"]
    assert layer.weight.tolist() == [1.0] * 4 and layer.running_mean.tolist() == [0.0] * 4
    assert repr(layer) == "FrozenBatchNorm2d(4, eps=1e-05)"
    out = layer(numtorch.ones(1, 4, 2, 2))
    np.testing.assert_allclose(out.numpy(), np.full((1, 4, 2, 2), 1 / np.sqrt(1 + 1e-5)),
                               rtol=1e-6)


# --- boxes, NMS, stochastic depth, focal loss: against the formulas written with torch ops ---

def _boxes(n=25, seed=0, shift=0.0):
    g = np.random.default_rng(seed)
    xy = g.uniform(0, 10, (n, 2)).astype(np.float32)
    wh = g.uniform(0.5, 4, (n, 2)).astype(np.float32)
    return np.concatenate([xy, xy + wh], 1) + np.float32(shift)


def _ref_iou(a, b, generalized=False):
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    union = area(a)[:, None] + area(b)[None, :] - inter
    iou = inter / union
    if not generalized:
        return iou
    hull = (torch.max(a[:, None, 2:], b[None, :, 2:])
            - torch.min(a[:, None, :2], b[None, :, :2])).clamp(min=0).prod(-1)
    return iou - (hull - union) / hull


def _ref_nms(boxes, scores, thr):
    order = torch.sort(scores, descending=True, stable=True).indices.tolist()
    iou = _ref_iou(boxes, boxes)
    keep, dead = [], set()
    for i in order:
        if i in dead:
            continue
        keep.append(i)
        dead |= {j for j in range(len(boxes)) if iou[i, j] > thr}
    return keep


def test_box_area_iou_giou():
    from numtorch.vision import ops

    a, b = _boxes(), _boxes(12, seed=1, shift=0.5)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    na, nb = numtorch.tensor(a, requires_grad=True), numtorch.tensor(b)
    np.testing.assert_allclose(ops.box_area(na).detach().numpy(),
                               ((ta[:, 2] - ta[:, 0]) * (ta[:, 3] - ta[:, 1])).numpy())
    for generalized, fn in ((False, ops.box_iou), (True, ops.generalized_box_iou)):
        expected = _ref_iou(ta, tb, generalized)
        got = fn(na, nb)
        assert got.shape == tuple(expected.shape) and got.dtype == numtorch.float32
        np.testing.assert_allclose(got.detach().numpy(), expected.numpy(), rtol=1e-5,
                                   atol=1e-6)
    # differentiable, as torchvision's composition is
    ta.requires_grad_()
    _ref_iou(ta, tb, True).sum().backward()
    ops.generalized_box_iou(na, nb).sum().backward()
    np.testing.assert_allclose(na.grad.numpy(), ta.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_box_convert_clip_and_small():
    from numtorch.vision import ops

    xyxy = _boxes()
    t = torch.from_numpy(xyxy)
    x1, y1, x2, y2 = t.unbind(-1)
    forms = {"xyxy": t, "xywh": torch.stack([x1, y1, x2 - x1, y2 - y1], -1),
             "cxcywh": torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], -1)}
    for src, src_val in forms.items():
        for dst, dst_val in forms.items():
            got = ops.box_convert(numtorch.tensor(src_val.numpy()), src, dst)
            np.testing.assert_allclose(got.numpy(), dst_val.numpy(), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="Unsupported Bounding Box Conversions"):
        ops.box_convert(numtorch.tensor(xyxy), "xyxy", "yxyx")
    clipped = ops.clip_boxes_to_image(numtorch.tensor(xyxy), (7, 9))
    expected = torch.stack([x1.clamp(0, 9), y1.clamp(0, 7), x2.clamp(0, 9), y2.clamp(0, 7)], -1)
    np.testing.assert_array_equal(clipped.numpy(), expected.numpy())
    kept = ops.remove_small_boxes(numtorch.tensor(xyxy), 2.0)
    ref = torch.where(((x2 - x1) >= 2.0) & ((y2 - y1) >= 2.0))[0]
    assert kept.dtype == numtorch.int64 and kept.tolist() == ref.tolist()


@pytest.mark.parametrize("thr", [0.0, 0.1, 0.3, 0.7])
def test_nms_and_batched_nms(thr):
    from numtorch.vision import ops

    boxes = _boxes(40, seed=2)
    scores = np.random.default_rng(3).uniform(0, 1, 40).astype(np.float32)
    cats = np.random.default_rng(4).integers(0, 3, 40)
    tb, ts = torch.from_numpy(boxes), torch.from_numpy(scores)
    got = ops.nms(numtorch.tensor(boxes), numtorch.tensor(scores), thr)
    assert got.dtype == numtorch.int64 and got.tolist() == _ref_nms(tb, ts, thr)
    # per category: the union of each category's kept boxes, by decreasing score
    expected = []
    for c in range(3):
        members = np.nonzero(cats == c)[0]
        expected += [int(members[k]) for k in _ref_nms(tb[members], ts[members], thr)]
    expected.sort(key=lambda i: -scores[i])
    got = ops.batched_nms(numtorch.tensor(boxes), numtorch.tensor(scores),
                          numtorch.tensor(cats), thr)
    assert got.tolist() == expected
    empty = ops.batched_nms(numtorch.zeros(0, 4), numtorch.zeros(0), numtorch.zeros(0), thr)
    assert empty.shape == (0,) and empty.dtype == numtorch.int64


@pytest.mark.parametrize("mode", ["row", "batch"])
@pytest.mark.parametrize("p", [0.0, 0.4, 1.0])
def test_stochastic_depth_draws_like_bernoulli(mode, p):
    from numtorch.vision import ops

    x = np.random.default_rng(5).standard_normal((8, 3, 2)).astype(np.float32)
    torch.manual_seed(7)
    shape = [8, 1, 1] if mode == "row" else [1, 1, 1]
    noise = torch.empty(shape).bernoulli_(1 - p)
    if p < 1:
        noise = noise / (1 - p)
    expected = torch.from_numpy(x) * noise if p > 0 else torch.from_numpy(x)
    numtorch.manual_seed(7)
    got = ops.stochastic_depth(numtorch.tensor(x), p, mode)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    layer = ops.StochasticDepth(p, mode).eval()
    assert np.array_equal(layer(numtorch.tensor(x)).numpy(), x)
    assert repr(layer) == f"StochasticDepth(p={p}, mode={mode})"


def test_stochastic_depth_errors():
    from numtorch.vision import ops

    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got"):
        ops.stochastic_depth(numtorch.ones(2), 1.5, "row")
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got"):
        ops.stochastic_depth(numtorch.ones(2), 0.5, "col")


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("alpha", [0.25, -1.0])
def test_sigmoid_focal_loss(reduction, alpha):
    from numtorch.vision import ops

    g = np.random.default_rng(6)
    logits = g.standard_normal((5, 4)).astype(np.float32)
    targets = (g.uniform(size=(5, 4)) > 0.5).astype(np.float32)
    tl = torch.from_numpy(logits).requires_grad_()
    tt = torch.from_numpy(targets)
    p = torch.sigmoid(tl)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(tl, tt, reduction="none")
    p_t = p * tt + (1 - p) * (1 - tt)
    ref = ce * (1 - p_t) ** 2
    if alpha >= 0:
        ref = (alpha * tt + (1 - alpha) * (1 - tt)) * ref
    ref = {"none": ref, "mean": ref.mean(), "sum": ref.sum()}[reduction]
    nl = numtorch.tensor(logits, requires_grad=True)
    got = ops.sigmoid_focal_loss(nl, numtorch.tensor(targets), alpha=alpha, reduction=reduction)
    np.testing.assert_allclose(got.detach().numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-7)
    ref.sum().backward()
    got.sum().backward()
    np.testing.assert_allclose(nl.grad.numpy(), tl.grad.numpy(), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        ops.sigmoid_focal_loss(nl, numtorch.tensor(targets), reduction="max")
