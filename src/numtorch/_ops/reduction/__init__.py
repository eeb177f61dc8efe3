"""Reductions (:mod:`.sums`: sums and moments; :mod:`.extrema`: max/min/arg*/all/any) and
statistics (:mod:`.statistics`), with ``dim`` (int or tuple) and ``keepdim`` as PyTorch."""

from __future__ import annotations

from .._return_types import return_types  # noqa: F401  (imported from here by sorting, scan)
from . import extrema, hashing, statistics, sums
from ._common import dims_of  # noqa: F401
from .extrema import *  # noqa: F403
from .extrema import Amax, Amin, MaxAll, MaxDim, MinAll, MinDim  # noqa: F401  (numtorch.onnx)
from .hashing import *  # noqa: F403
from .statistics import *  # noqa: F403
from .sums import *  # noqa: F403
from .sums import Logsumexp, Mean, MeanAll, Norm, Prod, ProdAll, Sum, SumAll  # noqa: F401

__all__ = sums.__all__ + extrema.__all__ + statistics.__all__ + hashing.__all__
