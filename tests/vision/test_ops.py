"""``numtorch.vision.ops`` (torchvision.ops): ``FrozenBatchNorm2d`` against torch's batch norm
in eval mode with the same statistics and affine terms."""

from __future__ import annotations

import numpy as np
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
