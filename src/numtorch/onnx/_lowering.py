"""Lowerings: how each traced op becomes ONNX nodes.

A lowering is ``fn(g, r) -> name | sequence of names``: ``g`` is the :class:`Graph` (``g.name``
reads an input, ``g.node`` adds a node, ``g.opset`` is the target opset), ``r`` the
:class:`Record` of the call (``r.params``: the op's keyword parameters, ``r.ins``: Values or
Python scalars, ``r.outs``: output Values with shape and dtype). It returns the ONNX name of each
output (None for an output it cannot produce: using it fails the export). Register one with
``@lowers(OpClass, ...)`` (exact classes: a subclass with other semantics is not matched), or
give the op class an ``onnx_lowering`` staticmethod of the same signature.

This module holds the registry and the tensor-algebra ops (pointwise, shape, linalg,
reductions); ``_lowering_nn`` holds the layers (conv, pooling, normalisation, activations).
"""

from __future__ import annotations

import numpy as np

from .._ops import creation, join, linalg, reduction, scan, shape
from .._ops import indexing as ix
from .._ops.pointwise import arith, compare, minmax, ternary, unary
from ._tracer import Record, Value
from .errors import UnsupportedOperatorError

_REGISTRY: dict = {}


def lowers(*classes):
    def deco(fn):
        for c in classes:
            _REGISTRY[c] = fn
        return fn
    return deco


def lower(g, r: Record) -> None:
    """Lower one traced call into ``g`` and name its outputs."""
    _load_families()
    fn = r.cls.__dict__.get("onnx_lowering") or _REGISTRY.get(r.cls)
    if fn is None:
        # a traced value must never be frozen into a constant: fail, naming the op
        raise UnsupportedOperatorError(
            f"Exporting the operator '{op_title(r)}' to ONNX opset version {g.opset} is not "
            f"supported by numtorch.onnx.export: no ONNX lowering for '{r.cls.__name__}'.")
    if isinstance(fn, staticmethod):
        fn = fn.__func__
    for v in r.ins:
        if isinstance(v, Value) and v.missing is not None:
            # an output no lowering produced only fails the export if the graph needs it
            for o in r.outs:
                o.missing = v.missing
            return
    names = fn(g, r)
    if isinstance(names, str) or names is None:
        names = (names,)
    for i, v in enumerate(r.outs):
        n = names[i] if i < len(names) else None
        if n is None:
            v.missing = (f"Exporting output {i} of the operator '{op_title(r)}' to ONNX opset "
                         f"version {g.opset} is not supported by numtorch.onnx.export.")
        else:
            v.name = n


def op_title(r: Record) -> str:
    return f"{r.cls.__name__} ({r.cls.grad_fn_name})"


_LOADED = []


def _load_families() -> None:
    if not _LOADED:
        from . import _lowering_nn  # noqa: F401 - registers the layer lowerings

        _LOADED.append(True)


def unsupported(g, r: Record, why: str):
    raise UnsupportedOperatorError(f"Exporting the operator '{op_title(r)}' to ONNX opset version "
                       f"{g.opset} is not supported by numtorch.onnx.export: {why}")


# -- helpers shared with _lowering_nn -------------------------------------------------------
def out_dtype(r: Record, i: int = 0):
    return r.outs[i].dtype


def inp(g, r: Record, i: int, cast: bool = True) -> str:
    """Input ``i`` in the output's dtype (scalars become constants of that dtype)."""
    return g.name(r.ins[i], out_dtype(r) if cast else None)


def reduce(g, op: str, x: str, axes, keepdims: bool) -> str:
    """``Reduce*`` over ``axes`` (None: all), with the axes as attribute or input by opset."""
    if axes is None:
        return g.node(op, [x], keepdims=int(keepdims))
    axes = [int(a) for a in axes]
    if op == "ReduceSum" or g.opset >= 18:
        return g.node(op, [x, g.ints(axes)], keepdims=int(keepdims))
    return g.node(op, [x], axes=axes, keepdims=int(keepdims))


