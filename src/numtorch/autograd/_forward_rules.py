"""Explicit forward-mode (JVP) rules for the common ops (see Note [tangent propagation] in
``forward_ad``). A rule gets ``(inputs, tangents, params, out)`` (``tangents[i]`` is None for an
input without one) and returns the output tangent(s), or ``GENERAL`` to fall back on the
double-backward rule. Rules run with the interposer off and are written with numtorch ops, so
they record for reverse mode when their operands require grad."""

from __future__ import annotations

GENERAL = object()
_RULES: dict | None = None


def rule_for(cls):
    """The explicit rule of op class ``cls``, or None."""
    rules = _RULES if _RULES is not None else _build()
    try:
        return rules[cls]
    except KeyError:
        pass
    from .._ops.nn.activation import _Act
    from .._ops.pointwise.unary import UnaryOp
    from .._ops.shape.views import ViewDtype

    rule = None
    if cls.is_view and not issubclass(cls, ViewDtype):
        rule = _same_op(cls)
    elif issubclass(cls, UnaryOp) and "backward" not in cls.__dict__:
        rule = _unary(cls)
    elif issubclass(cls, _Act):
        rule = _activation(cls)
    rules[cls] = rule
    return rule


def _unary(cls):
    """A generated unary op: its gradient formula ``grad(g, x, out)`` is ``g * f'(x)`` for real
    tensors, which is also the JVP."""
    def rule(inputs, tans, params, out):
        t = tans[0]
        if t.is_complex() or out.is_complex():
            return GENERAL
        return cls.grad(t, inputs[0], out)
    return rule


def _activation(cls):
    """An elementwise activation: the tangent times ``derivative(x)``."""
    def rule(inputs, tans, params, out):
        t = tans[0]
        if t.is_complex():
            return GENERAL
        op = object.__new__(cls)
        op.__dict__.update(params)
        return t * op.derivative(inputs[0])
    return rule


def _logcumsumexp(inputs, tans, params, out):
    x, t = inputs[0], tans[0]
    if x.is_complex() or x.ndim == 0:
        return GENERAL
    d = params["dim"]
    top = x.amax(d, keepdim=True)
    return (t * (x - top).exp()).cumsum(d) * (top - out).exp()


def _same_op(cls):
    """The op is linear in input 0 (the others are constants): apply it to the tangent."""
    def rule(inputs, tans, params, out):
        for t in tans[1:]:
            if t is not None:
                return GENERAL
        t = tans[0]
        try:
            return cls.apply(t, *inputs[1:], **params)
        except RuntimeError:
            if cls.is_view:  # e.g. ``view`` of a tangent laid out unlike its primal
                return cls.apply(t.contiguous(), *inputs[1:], **params)
            raise
    return rule


def _joint(cls):
    """The op is linear in all its tensor inputs jointly (cat, stack): zeros stand in for the
    inputs without a tangent."""
    def rule(inputs, tans, params, out):
        ts = [t if t is not None else x.new_zeros(x.shape)
              for x, t in zip(inputs, tans)]
        return cls.apply(*ts, **params)
    return rule


def _plus(*terms):
    acc = None
    for t in terms:
        if t is not None:
            acc = t if acc is None else acc + t
    return acc


def _scaled(t, k):
    if t is None:
        return None
    return t if k == 1 else (-t if k == -1 else t * k)


def _add(inputs, tans, params, out):
    alpha = params.get("alpha", 1)
    return _plus(tans[0], _scaled(tans[1], alpha))


def _sub(inputs, tans, params, out):
    alpha = params.get("alpha", 1)
    return _plus(tans[0], _scaled(tans[1], -alpha))


def _rsub(inputs, tans, params, out):
    alpha = params.get("alpha", 1)
    return _plus(_scaled(tans[0], -alpha), tans[1] if len(tans) > 1 else None)


