"""``torch.fx.graph``: the node list of a traced program, its editing API and the Python code
generated from it (the same text torch.fx writes: ``torch.*`` in that code is numtorch)."""

from __future__ import annotations

import builtins
import keyword
import operator
import re
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .node import NATIVE_NN, Argument, Node, Target, map_arg, qualified_name, type_repr

__all__ = ["Graph", "PythonCode"]

#: operators written inline by the generated code (as torch.fx's magic methods)
_INLINE = {operator.add: "{} + {}", operator.sub: "{} - {}", operator.mul: "{} * {}",
           operator.truediv: "{} / {}", operator.floordiv: "{} // {}", operator.mod: "{} % {}",
           operator.pow: "{} ** {}", operator.matmul: "{} @ {}", operator.and_: "{} & {}",
           operator.or_: "{} | {}", operator.xor: "{} ^ {}", operator.lshift: "{} << {}",
           operator.rshift: "{} >> {}", operator.eq: "{} == {}", operator.ne: "{} != {}",
           operator.lt: "{} < {}", operator.le: "{} <= {}", operator.gt: "{} > {}",
           operator.ge: "{} >= {}", operator.neg: "-{}", operator.pos: "+{}",
           operator.invert: "~{}", operator.getitem: "{}[{}]"}


def _snake(name: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z_]+", "_", name)
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", s).lower()
    if not s or s[0].isdigit():
        s = f"_{s}"
    return s


