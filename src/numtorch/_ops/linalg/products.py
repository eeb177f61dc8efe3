"""Matrix products: matmul (@), mm, mv, dot, bmm, outer, addr, addmm, baddbmm, einsum, tensordot.

``matmul`` dispatches as PyTorch does so graphs print the same node names (MmBackward0 for 2-D,
MvBackward0, DotBackward0, BmmBackward0/UnsafeViewBackward0 for batches).
"""

from __future__ import annotations

import math

from ... import _autocast
from ... import _dtype as D
from ..._backend import errstate, xp_of
from ..._tensor import Tensor
from .._args import need_tensor
from .._base import Op, _state, broadcast_message, result_np_dtype, tensor_method, write_out

__all__ = ["matmul", "mm", "mv", "dot", "vdot", "inner", "bmm", "outer", "ger", "addr", "addmm",
           "addmv", "addbmm", "baddbmm", "einsum", "tensordot", "kron"]


def _dt_name(a):
    from ..pointwise import torch_type_name

    return torch_type_name(a.dtype)


def _check_same_dtype(a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_long(a)} != {_long(b)}")


def _long(t):
    return t.dtype.cpp_name


def _transposed_faster(a, b) -> bool:
    """Whether ``a @ b`` is better computed as ``(b^T @ a^T)^T``: for ``b`` a transposed
    row-major matrix (nn.Linear's ``weight.t()``) and ``a`` with few rows, OpenBLAS runs the
    transposed problem faster (measured: 15-20% for 64 x 784 @ 784 x 512). Both compute the
    same dot products; only the kernel's blocking differs."""
    m, n = a.shape[0], b.shape[1]
    return (8 <= m and 2 * m <= n and a.dtype.kind in "fV" and b.flags.f_contiguous
            and not b.flags.c_contiguous)


def _mm_array(a, b):
    """``a @ b`` of 2-D arrays, C-ordered (Mm's forward)."""
    if _transposed_faster(a, b):
        xp = xp_of(a)
        return xp.ascontiguousarray(xp.matmul(b.T, a.T).T)
    return a @ b


