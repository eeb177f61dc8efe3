"""``grid_sample`` on volumes: (N, C, D, H, W) input sampled at a (N, Do, Ho, Wo, 3) grid
(``GridSampler3DBackward0``), trilinear ("bilinear") or nearest, with zeros/border/reflection
padding; and the argument checks ``grid_sample`` shares with the 2-D sampler, worded as
PyTorch's."""

from __future__ import annotations

from ..._backend import xp_of
from ..._tensor import Tensor
from .._base import Op

__all__: list[str] = []


def _sizes(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def check_grid_sampler(input: Tensor, grid: Tensor, mode: str) -> None:
    """PyTorch's checks, in its order: batch sizes, the grid's last dim, non-empty spatial
    dims, 4-D/5-D ranks, bicubic only on 4-D input, then the kernel's dtypes."""
    ish, gsh = tuple(input.shape), tuple(grid.shape)
    if input.ndim and grid.ndim and ish[0] != gsh[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, but "
                           f"got input with sizes {_sizes(ish)} and grid with sizes "
                           f"{_sizes(gsh)}")
    if not grid.ndim or gsh[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in last "
                           f"dimension, but got grid with sizes {_sizes(gsh)}")
    for i in range(2, input.ndim):
        if ish[i] <= 0:
            raise RuntimeError("grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {_sizes(ish)} with dimension {i}"
                               " being empty")
    nd = 4 if input.ndim == 4 else 5
    if input.ndim != nd or grid.ndim != nd:
        raise RuntimeError(f"grid_sampler(): expected {nd}D input and grid with same number of "
                           f"dimensions, but got input with sizes {_sizes(ish)} and grid with "
                           f"sizes {_sizes(gsh)}")
    if nd == 5 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    dt = input._data.dtype
    if dt.kind not in "fV":
        kernel = "grid_sampler_2d_cpu_kernel_impl" if nd == 4 else "grid_sampler3d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype.c_name}\'')
    if grid._data.dtype != dt:
        raise RuntimeError(f"expected scalar type {input.dtype.c_name} but found "
                           f"{grid.dtype.c_name}")


def _taps(coords, sizes, mode):
    """Per tap: (flat index into D*H*W, in-bounds mask, weight, d weight / d coord per axis).

    ``coords``/``sizes`` are ordered (z, y, x) / (D, H, W)."""
    xp = xp_of(coords[0])
    if mode == "nearest":
        near = [xp.rint(c) for c in coords]
        ok = xp.ones(near[0].shape, dtype=bool)
        flat = xp.zeros_like(near[0])
        for c, n in zip(near, sizes):
            ok &= (c >= 0) & (c <= n - 1)
            flat = flat * n + c
        zero = xp.zeros_like(near[0])
        return [(flat, ok, xp.ones_like(near[0]), (zero, zero, zero))]
    lo = [xp.floor(c) for c in coords]
    taps = []
    for corner in range(8):
        bits = [(corner >> (2 - a)) & 1 for a in range(3)]
        pos, wts, sgn = [], [], []
        for a in range(3):
            if bits[a]:
                pos.append(lo[a] + 1)
                wts.append(coords[a] - lo[a])
                sgn.append(1.0)
            else:
                pos.append(lo[a])
                wts.append(lo[a] + 1 - coords[a])
                sgn.append(-1.0)
        ok = xp.ones(pos[0].shape, dtype=bool)
        flat = xp.zeros_like(pos[0])
        for p, n in zip(pos, sizes):
            ok &= (p >= 0) & (p <= n - 1)
            flat = flat * n + p
        w = wts[0] * wts[1] * wts[2]
        dw = (sgn[0] * wts[1] * wts[2], sgn[1] * wts[0] * wts[2], sgn[2] * wts[0] * wts[1])
        taps.append((flat, ok, w, dw))
    return taps


class GridSampler3D(Op):
    """Trilinear/nearest sampling of (N, C, D, H, W) at grid (N, Do, Ho, Wo, 3) in [-1, 1]
    (grid[..., 0] indexes W, [..., 1] H, [..., 2] D)."""

    grad_fn_name = "GridSampler3DBackward0"
    reduced_float_in_float32 = True
    params = ("mode", "padding_mode", "align_corners")

    def _coords(self, shape, grid):
        from .sampling import _source

        xp = xp_of(grid)
        g = xp.asarray(grid, dtype=xp.float64)
        d, h, w = shape[2:]
        iz, mz = _source(xp, g[..., 2], d, self.align_corners, self.padding_mode)
        iy, my = _source(xp, g[..., 1], h, self.align_corners, self.padding_mode)
        ix, mx = _source(xp, g[..., 0], w, self.align_corners, self.padding_mode)
        return (iz, iy, ix), (mz, my, mx)

    def forward(self, x, grid):
        self.save_inputs(0, 1)
        xp = xp_of(x)
        n, c = x.shape[:2]
        coords, _ = self._coords(x.shape, grid)
        out = xp.zeros((n, c) + coords[0].shape[1:], dtype=x.dtype)
        if not out.size:
            return out
        flat_x = x.reshape(n, c, -1)
        for idx, ok, wt, _ in _taps(coords, x.shape[2:], self.mode):
            ii = xp.where(ok, idx, 0).astype(xp.int64).reshape(n, 1, -1)
            vals = xp.take_along_axis(flat_x, xp.broadcast_to(ii, (n, c, ii.shape[2])),
                                      axis=2).reshape(out.shape)
            out += vals * xp.asarray((wt * ok).astype(x.dtype))[:, None]
        return out

    def backward(self, g):
        xt, gt = self.saved_tensors
        x, grid, ga = xt._data, gt._data, g._data
        xp = xp_of(x)
        n, c = x.shape[:2]
        vol = x.shape[2] * x.shape[3] * x.shape[4]
        coords, mults = self._coords(x.shape, grid)
        if not ga.size:
            gx = xp.zeros(x.shape, x.dtype) if self.needs_input_grad[0] else None
            return (None if gx is None else Tensor._from_array(gx),
                    Tensor._from_array(xp.zeros(grid.shape, grid.dtype)))
        flat_x = x.reshape(n, c, vol)
        gflat = ga.reshape(n, c, -1)
        gx = xp.zeros(n * c * vol, dtype=xp.float64) if self.needs_input_grad[0] else None
        ggrid = [xp.zeros(coords[0].shape) for _ in range(3)]
        offs = (xp.arange(n * c) * vol).reshape(n, c, 1)
        for idx, ok, wt, dws in _taps(coords, x.shape[2:], self.mode):
            ii = xp.where(ok, idx, 0).astype(xp.int64).reshape(n, 1, -1)
            if gx is not None and gflat.size:
                full = (ii + offs).reshape(-1)
                gx += xp.bincount(full, weights=(gflat * (wt * ok).reshape(n, 1, -1)).reshape(-1),
                                  minlength=n * c * vol)
            if self.mode != "nearest" and gflat.size:
                vals = xp.take_along_axis(flat_x, xp.broadcast_to(ii, (n, c, ii.shape[2])),
                                          axis=2)
                s = (vals * gflat).sum(axis=1).reshape(coords[0].shape) * ok
                for a in range(3):
                    ggrid[a] += s * dws[a]
        # the grid's last axis is (x, y, z): reverse the (z, y, x) order used above
        gg = xp.stack([ggrid[2] * mults[2], ggrid[1] * mults[1], ggrid[0] * mults[0]],
                      axis=-1).astype(grid.dtype)
        gxt = Tensor._from_array(gx.astype(x.dtype).reshape(x.shape)) if gx is not None else None
        return gxt, Tensor._from_array(xp.asarray(gg))
