"""The rest of torchvision's v1 functional API: colour ops (invert, posterize, solarize,
autocontrast, equalize, sharpness, gamma), five/ten crops and the grid-sampled geometry
(affine, rotate, perspective, elastic) on PIL images and tensors ``[..., C, H, W]``.

PIL images go through Pillow (ImageOps / ``Image.transform``) as in torchvision; tensors follow
torchvision's tensor algorithms: the same inverse affine matrix, the same sampling grids fed to
``grid_sample`` (``align_corners=False``, zero padding, a mask channel for ``fill``), float32
work for integer images and rounding back.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._ops.creation import linspace
from ..._tensor import Tensor

__all__ = ["invert", "posterize", "solarize", "autocontrast", "equalize", "adjust_sharpness",
           "adjust_gamma", "five_crop", "ten_crop", "affine", "perspective",
           "elastic_transform", "rotate_tensor"]


def _nt():
    import numtorch

    return numtorch


def _F():
    from . import functional

    return functional


def _wrap(arr: np.ndarray) -> Tensor:
    return Tensor._from_array(np.ascontiguousarray(arr))


def _bound(dtype: np.dtype) -> float:
    return 1.0 if dtype.kind in "fV" else float(np.iinfo(dtype).max)


def _assert_channels(img: Tensor, permitted: list[int]) -> None:
    c = 1 if img.ndim == 2 else img.shape[-3]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but "
                        f"found {c}")


def _assert_uint8(img: Tensor) -> None:
    if img._data.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")


def _imageops():
    from PIL import ImageOps

    return ImageOps


# -- colour -------------------------------------------------------------------------------------
def invert(img):
    """Invert the colours (``bound - img``)."""
    _F()._check(img)
    if _F()._is_pil(img):
        return _imageops().invert(img)
    _assert_channels(img, [1, 3])
    arr = img._data
    if arr.dtype == np.bool_:
        return _wrap(~arr)
    return _wrap((arr.dtype.type(_bound(arr.dtype)) - arr).astype(arr.dtype))


def posterize(img, bits: int):
    """Keep the ``bits`` high bits of each uint8 channel value."""
    if not (0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    _F()._check(img)
    if _F()._is_pil(img):
        return _imageops().posterize(img, bits)
    _assert_uint8(img)
    _assert_channels(img, [1, 3])
    mask = np.uint8((-int(2 ** (8 - bits))) & 0xFF)
    return _wrap(img._data & mask)


def solarize(img, threshold: float):
    """Invert the values at or above ``threshold``."""
    _F()._check(img)
    if _F()._is_pil(img):
        return _imageops().solarize(img, threshold)
    _assert_channels(img, [1, 3])
    arr = img._data
    if threshold > _bound(arr.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    inverted = invert(img)._data
    return _wrap(np.where(arr >= threshold, inverted, arr))


def autocontrast(img):
    """Stretch each channel to the full range (per image, per channel)."""
    _F()._check(img)
    if _F()._is_pil(img):
        return _imageops().autocontrast(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found "
                        f"{img.ndim}")
    _assert_channels(img, [1, 3])
    arr = img._data
    work = arr.dtype.type if arr.dtype.kind in "fV" else np.float32
    bound = work(_bound(arr.dtype))
    lo = arr.min(axis=(-2, -1), keepdims=True).astype(work)
    hi = arr.max(axis=(-2, -1), keepdims=True).astype(work)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = (work(1) / (hi - lo)) * bound  # torch's scalar / tensor: reciprocal, then *
    bad = ~np.isfinite(scale)
    lo = np.where(bad, work(0), lo)
    scale = np.where(bad, work(1), scale)
    out = np.clip((arr.astype(work) - lo) * scale, 0, bound)
    return _wrap(out.astype(arr.dtype))


def _equalize_channel(chan: np.ndarray) -> np.ndarray:
    hist = np.bincount(chan.reshape(-1), minlength=256).astype(np.int64)
    nonzero = hist[hist != 0]
    step = int(nonzero[:-1].sum()) // 255
    if step == 0:
        return chan
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255)
    return lut[chan.astype(np.int64)].astype(np.uint8)


def equalize(img):
    """Histogram-equalise each uint8 channel."""
    _F()._check(img)
    if _F()._is_pil(img):
        return _imageops().equalize(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found "
                        f"{img.ndim}")
    _assert_uint8(img)
    _assert_channels(img, [1, 3])
    arr = img._data
    flat = arr.reshape((-1,) + arr.shape[-2:])
    out = np.stack([_equalize_channel(c) for c in flat]).reshape(arr.shape)
    return _wrap(out)


def adjust_sharpness(img, sharpness_factor: float):
    """Blend with the 3x3 smoothed image (weight 5 in the centre); borders are kept."""
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    _F()._check(img)
    if _F()._is_pil(img):
        from PIL import ImageEnhance

        return ImageEnhance.Sharpness(img).enhance(sharpness_factor)
    _assert_channels(img, [1, 3])
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    nt = _nt()
    arr = img._data
    c = arr.shape[-3]
    kernel = nt.ones((3, 3), dtype=img.dtype if arr.dtype.kind in "fV" else nt.float32)
    kernel[1, 1] = 5.0
    kernel = (kernel / kernel.sum()).expand(c, 1, 3, 3)
    x, need_cast, squeeze, out_dtype = _cast_squeeze_in(img, [kernel.dtype])
    y = nt.nn.functional.conv2d(x, kernel, groups=c)
    y = _cast_squeeze_out(y, need_cast, squeeze, out_dtype)
    degenerate = arr.copy()
    degenerate[..., 1:-1, 1:-1] = y._data
    return _wrap(_F()._blend(arr, degenerate, sharpness_factor))


def adjust_gamma(img, gamma: float, gain: float = 1):
    """``gain * img ** gamma`` on the [0, 1] scale."""
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    _F()._check(img)
    if _F()._is_pil(img):
        mode = img.mode
        rgb = img.convert("RGB")
        table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
        return rgb.point(table).convert(mode)
    _assert_channels(img, [1, 3])
    F = _F()
    nt = _nt()
    res = img if img._data.dtype.kind in "fV" else F.convert_image_dtype(img, nt.float32)
    res = _wrap(np.clip(res._data.dtype.type(gain) * res._data ** res._data.dtype.type(gamma),
                        0, 1))
    return F.convert_image_dtype(res, img.dtype)


# -- crops ------------------------------------------------------------------------------------
def _crop_size(size) -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, Sequence) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img, size):
    """The four corner crops and the central crop."""
    F = _F()
    size = _crop_size(size)
    _, h, w = F.get_dimensions(img)
    ch, cw = size
    if cw > w or ch > h:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    return (F.crop(img, 0, 0, ch, cw), F.crop(img, 0, w - cw, ch, cw),
            F.crop(img, h - ch, 0, ch, cw), F.crop(img, h - ch, w - cw, ch, cw),
            F.center_crop(img, [ch, cw]))


def ten_crop(img, size, vertical_flip: bool = False):
    """``five_crop`` of the image and of its (horizontally, or vertically) flipped copy."""
    F = _F()
    size = _crop_size(size)
    first = five_crop(img, size)
    flipped = F.vflip(img) if vertical_flip else F.hflip(img)
    return first + five_crop(flipped, size)


# -- grid transforms ----------------------------------------------------------------------------
def _interp(interpolation):
    from .functional import _PIL_RESAMPLE, InterpolationMode

    if isinstance(interpolation, int):
        interpolation = {v: k for k, v in _PIL_RESAMPLE.items()}[interpolation]
    elif not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a "
                        "corresponding Pillow integer constant")
    return interpolation


def _inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in (a, b, 0.0, c, d, 0.0)]
        m[2] += m[0] * (-cx) + m[1] * (-cy)
        m[5] += m[3] * (-cx) + m[4] * (-cy)
        m[2] += cx + tx
        m[5] += cy + ty
    return m


def _pil_fill(fill, img) -> dict[str, Any]:
    n = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and n > 1:
        fill = tuple([fill] * n)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * n
        elif len(fill) != n:
            raise ValueError(f"The number of elements in 'fill' does not match the number of "
                             f"bands of the image ({len(fill)} != {n})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {"fillcolor": fill}


def _check_grid_inputs(img, matrix, interpolation: str, fill, modes, coeffs=None) -> None:
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor")
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")
    if matrix is not None and not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if matrix is not None and len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    if coeffs is not None and len(coeffs) != 8:
        raise ValueError("Argument coeffs should have 8 float values")
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        warnings.warn("Argument fill should be either int, float, tuple or list", stacklevel=3)
    c = _F().get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != c:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number "
                         f"of channels of the image ({len(fill)} != {c})")
    if interpolation not in modes:
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _cast_squeeze_in(img: Tensor, dtypes: list):
    squeeze = img.ndim < 4
    if squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    need_cast = out_dtype not in dtypes
    if need_cast:
        img = img.to(dtypes[0])
    return img, need_cast, squeeze, out_dtype


def _cast_squeeze_out(img: Tensor, need_cast: bool, squeeze: bool, out_dtype) -> Tensor:
    if squeeze:
        img = img.squeeze(0)
    if need_cast:
        if not out_dtype.is_floating_point:
            img = _nt().round(img)
        img = img.to(out_dtype)
    return img


def _grid_sample(x: np.ndarray, grid: np.ndarray, mode: str) -> np.ndarray:
    """``grid_sample(x, grid, mode, padding_mode="zeros", align_corners=False)`` for
    ``x (N, C, H, W)``, ``grid (N, h, w, 2)``, in torch's float arithmetic (nearest rounds
    half to even, bilinear sums the four corners in torch's order)."""
    dt = x.dtype.type
    n, c, h, w = x.shape
    ix = ((grid[..., 0] + dt(1)) * dt(w) - dt(1)) / dt(2)
    iy = ((grid[..., 1] + dt(1)) * dt(h) - dt(1)) / dt(2)
    bidx = np.arange(n)[:, None, None]

    def gather(yy, xx):
        ok = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
        v = x[bidx, :, np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]  # (n, h', w', c)
        return np.where(ok[..., None], v, dt(0))

    if mode == "nearest":
        out = gather(np.rint(iy).astype(np.int64), np.rint(ix).astype(np.int64))
    else:
        x0, y0 = np.floor(ix), np.floor(iy)
        x1, y1 = x0 + dt(1), y0 + dt(1)
        w_nw = (x1 - ix) * (y1 - iy)
        w_ne = (ix - x0) * (y1 - iy)
        w_sw = (x1 - ix) * (iy - y0)
        w_se = (ix - x0) * (iy - y0)
        xi0, yi0, xi1, yi1 = (a.astype(np.int64) for a in (x0, y0, x1, y1))
        out = gather(yi0, xi0) * w_nw[..., None]
        out = out + gather(yi0, xi1) * w_ne[..., None]
        out = out + gather(yi1, xi0) * w_sw[..., None]
        out = out + gather(yi1, xi1) * w_se[..., None]
    return np.ascontiguousarray(np.moveaxis(out, -1, 1)).astype(x.dtype)