def unsqueeze(g, x: str, axes) -> str:
    return g.node("Unsqueeze", [x, g.ints(axes)])


def squeeze(g, x: str, axes) -> str:
    return g.node("Squeeze", [x, g.ints(axes)])


def reshape(g, x: str, in_shape, out_shape) -> str:
    """Reshape written so a varying leading (batch) size carries through: dims equal to the
    input's at the same leading position are copied (0) and the first other dim is inferred
    (-1)."""
    in_shape, out_shape = tuple(in_shape), tuple(out_shape)
    if in_shape == out_shape:
        return x
    if len(out_shape) == 2 and len(in_shape) >= 2 and 0 not in in_shape:
        for k in range(1, len(in_shape)):
            if int(np.prod(in_shape[:k])) == out_shape[0] and \
                    int(np.prod(in_shape[k:])) == out_shape[1]:
                return g.node("Flatten", [x], axis=k)
    spec = []
    prefix = True
    inferred = 0 in out_shape
    for i, s in enumerate(out_shape):
        if prefix and i < len(in_shape) and in_shape[i] == s and s != 0:
            spec.append(0)
            continue
        prefix = False
        if not inferred:
            spec.append(-1)
            inferred = True
        else:
            spec.append(s)
    return g.node("Reshape", [x, g.ints(spec)])


# -- pointwise arithmetic ---------------------------------------------------------------------
def _scaled(g, name: str, alpha, dtype) -> str:
    if alpha == 1:
        return name
    return g.node("Mul", [name, g.name(alpha, dtype)])


@lowers(arith.Add)
def _add(g, r):
    dt = out_dtype(r)
    if dt.kind == "b":
        return g.node("Or", [g.name(r.ins[0], dt), g.name(r.ins[1], dt)])
    return g.node("Add", [inp(g, r, 0), _scaled(g, inp(g, r, 1), r.params.get("alpha", 1), dt)])


@lowers(arith.Sub)
def _sub(g, r):
    dt = out_dtype(r)
    return g.node("Sub", [inp(g, r, 0), _scaled(g, inp(g, r, 1), r.params.get("alpha", 1), dt)])


@lowers(arith.Rsub, arith.RsubScalar)
def _rsub(g, r):
    dt = out_dtype(r)
    return g.node("Sub", [inp(g, r, 1), _scaled(g, inp(g, r, 0), r.params.get("alpha", 1), dt)])


@lowers(arith.Mul)
def _mul(g, r):
    if out_dtype(r).kind == "b":
        return g.node("And", [inp(g, r, 0), inp(g, r, 1)])
    return g.node("Mul", [inp(g, r, 0), inp(g, r, 1)])


@lowers(arith.Div)
def _div(g, r):
    return g.node("Div", [inp(g, r, 0), inp(g, r, 1)])


@lowers(arith.Neg)
def _neg(g, r):
    return g.node("Neg", [inp(g, r, 0)])


@lowers(arith.PowTensorScalar)
def _pow_scalar(g, r):
    x = inp(g, r, 0)
    e = r.params.get("exponent", r.ins[1])
    if e == 2:
        return g.node("Mul", [x, x])
    if e == 1:
        return g.node("Identity", [x])
    if e == 0.5:
        return g.node("Sqrt", [x])
    return g.node("Pow", [x, g.name(e, out_dtype(r))])


@lowers(arith.PowTensorTensor)
def _pow(g, r):
    return g.node("Pow", [inp(g, r, 0), inp(g, r, 1)])


@lowers(arith.PowScalarTensor)
def _rpow(g, r):
    return g.node("Pow", [g.name(r.params["base"], out_dtype(r)), inp(g, r, 0)])


def _unary_op(op_type: str):
    return lambda g, r: g.node(op_type, [inp(g, r, 0)])


