"""Sparse COO tensors (``torch.sparse_coo_tensor``, ``Tensor.to_sparse``, ``torch.sparse.mm``).

A ``SparseCOOTensor`` holds ``_indices`` (int64, ``(sparse_dim, nnz)``) and ``_values``
(``(nnz, *dense_sizes)``) as ordinary Tensors; every computation is a composition of dense
numtorch ops on them (``index_add``, ``index_select``...), so autograd reaches the values. A
sparse leaf created with ``requires_grad=True`` keeps a leaf values tensor; its ``.grad`` is a
sparse tensor with the leaf's indices, as torch's. Operations torch has no sparse kernel for
raise torch's ``NotImplementedError`` (first sentence of its message).

Known differences: ``grad_fn`` of a sparse tensor is the values' node (its name differs from
torch's ``SparseCooTensorWithDimsAndTensorsBackward0``); only the COO layout exists.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from . import _dtype as D
from ._layout import sparse_coo
from ._tensor import Tensor

__all__ = ["SparseCOOTensor", "sparse_coo_tensor", "to_sparse", "sparse_mm", "sparse_sum"]


def _nt():
    import numtorch

    return numtorch


def _not_supported(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"Could not run 'aten::{name}' with arguments from the 'SparseCPU' backend. This could "
        "be because the operator doesn't exist for this backend, or was omitted during the "
        "selective/custom build process (if using custom build).")


class SparseCOOTensor(Tensor):
    """A sparse tensor in COO layout (``torch.sparse_coo``)."""

    def __new__(cls, *args, **kwargs):  # built only by ``_make``
        return object.__new__(cls)

    @classmethod
    def _make(cls, indices: Tensor, values: Tensor, size: tuple, coalesced: bool
              ) -> SparseCOOTensor:
        self = object.__new__(cls)
        self.__dict__["_sp_indices"] = indices
        self.__dict__["_sp_values"] = values
        self.__dict__["_sp_size"] = tuple(int(s) for s in size)
        self.__dict__["_sp_coalesced"] = bool(coalesced)
        self._hooks = None
        self._base = None
        return self

    # -- dispatch: sparse kernels by name, torch's error for the rest -----------------------
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", str(func))
        if name == "__get__":  # a Tensor property: find its name
            prop = getattr(func, "__self__", None)
            name = next((k for k, v in Tensor.__dict__.items() if v is prop), name)
            if name in _VALUE_QUERIES:
                return getattr(args[0]._sp_values, name)
        elif name in _VALUE_QUERIES:
            return getattr(args[0]._sp_values, name)(*args[1:], **kwargs)
        impl = _DISPATCH.get(name)
        if impl is None:
            raise _not_supported(name.strip("_") if name.startswith("__") else name)
        return impl(*args, **kwargs)

    # -- metadata ------------------------------------------------------------------------------
    @property
    def shape(self):
        from ._tensor import Size

        return Size(self._sp_size)

    def size(self, dim: int | None = None):
        if dim is None:
            return self.shape
        n = len(self._sp_size)
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}]"
                             f", but got {dim})")
        return self._sp_size[dim % n]

    def dim(self) -> int:
        return len(self._sp_size)

    ndimension = dim

    @property
    def ndim(self) -> int:
        return len(self._sp_size)

    @property
    def dtype(self):
        return self._sp_values.dtype

    @property
    def device(self):
        return self._sp_values.device

    @property
    def layout(self):
        return sparse_coo

    @property
    def is_sparse(self) -> bool:
        return True

    def numel(self) -> int:
        return math.prod(self._sp_size)

    def sparse_dim(self) -> int:
        return self._sp_indices.shape[0]

    def dense_dim(self) -> int:
        return self._sp_values.ndim - 1

    def _nnz(self) -> int:
        return self._sp_values.shape[0]

    nnz = _nnz

    def is_coalesced(self) -> bool:
        return self._sp_coalesced

    def _indices(self) -> Tensor:
        return self._sp_indices

    def _values(self) -> Tensor:
        return self._sp_values

    def indices(self) -> Tensor:
        if not self._sp_coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call "
                               ".coalesce() first")
        return self._sp_indices

    def values(self) -> Tensor:
        if not self._sp_coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call "
                               ".coalesce() first")
        return self._sp_values

    # -- autograd: carried by the values -------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._sp_values.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self._sp_values.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> SparseCOOTensor:
        self._sp_values.requires_grad_(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._sp_values.grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._sp_values.grad_fn is None

    @property
    def grad(self):
        g = self._sp_values.grad
        if g is None:
            return None
        # torch's: the gradient on the distinct specified positions (sorted), each entry's
        # gradient being the dense gradient there
        nt = _nt()
        sizes = self._sp_size[:self.sparse_dim()]
        lin = _linear(self._sp_indices, sizes).numpy()
        uniq, first = np.unique(lin, return_index=True)
        idx = np.stack(np.unravel_index(uniq, sizes)).astype(np.int64) if sizes else \
            np.zeros((0, len(uniq)), dtype=np.int64)
        vals = g.index_select(0, nt.from_numpy(first.astype(np.int64)))
        return SparseCOOTensor._make(nt.from_numpy(idx.reshape(len(sizes), len(uniq))), vals,
                                     self._sp_size, self._sp_coalesced)

    @grad.setter
    def grad(self, value) -> None:
        if value is None:
            self._sp_values.grad = None
        else:
            self._sp_values.grad = value._sp_values if isinstance(value, SparseCOOTensor) \
                else value

    def detach(self) -> SparseCOOTensor:
        return SparseCOOTensor._make(self._sp_indices, self._sp_values.detach(), self._sp_size,
                                     self._sp_coalesced)

    # -- conversions ---------------------------------------------------------------------------
    def _with_values(self, values: Tensor, coalesced: bool | None = None) -> SparseCOOTensor:
        return SparseCOOTensor._make(self._sp_indices, values, self._sp_size,
                                     self._sp_coalesced if coalesced is None else coalesced)

    def to(self, *args, **kwargs) -> SparseCOOTensor:
        """Dtype/device conversion of the values (the indices stay int64)."""
        vals = self._sp_values.to(*args, **kwargs)
        if vals is self._sp_values:
            return self
        out = self._with_values(vals)
        if vals.device != self._sp_indices.device:
            out.__dict__["_sp_indices"] = self._sp_indices.to(vals.device)
        return out

    def double(self) -> SparseCOOTensor:
        return self.to(D.float64)

    def float(self) -> SparseCOOTensor:
        return self.to(D.float32)

    def half(self) -> SparseCOOTensor:
        return self.to(D.float16)

    def long(self) -> SparseCOOTensor:
        return self.to(D.int64)

    def int(self) -> SparseCOOTensor:
        return self.to(D.int32)

    def bool(self) -> SparseCOOTensor:
        return self.to(D.bool_)

    def cpu(self) -> SparseCOOTensor:
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False) -> SparseCOOTensor:
        return self.to("cuda" if device is None else device)

    def clone(self, *, memory_format=None) -> SparseCOOTensor:
        return SparseCOOTensor._make(self._sp_indices.clone(), self._sp_values.clone(),
                                     self._sp_size, self._sp_coalesced)

    def transpose(self, dim0: int, dim1: int) -> SparseCOOTensor:
        """Swapped sparse dimensions (indices rows swapped, result uncoalesced as torch's)."""
        n, sd = self.ndim, self.sparse_dim()
        d0, d1 = dim0 % n, dim1 % n
        if d0 >= sd or d1 >= sd:
            raise RuntimeError("transpose of dense dimensions of a sparse tensor is not "
                               "supported by numtorch")
        order = list(range(sd))
        order[d0], order[d1] = order[d1], order[d0]
        size = list(self._sp_size)
        size[d0], size[d1] = size[d1], size[d0]
        idx = self._sp_indices[_nt().tensor(order)]
        return SparseCOOTensor._make(idx, self._sp_values, tuple(size),
                                     self._sp_coalesced and d0 == d1)

    def t(self) -> SparseCOOTensor:
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self.transpose(0, 1) if self.ndim == 2 else self

    def coalesce(self) -> SparseCOOTensor:
        """Sorted unique indices with the values of repeated indices summed (torch's)."""
        if self._sp_coalesced:
            return self
        idx, vals = _coalesced_parts(self._sp_indices, self._sp_values,
                                     self._sp_size[:self.sparse_dim()])
        return SparseCOOTensor._make(idx, vals, self._sp_size, True)

    def to_dense(self, dtype=None, *, masked_grad: bool | None = None) -> Tensor:
        """The dense tensor (repeated indices summed); differentiable in the values."""
        nt = _nt()
        sd = self.sparse_dim()
        sizes = self._sp_size
        vals = self._sp_values if dtype is None else self._sp_values.to(dtype)
        lin = _linear(self._sp_indices, sizes[:sd])
        flat = nt.zeros((math.prod(sizes[:sd]),) + tuple(sizes[sd:]), dtype=vals.dtype)
        return flat.index_add(0, lin, vals).reshape(sizes)

    def to_sparse(self, sparse_dim: int | None = None, *, layout=None, blocksize=None,
                  dense_dim=None) -> SparseCOOTensor:
        return self

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import _add_suffixes

        ind = " " * len("tensor(indices=")
        vind = " " * len("       values=")
        vals = re.sub(r",\s*dtype=torch\.\w+\)$", ")", repr(self._sp_values.detach()))
        dtype = ""
        if self.dtype != D.get_default_dtype() and self.dtype not in (D.int64, D.bool_):
            dtype = f"dtype={self.dtype}, "
        text = ("tensor(indices=" + repr(self._sp_indices).replace("\n", "\n" + ind) + ",\n"
                "       values=" + vals.replace("\n", "\n" + vind)
                + ",\n       size=" + repr(self._sp_size) + f", nnz={self._nnz()}, "
                + dtype + "layout=torch.sparse_coo")
        suffixes = []
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn=<{type(self.grad_fn).__name__}>")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        return _add_suffixes(text, suffixes, 7)

    __str__ = __repr__

    def __deepcopy__(self, memo) -> SparseCOOTensor:
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        vals = self._sp_values.detach().clone().requires_grad_(self.requires_grad)
        out = SparseCOOTensor._make(self._sp_indices.clone(), vals, self._sp_size,
                                    self._sp_coalesced)
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, protocol):
        # torch's pickle keeps the structure and the coalesced flag, not requires_grad
        return (_rebuild, (self._sp_indices.detach(), self._sp_values.detach(), self._sp_size,
                           self._sp_coalesced))

    def __len__(self) -> int:
        if not self._sp_size:
            raise TypeError("len() of a 0-d tensor")
        return self._sp_size[0]

    def __bool__(self) -> bool:
        raise _not_supported("is_nonzero")


