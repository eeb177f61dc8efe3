"""Forward-mode automatic differentiation (``torch.autograd.forward_ad``).

Inside a dual level, tensors may carry a tangent (``make_dual``); every op that records through
``Op.apply`` propagates it to its outputs, and ``unpack_dual`` reads it back. Outside a level
nothing is installed, so ops pay nothing (Note [tangent propagation]).

Known differences: one level at a time (torch's limit too); ops without an explicit rule take
the double-backward rule, which can give NaN at a point where the op's gradient picks a
subgradient (``norm`` at 0: torch's tangent is 0); tangents record other node names than
torch's formulas (``tangent=tensor(..., grad_fn=<MulBackward0>)`` where torch has another op).
"""

from __future__ import annotations

import re
import sys
import weakref
from collections import namedtuple

from .. import _tensor_str
from .._ops import _base, _inplace
from .._tensor import Tensor
from . import _forward_rules, function, grad_mode

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]

# Note [tangent propagation]
# ~~~~~~~~~~~~~~~~~~~~~~~~~~
# Entering a level installs ``_trace`` as the op interposer (``_ops._base._tracer``, chained with
# any interposer installed before) and a hook after in-place writes (``_ops._inplace``); leaving
# it removes both, so outside a level the cost is nil. While a level is active, the tangent of a
# tensor lives in ``_TANGENTS`` (keyed by ``id``, checked through a weak reference, dropped when
# the tensor dies; all dropped when the level ends). An op with a tangent among its inputs gets
# its output tangents from
#   * an explicit rule (``_RULES``) for the common ops: cheap, written with numtorch ops; views
#     apply the same view to the tangent, so the tangent of a view is a view of the base's;
#   * otherwise the general rule: the op's backward is itself written in numtorch ops and linear
#     in its incoming gradient ``u``, so the Jacobian-vector product is d/du <vjp(u), t>: one
#     differentiable call of the node's backward, and one backward pass through it.
# Rules run with the interposer switched off: the tangents computed are not themselves dual,
# but they record for reverse mode when the primals or tangents require grad, so gradients of
# tangents work. Three more hooks stay set while a level is active: a saved output rebuilt for a
# backward gets its output's tangent (``_ops._base._saved_output_hook``: so a gradient computed
# inside the level has a tangent, forward-over-reverse), custom ``autograd.Function``s get
# tangents from their ``jvp`` (``autograd.function._forward_hook``), and ``repr`` shows the
# tangent (``_tensor_str.tangent_suffix``).

_LEVEL: int | None = None
_TANGENTS: dict = {}
#: (id(node), output_nr) -> (weak ref to node, tangent): for outputs a backward saves
_NODE_TANGENTS: dict = {}
_outer = None
#: > 0 while a custom Function's forward or jvp runs: no tangents flow there (as in torch)
_suspended = 0


class UnpackedDualTensor(namedtuple("UnpackedDualTensor", ["primal", "tangent"])):
    """What :func:`unpack_dual` returns: the primal (a view of the dual tensor) and its tangent
    (None when it has none)."""

    __slots__ = ()


def _tangent_of(x):
    e = _TANGENTS.get(id(x))
    if e is not None and e[0]() is x:
        return e[1]
    return None


def _forget(key, ref) -> None:
    e = _TANGENTS.get(key)
    if e is not None and e[0] is ref:
        del _TANGENTS[key]


def _set_tangent(x, t) -> None:
    key = id(x)
    _TANGENTS[key] = (weakref.ref(x, lambda r, key=key: _forget(key, r)), t)
    node = x.grad_fn
    if node is not None and getattr(node, "_save", None):
        nkey = (id(node), x._output_nr)
        _NODE_TANGENTS[nkey] = (weakref.ref(node, lambda r, k=nkey: _forget_node(k, r)), t)


def _forget_node(key, ref) -> None:
    e = _NODE_TANGENTS.get(key)
    if e is not None and e[0] is ref:
        del _NODE_TANGENTS[key]


def _saved_output(node, output_nr: int, t: Tensor) -> None:
    """A saved output rebuilt for ``node``'s backward gets its output's tangent."""
    e = _NODE_TANGENTS.get((id(node), output_nr))
    if e is not None and e[0]() is node:
        _set_tangent(t, e[1])


