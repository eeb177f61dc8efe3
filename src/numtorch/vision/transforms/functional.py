"""torchvision.transforms.functional on PIL images and on numtorch tensors ``[..., C, H, W]``.

PIL images go through Pillow's own operations (as torchvision does), tensors through NumPy
kernels written to give torchvision's tensor results: PyTorch's antialiased bilinear/bicubic
resampling, ``floor(i * scale)`` nearest, ITU-R 601-2 luma with truncation for uint8, and the
``(ratio * a + (1 - ratio) * b).clamp(0, bound)`` blend behind the colour adjustments.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from enum import Enum
from typing import Any

import numpy as np

from ..._tensor import Tensor

__all__ = [
    "InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "convert_image_dtype",
    "normalize", "resize", "center_crop", "crop", "resized_crop", "hflip", "vflip", "pad",
    "rotate", "rgb_to_grayscale", "to_grayscale", "adjust_brightness", "adjust_contrast",
    "adjust_saturation", "adjust_hue", "erase", "gaussian_blur", "get_image_size",
    "get_image_num_channels", "get_dimensions", "invert", "posterize", "solarize",
    "autocontrast", "equalize", "adjust_sharpness", "adjust_gamma", "five_crop", "ten_crop",
    "affine", "perspective", "elastic_transform",
]


class InterpolationMode(Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_RESAMPLE = {InterpolationMode.NEAREST: 0, InterpolationMode.LANCZOS: 1,
                 InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
                 InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5}


def _pil():
    """Pillow's Image module, or an ImportError naming the extra."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("This needs Pillow: pip install 'numtorch[vision]' (or pip install "
                          "pillow)") from e
    return Image


def _is_pil(img) -> bool:
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(img, Image.Image)


def _check(img) -> None:
    if not isinstance(img, Tensor) and not _is_pil(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def _wrap(arr: np.ndarray) -> Tensor:
    return Tensor._from_array(np.ascontiguousarray(arr))


def _max_value(dtype: np.dtype) -> float:
    if dtype.kind in "fV":
        return 1.0
    if dtype == np.bool_:
        return 1
    return np.iinfo(dtype).max


# -- conversions ------------------------------------------------------------------------------
def get_dimensions(img) -> list[int]:
    """``[channels, height, width]``."""
    if isinstance(img, Tensor):
        c = 1 if img.ndim == 2 else img.shape[-3]
        return [c, img.shape[-2], img.shape[-1]]
    _check(img)
    return [len(img.getbands()), img.height, img.width]


def get_image_size(img) -> list[int]:
    """``[width, height]``."""
    c, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img) -> int:
    return get_dimensions(img)[0]


_PIL_NP_DTYPE = {"I": np.int32, "I;16": np.int16, "I;16B": np.int16, "F": np.float32}


