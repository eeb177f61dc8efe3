"""``numtorch.onnx``: export models to ONNX (``torch.onnx``); needs the ``onnx`` extra."""

from ._export import export

__all__ = ["export"]
