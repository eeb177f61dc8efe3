"""Tensor printing, character for character as PyTorch 2.13 prints (``repr``/``str``).

Also the print options (``set_printoptions``, ``get_printoptions``, ``printoptions``) with
PyTorch's defaults and profiles. Only the entries that are shown are ever formatted, so a
summarised tensor of any size prints quickly; on a GPU only those entries are copied to the host.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import _backend
from ._dtype import bool_, get_default_dtype, int64

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the print options as ``torch.set_printoptions`` does.

    A profile ("default", "short", "full"; any other name is ignored, as in PyTorch) is applied
    first, then the explicit values. ``sci_mode`` is always assigned: omitting it restores the
    automatic choice.
    """
    if profile is not None:
        for name, value in _PROFILES.get(profile, {}).items():
            setattr(PRINT_OPTS, name, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options as a dict (``torch._tensor_str.get_printoptions``)."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (``torch._tensor_str.printoptions``)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Format:
    """How one tensor's entries are written: a shared mode and width, as PyTorch's formatter.

    Floats use integer mode (``1.``), scientific (``1.0000e+00``) or fixed (``1.0000``), chosen
    from the shown finite non-zero values; other dtypes print ``str(v)``. Every entry is
    right-aligned to one width.
    """

    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not floating:
            if flat.size:
                self.width = max(len(str(v)) for v in flat.tolist())
            return
        flat = flat.astype(np.float64)
        nz = flat[np.isfinite(flat) & (flat != 0)]
        if nz.size == 0:
            return
        mag = np.abs(nz)
        lo, hi = float(mag.min()), float(mag.max())
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = bool(PRINT_OPTS.sci_mode)
        self.width = max(1, max(len(self._text(v)) for v in nz.tolist()))

    def _text(self, v: float) -> str:
        if self.sci_mode:
            return f"{v:.{PRINT_OPTS.precision}e}"
        if self.int_mode:
            s = f"{v:.0f}"
            return s if math.isnan(v) or math.isinf(v) else s + "."
        return f"{v:.{PRINT_OPTS.precision}f}"

    def __call__(self, v) -> str:
        s = self._text(v) if self.floating else str(v)
        return s.rjust(self.width)


def _complex_text(real: str, imag: str) -> str:
    imag = (imag + "j").lstrip()
    return real + imag if imag[0] in "+-" else real + "+" + imag


def _summarized(a, edgeitems: int):
    """The entries PyTorch shows: first and last ``edgeitems`` of every long dimension."""
    xp = _backend.xp_of(a)
    for axis, n in enumerate(a.shape):
        if n > 2 * edgeitems:
            head = a[(slice(None),) * axis + (slice(0, edgeitems),)]
            tail = a[(slice(None),) * axis + (slice(n - edgeitems, n),)]
            a = xp.concatenate((head, tail), axis=axis)
    return a


def _body(a, floating: bool, is_complex: bool, indent: int) -> str:
    """The bracketed contents of a non-empty array, as PyTorch's ``_tensor_str``."""
    summarize = a.size > PRINT_OPTS.threshold
    e = PRINT_OPTS.edgeitems
    shown = np.asarray(_backend.to_host(_summarized(a, e) if summarize else a))
    if is_complex:
        f_re, f_im = _Format(shown.real, True), _Format(shown.imag, True)
        entry_len = f_re.width + f_im.width + 3
        cells = [_complex_text(f_re(z.real), f_im(z.imag)) for z in shown.reshape(-1).tolist()]
    else:
        fmt = _Format(shown, floating)
        entry_len = fmt.width + 2
        cells = [fmt(v) for v in shown.reshape(-1).tolist()]
    if a.ndim == 0:
        return cells[0]
    grid = np.empty(len(cells), dtype=object)
    grid[:] = cells
    grid = grid.reshape(shown.shape)
    linewidth = PRINT_OPTS.linewidth

    def nest(g: np.ndarray, depth: int, ind: int) -> str:
        gap = summarize and a.shape[depth] > 2 * e
        if g.ndim == 1:
            items = list(g)
            if gap:
                items[e:e] = [" ..." if e else "..."]
            per_line = max(1, math.floor((linewidth - ind) / entry_len))
            lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
            return "[" + (",\n" + " " * (ind + 1)).join(lines) + "]"
        parts = [nest(sub, depth + 1, ind + 1) for sub in g]
        if gap:
            parts[e:e] = ["..."]
        return "[" + ("," + "\n" * (g.ndim - 1) + " " * (ind + 1)).join(parts) + "]"

    return nest(grid, 0, indent)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # PyTorch's running line length starts two characters too long; kept for identical wrapping.
    used = len(text) - text.rfind("\n") + 1
    out = [text]
    for s in suffixes:
        if used + len(s) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            used = indent + len(s)
        else:
            out.append(", " + s)
            used += len(s) + 2
    out.append(")")
    return "".join(out)


#: set by ``autograd.forward_ad`` while a dual level is active: ``tangent=...`` (or None) for t
tangent_suffix = None


def tensor_repr(t: Any, tensor_contents: str | None = None) -> str:
    """``repr(t)`` exactly as PyTorch 2.13 prints a plain tensor (``tensor(...)`` with suffixes).

    Reads only ``t._data``, ``t.dtype``, ``t.device``, ``t.grad_fn`` and ``t.requires_grad``.
    ``tensor_contents`` replaces the printed values, as PyTorch's argument of that name.
    """
    kind = type(t)
    # a subclass prints its own name, except nn.Parameter (which adds its own header)
    plain = not hasattr(kind, "as_subclass") or (
        kind.__name__ in ("Tensor", "Parameter") and kind.__module__.startswith("numtorch."))
    prefix = "tensor(" if plain else f"{kind.__name__}("
    indent = len(prefix)
    a = t._data
    dtype = t.dtype
    default = get_default_dtype()
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype is not default:
            suffixes.append(f"dtype={dtype}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        # the dtypes a tensor literal implies print no dtype
        if dtype not in (default, default.to_complex(), int64, bool_):
            suffixes.append(f"dtype={dtype}")
        body = None
    if tensor_contents is not None:
        body = tensor_contents
    elif body is None:
        body = _body(a, bool(dtype.is_floating_point), bool(dtype.is_complex), indent)
    grad_fn = t.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    if tangent_suffix is not None:
        extra = tangent_suffix(t)
        if extra:
            suffixes.append(extra)
    return _add_suffixes(prefix + body, suffixes, indent)