for _cls, _op in ((unary.Exp, "Exp"), (unary.Log, "Log"), (unary.Sqrt, "Sqrt"),
                  (unary.Abs, "Abs"), (unary.Sign, "Sign"), (unary.Sin, "Sin"),
                  (unary.Cos, "Cos"), (unary.Tan, "Tan"), (unary.Asin, "Asin"),
                  (unary.Acos, "Acos"), (unary.Atan, "Atan"), (unary.Sinh, "Sinh"),
                  (unary.Cosh, "Cosh"), (unary.Asinh, "Asinh"),
                  (unary.Acosh, "Acosh"), (unary.Atanh, "Atanh"),
                  (unary.Tanh, "Tanh"), (unary.Sigmoid, "Sigmoid"),
                  (unary.Relu, "Relu"), (unary.Reciprocal, "Reciprocal"),
                  (unary.Erf, "Erf"), (unary.Floor, "Floor"), (unary.Ceil, "Ceil"),
                  (unary.Round, "Round")):
    lowers(_cls)(_unary_op(_op))


@lowers(unary.Rsqrt)
def _rsqrt(g, r):
    return g.node("Reciprocal", [g.node("Sqrt", [inp(g, r, 0)])])


@lowers(unary.Log2, unary.Log10)
def _log_base(g, r):
    base = 2.0 if r.cls is unary.Log2 else 10.0
    ln = g.node("Log", [inp(g, r, 0)])
    return g.node("Div", [ln, g.name(np.log(base), out_dtype(r))])


@lowers(unary.Log1p)
def _log1p(g, r):
    return g.node("Log", [g.node("Add", [inp(g, r, 0), g.name(1, out_dtype(r))])])


@lowers(unary.Expm1)
def _expm1(g, r):
    return g.node("Sub", [g.node("Exp", [inp(g, r, 0)]), g.name(1, out_dtype(r))])


@lowers(unary.Exp2)
def _exp2(g, r):
    return g.node("Pow", [g.name(2, out_dtype(r)), inp(g, r, 0)])


@lowers(unary.Trunc)
def _trunc(g, r):
    x = inp(g, r, 0)
    return g.node("Mul", [g.node("Floor", [g.node("Abs", [x])]), g.node("Sign", [x])])


@lowers(minmax.Clamp, minmax.ClampMin, minmax.ClampMax, minmax.ClampTensor)
def _clamp(g, r):
    dt = out_dtype(r)
    x = inp(g, r, 0)
    lo, hi = r.ins[1], r.ins[2]
    if not isinstance(lo, Value) and not isinstance(hi, Value):
        return g.node("Clip", [x, g.name(lo, dt), g.name(hi, dt)])
    if lo is not None:
        x = g.node("Max", [x, g.name(lo, dt)])
    if hi is not None:
        x = g.node("Min", [x, g.name(hi, dt)])
    return x


@lowers(minmax.Maximum, minmax.Minimum)
def _maximum(g, r):
    op = "Max" if r.cls is minmax.Maximum else "Min"
    return g.node(op, [inp(g, r, 0), inp(g, r, 1)])


# -- comparisons, logic, bitwise, tests --------------------------------------------------------
def _operands(g, r: Record, dtype):
    return [g.name(v, dtype) for v in r.ins]


_COMPARE = {compare.Eq: "Equal", compare.Lt: "Less", compare.Le: "LessOrEqual",
            compare.Gt: "Greater", compare.Ge: "GreaterOrEqual"}


@lowers(*_COMPARE, compare.Ne)
def _compare(g, r):
    ins = _operands(g, r, r.params["dtype"])
    if r.cls is compare.Ne:
        return g.node("Not", [g.node("Equal", ins)])
    return g.node(_COMPARE[r.cls], ins)


_LOGICAL = {compare.LogicalAnd: "And", compare.LogicalOr: "Or", compare.LogicalXor: "Xor"}


@lowers(*_LOGICAL)
def _logical(g, r):
    return g.node(_LOGICAL[r.cls], _operands(g, r, np.bool_))


