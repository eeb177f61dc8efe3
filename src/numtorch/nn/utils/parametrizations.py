"""Ready-made parametrizations (``torch.nn.utils.parametrizations``): ``orthogonal``,
``spectral_norm`` and ``weight_norm``, registered through ``parametrize``.

The same seed gives the same initial vectors as torch (spectral norm's ``u``/``v`` are drawn
with ``normal_`` and refined by 15 power iterations; orthogonal's completion of a
rectangular matrix draws with ``randn``).
"""

from __future__ import annotations

from enum import Enum, auto

from ..._backend import xp_of
from ..._ops._base import Op
from ..._tensor import Tensor
from ...autograd import grad_mode
from .. import functional as F
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]

_EPS = {"float16": 0.0009765625, "bfloat16": 0.0078125, "float32": 1.1920928955078125e-07,
        "float64": 2.220446049250313e-16, "complex64": 1.1920928955078125e-07,
        "complex128": 2.220446049250313e-16}


def _creation():
    from ..._ops import creation

    return creation


# -- weight norm ----------------------------------------------------------------------------
def _norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The ``pow``-norm of ``v`` over every dimension except ``dim`` (kept, the others size
    1); ``dim=-1`` means the norm of the whole tensor (a 0-d tensor), as torch's kernel."""
    from ...linalg import vector_norm

    if dim == -1:
        return v.norm(pow)
    dim = dim + v.ndim if dim < 0 else dim
    others = [d for d in range(v.ndim) if d != dim]
    return vector_norm(v, pow, dim=others, keepdim=True)


class _WeightNormInterface(Op):
    """``v * (g / ||v||)`` with the norm over all dims but ``dim`` (one node, as torch)."""

    grad_fn_name = "WeightNormInterfaceBackward0"
    params = ("dim",)

    def forward(self, v, g):
        xp = xp_of(v)
        axes = tuple(d for d in range(v.ndim) if d != self.dim)
        norm = xp.sqrt((xp.abs(v) ** 2).sum(axis=axes, keepdims=True))
        self.save_inputs(0, 1)
        return v * (g / norm)

    def backward(self, grad):
        v, g = self.saved_tensors
        others = [d for d in range(v.ndim) if d != self.dim]
        # torch's double backward of this node holds the norm constant (its saved second
        # output gets no gradient); detaching reproduces those second-order numbers
        norm = _norm_except_dim(v, 2, self.dim).detach()
        dot = (grad * v).sum(dim=others, keepdim=True)
        grad_g = dot / norm if self.needs_input_grad[1] else None
        grad_v = None
        if self.needs_input_grad[0]:
            grad_v = (g / norm) * (grad - v * (dot / (norm * norm)))
        return grad_v, grad_g


def _weight_norm(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """``torch._weight_norm``: ``v * (g / _norm_except_dim(v, 2, dim))``."""
    if dim in (0, v.ndim - 1):
        return _WeightNormInterface.apply(v, g, dim=dim)
    return v * (g / _norm_except_dim(v, 2, dim))


class _WeightNorm(Module):
    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor):
        return _norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparametrize ``module.<name>`` as ``g * v / ||v||`` (``original0`` is g,
    ``original1`` v), as ``torch.nn.utils.parametrizations.weight_norm``.

    Loading a state_dict saved with the older ``weight_g``/``weight_v`` names is supported.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def compat_hook(state_dict, prefix, local_metadata, strict, missing_keys,
                    unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module.register_load_state_dict_pre_hook(
        lambda mod, state_dict, prefix, *rest: compat_hook(state_dict, prefix, *rest))
    return module


# -- spectral norm --------------------------------------------------------------------------
class _SpectralNorm(Module):
    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            mat = self._reshape_weight_to_matrix(weight)
            h, w = mat.shape
            u = mat.new_empty(h).normal_(0, 1)
            v = mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(mat, 15)

    def _reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, mat: Tensor, iterations: int) -> None:
        with grad_mode.no_grad():
            for _ in range(iterations):
                self._u.copy_(F.normalize(mat.mv(self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(mat.mH.mv(self._u), dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        from ..._ops.linalg import vdot

        return weight / vdot(u, mat.mv(v))

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def _is_conv_transpose(module: Module) -> bool:
    from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

    return isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d))


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Divide ``module.<name>`` by its spectral norm estimated by power iteration, as
    ``torch.nn.utils.parametrizations.spectral_norm`` (``_u``/``_v`` buffers in the
    parametrization, refreshed on every call in training mode)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if _is_conv_transpose(module) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# -- orthogonal -----------------------------------------------------------------------------
class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


def _eye(n: int, like: Tensor) -> Tensor:
    return _creation().eye(n, dtype=like.dtype, device=like.device)


def _is_orthogonal(q: Tensor) -> bool:
    from ..._ops.pointwise import allclose

    n, k = q.shape[-2], q.shape[-1]
    eps = 10.0 * n * _EPS[str(q.dtype).replace("torch.", "")]
    return allclose(q.mH @ q, _eye(k, q), atol=eps)


def _make_orthogonal(a: Tensor) -> Tensor:
    """The Q factor of ``a`` with the signs that make R's diagonal positive (LAPACK's
    Householder QR, as torch's geqrf + householder_product)."""
    from ...linalg import qr

    q, r = qr(a)
    return q * r.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _geqrf(a: Tensor):
    from ..._ops.linalg.decomp import geqrf

    return geqrf(a)


class _Orthogonal(Module):
    base: Tensor

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *,
                 use_trivialization: bool = True) -> None:
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex "
                             "tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map == _OrthMaps.householder:
            from ...linalg import householder_product

            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        else:
            X = X.tril()
            if n != k:
                pad = X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)
                X = _cat_last(X, pad)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                from ...linalg import matrix_exp

                Q = matrix_exp(A)
            else:
                from ..._ops.pointwise import add
                from ...linalg import solve

                eye = _eye(n, A)
                Q = solve(add(eye, A, alpha=-0.5), add(eye, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        if "base" in self._buffers:
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        with grad_mode.no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q: Tensor) -> Tensor:
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        q_init = Q
        n, k = Q.shape[-2], Q.shape[-1]
        transposed = n < k
        if transposed:
            Q = Q.mT
            n, k = k, n
        if "base" not in self._buffers:
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError("It is not possible to assign to the matrix "
                                          "exponential or the Cayley parametrizations when "
                                          "use_trivialization=False.")
            A, tau = _geqrf(Q)
            diag = A.diagonal(dim1=-2, dim2=-1)
            diag.sign_()
            diag[tau == 0.0] *= -1
            return A.mT if transposed else A
        if n == k:
            Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
        else:
            from ..._ops.random import randn

            N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _make_orthogonal(_cat_last(Q, N))
        self.base = Q
        neg_id = _creation().zeros_like(q_init)
        neg_id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_id


def _cat_last(a: Tensor, b: Tensor) -> Tensor:
    from ..._ops.join import cat

    return cat([a, b], dim=-1)


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Constrain ``module.<name>`` (a matrix or batch of matrices) to be orthogonal/unitary,
    as ``torch.nn.utils.parametrizations.orthogonal``.

    ``orthogonal_map`` is ``"matrix_exp"``, ``"cayley"`` or ``"householder"`` (default:
    matrix_exp for square or complex matrices, householder otherwise).
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. "
                         f"Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        square = weight.shape[-2] == weight.shape[-1]
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
