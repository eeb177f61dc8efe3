"""``assert_close``: compare tensors, numbers and nested containers of them as
``torch.testing.assert_close`` does: the same default tolerances per dtype, the same checks
(shape, device, dtype, layout, optionally strides) and the same failure messages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor

#: default (rtol, atol) per dtype; other dtypes compare exactly
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7), "complex32": (1e-3, 1e-5),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


class _Mismatch(AssertionError):
    """A failed comparison; ``where`` is the path of the failing item (``[0]['a']``)."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True,
                 rtol: float | None = None, atol: float | None = None, equal_nan: bool = False,
                 check_device: bool = True, check_dtype: bool = True, check_layout: bool = True,
                 check_stride: bool = False, msg: str | Callable[[str], str] | None = None
                 ) -> None:
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close
    (``torch.testing.assert_close``): ``|actual - expected| <= atol + rtol * |expected|``
    elementwise, NaNs equal only with ``equal_nan``; sequences and mappings are compared item
    by item."""
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {missing}.")
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                   check_dtype=check_dtype, check_layout=check_layout, check_stride=check_stride)
    try:
        _compare(actual, expected, options)
    except _Mismatch as e:
        text = e.message + (f"\n\nThe failure occurred for item {e.where}" if e.where else "")
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise AssertionError(text) from None


def _type_name(x) -> str:
    return "<class 'torch.Tensor'>" if isinstance(x, Tensor) else str(type(x))


def _as_tensor_like(x):
    if isinstance(x, np.ndarray):
        from .._ops.creation import from_numpy

        return from_numpy(x)
    return x


def _compare(actual, expected, options, where: str = "") -> None:
    actual, expected = _as_tensor_like(actual), _as_tensor_like(expected)
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _check(lambda: _compare_tensors(actual, expected, options), where)
    if actual is None or expected is None:
        if actual is expected:
            return None
        raise _Mismatch(f"None mismatch: {actual} is not {expected}", where)
    if isinstance(actual, bool) and isinstance(expected, bool):
        if actual is not expected:
            raise _Mismatch(f"Booleans mismatch: {actual} is not {expected}", where)
        return None
    if _is_number(actual) and _is_number(expected):
        return _check(lambda: _compare_numbers(actual, expected, options), where)
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != "
                            f"{len(expected)}", where)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, options, f"{where}[{i}]")
        return None
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        a_keys, e_keys = set(actual), set(expected)
        if a_keys != e_keys:
            missing = sorted(e_keys - a_keys, key=repr)
            extra = sorted(a_keys - e_keys, key=repr)
            raise _Mismatch("The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {missing}\n"
                            f"Additional keys in the actual mapping: {extra}", where)
        for key in expected:
            _compare(actual[key], expected[key], options, f"{where}[{key!r}]")
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {_type_name(actual)} "
                    f"and {_type_name(expected)}.")


def _check(fn, where: str) -> None:
    message = fn()
    if message is not None:
        raise _Mismatch(message, where)


def _is_number(x) -> bool:
    return isinstance(x, (int, float, complex)) and not isinstance(x, bool)


def _is_sequence(x) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _tolerances(dtype_name: str, options) -> tuple[float, float]:
    if options["rtol"] is not None:
        return float(options["rtol"]), float(options["atol"])
    return _TOLERANCES.get(dtype_name, (0.0, 0.0))


def _allowed(rtol: float, atol: float, what: str) -> str:
    return f" (up to {atol} allowed)" if what == "abs" else f" (up to {rtol} allowed)"


def _compare_numbers(actual, expected, options) -> str | None:
    if type(actual) is not type(expected) and options["check_dtype"]:
        return f"The (d)types do not match: {type(actual)} != {type(expected)}."
    exact = isinstance(actual, int) and isinstance(expected, int)
    rtol, atol = (0.0, 0.0) if exact and options["rtol"] is None else \
        _tolerances("float64", options)
    return _scalar_message(actual, expected, rtol, atol, options["equal_nan"], exact)


def _scalar_message(actual, expected, rtol, atol, equal_nan, exact) -> str | None:
    """The message for two Python numbers that are not close (None when they are)."""
    if actual == expected:
        return None
    both_nan = (isinstance(actual, float) and isinstance(expected, float)
                and math.isnan(actual) and math.isnan(expected))
    if both_nan and equal_nan:
        return None
    diff = abs(actual - expected)
    if not math.isnan(diff) and diff <= atol + rtol * abs(expected) and not math.isinf(diff):
        return None
    rel = diff / abs(expected) if expected != 0 else (math.nan if diff == 0 else math.inf)
    equal = rtol == 0 and atol == 0
    lines = [f"Scalars are not {'equal' if equal else 'close'}!", "",
             f"Expected {expected} but got {actual}.",
             f"Absolute difference: {diff}" + ("" if equal else f" (up to {atol} allowed)"),
             f"Relative difference: {rel}" + ("" if equal else f" (up to {rtol} allowed)")]
    return "\n".join(lines)


def _compare_tensors(actual: Tensor, expected: Tensor, options) -> str | None:
    if actual.shape != expected.shape:
        return (f"The values for attribute 'shape' do not match: {actual.shape} != "
                f"{expected.shape}.")
    if options["check_device"] and actual.device != expected.device:
        return (f"The values for attribute 'device' do not match: {actual.device} != "
                f"{expected.device}.")
    if options["check_dtype"] and actual.dtype is not expected.dtype:
        return (f"The values for attribute 'dtype' do not match: {actual.dtype} != "
                f"{expected.dtype}.")
    if options["check_layout"] and actual.layout != expected.layout:
        return (f"The values for attribute 'layout' do not match: {actual.layout} != "
                f"{expected.layout}.")
    if options["check_stride"] and actual.stride() != expected.stride():
        return (f"The values for attribute 'stride()' do not match: {actual.stride()} != "
                f"{expected.stride()}.")
    dtype = actual.dtype
    if actual.dtype is not expected.dtype:
        dtype = D.promote_types(actual.dtype, expected.dtype)
    rtol, atol = _tolerances(dtype.name, options)
    a = np.asarray(actual.detach().cpu().numpy(), dtype=dtype.np)
    e = np.asarray(expected.detach().cpu().numpy(), dtype=dtype.np)
    if actual.ndim == 0:
        exact = dtype.name in ("bool", "uint8", "int8", "int16", "int32", "int64")
        return _scalar_message(a.item(), e.item(), rtol, atol, options["equal_nan"], exact)
    return _array_message(a, e, rtol, atol, options["equal_nan"])


def _array_message(a: np.ndarray, e: np.ndarray, rtol: float, atol: float,
                   equal_nan: bool) -> str | None:
    kind = a.dtype.kind
    with np.errstate(all="ignore"):
        if kind in "fcV":
            diff = np.abs(a - e)
            close = (a == e) | (np.isfinite(diff) & (diff <= atol + rtol * np.abs(e)))
            if equal_nan:
                close |= np.isnan(a) & np.isnan(e)
        else:
            close = a == e
    if close.all():
        return None
    real = np.float32 if kind in "biu" else (a.real.dtype if kind == "c" else a.dtype)
    with np.errstate(all="ignore"):
        if kind == "b":
            diff = (a.astype(np.int64) - e.astype(np.int64))
            abs_diff = np.abs(diff)
        elif kind in "iu":
            abs_diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
        else:
            abs_diff = np.abs(a - e).astype(real)
            abs_diff[(a == e)] = 0  # inf == inf has no difference
        rel_diff = abs_diff.astype(real) / np.abs(e).astype(real)
    mismatched = ~close
    n, total = int(mismatched.sum()), a.size
    equal = rtol == 0 and atol == 0
    lines = [f"Tensor-likes are not {'equal' if equal else 'close'}!", "",
             f"Mismatched elements: {n} / {total} ({n / total:.1%})"]
    for label, values, tol in (("absolute", abs_diff, atol), ("relative", rel_diff, rtol)):
        flat = np.where(mismatched, values, np.zeros((), values.dtype)).reshape(-1)
        pos = _argmax_nan_first(flat)
        index = tuple(int(i) for i in np.unravel_index(pos, a.shape))
        value = flat[pos].item()
        line = f"Greatest {label} difference: {value} at index {index}"
        lines.append(line + ("" if equal else f" (up to {tol} allowed)"))
    return "\n".join(lines)


def _argmax_nan_first(values: np.ndarray) -> int:
    """Position of the greatest value, a NaN counting as the greatest (as torch's max)."""
    if values.dtype.kind in "fV":
        nan = np.isnan(values)
        if nan.any():
            return int(np.argmax(nan))
    return int(np.argmax(values))
