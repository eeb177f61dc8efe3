"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix (torchvision v1): the same policies,
magnitude bins, random draws (numtorch's default generator, torchvision's order) and ops."""

from __future__ import annotations

import math
from enum import Enum

from ..._tensor import Tensor
from . import functional as F
from ._functional_more import linspace
from .functional import InterpolationMode

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _nt():
    import numtorch

    return numtorch


def _apply_op(img, op_name: str, magnitude: float, interpolation: InterpolationMode,
              fill: list[float] | None):
    """One augmentation op by name, as torchvision's ``_apply_op``."""
    if op_name in ("ShearX", "ShearY"):
        shear = math.degrees(math.atan(magnitude))
        shears = [shear, 0.0] if op_name == "ShearX" else [0.0, shear]
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=shears,
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name in ("TranslateX", "TranslateY"):
        t = [int(magnitude), 0] if op_name == "TranslateX" else [0, int(magnitude)]
        return F.affine(img, angle=0.0, translate=t, scale=1.0, interpolation=interpolation,
                        shear=[0.0, 0.0], fill=fill)
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    enhance = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation,
               "Contrast": F.adjust_contrast, "Sharpness": F.adjust_sharpness}
    if op_name in enhance:
        return enhance[op_name](img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    simple = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert}
    if op_name in simple:
        return simple[op_name](img)
    if op_name == "Identity":
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


class AutoAugmentPolicy(Enum):
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


# The published AutoAugment sub-policies: "op prob magnitude-bin" pairs ("-" = no magnitude).
_POLICIES = {
    "imagenet": """Posterize .4 8,Rotate .6 9;Solarize .6 5,AutoContrast .6 -;Equalize .8 -,
Equalize .6 -;Posterize .6 7,Posterize .6 6;Equalize .4 -,Solarize .2 4;Equalize .4 -,Rotate .8 8;
Solarize .6 3,Equalize .6 -;Posterize .8 5,Equalize 1 -;Rotate .2 3,Solarize .6 8;Equalize .6 -,
Posterize .4 6;Rotate .8 8,Color .4 0;Rotate .4 9,Equalize .6 -;Equalize 0 -,Equalize .8 -;
Invert .6 -,Equalize 1 -;Color .6 4,Contrast 1 8;Rotate .8 8,Color 1 2;Color .8 8,Solarize .8 7;
Sharpness .4 7,Invert .6 -;ShearX .6 5,Equalize 1 -;Color .4 0,Equalize .6 -;Equalize .4 -,
Solarize .2 4;Solarize .6 5,AutoContrast .6 -;Invert .6 -,Equalize 1 -;Color .6 4,Contrast 1 8;
Equalize .8 -,Equalize .6 -""",
    "cifar10": """Invert .1 -,Contrast .2 6;Rotate .7 2,TranslateX .3 9;Sharpness .8 1,
Sharpness .9 3;ShearY .5 8,TranslateY .7 9;AutoContrast .5 -,Equalize .9 -;ShearY .2 7,
Posterize .3 7;Color .4 3,Brightness .6 7;Sharpness .3 9,Brightness .7 9;Equalize .6 -,
Equalize .5 -;Contrast .6 7,Sharpness .6 5;Color .7 7,TranslateX .5 8;Equalize .3 -,
AutoContrast .4 -;TranslateY .4 3,Sharpness .2 6;Brightness .9 6,Color .2 8;Solarize .5 2,
Invert 0 -;Equalize .2 -,AutoContrast .6 -;Equalize .2 -,Equalize .6 -;Color .9 9,Equalize .6 -;
AutoContrast .8 -,Solarize .2 8;Brightness .1 3,Color .7 0;Solarize .4 5,AutoContrast .9 -;
TranslateY .9 9,TranslateY .7 9;AutoContrast .9 -,Solarize .8 3;Equalize .8 -,Invert .1 -;
TranslateY .7 9,AutoContrast .9 -""",
    "svhn": """ShearX .9 4,Invert .2 -;ShearY .9 8,Invert .7 -;Equalize .6 -,Solarize .6 6;
Invert .9 -,Equalize .6 -;Equalize .6 -,Rotate .9 3;ShearX .9 4,AutoContrast .8 -;ShearY .9 8,
Invert .4 -;ShearY .9 5,Solarize .2 6;Invert .9 -,AutoContrast .8 -;Equalize .6 -,Rotate .9 3;
ShearX .9 4,Solarize .3 3;ShearY .8 8,Invert .7 -;Equalize .9 -,TranslateY .6 6;Invert .9 -,
Equalize .6 -;Contrast .3 3,Rotate .8 4;Invert .8 -,TranslateY 0 2;ShearY .7 6,Solarize .4 8;
Invert .6 -,Rotate .8 4;ShearY .3 7,TranslateX .9 3;ShearX .1 6,Invert .6 -;Solarize .7 2,
TranslateY .6 7;ShearY .8 4,Invert .8 -;ShearX .7 9,TranslateY .8 3;ShearY .8 5,
AutoContrast .7 -;ShearX .7 2,Invert .1 -""",
}