def _mul(inputs, tans, params, out):
    a, b = inputs
    ta, tb = tans
    return _plus(ta * b if ta is not None else None, a * tb if tb is not None else None)


def _div(inputs, tans, params, out):
    a, b = inputs
    ta, tb = tans
    if tb is None:
        return ta / b
    num = -out * tb if ta is None else ta - out * tb
    return num / b


def _neg(inputs, tans, params, out):
    return -tans[0]


def _mm_like(cls):
    def rule(inputs, tans, params, out):
        a, b = inputs
        ta, tb = tans
        return _plus(cls.apply(ta, b) if ta is not None else None,
                     cls.apply(a, tb) if tb is not None else None)
    return rule


def _addmm(inputs, tans, params, out):
    from .._ops.linalg.products import Mm

    c, a, b = inputs
    tc, ta, tb = tans
    alpha, beta = params.get("alpha", 1), params.get("beta", 1)
    prod = _plus(Mm.apply(ta, b) if ta is not None else None,
                 Mm.apply(a, tb) if tb is not None else None)
    return _plus(_scaled(tc, beta) if beta != 0 else None, _scaled(prod, alpha))


def _exp(inputs, tans, params, out):
    return tans[0] * out


def _log(inputs, tans, params, out):
    return tans[0] / inputs[0]


def _tanh(inputs, tans, params, out):
    return tans[0] * (1 - out * out)


def _sigmoid(inputs, tans, params, out):
    return tans[0] * (out * (1 - out))


def _relu(inputs, tans, params, out):
    from .._ops.pointwise.ternary import where

    return where(out > 0, tans[0], 0.0)


def _sqrt(inputs, tans, params, out):
    return tans[0] / (2 * out)


def _sin(inputs, tans, params, out):
    return tans[0] * inputs[0].cos()


def _cos(inputs, tans, params, out):
    return -tans[0] * inputs[0].sin()


def _softmax(inputs, tans, params, out):
    t = tans[0]
    dim = params["dim"]
    return out * (t - (out * t).sum(dim, keepdim=True))


def _log_softmax(inputs, tans, params, out):
    t = tans[0]
    dim = params["dim"]
    return t - (out.exp() * t).sum(dim, keepdim=True)


def _to_copy(inputs, tans, params, out):
    if out._data.dtype.kind not in "fc":
        return None
    return tans[0].to(out.dtype)


def _build() -> dict:
    global _RULES
    from .._ops.creation.convert import Clone, ToCopy
    from .._ops.indexing.getitem import Index
    from .._ops.join import Cat, Stack
    from .._ops.linalg.products import Addmm, Bmm, Mm, _UnsafeView
    from .._ops.nn.activation import LogSoftmax, Softmax
    from .._ops.pointwise import arith, unary
    from .._ops.reduction.sums import Mean, MeanAll, Sum, SumAll
    from .._ops.scan import Logcumsumexp
    from .._ops.shape import views

    rules: dict = {
        arith.Add: _add, arith.Sub: _sub, arith.Rsub: _rsub, arith.RsubScalar: _rsub,
        arith.Mul: _mul, arith.Div: _div, arith.Neg: _neg,
        Mm: _mm_like(Mm), Bmm: _mm_like(Bmm), Addmm: _addmm,
        unary.Exp: _exp, unary.Log: _log, unary.Tanh: _tanh, unary.Sigmoid: _sigmoid,
        unary.Relu: _relu, unary.Sqrt: _sqrt, unary.Sin: _sin, unary.Cos: _cos,
        Softmax: _softmax, LogSoftmax: _log_softmax, ToCopy: _to_copy,
        Cat: _joint(Cat), Stack: _joint(Stack), Logcumsumexp: _logcumsumexp,
    }
    for cls in (Clone, Sum, SumAll, Mean, MeanAll, Index, views.UnsafeView, _UnsafeView):
        rules[cls] = _same_op(cls)
    _RULES = rules
    return rules

