"""``make_grid``, ``save_image`` and ``draw_bounding_boxes`` as torchvision.utils has them."""

from __future__ import annotations

import math
import os

import numpy as np

from .._tensor import Tensor

__all__ = ["make_grid", "save_image", "draw_bounding_boxes"]


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[float, float] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> Tensor:
    """Tile a batch ``[B, C, H, W]`` (or a list of images) into one image, row by row."""
    if isinstance(tensor, (list, tuple)):
        arr = np.stack([t._data for t in tensor])
    elif isinstance(tensor, Tensor):
        arr = tensor.detach()._data
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        if arr.shape[0] == 1:
            arr = np.concatenate([arr] * 3, 0)
        arr = arr[None]
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = np.concatenate([arr] * 3, 1)
    if normalize:
        arr = arr.copy()

        def norm(t):
            lo, hi = value_range if value_range is not None else (t.min(), t.max())
            np.clip(t, lo, hi, out=t)
            t -= t.dtype.type(lo)
            t /= t.dtype.type(max(hi - lo, 1e-5))
        if scale_each:
            for t in arr:
                norm(t)
        else:
            norm(arr)
    if arr.shape[0] == 1:
        return Tensor._from_array(np.ascontiguousarray(arr[0]))
    nmaps = arr.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(nmaps / xmaps))
    height, width = arr.shape[2] + padding, arr.shape[3] + padding
    grid = np.full((arr.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value,
                   dtype=arr.dtype)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = \
            arr[k]
    return Tensor._from_array(grid)


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """``make_grid`` then save as an 8-bit image (``x * 255 + 0.5`` clamped, as torchvision)."""
    from .transforms.functional import _pil

    grid = make_grid(tensor, **kwargs)._data
    nd = np.clip(grid * grid.dtype.type(255) + grid.dtype.type(0.5), 0, 255)
    nd = nd.transpose(1, 2, 0).astype(np.uint8)
    img = _pil().fromarray(nd)
    img.save(os.fspath(fp) if isinstance(fp, os.PathLike) else fp, format=format)


def _palette(n: int) -> list[tuple[int, int, int]]:
    base = np.array([2**25 - 1, 2**15 - 1, 2**21 - 1], dtype=np.int64)
    return [tuple(int(v) for v in (i * base) % 255) for i in range(n)]


def draw_bounding_boxes(image: Tensor, boxes: Tensor, labels: list[str] | None = None,
                        colors=None, fill: bool = False, width: int = 1, font: str | None = None,
                        font_size: int | None = None) -> Tensor:
    """Draw ``(xmin, ymin, xmax, ymax)`` boxes (and labels) on a uint8 ``[C, H, W]`` image."""
    from PIL import ImageColor, ImageDraw, ImageFont

    from .transforms.functional import _pil

    if not isinstance(image, Tensor):
        raise TypeError(f"Tensor expected, got {type(image)}")
    if image.dtype.np != np.uint8:
        raise ValueError(f"Tensor uint8 expected, got {image.dtype}")
    if image.ndim != 3:
        raise ValueError("Pass individual images, not batches")
    if image.shape[0] not in (1, 3):
        raise ValueError("Only grayscale and RGB images are supported")
    b = np.asarray(boxes._data if isinstance(boxes, Tensor) else boxes)
    if b.ndim != 2 or b.shape[-1] != 4:
        raise ValueError("boxes should be a [N, 4] tensor of (xmin, ymin, xmax, ymax)")
    if ((b[:, 0] > b[:, 2]) | (b[:, 1] > b[:, 3])).any():
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use "
                         "torchvision.ops.box_convert to convert them")
    n = b.shape[0]
    if n == 0:
        return image
    if labels is not None and len(labels) != n:
        raise ValueError(f"Number of boxes ({n}) and labels ({len(labels)}) mismatch. Please "
                         "specify labels for each box.")
    if colors is None:
        colors = _palette(n)
    elif isinstance(colors, list):
        if len(colors) < n:
            raise ValueError(f"Number of colors ({len(colors)}) is less than number of boxes "
                             f"({n}). ")
    else:
        colors = [colors] * n
    colors = [ImageColor.getrgb(c) if isinstance(c, str) else tuple(c) for c in colors]
    arr = image._data
    if arr.shape[0] == 1:
        arr = np.concatenate([arr] * 3, 0)
    img = _pil().fromarray(np.ascontiguousarray(arr.transpose(1, 2, 0)))
    draw = ImageDraw.Draw(img, "RGBA" if fill else None)
    txt_font = ImageFont.load_default() if font is None else ImageFont.truetype(font,
                                                                              font_size or 10)
    for k in range(n):
        box = [int(v) if b.dtype.kind in "iu" else float(v) for v in b[k]]
        color = colors[k]
        if fill:
            draw.rectangle(box, width=width, outline=color, fill=color + (100,))
        else:
            draw.rectangle(box, width=width, outline=color)
        if labels is not None:
            margin = width + 1
            draw.text((box[0] + margin, box[1] + margin), labels[k], fill=color, font=txt_font)
    out = np.array(img).transpose(2, 0, 1)
    return Tensor._from_array(np.ascontiguousarray(out))