# -- levels ------------------------------------------------------------------------------------
def enter_dual_level() -> int:
    """Start a new forward AD level and return its index (``torch``: only one at a time)."""
    global _LEVEL, _outer
    if _LEVEL is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _LEVEL = 0
    if _base._tracer is not _trace:
        _outer = _base._tracer
        _base._tracer = _trace
    _inplace._forward_hook = sys.modules[__name__]
    _tensor_str.tangent_suffix = _tangent_suffix
    _base._saved_output_hook = _saved_output
    function._forward_hook = sys.modules[__name__]
    return _LEVEL


def exit_dual_level(*, level: int | None = None) -> None:
    """Leave the forward AD level ``level`` (default: the current one); tangents are dropped."""
    global _LEVEL, _outer
    if level is None:
        level = -1 if _LEVEL is None else _LEVEL
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if level != _LEVEL:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was "
                           "created. This is not supported.")
    _LEVEL = None
    _TANGENTS.clear()
    _NODE_TANGENTS.clear()
    _base._saved_output_hook = None
    function._forward_hook = None
    _inplace._forward_hook = None
    _tensor_str.tangent_suffix = None
    if _base._tracer is _trace:
        _base._tracer = _outer
        _outer = None


class dual_level:  # noqa: N801 - torch's name
    """Context manager (or decorator) for a forward AD level: ``with dual_level(): ...``.

    Tangents made inside belong to the level and are dropped when it ends."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


def _tangent_suffix(t: Tensor):
    tangent = _tangent_of(t)
    if tangent is None:
        return None
    if tangent._data.ndim == 0:
        return f"tangent={tangent.item()}"
    return f"tangent={tangent!r}"


# -- dual tensors ------------------------------------------------------------------------------
def _alias(t: Tensor) -> Tensor:
    """A view of ``t`` with the same geometry (``ViewBackward0`` when ``t`` requires grad)."""
    saved, _base._tracer = _base._tracer, _outer
    try:
        return t.view_as(t)
    finally:
        _base._tracer = saved


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` whose tangent is ``tangent``, at the current level (as
    ``torch.autograd.forward_ad.make_dual``, with torch's errors for a missing level, non-float
    primal or tangent, a size mismatch, or a primal that already has a tangent)."""
    if level is None:
        level = -1 if _LEVEL is None else _LEVEL
    if level < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}")
    if not (tangent.is_floating_point() or tangent.is_complex()):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{tangent.dtype}")
    if level != _LEVEL:
        raise RuntimeError("Invalid level given to _make_dual")
    if _tangent_of(tensor) is not None:
        raise RuntimeError("Making a dual Tensor based on a Tensor that already has a forward "
                           f"gradient at the same level {level} is not supported.")
    if _tangent_of(tangent) is not None:
        raise RuntimeError("Setting a forward grad that itself has a forward gradient at the same "
                           f"level{level} is not supported.")
    ps, ts = tuple(tensor._data.shape), tuple(tangent._data.shape)
    if ps != ts:
        raise RuntimeError("Trying to set a forward gradient that has a different size than that "
                           "of the original Tensor, this is not supported. Tensor is of size "
                           f"[{', '.join(map(str, ps))}] while the given forward gradient is of "
                           f"size [{', '.join(map(str, ts))}].")
    arr = tensor._data
    if _inplace._overlaps(arr):
        raise RuntimeError(_inplace.OVERLAP)
    if tangent._data.strides != arr.strides and not tangent._requires_grad and arr.size:
        # the tangent takes the primal's layout, so views of both agree
        from .._backend import xp_of

        new = xp_of(arr).empty_like(arr, dtype=tangent._data.dtype)
        if new.strides == arr.strides:
            new[...] = tangent._data
            tangent = Tensor._from_array(new)
    dual = _alias(tensor)
    _set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)`` of ``tensor`` at the level: the primal is a view of ``tensor``, the
    tangent is None when it has none (as ``torch.autograd.forward_ad.unpack_dual``)."""
    if not isinstance(tensor, Tensor):
        raise TypeError("_unpack_dual(): argument 'dual' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    if level is None:
        level = -1 if _LEVEL is None else _LEVEL
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    tangent = _tangent_of(tensor) if not _suspended else None
    if level != _LEVEL:
        if tangent is not None:
            raise RuntimeError("Invalid level given to _fw_primal")
    return UnpackedDualTensor(_alias(tensor), tangent)


# -- propagation -------------------------------------------------------------------------------
def _plain(cls, inputs, params):
    saved, _base._tracer = _base._tracer, _outer
    try:
        return cls.apply(*inputs, **params)
    finally:
        _base._tracer = saved


def _trace(cls, inputs, params):
    """The interposer installed while a level is active (Note [tangent propagation])."""
    tans = None
    if _TANGENTS and not _suspended:
        get = _TANGENTS.get
        for i, x in enumerate(inputs):
            if isinstance(x, Tensor):
                e = get(id(x))
                if e is not None and e[0]() is x:
                    if tans is None:
                        tans = [None] * len(inputs)
                    tans[i] = e[1]
    if tans is None or grad_mode.state.inference:  # inference mode: no tangents (as torch)
        return _plain(cls, inputs, params)
    rule = _forward_rules.rule_for(cls)
    if rule is not None:
        out = _plain(cls, inputs, params)
        saved, _base._tracer = _base._tracer, _outer
        try:
            res = rule(inputs, tans, params, out)
        finally:
            _base._tracer = saved
        if res is _forward_rules.GENERAL:
            _general_on(cls, inputs, tans, params, out)
        else:
            _attach(cls, out, res, tans)
        return out
    return _general(cls, inputs, tans, params)


def _attach(cls, out, res, tans) -> None:
    outs = out if type(out) is tuple else (out,)
    tangents = res if type(res) is tuple else (res,)
    for o, t in zip(outs, tangents):
        if t is None or not isinstance(o, Tensor) or o._data.dtype.kind not in "fc":
            continue
        if t._data.shape != o._data.shape:
            t = t.expand(o.shape).contiguous()
        elif not cls.is_view and any(t is x for x in tans):
            t = t.clone()
        _set_tangent(o, t)


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _op_name(cls) -> str:
    base = re.sub(r"Backward\d*$", "", cls.grad_fn_name or "") or cls.__name__.lstrip("_")
    return _CAMEL.sub("_", base).lower()


def _no_forward_ad(cls) -> NotImplementedError:
    return NotImplementedError(
        f"Trying to use forward AD with {_op_name(cls)} that does not support it because it has "
        "not been implemented yet.\nPlease file an issue to PyTorch at "
        "https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml so that we "
        "can prioritize its implementation.")


def _general(cls, inputs, tans, params):
    """Run the op and give its outputs tangents by the double-backward rule."""
    state = grad_mode.state
    real_graph = state.enabled and any(isinstance(x, Tensor) and x._requires_grad
                                       for x in inputs)
    if real_graph and all(t is None or x._requires_grad for x, t in zip(inputs, tans)):
        out = _plain(cls, inputs, params)  # its node is the one to differentiate
        _jvp_into(cls, out, out if type(out) is tuple else (out,), tans, True)
        return out
    node_out = _node_forward(cls, inputs, tans, params, real_graph)
    outs = node_out if type(node_out) is tuple else (node_out,)
    if real_graph:
        # one run serves both: the dual inputs that do not require grad were stand-in leaves;
        # once the tangents are computed, the node forgets its edges to them
        _jvp_into(cls, node_out, outs, tans, True)
        for o in outs:
            node = o.grad_fn
            if node is not None:
                node.next_functions = tuple(
                    _base._NO_EDGE if t is not None and not x._requires_grad else e
                    for e, x, t in zip(node.next_functions, inputs, tans))
                break
        return node_out
    res = tuple([_base._wrap(o._data) for o in outs])
    if cls.is_view:
        _base._share_version(res, inputs[0])
    _jvp_into(cls, node_out, res, tans, False)
    return res if type(node_out) is tuple else res[0]


def _general_on(cls, inputs, tans, params, out) -> None:
    """Tangents for ``out`` (already computed by the op) by the double-backward rule."""
    outs = out if type(out) is tuple else (out,)
    enabled = grad_mode.state.enabled
    real_graph = enabled and any(isinstance(x, Tensor) and x._requires_grad for x in inputs)
    node_out = None
    if real_graph and all(t is None or x._requires_grad for x, t in zip(inputs, tans)):
        for o in outs:
            if isinstance(o, Tensor) and o.grad_fn is not None:
                node_out = out
                break
    if node_out is None:
        node_out = _node_forward(cls, inputs, tans, params, real_graph)
    _jvp_into(cls, node_out, outs, tans, real_graph)


def _node_forward(cls, inputs, tans, params, keep_graph: bool):
    """The op run on inputs whose dual ones require grad (so it makes a graph node): each dual
    input is itself when it already requires grad (and ``keep_graph``), else a detached leaf."""
    node_inputs = list(inputs)
    for i, t in enumerate(tans):
        if t is None:
            continue
        x = inputs[i]
        if not (keep_graph and x._requires_grad):
            a = _base._wrap(x._data)
            a._requires_grad = True
            a._version_box = x._version_box
            a._base = x._base if x._base is not None else x
            node_inputs[i] = a
    state = grad_mode.state
    prev = state.enabled
    state.enabled = True
    try:
        return _plain(cls, node_inputs, params)
    finally:
        state.enabled = prev


def _jvp_into(cls, node_out, outs, tans, real_graph: bool) -> None:
    from .._backend import xp_of
    from .engine import _fit, run_backward

    nouts = node_out if type(node_out) is tuple else (node_out,)
    node = None
    for o in nouts:
        if isinstance(o, Tensor) and o.grad_fn is not None:
            node = o.grad_fn
            break
    if node is None:
        return
    state = grad_mode.state
    user_grad = state.enabled
    need_graph = user_grad and (real_graph or any(t is not None and t._requires_grad
                                                  for t in tans))
    us = []
    for (shape, dtype), o in zip(node._out_meta, nouts):
        u = Tensor._from_array(xp_of(o._data).ones(shape, dtype) if o.grad_fn is node
                               else xp_of(o._data).zeros(shape, dtype))
        if o.grad_fn is node:
            u._requires_grad = True
        us.append(u)
    state.enabled = True
    try:
        try:
            grads = node.backward(*us)
        except RuntimeError as e:
            aten = getattr(node, "aten", None)
            if aten is not None:  # an op torch records as not differentiable
                raise NotImplementedError(f"Trying to use forward AD with aten::{aten} that "
                                          "does not support it.") from None
            if "not implemented" in str(e) or "derivative for" in str(e):
                raise _no_forward_ad(cls) from None
            raise
        if type(grads) is not tuple:
            grads = (grads,)
        total = None
        for i, t in enumerate(tans):
            if t is None or i >= len(grads) or grads[i] is None:
                continue
            g = _fit(grads[i], node._input_meta[i])
            if not g._requires_grad:
                if bool((g._data != 0).any()):
                    raise _no_forward_ad(cls)
                continue
            # Re <B(u), t> has gradient J t in u (torch's conjugate convention for complex)
            term = (g.conj() * t).sum() if g.is_complex() else (g * t).sum()
            if term.is_complex():
                term = term.real
            total = term if total is None else total + term
    finally:
        state.enabled = user_grad
    diff = [u for u in us if u._requires_grad]
    if total is not None and total._requires_grad:
        seed = Tensor._from_array(xp_of(total._data).ones((), total._data.dtype))
        jv = run_backward([total], [seed], False, need_graph, inputs=diff, accumulate=False,
                          allow_unused=True)
    else:
        jv = [None] * len(diff)
    k = 0
    for u, out in zip(us, outs):
        if not u._requires_grad:
            continue
        j = jv[k]
        k += 1
        if not isinstance(out, Tensor) or out._data.dtype.kind not in "fc":
            continue
        if j is None:
            j = Tensor._from_array(xp_of(out._data).zeros(out._data.shape, out._data.dtype))
        elif not need_graph and j._requires_grad:
            j = j.detach()
        _set_tangent(out, j)


# -- custom Functions (``autograd.function`` calls these while a level is active) ----------------
def enter(args):
    """Before a custom Function's forward: the tangents of its arguments (None when none has
    one); tangents stop flowing until ``leave``."""
    global _suspended
    tangents = None
    if _TANGENTS and not _suspended and not grad_mode.state.inference:
        tangents = [_tangent_of(a) if isinstance(a, Tensor) else None for a in args]
        if all(t is None for t in tangents):
            tangents = None
    _suspended += 1
    return tangents


def leave() -> None:
    global _suspended
    _suspended -= 1


def attach(cls, ctx, tangents, out) -> None:
    """The output tangents of a custom Function from its ``jvp`` (torch's error without one);
    ``ctx.saved_tensors`` gives what ``save_for_forward`` kept."""
    global _suspended
    forward_saved = getattr(ctx, "saved_for_forward", None)
    kept = ctx.__dict__.get("_to_save")
    if forward_saved is not None:
        ctx._to_save = forward_saved
    _suspended += 1
    try:
        res = cls.jvp(ctx, *tangents)
    finally:
        _suspended -= 1
        if forward_saved is not None:
            if kept is None:
                del ctx._to_save
            else:
                ctx._to_save = kept
    outs = out if isinstance(out, tuple) else (out,)
    res = res if isinstance(res, tuple) else (res,)
    for o, t in zip(outs, res):
        if isinstance(o, Tensor) and isinstance(t, Tensor) and o._data.dtype.kind in "fc":
            _set_tangent(o, t)


# -- in-place writes ---------------------------------------------------------------------------
def inplace_start(self: Tensor, snapshot: Tensor) -> None:
    """An in-place op on ``self`` computes from ``snapshot`` (its old value): same tangent."""
    t = _tangent_of(self)
    if t is not None:
        if t._requires_grad:  # the update writes into t: its history must not save t itself
            saved, _base._tracer = _base._tracer, _outer
            try:
                t = t.clone()
            finally:
                _base._tracer = saved
        _set_tangent(snapshot, t)


def inplace_done(self: Tensor, res: Tensor) -> None:
    """After ``self`` took ``res``'s values in place: ``self``'s tangent takes ``res``'s (a view
    of a non-dual base first gives the base a zero tangent, so the write shows there too)."""
    tr = _tangent_of(res)
    ts = _tangent_of(self)
    if tr is None and ts is None:
        return
    if ts is None:
        ts = _view_tangent(self)
        if ts is None:
            _set_tangent(self, tr)
            return
    if tr is None:
        ts._data[...] = 0
    elif tr._requires_grad or ts._requires_grad:
        saved, _base._tracer = _base._tracer, _outer
        try:
            ts.copy_(tr)  # recorded: the tangent stays differentiable
        except RuntimeError:  # a user's tangent that is a leaf requiring grad: replaced
            _set_tangent(self, tr)
            return
        finally:
            _base._tracer = saved
        return
    else:
        ts._data[...] = tr._data
    ts._version_box[0] += 1


def _view_tangent(view: Tensor):
    """A zero tangent for the view ``view`` that is a view of its base's tangent (made zero when
    the base has none), or None when ``view`` is no view or the geometry can't be mirrored."""
    from .._backend import element_offset, xp_of
    from .._ops.indexing.strided import AsStrided

    base = view._base
    if base is None or not base._data.flags.c_contiguous:
        return None
    bt = _tangent_of(base)
    if bt is None:
        arr = base._data
        bt = Tensor._from_array(xp_of(arr).zeros(arr.shape, arr.dtype))
        _set_tangent(base, bt)
    if not bt._data.flags.c_contiguous or bt._data.base is not None:
        return None
    v = view._data
    item = v.itemsize
    if any(s < 0 or s % item for s in v.strides):
        return None
    saved, _base._tracer = _base._tracer, _outer
    try:
        t = AsStrided.apply(bt, size=tuple(v.shape), stride=tuple(s // item for s in v.strides),
                            offset=element_offset(v, base._data) if v.size else 0)
    finally:
        _base._tracer = saved
    t._data[...] = 0
    _set_tangent(view, t)
    return t
