"""Matrix products: matmul (@), mm, mv, dot, bmm, outer, addmm, baddbmm, einsum, tensordot.

``matmul`` dispatches as PyTorch does so graphs print the same node names (MmBackward0 for 2-D,
MvBackward0, DotBackward0, BmmBackward0/UnsafeViewBackward0 for batches).
"""

from __future__ import annotations

from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, result_np_dtype, tensor_method, write_out

__all__ = ["matmul", "mm", "mv", "dot", "vdot", "inner", "bmm", "outer", "ger", "addmm", "addmv",
           "addbmm", "baddbmm", "einsum", "tensordot", "kron"]


def _dt_name(a):
    from .pointwise import torch_type_name

    return torch_type_name(a.dtype)


def _check_same_dtype(op, a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype.name if False else _long(a)} != {_long(b)}")


def _long(t):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}[t.dtype.name]


class Mm(Op):
    grad_fn_name = "MmBackward0"

    def forward(self, a, b):
        self.save_inputs(0, 1)
        return a @ b

    def backward(self, g):
        a, b = self.saved_tensors
        ga = g.mm(b.mH if b.is_complex() else b.t()) if self.next_functions[0][0] else None
        gb = (a.mH if a.is_complex() else a.t()).mm(g) if self.next_functions[1][0] else None
        return ga, gb


class Mv(Op):
    grad_fn_name = "MvBackward0"

    def forward(self, a, v):
        self.save_inputs(0, 1)
        return a @ v

    def backward(self, g):
        a, v = self.saved_tensors
        ga = g.unsqueeze(1) * v.unsqueeze(0) if self.next_functions[0][0] else None
        gv = a.t().mv(g) if self.next_functions[1][0] else None
        return ga, gv


class Dot(Op):
    grad_fn_name = "DotBackward0"

    def forward(self, a, b):
        self.save_inputs(0, 1)
        return xp_of(a).asarray(xp_of(a).dot(a, b))

    def backward(self, g):
        a, b = self.saved_tensors
        return g * b, g * a


class Bmm(Op):
    grad_fn_name = "BmmBackward0"

    def forward(self, a, b):
        self.save_inputs(0, 1)
        return xp_of(a).matmul(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        ga = g.bmm(b.transpose(1, 2)) if self.next_functions[0][0] else None
        gb = a.transpose(1, 2).bmm(g) if self.next_functions[1][0] else None
        return ga, gb


class Addmm(Op):
    grad_fn_name = "AddmmBackward0"

    def forward(self, c, a, b):
        self.save_inputs(1, 2)
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
        gc = (g if self.beta == 1 else g * self.beta) if self.next_functions[0][0] else None
        ga = gb = None
        if self.next_functions[1][0]:
            ga = g.mm(b.t())
            if self.alpha != 1:
                ga = ga * self.alpha
        if self.next_functions[2][0]:
            gb = a.t().mm(g)
            if self.alpha != 1:
                gb = gb * self.alpha
        return gc, ga, gb


def _shape_str(t):
    return "x".join(str(s) for s in t._data.shape)


@tensor_method("mm")
def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    if input.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(input)} and "
                           f"{_shape_str(mat2)})")
    _check_same_dtype("mm", input, mat2)
    return write_out(out, Mm.apply(input, mat2))


@tensor_method("mv")
def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input._data.shape[0]}), mat "
                           f"({_shape_str(input)}), vec ({vec._data.shape[0]})")
    _check_same_dtype("mv", input, vec)
    return write_out(out, Mv.apply(input, vec))


@tensor_method("dot")
def dot(input: Tensor, tensor: Tensor, *, out=None) -> Tensor:
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


@tensor_method("vdot")
def vdot(input: Tensor, other: Tensor) -> Tensor:
    return dot(input.conj() if input.is_complex() else input, other)


@tensor_method("inner")
def inner(input: Tensor, other: Tensor) -> Tensor:
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


@tensor_method("bmm")
def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    a, b = input._data.shape, mat2._data.shape
    if a[0] != b[0] or a[2] != b[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a[0]}, {a[2]}] but got: [{b[0]}, {b[1]}].")
    _check_same_dtype("bmm", input, mat2)
    return write_out(out, Bmm.apply(input, mat2))


