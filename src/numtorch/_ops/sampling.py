"""Resampling ops of ``torch.nn.functional``: pad, interpolate, grid_sample, affine_grid,
unfold/fold, pixel_shuffle/unshuffle.

Padding (non-constant modes) and interpolation are separable: along each spatial axis the output
is a weighted sum of a few gathered input positions (``take`` with an index map). The backward
scatters the gradient through the transposed map, as a matching op whose own backward is the
gather again, so these are twice differentiable.
"""

from __future__ import annotations

import math

import numpy as np

from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op

__all__: list[str] = []


# -- separable gather / scatter -----------------------------------------------------------------
def _gather(a, maps):
    """``maps``: (axis, idx (taps, out), weights (taps, out) or None) applied in order."""
    xp = xp_of(a)
    for axis, idx, w in maps:
        if w is None:
            a = xp.take(a, idx[0], axis=axis)
            continue
        shape = [1] * a.ndim
        shape[axis] = -1
        acc = None
        for t in range(idx.shape[0]):
            term = xp.take(a, idx[t], axis=axis) * w[t].astype(a.dtype).reshape(shape)
            acc = term if acc is None else acc + term
        a = acc
    return a


def _scatter(g, maps, sizes):
    """Adjoint of :func:`_gather`: ``sizes[k]`` is the input length along ``maps[k]``'s axis."""
    xp = xp_of(g)
    for (axis, idx, w), n in reversed(list(zip(maps, sizes))):
        m = np.zeros((n, idx.shape[1]), dtype=np.float64)
        cols = np.arange(idx.shape[1])
        for t in range(idx.shape[0]):
            np.add.at(m, (idx[t], cols), 1.0 if w is None else w[t])
        mat = xp.asarray(m.astype(g.dtype))
        g = xp.moveaxis(xp.tensordot(mat, g, axes=([1], [axis])), 0, axis)
    return xp.ascontiguousarray(g)


class Gather(Op):
    """Separable gather (padding, interpolation); ``name`` is PyTorch's node name."""

    grad_fn_name = "GatherAxesBackward0"

    def forward(self, a):
        self._sizes = [a.shape[ax] for ax, _, _ in self.maps]
        return xp_of(a).ascontiguousarray(_gather(a, self.maps))

    def backward(self, g):
        return Scatter.apply(g, maps=self.maps, sizes=self._sizes)


class Scatter(Op):
    grad_fn_name = "ScatterAxesBackward0"

    def forward(self, g):
        return _scatter(g, self.maps, self.sizes)

    def backward(self, gg):
        return _gather_op(gg, self.maps, "GatherAxesBackward0")


_GATHER_NODES: dict[str, type] = {}


def _gather_op(x: Tensor, maps, name: str) -> Tensor:
    cls = _GATHER_NODES.get(name)
    if cls is None:
        cls = type(name.replace("Backward0", ""), (Gather,), {"grad_fn_name": name})
        _GATHER_NODES[name] = cls
    return cls.apply(x, maps=maps)


# -- pad ----------------------------------------------------------------------------------------
_PAD_NOT_SUPPORTED = (
    "Padding size {n} is not supported for {d}D input tensor.\n"
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


class ConstantPadNd(Op):
    grad_fn_name = "ConstantPadNdBackward0"

    def forward(self, a):
        xp = xp_of(a)
        nd = len(self.pads)
        lead = a.ndim - nd
        crop = (slice(None),) * lead + tuple(
            slice(max(-lo, 0), a.shape[lead + i] - max(-hi, 0)) for i, (lo, hi) in
            enumerate(self.pads))
        a = a[crop]
        widths = ((0, 0),) * lead + tuple((max(lo, 0), max(hi, 0)) for lo, hi in self.pads)
        if not any(w for pair in widths for w in pair):
            return a.copy()
        out = xp.full(tuple(s + lo + hi for s, (lo, hi) in zip(a.shape, widths)), self.value,
                      dtype=a.dtype)
        out[tuple(slice(lo, lo + s) for s, (lo, _) in zip(a.shape, widths))] = a
        return out

    def backward(self, g):
        return ConstantPadNd.apply(g, pads=tuple((-lo, -hi) for lo, hi in self.pads), value=0)


def _pad_index(n: int, lo: int, hi: int, mode: str):
    p = np.arange(-lo, n + hi)
    if mode == "reflect":
        p = np.abs(p)
        p = np.where(p >= n, 2 * (n - 1) - p, p)
    elif mode == "replicate":
        p = np.clip(p, 0, n - 1)
    else:
        p = p % n
    return p[None, :]


def pad(input: Tensor, pad, mode: str = "constant", value=None) -> Tensor:
    """``torch.nn.functional.pad`` (constant, reflect, replicate, circular)."""
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = input.ndim
    k = len(pad) // 2
    if mode == "constant":
        if len(pad) > 2 * nd:
            raise RuntimeError("Padding length should be less than or equal to two times the "
                               f"input dimension but got padding length {len(pad)} and input "
                               f"of dimension {nd}")
        pads = tuple((pad[2 * (k - 1 - i)], pad[2 * (k - 1 - i) + 1]) for i in range(k))
        for i, (lo, hi) in enumerate(pads):
            if input.shape[nd - k + i] + min(lo, 0) + min(hi, 0) < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        return ConstantPadNd.apply(input, pads=pads, value=0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if k not in (1, 2, 3) or nd not in (k + 1, k + 2):
        raise NotImplementedError(_PAD_NOT_SUPPORTED.format(n=len(pad), d=nd))
    maps = []
    for i in range(k):
        axis = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        n = input.shape[axis]
        if mode == "reflect":
            if lo >= n or hi >= n:
                raise RuntimeError("Argument #4: Padding size should be less than the "
                                   f"corresponding input dimension, but got: padding ({lo}, "
                                   f"{hi}) at dimension {axis} of input "
                                   f"[{', '.join(str(s) for s in input.shape)}]")
        elif mode == "circular":
            if lo > n or hi > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
        elif n + lo + hi <= 0:
            dim = "WHD"[i]
            raise RuntimeError(f"input ({dim}: {n}) is too small. Calculated output {dim}: "
                               f"{n + lo + hi}")
        maps.append((axis, _pad_index(n, lo, hi, mode), None))
    name = {"reflect": f"ReflectionPad{k}DBackward0", "replicate": f"ReplicationPad{k}DBackward0",
            "circular": "CopySlices"}[mode]
    return _gather_op(input, tuple(maps), name)


__all__ += ["constant_pad_nd"]


def constant_pad_nd(input: Tensor, pad, value=0) -> Tensor:
    """``torch.constant_pad_nd``."""
    return pad_fn(input, pad, "constant", value)


pad_fn = pad
