"""Exceptions of ``numtorch.onnx`` (``torch.onnx.errors``)."""

from __future__ import annotations

__all__ = ["OnnxExporterError", "UnsupportedOperatorError"]


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter (``torch.onnx.OnnxExporterError``)."""


class UnsupportedOperatorError(OnnxExporterError):
    """A traced op has no ONNX lowering (``torch.onnx.errors.UnsupportedOperatorError``): the
    export fails rather than freezing a value computed from the inputs into a constant."""
