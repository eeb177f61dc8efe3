"""PyTorch's argument-kind errors, raised before any array work.

An op declares its overloads as PyTorch prints them (``"(Tensor input, Number other, *, Tensor
out = None)"``) with :func:`overloads`; a public function calls :func:`check` only when an
argument is not already of an accepted kind (a cheap class test on its fast path), and ``check``
raises the ``TypeError`` PyTorch's argument parser gives when no overload accepts the call:
``add(): argument 'other' (position 2) must be Tensor, not list`` when one overload has the
right number of arguments, otherwise the ``received an invalid combination of arguments`` list.
"""

from __future__ import annotations

import numbers

from .._tensor import Tensor

__all__ = ["overloads", "check", "check_kinds", "need_tensor", "with_out", "arg_error",
           "is_number", "py_number", "number_param", "PLAIN"]

#: classes every Tensor-or-Number parameter takes without further checks
PLAIN = frozenset({Tensor, bool, int, float, complex})


def is_number(v) -> bool:
    """A Python or NumPy scalar (PyTorch's ``Number``); bool counts, Tensors do not."""
    return isinstance(v, numbers.Number) and not isinstance(v, Tensor)


class _Param:
    __slots__ = ("kind", "name", "optional", "kwonly", "pos")

    def __init__(self, kind, name, optional, kwonly, pos):
        self.kind, self.name, self.optional, self.kwonly, self.pos = (
            kind, name, optional, kwonly, pos)

    def accepts(self, v, numbers_as_tensors: bool, by_name: bool = False) -> bool:
        """Whether ``v`` fits; ``by_name``: as the error listing judges, by Python type alone
        (a 0-d Tensor is then no Number)."""
        if v is None and self.optional and self.kind == "Tensor":
            return True
        if self.kind == "Tensor":
            return isinstance(v, Tensor) or (numbers_as_tensors and is_number(v))
        if self.kind == "Number":
            return is_number(v) or (not by_name and isinstance(v, Tensor) and v.dim() == 0)
        if self.kind == "float":
            return isinstance(v, (int, float)) and not isinstance(v, bool) or v is None
        if self.kind == "str":
            return isinstance(v, str) or (v is None and self.optional)
        return True


class Signature:
    """One overload, parsed from PyTorch's printed form."""

    def __init__(self, text: str):
        self.text = text
        self.params: list[_Param] = []
        kwonly = False
        for part in (p.strip() for p in text.strip("()").split(",")):
            if not part:
                continue
            if part == "*":
                kwonly = True
                continue
            decl, _, default = part.partition("=")
            kind, name = decl.split()
            self.params.append(_Param(kind, name, bool(default.strip()), kwonly,
                                      None if kwonly else len(self.params) + 1))
        self.has_kwonly = kwonly
        self.n_positional = sum(not p.kwonly for p in self.params)
        self.n_required = sum(not p.optional for p in self.params)

    def bind(self, args, kwargs):
        """``[(param, value)]`` for the call, or None when the count or names do not fit."""
        if len(args) > self.n_positional:
            return None
        pos = [p for p in self.params if not p.kwonly]
        bound = list(zip(pos, args))
        names = {p.name: p for p in self.params}
        for k, v in kwargs.items():
            p = names.get(k)
            if p is None or any(q is p for q, _ in bound):
                return None
            bound.append((p, v))
        given = {id(p) for p, _ in bound}
        if any(not p.optional and id(p) not in given for p in self.params):
            return None
        return bound

    def plausible(self, nargs: int) -> bool:
        return self.n_required <= nargs <= len(self.params)


def overloads(*texts: str) -> tuple:
    """Parse overload strings once (at import) for :func:`check`."""
    return tuple(Signature(t) for t in texts)


def _name(v) -> str:
    return "Tensor" if isinstance(v, Tensor) else type(v).__name__


def _describe(v) -> str:
    if isinstance(v, tuple):
        kinds = [_name(e) for e in v]
        return f"tuple of ({', '.join(kinds)}{',' if len(kinds) == 1 else ''})"
    if isinstance(v, list):
        return f"list of [{', '.join(_name(e) for e in v)}]"
    return _name(v)


