"""Resampling ops of ``torch.nn.functional``: pad, interpolate, grid_sample, affine_grid,
unfold/fold, pixel_shuffle/unshuffle.

Padding (non-constant modes) and interpolation are separable: along each spatial axis the output
is a weighted sum of a few gathered input positions (``take`` with an index map). The backward
scatters the gradient through the transposed map, as a matching op whose own backward is the
gather again, so these are twice differentiable.
"""

from __future__ import annotations

from ..._backend import add_at, host, xp_of
from ..._tensor import Tensor
from .._base import Op
from . import interp_checks as _checks

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
        m = host.zeros((n, idx.shape[1]), dtype=host.float64)
        cols = host.arange(idx.shape[1])
        for t in range(idx.shape[0]):
            add_at(m, (idx[t], cols), 1.0 if w is None else w[t])
        mat = xp.asarray(m.astype(g.dtype))
        g = xp.moveaxis(xp.tensordot(mat, g, axes=([1], [axis])), 0, axis)
    return xp.ascontiguousarray(g)


class Gather(Op):
    """Separable gather (padding, interpolation); ``name`` is PyTorch's node name."""

    grad_fn_name = "GatherAxesBackward0"
    params = ("maps",)

    def forward(self, a):
        self._sizes = [a.shape[ax] for ax, _, _ in self.maps]
        return xp_of(a).ascontiguousarray(_gather(a, self.maps))

    def backward(self, g):
        return Scatter.apply(g, maps=self.maps, sizes=self._sizes)


class Scatter(Op):
    grad_fn_name = "ScatterAxesBackward0"
    params = ("maps", "sizes")

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
    params = ("pads", "value")

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
    p = host.arange(-lo, n + hi)
    if mode == "reflect":
        p = host.abs(p)
        p = host.where(p >= n, 2 * (n - 1) - p, p)
    elif mode == "replicate":
        p = host.clip(p, 0, n - 1)
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
    if mode != "circular" and input._data.dtype.kind == "b":  # no bool CPU kernels
        kernel = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f'"{kernel}_pad{k}d" not implemented for \'Bool\'')
    name = {"reflect": f"ReflectionPad{k}DBackward0", "replicate": f"ReplicationPad{k}DBackward0",
            "circular": "CopySlices"}[mode]
    return _gather_op(input, tuple(maps), name)


__all__ += ["constant_pad_nd"]


def constant_pad_nd(input: Tensor, pad, value=0) -> Tensor:
    """``torch.constant_pad_nd``."""
    return pad_fn(input, pad, "constant", value)


pad_fn = pad


# -- interpolate ----------------------------------------------------------------------------------
_LINEAR_MODES = ("linear", "bilinear", "bicubic", "trilinear")
_UPSAMPLE_NAMES = {
    ("nearest", 1): "UpsampleNearest1DBackward0", ("nearest", 2): "UpsampleNearest2DBackward0",
    ("nearest", 3): "UpsampleNearest3DBackward0",
    ("nearest-exact", 1): "UpsampleNearestExact1DBackward0",
    ("nearest-exact", 2): "UpsampleNearestExact2DBackward0",
    ("nearest-exact", 3): "UpsampleNearestExact3DBackward0",
    ("linear", 1): "UpsampleLinear1DBackward0", ("bilinear", 2): "UpsampleBilinear2DBackward0",
    ("bicubic", 2): "UpsampleBicubic2DBackward0",
    ("trilinear", 3): "UpsampleTrilinear3DBackward0",
}


def _nearest_map(n_in: int, n_out: int, scale, exact: bool):
    """Source index per output index, in float32 as PyTorch's nearest kernels compute it."""
    f32 = host.float32
    s = f32(1.0 / scale) if scale is not None and scale > 0 else f32(n_in) / f32(n_out)
    dst = host.arange(n_out, dtype=f32)
    if exact:
        dst = dst + f32(0.5)
    src = host.floor(dst * s).astype(host.int64)
    return host.minimum(src, n_in - 1)[None, :]