def _apply_grid(img: Tensor, grid: Tensor, mode: str, fill) -> Tensor:
    x, need_cast, squeeze, out_dtype = _cast_squeeze_in(img, [grid.dtype])
    arr = x._data
    g = np.broadcast_to(grid._data, (arr.shape[0],) + tuple(grid.shape[1:]))
    if fill is not None:
        arr = np.concatenate([arr, np.ones((arr.shape[0], 1) + arr.shape[2:], arr.dtype)], 1)
    arr = _grid_sample(arr, g, mode)
    if fill is not None:
        mask = np.broadcast_to(arr[:, -1:], arr[:, :-1].shape)
        arr = arr[:, :-1]
        values = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = np.broadcast_to(np.asarray(values, arr.dtype).reshape(1, -1, 1, 1),
                                   arr.shape)
        if mode == "nearest":
            arr = np.where(mask < 0.5, fill_img, arr)
        else:
            one = arr.dtype.type(1)
            arr = arr * mask + (one - mask) * fill_img
    return _cast_squeeze_out(_wrap(arr), need_cast, squeeze, out_dtype)


def _affine_grid(theta: Tensor, w: int, h: int, ow: int, oh: int) -> Tensor:
    """torchvision's affine sampling grid; the 3-term products are summed left to right in the
    working dtype, which is what torch's ``bmm`` gives here."""
    nt = _nt()
    d = 0.5
    xs = nt.linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, steps=ow, dtype=theta.dtype)._data
    ys = nt.linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, steps=oh, dtype=theta.dtype)._data
    scaled = (theta.transpose(1, 2) / nt.tensor([0.5 * w, 0.5 * h], dtype=theta.dtype))._data[0]
    return _wrap(_grid_from(xs, ys, scaled)[None])