@lowers(compare.LogicalNot)
def _logical_not(g, r):
    return g.node("Not", [g.name(r.ins[0], np.bool_)])


_BITWISE = {compare.BitwiseAnd: "And", compare.BitwiseOr: "Or", compare.BitwiseXor: "Xor"}


@lowers(*_BITWISE)
def _bitwise(g, r):
    dt = np.dtype(r.params["dtype"])
    if dt.kind == "b":
        return g.node(_BITWISE[r.cls], _operands(g, r, dt))
    if g.opset < 18:
        unsupported(g, r, "integer bitwise ops need opset 18 or later")
    return g.node("Bitwise" + _BITWISE[r.cls], _operands(g, r, dt))


@lowers(compare.BitwiseNot)
def _bitwise_not(g, r):
    x = g.name(r.ins[0])
    if r.ins[0].dtype.kind == "b":
        return g.node("Not", [x])
    if g.opset < 18:
        unsupported(g, r, "integer bitwise ops need opset 18 or later")
    return g.node("BitwiseNot", [x])


@lowers(compare.IsNan, compare.IsInf, compare.IsPosInf, compare.IsNegInf, compare.IsFinite)
def _float_test(g, r):
    x = g.name(r.ins[0])
    if r.ins[0].dtype.kind not in "fcV":  # integers: never NaN or inf, always finite
        same = g.node("Equal", [x, x])
        return same if r.cls is compare.IsFinite else g.node("Not", [same])
    if r.cls is compare.IsNan:
        return g.node("IsNaN", [x])
    if r.cls is compare.IsFinite:
        return g.node("Not", [g.node("Or", [g.node("IsNaN", [x]), g.node("IsInf", [x])])])
    return g.node("IsInf", [x], detect_negative=int(r.cls is not compare.IsPosInf),
                  detect_positive=int(r.cls is not compare.IsNegInf))


@lowers(creation.ToCopy)
def _to_copy(g, r):
    return g.name(r.ins[0], out_dtype(r)) if r.ins[0].dtype != out_dtype(r) else \
        g.node("Identity", [g.name(r.ins[0])])


@lowers(creation.Clone, ix.Alias)
def _identity(g, r):
    return g.name(r.ins[0])


@lowers(ternary.Where)
def _where(g, r):
    cond = g.name(r.ins[0], np.bool_)
    return g.node("Where", [cond, inp(g, r, 1), inp(g, r, 2)])


@lowers(ix.MaskedFill, ix.MaskedFillTensor)
def _masked_fill(g, r):
    value = r.ins[2] if len(r.ins) > 2 else r.params.get("value")
    return g.node("Where", [g.name(r.ins[1], np.bool_), g.name(value, out_dtype(r)),
                            inp(g, r, 0)])


# -- shapes -------------------------------------------------------------------------------------
@lowers(shape.View, shape.ReshapeAlias, shape.UnsafeView, linalg._UnsafeView,
        shape.Squeeze, shape.SqueezeDims, shape.SqueezeMulti, linalg._SqueezeDim)
def _reshape(g, r):
    src = r.ins[0]
    if len(src.shape) == len(r.outs[0].shape) + 1 and r.cls not in (
            shape.View, shape.ReshapeAlias, shape.UnsafeView, linalg._UnsafeView):
        dims = [d for d in range(len(src.shape)) if _squeezed(r, d)]
        if len(dims) == 1:
            return squeeze(g, g.name(src), dims)
    return reshape(g, g.name(src), src.shape, r.outs[0].shape)


def _squeezed(r, d) -> bool:
    if r.cls is linalg._SqueezeDim:
        return d == r.params["dim"]
    return d in r.params["dims"] and r.ins[0].shape[d] == 1


@lowers(shape.Unsqueeze, ix.Unsqueeze)
def _unsqueeze(g, r):
    return unsqueeze(g, g.name(r.ins[0]), [r.params["dim"]])


@lowers(shape.Permute)
def _permute(g, r):
    return g.node("Transpose", [g.name(r.ins[0])], perm=list(r.params["dims"]))


