"""Graph nodes: the objects ``grad_fn`` holds, their edges, hooks and saved tensors."""

from __future__ import annotations

import itertools
import weakref

_sequence = itertools.count()

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward.")


class RemovableHandle:
    """Handle returned by ``register_*hook`` (``torch.utils.hooks.RemovableHandle``):
    ``remove()`` deletes the hook stored under ``self.id`` in ``hooks_dict`` (and in each
    ``extra_dict``); the dicts are held weakly where they allow it."""

    _ids = itertools.count()

    def __init__(self, hooks_dict: dict, *, extra_dict=None) -> None:
        self.id = next(RemovableHandle._ids)
        self._store = _store_ref(hooks_dict)
        extras = [] if extra_dict is None else (
            list(extra_dict) if isinstance(extra_dict, (list, tuple)) else [extra_dict])
        self._extras = [_store_ref(d) for d in extras]

    def remove(self) -> None:
        for ref in (self._store, *self._extras):
            store = ref()
            if store is not None:
                store.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def _store_ref(store):
    return weakref.ref(store) if _weakrefable(store) else (lambda: store)


def _weakrefable(obj) -> bool:
    try:
        weakref.ref(obj)
        return True
    except TypeError:
        return False


class HookDict(dict):
    """A dict of hooks that a RemovableHandle can reference weakly."""


class Node:
    """A backward function of the graph; its class name is what ``grad_fn=<...>`` prints.

    ``next_functions`` holds one ``(node, output_nr)`` edge per differentiable input (``(None, 0)``
    for inputs that need no gradient). ``_input_meta`` holds each input's (shape, dtype) so the
    engine can sum and cast gradients to the input, once, for every node.
    """

    next_functions: tuple = ()
    _input_meta: tuple = ()
    _n_outputs = 1
    _pre_hooks: dict | None = None
    _post_hooks: dict | None = None
    _retain: dict | None = None
    _anomaly_trace: str | None = None
    metadata: dict

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.backward(*grads)

    def register_hook(self, fn) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its gradients."""
        if self._post_hooks is None:
            self._post_hooks = HookDict()
        h = RemovableHandle(self._post_hooks)
        self._post_hooks[h.id] = fn
        return h

    def register_prehook(self, fn) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before this node computes its gradients."""
        return self._add_pre_hook(None, fn)

    def _add_pre_hook(self, output_nr, fn) -> RemovableHandle:
        if self._pre_hooks is None:
            self._pre_hooks = HookDict()
        h = RemovableHandle(self._pre_hooks)
        self._pre_hooks[h.id] = (output_nr, fn)
        return h

    def _release(self) -> None:
        """Free what was saved for backward (after a backward without retain_graph)."""


class AccumulateGrad(Node):
    """The node that adds an incoming gradient into a leaf tensor's ``.grad``."""

    def __init__(self, variable) -> None:
        self.variable = variable
        self._seq = next(_sequence)

    @property
    def _out_meta(self) -> tuple:
        return ((self.variable._data.shape, self.variable.dtype),)


_new = object.__new__
_ref = weakref.ref


# Note [weakly cached accumulator]
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# A leaf has one AccumulateGrad node for as long as any graph uses it: every op on the leaf
# gets an edge to the same node, so in one backward the leaf's gradients meet in one buffer, are
# summed there, and reach ``.grad`` (and the tensor's hooks) once, as in PyTorch. The leaf holds
# its node only through a weak reference (``tensor._acc``) while the node holds the leaf
# strongly (``variable``): no reference cycle, and once no graph holds the node it is freed and
# the next op makes a new one.
def grad_accumulator(tensor) -> AccumulateGrad:
    """The AccumulateGrad node of a leaf tensor (Note [weakly cached accumulator])."""
    ref = tensor._acc
    if ref is not None:
        acc = ref()
        if acc is not None:
            return acc
    acc = _new(AccumulateGrad)
    acc.variable = tensor
    acc._seq = next(_sequence)
    tensor._acc = _ref(acc)
    return acc


def edge_of(tensor) -> tuple:
    """The graph edge a tensor's gradient flows along: its grad_fn or its accumulator."""
    fn = tensor.grad_fn
    if fn is not None:
        return (fn, tensor._output_nr)
    if tensor._requires_grad:
        return (grad_accumulator(tensor), 0)
    return (None, 0)
