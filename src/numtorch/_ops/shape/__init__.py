"""The shape family: views (``views``), splits (``splits``), ``*_copy`` variants (``copies``)
and in-place resizing (``resize``)."""

from __future__ import annotations

from . import copies, inplace_views, resize, splits, views  # noqa: F401
from .copies import *  # noqa: F403
from .copies import _copy
from .resize import *  # noqa: F403
from .splits import *  # noqa: F403
from .splits import Split, SplitWithSizes
from .views import *  # noqa: F403
from .views import (
    Expand,
    Permute,
    ReshapeAlias,
    Select,
    Slice,
    Squeeze,
    SqueezeDims,
    SqueezeMulti,
    T,
    Transpose,
    Unbind,
    UnsafeView,
    Unsqueeze,
    View,
    ViewAsComplex,
    ViewAsReal,
)

__all__ = views.__all__ + splits.__all__ + copies.__all__ + resize.__all__
