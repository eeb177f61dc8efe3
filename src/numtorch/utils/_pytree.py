"""``torch.utils._pytree``: flatten nested containers (tuple, list, dict, namedtuple,
OrderedDict, defaultdict, deque and registered types) into leaves and a :class:`TreeSpec`, and
rebuild them. Libraries (Lightning) use ``SUPPORTED_NODES``, ``_get_node_type``,
``TreeSpec``/``LeafSpec``, ``tree_flatten``/``tree_unflatten`` and ``tree_map``."""

from __future__ import annotations

import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

__all__ = ["PyTree", "Context", "NodeDef", "SUPPORTED_NODES", "TreeSpec", "LeafSpec",
           "register_pytree_node", "tree_flatten", "tree_unflatten", "tree_leaves",
           "tree_structure", "tree_map", "tree_map_", "tree_all", "tree_any", "treespec_leaf"]

PyTree = Any
Context = Any


class NodeDef(NamedTuple):
    """How a container type flattens (``flatten_fn(x) -> (children, context)``) and rebuilds
    (``unflatten_fn(children, context)``)."""

    type: Any
    flatten_fn: Callable
    unflatten_fn: Callable
    flatten_with_keys_fn: Callable | None = None


SUPPORTED_NODES: dict[Any, NodeDef] = {}


def register_pytree_node(cls: type, flatten_fn: Callable, unflatten_fn: Callable, *,
                         serialized_type_name: str | None = None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None) -> None:
    """Make ``cls`` a container node; registering a type twice raises ``ValueError``."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)


def _is_namedtuple_instance(tree) -> bool:
    return isinstance(tree, tuple) and hasattr(type(tree), "_fields")


def _get_node_type(tree: Any) -> Any:
    """The key of ``tree``'s entry in ``SUPPORTED_NODES``: ``namedtuple`` for named tuples,
    else its type."""
    return namedtuple if _is_namedtuple_instance(tree) else type(tree)


def _dict_unflatten(values, keys):
    return dict(zip(keys, values))


def _defaultdict_unflatten(values, context):
    factory, keys = context
    return defaultdict(factory, zip(keys, values))


register_pytree_node(tuple, lambda t: (list(t), None), lambda v, c: tuple(v))
register_pytree_node(list, lambda t: (list(t), None), lambda v, c: list(v))
register_pytree_node(dict, lambda d: (list(d.values()), list(d.keys())), _dict_unflatten)
register_pytree_node(namedtuple, lambda t: (list(t), type(t)), lambda v, c: c(*v))
register_pytree_node(OrderedDict, lambda d: (list(d.values()), list(d.keys())),
                     lambda v, c: OrderedDict(zip(c, v)))
register_pytree_node(defaultdict, lambda d: (list(d.values()), [d.default_factory, list(d)]),
                     _defaultdict_unflatten)
register_pytree_node(deque, lambda d: (list(d), d.maxlen), lambda v, c: deque(v, maxlen=c))


def _is_leaf(tree, is_leaf: Callable | None = None) -> bool:
    return (is_leaf is not None and is_leaf(tree)) or _get_node_type(tree) not in SUPPORTED_NODES


class _LeafSpecMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        warnings.warn("`isinstance(treespec, LeafSpec)` is deprecated, use `isinstance(treespec, "
                      "TreeSpec) and treespec.is_leaf()` instead.", FutureWarning, stacklevel=2)
        return isinstance(obj, TreeSpec) and obj.is_leaf()


class TreeSpec:
    """A pytree's structure: the node type (None: a leaf), its context and the children's
    specs."""

    def __init__(self, type: Any, context: Context, children_specs: list[TreeSpec]) -> None:
        self.type = type
        self.context = context
        self._children = list(children_specs)
        self.num_children = len(self._children)
        self.num_leaves = 1 if type is None else sum(c.num_leaves for c in self._children)
        self.num_nodes = 1 + sum(c.num_nodes for c in self._children)

    def is_leaf(self) -> bool:
        """Whether this spec stands for a single leaf."""
        return self.type is None and self.num_children == 0

    def children(self) -> list[TreeSpec]:
        """The children's specs (a copy)."""
        return list(self._children)

    def child(self, index: int) -> TreeSpec:
        """The ``index``-th child's spec."""
        return self._children[index]

    @property
    def children_specs(self) -> list[TreeSpec]:
        warnings.warn("`treespec.children_specs` is deprecated. Use `treespec.child(index)` to "
                      "access a single child, or `treespec.children()` to get all children.",
                      FutureWarning, stacklevel=2)
        return self._children

    def unflatten(self, leaves: Iterable[Any]) -> PyTree:
        """Rebuild the pytree from its leaves (``ValueError`` on a wrong count)."""
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but "
                             f"the spec refers to a pytree that holds {self.num_leaves} items "
                             f"({self}).")
        return self._build(iter(leaves))

    def _build(self, it):
        if self.is_leaf():
            return next(it)
        children = [c._build(it) for c in self._children]
        return SUPPORTED_NODES[self.type].unflatten_fn(children, self.context)

    def __eq__(self, other) -> bool:
        if not isinstance(other, TreeSpec):
            return NotImplemented
        return (self.type is other.type and self.context == other.context
                and self._children == other._children)

    __hash__ = None

    def _repr(self, indent: int) -> str:
        if self.is_leaf():
            return "*"
        name = getattr(self.type, "__name__", str(self.type))
        sep = ",\n" + " " * (indent + 2)
        inner = sep.join(c._repr(indent + 2) for c in self._children)
        return f"TreeSpec({name}, {self.context!r}, [{inner}])"

    def __repr__(self) -> str:
        return self._repr(0)


