"""Weights enums, the model registry, the ImageNet preset and the hub cache (as torchvision).

Pretrained files are looked up where ``torch.hub`` keeps them, ``$TORCH_HOME/hub/checkpoints``
(default ``~/.cache/torch/hub/checkpoints``), under torchvision's file names, so weights that
torchvision already downloaded are reused; a missing file is downloaded from
``download.pytorch.org`` to a temporary name, checked against the SHA-256 prefix in its name and
renamed into place. The ImageNet category names are not bundled: ``meta`` has no
``"categories"`` entry (``meta["num_classes"]`` says how many there are).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ... import nn
from ..._dtype import float32
from ..._tensor import Tensor
from ...hub import download_url_to_file, get_dir, load_state_dict_from_url
from ..transforms import functional as F
from ..transforms.functional import InterpolationMode

__all__ = ["Weights", "WeightsEnum", "ImageClassification", "register_model", "list_models",
           "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "load_state_dict_from_url", "download_url_to_file", "get_dir"]

# -- the ImageNet evaluation preset ------------------------------------------------------------
class ImageClassification(nn.Module):
    """``torchvision.transforms._presets.ImageClassification``: resize, center crop, normalise.

    Takes a PIL image or a uint8/float tensor ``(..., C, H, W)``; returns float32.
    """

    def __init__(self, *, crop_size: int, resize_size: int = 256,
                 mean: tuple[float, ...] = (0.485, 0.456, 0.406),
                 std: tuple[float, ...] = (0.229, 0.224, 0.225),
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: bool | None = True) -> None:
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img) -> Tensor:
        img = F.resize(img, self.resize_size, interpolation=self.interpolation,
                       antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, float32)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(\n    crop_size={self.crop_size}\n"
                f"    resize_size={self.resize_size}\n    mean={self.mean}\n"
                f"    std={self.std}\n    interpolation={self.interpolation}\n)")


# -- weights -----------------------------------------------------------------------------------
@dataclass
class Weights:
    """One pretrained checkpoint: its URL, its preprocessing (a callable) and metadata."""

    url: str
    transforms: Callable
    meta: dict[str, Any] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Weights):
            return NotImplemented
        return (self.url == other.url and self.meta == other.meta
                and _same_callable(self.transforms, other.transforms))


def _same_callable(a, b) -> bool:
    if isinstance(a, functools.partial) and isinstance(b, functools.partial):
        return a.func is b.func and a.args == b.args and a.keywords == b.keywords
    return a is b


def imagenet_weights(file_name: str, *, crop_size: int = 224, resize_size: int = 256,
                     interpolation: InterpolationMode | None = None,
                     mean: tuple[float, ...] | None = None, std: tuple[float, ...] | None = None,
                     **meta: Any) -> Weights:
    """Weights on ``download.pytorch.org`` with the ImageNet preset and 1000 classes."""
    extra: dict[str, Any] = {}
    if interpolation is not None:
        extra["interpolation"] = interpolation
    if mean is not None:
        extra["mean"], extra["std"] = mean, std
    return Weights(url=f"https://download.pytorch.org/models/{file_name}",
                   transforms=functools.partial(ImageClassification, crop_size=crop_size,
                                                resize_size=resize_size, **extra),
                   meta={"num_classes": 1000, **meta})


def build_model(enum: type[WeightsEnum], weights: Any, progress: bool, kwargs: dict[str, Any],
                factory: Callable[..., nn.Module]) -> nn.Module:
    """Verify ``weights``, pin ``num_classes`` to it, fetch it, build ``factory(**kwargs)``
    and load the checkpoint: the common body of torchvision's builders."""
    weights = enum.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
    state_dict = _fetch_weights(weights, progress)
    model = factory(**kwargs)
    _load_weights(model, state_dict)
    return model


class WeightsEnum(Enum):
    """Base of ``VGG16_Weights`` etc.: members are :class:`Weights`; ``DEFAULT`` is an alias."""

    @classmethod
    def verify(cls, obj):
        """Accept a member, its name (``"IMAGENET1K_V1"`` or ``"VGG16_Weights.IMAGENET1K_V1"``)
        or None, as torchvision does."""
        if obj is None:
            return None
        if type(obj) is str:
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but "
                            f"received {obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The checkpoint from the hub cache (downloaded when absent)."""
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self._name_}"

    @property
    def url(self) -> str:
        return self.value.url

    @property
    def transforms(self) -> Callable:
        return self.value.transforms

    @property
    def meta(self) -> dict[str, Any]:
        return self.value.meta


def _fetch_weights(weights: WeightsEnum | None, progress: bool) -> dict[str, Any] | None:
    """The checkpoint of ``weights`` (None for None), read before the model is built so that
    a missing file fails at once rather than after a large model's initialisation."""
    if weights is None:
        return None
    return weights.get_state_dict(progress=progress, check_hash=True, weights_only=True)