class Mm(Op):
    grad_fn_name = "MmBackward0"
    autocast_policy = "lower"
    reduced_float_in_float32 = True
    params = ()

    def forward(self, a, b):
        self._save = (0, 1)
        with errstate(xp_of(a)):
            return _mm_array(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        ga = _mat1_grad(g, b, a) if need_a else None
        gb = _mat2_grad(g, a, b) if need_b else None
        return ga, gb


def _conj_scalar(v):
    return v.conjugate() if isinstance(v, complex) else v


def _column_major(t: Tensor) -> bool:
    """A transposed contiguous matrix (``w.t()``): strides (1, rows), as torch tests them."""
    st = t._data.strides
    it = t._data.itemsize
    return st[0] == it and st[1] == t._data.shape[0] * it


def _h(t: Tensor) -> Tensor:
    return t.mH if t.is_complex() else t.t()


def _conj(arr):
    return arr.conj() if arr.dtype.kind == "c" else arr


def _mat1_grad(g: Tensor, mat2: Tensor, mat1: Tensor | None = None) -> Tensor:
    """``g @ mat2^H``, computed as ``(mat2 @ g^H)^H`` when mat1 is column-major (torch's
    mm_mat1_backward), so the gradient has mat1's layout. Without a graph to record, the same
    products on the arrays (no ops around them)."""
    if mat1 is not None and _column_major(mat1):
        if not _state.enabled:
            return Tensor._from_array(_mm_array(_conj(mat2._data), g._data.T).T)
        return (mat2.conj() if mat2.is_complex() else mat2).mm(g.t()).t()
    if not _state.enabled:
        return Tensor._from_array(_mm_array(g._data, _conj(mat2._data.T)))
    return g.mm(_h(mat2))


def _mat2_grad(g: Tensor, mat1: Tensor, mat2: Tensor) -> Tensor:
    """``mat1^H @ g``, computed as ``(g^T @ conj(mat1))^T`` when mat2 is column-major (torch's
    mm_mat2_backward: the gradient of ``w.t()`` then reaches ``w`` contiguous)."""
    if _column_major(mat2):
        if not _state.enabled:
            return Tensor._from_array(_mm_array(g._data.T, _conj(mat1._data)).T)
        return g.t().mm(mat1.conj() if mat1.is_complex() else mat1).t()
    if not _state.enabled:
        return Tensor._from_array(_mm_array(_conj(mat1._data.T), g._data))
    return _h(mat1).mm(g)


class Mv(Op):
    grad_fn_name = "MvBackward0"
    holomorphic = True
    reduced_float_in_float32 = True
    params = ()

    def forward(self, a, v):
        self.save_inputs(0, 1)
        with errstate(xp_of(a)):
            return a @ v

    def backward(self, g):
        a, v = self.saved_tensors
        need_a, need_v = self.needs_input_grad
        ga = g.unsqueeze(1) * v.unsqueeze(0) if need_a else None
        gv = a.t().mv(g) if need_v else None
        return ga, gv


class Dot(Op):
    grad_fn_name = "DotBackward0"
    reduced_float_in_float32 = True
    params = ()

    def forward(self, a, b):
        self.save_inputs(0, 1)
        with errstate(xp_of(a)):
            return xp_of(a).asarray(xp_of(a).dot(a, b))

    def backward(self, g):
        a, b = self.saved_tensors
        return g * b.conj(), g * a.conj()


class Bmm(Op):
    grad_fn_name = "BmmBackward0"
    holomorphic = True
    autocast_policy = "lower"
    reduced_float_in_float32 = True
    params = ()

    def forward(self, a, b):
        self.save_inputs(0, 1)
        with errstate(xp_of(a)):
            return xp_of(a).matmul(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        need_a, need_b = self.needs_input_grad
        ga = g.bmm(b.transpose(1, 2)) if need_a else None
        gb = a.transpose(1, 2).bmm(g) if need_b else None
        return ga, gb


class Addmm(Op):
    grad_fn_name = "AddmmBackward0"
    autocast_policy = "lower"
    reduced_float_in_float32 = True
    params = ("alpha", "beta")

    def forward(self, c, a, b):
        self._save = (1, 2)
        if self.alpha == 1 and self.beta == 1 and _transposed_faster(a, b):
            # the bias add writes the transposed product back in row-major order
            xp = xp_of(a)
            prod_t = xp.matmul(b.T, a.T)
            out = xp.empty(prod_t.shape[::-1], prod_t.dtype)
            xp.add(prod_t.T, c, out=out)
            return out
        out = a @ b
        if self.alpha != 1:
            out *= self.alpha
        if self.beta == 1:
            out += c
        elif self.beta != 0:
            out += self.beta * c
        return out

    def backward(self, g):
        a, b = self.saved_tensors
        need_c, need_a, need_b = self.needs_input_grad
        beta, alpha = _conj_scalar(self.beta), _conj_scalar(self.alpha)
        gc = (g if beta == 1 else g * beta) if need_c else None
        ga = gb = None
        if need_a:
            ga = _mat1_grad(g, b, a)
            if alpha != 1:
                ga = ga * alpha
        if need_b:
            gb = _mat2_grad(g, a, b)
            if alpha != 1:
                gb = gb * alpha
        return gc, ga, gb


def _shape_str(t):
    return "x".join(str(s) for s in t._data.shape)


@tensor_method("mm")
def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    if not (isinstance(input, Tensor) and isinstance(mat2, Tensor)):
        need_tensor("mm", input)
        need_tensor("mm", mat2, "mat2", 2)
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(input)} and "
                           f"{_shape_str(mat2)})")
    _check_same_dtype(input, mat2)
    return write_out(out, Mm.apply(input, mat2))