def _parse_policy(text: str) -> list[tuple[tuple[str, float, int | None], ...]]:
    out = []
    for sub in text.replace("\n", " ").split(";"):
        ops = []
        for op in sub.split(","):
            name, p, m = op.split()
            ops.append((name, float(p), None if m == "-" else int(m)))
        out.append(tuple(ops))
    return out


def _tensor_fill(img, fill):
    if isinstance(img, Tensor):
        c = F.get_dimensions(img)[0]
        if isinstance(fill, (int, float)):
            return [float(fill)] * c
        if fill is not None:
            return [float(f) for f in fill]
    return fill


def _space(num_bins: int, image_size: tuple[int, int], shear: float, translate: tuple,
           rotate: float, enhance: float, posterize_base: int,
           posterize_div: float) -> dict[str, tuple[Tensor, bool]]:
    nt = _nt()
    lin = lambda hi: linspace(0.0, hi, num_bins)
    zero = nt.tensor(0.0)
    space = {
        "ShearX": (lin(shear), True), "ShearY": (lin(shear), True),
        "TranslateX": (lin(translate[1]), True), "TranslateY": (lin(translate[0]), True),
        "Rotate": (lin(rotate), True), "Brightness": (lin(enhance), True),
        "Color": (lin(enhance), True), "Contrast": (lin(enhance), True),
        "Sharpness": (lin(enhance), True),
        "Posterize": (posterize_base - (nt.arange(num_bins) / ((num_bins - 1) / posterize_div))
                      .round().int(), False),
        "Solarize": (linspace(255.0, 0.0, num_bins), False),
        "AutoContrast": (zero, False), "Equalize": (zero, False)}
    return space


def _randint(high: int) -> int:
    return int(_nt().randint(high, (1,)).item())