def _load_weights(model: nn.Module, state_dict: dict[str, Any] | None) -> None:
    if state_dict is not None:
        model.load_state_dict(state_dict)


def _ovewrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got "
                             f"{kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _resolve_legacy(name: str, args: tuple, kwargs: dict[str, Any],
                    default: WeightsEnum | None) -> None:
    """torchvision's deprecated calling forms: positional weights/progress, ``pretrained=``
    and boolean ``weights=``, with torchvision's ``UserWarning`` texts."""
    if args:
        keys = ("weights", "progress")[:len(args)]
        if len(args) > 2:
            raise TypeError(f"{name}() takes 0 positional arguments but {len(args)} were given")
        shown = " and ".join(f"'{k}'" for k in keys)
        warnings.warn(f"Using {shown} as positional parameter(s) is deprecated since 0.13 and "
                      f"may be removed in the future. Please use keyword parameter(s) instead.",
                      stacklevel=3)
        for k, v in zip(keys, args):
            if k in kwargs:
                raise TypeError(f"{name}() got multiple values for argument '{k}'")
            kwargs[k] = v
    sentinel = object()
    weights_arg = kwargs.get("weights", sentinel)
    if ("weights" not in kwargs and "pretrained" not in kwargs) or weights_arg is None \
            or isinstance(weights_arg, WeightsEnum) \
            or (isinstance(weights_arg, str) and weights_arg != "legacy"):
        return
    positional = weights_arg is not sentinel
    pretrained = kwargs.pop("weights") if positional else kwargs["pretrained"]
    kwargs.pop("pretrained", None)
    if pretrained:
        if default is None:
            raise ValueError(f"No weights available for model {name}")
        chosen = default
    else:
        chosen = None
    if not positional:
        warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed "
                      "in the future, please use 'weights' instead.", stacklevel=3)
    msg = ("Arguments other than a weight enum or `None` for 'weights' are deprecated since "
           "0.13 and may be removed in the future. The current behavior is equivalent to "
           f"passing `weights={chosen}`.")
    if pretrained:
        msg += (f" You can also use `weights={type(chosen).__name__}.DEFAULT` to get the most "
                "up-to-date weights.")
    warnings.warn(msg, stacklevel=3)
    kwargs["weights"] = chosen


# -- registry ----------------------------------------------------------------------------------
_BUILTIN_MODELS: dict[str, Callable[..., nn.Module]] = {}


def register_model(name: str | None = None, weights: type[WeightsEnum] | None = None,
                   legacy_default: str | None = None):
    """Register a builder ``fn(*, weights=None, progress=True, **kwargs)`` under ``name``.

    The registered function also accepts torchvision's deprecated forms (``pretrained=True``,
    positional ``weights``) where ``legacy_default`` names the member ``pretrained=True`` means.
    """

    def wrap(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        key = name or fn.__name__

        @functools.wraps(fn)
        def builder(*args: Any, **kwargs: Any) -> nn.Module:
            default = None
            if callable(legacy_default):  # the member depends on the other arguments
                default = legacy_default(kwargs)
            elif weights is not None and legacy_default is not None:
                default = weights[legacy_default]
            _resolve_legacy(key, args, kwargs, default)
            return fn(**kwargs)

        builder._weights_enum = weights
        if key in _BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        _BUILTIN_MODELS[key] = builder
        return builder

    return wrap


def list_models(module=None, include=None, exclude=None) -> list[str]:
    """Names of the registered builders (``torchvision.models.list_models``)."""
    import fnmatch

    names = [k for k, fn in _BUILTIN_MODELS.items()
             if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__
             or fn.__module__ == module.__name__]
    if include:
        pats = [include] if isinstance(include, str) else include
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in pats)]
    if exclude:
        pats = [exclude] if isinstance(exclude, str) else exclude
        names = [n for n in names if not any(fnmatch.fnmatch(n, p) for p in pats)]
    return sorted(names)


def get_model_builder(name: str) -> Callable[..., nn.Module]:
    name = name.lower()
    try:
        return _BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name: str, **config: Any) -> nn.Module:
    """Build a registered model by name (``torchvision.models.get_model``)."""
    return get_model_builder(name)(**config)


def get_model_weights(name) -> type[WeightsEnum]:
    """The weights enum of a builder or builder name."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    enum = getattr(fn, "_weights_enum", None)
    if enum is None:
        raise ValueError(f"The weight enum for the model '{getattr(fn, '__name__', fn)}' "
                         "could not be found.")
    return enum


def get_weight(name: str) -> WeightsEnum:
    """``get_weight("ResNet50_Weights.IMAGENET1K_V2")``: the member of a weights enum."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for fn in _BUILTIN_MODELS.values():
        enum = getattr(fn, "_weights_enum", None)
        if enum is not None and enum.__name__ == enum_name:
            return enum[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be "
                     "retrieved.")
