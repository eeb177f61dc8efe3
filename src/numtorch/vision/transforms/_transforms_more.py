"""The rest of torchvision's v1 transform classes: random application/choice/order, random
colour ops, five/ten crops, the linear (whitening) transform, random affine/perspective and
the elastic transform. Random draws follow torchvision's order on numtorch's default generator
(``RandomOrder`` and ``RandomChoice`` use Python's ``random``, as torchvision does)."""

from __future__ import annotations

import numbers
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..._tensor import Tensor
from . import _rng
from . import functional as F
from .functional import InterpolationMode

__all__ = ["RandomApply", "RandomChoice", "RandomOrder", "RandomTransforms", "RandomGrayscale",
           "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness",
           "RandomAutocontrast", "RandomEqualize", "FiveCrop", "TenCrop",
           "LinearTransformation", "RandomAffine", "RandomPerspective", "ElasticTransform"]


def _interp(interpolation):
    from ._functional_more import _interp as conv

    return conv(interpolation)


def _hit(p: float) -> bool:
    """``torch.rand(1) < p``."""
    return bool(_rng.rand() < np.float32(p))


class RandomTransforms:
    """Base of the random containers: ``transforms`` must be a sequence."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self) -> str:
        lines = [self.__class__.__name__ + "("] + [f"    {t}" for t in self.transforms]
        return "\n".join(lines) + "\n)"


class RandomApply:
    """Apply all ``transforms`` with probability ``p`` (one ``torch.rand(1)`` draw)."""

    def __init__(self, transforms: Sequence[Callable], p: float = 0.5) -> None:
        self.transforms = transforms
        self.p = p

    def __call__(self, img):
        if self.p < _rng.rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        s = f"{self.__class__.__name__}(\n    p={self.p}"
        for t in self.transforms:
            s += f"\n    {t}"
        return s + "\n)"


class RandomOrder(RandomTransforms):
    """Apply ``transforms`` in an order shuffled by Python's ``random``."""

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one transform picked by ``random.choices`` (weights ``p``)."""

    def __init__(self, transforms: Sequence[Callable], p: list[float] | None = None) -> None:
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        t = random.choices(self.transforms, weights=self.p)[0]
        return t(*args)

    def __repr__(self) -> str:
        return f"{super().__repr__()}(p={self.p})"


class RandomGrayscale:
    """Grayscale (keeping the channel count) with probability ``p``."""

    def __init__(self, p: float = 0.1) -> None:
        self.p = p

    def __call__(self, img):
        c, _, _ = F.get_dimensions(img)
        if _hit(self.p):
            return F.rgb_to_grayscale(img, num_output_channels=c)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


class _RandomOp:
    """A functional op applied with probability ``p``; ``_args`` names its parameters."""

    _args: tuple[str, ...] = ()

    def __init__(self, *args: Any, p: float = 0.5) -> None:
        for name, value in zip(self._args, args):
            setattr(self, name, value)
        self.p = p

    def _apply(self, img):
        raise NotImplementedError

    def __call__(self, img):
        if _hit(self.p):
            return self._apply(img)
        return img

    def __repr__(self) -> str:
        parts = [f"{n}={getattr(self, n)}" for n in self._args] + [f"p={self.p}"]
        return f"{self.__class__.__name__}({','.join(parts)})"


class RandomInvert(_RandomOp):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p=p)

    def _apply(self, img):
        return F.invert(img)


class RandomPosterize(_RandomOp):
    _args = ("bits",)

    def __init__(self, bits: int, p: float = 0.5) -> None:
        super().__init__(bits, p=p)

    def _apply(self, img):
        return F.posterize(img, self.bits)


class RandomSolarize(_RandomOp):
    _args = ("threshold",)

    def __init__(self, threshold: float, p: float = 0.5) -> None:
        super().__init__(threshold, p=p)

    def _apply(self, img):
        return F.solarize(img, self.threshold)


class RandomAdjustSharpness(_RandomOp):
    _args = ("sharpness_factor",)

    def __init__(self, sharpness_factor: float, p: float = 0.5) -> None:
        super().__init__(sharpness_factor, p=p)

    def _apply(self, img):
        return F.adjust_sharpness(img, self.sharpness_factor)


class RandomAutocontrast(_RandomOp):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p=p)

    def _apply(self, img):
        return F.autocontrast(img)


class RandomEqualize(_RandomOp):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__(p=p)

    def _apply(self, img):
        return F.equalize(img)


def _setup_size(size, error_msg: str):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


class FiveCrop:
    def __init__(self, size) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def __call__(self, img):
        return F.five_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size})"


class TenCrop:
    def __init__(self, size, vertical_flip: bool = False) -> None:
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        self.vertical_flip = vertical_flip

    def __call__(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})"


class LinearTransformation:
    """``(x.view(-1, D) - mean_vector) @ transformation_matrix`` (e.g. ZCA whitening)."""

    def __init__(self, transformation_matrix: Tensor, mean_vector: Tensor) -> None:
        m, v = transformation_matrix, mean_vector
        if m.size(0) != m.size(1):
            raise ValueError(f"transformation_matrix should be square. Got {tuple(m.size())} "
                             "rectangular matrix.")
        if v.size(0) != m.size(0):
            raise ValueError(f"mean_vector should have the same length {v.size(0)} as any one "
                             f"of the dimensions of the transformation_matrix "
                             f"[{tuple(m.size())}]")
        if m.dtype != v.dtype:
            raise ValueError(f"Input tensors should have the same dtype. Got {m.dtype} and "
                             f"{v.dtype}")
        self.transformation_matrix = m
        self.mean_vector = v

    def __call__(self, tensor: Tensor) -> Tensor:
        shape = tensor.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError("Input tensor and transformation matrix have incompatible shape."
                             f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != "
                             f"{self.transformation_matrix.shape[0]}")
        flat = tensor.view(-1, n) - self.mean_vector
        out = flat.mm(self.transformation_matrix.to(flat.dtype))
        return out.view(shape)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(transformation_matrix="
                f"{self.transformation_matrix.tolist()}, "
                f"mean_vector={self.mean_vector.tolist()})")


def _check_sequence_input(x, name: str, req_sizes: tuple[int, ...]) -> None:
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name: str, req_sizes: tuple[int, ...] = (2,)) -> list[float]:
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _check_fill(fill):
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def _tensor_fill(img, fill):
    if isinstance(img, Tensor):
        c = F.get_dimensions(img)[0]
        return [float(fill)] * c if isinstance(fill, (int, float)) else [float(f) for f in fill]
    return fill


class RandomAffine:
    """Random rotation, translation, scale and shear (torchvision's draws and order)."""

    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation=InterpolationMode.NEAREST, fill: Any = 0,
                 center: list[int] | None = None) -> None:
        self.interpolation = _interp(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            for t in translate:
                if not (0.0 <= t <= 1.0):
                    raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            for s in scale:
                if s <= 0:
                    raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear",
                                                              req_sizes=(2, 4))
        self.fill = _check_fill(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees: list[float], translate, scale_ranges, shears,
                   img_size: list[int]):
        angle = _rng.uniform(float(degrees[0]), float(degrees[1]))
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            translations = (int(round(_rng.uniform(-max_dx, max_dx))),
                            int(round(_rng.uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = 1.0
        if scale_ranges is not None:
            scale = _rng.uniform(scale_ranges[0], scale_ranges[1])
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = _rng.uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = _rng.uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def __call__(self, img):
        fill = _tensor_fill(img, self.fill)
        _, h, w = F.get_dimensions(img)
        ret = self.get_params(self.degrees, self.translate, self.scale, self.shear, [w, h])
        return F.affine(img, *ret, interpolation=self.interpolation, fill=fill,
                        center=self.center)

    def __repr__(self) -> str:
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        if self.interpolation != InterpolationMode.NEAREST:
            s += f", interpolation={self.interpolation.value}"
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"


class RandomPerspective:
    """A random perspective warp with probability ``p``."""

    def __init__(self, distortion_scale: float = 0.5, p: float = 0.5,
                 interpolation=InterpolationMode.BILINEAR, fill: Any = 0) -> None:
        self.p = p
        self.interpolation = _interp(interpolation)
        self.distortion_scale = distortion_scale
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(width: int, height: int, distortion_scale: float):
        hh, hw = height // 2, width // 2
        dw, dh = int(distortion_scale * hw), int(distortion_scale * hh)
        r = _rng.randint
        topleft = [r(0, dw + 1), r(0, dh + 1)]
        topright = [r(width - dw - 1, width), r(0, dh + 1)]
        botright = [r(width - dw - 1, width), r(height - dh - 1, height)]
        botleft = [r(0, dw + 1), r(height - dh - 1, height)]
        start = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return start, [topleft, topright, botright, botleft]

    def __call__(self, img):
        fill = _tensor_fill(img, self.fill)
        _, h, w = F.get_dimensions(img)
        if _hit(self.p):
            start, end = self.get_params(w, h, self.distortion_scale)
            return F.perspective(img, start, end, self.interpolation, fill)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


def _pair_floats(x, name: str) -> list[float]:
    if not isinstance(x, (float, Sequence)):
        raise TypeError(f"{name} should be float or a sequence of floats. Got {type(x)}")
    if isinstance(x, Sequence) and len(x) != 2:
        raise ValueError(f"If {name} is a sequence its length should be 2. Got {len(x)}")
    if isinstance(x, Sequence):
        for e in x:
            if not isinstance(e, float):
                raise TypeError(f"{name} should be a sequence of floats. Got {type(e)}")
    if isinstance(x, float):
        return [float(x), float(x)]
    return list(x)


class ElasticTransform:
    """Random smooth displacement fields (blurred uniform noise scaled by ``alpha``)."""

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR,
                 fill: Any = 0) -> None:
        self.alpha = _pair_floats(alpha, "alpha")
        self.sigma = _pair_floats(sigma, "sigma")
        self.interpolation = _interp(interpolation)
        if isinstance(fill, (int, float)):
            fill = [float(fill)]
        elif isinstance(fill, (list, tuple)):
            fill = [float(f) for f in fill]
        else:
            raise TypeError(f"fill should be int or float or a tuple or list of floats. "
                            f"Got {type(fill)}")
        self.fill = fill

    @staticmethod
    def get_params(alpha: list[float], sigma: list[float], size: list[int]) -> Tensor:
        import numtorch

        def field(i: int) -> Tensor:
            d = numtorch.rand([1, 1] + size) * 2 - 1
            if sigma[i] > 0.0:
                k = int(8 * sigma[i] + 1)
                k += 1 if k % 2 == 0 else 0
                d = F.gaussian_blur(d, [k, k], sigma)
            return d * alpha[i] / size[1 - i]  # x by the width, y by the height

        dx = field(0)
        dy = field(1)
        return numtorch.concat([dx, dy], 1).permute([0, 2, 3, 1])

    def __call__(self, tensor):
        _, h, w = F.get_dimensions(tensor)
        displacement = self.get_params(self.alpha, self.sigma, [h, w])
        return F.elastic_transform(tensor, displacement, self.interpolation, self.fill)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(alpha={self.alpha}, sigma={self.sigma}, "
                f"interpolation={self.interpolation}, fill={self.fill})")
