"""PyTorch's ``torch.return_types.<name>`` structseqs, as namedtuples."""

from __future__ import annotations

from collections import namedtuple

_NAMED: dict = {}
_VALUES_INDICES: dict = {}


def named_tuple(name: str, fields: tuple):
    """The ``torch.return_types.<name>`` structseq with ``fields``."""
    key = (name, fields)
    if key not in _NAMED:
        nt = namedtuple(name, fields)
        nt.__module__ = "torch.return_types"
        _NAMED[key] = nt
    return _NAMED[key]


def return_types(name: str):
    """The (values, indices) structseq ``torch.return_types.<name>``, printed as PyTorch does."""
    if name not in _VALUES_INDICES:
        nt = namedtuple(name, ["values", "indices"])
        nt.__module__ = "torch.return_types"
        nt.__repr__ = lambda self: (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                                    f"indices={self.indices!r})")
        _VALUES_INDICES[name] = nt
    return _VALUES_INDICES[name]
