"""The nn kernels live in ``numtorch._ops.nn``: the names that moved there stay reachable from
the package top and keep their grad_fn names (the layout rules are in tests/test_structure.py)."""

from __future__ import annotations

import inspect

import numtorch


def _top(name):
    """The function under numtorch's public wrapper (``__torch_function__`` dispatch)."""
    return inspect.unwrap(getattr(numtorch, name))


def test_moved_names_stay_reachable():
    from numtorch._ops.nn import activation, conv, grid, loss, normalization, pooling
    from numtorch._ops.nn import normalization as norm

    assert _top("native_layer_norm") is norm.native_layer_norm
    assert _top("native_group_norm") is norm.native_group_norm
    assert _top("native_batch_norm") is norm.native_batch_norm
    assert _top("grid_sampler_2d") is grid.grid_sampler_2d
    assert _top("conv2d") is conv.conv2d and _top("softmax") is activation.softmax
    assert pooling.MaxPoolWithIndices.grad_fn_name == "MaxPool2DWithIndicesBackward0"
    assert normalization.layer_norm is norm.layer_norm
    assert loss.NllLoss.grad_fn_name == "NllLossBackward0"
