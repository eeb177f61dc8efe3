"""``torchvision.ops``: the layers and functions of torchvision's ops that run on tensors
without compiled kernels (box operations and NMS, stochastic depth, focal loss,
``FrozenBatchNorm2d``)."""

from .boxes import (
    batched_nms,
    box_area,
    box_convert,
    box_iou,
    clip_boxes_to_image,
    generalized_box_iou,
    nms,
    remove_small_boxes,
)
from .focal_loss import sigmoid_focal_loss
from .misc import FrozenBatchNorm2d
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = ["FrozenBatchNorm2d", "StochasticDepth", "batched_nms", "box_area", "box_convert",
           "box_iou", "clip_boxes_to_image", "generalized_box_iou", "nms", "remove_small_boxes",
           "sigmoid_focal_loss", "stochastic_depth"]
