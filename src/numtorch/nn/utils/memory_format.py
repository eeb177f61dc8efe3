"""Converting convolution weights to a memory format (``torch.nn.utils.memory_format``).

numtorch tensors keep NumPy's row-major layout, so the conversion clones the weights with the
requested ``memory_format`` as far as ``Tensor.clone`` honours it; values are unchanged.
"""

from __future__ import annotations

from ..modules.module import Module

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module: Module, memory_format, kinds: tuple) -> Module:
    if isinstance(module, kinds):
        module.weight.data = module.weight.detach().clone(memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, kinds)
    return module


def convert_conv2d_weight_memory_format(module: Module, memory_format) -> Module:
    """Set the weights of every ``Conv2d``/``ConvTranspose2d`` in ``module`` to
    ``memory_format``; returns ``module``."""
    from ..modules.conv import Conv2d, ConvTranspose2d

    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module: Module, memory_format) -> Module:
    """Set the weights of every ``Conv3d``/``ConvTranspose3d`` in ``module`` to
    ``memory_format``; returns ``module``."""
    from ..modules.conv import Conv3d, ConvTranspose3d

    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))
