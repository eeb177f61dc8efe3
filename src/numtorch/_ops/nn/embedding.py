"""``embedding``: a row gather whose gradient scatters back (``EmbeddingBackward0``)."""

from __future__ import annotations

from ..._backend import add_at, xp_of
from ..._tensor import Tensor
from .._base import Op

__all__: list[str] = []


def _t(arr) -> Tensor:
    return Tensor._from_array(arr)


class Embedding(Op):
    """Rows ``weight[indices]``; the gradient sums back into the rows (a dense gradient)."""

    grad_fn_name = "EmbeddingBackward0"
    params = ("indices", "num_weights", "padding_idx", "scale_grad_by_freq")

    def forward(self, w):
        return w[self.indices]

    def backward(self, g):
        return EmbeddingDenseBackward.apply(g, indices=self.indices, num_weights=self.num_weights,
                                            padding_idx=self.padding_idx,
                                            scale_grad_by_freq=self.scale_grad_by_freq)


class EmbeddingDenseBackward(Op):
    """``embedding_dense_backward``: sum gradient rows into the rows they came from (scaled by
    inverse frequency on request, zero at ``padding_idx``); its gradient is the gather again."""

    grad_fn_name = "EmbeddingDenseBackward0"
    params = ("indices", "num_weights", "padding_idx", "scale_grad_by_freq")

    def forward(self, g):
        xp = xp_of(g)
        d = g.shape[-1]
        idx = self.indices.reshape(-1)
        rows = g.reshape(-1, d)
        if self.scale_grad_by_freq:
            counts = xp.bincount(idx, minlength=self.num_weights)
            rows = rows / counts[idx][:, None].astype(g.dtype)
        out = xp.zeros((self.num_weights, d), dtype=g.dtype)
        add_at(out, idx, rows)
        if self.padding_idx is not None and self.padding_idx >= 0:
            out[self.padding_idx] = 0
        return out

    def backward(self, gg):
        xp = xp_of(self.indices)
        keep = gg
        if self.padding_idx is not None and self.padding_idx >= 0:
            mask = xp.ones((self.num_weights, 1), dtype=gg._data.dtype)
            mask[self.padding_idx] = 0
            keep = gg * _t(mask)
        out = keep[_t(self.indices.astype(xp.int64, copy=False))]
        if self.scale_grad_by_freq:
            idx = self.indices.reshape(-1)
            counts = xp.bincount(idx, minlength=self.num_weights)[self.indices]
            out = out / _t(counts[..., None].astype(gg._data.dtype))
        return out
