"""Argument-kind checks of the shape, join, indexing and creation ops (PyTorch's TypeError).

Each check is one class test on the common call (an ``int``, a ``Tensor``) and raises the
``TypeError`` PyTorch's argument parser gives otherwise, before any array work."""

from __future__ import annotations

from ..._tensor import Tensor
from .._args import arg_error


def is_int(v) -> bool:
    """PyTorch's ``int`` parameter: a Python/NumPy integer or anything with ``__index__``
    (a Tensor counts: PyTorch takes a 1-element integer tensor); no float, None, str, list."""
    return v.__class__ is int or (not isinstance(v, float) and hasattr(type(v), "__index__"))


def is_int_list(v) -> bool:
    """PyTorch's ``int[]`` parameter: an int, or a tuple/list (or Size) of ints."""
    if v.__class__ is int:
        return True
    if isinstance(v, (tuple, list)):
        return all(is_int(e) for e in v)
    return is_int(v) and not isinstance(v, Tensor) or (isinstance(v, Tensor) and v.dim() <= 1)


def need_int(fname: str, v, pname: str, pos: int | None) -> None:
    if v.__class__ is not int and not is_int(v):
        raise arg_error(fname, pname, v, "int", pos)


def need_ints(fname: str, v, pname: str, pos: int | None) -> None:
    if v.__class__ is not int and not is_int_list(v):
        raise arg_error(fname, pname, v, "tuple of ints", pos)


def need_tensor(fname: str, v, pname: str = "input", pos: int | None = 1) -> None:
    if not isinstance(v, Tensor):
        raise arg_error(fname, pname, v, "Tensor", pos)


def combination(fname: str, args: tuple, sigs: tuple) -> TypeError:
    """PyTorch's ``received an invalid combination of arguments`` error (short form)."""
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in args)
    lines = [f"{fname}() received an invalid combination of arguments - got ({got}), but "
             f"expected one of:"] + [f" * {s}" for s in sigs]
    return TypeError("\n".join(lines) + "\n")


def int_seq(args: tuple, fname: str, pname: str, pos: int | None) -> tuple:
    """A size/dims argument given as ints or as one tuple/list of ints, as a tuple of ints;
    PyTorch's TypeError for another kind (a str, None, an object, a list holding a float)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        seq = args[0]
    else:
        seq = args
    for v in seq:
        if v.__class__ is not int and not is_int(v):
            bad = args[0] if len(args) == 1 else v
            raise arg_error(fname, pname, bad, "tuple of ints", pos)
    return tuple(v if v.__class__ is int else int(v) for v in seq)
