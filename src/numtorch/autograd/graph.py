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


# -- node introspection -------------------------------------------------------------------------
def _node_metadata(self) -> dict:
    """A dict for the user's own notes on this node (``Node.metadata``)."""
    d = self.__dict__.get("_metadata")
    if d is None:
        d = self.__dict__["_metadata"] = {}
    return d


def _node_sequence_nr(self) -> int:
    return self._seq


def _saved_attribute(key: str):
    """``grad_fn._saved_<key>``: what an op saved for backward, read as ``saved_tensors`` reads
    it (unpack hooks, the freed-graph error). Only PyTorch's generic names are known (``self``
    and ``other`` for the inputs of a unary or binary op, ``result`` for output 0); a node
    without such an entry has no such attribute. numtorch saves both operands of a binary op
    where PyTorch may save one."""

    def get(self):
        if hasattr(type(self), "_saved_refs"):
            n_in = len(self.next_functions)
            for pos, entry in enumerate(self._save if self._save else ()):
                if entry >= 0:
                    label = {0: "self", 1: "other"}.get(entry) if n_in <= 2 else None
                else:
                    label = "result" if ~entry == 0 else None
                if label == key:
                    refs = self._saved_refs
                    if refs is not None and refs[pos][0] == "hook":
                        return refs[pos][1].unpack()  # this entry only: other hooks stay unrun
                    return self.saved_tensors[pos]
            if getattr(type(self), "_saves_operands_as_needed", False) and key in ("self",
                                                                                  "other"):
                return None  # an operand this node does not keep, as PyTorch reports it
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '_saved_{key}'")
    return property(get)


Node.metadata = property(_node_metadata)
Node._sequence_nr = _node_sequence_nr
Node._saved_self = _saved_attribute("self")
Node._saved_other = _saved_attribute("other")
Node._saved_result = _saved_attribute("result")


# -- saved-tensor hooks ---------------------------------------------------------------------------
# Note [saved-tensor hooks]
# ~~~~~~~~~~~~~~~~~~~~~~~~~
# ``_hook_stack`` holds the active (pack, unpack) pairs, innermost last; only the innermost
# applies, as in PyTorch. Ops consult it once, only when they save something (``Op._connect``,
# ``Function.apply``): with no hook installed the cost is one truthiness test of a list. A saved
# tensor then becomes a ``SavedHooked`` holding what pack returned; ``saved_tensors`` calls
# unpack each time it is read. As in PyTorch, a hooked tensor skips the in-place version check
# (the hook decides what is kept) and pack runs with grad mode off.
_hook_stack: list = []
#: the message ``disable_saved_tensors_hooks`` raises with, while it is active
_disabled_message: list = []
#: the version box of a hooked entry: never checked against in-place writes
_UNVERSIONED = [0]


class SavedHooked:
    """A tensor saved for backward through a pack hook: ``unpack()`` gives it back."""

    __slots__ = ("packed", "unpack_hook")

    def __init__(self, tensor, hooks) -> None:
        from . import grad_mode

        pack, self.unpack_hook = hooks
        prev = grad_mode.state.enabled
        grad_mode.state.enabled = False
        try:
            self.packed = pack(tensor)
        finally:
            grad_mode.state.enabled = prev

    def unpack(self):
        from .._tensor import Tensor

        res = self.unpack_hook(self.packed)
        if not isinstance(res, Tensor):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got "
                            f"result of type {type(res).__name__}")
        return res


def pack_saved_refs(refs: list, results) -> list:
    """Route an op's saved entries through the innermost pack hook (Note [saved-tensor hooks]).

    ``refs`` are ``Op._connect``'s ``(kind, obj, box, version, idx)`` entries; Tensor inputs and
    outputs become ``("hook", SavedHooked, [0], 0, idx)`` (no version check, as in PyTorch);
    constants stay as they are."""
    from .._tensor import Tensor

    hooks = _hook_stack[-1]
    out = []
    for kind, obj, box, version, idx in refs:
        if kind == "in" and not isinstance(obj, Tensor):
            out.append((kind, obj, box, version, idx))
            continue
        tensor = obj if kind == "in" else results[idx]
        out.append(("hook", SavedHooked(tensor, hooks), _UNVERSIONED, 0, idx))
    return out


class saved_tensors_hooks:  # noqa: N801 - torch's name
    """Context manager installing ``pack_hook``/``unpack_hook`` for tensors saved for backward
    (``torch.autograd.graph.saved_tensors_hooks``).

    ``pack_hook(tensor)`` runs when an op saves a tensor (grad mode off); what it returns is
    kept instead of the tensor, and ``unpack_hook(packed)`` must give back a Tensor each time
    backward reads it. Nested contexts: the innermost applies. Saved tensors an op keeps as
    plain arrays on itself (rather than through ``saved_tensors``) are not routed through hooks.
    """

    def __init__(self, pack_hook, unpack_hook) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled_message:
            raise RuntimeError(_disabled_message[-1])
        _hook_stack.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc) -> None:
        _hook_stack.pop()


class save_on_cpu(saved_tensors_hooks):  # noqa: N801 - torch's name
    """Saved tensors are kept on the CPU and moved back to their device on unpack
    (``torch.autograd.graph.save_on_cpu``). As in PyTorch, a CPU tensor is kept as it is
    unless ``pin_memory`` asks for a (pinned) copy; pinning itself has no effect here."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack(tensor):
            packed = tensor.to("cpu")
            if pin_memory and packed._data is tensor._data:
                packed = packed.detach().clone()
            return (tensor.device, packed)

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)

        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:  # noqa: N801 - torch's name
    """While active, installing saved-tensor hooks raises ``RuntimeError(error_message)``, and
    so does entering it while hooks are installed
    (``torch.autograd.graph.disable_saved_tensors_hooks``)."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        if _hook_stack:
            raise RuntimeError(self.error_message)
        _disabled_message.append(self.error_message)

    def __exit__(self, *exc) -> None:
        _disabled_message.pop()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with disable_saved_tensors_hooks(self.error_message):
                return fn(*args, **kwargs)
        return wrapper


