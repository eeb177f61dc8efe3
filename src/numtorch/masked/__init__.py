"""``numtorch.masked``: PyTorch's masked reductions and normalisations on strided tensors.

Each op replaces masked-out elements with the operation's identity (0 for ``sum``, ``-inf`` for
``amax``, ...) and runs the ordinary op, as ``torch.masked`` does for strided inputs.
``MaskedTensor`` and sparse layouts are not provided.
"""

from ._ops import (
    amax,
    amin,
    argmax,
    argmin,
    cumprod,
    cumsum,
    log_softmax,
    logaddexp,
    logsumexp,
    mean,
    median,
    norm,
    normalize,
    prod,
    softmax,
    softmin,
    std,
    sum,  # noqa: A004
    var,
)

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp",
           "logsumexp", "mean", "median", "norm", "normalize", "prod", "softmax", "softmin",
           "std", "sum", "var"]
