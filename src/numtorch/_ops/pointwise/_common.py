"""Helpers shared by the pointwise op modules: operand casting, dtype rules, in-place glue."""

from __future__ import annotations

import math
import warnings

from ... import _dtype as D
from ..._backend import errstate, xp_of
from ..._tensor import Tensor
from .._base import Op, broadcast_message, float_np_dtype, result_np_dtype

_FP_WARNING = (r"(overflow|invalid value|divide by zero|underflow) encountered",
               r"numtorch\._ops\.pointwise\.")


def silence_fp_warnings() -> None:
    """Ignore the array module's floating-point RuntimeWarnings raised from this package's code.

    PyTorch computes inf/NaN without a warning. The array fast paths (``a + b``) cannot afford
    an ``errstate`` block per call, so a filter scoped to these modules (user code untouched) is
    installed at import. ``warnings.catch_warnings`` restores the filters it saved on exit, so
    an import inside such a block (pytest's collection) loses it: call this again there."""
    msg, mod = _FP_WARNING
    for f in warnings.filters:
        if f[0] == "ignore" and getattr(f[1], "pattern", None) == msg and f[2] is RuntimeWarning \
                and getattr(f[3], "pattern", None) == mod:
            return
    warnings.filterwarnings("ignore", msg, RuntimeWarning, mod)


silence_fp_warnings()


def arr(x):
    """The array of a Tensor; anything else unchanged."""
    return x._data if isinstance(x, Tensor) else x


def cast(a, dt):
    """Cast an array operand to the computation dtype (Python scalars stay weak).

    A Python int that does not fit an integer dtype wraps around, as PyTorch casts it.
    """
    if hasattr(a, "dtype"):
        return a.astype(dt) if a.dtype != dt else a
    if type(a) is int and dt.kind in "iu":
        bits = 8 * dt.itemsize
        lo = -(1 << (bits - 1)) if dt.kind == "i" else 0
        if not lo <= a < lo + (1 << bits):
            a = (a - lo) % (1 << bits) + lo
            return dt.type(a)
    return a


def opmath(dt, a, b, alpha=1, round_scalar=False):
    """The float32 operands PyTorch's vectorised CPU kernels compute a float16/bfloat16 result
    ``dt`` with, or None where the kernel's own dtype is used (two tensors of ``dt``, no
    ``alpha``). The array operand is rounded to ``dt`` first; a Python scalar or 0-d operand
    of another dtype stays at float32 precision (``mul``/``div``) or is rounded to ``dt`` too
    (``add``/``sub``: ``round_scalar``). The caller rounds its float32 result once.

    Known difference: torch's scalar tail loop (the last elements that do not fill a vector
    register) rounds after each step; numtorch rounds every element as the vector loop does."""
    if dt.itemsize != 2 or dt.kind not in "fV":
        return None
    if alpha == 1 and _full(a, dt) and _full(b, dt):
        return None
    return _wide(a, dt, round_scalar), _wide(b, dt, round_scalar)


def _full(v, dt) -> bool:
    return hasattr(v, "dtype") and (v.dtype == dt or v.ndim > 0)


def _wide(v, dt, round_scalar):
    if not hasattr(v, "dtype"):
        v = xp_of_default().float32(v)
        return v.astype(dt).astype("float32") if round_scalar else v
    if v.ndim == 0 and v.dtype != dt and not round_scalar:
        return v.astype("float32")
    return (v if v.dtype == dt else v.astype(dt)).astype("float32")


def xp_of_default():
    """The host array module (for Python scalars, which carry no device)."""
    from ..._backend import host

    return host


def as_tensor(x, like: Tensor) -> Tensor:
    """``x`` as a Tensor of ``like``'s dtype and device (Tensors are returned as is)."""
    if isinstance(x, Tensor):
        return x
    return Tensor._from_array(xp_of(like._data).asarray(x, dtype=like._data.dtype))


def quiet(xp):
    """Silence floating-point warnings of ``xp`` (PyTorch computes without them)."""
    return errstate(xp, all="ignore")


def float_result(*operands):
    """PyTorch's dtype for a floating op: promoted, then the default float if integral."""
    if len(operands) == 2:
        dt = result_np_dtype(*operands)
    else:
        dt = float_np_dtype(arr(operands[0]))
    if dt.kind not in "fcV":
        dt = D.get_default_dtype().np
    return dt


def floatify(input: Tensor) -> Tensor:
    """``input`` in the default float dtype when it is integral or bool."""
    return input if input._data.dtype.kind in "fcV" else input.to(D.get_default_dtype())


def result_of(*operands):
    """The NumPy dtype PyTorch's promotion gives ``operands`` (Tensors or Python scalars)."""
    return D.to_numpy_dtype(D.result_type(*operands))


class NotImplementedNode(Op):
    """An op PyTorch records without a derivative: backward raises PyTorch's error."""

    grad_fn_name = "NotImplemented"
    params = ()

    def name(self) -> str:
        return "torch::autograd::NotImplemented"

    def backward(self, *grads):
        raise RuntimeError(f"derivative for aten::{self.aten} is not implemented")


class Predicate(Op):
    """Base of ops whose result is never differentiable (comparisons, logic, tests)."""

    non_differentiable = (0,)
    params = ()


# -- dtypes PyTorch has no kernel for ---------------------------------------------------------
INTS = ("uint8", "int8", "int16", "int32", "int64")
CPLX = ("complex64", "complex128")
TORCH_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
              "int64": "Long", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
              "float16": "Half", "float32": "Float", "float64": "Double"}


def refusals(kernel: str, names, exc=NotImplementedError, message: str | None = None) -> dict:
    """``{array dtype: (exception class, message)}``: PyTorch's ``"<kernel>" not implemented for
    '<dtype>'`` (or ``message``) for each dtype in ``names``."""
    return {np_dtype(n): (exc, message or f'"{kernel}" not implemented for '
                                          f"'{TORCH_NAME[n]}'") for n in names}


def np_dtype(name: str):
    """The array dtype of a dtype name (keys of the refusal tables: a dtype hashes fast)."""
    return getattr(D, "bool_" if name == "bool" else name).np


def refuse(table, dt, *operands) -> None:
    """Raise PyTorch's error when ``table`` refuses the computation dtype ``dt``; a shape
    mismatch among the operands is reported first, as PyTorch checks shapes before kernels."""
    entry = table.get(dt)
    if entry is None:
        return
    shapes = [x.shape for x in operands if hasattr(x, "shape")]
    for i in range(len(shapes)):
        for j in range(i + 1, len(shapes)):
            msg = broadcast_message(shapes[i], shapes[j])
            if msg is not None:
                raise RuntimeError(msg)
    raise entry[0](entry[1])


def opmath_alpha(alpha, dt):
    """``alpha`` as torch's vectorised kernels use it: rounded to float16 for a float16 result,
    at float32 precision for bfloat16."""
    return float(dt.type(alpha)) if dt.kind == "f" else alpha


def log_scalar(base):
    """log of a Python number base (complex for a negative or complex base)."""
    import cmath

    return cmath.log(base) if isinstance(base, complex) or base < 0 else math.log(base)
