"""The backward walk: runs graph nodes in dependency order, accumulating gradients.

The invariants the walk relies on are written where they live, as named notes:
``Note [creation-order heap]``, ``Note [dependency counting]``, ``Note [grad mode in backward]``,
``Note [gradient fitting]`` and ``Note [gradient buffer stealing]``.
"""

from __future__ import annotations

import heapq
import sys

from .._backend import xp_of
from .._tensor import Tensor
from . import anomaly_mode, grad_mode
from .grad_mode import backward_builds_graph
from .graph import AccumulateGrad, GradientEdge, GraphTask, _tasks, edge_of

# Note [gradient fitting]
# ~~~~~~~~~~~~~~~~~~~~~~~
# A node's backward may return a gradient in the broadcast shape of its forward, or in another
# dtype than its input's. Ops do not fix that themselves: for every edge the engine compares the
# gradient with the input's (shape, dtype) recorded in ``_input_meta`` at forward time and, only
# when they differ, sums the broadcast dims away and casts (``_fit``). This holds because every
# node records one ``_input_meta`` entry per edge, next to ``next_functions``. Under
# create_graph the fitting uses numtorch ops, so it is differentiable too.


def _sum_to(grad, shape):
    """Sum a broadcast-shaped gradient down to ``shape`` (with numtorch ops: differentiable)."""
    gshape = grad._data.shape
    if gshape == shape:
        return grad
    nd = len(gshape) - len(shape)
    dims = list(range(nd))
    for i, s in enumerate(shape):
        if s == 1 and gshape[nd + i] != 1:
            dims.append(nd + i)
    if dims and not backward_builds_graph() and grad._data.dtype.kind in "fcV":
        # no graph to record: the same array sum Sum's forward runs, without the op around it
        arr = grad._data.sum(axis=tuple(dims), keepdims=True)
        return Tensor._from_array(arr.reshape(shape) if arr.shape != shape else arr)
    if dims:
        grad = grad.sum(dim=tuple(dims), keepdim=True)
    if nd:
        grad = grad.reshape(shape)
    elif grad._data.shape != shape:
        grad = grad.reshape(shape)
    return grad


def _fit(grad, meta):
    """``grad`` summed to the input's shape and cast to its dtype (Note [gradient fitting])."""
    shape, dtype = meta
    if grad._data.shape != shape:
        grad = _sum_to(grad, shape)
    if grad._data.dtype != dtype.np:
        grad = grad.to(dtype)
    return grad


def _call_pre_hooks(node, grads):
    for output_nr, fn in list(node._pre_hooks.values()):
        if output_nr is None:
            res = fn(tuple(grads))
            if res is not None:
                grads = list(res)
        elif grads[output_nr] is not None:
            res = fn(grads[output_nr])
            if res is not None:
                grads[output_nr] = res
    return grads


# Note [gradient buffer stealing]
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# When a leaf's ``.grad`` is None, PyTorch's AccumulateGrad takes the incoming gradient over
# instead of copying it, provided nothing else references it. We do the same and decide
# "nothing else references it" with ``sys.getrefcount`` (``_owned_array``): the gradient Tensor
# may be referenced only from where the engine knows (the buffer list ``grads``, the loop
# variable ``g``, the call's argument), and its array (for a view: the base array and the base
# Tensor too) only along the chain that leads to it. Why the counts are exact:
# * CPython before 3.14 counts every reference, local variables included (``_COUNTS_REFS``);
#   3.14 may borrow stack references without counting them, so there the check is off and the
#   gradient is always copied.
# * ``run_backward`` drops every per-step local at the end of each step (``grads = in_grads =
#   g = ... = None``), so no stale local of an earlier node adds to the count; a gradient
#   saved by another node, kept by a hook or a retained ``.grad``, or held by the caller (a seed
#   gradient passed to ``backward``) shows up as an extra reference.
# The check errs one way only: an unexpected reference means a copy (correct, only slower), and
# an array that is taken over is one nobody else can observe, so ``x.grad`` never aliases
# another tensor (tests/autograd/test_engine_fast_paths.py). It must also have the leaf's
# strides (PyTorch's layout contract), else it is copied into a new array all the same.
_COUNTS_REFS = sys.implementation.name == "cpython" and sys.version_info < (3, 14)


def _owned_array(grad, extra: int):
    """``grad``'s array when nothing but ``grad`` can reach its memory (so ``.grad`` may take
    it over: Note [gradient buffer stealing]), else None.

    ``extra`` is the number of references to ``grad`` the caller knows about. A view (``w.t()``
    of a fresh product) qualifies when its base tensor and base array are held by it alone.
    """
    rc = sys.getrefcount
    if not _COUNTS_REFS or rc(grad) != extra + 1:
        return None
    arr = grad._data
    if rc(arr) != 3:  # grad._data, arr, the argument
        return None
    base = arr.base
    if base is None:
        return arr if grad._base is None else None
    if base.__class__ is not arr.__class__ or base.base is not None:
        return None
    holders = 1  # arr.base
    owner = grad._base
    if owner is not None:
        if rc(owner) != 3:  # grad._base, the local, the argument
            return None
        oarr = owner._data
        if oarr is not base and (oarr.base is not base or rc(oarr) != 3):
            return None
        holders = 2
        oarr = None
    owner = None
    return arr if rc(base) == holders + 2 else None  # + the local, the argument


