"""Kernels for batching rules: a batched matrix product that keeps a weight shared by every
sample (an expanded, stride-0 batch dim) as one matrix."""

from __future__ import annotations

from .._backend import xp_of
from .._ops._base import Op
from ..autograd import grad_mode


def _shared(arr) -> bool:
    """Whether ``arr``'s leading (batch) dim repeats one matrix (stride 0)."""
    return arr.ndim == 3 and arr.shape[0] > 1 and arr.strides[0] == 0


class BatchedMatmul(Op):
    """``[B, n, k] @ [B, k, m]``: one 2-D product when the right operand is shared across the
    batch; the weight gradient of a single row (``n == 1``) as a broadcast outer product."""

    grad_fn_name = "BmmBackward0"
    params = ()

    def forward(self, a, b):
        self.save_inputs(0, 1)
        xp = xp_of(a)
        if _shared(b):
            bs, n, k = a.shape
            return xp.matmul(a.reshape(bs * n, k), b[0]).reshape(bs, n, b.shape[2])
        return xp.matmul(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        need = self.needs_input_grad
        ga = gb = None
        if need[0]:
            if _shared(b._data) and not grad_mode.backward_builds_graph():
                bs, n, m = g.shape
                ga = (g.reshape(bs * n, m) @ b[0].t()).reshape(a.shape)
            else:
                ga = g @ b.transpose(-1, -2)
        if need[1]:
            at = a.transpose(-1, -2)
            gb = at * g if a.shape[-2] == 1 else at @ g
        return ga, gb
