"""Module-level oracle: same weights in a torch module and a numtorch module, compare everything."""

from __future__ import annotations

import numpy as np
import torch

import numtorch
from tests.oracle import assert_same_value, graph_names, make_array


def copy_weights(tm, nm) -> None:
    """Load torch's state_dict into the numtorch module (via NumPy)."""
    sd = {k: numtorch.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()}
    nm.load_state_dict(sd)


def compare_module(make, shapes, *, dtype="float32", train=True, extra=None, rtol=None,
                   atol=None, graph=True, seed=0, low=-2.0, high=2.0, grad_inputs=True):
    """Build ``make(lib)`` in both libraries with torch's weights; compare outputs and grads.

    ``shapes`` are the float inputs (random, requiring grad); ``extra(lib)`` returns further
    non-differentiable inputs appended after them (targets, indices).
    """
    rng = np.random.default_rng(seed)
    tm, nm = make(torch), make(numtorch)
    tdt = getattr(torch, dtype)
    tm = tm.to(tdt)
    nm = nm.to(getattr(numtorch, dtype))
    copy_weights(tm, nm)
    tm.train(train)
    nm.train(train)
    arrs = [make_array(s, dtype, rng, low, high) for s in shapes]
    t_in = [torch.tensor(a, requires_grad=grad_inputs) for a in arrs]
    n_in = [numtorch.tensor(a, requires_grad=grad_inputs) for a in arrs]
    t_extra = extra(torch) if extra else []
    n_extra = extra(numtorch) if extra else []
    t_out = tm(*t_in, *t_extra)
    n_out = nm(*n_in, *n_extra)
    assert_same_value(n_out, t_out, rtol, atol, what="module output")
    if graph:
        assert graph_names(n_out.grad_fn) == graph_names(t_out.grad_fn), \
            f"graph {graph_names(n_out.grad_fn)} != torch {graph_names(t_out.grad_fn)}"
    if not t_out.requires_grad:
        return
    g = make_array(tuple(t_out.shape), dtype, rng)
    t_out.backward(torch.tensor(g))
    n_out.backward(numtorch.tensor(g))
    if grad_inputs:
        for i, (a, b) in enumerate(zip(n_in, t_in)):
            assert_same_value(a.grad, b.grad, rtol, atol, what=f"grad of input {i}")
    t_params = dict(tm.named_parameters())
    n_params = dict(nm.named_parameters())
    assert list(t_params) == list(n_params)
    for name, tp in t_params.items():
        np_ = n_params[name]
        if tp.grad is None:
            assert np_.grad is None, f"{name}: torch has no grad"
        else:
            assert_same_value(np_.grad, tp.grad, rtol, atol, what=f"grad of {name}")