class _AllowMutationOnSavedContext:
    """The object ``allow_mutation_on_saved_tensors`` yields; ``active`` while it is open."""

    def __init__(self) -> None:
        self.active = True


_mutation_context: list = []


class allow_mutation_on_saved_tensors:  # noqa: N801 - torch's name
    """Tensors saved for backward inside this context may be modified in place afterwards:
    backward sees the values they had when saved
    (``torch.autograd.graph.allow_mutation_on_saved_tensors``).

    numtorch keeps a copy of every tensor saved inside the context (PyTorch copies lazily, on
    the first in-place write): same gradients, more memory. Backward through such a graph after
    the context closed raises PyTorch's AssertionError.
    """

    def __enter__(self) -> _AllowMutationOnSavedContext:
        if _mutation_context:
            raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
        ctx = _AllowMutationOnSavedContext()

        def pack(tensor):
            return tensor.detach().clone()

        def unpack(saved):
            if not ctx.active:
                raise AssertionError("Trying to backward outside of the "
                                     "'allow_mutation_on_saved_tensors' contextin which the graph "
                                     "was originally recorded.")
            return saved

        self._hooks = saved_tensors_hooks(pack, unpack)
        self._hooks.__enter__()
        _mutation_context.append(ctx)
        return ctx

    def __exit__(self, *exc) -> None:
        ctx = _mutation_context.pop()
        ctx.active = False
        self._hooks.__exit__(*exc)


def increment_version(tensor) -> None:
    """Bump the in-place version counter of a tensor or of each tensor of an iterable
    (``torch.autograd.graph.increment_version``)."""
    from .._tensor import Tensor

    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._version_box[0] += 1


# -- gradient edges and multi-tensor hooks ---------------------------------------------------------
class GradientEdge(tuple):
    """``(node, output_nr)``: where a tensor's gradient enters the graph
    (``torch.autograd.graph.GradientEdge``); ``autograd.grad`` accepts it as an input."""

    __slots__ = ()
    _fields = ("node", "output_nr", "ownership_token")

    def __new__(cls, node, output_nr: int, ownership_token=None):
        return tuple.__new__(cls, (node, output_nr, ownership_token))

    node = property(lambda self: self[0])
    output_nr = property(lambda self: self[1])
    ownership_token = property(lambda self: self[2])

    def __repr__(self) -> str:
        return (f"GradientEdge(node={self[0]!r}, output_nr={self[1]!r}, "
                f"ownership_token={self[2]!r})")


def get_gradient_edge(tensor) -> GradientEdge:
    """The edge a tensor's gradient flows along (``torch.autograd.graph.get_gradient_edge``)."""
    if not tensor._requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does "
                           "not require gradients")
    return GradientEdge(*edge_of(tensor))


class GraphTask:
    """One running backward, as hooks see it: the nodes it reaches (``deps``), the subset it
    runs when ``inputs`` were given (``needed``, else None), and whether it accumulates into
    ``.grad`` (``backward``) or returns gradients (``autograd.grad``)."""

    __slots__ = ("deps", "needed", "accumulate", "__weakref__")

    def __init__(self, deps, needed, accumulate) -> None:
        self.deps = deps
        self.needed = needed
        self.accumulate = accumulate


#: the backward runs in progress, innermost last (pushed and popped by ``engine.run_backward``)
_tasks: list = []


def _will_execute(node) -> bool:
    """Whether the running backward will run ``node`` (PyTorch's ``_will_engine_execute_node``)."""
    task = _tasks[-1]
    deps, needed, accumulate = task.deps, task.needed, task.accumulate
    if needed is not None and not accumulate and isinstance(node, AccumulateGrad):
        raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we are "
                           "currently running autograd.grad(). This is currently not supported.")
    return node in deps and (needed is None or node in needed)


class _MultiHandle:
    """Removes every per-tensor hook of one ``register_multi_grad_hook`` call."""

    def __init__(self, handles) -> None:
        self.handles = tuple(handles)

    def remove(self) -> None:
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode: str = "all") -> _MultiHandle:
    """Call ``fn`` once per backward for a group of tensors
    (``torch.autograd.graph.register_multi_grad_hook``).

    ``mode="all"``: ``fn(grads)`` after the gradients of every tensor the backward reaches are
    computed, ``None`` for the others. ``mode="any"``: ``fn(grad)`` with the first gradient
    computed. The return value of ``fn`` is ignored.
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    state = {"task": None, "grads": None, "count": 0, "expected": 0}

    def new_task(task) -> bool:
        ref = state["task"]
        if ref is not None and ref() is task:
            return False
        state["task"] = None if task is None else _ref(task)
        state["grads"] = [None] * len(tensors)
        state["count"] = 0
        state["expected"] = -1
        return True

    def make_hook(i):
        def hook(grad):
            task = _tasks[-1] if _tasks else None
            if mode == "any":
                if new_task(task):
                    fn(grad)
                return None
            new_task(task)
            if state["expected"] < 0:
                state["expected"] = sum(1 for t in tensors if _will_execute(edge_of(t)[0]))
            state["grads"][i] = grad
            state["count"] += 1
            if state["count"] == state["expected"]:
                grads, state["grads"] = state["grads"], None
                fn(grads)
            return None
        return hook

    handles = [t.register_hook(make_hook(i)) for i, t in enumerate(tensors)]
    return _MultiHandle(handles)