def arg_error(fname: str, pname: str, value, want: str = "Tensor", pos=None) -> TypeError:
    """``fname(): argument 'pname' (position pos) must be want, not <type>``."""
    where = f" (position {pos})" if pos is not None else ""
    return TypeError(f"{fname}(): argument '{pname}'{where} must be {want}, not {_name(value)}")


def check(fname: str, sigs: tuple, args: tuple, kwargs: dict | None = None,
          numbers_as_tensors: bool = False) -> None:
    """Return when an overload in ``sigs`` accepts ``args``/``kwargs``; else raise PyTorch's
    ``TypeError`` for the call. ``kwargs`` holds only the keywords the caller gave (defaults
    left out); ``numbers_as_tensors``: Tensor parameters also take Python numbers (``add``)."""
    kwargs = kwargs or {}
    for sig in sigs:
        bound = sig.bind(args, kwargs)
        if bound is not None and all(p.accepts(v, numbers_as_tensors) for p, v in bound):
            return
    nargs = len(args) + len(kwargs)
    plausible = [s for s in sigs if s.plausible(nargs)]
    if len(plausible) == 1:
        bound = plausible[0].bind(args, kwargs)
        for i, (p, v) in enumerate(bound or ()):
            if not p.accepts(v, numbers_as_tensors):
                raise arg_error(fname, p.name, v, p.kind, p.pos if i < len(args) else None)
    got = [_name(a) for a in args] + [f"{k}={_name(v)}" for k, v in kwargs.items()]
    lines = [f"{fname}() received an invalid combination of arguments - got "
             f"({', '.join(got)}), but expected one of:"]
    for sig in sigs:
        lines.append(f" * {sig.text}")
        if not sig.has_kwonly and sig.n_positional == len(args) and not kwargs:
            marks = []
            for p, v in zip(sig.params, args):
                d = _describe(v)
                marks.append(d if p.accepts(v, numbers_as_tensors, True) else f"!{d}!")
            lines.append("      didn't match because some of the arguments have invalid types: "
                         f"({', '.join(marks)})")
    raise TypeError("\n".join(lines) + "\n")


def check_kinds(fname: str, sigs: tuple, args: tuple, kw: dict | None = None, out=None,
                numbers: bool = False) -> tuple:
    """:func:`check`, skipped when every argument (and keyword the caller gave, ``kw``) is a
    Tensor or a Python number and no ``out`` is given: the cheap test of the common call.
    Returns ``args`` with NumPy scalars made Python numbers (what the dtype rules expect)."""
    for v in args:
        if v.__class__ not in PLAIN:
            break
    else:
        if out is None and (not kw or all(v.__class__ in PLAIN for v in kw.values())):
            return args
    kwargs = dict(kw) if kw else {}
    if out is not None:
        kwargs["out"] = out
    check(fname, sigs, args, kwargs, numbers_as_tensors=numbers)
    return tuple([py_number(v) for v in args])


def py_number(v):
    """A NumPy scalar as a Python number; anything else unchanged."""
    if v.__class__ in PLAIN or not is_number(v):
        return v
    return v.item()


def number_param(v):
    """A Number parameter (``alpha``, ``value``, ``weight``) as a Python number (a 0-d Tensor
    or a NumPy scalar gives its value)."""
    c = v.__class__
    if c is bool or c is int or c is float or c is complex:
        return v
    if isinstance(v, Tensor) or is_number(v):
        return v.item()
    return v


def with_out(kw: dict | None, out) -> dict:
    """The keywords a caller gave, plus ``out`` when given."""
    kw = dict(kw) if kw else {}
    if out is not None:
        kw["out"] = out
    return kw


def need_tensor(fname: str, value, pname: str = "input", pos: int = 1) -> None:
    """PyTorch's TypeError unless ``value`` is a Tensor (a unary op's ``input``)."""
    if not isinstance(value, Tensor):
        raise arg_error(fname, pname, value, "Tensor", pos)
