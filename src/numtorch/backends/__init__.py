"""``numtorch.backends``: the backend switches PyTorch scripts read and set, as submodules
(``import torch.backends.cudnn as cudnn`` works), with the values of torch's CPU build.

numtorch computes with NumPy on the CPU: the switches are kept and reported, and the
``is_available()`` of libraries numtorch does not use (cuDNN, oneDNN, MKL, OpenMP, MPS) say
False.
"""

from __future__ import annotations

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp, opt_einsum

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]