@tensor_method("matmul", "__matmul__")
def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with PyTorch's dispatch on dimensions (dot, mv, mm, batched)."""
    da, db = input.ndim, other.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D "
                           f"and {db}D")
    if da == 1 and db == 1:
        return dot(input, other, out=out)
    if da == 2 and db == 1:
        return mv(input, other, out=out)
    if da == 1 and db == 2:
        if input._data.shape[0] != other._data.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({input._data.shape[0]}), mat "
                               f"({_shape_str(other.t())}), vec ({input._data.shape[0]})")
        return write_out(out, mm(input.unsqueeze(0), other).squeeze(0))
    if da == 2 and db == 2:
        return mm(input, other, out=out)
    if da >= 3 and db <= 2:
        # fold the batch into rows: (..., n, k) @ (k, m)
        shp = input._data.shape
        if db == 1:
            if shp[-1] != other._data.shape[0]:
                raise RuntimeError(f"size mismatch, got input ({shp[-2]}), mat "
                                   f"({'x'.join(map(str, shp))}), vec ({other._data.shape[0]})")
            return write_out(out, mv(input.reshape(-1, shp[-1]), other).view(shp[:-1]))
        if shp[-1] != other._data.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({'x'.join(map(str, (int(__import__('math').prod(shp[:-1])), shp[-1])))}"
                               f" and {_shape_str(other)})")
        res = mm(input.reshape(-1, shp[-1]), other)
        return write_out(out, _unsafe_view(res, shp[:-1] + (other._data.shape[1],)))
    # general batched case with broadcasting over batch dims
    a = input.unsqueeze(0) if da == 1 else input
    b = other.unsqueeze(-1) if db == 1 else other
    xp = xp_of(a._data)
    if a._data.shape[-1] != b._data.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b._data.shape[0] if b.ndim == 3 else 1}, {a._data.shape[-1]}] but "
                           f"got: [{b._data.shape[0] if b.ndim == 3 else 1}, "
                           f"{b._data.shape[-2]}].")
    batch = xp.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    n, k = a._data.shape[-2:]
    m = b._data.shape[-1]
    a3 = a.expand(batch + (n, k)).reshape(-1, n, k)
    b3 = b.expand(batch + (k, m)).reshape(-1, k, m)
    res = _unsafe_view(bmm(a3, b3), batch + (n, m))
    if da == 1:
        res = res.squeeze(-2)
    if db == 1:
        res = res.squeeze(-1)
    return write_out(out, res)


class _UnsafeView(Op):
    grad_fn_name = "UnsafeViewBackward0"

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
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


@tensor_method("addmm")
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (AddmmBackward0, what nn.Linear uses)."""
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got 1-D tensor" if mat1.ndim != 2 else
                           "mat2 must be a matrix, got 1-D tensor")
    if mat1._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape_str(mat1)} and "
                           f"{_shape_str(mat2)})")
    _check_same_dtype("addmm", mat1, mat2)
    return write_out(out, Addmm.apply(input, mat1, mat2, alpha=alpha, beta=beta))


@tensor_method("addmv")
def addmv(input, mat, vec, *, beta=1, alpha=1) -> Tensor:
    return beta * input + alpha * mv(mat, vec)


@tensor_method("baddbmm")
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    return beta * input + alpha * bmm(batch1, batch2)


@tensor_method("addbmm")
def addbmm(input, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    return beta * input + alpha * bmm(batch1, batch2).sum(0)


class Einsum(Op):
    """einsum by NumPy; the gradient of each operand is another einsum (no repeated labels in
    one operand)."""

    grad_fn_name = "EinsumBackward0"

    def forward(self, *ops):
        self.save_inputs(*range(len(ops)))
        xp = xp_of(ops[0])
        return xp.asarray(xp.einsum(self.equation, *ops, optimize=len(ops) > 2))

    def backward(self, g):
        ins, out_sub = self.subs
        saved = self.saved_tensors
        grads = []
        for i in range(len(saved)):
            if not self.next_functions[i][0]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(ins) if j != i]
            eq = ",".join([out_sub] + others) + "->" + ins[i]
            operands = [g] + [t for j, t in enumerate(saved) if j != i]
            # labels of operand i missing elsewhere were summed out: broadcast back
            missing = [c for c in ins[i] if c not in out_sub and all(c not in o for o in others)]
            if missing:
                eq2 = ",".join([out_sub] + others) + "->" + "".join(c for c in ins[i]
                                                                    if c not in missing)
                r = einsum(eq2, *operands)
                shape = self._input_meta[i][0]
                for pos, c in enumerate(ins[i]):
                    if c in missing:
                        r = r.unsqueeze(pos)
                grads.append(r.expand(shape))
            else:
                grads.append(einsum(eq, *operands))
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
    dt = operands[0]._data.dtype
    for op in operands[1:]:
        dt = result_np_dtype(Tensor._from_array(xp_of(op._data).empty((1,), dt)), op)
    operands = tuple(op.to(_from_np(dt)) if op._data.dtype != dt else op for op in operands)
    return Einsum.apply(*operands, equation=",".join(ins) + "->" + out, subs=(ins, out))


def _from_np(dt):
    from .. import _dtype as D

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
