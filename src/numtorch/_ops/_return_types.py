"""PyTorch's ``torch.return_types.<name>`` structseqs, as namedtuples that print, pickle and
count their fields as PyTorch's do."""

from __future__ import annotations

from collections import namedtuple

_NAMED: dict = {}


def _repr(self) -> str:
    """``torch.return_types.max(\\nvalues=tensor(...),\\nindices=tensor(...))``, as PyTorch."""
    parts = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
    return f"torch.return_types.{type(self).__name__}(\n{parts})"


def _reduce(self):
    return _rebuild, (type(self).__name__, self._fields, tuple(self))


def _rebuild(name: str, fields: tuple, values: tuple):
    """Unpickle a return type (found again by name and fields)."""
    return named_tuple(name, tuple(fields))(*values)


def named_tuple(name: str, fields: tuple):
    """The ``torch.return_types.<name>`` structseq with ``fields``."""
    key = (name, fields)
    nt = _NAMED.get(key)
    if nt is None:
        nt = namedtuple(name, fields)
        nt.__module__ = "torch.return_types"
        nt.__repr__ = _repr
        nt.__str__ = _repr
        nt.__reduce__ = _reduce
        nt.n_fields = nt.n_sequence_fields = len(fields)
        nt.n_unnamed_fields = 0
        _NAMED[key] = nt
    return nt


def return_types(name: str):
    """The (values, indices) structseq ``torch.return_types.<name>``."""
    return named_tuple(name, ("values", "indices"))
