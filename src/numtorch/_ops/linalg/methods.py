"""Tensor-method and in-place forms of the matrix products (``addmm_``, ``addmv_``, ``addr_``,
``baddbmm_``, ``addbmm_``, ``kron``), ``torch.matrix_power``, and the removed pre-1.9 solvers
(``solve``, ``lstsq``, ``eig``, ``symeig``) that raise PyTorch's removal errors."""

from __future__ import annotations

from ..._tensor import Tensor
from .._base import tensor_method
from .._inplace import inplace
from .decomp import householder_product
from .products import addbmm, addmm, addmv, addr, baddbmm, kron
from .solvers import matrix_power as _linalg_matrix_power

__all__ = ["matrix_power", "orgqr", "solve", "lstsq", "eig", "symeig"]


def _fixed_size(self: Tensor, res_shape) -> None:
    if tuple(res_shape) != tuple(self._data.shape):
        raise RuntimeError(f"Bad in-place call: input tensor size "
                           f"[{', '.join(map(str, self._data.shape))}] and output tensor size "
                           f"[{', '.join(map(str, res_shape))}] should match")


def _product_inplace(fn, self: Tensor, a: Tensor, b: Tensor, beta, alpha, size=None) -> Tensor:
    if size is not None:
        _fixed_size(self, size)
    return inplace(self, lambda s, x, y: fn(s, x, y, beta=beta, alpha=alpha), a, b)


@tensor_method("addmm_")
def addmm_(self: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``Tensor.addmm_``: ``beta * self + alpha * mat1 @ mat2`` in place (no resizing)."""
    size = (mat1.shape[0], mat2.shape[-1]) if mat1.dim() == 2 and mat2.dim() == 2 else None
    return _product_inplace(addmm, self, mat1, mat2, beta, alpha, size)


@tensor_method("addmv_")
def addmv_(self: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``Tensor.addmv_``: ``beta * self + alpha * mat @ vec`` in place."""
    size = (mat.shape[0],) if mat.dim() == 2 and self.dim() == 1 else None
    return _product_inplace(addmv, self, mat, vec, beta, alpha, size)


@tensor_method("addr_")
def addr_(self: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``Tensor.addr_``: ``beta * self + alpha * outer(vec1, vec2)`` in place."""
    return _product_inplace(addr, self, vec1, vec2, beta, alpha)


@tensor_method("baddbmm_")
def baddbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``Tensor.baddbmm_``: ``beta * self + alpha * batch1 @ batch2`` in place."""
    size = None
    if batch1.dim() == 3 and batch2.dim() == 3:
        size = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    return _product_inplace(baddbmm, self, batch1, batch2, beta, alpha, size)


@tensor_method("addbmm_")
def addbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``Tensor.addbmm_``: ``beta * self + alpha * sum_b batch1[b] @ batch2[b]`` in place
    (PyTorch also resizes a broadcastable ``self``; numtorch raises instead)."""
    return _product_inplace(addbmm, self, batch1, batch2, beta, alpha)


tensor_method("kron")(kron)


@tensor_method("matrix_power")
def matrix_power(input: Tensor, n: int, *, out=None) -> Tensor:
    """``torch.matrix_power``: ``input`` to the integer power ``n`` (as
    ``torch.linalg.matrix_power``)."""
    return _linalg_matrix_power(input, n, out=out)


_REMOVED = {
    "solve": ("`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` "
              "has its arguments reversed and does not return the LU factorization.\n\n"
              "To get the LU factorization see `torch.lu`, which can be used with "
              "`torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
              "replaced with:\nX = torch.linalg.solve(A, B)"),
    "lstsq": ("`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
              "`torch.linalg.lstsq` has reversed arguments and does not return the QR "
              "decomposition in the returned tuple (although it returns other information about "
              "the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`.\n\n"
              "The returned solution in `torch.lstsq` stored the residuals of the solution in "
              "the last m - n columns of the returned value whenever m > n. In torch.linalg.lstsq, "
              "the residuals are in the field 'residuals' of the returned named tuple.\n\n"
              "The unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]"
              "\nshould be replaced with:\nX = torch.linalg.lstsq(A, B).solution"),
    "eig": ("`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than "
            "real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced "
            "with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, "
            "eigenvectors=True) should be replaced with:\nL_complex, V_complex = "
            "torch.linalg.eig(A)"),
    "symeig": ("The default behavior has changed from using the upper triangular portion of the "
               "matrix by default to using the lower triangular portion.\n\nL, _ = "
               "torch.symeig(A, upper=upper) should be replaced with:\nL = "
               "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
               "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
               "torch.linalg.eigh(A, UPLO='U' if upper else 'L')"),
}


def _removed(name: str):
    def fn(self, *args, **kwargs):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. "
                           + _REMOVED[name])
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``Tensor.{name}``: removed in PyTorch 1.9; raises PyTorch's error."
    return fn


solve = tensor_method("solve")(_removed("solve"))
lstsq = tensor_method("lstsq")(_removed("lstsq"))
eig = tensor_method("eig")(_removed("eig"))
symeig = tensor_method("symeig")(_removed("symeig"))


@tensor_method("orgqr")
def orgqr(input: Tensor, input2: Tensor, *, out=None) -> Tensor:
    """``torch.orgqr``: ``torch.linalg.householder_product``."""
    return householder_product(input, input2, out=out)