class LeafSpec(TreeSpec, metaclass=_LeafSpecMeta):
    """The spec of a single leaf (deprecated name; ``isinstance`` checks warn)."""

    def __init__(self) -> None:
        super().__init__(None, None, [])


def treespec_leaf() -> TreeSpec:
    """The spec of a single leaf."""
    return TreeSpec(None, None, [])


def tree_flatten(tree: PyTree, is_leaf: Callable | None = None) -> tuple[list, TreeSpec]:
    """The leaves of ``tree`` (depth first, containers' own order) and its spec."""
    leaves: list = []
    return leaves, _flatten(tree, leaves, is_leaf)


def _flatten(tree, leaves: list, is_leaf) -> TreeSpec:
    if _is_leaf(tree, is_leaf):
        leaves.append(tree)
        return treespec_leaf()
    node_type = _get_node_type(tree)
    children, context = SUPPORTED_NODES[node_type].flatten_fn(tree)
    return TreeSpec(node_type, context, [_flatten(c, leaves, is_leaf) for c in children])


def tree_unflatten(leaves: Iterable[Any], treespec: TreeSpec) -> PyTree:
    """Rebuild a pytree from ``leaves`` and ``treespec`` (``TypeError`` if it is no spec)."""
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"Expected `treespec` to be an instance of PyTreeSpec but got item of "
                        f"type {type(treespec)}.")
    return treespec.unflatten(leaves)


def tree_leaves(tree: PyTree, is_leaf: Callable | None = None) -> list:
    """The leaves of ``tree``."""
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree: PyTree, is_leaf: Callable | None = None) -> TreeSpec:
    """The spec of ``tree``."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func: Callable, tree: PyTree, *rests: PyTree,
             is_leaf: Callable | None = None) -> PyTree:
    """``tree`` with each leaf replaced by ``func(leaf, *matching leaves of rests)``."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [tree_leaves(r) for r in rests]
    return spec.unflatten(func(*xs) for xs in zip(leaves, *others))


def tree_map_(func: Callable, tree: PyTree, *rests: PyTree,
              is_leaf: Callable | None = None) -> PyTree:
    """Call ``func`` on each leaf (with the matching leaves of ``rests``); return ``tree``."""
    leaves = tree_leaves(tree, is_leaf)
    others = [tree_leaves(r) for r in rests]
    for xs in zip(leaves, *others):
        func(*xs)
    return tree


def tree_all(pred: Callable, tree: PyTree, is_leaf: Callable | None = None) -> bool:
    """Whether ``pred`` holds for every leaf."""
    return all(map(pred, tree_leaves(tree, is_leaf)))


def tree_any(pred: Callable, tree: PyTree, is_leaf: Callable | None = None) -> bool:
    """Whether ``pred`` holds for some leaf."""
    return any(map(pred, tree_leaves(tree, is_leaf)))