@tensor_method("mv")
def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input._data.shape[0]}), mat "
                           f"({_shape_str(input)}), vec ({vec._data.shape[0]})")
    _check_same_dtype(input, vec)
    return write_out(out, Mv.apply(input, vec))


@tensor_method("dot")
def dot(input: Tensor, tensor: Tensor, *, out=None) -> Tensor:
    if not (isinstance(input, Tensor) and isinstance(tensor, Tensor)):
        need_tensor("dot", input)
        need_tensor("dot", tensor, "tensor", 2)
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D "
                           "tensors")
    if input._data.shape[0] != tensor._data.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input._data.shape[0]}] "
                           f"and src [{tensor._data.shape[0]}] to have the same number of "
                           "elements, but got "
                           f"{input._data.shape[0]} and {tensor._data.shape[0]} elements "
                           "respectively")
    if input._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_dt_name(input._data)} and {_dt_name(tensor._data)}")
    return write_out(out, Dot.apply(input, tensor))


class Vdot(Dot):
    """``sum(conj(a) * b)``: gradients ``conj(g) * b`` and ``g * a``, as PyTorch's."""

    grad_fn_name = "VdotBackward0"

    def forward(self, a, b):
        self.save_inputs(0, 1)
        with errstate(xp_of(a)):
            return xp_of(a).asarray(xp_of(a).vdot(a, b))

    def backward(self, g):
        a, b = self.saved_tensors
        return g.conj() * b, g * a


@tensor_method("vdot")
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """``dot(input.conj(), other)`` (VdotBackward0)."""
    dot(input, other)  # PyTorch's checks
    return Vdot.apply(input, other)


@tensor_method("inner")
def inner(input: Tensor, other: Tensor) -> Tensor:
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


@tensor_method("bmm")
def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    _check_bmm(input, mat2)
    return write_out(out, Bmm.apply(input, mat2))


def _check_bmm(input: Tensor, mat2: Tensor) -> None:
    """PyTorch's checks of bmm's operands (baddbmm/addbmm make them too)."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    a, b = input._data.shape, mat2._data.shape
    if a[0] != b[0] or a[2] != b[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a[0]}, {a[2]}] but got: [{b[0]}, {b[1]}].")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"expected scalar type {_dt_name(input._data)} but found "
                           f"{_dt_name(mat2._data)}")


@tensor_method("matmul", "__matmul__")
def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with PyTorch's dispatch on dimensions, so graphs print the same nodes:
    dot, mv, mm, folding a batch into mm/mv when one side is a matrix or vector, else bmm."""
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        need_tensor("matmul", input)
        need_tensor("matmul", other, "other", 2)
    if _autocast._enabled["cpu"]:  # matmul casts as a whole (1-D products included)
        input, other = _autocast.cast("lower", input, other)
    da, db = input.ndim, other.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D "
                           f"and {db}D")
    if da == 1 and db == 1:
        return dot(input, other, out=out)
    if da == 2 and db == 1:
        return mv(input, other, out=out)
    if da == 1 and db == 2:
        return write_out(out, _SqueezeDim.apply(mm(input.unsqueeze(0), other), dim=0))
    if da == 2 and db == 2:
        return mm(input, other, out=out)
    if _should_fold(input, other) or _should_fold(other, input):
        return write_out(out, _folded(input, other))
    return write_out(out, _batched(input, other))