@lowers(shape.Transpose, shape.T)
def _transpose(g, r):
    nd = len(r.ins[0].shape)
    if nd < 2:
        return g.name(r.ins[0])
    perm = list(range(nd))
    d0, d1 = r.params["d0"], r.params["d1"]
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return g.node("Transpose", [g.name(r.ins[0])], perm=perm)


@lowers(shape.Expand)
def _expand(g, r):
    src, out = tuple(r.ins[0].shape), tuple(r.outs[0].shape)
    if src == out:
        return g.name(r.ins[0])
    # Expand broadcasts both ways: 1 keeps the input's own size (a varying batch carries on)
    off = len(out) - len(src)
    spec = [1 if i >= off and src[i - off] == s else s for i, s in enumerate(out)]
    return g.node("Expand", [g.name(r.ins[0]), g.ints(spec)])


def _basic_index(g, x: str, shape_in, index) -> str:
    """A basic index (ints and slices, possibly after leading full slices) as Slice/Gather."""
    if not isinstance(index, tuple):
        index = (index,)
    starts, ends, axes, steps, drop = [], [], [], [], []
    dim = 0
    for item in index:
        if item is Ellipsis:
            break
        size = shape_in[dim]
        if isinstance(item, slice):
            start, stop, step = item.indices(size)
            if (start, stop, step) != (0, size, 1):
                if step < 0:
                    raise RuntimeError("numtorch.onnx.export: negative slice steps are not "
                                       "supported")
                starts.append(start)
                ends.append(max(stop, start))
                axes.append(dim)
                steps.append(step)
        else:
            i = int(item) % size
            starts.append(i)
            ends.append(i + 1)
            axes.append(dim)
            steps.append(1)
            drop.append(dim)
        dim += 1
    if axes:
        x = g.node("Slice", [x, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)])
    if drop:
        x = squeeze(g, x, drop)
    return x


@lowers(shape.Slice, shape.Select, ix.Select, ix.Slice)
def _slice(g, r):
    return _basic_index(g, g.name(r.ins[0]), r.ins[0].shape, r.params["index"])


@lowers(shape.SplitWithSizes, shape.Split)
def _split(g, r):
    d = r.params["dim"]
    x = g.name(r.ins[0])
    outs, start = [], 0
    for s in r.params["sizes"]:
        outs.append(g.node("Slice", [x, g.ints([start]), g.ints([start + s]), g.ints([d])]))
        start += s
    return outs


@lowers(shape.Unbind)
def _unbind(g, r):
    d = r.params["dim"]
    x = g.name(r.ins[0])
    return [squeeze(g, g.node("Slice", [x, g.ints([i]), g.ints([i + 1]), g.ints([d])]), [d])
            for i in range(r.ins[0].shape[d])]


@lowers(join.Cat)
def _cat(g, r):
    dt = out_dtype(r)
    nd = len(r.outs[0].shape)
    names = [g.name(v, dt) for v in r.ins if not (nd != 1 and v.shape == (0,))]
    if len(names) == 1:
        return g.node("Identity", names)
    return g.node("Concat", names, axis=r.params["dim"])


@lowers(join.Stack)
def _stack(g, r):
    d = r.params["dim"]
    names = [unsqueeze(g, g.name(v, out_dtype(r)), [d]) for v in r.ins]
    return g.node("Concat", names, axis=d)


@lowers(join.Flip)
def _flip(g, r):
    x = g.name(r.ins[0])
    dims = list(r.params["dims"])
    n = len(dims)
    big = np.iinfo(np.int64).min
    return g.node("Slice", [x, g.ints([-1] * n), g.ints([big] * n), g.ints(dims),
                            g.ints([-1] * n)])