def to_tensor(pic) -> Tensor:
    """PIL image or HxW(xC) ndarray -> CxHxW tensor; uint8 data is scaled to float [0, 1]."""
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        arr = np.ascontiguousarray(arr.transpose(2, 0, 1))
    elif _is_pil(pic):
        arr = np.array(pic, dtype=_PIL_NP_DTYPE.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            arr = arr * np.uint8(255)
        arr = np.ascontiguousarray(arr.reshape(pic.height, pic.width, -1).transpose(2, 0, 1))
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if arr.dtype == np.uint8:
        from ..._dtype import get_default_dtype

        out = arr.astype(get_default_dtype().np)
        out /= out.dtype.type(255)
        return Tensor._from_array(out)
    return Tensor._from_array(arr)


def pil_to_tensor(pic) -> Tensor:
    """PIL image -> CxHxW tensor of the image's own dtype (no scaling)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, dtype=_PIL_NP_DTYPE.get(pic.mode, None), copy=True)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return _wrap(arr.transpose(2, 0, 1))


def to_pil_image(pic, mode: str | None = None):
    """CxHxW tensor or HxWxC ndarray -> PIL image (float data is scaled by 255 first)."""
    Image = _pil()
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic.detach()._data
        arr = arr[None] if arr.ndim == 2 else arr
        if arr.shape[0] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[0]} channels.")
        if arr.dtype.kind in "fV" and mode != "F":
            arr = (arr * arr.dtype.type(255)).astype(np.int64) & 0xFF
            arr = arr.astype(np.uint8)
        arr = np.transpose(arr, (1, 2, 0))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        if arr.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-1]} channels.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
        default = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                   np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(arr.dtype)
        if mode is not None and mode != default and not (mode == "L" and default is None):
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {arr.dtype}. "
                             f"Should be {default}")
        mode = mode or default
        if mode is None:
            raise TypeError(f"Input type {arr.dtype} is not supported")
    else:
        if arr.dtype != np.uint8:
            raise TypeError(f"Input type {arr.dtype} is not supported")
        mode = mode or {2: "LA", 3: "RGB", 4: "RGBA"}[arr.shape[2]]
    img = Image.fromarray(np.ascontiguousarray(arr))
    return img if img.mode == mode else img.convert(mode)


def convert_image_dtype(image: Tensor, dtype=None) -> Tensor:
    """Convert and rescale between integer ranges and float [0, 1] (torchvision's rules)."""
    from ..._dtype import float32, to_numpy_dtype

    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    src = image._data
    dst = np.dtype(to_numpy_dtype(dtype if dtype is not None else float32))
    if src.dtype == dst:
        return image
    if src.dtype.kind in "fV":
        if dst.kind in "fV":
            return _wrap(src.astype(dst))
        if (src.dtype == np.float32 and dst in (np.int32, np.int64)) or \
                (src.dtype == np.float64 and dst == np.int64):
            raise RuntimeError(f"The cast from {_tname(src.dtype)} to {_tname(dst)} cannot be "
                               "performed safely.")
        eps = 1e-3
        scale = src.dtype.type(_max_value(dst) + 1.0 - eps)
        return _wrap((src * scale).astype(dst))
    if dst.kind in "fV":
        return _wrap(src.astype(dst) / dst.type(_max_value(src.dtype)))
    in_max, out_max = _max_value(src.dtype), _max_value(dst)
    if in_max > out_max:
        factor = (in_max + 1) // (out_max + 1)
        return _wrap(np.floor_divide(src, factor).astype(dst))
    factor = (out_max + 1) // (in_max + 1)
    return _wrap(src.astype(dst) * dst.type(factor))


def _tname(dt: np.dtype) -> str:
    from ..._dtype import from_numpy_dtype

    return str(from_numpy_dtype(dt))


# -- normalisation ------------------------------------------------------------------------------
def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float],
              inplace: bool = False) -> Tensor:
    """``(tensor - mean) / std`` per channel, in the tensor's float dtype."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    dt = tensor._data.dtype
    m = np.asarray(mean.tolist() if isinstance(mean, Tensor) else mean, dtype=dt)
    s = np.asarray(std.tolist() if isinstance(std, Tensor) else std, dtype=dt)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                         "division by zero.")
    m = m.reshape(-1, 1, 1) if m.ndim == 1 else m
    s = s.reshape(-1, 1, 1) if s.ndim == 1 else s
    out = (tensor._data - m) / s
    if inplace:
        tensor._data[...] = out
        tensor._bump_version()
        return tensor
    return _wrap(out.astype(dt, copy=False))


# -- geometry -------------------------------------------------------------------------------------
def _output_size(h: int, w: int, size, max_size: int | None) -> tuple[int, int]:
    if isinstance(size, int) or len(size) == 1:
        requested = size if isinstance(size, int) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    return int(size[0]), int(size[1])


def _cubic(a: float):
    def f(x):
        x = np.abs(x)
        return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                        np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))
    return f


def _weights(n_in: int, n_out: int, mode: str, antialias: bool) -> np.ndarray:
    """The (n_out, n_in) resampling matrix PyTorch's interpolate applies along one axis."""
    scale = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    if mode in ("nearest", "nearest-exact"):
        pos = np.arange(n_out, dtype=np.float32) + np.float32(0.5 if mode != "nearest" else 0)
        src = np.minimum(np.floor(pos * np.float32(scale)), n_in - 1).astype(np.int64)
        w[np.arange(n_out), src] = 1.0
        return w
    if antialias:
        if mode == "bilinear":
            filt, support = (lambda x: np.maximum(0.0, 1.0 - np.abs(x))), 1.0
        else:
            filt, support = _cubic(-0.5), 2.0
        fscale = max(scale, 1.0)
        support *= fscale
        for i in range(n_out):
            center = scale * (i + 0.5)
            lo = max(int(center - support + 0.5), 0)
            hi = min(int(center + support + 0.5), n_in)
            j = np.arange(lo, hi)
            ww = filt((j - center + 0.5) / fscale)
            total = ww.sum()
            w[i, lo:hi] = ww / total if total != 0 else ww
        return w
    src = (np.arange(n_out) + 0.5) * scale - 0.5
    if mode == "bilinear":
        src = np.maximum(src, 0.0)
        i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
        i1 = np.minimum(i0 + 1, n_in - 1)
        lam = src - i0
        np.add.at(w, (np.arange(n_out), i0), 1.0 - lam)
        np.add.at(w, (np.arange(n_out), i1), lam)
        return w
    f = _cubic(-0.75)
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    for k in range(-1, 3):
        idx = np.clip(i0 + k, 0, n_in - 1)
        np.add.at(w, (np.arange(n_out), idx), f(k - t))
    return w