class _Namespace:
    """Unique Python identifiers: a taken name or a builtin's gets ``_1``, ``_2``..."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._counts: dict[str, int] = {}
        self._objs: dict[int, str] = {}

    def create_name(self, candidate: str, obj: Any = None) -> str:
        if obj is not None and id(obj) in self._objs:
            return self._objs[id(obj)]
        candidate = re.sub(r"[^0-9a-zA-Z_]+", "_", candidate) or "_unnamed"
        if candidate[0].isdigit():
            candidate = f"_{candidate}"
        m = re.match(r"(.*)_(\d+)$", candidate)
        base, num = (m.group(1), int(m.group(2))) if m else (candidate, None)
        while candidate in self._used or self._illegal(candidate):
            num = self._counts.get(base, 0) + 1 if num is None else num + 1
            self._counts[base] = num
            candidate = f"{base}_{num}"
        self._used.add(candidate)
        if obj is not None:
            self._objs[id(obj)] = candidate
        return candidate

    @staticmethod
    def _illegal(name: str) -> bool:
        return keyword.iskeyword(name) or name in builtins.__dict__ or name in ("torch", "self")


class _CodeTorch(types.ModuleType):
    """What ``torch`` names in generated code: numtorch, plus ``torch._C._nn.<native>`` and
    ``torch._assert`` spelled as torch.fx writes them."""

    def __init__(self) -> None:
        super().__init__("torch")
        import numtorch
        import numtorch.nn.functional as F

        from ._symbolic_trace import _assert

        self.__dict__["_numtorch"] = numtorch
        nn_ns = types.SimpleNamespace(**{n: getattr(F, n) for n in NATIVE_NN if hasattr(F, n)})
        self.__dict__["_C"] = types.SimpleNamespace(_nn=nn_ns)
        self.__dict__["_assert"] = _assert

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_numtorch"], name)


_CODE_TORCH: list = []


def code_globals() -> dict:
    """The globals every generated ``forward`` starts from (``torch`` is numtorch there)."""
    import numtorch

    if not _CODE_TORCH:
        _CODE_TORCH.append(_CodeTorch())
    return {"torch": _CODE_TORCH[0], "inf": float("inf"), "nan": float("nan"),
            "NoneType": type(None), "device": numtorch.device}


class PythonCode:
    """The generated source (``src``) and the globals (``globals``) it runs with."""

    def __init__(self, src: str, globals: dict) -> None:  # noqa: A002 - torch's field name
        self.src = src
        self.globals = globals


def _attr_path(base: str, target: str) -> str:
    for atom in target.split("."):
        base = f"{base}.{atom}" if atom.isidentifier() and not keyword.iskeyword(atom) \
            else f'getattr({base}, "{atom}")'
    return base


class Graph:
    """``torch.fx.Graph``: a doubly linked list of :class:`Node` with unique names.
    ``owning_module`` is the GraphModule that holds it (or None)."""

    def __init__(self, owning_module: Any = None, tracer_cls: Any = None,
                 tracer_extras: dict | None = None) -> None:
        self._root = Node(self, "", "root", "", (), {})
        self._namespace = _Namespace()
        self._len = 0
        self._insert = self._root.prepend
        self.owning_module = owning_module
        self._tracer_cls = tracer_cls

    # -- the node list --------------------------------------------------------------------------
    @property
    def nodes(self) -> _NodeList:
        """The nodes in order (a live view: ``len``, iteration, ``reversed``)."""
        return _NodeList(self)

    def _order(self, node: Node) -> int:
        for i, n in enumerate(self.nodes):
            if n is node:
                return i
        raise RuntimeError(f"{node} is not in the graph")

    def find_nodes(self, *, op: str, target: Any = None) -> list[Node]:
        """The nodes with ``op`` (and ``target`` when given), in order."""
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # -- building -------------------------------------------------------------------------------
    def create_node(self, op: str, target: Target, args: tuple | None = None,
                    kwargs: dict | None = None, name: str | None = None,
                    type_expr: Any = None) -> Node:
        """Insert a new node at the insertion point (the end unless ``inserting_before/after``
        says otherwise), named from ``name`` or from its target as torch.fx names it."""
        candidate = name if name is not None else self._target_to_str(target)
        name = self._namespace.create_name(candidate)
        node = Node(self, name, op, target, tuple(args or ()), dict(kwargs or {}), type_expr)
        self._insert(node)
        self._len += 1
        return node

    @staticmethod
    def _target_to_str(target: Target) -> str:
        if isinstance(target, str):
            name = target[2:-2] if target.startswith("__") and target.endswith("__") else target
            return _snake(name.replace(".", "_"))
        name = getattr(target, "__name__", None) or type(target).__name__
        if name.startswith("__") and name.endswith("__"):
            name = name[2:-2]
        return _snake(name)

    def placeholder(self, name: str, type_expr: Any = None, default_value: Any = ...) -> Node:
        """A function input named ``name`` (with a default when ``default_value`` is given)."""
        args = () if default_value is ... else (default_value,)
        return self.create_node("placeholder", name, args, type_expr=type_expr)

    def get_attr(self, qualified_name: str, type_expr: Any = None) -> Node:
        """Read the attribute ``qualified_name`` of the owning module."""
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name: str, args: tuple | None = None,
                    kwargs: dict | None = None, type_expr: Any = None) -> Node:
        """Call the submodule ``module_name``."""
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name: str, args: tuple | None = None,
                    kwargs: dict | None = None, type_expr: Any = None) -> Node:
        """Call ``args[0].<method_name>(*args[1:], **kwargs)``."""
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function: Any, args: tuple | None = None,
                      kwargs: dict | None = None, type_expr: Any = None) -> Node:
        """Call the free function ``the_function``."""
        return self.create_node("call_function", the_function, args, kwargs,
                                type_expr=type_expr)

    def output(self, result: Argument, type_expr: Any = None) -> Node:
        """The returned value."""
        return self.create_node("output", "output", (result,), type_expr=type_expr)

    def node_copy(self, node: Node, arg_transform: Any = lambda x: x) -> Node:
        """Copy ``node`` (of any graph) into this one, mapping its input nodes through
        ``arg_transform``."""
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        new = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        new.meta = dict(node.meta)
        return new

    def graph_copy(self, g: Graph, val_map: dict, return_output_node: bool = False) -> Any:
        """Copy every node of ``g`` but its output here (``val_map``: old node -> new node,
        filled in); returns the new output value."""
        for node in g.nodes:
            if node in val_map:
                continue
            if node.op == "output":
                value = map_arg(node.args[0], lambda n: val_map[n])
                return (value, node) if return_output_node else value
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    @contextmanager
    def _inserting(self, insert):
        saved = self._insert
        self._insert = insert
        try:
            yield
        finally:
            self._insert = saved

    def inserting_before(self, n: Node | None = None):
        """Context manager: new nodes go before ``n`` (the start of the graph when None)."""
        if n is None:
            return self.inserting_after(self._root)
        return self._inserting(n.prepend)

    def inserting_after(self, n: Node | None = None):
        """Context manager: each new node goes right after ``n`` (so several come out in
        reverse order, as torch.fx's); the end of the graph when None."""
        if n is None:
            return self._inserting(self._root.prepend)
        return self._inserting(n.append)

    def erase_node(self, to_erase: Node) -> None:
        """Remove a node nobody uses (``RuntimeError`` otherwise, as torch.fx)."""
        if to_erase.users:
            raise RuntimeError(f"Tried to erase Node {to_erase} but it still had "
                               f"{len(to_erase.users)} users in the graph: {to_erase.users}!")
        if to_erase.graph is not self:
            raise RuntimeError(f"Attempting to remove {to_erase} from wrong graph!")
        if to_erase._erased:
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase._update_args_kwargs((), {})

    def eliminate_dead_code(self) -> bool:
        """Erase the pure nodes whose results are unused (last to first); whether any was."""
        changed = False
        for node in reversed(self.nodes):
            if not node.users and not node.is_impure():
                self.erase_node(node)
                changed = True
        return changed

    def lint(self) -> None:
        """Check the graph's invariants (unique names, nodes defined before use, owning graph,
        users consistent with arguments, targets present on the owning module)."""
        seen: set = set()
        names: set = set()
        for node in self.nodes:
            if node.graph is not self:
                raise RuntimeError(f"Node '{node}' does not belong to this Graph!")
            if node.name in names:
                raise RuntimeError(f"Node redefined name {node.name}!")
            names.add(node.name)
            for inp in node.all_input_nodes:
                if inp not in seen:
                    raise RuntimeError(f"Argument '{inp}' of Node '{node}' was used before it "
                                       "has been defined! Please check that Nodes in the graph "
                                       "are topologically ordered\n" + str(self))
                if node not in inp.users:
                    raise RuntimeError(f"Node {inp} is missing user {node}")
            seen.add(node)
        mod = self.owning_module
        if mod is None:
            return
        for node in self.nodes:
            if node.op in ("get_attr", "call_module"):
                obj = mod
                for i, atom in enumerate(node.target.split(".")):
                    if not hasattr(obj, atom):
                        done = ".".join(node.target.split(".")[:i])
                        raise RuntimeError(f"Node {node} target {node.target} references "
                                           f"nonexistent attribute {atom} of {done}")
                    obj = getattr(obj, atom)

    # -- printing and code generation -----------------------------------------------------------
    def __str__(self) -> str:
        lines = ["graph():"]
        lines += [f"    {n.format_node()}" for n in self.nodes]
        return "\n".join(lines)

    def print_tabular(self) -> None:
        """Print the nodes as a table (opcode, name, target, args, kwargs) with the optional
        ``tabulate`` package; without it, print torch's message and raise ImportError."""
        try:
            from tabulate import tabulate
        except ImportError:
            print("`print_tabular` relies on the library `tabulate`, which could not be found "
                  "on this machine. Run `pip install tabulate` to install the library.")
            raise
        rows = [[n.op, n.name, n.target, n.args, n.kwargs] for n in self.nodes]
        print(tabulate(rows, headers=["opcode", "name", "target", "args", "kwargs"]))

    def python_code(self, root_module: str) -> PythonCode:
        """The ``forward`` source torch.fx would write for this graph, with its globals
        (``torch`` there is numtorch)."""
        globs = code_globals()
        return PythonCode(_codegen(self, root_module, globs), globs)


class _NodeList:
    def __init__(self, graph: Graph, reverse: bool = False) -> None:
        self._graph = graph
        self._reverse = reverse

    def __len__(self) -> int:
        return self._graph._len

    def __iter__(self) -> Iterator[Node]:
        root = self._graph._root
        cur = root._prev if self._reverse else root._next
        while cur is not root:
            nxt = cur._prev if self._reverse else cur._next
            if not cur._erased:
                yield cur
            cur = nxt

    def __reversed__(self) -> Iterator[Node]:
        return iter(_NodeList(self._graph, not self._reverse))


def _repr_const(arg: Any, globs: dict) -> str:
    import numtorch

    if isinstance(arg, Node):
        return arg.name
    if isinstance(arg, tuple) and not hasattr(arg, "_fields"):
        inner = ", ".join(_repr_const(a, globs) for a in arg)
        return f"({inner},)" if len(arg) == 1 else f"({inner})"
    if isinstance(arg, list):
        return "[" + ", ".join(_repr_const(a, globs) for a in arg) + "]"
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k!r}: {_repr_const(v, globs)}" for k, v in arg.items()) + "}"
    if isinstance(arg, slice):
        return (f"slice({_repr_const(arg.start, globs)}, {_repr_const(arg.stop, globs)}, "
                f"{_repr_const(arg.step, globs)})")
    if isinstance(arg, numtorch.dtype):
        return f"torch.{str(arg).split('.')[-1]}"
    if isinstance(arg, numtorch.device):
        return f"device(type='{arg.type}')" if arg.index is None else \
            f"device(type='{arg.type}', index={arg.index})"
    if isinstance(arg, (int, float, bool, str, type(None), complex)) or arg is Ellipsis:
        return repr(arg)
    name = f"_const_{len(globs)}"
    globs[name] = arg
    return name


