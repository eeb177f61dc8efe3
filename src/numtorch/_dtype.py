"""dtype objects, PyTorch's type promotion and the default dtype.

``numtorch.float32`` prints as ``torch.float32`` like PyTorch's. The types NumPy lacks
(bfloat16 and the float8 family) are ml_dtypes' NumPy dtypes; ml_dtypes is imported the first
time one of them is used (its import is slower than numtorch's whole import), so ``dtype.np``
of those is a stand-in (:class:`_LazyNumpyDtype`) until then, which NumPy accepts as a dtype.

Promotion follows PyTorch, including its refusals: uint16/32/64 promote only with themselves
and with floating/complex types, float8 types only with themselves.
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
                 c_name: str, cpp_name: str, itemsize: int = 0) -> None:
        self.name = name
        self.c_name = c_name
        self.cpp_name = cpp_name
        self.legacy_name = c_name + "Tensor"
        self.storage_name = c_name + "Storage"
        if np_dtype is None:
            self.np = _LazyNumpyDtype(name)
            self.itemsize = itemsize
        else:
            self.np = np.dtype(np_dtype)
            self.itemsize = self.np.itemsize
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


class _LazyNumpyDtype:
    """The NumPy dtype of an ml_dtypes type before ml_dtypes is imported. NumPy takes it as a
    dtype (through its ``dtype`` attribute); any use imports ml_dtypes and puts the real dtype
    in its place on the numtorch dtype."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        real = _load_ml_dtypes()[self._name].np
        return real if attr == "dtype" else getattr(real, attr)

    def __eq__(self, other) -> bool:
        return _load_ml_dtypes()[self._name].np == other

    def __hash__(self) -> int:
        return hash(_load_ml_dtypes()[self._name].np)

    def __repr__(self) -> str:
        return f"dtype({self._name!r})"


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
# PyTorch's "barebones" unsigned types: few ops, promotion only with floating types
uint16 = dtype("uint16", np.uint16, _INT, 12, False, "UInt16", "uint16_t")
uint32 = dtype("uint32", np.uint32, _INT, 13, False, "UInt32", "uint32_t")
uint64 = dtype("uint64", np.uint64, _INT, 14, False, "UInt64", "uint64_t")
# 8-bit floats: storage and conversion (PyTorch's CPU kernels do no arithmetic on them)
float8_e4m3fn = dtype("float8_e4m3fn", None, _FLOAT, 15, True, "Float8_e4m3fn",
                      "c10::Float8_e4m3fn", 1)
float8_e5m2 = dtype("float8_e5m2", None, _FLOAT, 16, True, "Float8_e5m2", "c10::Float8_e5m2", 1)
float8_e4m3fnuz = dtype("float8_e4m3fnuz", None, _FLOAT, 17, True, "Float8_e4m3fnuz",
                        "c10::Float8_e4m3fnuz", 1)
float8_e5m2fnuz = dtype("float8_e5m2fnuz", None, _FLOAT, 18, True, "Float8_e5m2fnuz",
                        "c10::Float8_e5m2fnuz", 1)
float8_e8m0fnu = dtype("float8_e8m0fnu", None, _FLOAT, 19, False, "Float8_e8m0fnu",
                       "c10::Float8_e8m0fnu", 1)
bfloat16.itemsize = 2

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
       complex64, complex128, uint16, uint32, uint64, float8_e4m3fn, float8_e5m2,
       float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
BAREBONES_UNSIGNED = (uint16, uint32, uint64)
FLOAT8 = (float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
#: the dtypes whose NumPy type comes from ml_dtypes, by name
_ML_DTYPES = {"bfloat16": bfloat16, **{d.name: d for d in FLOAT8}}

# aliases PyTorch offers
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64, "float16": float16,
    "half": float16, "bfloat16": bfloat16, "float32": float32, "float": float32,
    "float64": float64, "double": float64, "complex64": complex64, "cfloat": complex64,
    "complex128": complex128, "cdouble": complex128, "uint16": uint16, "uint32": uint32,
    "uint64": uint64, **{d.name: d for d in FLOAT8},
}

_BY_NP = {d.np: d for d in ALL if type(d.np) is not _LazyNumpyDtype}
_ml_loaded = False


def _load_ml_dtypes() -> dict:
    """Import ml_dtypes and give bfloat16 and the float8 types their NumPy dtypes."""
    global _ml_loaded
    if not _ml_loaded:
        try:
            import ml_dtypes
        except ImportError as e:  # pragma: no cover - ml_dtypes is a dependency
            raise TypeError("bfloat16 and float8 tensors need the ml_dtypes package "
                            "(pip install ml_dtypes)") from e
        for name, d in _ML_DTYPES.items():
            d.np = np.dtype(getattr(ml_dtypes, name))
            _BY_NP[d.np] = d
        _ml_loaded = True
    return _ML_DTYPES
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
    if nd.name in _ML_DTYPES and nd.type.__module__.startswith("ml_dtypes"):
        return _BY_NP.get(nd) or _load_ml_dtypes()[nd.name]
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{nd.name}. The only supported types are: "
        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, "
        "and bool.")


def to_numpy_dtype(d: dtype) -> np.dtype:
    """The NumPy dtype that holds a numtorch dtype (ml_dtypes' for bfloat16 and float8)."""
    if type(d.np) is _LazyNumpyDtype:
        _load_ml_dtypes()
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
    if a._rank >= 12 or b._rank >= 12:
        refused = _refused_promotion(a, b)
        if refused is not None:
            return refused
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


def _refused_promotion(a: dtype, b: dtype):
    """PyTorch's rules for the barebones types: float8 promotes with nothing else; uint16/32/64
    only with floating and complex types (which win). Raises RuntimeError as PyTorch does."""
    if a in FLOAT8 or b in FLOAT8:
        raise RuntimeError("Promotion for Float8 Types is not supported, attempted to promote "
                           f"{a.c_name} and {b.c_name}")
    other = b if a in BAREBONES_UNSIGNED else a
    if other._category in (_FLOAT, _COMPLEX):
        return other
    raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted "
                       f"to promote {a.c_name} and {b.c_name}")


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
