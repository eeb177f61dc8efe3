"""Comparisons, logical and bitwise ops, and elementwise tests (``isnan``, ``signbit``...).

Their results are never differentiable: each is a :class:`Predicate` op (its output is listed in
``non_differentiable``), so they record like any op (the ONNX exporter sees them) but carry no
gradient.
"""

from __future__ import annotations

import builtins
import operator

from ..._backend import xp_of
from ..._tensor import Tensor
from .._args import PLAIN, check, check_kinds, is_number, need_tensor, overloads, with_out
from .._base import Op, _wrap, recording, result_np_dtype, tensor_method, write_out
from .._inplace import inplace, torch_type_name
from ._common import CPLX, Predicate, as_tensor, cast, quiet, refusals, refuse

__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "equal", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isclose",
    "allclose", "signbit", "isreal",
]


class Comparison(Predicate):
    """``ufunc(a, b)`` on both operands cast to the promoted ``dtype``; a bool result."""

    params = ("dtype",)
    ufunc = ""

    refused: dict = {}

    def forward(self, a, b):
        dt = self.dtype
        if self.refused:
            refuse(self.refused, dt, a, b)
        a, b = cast(a, dt), cast(b, dt)
        xp = xp_of(a) if hasattr(a, "dtype") else xp_of(b)
        return xp.asarray(getattr(xp, self.ufunc)(a, b))


def _op(base, name: str, ufunc: str, doc: str, **attrs):
    """A subclass of ``base`` computing ``ufunc`` (named ``name``, node ``<name>Backward0``)."""
    return type(name, (base,), {"__module__": __name__, "__qualname__": name, "__doc__": doc,
                                "ufunc": ufunc, "grad_fn_name": f"{name}Backward0", **attrs})


Eq = _op(Comparison, "Eq", "equal", "``a == b``")
Ne = _op(Comparison, "Ne", "not_equal", "``a != b``")
Lt = _op(Comparison, "Lt", "less", "``a < b``", refused=refusals("lt_cpu", CPLX))
Le = _op(Comparison, "Le", "less_equal", "``a <= b``", refused=refusals("le_cpu", CPLX))
Gt = _op(Comparison, "Gt", "greater", "``a > b``", refused=refusals("gt_cpu", CPLX))
Ge = _op(Comparison, "Ge", "greater_equal", "``a >= b``", refused=refusals("ge_cpu", CPLX))


def _public(name: str, fn, doc: str):
    fn.__name__ = fn.__qualname__ = name
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    fn.__doc__ = doc
    return fn


_T2 = "(Tensor input, Tensor other, *, Tensor out = None)"
_CMP = overloads(_T2, "(Tensor input, Number other, *, Tensor out = None)")
_ONE = overloads(_T2)
_BIT = overloads(_T2, "(Number self, Tensor other)",
                 "(Tensor input, Number other, *, Tensor out = None)")


def _comparison(cls, name: str, operator, dunder: bool = False):
    ordered = bool(cls.refused)  # lt/le/gt/ge: no complex fast path (PyTorch refuses it)
    """The public comparison; ``dunder``: the ``__eq__``-style form, which answers
    NotImplemented for an operand of another kind (so ``t == None`` is False, as PyTorch)."""
    def fn(input, other, *, out=None):
        if out is None and input.__class__ is Tensor:
            # the plain array path when nothing records and no cast is needed (as ``add``)
            a = input._data
            if other.__class__ is Tensor:
                b = other._data
                if b.dtype is a.dtype and not (ordered and a.dtype.kind == "c") \
                        and not recording(input, other):
                    try:
                        return _wrap(operator(a, b))
                    except ValueError:
                        pass  # shapes that do not broadcast: the op raises PyTorch's error
            elif other.__class__ is float and a.dtype.kind in "fV" and not recording(input):
                return _wrap(operator(a, other))
        if dunder:
            if other.__class__ not in PLAIN and not (isinstance(other, Tensor)
                                                    or is_number(other)):
                return NotImplemented
        elif input.__class__ is not Tensor and not isinstance(input, Tensor):
            check(name, _CMP, (input, other), with_out(None, out))
        else:
            check_kinds(name, _CMP, (input, other), out=out)
        return write_out(out, cls.apply(input, other, dtype=result_np_dtype(input, other)))
    return _public(name, fn, f"Elementwise {cls.__doc__} with broadcasting and type promotion "
                             f"(a bool tensor), as ``torch.{name}``.")