def _accumulate(node, grad, create_graph, owned=None):
    """Add ``grad`` into the leaf's ``.grad``; ``owned``: its array, when nothing else holds it."""
    var = node.variable
    if var._hooks:
        owned = None
        for fn in list(var._hooks.values()):
            res = fn(grad)
            if res is not None:
                grad = res
    if var._grad is None and create_graph:
        var._grad = grad
    elif var._grad is None:
        # torch's layout contract: the gradient gets the parameter's strides; it never aliases
        # memory something else can reach
        arr = grad._data
        if owned is None or arr.strides != var._data.strides:
            dst = _empty_like(var._data)
            dst[...] = arr
            arr = dst
        var._grad = Tensor._from_array(arr)
    elif create_graph:
        var._grad = var._grad + grad
    else:
        var._grad._data += grad._data
        var._grad._version_box[0] += 1
    post = var.__dict__.get("_post_accumulate_hooks")
    if post:
        for fn in list(post.values()):
            fn(var)


def _empty_like(arr):
    """An uninitialised array with ``arr``'s strides when it is dense, else C-contiguous."""
    xp = xp_of(arr)
    if arr.flags.c_contiguous or not arr.flags.f_contiguous:
        return xp.empty(arr.shape, arr.dtype)
    return xp.empty(arr.shape, arr.dtype, order="F")


