"""dtype objects, PyTorch's type promotion and the default dtype.

``numtorch.float32`` prints as ``torch.float32`` like PyTorch's. bfloat16 exists as a name (so
code that mentions it imports) but NumPy has no such type: creating a bfloat16 tensor raises
``TypeError`` naming the dtype.
"""

from __future__ import annotations

import builtins

import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "result_type"]

# categories, in PyTorch's promotion order
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, printed as PyTorch prints it (``torch.float32``).

    It also carries the names PyTorch uses for the type elsewhere: ``c_name`` is the scalar type
    of error messages (``Float``), ``legacy_name`` the legacy tensor class (``FloatTensor``,
    printed by ``Tensor.type()``), ``storage_name`` the legacy storage class that checkpoints
    name (``FloatStorage``) and ``cpp_name`` the C++ element type (``float``, ``long int``).
    """

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category", "_rank", "c_name", "cpp_name", "legacy_name", "storage_name")

    def __init__(self, name: str, np_dtype, category: int, rank: int, signed: bool,
                 c_name: str, cpp_name: str) -> None:
        self.name = name
        self.c_name = c_name
        self.cpp_name = cpp_name
        self.legacy_name = c_name + "Tensor"
        self.storage_name = c_name + "Storage"
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = self.np.itemsize if self.np is not None else 2
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = signed
        self._category = category
        self._rank = rank

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> dtype:
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self) -> dtype:
        return {"float64": complex128, "float16": complex64}.get(self.name, complex64) \
            if self._category != _COMPLEX else self

    @property
    def is_bool(self) -> bool:
        return self._category == _BOOL


bool_ = dtype("bool", np.bool_, _BOOL, 0, False, "Bool", "bool")
uint8 = dtype("uint8", np.uint8, _INT, 1, False, "Byte", "unsigned char")
int8 = dtype("int8", np.int8, _INT, 2, True, "Char", "signed char")
int16 = dtype("int16", np.int16, _INT, 3, True, "Short", "short int")
int32 = dtype("int32", np.int32, _INT, 4, True, "Int", "int")
int64 = dtype("int64", np.int64, _INT, 5, True, "Long", "long int")
float16 = dtype("float16", np.float16, _FLOAT, 6, True, "Half", "c10::Half")
bfloat16 = dtype("bfloat16", None, _FLOAT, 7, True, "BFloat16", "c10::BFloat16")
float32 = dtype("float32", np.float32, _FLOAT, 8, True, "Float", "float")
float64 = dtype("float64", np.float64, _FLOAT, 9, True, "Double", "double")
complex64 = dtype("complex64", np.complex64, _COMPLEX, 10, True, "ComplexFloat",
                  "c10::complex<float>")
complex128 = dtype("complex128", np.complex128, _COMPLEX, 11, True, "ComplexDouble",
                   "c10::complex<double>")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
       complex64, complex128)

# aliases PyTorch offers
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64, "float16": float16,
    "half": float16, "bfloat16": bfloat16, "float32": float32, "float": float32,
    "float64": float64, "double": float64, "complex64": complex64, "cfloat": complex64,
    "complex128": complex128, "cdouble": complex128,
}

_BY_NP = {d.np: d for d in ALL if d.np is not None}
#: legacy tensor class name (``FloatTensor``) -> dtype, for ``Tensor.type("torch.FloatTensor")``
_BY_LEGACY_NAME = {d.legacy_name: d for d in ALL}


def _dtype_by_name(name: str) -> dtype:
    return ALIASES[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The numtorch dtype of a NumPy dtype; TypeError for types PyTorch lacks."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        pass
    nd = np.dtype(np_dtype)
    if nd in _BY_NP:
        return _BY_NP[nd]
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{nd.name}. The only supported types are: "
        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, "
        "and bool.")


def to_numpy_dtype(d: dtype) -> np.dtype:
    """The NumPy dtype that holds a numtorch dtype; TypeError for bfloat16."""
    if d.np is None:
        raise TypeError(f"numtorch does not support {d} tensors: NumPy has no {d.name} type")
    return d.np


_default = float32


def get_default_dtype() -> dtype:
    """The dtype of new floating-point tensors (``torch.get_default_dtype``)."""
    return _default


def set_default_dtype(d: dtype) -> None:
    """Set the default floating-point dtype; only float32 and float64 are allowed (as PyTorch)."""
    global _default
    if not isinstance(d, dtype) or d not in (float32, float64, float16):
        raise TypeError("only floating-point types are supported as the default type")
    _default = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's ``promote_types`` for two dtypes."""
    if a is b:
        return a
    ca, cb = a._category, b._category
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi._category == _COMPLEX and lo is float64:
            return complex128
        return hi
    if ca == _INT:
        if a is uint8 or b is uint8:
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    if ca == _FLOAT:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a._rank > b._rank else b
    return a if a._rank > b._rank else b


def _category_of_scalar(v) -> int:
    if isinstance(v, builtins.bool):
        return _BOOL
    if isinstance(v, int):
        return _INT
    if isinstance(v, complex):
        return _COMPLEX
    return _FLOAT


def scalar_dtype(v) -> dtype:
    """The dtype ``torch.tensor(v)`` gives a Python scalar."""
    c = _category_of_scalar(v)
    if c == _BOOL:
        return bool_
    if c == _INT:
        return int64
    if c == _COMPLEX:
        return complex128 if _default is float64 else complex64
    return _default


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category == _COMPLEX:
        return higher
    if lower._category == _COMPLEX:
        return higher.to_complex() if higher._category == _FLOAT else lower
    if higher._category == _FLOAT:
        return higher
    if higher is bool_ or lower._category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """PyTorch's result type: dimensioned tensors, then 0-d tensors, then Python scalars (weak).

    Operands are numtorch Tensors or Python numbers.
    """
    dim = zero = wrapped = None
    for o in operands:
        d = getattr(o, "dtype", None)
        if d is None:
            c = _category_of_scalar(o)
            if c == _BOOL:
                sd = bool_
            elif c == _INT:
                sd = int64
            elif c == _COMPLEX:
                sd = complex128 if _default is float64 else complex64
            else:
                sd = _default
            wrapped = sd if wrapped is None else promote_types(wrapped, sd)
        elif o.ndim == 0:
            zero = d if zero is None else promote_types(zero, d)
        else:
            dim = d if dim is None else promote_types(dim, d)
    return _combine(dim, _combine(zero, wrapped))
