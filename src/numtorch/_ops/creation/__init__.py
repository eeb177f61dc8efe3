"""The creation family: factories (``factories``), copies and fills (``convert``) and index
helpers (``indices``)."""

from __future__ import annotations

from . import convert, factories, indices, windows
from .convert import *  # noqa: F403
from .convert import Clone, Fill, ToCopy, _parse_to
from .factories import *  # noqa: F403
from .factories import Create, _as_tensor, _coerce_dtype, _create, _size
from .indices import *  # noqa: F403
from .windows import *  # noqa: F403

__all__ = factories.__all__ + convert.__all__ + indices.__all__ + windows.__all__
