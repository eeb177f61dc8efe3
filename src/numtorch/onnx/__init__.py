"""``numtorch.onnx``: export models to ONNX (``torch.onnx``); needs the ``onnx`` extra."""

from . import errors
from ._export import export
from .errors import OnnxExporterError

__all__ = ["export", "errors", "OnnxExporterError"]
