"""``numtorch.vision.models.video``: the video ResNets (torchvision)."""

from .resnet import *  # noqa: F403
from .resnet import __all__