def _source_index(n_in, n_out, scale, align_corners, cubic, dt):
    dst = host.arange(n_out).astype(dt)
    if align_corners:
        s = dt.type((n_in - 1) / (n_out - 1)) if n_out > 1 else dt.type(0)
        return s * dst
    s = dt.type(1.0 / scale) if scale is not None and scale > 0 else dt.type(n_in) / dt.type(n_out)
    src = s * (dst + dt.type(0.5)) - dt.type(0.5)
    return src if cubic else host.maximum(src, dt.type(0))


def _linear_map(n_in, n_out, scale, align_corners, dt):
    src = _source_index(n_in, n_out, scale, align_corners, False, dt)
    i0 = src.astype(host.int64)
    i1 = i0 + (i0 < n_in - 1)
    l1 = src - i0.astype(dt)
    l0 = dt.type(1) - l1
    return host.stack([i0, i1]), host.stack([l0, l1])


def _cubic_map(n_in, n_out, scale, align_corners, dt):
    src = _source_index(n_in, n_out, scale, align_corners, True, dt)
    i = host.floor(src)
    t = src - i
    i = i.astype(host.int64)
    a = dt.type(-0.75)
    one = dt.type(1)

    def conv1(x):
        return ((a + 2) * x - (a + 3)) * x * x + one

    def conv2(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    w = host.stack([conv2(t + one), conv1(t), conv1(one - t), conv2(one - t + one)])
    idx = host.stack([host.clip(i - 1 + k, 0, n_in - 1) for k in range(4)])
    return idx, w


def _pair_or_tuple(v, n):
    if isinstance(v, (tuple, list)):
        return tuple(v)
    return (v,) * n


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners=None, recompute_scale_factor=None,
                antialias: bool = False) -> Tensor:
    """``torch.nn.functional.interpolate`` for nearest, nearest-exact, (bi/tri)linear, bicubic
    and area; PyTorch's source-index rules (``align_corners``, given vs recomputed scales)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = list(input.shape[2:])
    if size is not None:
        if isinstance(size, (list, tuple)) and len(size) != dim:
            raise ValueError("Input and output must have the same number of spatial dimensions, "
                             f"but got input with spatial dimensions of {spatial} and output "
                             f"size of {size}. Please provide input tensor in (N, C, d1, d2, "
                             "...,dK) format and output size in (o1, o2, ...,oK) format.")
        _checks.check_size_types(size)
        _checks.check_scalar_size(size, mode, dim)
        out = tuple(int(s) for s in _pair_or_tuple(size, dim))
        scales = (None,) * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)) and len(scale_factor) != dim:
            raise ValueError("Input and scale_factor must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of {spatial} "
                             f"and scale_factor of shape {scale_factor}. Please provide input "
                             "tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, "
                             "s2, ...,sK) format.")
        sf = tuple(float(s) for s in _pair_or_tuple(scale_factor, dim))
        out = tuple(_checks.scaled_size(spatial[i], sf[i], mode) for i in range(dim))
        scales = (None,) * dim if recompute_scale_factor else sf
    else:
        raise ValueError("either size or scale_factor should be defined")
    if antialias:
        raise NotImplementedError("numtorch: interpolate(antialias=True) is not supported")
    need = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
    if mode in need and dim != need[mode]:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{need[mode] + 2}D input")
    if mode in ("nearest", "nearest-exact", "area", *_LINEAR_MODES) and 1 <= dim <= 3:
        _checks.check_output_sizes(spatial, out, mode)
    if mode == "area":
        from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

        if dim == 1:
            return adaptive_avg_pool1d(input, out)
        if dim == 2:
            return adaptive_avg_pool2d(input, out)
        if dim == 3:
            return adaptive_avg_pool3d(input, out)
    if mode not in ("nearest", "nearest-exact", *_LINEAR_MODES) or not 1 <= dim <= 3:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            "the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    _checks.check_dtype(input, mode, dim)
    dt = input._data.dtype
    maps = []
    for i in range(dim):
        n_in, n_out = spatial[i], out[i]
        if mode.startswith("nearest"):
            maps.append((2 + i, _nearest_map(n_in, n_out, scales[i], mode == "nearest-exact"),
                         None))
        elif mode == "bicubic":
            maps.append((2 + i,) + _cubic_map(n_in, n_out, scales[i], align_corners, dt))
        else:
            maps.append((2 + i,) + _linear_map(n_in, n_out, scales[i], align_corners, dt))
    return _gather_op(input, tuple(maps), _UPSAMPLE_NAMES[(mode, dim)])


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners=None) -> Tensor:
    """``F.upsample`` (deprecated alias of ``interpolate``)."""
    import warnings

    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    import warnings

    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    import warnings

    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- affine_grid / grid_sample --------------------------------------------------------------------
def _linspace(steps: int, dt):
    """``torch.linspace(-1, 1, steps)``'s values (PyTorch fills from both ends)."""
    if steps == 1:
        return host.array([-1.0], dtype=dt)
    step = (dt.type(1) - dt.type(-1)) / dt.type(steps - 1)
    i = host.arange(steps)
    half = steps // 2
    return host.where(i < half, dt.type(-1) + step * i.astype(dt),
                    dt.type(1) - step * (steps - i - 1).astype(dt)).astype(dt)