# -- internals ----------------------------------------------------------------------------------
def _rebuild(indices: Tensor, values: Tensor, size: tuple, coalesced: bool) -> SparseCOOTensor:
    return SparseCOOTensor._make(indices, values, size, coalesced)


def _linear(indices: Tensor, sizes: tuple) -> Tensor:
    """Row-major linear positions of the index columns (an int64 Tensor)."""
    nt = _nt()
    idx = indices.numpy()
    lin = np.zeros(idx.shape[1], dtype=np.int64)
    for k, s in enumerate(sizes):
        lin = lin * s + idx[k]
    return nt.from_numpy(lin)


def _coalesced_parts(indices: Tensor, values: Tensor, sizes: tuple) -> tuple[Tensor, Tensor]:
    nt = _nt()
    lin = _linear(indices, sizes).numpy()
    uniq, inv = np.unique(lin, return_inverse=True)
    vals = nt.zeros((len(uniq),) + tuple(values.shape[1:]), dtype=values.dtype)
    vals = vals.index_add(0, nt.from_numpy(inv.reshape(-1).astype(np.int64)), values)
    idx = np.stack(np.unravel_index(uniq, sizes)).astype(np.int64) if sizes else \
        np.zeros((0, len(uniq)), dtype=np.int64)
    return nt.from_numpy(idx.reshape(len(sizes), len(uniq))), vals


