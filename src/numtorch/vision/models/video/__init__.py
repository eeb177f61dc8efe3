"""``numtorch.vision.models.video``: video ResNets, S3D and video Swin Transformers."""

from .resnet import *  # noqa: F403
from .resnet import __all__ as _resnet_all
from .s3d import *  # noqa: F403
from .s3d import __all__ as _s3d_all
from .swin_transformer import *  # noqa: F403
from .swin_transformer import __all__ as _swin_all

__all__ = [*_resnet_all, *_s3d_all, *_swin_all]