def _grid_from(xs: np.ndarray, ys: np.ndarray, m: np.ndarray) -> np.ndarray:
    xx, yy = np.meshgrid(xs, ys)
    one = xs.dtype.type(1)
    return np.stack([(xx * m[0, k] + yy * m[1, k]) + one * m[2, k] for k in range(2)], -1)


def _float_dtype(img: Tensor):
    return img.dtype if img.dtype.is_floating_point else _nt().float32


def _tensor_affine(img: Tensor, matrix: list[float], interpolation: str, fill) -> Tensor:
    _check_grid_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    nt = _nt()
    theta = nt.tensor(matrix, dtype=_float_dtype(img)).reshape(1, 2, 3)
    h, w = img.shape[-2], img.shape[-1]
    return _apply_grid(img, _affine_grid(theta, w, h, w, h), interpolation, fill)


def _affine_output_size(matrix: list[float], w: int, h: int) -> tuple[int, int]:
    nt = _nt()
    pts = nt.tensor([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                     [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]])
    theta = nt.tensor(matrix, dtype=nt.float32).view(2, 3)
    new = nt.matmul(pts, theta.T)
    shift = nt.tensor((w * 0.5, h * 0.5))
    lo, hi = new.min(dim=0).values + shift, new.max(dim=0).values + shift
    tol = 1e-4
    cmax = nt.ceil(nt.trunc(hi / tol) * tol)
    cmin = nt.floor(nt.trunc(lo / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def rotate_tensor(img: Tensor, angle: float, interpolation: str, expand: bool, center,
                  fill) -> Tensor:
    """torchvision's tensor rotation: the inverse rotation matrix about the centre (or
    ``center``) sampled on a grid, enlarged to the rotated bounds when ``expand``."""
    _, h, w = _F().get_dimensions(img)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    matrix = _inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    _check_grid_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    ow, oh = _affine_output_size(matrix, w, h) if expand else (w, h)
    nt = _nt()
    theta = nt.tensor(matrix, dtype=_float_dtype(img)).reshape(1, 2, 3)
    return _apply_grid(img, _affine_grid(theta, w, h, ow, oh), interpolation, fill)


def affine(img, angle: float, translate: list[int], scale: float, shear,
           interpolation=None, fill: Any = None, center: list[int] | None = None):
    """Rotation, translation, scale and shear about the centre (or ``center``)."""
    from .functional import _PIL_RESAMPLE, InterpolationMode

    interpolation = _interp(InterpolationMode.NEAREST if interpolation is None
                            else interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    F = _F()
    F._check(img)
    _, h, w = F.get_dimensions(img)
    if F._is_pil(img):
        if center is None:
            center = [w * 0.5, h * 0.5]
        m = _inverse_affine_matrix(center, angle, translate, scale, shear)
        Image = F._pil()
        return img.transform(img.size, Image.AFFINE, m, _PIL_RESAMPLE[interpolation],
                             **_pil_fill(fill, img))
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    m = _inverse_affine_matrix(center_f, angle, [1.0 * t for t in translate], scale, shear)
    return _tensor_affine(img, m, interpolation.value, fill)


def _perspective_coeffs(startpoints, endpoints) -> list[float]:
    a = np.zeros((8, 8), dtype=np.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        a[2 * i] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]]
        a[2 * i + 1] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]]
    b = np.asarray(startpoints, dtype=np.float64).reshape(8)
    sol = np.linalg.lstsq(a, b, rcond=None)[0]
    return sol.astype(np.float32).tolist()