def _should_fold(t1: Tensor, t2: Tensor) -> bool:
    """PyTorch folds the batch of the larger operand into one mm/mv when that costs no copy
    (or when the smaller operand needs a gradient)."""
    larger = t1.ndim >= t2.ndim
    big = t1 if larger else t2.mT
    small_nd = t2.ndim if larger else t1.ndim
    if not (big.ndim >= 3 and small_nd <= 2):
        return False
    if (t2 if larger else t1)._requires_grad:
        return True
    if t1.ndim == 2:
        return False
    if big._data.size == 0:
        return True
    shape, strides = big._data.shape, big.stride()
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _folded(input: Tensor, other: Tensor) -> Tensor:
    transpose = other.ndim > input.ndim
    t1 = other.mT if transpose else input
    t2 = (input.t() if input.ndim == 2 else input) if transpose else other
    shp = t1._data.shape
    if shp[-1] != t2._data.shape[0]:
        if t2.ndim == 1:
            raise RuntimeError(f"size mismatch, got input ({math.prod(shp[:-1])}), mat "
                               f"({math.prod(shp[:-1])}x{shp[-1]}), vec ({t2._data.shape[0]})")
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({math.prod(shp[:-1])}x"
                           f"{shp[-1]} and {_shape_str(t2)})")
    out_shape = shp[:-1]
    folded = t1.reshape(math.prod(out_shape), shp[-1])
    if t2.ndim == 2:
        res = _unsafe_view(folded.mm(t2), out_shape + (t2._data.shape[1],))
        return res.mT.contiguous() if transpose else res
    return _unsafe_view(folded.mv(t2), out_shape)


def _batched(input: Tensor, other: Tensor) -> Tensor:
    da, db = input.ndim, other.ndim
    sa, sb = input._data.shape, other._data.shape
    n = sa[-2] if da > 1 else 1
    m1 = sa[-1]
    m2 = sb[-2] if db > 1 else sb[0]
    p = sb[-1] if db > 1 else 1
    ba, bb = sa[:max(da - 2, 0)], sb[:max(db - 2, 0)]
    msg = broadcast_message(ba, bb)
    if msg is not None:
        raise RuntimeError(msg)
    batch = tuple(xp_of(input._data).broadcast_shapes(ba, bb))
    nb = math.prod(batch)
    if m1 != m2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{nb}, {m1}] but got: [{nb}, {m2}].")
    a3 = input.expand(batch + (n, m1)).reshape(nb, n, m1)
    if db == 1:
        b3 = other.expand(batch + (m2,)).reshape(nb, m2).unsqueeze(2)
    else:
        b3 = other.expand(batch + (m2, p)).reshape(nb, m2, p)
    shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    prod = a3.bmm(b3)
    if db == 1:
        prod = prod.squeeze(-1)
    return _unsafe_view(prod, shape)


class _SqueezeDim(Op):
    """The in-place ``squeeze_(0)`` PyTorch applies after ``unsqueeze(0).mm`` (SqueezeBackward4)."""

    grad_fn_name = "SqueezeBackward4"
    params = ("dim",)

    def forward(self, a):
        return a.reshape(a.shape[:self.dim] + a.shape[self.dim + 1:])

    def backward(self, g):
        return g.unsqueeze(self.dim)


class _UnsafeView(Op):
    grad_fn_name = "UnsafeViewBackward0"
    params = ("shape",)

    def forward(self, a):
        return a.reshape(self.shape)

    def backward(self, g):
        return g.reshape(self._input_meta[0][0])


def _unsafe_view(t: Tensor, shape) -> Tensor:
    return _UnsafeView.apply(t, shape=tuple(shape))


@tensor_method("__rmatmul__")
def _rmatmul(self, other):
    return matmul(other, self)


@tensor_method("outer", "ger")
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors (``input.reshape(-1, 1) * vec2``, as PyTorch)."""
    need_tensor("outer", input)
    need_tensor("outer", vec2, "vec2", 2)
    if input.ndim != 1 or vec2.ndim != 1:
        name, t = ("self", input) if input.ndim != 1 else ("vec2", vec2)
        raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.reshape(-1, 1) * vec2


ger = outer


@tensor_method("addr")
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``torch.addr``: ``beta * input + alpha * outer(vec1, vec2)`` (input ignored if beta=0)."""
    if vec1.dim() != 1 or vec2.dim() != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.dim()}-D"
                           if vec1.dim() != 1 else
                           f"addr: Expected 1-D argument vec2, but got {vec2.dim()}-D")
    prod = outer(vec1, vec2)
    if prod.dtype == D.bool_:
        from ..pointwise import logical_or
        from ..shape import broadcast_to

        res = logical_or(input.bool(), prod) if beta else prod
        return write_out(out, broadcast_to(res, prod.shape) if res.dim() < 2 else res)
    term = prod if alpha == 1 else prod * alpha
    if beta == 0:
        from ..creation import Fill

        res = term + Fill.apply(input, 0)  # input ignored (NaN too), but still gets a zero grad
    else:
        res = (input if beta == 1 else input * beta) + term
    return write_out(out, res)