eq = tensor_method("eq")(_comparison(Eq, "eq", operator.eq))
ne = tensor_method("ne", "not_equal")(_comparison(Ne, "ne", operator.ne))
lt = tensor_method("lt", "less")(_comparison(Lt, "lt", operator.lt))
le = tensor_method("le", "less_equal")(_comparison(Le, "le", operator.le))
gt = tensor_method("gt", "greater")(_comparison(Gt, "gt", operator.gt))
ge = tensor_method("ge", "greater_equal")(_comparison(Ge, "ge", operator.ge))
for _cls, _n, _o in ((Eq, "eq", operator.eq), (Ne, "ne", operator.ne),
                     (Lt, "lt", operator.lt), (Le, "le", operator.le),
                     (Gt, "gt", operator.gt), (Ge, "ge", operator.ge)):
    tensor_method(f"__{_n}__")(_comparison(_cls, _n, _o, dunder=True))
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


@tensor_method("equal")
def equal(input, other) -> bool:
    """True when both tensors have the same shape and values (a Python bool)."""
    need_tensor("equal", input)
    need_tensor("equal", other, "other", 2)
    return input._data.shape == other._data.shape and bool((input._data == other._data).all())


# -- logic -------------------------------------------------------------------------------------
class Logical(Predicate):
    """``ufunc`` on both operands taken as booleans."""

    ufunc = ""

    def forward(self, a, b):
        xp = xp_of(a)
        b = b.astype(bool) if hasattr(b, "astype") else builtins.bool(b)
        return xp.asarray(getattr(xp, self.ufunc)(a.astype(bool), b))


LogicalAnd = _op(Logical, "LogicalAnd", "logical_and", "``a and b``")
LogicalOr = _op(Logical, "LogicalOr", "logical_or", "``a or b``")
LogicalXor = _op(Logical, "LogicalXor", "logical_xor", "``a xor b``")


def _logical(cls, name: str):
    def fn(input, other, *, out=None):
        if input.__class__ is not Tensor or other.__class__ is not Tensor or out is not None:
            check(name, _ONE, (input, other), with_out(None, out))
        return write_out(out, cls.apply(input, other))
    return _public(name, fn, f"Elementwise {cls.__doc__} of the operands taken as booleans, "
                             f"as ``torch.{name}``.")


logical_and = tensor_method("logical_and")(_logical(LogicalAnd, "logical_and"))
logical_or = tensor_method("logical_or")(_logical(LogicalOr, "logical_or"))
logical_xor = tensor_method("logical_xor")(_logical(LogicalXor, "logical_xor"))


class LogicalNot(Predicate):
    grad_fn_name = "LogicalNotBackward0"

    def forward(self, a):
        return xp_of(a).logical_not(a)


@tensor_method("logical_not")
def logical_not(input, *, out=None) -> Tensor:
    """Elementwise ``not input`` (a bool tensor)."""
    need_tensor("logical_not", input)
    return write_out(out, LogicalNot.apply(input))


# -- bitwise -----------------------------------------------------------------------------------
class Bitwise(Predicate):
    """``ufunc`` on integer or bool operands cast to ``dtype``."""

    params = ("dtype",)
    ufunc = ""

    def forward(self, a, b):
        dt = self.dtype
        xp = xp_of(a)
        return xp.asarray(getattr(xp, self.ufunc)(cast(a, dt), cast(b, dt)), dtype=dt)


BitwiseAnd = _op(Bitwise, "BitwiseAnd", "bitwise_and", "``a & b``")
BitwiseOr = _op(Bitwise, "BitwiseOr", "bitwise_or", "``a | b``")
BitwiseXor = _op(Bitwise, "BitwiseXor", "bitwise_xor", "``a ^ b``")


def _bitwise(cls, name: str):
    def fn(input, other, *, out=None):
        check_kinds(name, _BIT, (input, other), out=out)
        if not isinstance(input, Tensor):
            input = as_tensor(input, other)
        dt = result_np_dtype(input, other)
        if dt.kind not in "iub":
            refuse({dt: (NotImplementedError, f'"{name}_cpu" not implemented for '
                                                   f"'{torch_type_name(dt)}'")},
                   dt, input._data, getattr(other, "_data", other))
        return write_out(out, cls.apply(input, other, dtype=dt))
    return _public(name, fn, f"Elementwise {cls.__doc__} of integer or bool tensors, as "
                             f"``torch.{name}``.")


