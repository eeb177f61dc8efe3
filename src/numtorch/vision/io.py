"""``numtorch.vision.io``: read, decode and write PNG/JPEG images as uint8 C x H x W tensors.

Decoding and encoding go through Pillow (the ``vision`` extra). Errors name the file.
"""

from __future__ import annotations

import io as _io
import os
from enum import Enum

import numpy as np

from .._tensor import Tensor
from .transforms.functional import _pil

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "decode_png",
           "decode_jpeg", "read_image", "encode_png", "encode_jpeg", "write_png", "write_jpeg"]


class ImageReadMode(Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path: str | os.PathLike) -> Tensor:
    """The raw bytes of a file as a 1-D uint8 tensor."""
    with open(path, "rb") as f:
        data = f.read()
    return Tensor._from_array(np.frombuffer(data, dtype=np.uint8).copy())


def write_file(filename: str | os.PathLike, data: Tensor) -> None:
    with open(filename, "wb") as f:
        f.write(np.ascontiguousarray(data._data, dtype=np.uint8).tobytes())


def _mode(mode) -> ImageReadMode:
    if isinstance(mode, str):
        return ImageReadMode[mode.upper()]
    return mode


def _decode(data: bytes, mode, source: str) -> Tensor:
    Image = _pil()
    mode = _mode(mode)
    try:
        img = Image.open(_io.BytesIO(data))
        img.load()
    except (OSError, ValueError, SyntaxError) as e:
        raise RuntimeError(f"Could not decode image {source}: {e}") from e
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODE[mode])
    elif img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode not in ("L", "LA", "RGB", "RGBA", "I;16", "I"):
        img = img.convert("RGB")
    arr = np.array(img)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.dtype != np.uint8 and img.mode in ("I;16", "I"):
        arr = arr.astype(np.int32).astype(np.uint16)
    return Tensor._from_array(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False
                 ) -> Tensor:
    """Decode PNG/JPEG bytes (a 1-D uint8 tensor) or a file path into a uint8 C x H x W tensor."""
    if isinstance(input, (str, os.PathLike)):
        return read_image(input, mode, apply_exif_orientation)
    if not isinstance(input, Tensor) or input.dtype.np != np.uint8 or input.ndim != 1:
        raise RuntimeError("Expected a 1-D uint8 tensor of encoded image bytes")
    return _decode(input._data.tobytes(), mode, "from bytes")


decode_png = decode_image
decode_jpeg = decode_image


def read_image(path: str | os.PathLike, mode=ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Read a PNG/JPEG file into a uint8 C x H x W tensor (``ImageReadMode`` picks channels)."""
    with open(path, "rb") as f:
        data = f.read()
    return _decode(data, mode, str(path))


def _to_pil(input: Tensor):
    if not isinstance(input, Tensor) or input.dtype.np != np.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if input.ndim != 3 or input.shape[0] not in (1, 3, 4):
        raise RuntimeError(f"The number of channels should be 1, 3 or 4, got shape "
                           f"{list(input.shape)}")
    arr = np.ascontiguousarray(input._data.transpose(1, 2, 0))
    return _pil().fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)


def encode_png(input: Tensor, compression_level: int = 6) -> Tensor:
    if not 0 <= compression_level <= 9:
        raise RuntimeError(f"Compression level should be between 0 and 9, got "
                           f"{compression_level}")
    buf = _io.BytesIO()
    _to_pil(input).save(buf, format="PNG", compress_level=compression_level)
    return Tensor._from_array(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def encode_jpeg(input: Tensor, quality: int = 75) -> Tensor:
    if not 1 <= quality <= 100:
        raise ValueError(f"Image quality should be a positive number between 1 and 100, got "
                         f"{quality}")
    img = _to_pil(input)
    if img.mode == "RGBA":
        raise RuntimeError("JPEG cannot store an alpha channel; pass 1 or 3 channels")
    buf = _io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return Tensor._from_array(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def write_png(input: Tensor, filename: str | os.PathLike, compression_level: int = 6) -> None:
    write_file(filename, encode_png(input, compression_level))


def write_jpeg(input: Tensor, filename: str | os.PathLike, quality: int = 75) -> None:
    write_file(filename, encode_jpeg(input, quality))