@tensor_method("addmm")
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (AddmmBackward0, what nn.Linear uses)."""
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got 1-D tensor" if mat1.ndim != 2 else
                           "mat2 must be a matrix, got 1-D tensor")
    if mat1._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(mat1)} and "
                           f"{_shape_str(mat2)})")
    for name, t in (("self", input), ("mat1", mat1)):
        if isinstance(t, Tensor) and t._data.dtype != mat2._data.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{_dt_name(t._data)} and {_dt_name(mat2._data)}")
    return write_out(out, Addmm.apply(input, mat1, mat2, alpha=alpha, beta=beta))


class Addmv(Op):
    grad_fn_name = "AddmvBackward0"
    holomorphic = True
    reduced_float_in_float32 = True
    params = ("alpha", "beta")

    def forward(self, c, a, v):
        self.save_inputs(1, 2)
        out = a @ v
        if self.alpha != 1:
            out = out * self.alpha
        if self.beta == 0:
            return out + c * 0 if c.shape != out.shape else out
        return out + (c if self.beta == 1 else self.beta * c)

    def backward(self, g):
        a, v = self.saved_tensors
        need_c, need_a, need_v = self.needs_input_grad
        gc = (g if self.beta == 1 else g * self.beta) if need_c else None
        ga = gv = None
        if need_a:
            ga = g.unsqueeze(1) * v.unsqueeze(0)
            if self.alpha != 1:
                ga = ga * self.alpha
        if need_v:
            gv = a.t().mv(g)
            if self.alpha != 1:
                gv = gv * self.alpha
        return gc, ga, gv


@tensor_method("addmv")
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)`` (AddmvBackward0)."""
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, "
                           f"{vec.ndim}")
    return write_out(out, Addmv.apply(input, mat, vec, alpha=alpha, beta=beta))


class Baddbmm(Op):
    """``beta * input + alpha * bmm(batch1, batch2)`` (BaddbmmBackward0); with ``reduce`` the
    batch is summed (``addbmm``, AddbmmBackward0)."""

    grad_fn_name = "BaddbmmBackward0"
    holomorphic = True
    autocast_policy = "lower"
    reduced_float_in_float32 = True
    params = ("alpha", "beta")
    reduce = False

    def forward(self, c, a, b):
        self.save_inputs(1, 2)
        prod = xp_of(a).matmul(a, b)
        if self.reduce:
            prod = prod.sum(0)
        if self.alpha != 1:
            prod = prod * self.alpha
        if self.beta == 0:
            return xp_of(a).broadcast_to(prod, xp_of(a).broadcast_shapes(prod.shape, c.shape)
                                         ).copy()
        return prod + (c if self.beta == 1 else self.beta * c)

    def backward(self, g):
        a, b = self.saved_tensors
        need_c, need_a, need_b = self.needs_input_grad
        gc = (g if self.beta == 1 else g * self.beta) if need_c else None
        gp = g if self.alpha == 1 else g * self.alpha
        if self.reduce:
            gp = gp.unsqueeze(0).expand(a._data.shape[0], *gp._data.shape)
        ga = gp.bmm(b.transpose(1, 2)) if need_a else None
        gb = a.transpose(1, 2).bmm(gp) if need_b else None
        return gc, ga, gb