def _resize_array(arr: np.ndarray, h: int, w: int, mode: str, antialias: bool) -> np.ndarray:
    in_h, in_w = arr.shape[-2:]
    work = arr.astype(np.float32) if arr.dtype.kind not in "fV" else arr
    wh = _weights(in_h, h, mode, antialias).astype(work.dtype)
    ww = _weights(in_w, w, mode, antialias).astype(work.dtype)
    out = np.matmul(np.matmul(wh, work), ww.T)
    if arr.dtype.kind in "iu":
        if mode not in ("nearest", "nearest-exact"):
            out = np.round(out)
        info = np.iinfo(arr.dtype)
        out = np.clip(out, info.min, info.max)
    return out.astype(arr.dtype)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size: int | None = None,
           antialias: bool | None = True):
    """Resize to ``size`` (an int matches the smaller edge, keeping the aspect ratio)."""
    if isinstance(interpolation, int):
        interpolation = {v: k for k, v in _PIL_RESAMPLE.items()}[interpolation]
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a "
                        "corresponding Pillow integer constant")
    _check(img)
    _, h, w = get_dimensions(img)
    new_h, new_w = _output_size(h, w, size, max_size)
    if (new_h, new_w) == (h, w):
        return img
    if _is_pil(img):
        return img.resize((new_w, new_h), _PIL_RESAMPLE[interpolation])
    mode = interpolation.value
    if mode == "lanczos":
        raise ValueError("Lanczos mode requires antialias=True")
    if mode not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got 4D) for the modes: "
            "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact "
            f"(got {mode})")
    aa = bool(antialias) and mode in ("bilinear", "bicubic")
    return _wrap(_resize_array(img._data, new_h, new_w, mode, aa))