bitwise_and = tensor_method("bitwise_and", "__and__", "__rand__")(
    _bitwise(BitwiseAnd, "bitwise_and"))
bitwise_or = tensor_method("bitwise_or", "__or__", "__ror__")(_bitwise(BitwiseOr, "bitwise_or"))
bitwise_xor = tensor_method("bitwise_xor", "__xor__", "__rxor__")(
    _bitwise(BitwiseXor, "bitwise_xor"))


class BitwiseNot(Predicate):
    grad_fn_name = "BitwiseNotBackward0"

    def forward(self, a):
        return xp_of(a).invert(a)


@tensor_method("bitwise_not")
def bitwise_not(input, *, out=None) -> Tensor:
    """Elementwise ``~input`` (logical not for bool tensors)."""
    need_tensor("bitwise_not", input)
    if input._data.dtype.kind not in "iub":
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for "
                                  f"'{torch_type_name(input._data.dtype)}'")
    return write_out(out, BitwiseNot.apply(input))


@tensor_method("__invert__")
def _invert(self) -> Tensor:
    if self._data.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return bitwise_not(self)


class Shift(Predicate):
    """``a << b`` / ``a >> b`` with PyTorch's results for shifts past the width (0, or -1 for
    negative values shifted right)."""

    params = ("dtype",)
    left = True

    def forward(self, a, b):
        xp = xp_of(a if hasattr(a, "dtype") else b)
        a = xp.asarray(a, dtype=self.dtype)
        b = xp.asarray(b, dtype=self.dtype)
        with quiet(xp):
            bits = a.dtype.itemsize * 8
            big = (b < 0) | (b >= bits)
            bb = xp.where(big, 0, b)
            if self.left:
                out = xp.where(big, 0, xp.left_shift(a, bb))
            else:
                out = xp.where(big, xp.where(a < 0, -1, 0).astype(a.dtype),
                               xp.right_shift(a, bb))
            return xp.asarray(out, dtype=self.dtype)


class LeftShift(Shift):
    grad_fn_name = "BitwiseLeftShiftBackward0"


class RightShift(Shift):
    grad_fn_name = "BitwiseRightShiftBackward0"
    left = False


def _shift(cls, name: str):
    def fn(input, other, *, out=None):
        check_kinds(name, _BIT, (input, other), out=out)
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{name}() expected at least one Tensor argument")
        return write_out(out, cls.apply(input, other, dtype=result_np_dtype(input, other)))
    return _public(name, fn, f"Elementwise {'left' if cls.left else 'right'} shift, as "
                             f"``torch.{name}``.")


bitwise_left_shift = tensor_method("bitwise_left_shift", "__lshift__")(
    _shift(LeftShift, "bitwise_left_shift"))
bitwise_right_shift = tensor_method("bitwise_right_shift", "__rshift__")(
    _shift(RightShift, "bitwise_right_shift"))


# -- elementwise tests -------------------------------------------------------------------------
class FloatTest(Predicate):
    """``ufunc(a)`` on floating inputs; integral inputs give ``integral`` everywhere."""

    ufunc = ""
    integral = False

    def forward(self, a):
        xp = xp_of(a)
        if a.dtype.kind not in "fcV":
            return (xp.ones if self.integral else xp.zeros)(a.shape, bool)
        return xp.asarray(getattr(xp, self.ufunc)(a))


IsNan = _op(FloatTest, "IsNan", "isnan", "is NaN")
IsInf = _op(FloatTest, "IsInf", "isinf", "is +inf or -inf")
IsFinite = _op(FloatTest, "IsFinite", "isfinite", "is finite (neither inf nor NaN)",
               integral=True)
IsPosInf = _op(FloatTest, "IsPosInf", "isposinf", "is +inf")
IsNegInf = _op(FloatTest, "IsNegInf", "isneginf", "is -inf")


def _test(cls, name: str):
    def fn(input):
        if input.__class__ is not Tensor:
            need_tensor(name, input)
        return cls.apply(input)
    return _public(name, fn, f"Elementwise: whether each value {cls.__doc__} (a bool tensor).")


