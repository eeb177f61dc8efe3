"""``ReduceOp``: the reductions collectives take, named and printed as PyTorch's."""

from __future__ import annotations

import enum


class RedOpType(enum.Enum):
    """The reduction kinds; members print as ``<RedOpType.SUM: 0>`` as PyTorch's do."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


class ReduceOp:
    """``torch.distributed.ReduceOp``: ``ReduceOp.SUM`` and friends are ``RedOpType`` members."""

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


def as_red_op(op) -> RedOpType:
    if isinstance(op, RedOpType):
        return op
    if isinstance(op, str) and op.upper() in RedOpType.__members__:
        return RedOpType[op.upper()]
    raise TypeError(f"numtorch.distributed: expected a ReduceOp, got {op!r}")
