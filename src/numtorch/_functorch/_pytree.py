"""A small pytree: nested tuples, lists, dicts and namedtuples of leaves (``torch.utils._pytree``
as the function transforms use it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class TreeSpec:
    """The structure of a pytree: a node kind, its context and its children (None: a leaf)."""

    __slots__ = ("kind", "context", "children")

    def __init__(self, kind, context=None, children=()) -> None:
        self.kind = kind
        self.context = context
        self.children = list(children)

    @property
    def num_leaves(self) -> int:
        if self.kind is None:
            return 1
        return sum(c.num_leaves for c in self.children)

    def __eq__(self, other) -> bool:
        return (isinstance(other, TreeSpec) and self.kind is other.kind
                and self.context == other.context and self.children == other.children)

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        inner = ",\n  ".join(repr(c) for c in self.children)
        return f"TreeSpec({self.kind.__name__}, {self.context}, [{inner}])"


LEAF = TreeSpec(None)


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def tree_flatten(tree) -> tuple[list, TreeSpec]:
    """The leaves of ``tree`` (depth first) and its spec."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves) -> TreeSpec:
    if _is_namedtuple(tree):
        return TreeSpec(type(tree), None, [_flatten(v, leaves) for v in tree])
    if type(tree) in (tuple, list) or isinstance(tree, tuple):  # torch.Size too
        return TreeSpec(type(tree), None, [_flatten(v, leaves) for v in tree])
    if isinstance(tree, dict):
        keys = list(tree)
        return TreeSpec(type(tree), keys, [_flatten(tree[k], leaves) for k in keys])
    leaves.append(tree)
    return LEAF


def tree_unflatten(leaves, spec: TreeSpec):
    """Rebuild the tree of ``spec`` from ``leaves``."""
    it = iter(leaves)
    return _unflatten(it, spec)


def _unflatten(it, spec: TreeSpec):
    if spec.kind is None:
        return next(it)
    children = [_unflatten(it, c) for c in spec.children]
    if spec.kind in (tuple, list) or not hasattr(spec.kind, "_fields"):
        if spec.kind is dict or issubclass(spec.kind, dict):
            pass
        else:
            return spec.kind(children)
    if issubclass(spec.kind, tuple):
        return spec.kind(*children)
    out = spec.kind() if spec.kind is not dict else {}
    for k, v in zip(spec.context, children):
        out[k] = v
    return out


def tree_map(fn: Callable, tree) -> Any:
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, tree_spec: TreeSpec, is_leaf=None) -> list | None:
    """Expand ``prefix`` (a tree whose leaves apply to whole subtrees) to one value per leaf of
    ``tree_spec``; None when the structures do not match."""
    out: list = []
    if not _broadcast(prefix, tree_spec, out):
        return None
    return out


def _broadcast(prefix, spec: TreeSpec, out: list) -> bool:
    if spec.kind is None or not isinstance(prefix, (tuple, list, dict)):
        if isinstance(prefix, (tuple, list, dict)) and spec.kind is None:
            return False
        out.extend([prefix] * spec.num_leaves)
        return True
    if isinstance(prefix, dict):
        if not isinstance(spec.context, list) or sorted(map(str, prefix)) != sorted(
                map(str, spec.context)):
            return False
        return all(_broadcast(prefix[k], c, out) for k, c in zip(spec.context, spec.children))
    if not issubclass(spec.kind, tuple) and spec.kind is not list:
        return False
    if type(prefix) is not spec.kind and not (isinstance(prefix, tuple)
                                              and issubclass(spec.kind, tuple)):
        return False
    if len(prefix) != len(spec.children):
        return False
    return all(_broadcast(p, c, out) for p, c in zip(prefix, spec.children))
