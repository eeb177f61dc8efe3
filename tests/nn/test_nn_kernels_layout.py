"""The nn kernels live in ``numtorch._ops.nn``: the names that moved there stay reachable from
the package top and keep their grad_fn names (the layout rules are in tests/test_structure.py)."""

from __future__ import annotations

import inspect

import numtorch


def test_moved_names_stay_reachable():
    from numtorch._ops.nn import activation, conv, grid, loss, normalization, pooling
    from numtorch._ops.nn import normalization as norm

    assert numtorch.native_layer_norm is norm.native_layer_norm
    assert numtorch.native_group_norm is norm.native_group_norm
    assert numtorch.native_batch_norm is norm.native_batch_norm
    assert numtorch.grid_sampler_2d is grid.grid_sampler_2d
    # the public function may wrap the kernel's (NumPy keyword aliases): the same function
    assert numtorch.conv2d is conv.conv2d
    assert inspect.unwrap(numtorch.softmax) is activation.softmax
    assert pooling.MaxPoolWithIndices.grad_fn_name == "MaxPool2DWithIndicesBackward0"
    assert normalization.layer_norm is norm.layer_norm
    assert loss.NllLoss.grad_fn_name == "NllLossBackward0"
