"""``torch.fx.subgraph_rewriter``: find the occurrences of a traced pattern in a GraphModule and
replace each with a traced replacement (:func:`replace_pattern`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .graph_module import GraphModule
from .node import Node, map_arg

__all__ = ["Match", "replace_pattern"]


class Match(NamedTuple):
    """One replaced occurrence: ``anchor`` (the pattern's returned node) and ``nodes_map``
    (pattern node -> matched node)."""

    anchor: Node
    nodes_map: dict


def _graph_of(obj: Callable | GraphModule):
    from ._symbolic_trace import symbolic_trace

    return obj.graph if isinstance(obj, GraphModule) else symbolic_trace(obj).graph


def _match(pn: Node, gn: Node, nodes_map: dict) -> bool:
    if pn in nodes_map:
        return nodes_map[pn] is gn
    if pn.op == "placeholder":
        nodes_map[pn] = gn
        return True
    if pn.op != gn.op or pn.target != gn.target:
        return False
    if len(pn.args) != len(gn.args) or set(pn.kwargs) != set(gn.kwargs):
        return False
    nodes_map[pn] = gn
    pairs = list(zip(pn.args, gn.args)) + [(pn.kwargs[k], gn.kwargs[k]) for k in pn.kwargs]
    for pa, ga in pairs:
        if not _match_arg(pa, ga, nodes_map):
            del nodes_map[pn]
            return False
    return True


def _match_arg(pa: Any, ga: Any, nodes_map: dict) -> bool:
    if isinstance(pa, Node):
        return isinstance(ga, Node) and _match(pa, ga, nodes_map)
    if isinstance(pa, (tuple, list)):
        return type(pa) is type(ga) and len(pa) == len(ga) and \
            all(_match_arg(a, b, nodes_map) for a, b in zip(pa, ga))
    return type(pa) is type(ga) and pa == ga


def replace_pattern(gm: GraphModule, pattern: Callable | GraphModule,
                    replacement: Callable | GraphModule) -> list[Match]:
    """Replace every non-overlapping occurrence of ``pattern`` in ``gm`` (a single-output
    pattern, matched on ops, targets and constant arguments; pattern inputs match anything)
    with ``replacement``; recompiles ``gm`` and returns the :class:`Match` list, as torch.fx's
    (the matches are found in graph order)."""
    pgraph = _graph_of(pattern)
    rgraph = _graph_of(replacement)
    pout = next(n for n in pgraph.nodes if n.op == "output")
    anchor_p = pout.args[0]
    if not isinstance(anchor_p, Node):
        raise NotImplementedError("replace_pattern supports patterns returning a single value")
    graph = gm.graph
    matches: list[Match] = []
    used: set = set()
    for gn in list(graph.nodes):
        nodes_map: dict = {}
        if not _match(anchor_p, gn, nodes_map):
            continue
        inner = [v for k, v in nodes_map.items() if k.op != "placeholder"]
        if any(v in used for v in inner):
            continue
        ok = all(all(u in inner for u in v.users) for v in inner if v is not gn)
        if not ok:
            continue
        used.update(inner)
        matches.append(Match(anchor_p, dict(nodes_map)))
    for m in matches:
        inputs = {p: m.nodes_map[p] for p in pgraph.nodes if p.op == "placeholder"}
        rplace = [n for n in rgraph.nodes if n.op == "placeholder"]
        pplace = [n for n in pgraph.nodes if n.op == "placeholder"]
        val_map: dict = {r: inputs[p] for r, p in zip(rplace, pplace)}
        matched = m.nodes_map[anchor_p]
        order = {n: i for i, n in enumerate(graph.nodes)}
        first_user = min(matched.users, key=order.__getitem__, default=matched.next)
        with graph.inserting_before(first_user):
            out = None
            for rn in rgraph.nodes:
                if rn.op == "placeholder":
                    continue
                if rn.op == "output":
                    out = map_arg(rn.args[0], val_map.__getitem__)
                    break
                if rn.op in ("get_attr", "call_module") and isinstance(replacement, GraphModule):
                    attr = replacement
                    for atom in rn.target.split("."):
                        attr = getattr(attr, atom)
                    setattr(gm, rn.target, attr)
                val_map[rn] = graph.node_copy(rn, val_map.__getitem__)
        matched.replace_all_uses_with(out)
        for p in reversed(list(pgraph.nodes)):
            if p.op in ("placeholder", "output"):
                continue
            node = m.nodes_map[p]
            if not node.users:
                graph.erase_node(node)
    gm.recompile()
    return matches
