"""The backward walk: runs graph nodes in dependency order, accumulating gradients."""

from __future__ import annotations

import heapq

from . import anomaly_mode, grad_mode
from .graph import AccumulateGrad, edge_of


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
    if dims:
        grad = grad.sum(dim=tuple(dims), keepdim=True)
    if nd:
        grad = grad.reshape(shape)
    elif grad._data.shape != shape:
        grad = grad.reshape(shape)
    return grad


def _fit(grad, meta):
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


def _accumulate(node, grad, create_graph):
    var = node.variable
    for fn in list(var._hooks.values()) if var._hooks else ():
        res = fn(grad)
        if res is not None:
            grad = res
    if var._grad is None:
        if create_graph:
            var._grad = grad
        else:
            g = grad.detach()
            # keep the layout of the parameter and never alias another tensor's storage
            if g._data.base is not None or not g._data.flags.c_contiguous or g._base is not None:
                g = g.clone()
            var._grad = g
    elif create_graph:
        var._grad = var._grad + grad
    else:
        var._grad._data += grad._data
        var._grad._version_box[0] += 1


def run_backward(roots, grad_roots, retain_graph: bool, create_graph: bool, inputs=None,
                 accumulate: bool = True, allow_unused: bool = False):
    """Run backward from ``roots`` with seed gradients ``grad_roots``.

    With ``accumulate`` the gradients of leaves go to ``.grad`` (``backward``); otherwise the
    gradients reaching ``inputs`` are returned (``autograd.grad``).
    """
    # capture targets: (node, output_nr) -> position in inputs
    targets = {}
    if inputs is not None:
        for k, t in enumerate(inputs):
            edge = edge_of(t)
            if edge[0] is None:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets.setdefault(edge, []).append(k)
    target_nodes = {e[0] for e in targets}

    # dependency count of every node reachable from the roots
    deps: dict = {}
    seen = set()
    stack = []
    for r in roots:
        fn = r.grad_fn if r.grad_fn is not None else edge_of(r)[0]
        if fn is not None and fn not in seen:
            seen.add(fn)
            stack.append(fn)
    order = []
    while stack:
        node = stack.pop()
        order.append(node)
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)

    # with inputs given, only nodes on a path to a target need to run
    needed = None
    if inputs is not None:
        needed = set()
        # a child is always created before its parent, so ascending _seq is a topological order
        for node in sorted(order, key=_seq_of):
            if node in target_nodes or any(n in needed for n, _ in node.next_functions
                                           if n is not None):
                needed.add(node)

    buffers: dict = {}
    ready = []
    for r, g in zip(roots, grad_roots):
        node, nr = edge_of(r)
        if node is None:
            continue
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    for node in buffers:
        if deps.get(node, 0) == 0:
            heapq.heappush(ready, (-node._seq, id(node), node))

    captured = [None] * (len(inputs) if inputs is not None else 0)
    prev = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while ready:
            _, _, node = heapq.heappop(ready)
            grads = buffers.pop(node, None) or [None] * node._n_outputs
            if node._pre_hooks:
                grads = _call_pre_hooks(node, grads)
            if node._retain:
                for nr, ref in node._retain.items():
                    t = ref()
                    if t is not None and grads[nr] is not None:
                        g = grads[nr] if create_graph else grads[nr].detach()
                        t._grad = g.clone() if t._grad is None else t._grad + g
            if targets and node in target_nodes:
                for nr in range(node._n_outputs):
                    for k in targets.get((node, nr), ()):
                        g = grads[nr]
                        if (isinstance(node, AccumulateGrad) and g is not None
                                and node.variable._hooks):
                            for fn in list(node.variable._hooks.values()):
                                res = fn(g)
                                if res is not None:
                                    g = res
                        captured[k] = g
            if isinstance(node, AccumulateGrad):
                if accumulate and grads[0] is not None and (inputs is None or node in target_nodes):
                    _accumulate(node, grads[0], create_graph)
                continue
            skip = needed is not None and (node not in needed or not any(
                n in needed for n, _ in node.next_functions if n is not None))
            ran = not (skip or all(g is None for g in grads))
            if not ran:
                in_grads = (None,) * len(node.next_functions)
            else:
                if node._n_outputs > 1 and any(g is None for g in grads):
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
            if not retain_graph and ran:
                node._release()
            for (nxt, nr), g, meta in zip(node.next_functions, in_grads, node._input_meta):
                if nxt is None:
                    continue
                if g is not None:
                    g = _fit(g, meta)
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt._n_outputs
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    heapq.heappush(ready, (-nxt._seq, id(nxt), nxt))
    finally:
        grad_mode.state.enabled = prev

    if inputs is not None and not allow_unused:
        for k, g in enumerate(captured):
            if g is None:
                raise RuntimeError(
                    f"The differentiated Tensor at index {k} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
    return captured


def _seq_of(node):
    return node._seq


def _materialize(node, grads):
    from .._tensor import Tensor

    out = []
    for g, (shape, dtype) in zip(grads, node._out_meta):
        if g is None:
            import numpy

            g = Tensor._from_array(numpy.zeros(shape, dtype))
        out.append(g)
    return out


def _check_nan(node, in_grads):
    if not anomaly_mode._check_nan:
        return
    for i, g in enumerate(in_grads):
        if g is not None and g._data.dtype.kind in "fc" and bool((g._data != g._data).any()):
            anomaly_mode.report(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