# -- public functions ---------------------------------------------------------------------------
def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None,
                      pin_memory: bool = False, requires_grad: bool = False,
                      check_invariants: bool | None = None,
                      is_coalesced: bool | None = None) -> SparseCOOTensor:
    """``torch.sparse_coo_tensor``: a COO tensor from ``indices`` (sparse_dim, nnz) and
    ``values`` (nnz, *dense_sizes); ``size`` defaults to the smallest that holds the indices.
    Errors as torch's for mismatched nnz, sizes and (with ``check_invariants``) bounds."""
    nt = _nt()
    ind = indices if isinstance(indices, Tensor) else nt.tensor(indices)
    val = values if isinstance(values, Tensor) else nt.tensor(values, dtype=dtype)
    if device is not None:
        ind, val = ind.to(device), val.to(device)
    if dtype is not None and val.dtype != dtype:
        val = val.to(dtype)
    if ind.dtype != D.int64:
        ind = ind.to(D.int64)
    if ind.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(ind.shape)}")
    sd, nnz = ind.shape
    if val.ndim == 0:
        raise RuntimeError("values must have at least one dimension")
    if val.shape[0] != nnz:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: "
                           f"{nnz}, nnz from values: {val.shape[0]}")
    idx_np = ind.numpy()
    given_size = size is not None
    if size is None:
        sparse_sizes = tuple(int(idx_np[k].max()) + 1 if nnz else 0 for k in range(sd))
        size = sparse_sizes + tuple(val.shape[1:])
    size = tuple(int(s) for s in size)
    dd = val.ndim - 1
    if len(size) != sd + dd:
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = "
                           f"{len(size)}, sparse_dim = {sd}, dense_dim = {dd}")
    if tuple(val.shape[1:]) != size[sd:]:
        raise RuntimeError(f"values has incorrect size, expected {list((nnz,) + size[sd:])}, "
                           f"got {list(val.shape)}")
    if (check_invariants or not given_size) and nnz:
        for k in range(sd):
            if int(idx_np[k].min()) < 0:
                raise RuntimeError(f"found negative index {int(idx_np[k].min())} for dim {k}")
            if int(idx_np[k].max()) >= size[k]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {k}, size is "
                                   f"{size[k]} but found index {int(idx_np[k].max())}")
    if requires_grad:
        val = val.detach().requires_grad_(True)
    elif val.requires_grad:  # a non-leaf, as torch's (which records the construction)
        val = val.view(tuple(val.shape))
    return SparseCOOTensor._make(ind, val, size, bool(is_coalesced))


