"""``torch.utils.flop_counter``: :class:`FlopCounterMode` counts the floating-point operations
of matrix products and convolutions run inside it, in total and per module.

Counted as torch counts them: ``aten.mm``/``aten.addmm`` (``2*m*n*k``), ``aten.bmm``/
``aten.baddbmm`` (``2*b*m*n*k``) and ``aten.convolution`` (``2 * batch * prod(weight shape) *
prod(output spatial)``, input spatial when transposed). Keys of the per-op dicts are the op
names as strings (``"aten.mm"``; torch uses op objects whose ``str`` is that). Known
difference: only forward computations are counted (torch also counts the backward pass's
products when ``backward`` runs inside the mode).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from math import prod
from typing import Any

__all__ = ["FlopCounterMode", "mm_flop", "bmm_flop", "conv_flop_count"]


def mm_flop(a_shape, b_shape) -> int:
    """FLOPs of ``(m, k) @ (k, n)``: ``2*m*n*k``."""
    m, k = a_shape
    return 2 * m * b_shape[-1] * k


def bmm_flop(a_shape, b_shape) -> int:
    """FLOPs of a batched ``(b, m, k) @ (b, k, n)``: ``2*b*m*n*k``."""
    b, m, k = a_shape
    return 2 * b * m * b_shape[-1] * k


def conv_flop_count(x_shape, w_shape, out_shape, transposed: bool = False) -> int:
    """FLOPs of a convolution: each output (input, when transposed) position of each batch
    element does one multiply-add per weight element."""
    spatial = x_shape[2:] if transposed else out_shape[2:]
    return 2 * x_shape[0] * prod(w_shape) * prod(spatial)


def _count(name: str, inputs, out) -> tuple[str, int] | None:
    shapes = [tuple(x.shape) if hasattr(x, "shape") else None for x in inputs]
    if name == "Mm":
        return "aten.mm", mm_flop(shapes[0], shapes[1])
    if name == "Addmm":
        return "aten.addmm", mm_flop(shapes[1], shapes[2])
    if name == "Bmm":
        return "aten.bmm", bmm_flop(shapes[0], shapes[1])
    if name == "Baddbmm":
        return "aten.baddbmm", bmm_flop(shapes[1], shapes[2])
    return None


def _module_path() -> list:
    """The modules being called, outermost first (read from the call stack: frames of
    ``Module.__call__`` and of ``forward`` methods)."""
    from ..nn.modules.module import Module

    found = []
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_name in ("forward", "_call_impl") and code.co_argcount:
            owner = frame.f_locals.get(code.co_varnames[0])
            if isinstance(owner, Module) and (not found or found[-1] is not owner):
                found.append(owner)
        frame = frame.f_back
    found.reverse()
    return found


class FlopCounterMode:
    """``with FlopCounterMode(display=False) as counter: model(x)`` then
    ``counter.get_total_flops()`` and ``counter.get_flop_counts()`` (``{"Global": {op: n},
    "Root": ..., "Root.child": ...}``: a module is named by its type for the outermost module
    and by its path below it, as torch's tracker names them). ``display=True`` prints a table
    of the counts down to ``depth`` on exit."""

    def __init__(self, mods=None, depth: int = 2, display: bool = True,
                 custom_mapping: dict | None = None) -> None:
        self.depth = depth
        self.display = display
        self.custom_mapping = dict(custom_mapping or {})
        self.flop_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._outer = None
        self._names: dict[int, dict[int, str]] = {}

    def _names_of(self, path: list) -> list[str]:
        root = path[0]
        table = self._names.get(id(root))
        if table is None:
            base = type(root).__name__
            table = {id(m): (f"{base}.{n}" if n else base) for n, m in root.named_modules()}
            self._names[id(root)] = table
        names, seen = [], set()
        for m in path:
            name = table.get(id(m), type(m).__name__)
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def _tracer(self, cls, inputs, params):
        from .._ops import _base

        saved, _base._tracer = _base._tracer, self._outer
        try:
            out = (self._outer(cls, inputs, params) if self._outer is not None
                   else cls.apply(*inputs, **params))
        finally:
            _base._tracer = saved
        counted = None
        if cls.__name__ == "Convolution":
            counted = ("aten.convolution", conv_flop_count(
                tuple(inputs[0].shape), tuple(inputs[1].shape), tuple(out.shape),
                bool(params.get("transposed", False))))
        elif cls in self.custom_mapping:
            counted = (getattr(cls, "__name__", str(cls)), int(self.custom_mapping[cls](
                *[tuple(x.shape) if hasattr(x, "shape") else x for x in inputs],
                out_shape=tuple(out.shape) if hasattr(out, "shape") else None)))
        else:
            counted = _count(cls.__name__, inputs, out)
        if counted is not None:
            op, n = counted
            self.flop_counts["Global"][op] += n
            path = _module_path()
            if path:
                for name in self._names_of(path):
                    self.flop_counts[name][op] += n
        return out

    def get_total_flops(self) -> int:
        """All counted FLOPs."""
        return sum(self.flop_counts["Global"].values())

    def get_flop_counts(self) -> dict[str, dict[Any, int]]:
        """FLOPs per module name (and ``"Global"``) and op."""
        return {k: dict(v) for k, v in self.flop_counts.items()}

    def get_table(self, depth: int | None = None) -> str:
        """The counts as a text table: module, FLOPs, share of the total; modules nested
        deeper than ``depth`` are left out."""
        depth = self.depth if depth is None else depth
        total = self.get_total_flops()
        rows = [("Module", "FLOP", "% Total")]
        for name, ops in self.get_flop_counts().items():
            if name != "Global" and name.count(".") + 1 > depth:
                continue
            n = sum(ops.values())
            share = f"{100 * n / total:.2f}%" if total else "0.00%"
            rows.append((name, f"{n:,}", share))
            for op, k in ops.items():
                rows.append((f" - {op}", f"{k:,}", f"{100 * k / total:.2f}%" if total else
                             "0.00%"))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                         for r in rows)

    def __enter__(self):
        from .._ops import _base

        self.flop_counts.clear()
        self._names.clear()
        self._outer = _base._tracer
        _base._tracer = self._tracer
        return self

    def __exit__(self, *exc) -> bool:
        from .._ops import _base

        _base._tracer = self._outer
        self._outer = None
        if self.display:
            print(self.get_table(self.depth))
        return False
