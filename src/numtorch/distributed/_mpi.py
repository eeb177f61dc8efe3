"""The MPI transport: loads ``mpi4py`` on first use and maps dtypes and reduce ops onto MPI's."""

from __future__ import annotations

import importlib.util

import numpy as np

from ._reduce_op import ReduceOp

EXTRA_HINT = ("numtorch.distributed runs on MPI through mpi4py: install the extra with "
              "`pip install 'numtorch[distributed]'` (mpi4py and the mpich wheel)")


def available() -> bool:
    """Whether mpi4py can be imported (without initialising MPI)."""
    return importlib.util.find_spec("mpi4py") is not None


def load():
    """The ``mpi4py.MPI`` module (importing it initialises MPI, once, as mpi4py configures)."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(EXTRA_HINT) from e
    return MPI


_BITWISE = {ReduceOp.BAND: "BAND", ReduceOp.BOR: "BOR", ReduceOp.BXOR: "BXOR"}


def mpi_op(MPI, op, dtype: np.dtype):
    """The MPI reduction for ``op`` on arrays of ``dtype`` (AVG reduces as SUM, then divides).

    Bool tensors reduce as PyTorch's do: SUM and MAX are logical or, PRODUCT and MIN logical and.
    """
    kind = dtype.kind
    if op is ReduceOp.PREMUL_SUM:
        raise NotImplementedError("numtorch.distributed: ReduceOp.PREMUL_SUM is not supported")
    if kind == "b":
        if op in (ReduceOp.SUM, ReduceOp.MAX, ReduceOp.BOR):
            return MPI.LOR
        if op in (ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.BAND):
            return MPI.LAND
        if op is ReduceOp.BXOR:
            return MPI.LXOR
        raise RuntimeError(f"numtorch.distributed: {op} is not supported for bool tensors")
    if op in _BITWISE:
        if kind not in "iu":
            raise RuntimeError(f"numtorch.distributed: {op} needs an integer tensor, got "
                               f"{dtype.name}")
        return getattr(MPI, _BITWISE[op])
    if op in (ReduceOp.MIN, ReduceOp.MAX) and kind == "c":
        raise RuntimeError(f"numtorch.distributed: {op} is not defined for complex tensors")
    return {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
            ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX}[op]


def check_avg(op, dtype: np.dtype) -> None:
    if op is ReduceOp.AVG and dtype.kind == "b":
        raise RuntimeError("numtorch.distributed: ReduceOp.AVG is not defined for bool tensors")


def finish_avg(arr: np.ndarray, n: int) -> None:
    """Divide a summed buffer by ``n`` in place (integers truncate toward zero, as NCCL's AVG)."""
    if arr.dtype.kind in "fcV":
        arr /= n
    else:
        q = np.abs(arr) // n
        arr[...] = np.where(arr < 0, -q, q)