def to_sparse(self: Tensor, sparse_dim: int | None = None, *, layout=None, blocksize=None,
              dense_dim=None) -> SparseCOOTensor:
    """``Tensor.to_sparse``: the non-zeros in row-major order, coalesced (COO layout only)."""
    nt = _nt()
    if isinstance(self, SparseCOOTensor):
        return self
    if layout is not None and layout is not sparse_coo:
        raise NotImplementedError(f"to_sparse for layout {layout} is not supported")
    sd = self.ndim if sparse_dim is None else int(sparse_dim)
    arr = self.detach().numpy()
    mask = arr.reshape(arr.shape[:sd] + (-1,)).any(axis=-1) if sd < arr.ndim else arr != 0
    pos = np.nonzero(mask)
    idx = nt.from_numpy(np.stack(pos).astype(np.int64).reshape(sd, -1))
    vals = self[tuple(nt.from_numpy(p.astype(np.int64)) for p in pos)] if sd else \
        self.unsqueeze(0)
    return SparseCOOTensor._make(idx, vals, tuple(self.shape), True)


def sparse_mm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """``torch.sparse.mm(sparse, dense)``: a dense product, differentiable in ``mat2`` and in
    the sparse operand's values."""
    nt = _nt()
    if not isinstance(mat1, SparseCOOTensor):
        if isinstance(mat2, SparseCOOTensor):
            return nt.mm(mat1, mat2.to_dense())
        return nt.mm(mat1, mat2)
    if isinstance(mat2, SparseCOOTensor):
        return nt.mm(mat1.to_dense(), mat2.to_dense()).to_sparse()
    if mat1.ndim != 2 or mat1.sparse_dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                           f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(f"expected mat1 and mat2 to have the same dtype, but got: "
                           f"{mat1.dtype} != {mat2.dtype}")
    rows, cols = mat1._sp_indices[0], mat1._sp_indices[1]
    contrib = mat1._sp_values.unsqueeze(1) * mat2.index_select(0, cols)
    out = nt.zeros((mat1.shape[0], mat2.shape[1]), dtype=mat2.dtype)
    return out.index_add(0, rows, contrib)


def sparse_sum(input: Tensor, dim=None, dtype=None) -> Tensor:
    """``torch.sparse.sum``: all entries (a dense 0-d tensor), or over ``dim`` (sparse while
    sparse dimensions remain, else dense)."""
    if not isinstance(input, SparseCOOTensor):
        return input.sum() if dim is None else input.sum(dim)
    vals = input._sp_values if dtype is None else input._sp_values.to(dtype)
    if dim is None:
        return vals.sum()
    dims = [dim] if isinstance(dim, int) else list(dim)
    n = input.ndim
    dims = sorted({d % n for d in dims})
    sd = input.sparse_dim()
    sparse_d = [d for d in dims if d < sd]
    dense_d = [d - sd + 1 for d in dims if d >= sd]
    if dense_d:
        vals = vals.sum(dense_d)
    keep = [k for k in range(sd) if k not in sparse_d]
    size = tuple(s for k, s in enumerate(input._sp_size) if k not in dims)
    if not keep:
        return vals.sum(0) if sparse_d else vals
    nt = _nt()
    ind = input._sp_indices[nt.tensor(keep)] if sparse_d else input._sp_indices
    idx, v = _coalesced_parts(ind, vals, tuple(input._sp_size[k] for k in keep))
    return SparseCOOTensor._make(idx, v, size, True)