def run_backward(roots, grad_roots, retain_graph: bool, create_graph: bool, inputs=None,
                 accumulate: bool = True, allow_unused: bool = False):
    """Run backward from ``roots`` with seed gradients ``grad_roots``.

    With ``accumulate`` the gradients of leaves go to ``.grad`` (``backward``); otherwise the
    gradients reaching ``inputs`` are returned (``autograd.grad``). Nodes run in PyTorch's order:
    of the nodes whose gradients are complete, the most recently created first.
    """
    # Note [dependency counting]
    # ~~~~~~~~~~~~~~~~~~~~~~~~~~
    # ``deps[node]`` is the number of edges into ``node`` from nodes reachable from the roots.
    # Every node that is popped (run or skipped) decrements the count of each of its edges once,
    # whether or not it produced a gradient there, so a node becomes ready exactly when all of
    # its consumers are done: its gradient buffer then holds the complete sum, and no node runs
    # twice. Nodes not reachable from the roots are never counted, so they hold nothing back.
    # capture targets: (node, output_nr) -> position in inputs
    targets = {}
    if inputs is not None:
        for k, t in enumerate(inputs):
            edge = (t[0], t[1]) if t.__class__ is GradientEdge else edge_of(t)
            if edge[0] is None:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets.setdefault(edge, []).append(k)
    target_nodes = {e[0] for e in targets}

    # dependency count of every node reachable from the roots
    deps: dict = {}
    stack = []
    for r in roots:
        fn = r.grad_fn if r.grad_fn is not None else edge_of(r)[0]
        if fn is not None and fn not in deps:
            deps[fn] = 0
            stack.append(fn)
    order = stack[:] if inputs is not None else None
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            n = deps.get(nxt)
            if n is None:
                deps[nxt] = 1
                stack.append(nxt)
                if order is not None:
                    order.append(nxt)
            else:
                deps[nxt] = n + 1

    # with inputs given, only nodes on a path to a target need to run
    needed = None
    if inputs is not None:
        needed = set()
        # ascending _seq is a topological order (Note [creation-order heap])
        for node in sorted(order, key=_seq_of):
            if node in target_nodes or any(n in needed for n, _ in node.next_functions
                                           if n is not None):
                needed.add(node)

    buffers: dict = {}
    for r, g in zip(roots, grad_roots):
        node, nr = edge_of(r)
        if node is None:
            continue
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    # Note [creation-order heap]
    # ~~~~~~~~~~~~~~~~~~~~~~~~~~
    # Every node draws its ``_seq`` from the one counter ``graph._sequence`` when it is created,
    # after the nodes its edges point to exist (``Op._connect``, ``grad_accumulator``,
    # ``Function.apply``, CopySlices in ``_ops/_inplace.py``). So ``_seq`` is unique and a node's
    # is larger than that of every node it sends gradients to: ascending ``_seq`` is a
    # topological order. ``ready`` is a heap of the nodes whose dependencies are all done (Note
    # [dependency counting]) keyed by ``-_seq``: the most recently created ready node runs first,
    # as in PyTorch (whose ready queue is ordered by sequence number). Users observe this order:
    # it is the order hooks fire and gradients are summed into a buffer (floating-point sums are
    # not associative). ``id(node)`` only keeps tuples from comparing nodes; it never decides.
    ready = [(-node._seq, id(node), node) for node in buffers if deps.get(node, 0) == 0]
    heapq.heapify(ready)

    captured = [None] * (len(inputs) if inputs is not None else 0)
    # Note [grad mode in backward]
    # ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    # Backward runs with grad mode set to ``create_graph`` (restored on exit, also on error).
    # So inside a node's backward "grad mode is on" means exactly "the gradients must be built
    # from recorded ops": ``grad_mode.backward_builds_graph()``, which ops ask to choose between
    # a differentiable backward and a plain array one.
    prev = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    pop, push = heapq.heappop, heapq.heappush
    _tasks.append(GraphTask(deps, needed, accumulate))
    try:
        while ready:
            node = pop(ready)[2]
            grads = buffers.pop(node, None) or [None] * node._n_outputs
            if node._pre_hooks:
                grads = _call_pre_hooks(node, grads)
            if node._retain:
                _retain(node, grads, create_graph)
            if targets and node in target_nodes:
                _capture(node, grads, targets, captured)
            if node.__class__ is AccumulateGrad:
                if accumulate and grads[0] is not None and (inputs is None or node in target_nodes):
                    g = grads[0]
                    # references to g known here: grads, g, the call's argument (Note
                    # [gradient buffer stealing])
                    owned = None if create_graph else _owned_array(g, 3)
                    _accumulate(node, g, create_graph, owned)
                grads = g = owned = None
                continue
            if needed is not None and (node not in needed or not any(
                    n in needed for n, _ in node.next_functions if n is not None)):
                ran = False
            else:
                ran = False
                for g in grads:
                    if g is not None:
                        ran = True
                        break
            if not ran:
                in_grads = (None,) * len(node.next_functions)
            else:
                if node._n_outputs > 1 and any(x is None for x in grads):
                    grads = _materialize(node, grads)
                in_grads = node.backward(*grads)
                if type(in_grads) is not tuple:
                    in_grads = (in_grads,)
                if anomaly_mode._enabled:
                    _check_nan(node, in_grads)
            if node._post_hooks:
                for fn in list(node._post_hooks.values()):
                    res = fn(in_grads, tuple(grads))
                    if res is not None:
                        in_grads = tuple(res)
            if ran and not retain_graph:
                node._release()
            for (nxt, nr), g, meta in zip(node.next_functions, in_grads, node._input_meta):
                if nxt is None:
                    continue
                if g is not None:
                    arr = g._data
                    if arr.shape != meta[0] or arr.dtype != meta[1].np:
                        g = _fit(g, meta)
                    buf = buffers.get(nxt)
                    if buf is None:
                        if nxt._n_outputs == 1:
                            buffers[nxt] = [g]
                        else:
                            buf = buffers[nxt] = [None] * nxt._n_outputs
                            buf[nr] = g
                    else:
                        buf[nr] = g if buf[nr] is None else buf[nr] + g
                n = deps[nxt] - 1
                deps[nxt] = n
                if n == 0:
                    push(ready, (-nxt._seq, id(nxt), nxt))
            # drop this step's references (Note [gradient buffer stealing])
            grads = in_grads = g = arr = buf = None
    finally:
        grad_mode.state.enabled = prev
        _tasks.pop()

    if inputs is not None and not allow_unused:
        for k, g in enumerate(captured):
            if g is None:
                raise RuntimeError(
                    f"The differentiated Tensor at index {k} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
    return captured


def _retain(node, grads, create_graph) -> None:
    for nr, ref in node._retain.items():
        t = ref()
        if t is not None and grads[nr] is not None:
            g = grads[nr] if create_graph else grads[nr].detach()
            t._grad = g.clone() if t._grad is None else t._grad + g


def _capture(node, grads, targets, captured) -> None:
    for nr in range(node._n_outputs):
        for k in targets.get((node, nr), ()):
            g = grads[nr]
            if isinstance(node, AccumulateGrad) and g is not None and node.variable._hooks:
                for fn in list(node.variable._hooks.values()):
                    res = fn(g)
                    if res is not None:
                        g = res
            captured[k] = g


def _seq_of(node):
    return node._seq


def _materialize(node, grads):
    """Zeros for the outputs of a multi-output node that got no gradient (one did: the node
    runs only then)."""
    xp = xp_of(next(g for g in grads if g is not None)._data)
    out = []
    for g, (shape, dtype) in zip(grads, node._out_meta):
        if g is None:
            g = Tensor._from_array(xp.zeros(shape, dtype))
        out.append(g)
    return out


def _check_nan(node, in_grads):
    if not anomaly_mode._check_nan:
        return
    for i, g in enumerate(in_grads):
        if g is not None and g._data.dtype.kind in "fcV" and bool((g._data != g._data).any()):
            anomaly_mode.report(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
