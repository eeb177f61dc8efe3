"""``torchvision.ops.boxes``: box areas, IoU, format conversion, clipping and non-maximum
suppression for ``(N, 4)`` boxes, composed of numtorch ops (differentiable where torchvision's
are)."""

from __future__ import annotations

import numtorch

from ..._tensor import Tensor

__all__ = ["box_area", "box_iou", "generalized_box_iou", "box_convert", "clip_boxes_to_image",
           "remove_small_boxes", "nms", "batched_nms"]

_FORMATS = ("xyxy", "xywh", "cxcywh")


def box_area(boxes: Tensor) -> Tensor:
    """Areas of ``(x1, y1, x2, y2)`` boxes: ``(x2 - x1) * (y2 - y1)``."""
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _inter_union(boxes1: Tensor, boxes2: Tensor) -> tuple[Tensor, Tensor]:
    area1, area2 = box_area(boxes1), box_area(boxes2)
    top_left = numtorch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = numtorch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (bottom_right - top_left).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[:, None] + area2[None, :] - inter


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """``(N, M)`` intersection over union of two sets of ``xyxy`` boxes."""
    inter, union = _inter_union(boxes1, boxes2)
    return inter / union


def generalized_box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """``(N, M)`` generalised IoU: IoU minus the share of the smallest enclosing box that the
    union leaves uncovered."""
    inter, union = _inter_union(boxes1, boxes2)
    iou = inter / union
    top_left = numtorch.minimum(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = numtorch.maximum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (bottom_right - top_left).clamp(min=0)
    enclosing = wh[..., 0] * wh[..., 1]
    return iou - (enclosing - union) / enclosing


def box_convert(boxes: Tensor, in_fmt: str, out_fmt: str) -> Tensor:
    """Convert boxes between ``"xyxy"``, ``"xywh"`` (corner and size) and ``"cxcywh"`` (centre
    and size); unknown formats raise ``ValueError``. Equal formats give a copy."""
    if in_fmt not in _FORMATS or out_fmt not in _FORMATS:
        raise ValueError("Unsupported Bounding Box Conversions for given in_fmt and out_fmt")
    if in_fmt == out_fmt:
        return boxes.clone()
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == "xywh":
        a, b, c, d = a, b, a + c, b + d
    elif in_fmt == "cxcywh":
        a, b, c, d = a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d
    if out_fmt == "xywh":
        a, b, c, d = a, b, c - a, d - b
    elif out_fmt == "cxcywh":
        a, b, c, d = (a + c) / 2, (b + d) / 2, c - a, d - b
    return numtorch.stack((a, b, c, d), dim=-1)


def clip_boxes_to_image(boxes: Tensor, size: tuple[int, int]) -> Tensor:
    """Clamp ``xyxy`` boxes into an image of ``size = (height, width)``."""
    height, width = size
    x = boxes[..., 0::2].clamp(min=0, max=width)
    y = boxes[..., 1::2].clamp(min=0, max=height)
    return numtorch.stack((x, y), dim=boxes.dim()).reshape(boxes.shape)


def remove_small_boxes(boxes: Tensor, min_size: float) -> Tensor:
    """Indices of the boxes whose width and height are both at least ``min_size``."""
    ws, hs = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    return numtorch.where((ws >= min_size) & (hs >= min_size))[0]


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Greedy non-maximum suppression: the indices (int64, by decreasing score) of the boxes
    kept after dropping every box whose IoU with a higher-scoring kept box exceeds
    ``iou_threshold``."""
    order = numtorch.argsort(scores, descending=True, stable=True)
    if order.numel() == 0:
        return order
    iou = box_iou(boxes, boxes).tolist()
    suppressed = [False] * boxes.shape[0]
    keep = []
    for i in order.tolist():
        if suppressed[i]:
            continue
        keep.append(i)
        row = iou[i]
        for j in range(len(row)):
            if row[j] > iou_threshold:
                suppressed[j] = True
    return numtorch.tensor(keep, dtype=numtorch.int64, device=boxes.device)


def batched_nms(boxes: Tensor, scores: Tensor, idxs: Tensor, iou_threshold: float) -> Tensor:
    """Non-maximum suppression within each category of ``idxs`` (boxes of different categories
    never suppress each other); kept indices by decreasing score."""
    if boxes.numel() == 0:
        return numtorch.empty((0,), dtype=numtorch.int64, device=boxes.device)
    offsets = idxs.to(boxes) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)
