"""Linear-algebra kernels with gradients (``torch.linalg`` and the top-level matrix functions).

Forward passes call NumPy's LAPACK wrappers (``xp.linalg``); backward passes are written with
numtorch operations, following the standard matrix-calculus results (Giles, "An extended
collection of matrix derivative results for forward and reverse mode AD", 2008).
"""

from __future__ import annotations

from collections import namedtuple

_NAMED: dict = {}


def named_tuple(name: str, fields: tuple):
    """PyTorch's ``torch.return_types.<name>`` structseq as a namedtuple."""
    key = (name, fields)
    if key not in _NAMED:
        nt = namedtuple(name, fields)
        nt.__module__ = "torch.return_types"
        _NAMED[key] = nt
    return _NAMED[key]
