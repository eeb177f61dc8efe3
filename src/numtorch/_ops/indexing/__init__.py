"""Indexing ops by topic: ``getitem`` (``Tensor.__getitem__``/``__setitem__``, ``index_put``),
``select`` (gather, index_select, take, masked_select, nonzero, ...), ``scatter`` (scatter,
index_add/copy/fill/reduce, put, masked_fill/scatter, the ``*_scatter`` view embeddings),
``diagonals`` (diag, diagonal, diag_embed, tril, triu), ``strided`` (as_strided) and ``where``.

This package re-exports the public names and the op classes and helpers other modules use.
"""

from __future__ import annotations

from ..pointwise.ternary import Where, where  # noqa: F401  (importers of the indexing family)
from ._common import _broadcast_or_raise
from .diagonals import *  # noqa: F403
from .diagonals import Diagonal, DiagonalCopy, Tril, Triu
from .diagonals import __all__ as _diagonals_all
from .getitem import *  # noqa: F403
from .getitem import (
    Alias,
    CopyBackwards,
    CopySlices,
    Index,
    IndexPut,
    IndexPutZeros,
    Select,
    Slice,
    Unsqueeze,
    slice_grad,
)
from .getitem import __all__ as _getitem_all
from .scatter import *  # noqa: F403
from .scatter import (
    MaskedFill,
    MaskedFillTensor,
    MaskedScatter,
    Scatter,
    ScatterAdd,
    ScatterAlong,
    ScatterReduce,
    index_reduce_,
    scatter_grad,
)
from .scatter import __all__ as _scatter_all
from .select import *  # noqa: F403
from .select import Gather, IndexSelect, MaskedSelect, Nonzero, Take
from .select import __all__ as _select_all
from .strided import *  # noqa: F403
from .strided import AsStrided
from .strided import __all__ as _strided_all

__all__ = _diagonals_all + _getitem_all + _scatter_all + _select_all + _strided_all