# -- elementwise ops torch has COO kernels for ---------------------------------------------------
def _mul(a, b, *rest, **kw):
    if isinstance(a, SparseCOOTensor) and not isinstance(b, Tensor):
        return SparseCOOTensor._make(a._sp_indices, a._sp_values * b, a._sp_size,
                                     a._sp_coalesced)
    if isinstance(b, SparseCOOTensor) and not isinstance(a, Tensor):
        return _mul(b, a)
    if isinstance(b, Tensor) and not isinstance(b, SparseCOOTensor) and b.ndim == 0:
        return _mul(a, b.item()) if isinstance(a, SparseCOOTensor) else _mul(b, a.item())
    if isinstance(a, SparseCOOTensor) and isinstance(b, SparseCOOTensor):
        return (a.to_dense() * b.to_dense()).to_sparse()
    raise _not_supported("mul")


def _add(a, b, *rest, alpha=1, **kw):
    if isinstance(a, SparseCOOTensor) and isinstance(b, SparseCOOTensor):
        if a.shape != b.shape:
            raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has "
                               f"size {list(a.shape)} while other has size {list(b.shape)} "
                               "(FYI: dense-sparse addition does not currently support "
                               "broadcasting)")
        nt = _nt()
        ind = nt.cat([a._sp_indices, b._sp_indices], 1)
        val = nt.cat([a._sp_values, b._sp_values * alpha if alpha != 1 else b._sp_values])
        out = SparseCOOTensor._make(ind, val, a._sp_size, False).coalesce()
        out.__dict__["_sp_coalesced"] = a._sp_coalesced and b._sp_coalesced
        return out
    if isinstance(a, SparseCOOTensor):
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
    return a + b.to_dense() * alpha


def _neg(a, *rest, **kw):
    return _mul(a, -1)


def _matmul(a, b, *rest, **kw):
    return sparse_mm(a, b)


def _div(a, b, *rest, **kw):
    if isinstance(a, SparseCOOTensor) and not isinstance(b, Tensor):
        return SparseCOOTensor._make(a._sp_indices, a._sp_values / b, a._sp_size,
                                     a._sp_coalesced)
    raise _not_supported("div")


def _method(name):
    def call(self, *args, **kwargs):
        return getattr(SparseCOOTensor, name)(self, *args, **kwargs)
    return call


#: flags and queries that only depend on the dtype or device: answered by the values
_VALUE_QUERIES = {"is_cuda", "is_cpu", "is_quantized", "is_meta", "is_sparse_csr", "is_nested",
                  "is_mkldnn", "is_xpu", "is_mps", "is_floating_point", "is_complex",
                  "element_size", "is_signed", "get_device", "is_inference"}

_DISPATCH: dict[str, Any] = {
    "data": lambda a: a.detach(), "T": lambda a: a.t(), "mT": lambda a: a.transpose(-2, -1),
    "mul": _mul, "__mul__": _mul, "__rmul__": _mul, "multiply": _mul,
    "add": _add, "__add__": _add, "__radd__": lambda a, b: _add(b, a),
    "neg": _neg, "__neg__": _neg, "negative": _neg,
    "sub": lambda a, b, alpha=1: _add(a, b, alpha=-alpha),
    "__sub__": lambda a, b: _add(a, b, alpha=-1),
    "div": _div, "__truediv__": _div, "true_divide": _div,
    "mm": _matmul, "matmul": _matmul, "__matmul__": _matmul, "spmm": _matmul,
    "__rmatmul__": lambda a, b: sparse_mm(b, a),
    "to_dense": lambda a, *r, **k: a.to_dense(*r, **k),
    "to_sparse": to_sparse,
    "is_sparse": lambda a: isinstance(a, SparseCOOTensor),
    "__repr__": repr, "__format__": lambda a, spec: format(repr(a), spec),
}