def crop(img, top: int, left: int, height: int, width: int):
    """The ``height x width`` window at (top, left); outside the image is zero."""
    _check(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    arr = img._data
    h, w = arr.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [max(-left, 0), max(-top, 0), max(right - w, 0), max(bottom - h, 0)]
        arr = arr[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        return pad(_wrap(arr), pads, fill=0)
    return _wrap(arr[..., top:bottom, left:right])


def _pair(size) -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return int(size[0]), int(size[0])
    return int(size[0]), int(size[1])


def center_crop(img, output_size):
    """The central window; pads with zeros first when the image is smaller."""
    th, tw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if tw > w or th > h:
        padding = [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                   (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0]
        img = pad(img, padding, fill=0)
        _, h, w = get_dimensions(img)
        if tw == w and th == h:
            return img
    top = int(round((h - th) / 2.0))
    left = int(round((w - tw) / 2.0))
    return crop(img, top, left, th, tw)


def resized_crop(img, top: int, left: int, height: int, width: int, size,
                 interpolation=InterpolationMode.BILINEAR, antialias: bool | None = True):
    return resize(crop(img, top, left, height, width), size, interpolation,
                  antialias=antialias)


def hflip(img):
    _check(img)
    if _is_pil(img):
        return img.transpose(0)
    return _wrap(img._data[..., ::-1])


def vflip(img):
    _check(img)
    if _is_pil(img):
        return img.transpose(1)
    return _wrap(img._data[..., ::-1, :])


def _padding_ltrb(padding) -> list[int]:
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img, padding, fill: Any = 0, padding_mode: str = "constant"):
    """Pad the borders: constant (``fill``), edge, reflect or symmetric."""
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    _check(img)
    left, top, right, bottom = _padding_ltrb(padding)
    if _is_pil(img):
        arr = np.asarray(img)
        spec = [(top, bottom), (left, right)] + [(0, 0)] * (arr.ndim - 2)
        if padding_mode == "constant":
            fill_v = fill if isinstance(fill, (int, float)) else 0
            out = np.pad(arr, spec, mode="constant", constant_values=fill_v)
            if not isinstance(fill, (int, float)) and arr.ndim == 3:
                out[...] = np.pad(arr, spec, mode="constant", constant_values=0)
                mask = np.ones(arr.shape[:2], bool)
                mask = np.pad(mask, spec[:2], mode="constant", constant_values=False)
                out[~mask] = np.asarray(fill, dtype=arr.dtype)
        else:
            out = np.pad(arr, spec, mode=padding_mode)
        res = _pil().fromarray(out, img.mode) if img.mode in ("L", "RGB", "RGBA") else \
            _pil().fromarray(out)
        if img.mode == "P":
            res.putpalette(img.getpalette())
        return res
    arr = img._data
    neg = [max(-p, 0) for p in (left, top, right, bottom)]
    if any(neg):
        h, w = arr.shape[-2:]
        arr = arr[..., neg[1]:h - neg[3], neg[0]:w - neg[2]]
        left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    spec = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        return _wrap(np.pad(arr, spec, mode="constant", constant_values=fill))
    return _wrap(np.pad(arr, spec, mode=padding_mode))


def rotate(img, angle: float, interpolation=InterpolationMode.NEAREST, expand: bool = False,
           center: list[int] | None = None, fill: Any = None):
    """Rotate counter-clockwise by ``angle`` degrees around the centre (or ``center``)."""
    _check(img)
    if isinstance(interpolation, int):
        interpolation = {v: k for k, v in _PIL_RESAMPLE.items()}[interpolation]
    if _is_pil(img):
        return img.rotate(angle, _PIL_RESAMPLE[interpolation], expand, center,
                          **_parse_pil_fill(fill, img))
    return rotate_tensor(img, angle, interpolation.value, expand, center, fill)


def _pil_fill(fill, img):
    if isinstance(fill, (int, float)):
        return fill if len(img.getbands()) == 1 else tuple([fill] * len(img.getbands()))
    return tuple(fill)


# -- colour -------------------------------------------------------------------------------------
def _gray_array(arr: np.ndarray) -> np.ndarray:
    if arr.shape[-3] == 1:
        return arr.copy()
    r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
    work = np.float32 if arr.dtype.kind not in "fV" else arr.dtype.type
    gray = (work(0.2989) * r.astype(work) + work(0.587) * g.astype(work)
            + work(0.114) * b.astype(work))
    return gray.astype(arr.dtype)[..., None, :, :]


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """ITU-R 601-2 luma (0.2989 R + 0.587 G + 0.114 B; uint8 results are truncated)."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    _check(img)
    if _is_pil(img):
        out = img.convert("L")
        return out if num_output_channels == 1 else _pil().merge("RGB", [out] * 3)
    if img.shape[-3] not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found "
                        f"{img.shape[-3]}")
    gray = _gray_array(img._data)
    if num_output_channels == 3:
        gray = np.broadcast_to(gray, gray.shape[:-3] + (3,) + gray.shape[-2:])
    return _wrap(gray)


to_grayscale = rgb_to_grayscale


def _blend(a: np.ndarray, b: np.ndarray, ratio: float) -> np.ndarray:
    work = np.float32 if a.dtype.kind not in "fV" else a.dtype.type
    bound = _max_value(a.dtype)
    out = work(ratio) * a.astype(work) + work(1.0 - ratio) * np.asarray(b).astype(work)
    return np.clip(out, 0, bound).astype(a.dtype)


def _enhance(img, factor: float, kind: str):
    from PIL import ImageEnhance

    return getattr(ImageEnhance, kind)(img).enhance(factor)


def adjust_brightness(img, brightness_factor: float):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _check(img)
    if _is_pil(img):
        return _enhance(img, brightness_factor, "Brightness")
    return _wrap(_blend(img._data, np.zeros((), img._data.dtype), brightness_factor))


def adjust_contrast(img, contrast_factor: float):
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _check(img)
    if _is_pil(img):
        return _enhance(img, contrast_factor, "Contrast")
    arr = img._data
    gray = _gray_array(arr) if arr.shape[-3] == 3 else arr
    work = arr.dtype if arr.dtype.kind in "fV" else np.float32
    mean = gray.astype(work).mean(axis=(-3, -2, -1), keepdims=True, dtype=work)
    return _wrap(_blend(arr, mean, contrast_factor))


def adjust_saturation(img, saturation_factor: float):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _check(img)
    if _is_pil(img):
        return _enhance(img, saturation_factor, "Color")
    arr = img._data
    if arr.shape[-3] == 1:
        return img
    return _wrap(_blend(arr, _gray_array(arr), saturation_factor))


def _rgb2hsv(img: np.ndarray) -> np.ndarray:
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc, minc = img.max(axis=-3), img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    cr_div = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_div, (maxc - g) / cr_div, (maxc - b) / cr_div
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return np.stack((h, s, maxc), axis=-3)


def _hsv2rgb(img: np.ndarray) -> np.ndarray:
    h, s, v = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    table = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = [np.select([i == k for k in range(6)], [row[c] for row in table]) for c in range(3)]
    return np.stack(out, axis=-3).astype(img.dtype)


def adjust_hue(img, hue_factor: float):
    """Shift the hue by ``hue_factor`` (in [-0.5, 0.5]) through HSV."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    if _is_pil(img):
        if img.mode in {"L", "1", "I", "F"}:
            return img
        h, s, v = img.convert("HSV").split()
        np_h = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            np_h += np.int64(hue_factor * 255).astype(np.uint8)
        h = _pil().fromarray(np_h, "L")
        return _pil().merge("HSV", (h, s, v)).convert(img.mode)
    arr = img._data
    if arr.shape[-3] == 1:
        return img
    work = arr.astype(np.float32) / np.float32(255) if arr.dtype.kind not in "fV" else arr
    hsv = _rgb2hsv(work)
    hsv[..., 0, :, :] = np.fmod(hsv[..., 0, :, :] + work.dtype.type(hue_factor), 1.0)
    hsv[..., 0, :, :] = np.where(hsv[..., 0, :, :] < 0, hsv[..., 0, :, :] + 1,
                                 hsv[..., 0, :, :])
    rgb = _hsv2rgb(hsv)
    if arr.dtype.kind not in "fV":
        scale = np.float32(_max_value(arr.dtype) + 1.0 - 1e-3)  # convert_image_dtype's rule
        rgb = (rgb * scale).astype(arr.dtype)
    return _wrap(rgb)


def erase(img: Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> Tensor:
    """Replace the ``h x w`` window at (i, j) with ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    target = img if inplace else _wrap(img._data.copy())
    vv = v._data if isinstance(v, Tensor) else np.asarray(v)
    target._data[..., i:i + h, j:j + w] = vv
    if inplace:
        img._bump_version()
    return target


def _gaussian_kernel1d(ksize: int, sigma: float) -> np.ndarray:
    half = (ksize - 1) * 0.5
    x = np.linspace(-half, half, ksize, dtype=np.float32)
    pdf = np.exp(np.float32(-0.5) * (x / np.float32(sigma)) ** 2)
    return (pdf / pdf.sum()).astype(np.float32)


def gaussian_blur(img, kernel_size, sigma=None):
    """Separable Gaussian blur with reflect padding (computed in float32)."""
    ks = [kernel_size, kernel_size] if isinstance(kernel_size, int) else list(kernel_size)
    if len(ks) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(ks)}")
    for k in ks:
        if k % 2 == 0 or k < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got "
                             f"{kernel_size}")
    if sigma is None:
        sig = [k * 0.15 + 0.35 for k in ks]
    elif isinstance(sigma, (int, float)):
        sig = [float(sigma), float(sigma)]
    else:
        sig = list(sigma) * (2 if len(sigma) == 1 else 1)
    if any(s <= 0 for s in sig):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    _check(img)
    pil = _is_pil(img)
    t = pil_to_tensor(img) if pil else img
    arr = t._data
    work = arr.astype(np.float32) if arr.dtype.kind not in "fV" else arr
    kx, ky = _gaussian_kernel1d(ks[0], sig[0]), _gaussian_kernel1d(ks[1], sig[1])
    px, py = ks[0] // 2, ks[1] // 2
    spec = [(0, 0)] * (work.ndim - 2) + [(py, py), (px, px)]
    padded = np.pad(work, spec, mode="reflect")
    hh, ww = arr.shape[-2:]
    rows = sum(kx[k].astype(work.dtype) * padded[..., :, k:k + ww] for k in range(ks[0]))
    out = sum(ky[k].astype(work.dtype) * rows[..., k:k + hh, :] for k in range(ks[1]))
    if arr.dtype.kind not in "fV":
        info = np.iinfo(arr.dtype)
        out = np.clip(np.round(out), info.min, info.max)
    res = _wrap(out.astype(arr.dtype))
    return to_pil_image(res, mode=img.mode) if pil else res


from ._functional_more import (  # noqa: E402
    _pil_fill as _parse_pil_fill,
)
from ._functional_more import (  # noqa: E402
    adjust_gamma,
    adjust_sharpness,
    affine,
    autocontrast,
    elastic_transform,
    equalize,
    five_crop,
    invert,
    perspective,
    posterize,
    rotate_tensor,
    solarize,
    ten_crop,
)