def _perspective_grid(coeffs: list[float], ow: int, oh: int, dtype) -> Tensor:
    nt = _nt()
    t1 = nt.tensor([[coeffs[0], coeffs[1], coeffs[2]], [coeffs[3], coeffs[4], coeffs[5]]],
                   dtype=dtype)
    t2 = nt.tensor([[coeffs[6], coeffs[7], 1.0], [coeffs[6], coeffs[7], 1.0]], dtype=dtype)
    d = 0.5
    xs = nt.linspace(d, ow * 1.0 + d - 1.0, steps=ow, dtype=dtype)._data
    ys = nt.linspace(d, oh * 1.0 + d - 1.0, steps=oh, dtype=dtype)._data
    m1 = (t1.T / nt.tensor([0.5 * ow, 0.5 * oh], dtype=dtype))._data
    g = _grid_from(xs, ys, m1) / _grid_from(xs, ys, t2.T._data) - xs.dtype.type(1)
    return _wrap(g[None])


def perspective(img, startpoints: list[list[int]], endpoints: list[list[int]],
                interpolation=None, fill: Any = None):
    """Map the four ``startpoints`` onto ``endpoints`` (a projective transform)."""
    from .functional import _PIL_RESAMPLE, InterpolationMode

    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} "
                         f"startpoints and {len(endpoints)} endpoints.")
    coeffs = _perspective_coeffs(startpoints, endpoints)
    interpolation = _interp(InterpolationMode.BILINEAR if interpolation is None
                            else interpolation)
    F = _F()
    F._check(img)
    if F._is_pil(img):
        Image = F._pil()
        return img.transform(img.size, Image.PERSPECTIVE, coeffs, _PIL_RESAMPLE[interpolation],
                             **_pil_fill(fill, img))
    _check_grid_inputs(img, None, interpolation.value, fill, ["nearest", "bilinear"],
                       coeffs=coeffs)
    grid = _perspective_grid(coeffs, img.shape[-1], img.shape[-2], _float_dtype(img))
    return _apply_grid(img, grid, interpolation.value, fill)


def elastic_transform(img, displacement: Tensor, interpolation=None, fill: Any = None):
    """Shift every pixel by ``displacement`` (``1 x H x W x 2``, in grid units)."""
    from .functional import InterpolationMode

    interpolation = _interp(InterpolationMode.BILINEAR if interpolation is None
                            else interpolation)
    if not isinstance(displacement, Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    F = _F()
    pil = F._is_pil(img)
    if not isinstance(img, Tensor) and not pil:
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    t_img = F.pil_to_tensor(img) if pil else img
    shape = (1,) + tuple(t_img.shape[-2:]) + (2,)
    if shape != tuple(displacement.shape):
        raise ValueError(f"Argument displacement shape should be {_nt().Size(shape)}, but "
                         f"given {displacement.shape}")
    nt = _nt()
    size = list(t_img.shape[-2:])
    space = [linspace((-s + 1) / s, (s - 1) / s, s) for s in size]
    gy, gx = nt.meshgrid(space, indexing="ij")
    grid = nt.stack([gx, gy], -1).unsqueeze(0) + displacement
    out = _apply_grid(t_img, grid, interpolation.value, fill)
    return F.to_pil_image(out, mode=img.mode) if pil else out