def _base_grid(h: int, w: int, align_corners: bool, dt):
    xs, ys = _linspace(w, dt), _linspace(h, dt)
    if not align_corners:
        xs = xs * dt.type(w - 1) / dt.type(w)
        ys = ys * dt.type(h - 1) / dt.type(h)
    base = host.empty((h, w, 3), dtype=dt)
    base[..., 0] = xs[None, :]
    base[..., 1] = ys[:, None]
    base[..., 2] = 1
    return base


class AffineGridGenerator(Op):
    grad_fn_name = "AffineGridGeneratorBackward0"
    reduced_float_in_float32 = True
    params = ("size", "align_corners")

    def forward(self, theta):
        xp = xp_of(theta)
        n, h, w = self.size[0], self.size[2], self.size[3]
        base = xp.asarray(_base_grid(h, w, self.align_corners, theta.dtype))
        self._base = base
        return xp.matmul(base.reshape(1, h * w, 3), theta.transpose(0, 2, 1)).reshape(n, h, w, 2)

    def backward(self, g):
        n, h, w = self.size[0], self.size[2], self.size[3]
        base = Tensor._from_array(self._base.reshape(h * w, 3))
        return g.reshape(n, h * w, 2).transpose(1, 2).matmul(base)


def _warn_align():
    import warnings

    warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the old "
                  "behavior is desired. See the documentation of grid_sample for details.",
                  stacklevel=3)


