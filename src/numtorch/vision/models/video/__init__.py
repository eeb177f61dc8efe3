"""``numtorch.vision.models.video``: the video ResNets and video Swin Transformers."""

from .resnet import *  # noqa: F403
from .resnet import __all__ as _resnet_all
from .swin_transformer import *  # noqa: F403
from .swin_transformer import __all__ as _swin_all

__all__ = [*_resnet_all, *_swin_all]
