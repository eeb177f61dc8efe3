"""Linear algebra: matrix products (:mod:`.products`), inverses and solvers (:mod:`.solvers`),
decompositions (:mod:`.decomp`, :mod:`.lu_decomp`), norms (:mod:`.norms`), vector helpers
(:mod:`.vectors`) and the top-level ``torch.*`` matrix functions (:mod:`.toplevel`).

``numtorch.linalg`` re-exports the ``torch.linalg`` kernels from these modules; this package
exports the top-level names.
"""

from __future__ import annotations

from . import methods, products, toplevel
from .methods import *  # noqa: F403
from .norms import renorm
from .products import *  # noqa: F403
from .products import (  # noqa: F401  (the op classes numtorch.onnx lowers)
    Addmm,
    Bmm,
    Dot,
    Mm,
    Mv,
    _SqueezeDim,
    _UnsafeView,
)
from .toplevel import *  # noqa: F403

__all__ = products.__all__ + toplevel.__all__ + ["renorm"] + methods.__all__