def affine_grid(theta: Tensor, size, align_corners=None) -> Tensor:
    """``torch.nn.functional.affine_grid`` for 2-D (N, 2, 3) transforms."""
    if align_corners is None:
        _warn_align()
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) != 4:
        raise NotImplementedError("numtorch: affine_grid supports 4-D sizes (N, C, H, W) only")
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.shape[0] != size[0]:
        from ..._tensor import Size

        raise ValueError("Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                         f"{size}. Got {Size(theta.shape)}.")
    return AffineGridGenerator.apply(theta, size=size, align_corners=align_corners)


def _reflect(xp, c, lo2, hi2):
    if lo2 == hi2:
        return xp.zeros_like(c), xp.zeros_like(c)
    mn = lo2 / 2
    span = (hi2 - lo2) / 2
    d = c - mn
    sign = xp.where(d < 0, -1.0, 1.0)
    d = xp.abs(d)
    extra = xp.fmod(d, span)
    flips = xp.floor(d / span)
    even = (flips % 2) == 0
    out = xp.where(even, extra + mn, span - extra + mn)
    grad = xp.where(even, sign, -sign)
    return out, grad


def _source(xp, coord, size, align_corners, padding_mode):
    """Unnormalised source coordinate and d(source)/d(grid) for one axis (float64)."""
    if align_corners:
        c = (coord + 1) / 2 * (size - 1)
        mult = xp.full_like(c, (size - 1) / 2)
    else:
        c = ((coord + 1) * size - 1) / 2
        mult = xp.full_like(c, size / 2)
    if padding_mode == "border":
        inside = (c > 0) & (c < size - 1)
        c = xp.clip(c, 0, size - 1)
        mult = mult * inside
    elif padding_mode == "reflection":
        c, g = (_reflect(xp, c, 0, 2 * (size - 1)) if align_corners
                else _reflect(xp, c, -1, 2 * size - 1))
        mult = mult * g
        inside = (c > 0) & (c < size - 1)
        c = xp.clip(c, 0, size - 1)
        mult = mult * inside
    return c, mult


class GridSampler2D(Op):
    """Bilinear/nearest sampling of (N, C, H, W) at grid (N, Ho, Wo, 2) in [-1, 1]."""

    grad_fn_name = "GridSampler2DBackward0"
    reduced_float_in_float32 = True
    params = ("mode", "padding_mode", "align_corners")

    def _corners(self, shape, grid):
        n, c, h, w = shape
        xp = xp_of(grid)
        g = xp.asarray(grid, dtype=xp.float64)
        ix, mx = _source(xp, g[..., 0], w, self.align_corners, self.padding_mode)
        iy, my = _source(xp, g[..., 1], h, self.align_corners, self.padding_mode)
        return ix, iy, mx, my

    @staticmethod
    def _taps(ix, iy, h, w, mode):
        """(flat index, in-bounds mask, weight, dw/dix, dw/diy) per tap."""
        xp = xp_of(ix)
        if mode == "nearest":
            x0, y0 = xp.rint(ix), xp.rint(iy)
            ok = (x0 >= 0) & (x0 <= w - 1) & (y0 >= 0) & (y0 <= h - 1)
            z = xp.zeros_like(ix)
            return [(y0 * w + x0, ok, xp.ones_like(ix), z, z)]
        x0, y0 = xp.floor(ix), xp.floor(iy)
        x1, y1 = x0 + 1, y0 + 1
        taps = []
        for xx, yy, wx, wy, dx, dy in ((x0, y0, x1 - ix, y1 - iy, -1, -1),
                                       (x1, y0, ix - x0, y1 - iy, 1, -1),
                                       (x0, y1, x1 - ix, iy - y0, -1, 1),
                                       (x1, y1, ix - x0, iy - y0, 1, 1)):
            ok = (xx >= 0) & (xx <= w - 1) & (yy >= 0) & (yy <= h - 1)
            taps.append((yy * w + xx, ok, wx * wy, dx * wy, dy * wx))
        return taps

    def forward(self, x, grid):
        self.save_inputs(0, 1)
        xp = xp_of(x)
        n, c, h, w = x.shape
        ix, iy, _, _ = self._corners(x.shape, grid)
        flat_x = x.reshape(n, c, h * w)
        out = xp.zeros((n, c) + ix.shape[1:], dtype=x.dtype)
        for idx, ok, wt, _, _ in self._taps(ix, iy, h, w, self.mode):
            ii = xp.where(ok, idx, 0).astype(xp.int64).reshape(n, 1, -1)
            vals = xp.take_along_axis(flat_x, xp.broadcast_to(ii, (n, c, ii.shape[2])),
                                      axis=2).reshape(out.shape)
            out += vals * xp.asarray((wt * ok).astype(x.dtype))[:, None]
        return out

    def backward(self, g):
        xt, gt = self.saved_tensors
        x, grid, ga = xt._data, gt._data, g._data
        xp = xp_of(x)
        n, c, h, w = x.shape
        ix, iy, mx, my = self._corners(x.shape, grid)
        flat_x = x.reshape(n, c, h * w)
        gflat = ga.reshape(n, c, -1)
        gx = xp.zeros(n * c * h * w, dtype=xp.float64) if self.needs_input_grad[0] else None
        ggx = xp.zeros(ix.shape)
        ggy = xp.zeros(ix.shape)
        offs = (xp.arange(n * c) * h * w).reshape(n, c, 1)
        for idx, ok, wt, dwx, dwy in self._taps(ix, iy, h, w, self.mode):
            ii = xp.where(ok, idx, 0).astype(xp.int64).reshape(n, 1, -1)
            iic = xp.broadcast_to(ii, (n, c, ii.shape[2]))
            if gx is not None:
                full = (ii + offs).reshape(-1)
                gx += xp.bincount(full, weights=(gflat * (wt * ok).reshape(n, 1, -1)).reshape(-1),
                                  minlength=n * c * h * w)
            if self.mode != "nearest":
                vals = xp.take_along_axis(flat_x, iic, axis=2)
                s = (vals * gflat).sum(axis=1).reshape(ix.shape) * ok
                ggx += s * dwx
                ggy += s * dwy
        ggrid = xp.stack([ggx * mx, ggy * my], axis=-1).astype(grid.dtype)
        gxt = Tensor._from_array(gx.astype(x.dtype).reshape(x.shape)) if gx is not None else None
        return gxt, Tensor._from_array(xp.asarray(ggrid))


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners=None) -> Tensor:
    """``torch.nn.functional.grid_sample`` on 4-D and 5-D input: bilinear (trilinear on 5-D)
    and nearest modes, zeros/border/reflection padding, ``align_corners``. Not supported:
    bicubic."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _warn_align()
        align_corners = False
    from .grid3d import GridSampler3D, check_grid_sampler

    check_grid_sampler(input, grid, mode)
    if input.ndim == 5:
        return GridSampler3D.apply(input, grid, mode=mode, padding_mode=padding_mode,
                                   align_corners=align_corners)
    if mode == "bicubic":
        raise NotImplementedError("numtorch: grid_sample does not support bicubic mode")
    return GridSampler2D.apply(input, grid, mode=mode, padding_mode=padding_mode,
                               align_corners=align_corners)


# -- unfold / fold --------------------------------------------------------------------------------
def _fold_args(kernel_size, dilation, padding, stride):
    return tuple(_pair_or_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))


class Im2Col(Op):
    grad_fn_name = "Im2ColBackward0"
    params = ("args", "out_sizes")

    def forward(self, x):
        from .conv import windows

        xp = xp_of(x)
        k, d, p, s = self.args
        if x.ndim == 3:
            return self.forward(x[None])[0]
        n, c, h, w = x.shape
        xpad = xp.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1]))) if any(p) else x
        out = self.out_sizes
        win = windows(xpad, k, s, d, out)                       # (N, C, oh, ow, kh, kw)
        cols = xp.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3))
        return cols.reshape(n, c * k[0] * k[1], out[0] * out[1])

    def backward(self, g):
        return Col2Im.apply(g, args=self.args, size=self._input_meta[0][0][-2:])


class Col2Im(Op):
    grad_fn_name = "Col2ImBackward0"
    params = ("args", "size")

    def forward(self, cols):
        xp = xp_of(cols)
        k, d, p, s = self.args
        if cols.ndim == 2:
            return self.forward(cols[None])[0]
        h, w = self.size
        out = tuple((self.size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1
                    for i in range(2))
        self._out = out
        n = cols.shape[0]
        c = cols.shape[1] // (k[0] * k[1])
        cols = cols.reshape(n, c, k[0], k[1], out[0], out[1])
        buf = xp.zeros((n, c, h + 2 * p[0], w + 2 * p[1]), dtype=cols.dtype)
        for i in range(k[0]):
            for j in range(k[1]):
                buf[:, :, i * d[0]: i * d[0] + s[0] * (out[0] - 1) + 1: s[0],
                    j * d[1]: j * d[1] + s[1] * (out[1] - 1) + 1: s[1]] += cols[:, :, i, j]
        return xp.ascontiguousarray(buf[:, :, p[0]:p[0] + h, p[1]:p[1] + w])

    def backward(self, g):
        return Im2Col.apply(g, args=self.args, out_sizes=self._out)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """``torch.nn.functional.unfold`` (im2col) of (N, C, H, W) or (C, H, W)."""
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got "
                                  f"{input.ndim}D)")
    h, w = input.shape[-2:]
    out = tuple((v + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i, v in enumerate((h, w)))
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input with spatial size ({h}, {w}), kernel_size={k}, "
                           f"dilation={d}, padding={p}, calculated shape of the array of "
                           f"sliding blocks as {out}, but its components must be at least one.")
    return Im2Col.apply(input, args=(k, d, p, s), out_sizes=out)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """``torch.nn.functional.fold`` (col2im) of (N, C*prod(k), L) or (C*prod(k), L)."""
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    size = _pair_or_tuple(output_size, 2)
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input "
                                  f"Tensors are supported (got {input.ndim}D)")
    blocks = [(size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    cdim = input.ndim - 2
    if input.shape[cdim] % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension {cdim} to be divisible by the "
                           f"product of kernel_size, but got input.size({cdim})="
                           f"{input.shape[cdim]} and kernel_size={k}")
    if input.shape[-1] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, stride={s}, expected size of input's dimension "
                           f"{cdim + 1} to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size({cdim + 1})={input.shape[-1]}.")
    return Col2Im.apply(input, args=(k, d, p, s), size=size)


# -- pixel shuffle --------------------------------------------------------------------------------
def _shuffle(a, r: int):
    lead = a.shape[:-3]
    c, h, w = a.shape[-3:]
    oc = c // (r * r)
    v = a.reshape(lead + (oc, r, r, h, w))
    nl = len(lead)
    perm = tuple(range(nl)) + tuple(nl + i for i in (0, 3, 1, 4, 2))
    return xp_of(a).ascontiguousarray(v.transpose(perm)).reshape(lead + (oc, h * r, w * r))


def _unshuffle(a, r: int):
    lead = a.shape[:-3]
    c, h, w = a.shape[-3:]
    v = a.reshape(lead + (c, h // r, r, w // r, r))
    nl = len(lead)
    perm = tuple(range(nl)) + tuple(nl + i for i in (0, 2, 4, 1, 3))
    return xp_of(a).ascontiguousarray(v.transpose(perm)).reshape(
        lead + (c * r * r, h // r, w // r))


class PixelShuffle(Op):
    grad_fn_name = "PixelShuffleBackward0"
    params = ("r",)

    def forward(self, a):
        return _shuffle(a, self.r)

    def backward(self, g):
        return PixelUnshuffle.apply(g, r=self.r)


class PixelUnshuffle(Op):
    grad_fn_name = "PixelUnshuffleBackward0"
    params = ("r",)

    def forward(self, a):
        return _unshuffle(a, self.r)

    def backward(self, g):
        return PixelShuffle.apply(g, r=self.r)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``torch.nn.functional.pixel_shuffle``."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible "
                           f"by the square of upscale_factor, but input.size(-3)={c} is not "
                           f"divisible by {r * r}")
    return PixelShuffle.apply(input, r=r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``torch.nn.functional.pixel_unshuffle``."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    return PixelUnshuffle.apply(input, r=r)


__all__ += ["pixel_shuffle", "pixel_unshuffle"]
