"""``torch.fx.node``: one operation of a :class:`~numtorch.fx.Graph` and the helpers that walk
the nested arguments (tuples, lists, dicts, slices) of a node."""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable
from typing import Any

__all__ = ["Node", "Argument", "Target", "map_arg", "map_aggregate"]

Argument = Any
Target = Any

_OPS = ("placeholder", "call_method", "call_module", "call_function", "get_attr", "output",
        "root")


def map_aggregate(a: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to every leaf of ``a`` (looking into tuples, lists, dicts and slices), as
    ``torch.fx.node.map_aggregate``."""
    if isinstance(a, tuple):
        items = tuple(map_aggregate(x, fn) for x in a)
        return type(a)(*items) if hasattr(a, "_fields") else items
    if isinstance(a, list):
        return [map_aggregate(x, fn) for x in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn),
                     map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a: Any, fn: Callable[[Node], Any]) -> Any:
    """Apply ``fn`` to every :class:`Node` inside ``a`` (``torch.fx.node.map_arg``)."""
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


def qualified_name(fn: Any) -> str:
    """``torch.relu``, ``operator.add``, ``builtins.getattr``: how torch.fx prints a
    call_function target (numtorch's functions spelled as torch's)."""
    if getattr(builtins, getattr(fn, "__name__", ""), None) is fn:
        return f"builtins.{fn.__name__}"
    if getattr(operator, getattr(fn, "__name__", ""), None) is fn:
        return f"operator.{fn.__name__}"
    from .._overrides import public_name

    name = public_name(fn)
    head, _, short = name.rpartition(".")
    if head == "torch.nn.functional" and short in NATIVE_NN:
        name = f"torch._C._nn.{short}"
    return name.replace("<lambda>", "_lambda")


def type_repr(t: Any) -> str | None:
    """How torch.fx prints a placeholder's annotation: builtin classes and Tensor by name,
    string annotations quoted; None for anything else (left out by numtorch)."""
    if t is None:
        return None
    if isinstance(t, str):
        return repr(t)
    if isinstance(t, type):
        if t.__module__ == "builtins":
            return t.__name__
        from .._tensor import Tensor

        if t is Tensor:
            return "torch.Tensor"
    return None


#: functions of ``torch.nn.functional`` that are torch's native ``torch._C._nn`` ones (their
#: targets print, and their code is written, as ``torch._C._nn.<name>``)
NATIVE_NN = frozenset({"avg_pool2d", "avg_pool3d", "elu_", "gelu", "hardtanh_", "leaky_relu_",
                       "linear", "one_hot", "scaled_dot_product_attention", "softplus",
                       "softshrink"})


def _format(arg: Any) -> str:
    if isinstance(arg, Node):
        return f"%{arg.name}"
    if isinstance(arg, tuple) and not hasattr(arg, "_fields"):
        inner = ", ".join(_format(a) for a in arg)
        return f"({inner},)" if len(arg) == 1 else f"({inner})"
    if isinstance(arg, list):
        return "[" + ", ".join(_format(a) for a in arg) + "]"
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k}: {_format(v)}" for k, v in arg.items()) + "}"
    return str(arg)


class Node:
    """One operation of a graph (``torch.fx.Node``): ``op`` (placeholder, get_attr,
    call_function, call_method, call_module, output), ``target``, ``args``/``kwargs`` (which may
    hold other nodes), a unique ``name``, ``users`` (the nodes using this one) and ``meta``."""

    def __init__(self, graph: Any, name: str, op: str, target: Target, args: tuple,
                 kwargs: dict, return_type: Any = None) -> None:
        if op not in _OPS:
            raise AssertionError(f"Unknown op {op}")
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self._input_nodes: dict[Node, None] = {}
        self.users: dict[Node, None] = {}
        self.type = return_type
        self._prev = self
        self._next = self
        self._erased = False
        self.meta: dict = {}
        self._args: tuple = ()
        self._kwargs: dict = {}
        self._update_args_kwargs(args, kwargs)

    # -- arguments ------------------------------------------------------------------------------
    def _update_args_kwargs(self, args: tuple, kwargs: dict) -> None:
        for old in self._input_nodes:
            old.users.pop(self, None)
        self._input_nodes = {}
        self._args = map_arg(tuple(args), self._record_input)
        self._kwargs = map_arg(dict(kwargs), self._record_input)

    def _record_input(self, n: Node) -> Node:
        self._input_nodes.setdefault(n)
        n.users.setdefault(self)
        return n

    @property
    def args(self) -> tuple:
        """The positional arguments (setting them updates the users of the nodes involved)."""
        return self._args

    @args.setter
    def args(self, value: tuple) -> None:
        self._update_args_kwargs(value, self._kwargs)

    @property
    def kwargs(self) -> dict:
        """The keyword arguments (setting them updates the users of the nodes involved)."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, value: dict) -> None:
        self._update_args_kwargs(self._args, value)

    @property
    def all_input_nodes(self) -> list[Node]:
        """The nodes this one reads, in order of first appearance."""
        return list(self._input_nodes)

    def update_arg(self, idx: int, arg: Argument) -> None:
        """Set positional argument ``idx`` to ``arg``."""
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def update_kwarg(self, key: str, arg: Argument) -> None:
        """Set keyword argument ``key`` to ``arg``."""
        self.kwargs = {**self.kwargs, key: arg}

    @property
    def stack_trace(self) -> str | None:
        """The recorded Python stack of the node's creation (``meta["stack_trace"]``; numtorch's
        tracer records none)."""
        return self.meta.get("stack_trace")

    @stack_trace.setter
    def stack_trace(self, trace: str | None) -> None:
        self.meta["stack_trace"] = trace

    # -- position in the graph ------------------------------------------------------------------
    @property
    def next(self) -> Node:
        """The node after this one (the graph's root sentinel at the end)."""
        return self._next

    @property
    def prev(self) -> Node:
        """The node before this one (the graph's root sentinel at the start)."""
        return self._prev

    def _remove_from_list(self) -> None:
        p, n = self._prev, self._next
        p._next, n._prev = n, p
        self._prev = self._next = self

    def prepend(self, x: Node) -> None:
        """Move ``x`` right before this node."""
        if x is self:
            return
        x._remove_from_list()
        p = self._prev
        p._next, x._prev = x, p
        x._next, self._prev = self, x

    def append(self, x: Node) -> None:
        """Move ``x`` right after this node."""
        self._next.prepend(x)

    # -- rewriting ------------------------------------------------------------------------------
    def replace_all_uses_with(self, replace_with: Node,
                              delete_user_cb: Callable[[Node], bool] = lambda user: True,
                              *, propagate_meta: bool = False) -> list[Node]:
        """Make every user of this node use ``replace_with`` instead (users for which
        ``delete_user_cb`` is false are kept); returns the users changed."""
        if propagate_meta:
            for k, v in self.meta.items():
                replace_with.meta.setdefault(k, v)
        changed = []
        for user in list(self.users):
            if not delete_user_cb(user):
                continue
            changed.append(user)
            user.replace_input_with(self, replace_with)
        return changed

    def replace_input_with(self, old_input: Node, new_input: Node) -> None:
        """Use ``new_input`` wherever this node reads ``old_input``."""
        def swap(n: Node) -> Node:
            return new_input if n is old_input else n

        self._update_args_kwargs(map_arg(self._args, swap), map_arg(self._kwargs, swap))

    def is_impure(self) -> bool:
        """Whether dead code elimination must keep this node (placeholders, outputs, in-place
        methods and module calls other than those of numtorch.nn known to be pure)."""
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_method":
            return isinstance(self.target, str) and self.target.endswith("_") \
                and not self.target.endswith("__")
        if self.op == "call_module":
            mod = self.graph.owning_module
            if mod is None:
                return False
            sub = mod.get_submodule(self.target)
            return getattr(sub, "_is_impure", False)
        return False

    # -- printing -------------------------------------------------------------------------------
    def _pretty_target(self) -> str:
        t = self.target
        return t if isinstance(t, str) else qualified_name(t)

    def format_node(self) -> str | None:
        """The line ``str(graph)`` shows for this node (as torch.fx's)."""
        annotation = type_repr(self.type)
        annotation = f"{annotation} " if annotation else ""
        head = f"%{self.name} : {annotation}[num_users={len(self.users)}] = "
        if self.op == "placeholder":
            default = f"](default={_format(self.args[0])})" if self.args else "]"
            return f"{head}placeholder[target={self.target}{default}"
        if self.op == "get_attr":
            return f"{head}get_attr[target={self._pretty_target()}]"
        if self.op == "output":
            return f"return {self.args[0]}"
        return (f"{head}{self.op}[target={self._pretty_target()}](args = "
                f"{_format(self.args)}, kwargs = {_format(self.kwargs)})")

    def __repr__(self) -> str:
        return self.name

    def __lt__(self, other: Node) -> bool:
        return self.graph._order(self) < self.graph._order(other)