isnan = tensor_method("isnan")(_test(IsNan, "isnan"))
isinf = tensor_method("isinf")(_test(IsInf, "isinf"))
isfinite = tensor_method("isfinite")(_test(IsFinite, "isfinite"))
isposinf = tensor_method("isposinf")(_test(IsPosInf, "isposinf"))
isneginf = tensor_method("isneginf")(_test(IsNegInf, "isneginf"))


class Signbit(Predicate):
    grad_fn_name = "SignbitBackward0"

    def forward(self, a):
        xp = xp_of(a)
        return xp.asarray(xp.signbit(a))


@tensor_method("signbit")
def signbit(input) -> Tensor:
    """Elementwise: whether the sign bit is set (True for -0.0)."""
    need_tensor("signbit", input)
    if input._data.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    return Signbit.apply(input)


class IsReal(Predicate):
    grad_fn_name = "IsRealBackward0"

    def forward(self, a):
        if a.dtype.kind != "c":
            return xp_of(a).ones(a.shape, bool)
        return a.imag == 0


@tensor_method("isreal")
def isreal(input: Tensor) -> Tensor:
    """Elementwise: whether the imaginary part is zero (True for real dtypes)."""
    need_tensor("isreal", input)
    return IsReal.apply(input)


class IsClose(Predicate):
    grad_fn_name = "IsCloseBackward0"
    params = ("rtol", "atol", "equal_nan")

    def forward(self, a, b):
        xp = xp_of(a)
        return xp.asarray(xp.isclose(a, b, rtol=self.rtol, atol=self.atol,
                                     equal_nan=self.equal_nan))


@tensor_method("isclose")
def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (a bool tensor)."""
    need_tensor("isclose", input)
    need_tensor("isclose", other, "other", 2)
    if input.dtype is not other.dtype:  # no promotion here, as PyTorch
        raise RuntimeError(f"{input.dtype.c_name} did not match {other.dtype.c_name}")
    return IsClose.apply(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


@tensor_method("allclose")
def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether ``isclose`` holds everywhere (a Python bool)."""
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


for _n, _f in (("__iand__", bitwise_and), ("__ior__", bitwise_or), ("__ixor__", bitwise_xor),
               ("bitwise_and_", bitwise_and), ("bitwise_or_", bitwise_or),
               ("bitwise_xor_", bitwise_xor), ("logical_and_", logical_and),
               ("logical_or_", logical_or), ("logical_xor_", logical_xor),
               ("logical_not_", logical_not), ("bitwise_not_", bitwise_not),
               ("bitwise_left_shift_", bitwise_left_shift),
               ("bitwise_right_shift_", bitwise_right_shift)):
    tensor_method(_n)(lambda self, *args, _f=_f: inplace(self, _f, *args))



class _ComparedInplace(Op):
    """The node of an in-place comparison on tracked tensors (``x.gt_(y)``): its values are the
    comparison's, cast to ``self``'s dtype; its gradient is zero for every input, as PyTorch's
    ``GtBackward0`` (number ``other``) / ``GtBackward1`` (tensor ``other``)."""

    params = ("values",)

    def forward(self, a, *other):
        return self.values.astype(a.dtype, copy=False)

    def backward(self, g):
        zeros = [g.new_zeros(meta[0]) if need else None
                 for meta, need in zip(self._input_meta, self.needs_input_grad)]
        return tuple(zeros) if len(zeros) > 1 else zeros[0]


def _compare_inplace(title: str, fn):
    nodes = tuple(type(f"{title}Inplace{k}", (_ComparedInplace,),
                       {"grad_fn_name": f"{title}Backward{k}", "__module__": __name__})
                  for k in (0, 1))

    def compare(s, other):
        res = fn(s, other)
        tensor = isinstance(other, Tensor)
        if not (s._requires_grad or tensor and other._requires_grad):
            return res
        if tensor:
            return nodes[1].apply(s, other, values=res._data)
        return nodes[0].apply(s, values=res._data)

    def method(self, other):
        return inplace(self, compare, other)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place ``{fn.__name__}``: ``self`` holds 1/0 in its own dtype."
    return method


#: the in-place comparison methods (``eq_``...), also under their long names in ``inplace.py``
COMPARE_INPLACE = {name: tensor_method(name + "_")(_compare_inplace(title, fn))
                   for name, title, fn in (("eq", "Eq", eq), ("ne", "Ne", ne), ("lt", "Lt", lt),
                                           ("le", "Le", le), ("gt", "Gt", gt), ("ge", "Ge", ge))}