# -- linear algebra -----------------------------------------------------------------------------
def _transposed_weight(v):
    """The 2-D value that ``v`` is the folded transpose of (``weight.t()``), else None."""
    p = v.producer if isinstance(v, Value) else None
    if p is None or p[0] not in (shape.T, shape.Transpose) or len(v.shape) != 2:
        return None
    src = p[2][0]
    return src if isinstance(src, Value) and len(src.shape) == 2 else None


@lowers(linalg.Addmm)
def _addmm(g, r):
    c, a, b = r.ins
    alpha, beta = r.params.get("alpha", 1), r.params.get("beta", 1)
    attrs = {}
    if alpha != 1:
        attrs["alpha"] = float(alpha)
    if beta != 1:
        attrs["beta"] = float(beta)
    w = _transposed_weight(b)
    if w is not None:
        return g.node("Gemm", [g.name(a), g.name(w), g.name(c)], transB=1, **attrs)
    return g.node("Gemm", [g.name(a), g.name(b), g.name(c)], **attrs)


@lowers(linalg.Mm, linalg.Bmm, linalg.Mv, linalg.Dot)
def _matmul(g, r):
    a, b = r.ins
    if r.cls is linalg.Mm:
        w = _transposed_weight(b)
        if w is not None:
            return g.node("Gemm", [g.name(a), g.name(w)], transB=1)
    return g.node("MatMul", [g.name(a), g.name(b)])


# -- reductions ---------------------------------------------------------------------------------
def _dims(r):
    dims = r.params.get("dims")
    return None if dims is None else list(dims)


@lowers(reduction.Sum, reduction.SumAll)
def _sum(g, r):
    return reduce(g, "ReduceSum", inp(g, r, 0), _dims(r), r.params.get("keepdim", False))


@lowers(reduction.Mean, reduction.MeanAll)
def _mean(g, r):
    x = inp(g, r, 0)
    dims = _dims(r)
    keep = r.params.get("keepdim", False)
    nd = len(r.ins[0].shape)
    if keep and nd >= 3 and dims is not None and sorted(d % nd for d in dims) == \
            list(range(2, nd)):
        return g.node("GlobalAveragePool", [x])
    return reduce(g, "ReduceMean", x, dims, keep)


@lowers(reduction.Prod, reduction.ProdAll)
def _prod(g, r):
    dim = r.params.get("dim", r.params.get("dims"))
    axes = None if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    return reduce(g, "ReduceProd", inp(g, r, 0), axes, r.params.get("keepdim", False))


@lowers(reduction.MaxDim, reduction.MinDim)
def _max_dim(g, r):
    x = g.name(r.ins[0])
    d, keep = r.params["dim"], r.params.get("keepdim", False)
    big = r.cls is reduction.MaxDim
    vals = reduce(g, "ReduceMax" if big else "ReduceMin", x, [d], keep)
    idx = g.node("ArgMax" if big else "ArgMin", [x], axis=d, keepdims=int(keep),
                 select_last_index=0)
    return vals, idx


@lowers(reduction.MaxAll, reduction.MinAll)
def _max_all(g, r):
    op = "ReduceMax" if r.cls is reduction.MaxAll else "ReduceMin"
    return reduce(g, op, g.name(r.ins[0]), None, False)


@lowers(reduction.Amax, reduction.Amin)
def _amax(g, r):
    op = "ReduceMax" if r.cls is reduction.Amax else "ReduceMin"
    dims = r.params.get("dims", r.params.get("dim"))
    axes = None if dims is None or dims == () else list(dims)
    return reduce(g, op, g.name(r.ins[0]), axes, r.params.get("keepdim", False))


@lowers(reduction.Logsumexp)
def _logsumexp(g, r):
    dims = r.params.get("dims", r.params.get("dim"))
    axes = [dims] if isinstance(dims, int) else list(dims)
    return reduce(g, "ReduceLogSumExp", inp(g, r, 0), axes, r.params.get("keepdim", False))


@lowers(scan.Cumsum)
def _cumsum(g, r):
    return g.node("CumSum", [inp(g, r, 0), g.const(np.asarray(r.params["dim"], np.int64))])