class Addbmm(Baddbmm):
    grad_fn_name = "AddbmmBackward0"
    reduced_float_in_float32 = False  # rounds per batch element below
    reduce = True

    def forward(self, c, a, b):
        if a.dtype.kind != "V" or c.dtype != a.dtype:
            return super().forward(c, a, b)
        # PyTorch's CPU kernel adds the batch's products one by one, rounding each partial sum
        self.save_inputs(1, 2)
        low = a.dtype
        acc = c.astype("float32") * self.beta if self.beta != 0 else \
            xp_of(a).zeros(c.shape, "float32")
        acc = xp_of(a).broadcast_to(acc, (a.shape[1], b.shape[2])).astype(low)
        for i in range(a.shape[0]):
            prod = xp_of(a).matmul(a[i].astype("float32"), b[i].astype("float32"))
            acc = (acc.astype("float32") + self.alpha * prod).astype(low)
        return acc


@tensor_method("baddbmm")
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    _check_bmm(batch1, batch2)  # PyTorch's shape and dtype checks
    return write_out(out, Baddbmm.apply(input, batch1, batch2, alpha=alpha, beta=beta))


@tensor_method("addbmm")
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    _check_bmm(batch1, batch2)
    return write_out(out, Addbmm.apply(input, batch1, batch2, alpha=alpha, beta=beta))


class Einsum(Op):
    """einsum by NumPy; the gradient of each operand is another einsum (no repeated labels in
    one operand)."""

    grad_fn_name = "EinsumBackward0"
    holomorphic = True
    reduced_float_in_float32 = True
    params = ("equation", "subs")

    def forward(self, *ops):
        self.save_inputs(*range(len(ops)))
        xp = xp_of(ops[0])
        return xp.asarray(xp.einsum(self.equation, *ops, optimize=len(ops) > 2))

    def backward(self, g):
        ins, out_sub = self.subs
        saved = self.saved_tensors
        used = set("".join(ins) + out_sub)
        spare = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     if c not in used)
        xp = xp_of(g._data)
        grads = []
        needs = self.needs_input_grad
        for i, sub in enumerate(ins):
            if not needs[i]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(ins) if j != i]
            operands = [g] + [t for j, t in enumerate(saved) if j != i]
            avail = set(out_sub).union(*others)
            uniq = "".join(dict.fromkeys(sub))
            present = "".join(c for c in uniq if c in avail)
            r = einsum(",".join([out_sub] + others) + "->" + present, *operands)
            size = dict(zip(sub, self._input_meta[i][0]))
            # labels summed out in forward come back as ones; repeated labels (diagonals) as eye
            extra_subs, extra_ops, target, seen = [], [], [], set()
            for c in uniq:
                if c not in avail:
                    extra_subs.append(c)
                    extra_ops.append(Tensor._from_array(xp.ones(size[c], g._data.dtype)))
            for c in sub:
                if c in seen:
                    d = next(spare)
                    extra_subs.append(c + d)
                    extra_ops.append(Tensor._from_array(xp.eye(size[c], dtype=g._data.dtype)))
                    target.append(d)
                else:
                    seen.add(c)
                    target.append(c)
            if extra_subs:
                r = einsum(",".join([present] + extra_subs) + "->" + "".join(target), r,
                           *extra_ops)
            grads.append(r)
        return tuple(grads)