def _call_args(args: tuple, kwargs: dict, globs: dict) -> str:
    parts = [_repr_const(a, globs) for a in args]
    parts += [f"{k} = {_repr_const(v, globs)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _function_ref(fn: Any, globs: dict) -> str:
    name = qualified_name(fn)
    root = name.split(".")[0]
    if root == "torch":
        obj = code_globals()["torch"]
        try:
            for atom in name.split(".")[1:]:
                obj = getattr(obj, atom)
        except AttributeError:
            obj = None
        if obj is fn:
            return name
    elif root in ("builtins",) and getattr(builtins, name.split(".")[-1], None) is fn:
        return name.split(".")[-1]
    module = getattr(fn, "__module__", None) or ""
    key = re.sub(r"[^0-9a-zA-Z_]", "_",
                 f"{module}.{getattr(fn, '__qualname__', None) or getattr(fn, '__name__', 'fn')}"
                 if module and root != "torch" else name)
    while key in globs and globs[key] is not fn:
        key += "_"
    globs[key] = fn
    return key


def _codegen(graph: Graph, root: str, globs: dict) -> str:
    nodes = list(graph.nodes)
    last_use: dict[Node, Node] = {}
    frees: dict[Node, list[Node]] = {}
    for user in reversed(nodes):
        for inp in user.all_input_nodes:
            if inp not in last_use:
                last_use[inp] = user
                frees.setdefault(user, []).append(inp)
    params = [root]
    body: list[str] = []
    wrapped: list[str] = []
    for node in nodes:
        line = _node_line(node, root, globs, params)
        if node.meta.get("is_wrapped") and node.op == "call_function":
            ref = _function_ref(node.target, globs)
            if ref not in wrapped:
                wrapped.append(ref)
        if line is None:
            continue
        if node.op != "output":
            dead = list(frees.get(node, []))
            if not node.users:
                dead.append(node)
            dead = [d for d in dead if d.op != "output"]
            if dead:
                line += ";  " + " = ".join(d.name for d in dead) + " = None"
        body.append(f"    {line}")
    if not any(n.op == "output" for n in nodes):
        body.append("    return None")
    header = "\n".join(f'torch.fx._symbolic_trace.wrap("{w}")' for w in wrapped)
    return (f"\n{header}\n\ndef forward(" + ", ".join(params) + "):\n" + "\n".join(body)
            + "\n    ")


def _node_line(node: Node, root: str, globs: dict, params: list) -> str | None:
    op, target = node.op, node.target
    if op == "placeholder":
        annotation = type_repr(node.type)
        if isinstance(node.type, str):  # a global bound to the string, named after it
            annotation = "_" + re.sub(r"[^0-9a-zA-Z_]+", "_", node.type).rstrip("_") + "_"
            globs[annotation] = node.type
        name = f"{target} : {annotation}" if annotation else target
        if node.args:
            params.append(f"{name} = {_repr_const(node.args[0], globs)}")
        else:
            params.append(name)
        bare = target.lstrip("*")
        return f"{node.name} = {bare}" if node.name != bare else None
    if op == "get_attr":
        return f"{node.name} = {_attr_path(root, target)}"
    if op == "call_module":
        call = _call_args(node.args, node.kwargs, globs)
        return f"{node.name} = {_attr_path(root, target)}({call})"
    if op == "call_method":
        obj = _repr_const(node.args[0], globs)
        return (f"{node.name} = {obj}.{target}("
                f"{_call_args(node.args[1:], node.kwargs, globs)})")
    if op == "call_function":
        if target in _INLINE and not node.kwargs and len(node.args) == \
                _INLINE[target].count("{}"):
            return f"{node.name} = " + _INLINE[target].format(
                *(_repr_const(a, globs) for a in node.args))
        if target is builtins.getattr and len(node.args) == 2 and not node.kwargs \
                and isinstance(node.args[1], str) and node.args[1].isidentifier():
            return f"{node.name} = {_repr_const(node.args[0], globs)}.{node.args[1]}"
        ref = _function_ref(target, globs)
        return f"{node.name} = {ref}({_call_args(node.args, node.kwargs, globs)})"
    if op == "output":
        return f"return {_repr_const(node.args[0], globs)}"
    raise NotImplementedError(f"node: {op} {target}")



