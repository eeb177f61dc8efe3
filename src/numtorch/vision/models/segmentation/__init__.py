"""``numtorch.vision.models.segmentation``: FCN, DeepLabV3 and LR-ASPP (torchvision)."""

from .deeplabv3 import *  # noqa: F403
from .deeplabv3 import __all__ as _deeplab_all
from .fcn import *  # noqa: F403
from .fcn import __all__ as _fcn_all
from .lraspp import *  # noqa: F403
from .lraspp import __all__ as _lraspp_all

__all__ = [*_deeplab_all, *_fcn_all, *_lraspp_all]