def _parse_einsum(equation: str, operands):
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs = eq
        letters = lhs.replace(",", "").replace(".", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        if "..." in lhs:
            out = "..." + out
    ins = lhs.split(",")
    if len(ins) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(ins) else
                           "einsum(): fewer operands were provided than specified in the "
                           "equation")
    if "..." in eq:
        # name the broadcast dims explicitly so gradients can use plain labels
        used = set(eq)
        spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
        nell = max(op.ndim - (len(s) - 3) for s, op in zip(ins, operands) if "..." in s)
        ell = "".join(spare[:nell])
        new_ins = []
        for s, op in zip(ins, operands):
            if "..." in s:
                k = op.ndim - (len(s) - 3)
                s = s.replace("...", ell[nell - k:])
            new_ins.append(s)
        ins = new_ins
        out = out.replace("...", ell)
    return ins, out


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation (``torch.einsum``), differentiable in every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ins, out = _parse_einsum(equation, operands)
    for s, op in zip(ins, operands):
        if len(s) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(s)}) "
                               f"does not match the number of dimensions ({op.ndim}) for operand "
                               f"{list(operands).index(op)} and no ellipsis was given")
    sizes: dict = {}
    for k, (sub, op) in enumerate(zip(ins, operands)):
        for c, n in zip(sub, op._data.shape):
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = n
            elif n != seen and n != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which "
                                   f"does not broadcast with previously seen size {seen}")
    dt = operands[0]._data.dtype
    if any(op._data.dtype != dt for op in operands) or dt.kind not in "fcV":
        if any(0 in op._data.shape for op in operands):  # PyTorch's zeros of the promoted type
            for op in operands[1:]:
                dt = result_np_dtype(Tensor._from_array(xp_of(op._data).empty((1,), dt)), op)
        else:
            dt = _einsum_dtype(ins, out, operands).np
    operands = tuple(op.to(_from_np(dt)) if op._data.dtype != dt else op for op in operands)
    return Einsum.apply(*operands, equation=",".join(ins) + "->" + out, subs=(ins, out))


def _sum_dtype(dt):
    return D.int64 if dt is D.bool_ or not (dt.is_floating_point or dt.is_complex) else dt


def _einsum_dtype(ins, out, operands):
    """The dtype PyTorch's einsum gives (or its error): operands are contracted left to right;
    a pair with labels to sum goes through ``bmm`` (same dtypes only), one without through
    ``mul`` (promoting); a label left in a single operand is summed first (ints sum to int64)."""
    contract = [c for c in dict.fromkeys("".join(ins)) if c not in out]
    dts = [op.dtype for op in operands]
    if len(ins) == 1:
        return _sum_dtype(dts[0]) if contract else dts[0]
    held = [{c for c, n in zip(sub, op._data.shape) if n != 1 and c in contract}
            for sub, op in zip(ins, operands)]
    counts = {c: sum(c in h for h in held) for c in contract}
    ops = list(zip(dts, held))
    while len(ops) > 1:
        (da, ha), (db, hb) = ops[0], ops[1]
        ha, hb = set(ha), set(hb)
        summed = False
        for c in contract:
            if c in ha and c in hb:
                counts[c] -= 1
                if counts[c] == 1:
                    summed = True
                    counts[c] = 0
                    ha.discard(c)
                    hb.discard(c)
            elif counts[c] == 1 and (c in ha or c in hb):
                counts[c] = 0
                if c in ha:
                    ha.discard(c)
                    da = _sum_dtype(da)
                else:
                    hb.discard(c)
                    db = _sum_dtype(db)
        if summed:
            if da is D.bool_:
                raise NotImplementedError('"bmm" not implemented for \'Bool\'')
            if da is not db:
                raise RuntimeError(f"expected scalar type {da.c_name} but found {db.c_name}")
            dr = da
        else:
            dr = D.promote_types(da, db)
        ops[:2] = [(dr, ha | hb)]
    return ops[0][0]


def _from_np(dt):
    return D.from_numpy_dtype(dt)


def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Contract ``dims`` trailing dims of a with leading dims of b (or explicit lists)."""
    if isinstance(dims, int):
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    da = [d % a.ndim for d in da]
    db = [d % b.ndim for d in db]
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(da, db):
        sb[j] = sa[i]
    out_s = [c for i, c in enumerate(sa) if i not in da] + \
        [c for j, c in enumerate(sb) if j not in db]
    return write_out(out, einsum("".join(sa) + "," + "".join(sb) + "->" + "".join(out_s), a, b))


def kron(input: Tensor, other: Tensor) -> Tensor:
    nd = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    res = a.reshape(sum(((s, 1) for s in a.shape), ())) * b.reshape(
        sum(((1, s) for s in b.shape), ()))
    return res.reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))
