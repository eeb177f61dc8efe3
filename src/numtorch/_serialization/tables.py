"""Names PyTorch's checkpoints use for storages and dtypes, and the NumPy types behind them.

``torch.save`` names a typed storage by its legacy class (``torch FloatStorage``) and, for dtypes
that have no such class (uint16/32/64, float8), passes the dtype global (``torch uint16``) to
``_rebuild_tensor_v3`` with an untyped storage.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D

# torch dtype name -> legacy storage class (module ``torch``): numtorch's dtypes name theirs
# (``dtype.storage_name``); complex32 is one numtorch lacks
STORAGE_CLASS = {d.name: d.storage_name for d in D.ALL
                 if d not in D.BAREBONES_UNSIGNED + D.FLOAT8}
STORAGE_CLASS["complex32"] = "ComplexHalfStorage"

# torch dtype name -> NumPy dtype holding its raw elements. Types NumPy lacks are held as bits
# (bfloat16 as uint16, float8 as uint8, complex32 as pairs of float16) and widened on load.
RAW_NUMPY = {
    "bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
    "int32": np.int32, "int64": np.int64, "float16": np.float16, "float32": np.float32,
    "float64": np.float64, "complex64": np.complex64, "complex128": np.complex128,
    "bfloat16": np.uint16, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64,
    "complex32": np.dtype([("re", np.float16), ("im", np.float16)]),
    "float8_e4m3fn": np.uint8, "float8_e5m2": np.uint8, "float8_e4m3fnuz": np.uint8,
    "float8_e5m2fnuz": np.uint8, "float8_e8m0fnu": np.uint8,
}

# torch dtypes numtorch lacks but can hold exactly in a wider type: name -> numtorch dtype name
WIDENED = {"complex32": "complex64"}
#: dtypes torch saves with an untyped storage and the dtype passed to ``_rebuild_tensor_v3``
#: (they have no legacy storage class)
UNTYPED_STORAGE = frozenset(d.name for d in D.BAREBONES_UNSIGNED + D.FLOAT8)


class StorageType:
    """What ``torch.FloatStorage`` (or ``torch.storage.UntypedStorage``) unpickles to.

    ``dtype_name`` is ``None`` for the untyped storage, whose element count is in bytes.
    """

    __slots__ = ("name", "dtype_name")

    def __init__(self, name: str, dtype_name: str | None) -> None:
        self.name = name
        self.dtype_name = dtype_name

    def __repr__(self) -> str:
        return f"<class 'torch.{self.name}'>"


class ForeignDtype:
    """A torch dtype with no numtorch counterpart (``torch.uint16``), as found in a checkpoint."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name

    def __eq__(self, other) -> bool:
        return isinstance(other, ForeignDtype) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("ForeignDtype", self.name))


def raw_numpy_dtype(name: str) -> np.dtype:
    """The NumPy dtype that holds the elements of torch dtype ``name`` bit for bit (numtorch's
    own dtype where it has one: bfloat16 and float8 as ml_dtypes' types)."""
    d = D.ALIASES.get(name)
    if d is not None and d.name == name:
        return D.to_numpy_dtype(d)
    try:
        return np.dtype(RAW_NUMPY[name])
    except KeyError:
        raise TypeError(f"numtorch cannot load tensors of dtype torch.{name}") from None


# -- class paths: numtorch's and torch's names for the same class --------------------------
def torch_module_name(module: str | None) -> str | None:
    """torch's module path for a numtorch module path (None for anything else)."""
    if module is None:
        return None
    if module == "numtorch.vision" or module.startswith("numtorch.vision."):
        return "torchvision" + module[len("numtorch.vision"):]
    if module == "numtorch" or module.startswith("numtorch."):
        return "torch" + module[len("numtorch"):]
    return None


def numtorch_module_name(module: str) -> str | None:
    """numtorch's module path for a torch or torchvision one (None for anything else)."""
    if module == "torchvision" or module.startswith("torchvision."):
        return "numtorch.vision" + module[len("torchvision"):]
    if module == "torch" or module.startswith("torch."):
        return "numtorch" + module[len("torch"):]
    return None
