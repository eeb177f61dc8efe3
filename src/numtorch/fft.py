"""``numtorch.fft``: discrete Fourier transforms with gradients, as ``torch.fft``.

The kernels live in :mod:`numtorch._ops.spectral`; this module is the public namespace.
"""

from __future__ import annotations

from ._ops.spectral import (
    fft,
    fft2,
    fftfreq,
    fftn,
    fftshift,
    hfft,
    hfft2,
    hfftn,
    ifft,
    ifft2,
    ifftn,
    ifftshift,
    ihfft,
    ihfft2,
    ihfftn,
    irfft,
    irfft2,
    irfftn,
    rfft,
    rfft2,
    rfftfreq,
    rfftn,
)

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftshift",
           "ifftshift", "fftfreq", "rfftfreq"]

from ._ops._numpy_aliases import install_numpy_aliases as _install_numpy_aliases  # noqa: E402

_install_numpy_aliases(globals())