class AutoAugment:
    """One of the policy's sub-policies per call, each op applied with its probability."""

    def __init__(self, policy: AutoAugmentPolicy = AutoAugmentPolicy.IMAGENET,
                 interpolation: InterpolationMode = InterpolationMode.NEAREST,
                 fill: list[float] | None = None) -> None:
        self.policy = policy
        self.interpolation = interpolation
        self.fill = fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy: AutoAugmentPolicy):
        if not isinstance(policy, AutoAugmentPolicy) or policy.value not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        return _parse_policy(_POLICIES[policy.value])

    def _augmentation_space(self, num_bins: int, image_size: tuple[int, int]):
        s = _space(num_bins, image_size, 0.3,
                   (150.0 / 331.0 * image_size[0], 150.0 / 331.0 * image_size[1]), 30.0, 0.9,
                   8, 4)
        s["Invert"] = (_nt().tensor(0.0), False)
        return s

    @staticmethod
    def get_params(transform_num: int) -> tuple[int, Tensor, Tensor]:
        nt = _nt()
        policy_id = _randint(transform_num)
        probs = nt.rand((2,))
        signs = nt.randint(2, (2,))
        return policy_id, probs, signs

    def __call__(self, img):
        fill = _tensor_fill(img, self.fill)
        _, h, w = F.get_dimensions(img)
        tid, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (h, w))
        for i, (op_name, p, mid) in enumerate(self.policies[tid]):
            if probs[i] <= p:
                mags, signed = op_meta[op_name]
                magnitude = float(mags[mid].item()) if mid is not None else 0.0
                if signed and signs[i] == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment:
    """``num_ops`` uniformly chosen ops at a fixed ``magnitude`` bin."""

    def __init__(self, num_ops: int = 2, magnitude: int = 9, num_magnitude_bins: int = 31,
                 interpolation: InterpolationMode = InterpolationMode.NEAREST,
                 fill: list[float] | None = None) -> None:
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins: int, image_size: tuple[int, int]):
        s = _space(num_bins, image_size, 0.3,
                   (150.0 / 331.0 * image_size[0], 150.0 / 331.0 * image_size[1]), 30.0, 0.9,
                   8, 4)
        return {"Identity": (_nt().tensor(0.0), False), **s}

    def __call__(self, img):
        fill = _tensor_fill(img, self.fill)
        _, h, w = F.get_dimensions(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (h, w))
        names = list(op_meta)
        for _ in range(self.num_ops):
            op_name = names[_randint(len(op_meta))]
            mags, signed = op_meta[op_name]
            magnitude = float(mags[self.magnitude].item()) if mags.ndim > 0 else 0.0
            if signed and _randint(2):
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude="
                f"{self.magnitude}, num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide:
    """One uniformly chosen op at a uniformly chosen magnitude bin."""

    def __init__(self, num_magnitude_bins: int = 31,
                 interpolation: InterpolationMode = InterpolationMode.NEAREST,
                 fill: list[float] | None = None) -> None:
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins: int):
        s = _space(num_bins, (0, 0), 0.99, (32.0, 32.0), 135.0, 0.99, 8, 6)
        return {"Identity": (_nt().tensor(0.0), False), **s}

    def __call__(self, img):
        fill = _tensor_fill(img, self.fill)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_name = list(op_meta)[_randint(len(op_meta))]
        mags, signed = op_meta[op_name]
        magnitude = float(mags[_randint(len(mags))].item()) if mags.ndim > 0 else 0.0
        if signed and _randint(2):
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, self.interpolation, fill)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class AugMix:
    """Mix ``mixture_width`` random op chains with the original image (Dirichlet weights).

    The Dirichlet draws go through :meth:`_sample_dirichlet` (numtorch's ``Dirichlet``), which
    does not reproduce ``torch._sample_dirichlet``'s numbers; the op draws that follow use the
    default generator in torchvision's order.
    """

    _PARAMETER_MAX = 10

    def __init__(self, severity: int = 3, mixture_width: int = 3, chain_depth: int = -1,
                 alpha: float = 1.0, all_ops: bool = True,
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 fill: list[float] | None = None) -> None:
        if not (1 <= severity <= self._PARAMETER_MAX):
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got "
                             f"{severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins: int, image_size: tuple[int, int]):
        s = _space(num_bins, image_size, 0.3, (image_size[0] / 3.0, image_size[1] / 3.0),
                   30.0, 0.9, 4, 4)
        keep = ["ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Posterize",
                "Solarize", "AutoContrast", "Equalize"]
        if self.all_ops:
            keep += ["Brightness", "Color", "Contrast", "Sharpness"]
        return {k: s[k] for k in keep}

    def _sample_dirichlet(self, params: Tensor) -> Tensor:
        from ...distributions import Dirichlet

        return Dirichlet(params).sample()

    def __call__(self, orig_img):
        nt = _nt()
        fill = _tensor_fill(orig_img, self.fill)
        _, h, w = F.get_dimensions(orig_img)
        img = orig_img if isinstance(orig_img, Tensor) else F.pil_to_tensor(orig_img)
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (h, w))
        names = list(op_meta)
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)
        bdims = [batch.size(0)] + [1] * (batch.ndim - 1)
        m = self._sample_dirichlet(nt.tensor([self.alpha, self.alpha]).expand(bdims[0], -1))
        weights = self._sample_dirichlet(
            nt.tensor([self.alpha] * self.mixture_width).expand(bdims[0], -1)
        ) * m[:, 1].view([bdims[0], -1])
        mix = m[:, 0].view(bdims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else \
                int(nt.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_name = names[_randint(len(op_meta))]
                mags, signed = op_meta[op_name]
                magnitude = float(mags[_randint(self.severity)].item()) if mags.ndim > 0 \
                    else 0.0
                if signed and _randint(2):
                    magnitude *= -1.0
                aug = _apply_op(aug, op_name, magnitude, self.interpolation, fill)
            mix = mix + weights[:, i].view(bdims) * aug
        mix = mix.view(orig_dims).to(dtype=img.dtype)
        return mix if isinstance(orig_img, Tensor) else F.to_pil_image(mix)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(severity={self.severity}, mixture_width="
                f"{self.mixture_width}, chain_depth={self.chain_depth}, alpha={self.alpha}, "
                f"all_ops={self.all_ops}, interpolation={self.interpolation}, "
                f"fill={self.fill})")


