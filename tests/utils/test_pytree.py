"""``numtorch.utils._pytree`` against ``torch.utils._pytree``: leaves, specs (repr, counts,
contexts), rebuilding, maps and the errors."""

from __future__ import annotations

import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple

import pytest
import torch.utils._pytree as tp

import numtorch.utils._pytree as npt

Point = namedtuple("Point", "x y")

TREES = [
    {"b": [1, (2, 3)], "a": Point(4, 5)},
    [1, [2, [3, [4]]]],
    (),
    OrderedDict(z=1, a=[2, 3]),
    defaultdict(int, k=(1, 2)),
    deque([1, {"q": 2}], maxlen=4),
    5,
    None,
    {"x": None, "y": "text"},
]


@pytest.mark.parametrize("tree", TREES, ids=range(len(TREES)))
def test_flatten_unflatten_like_torch(tree):
    ours_leaves, ours = npt.tree_flatten(tree)
    theirs_leaves, theirs = tp.tree_flatten(tree)
    assert ours_leaves == theirs_leaves
    assert repr(ours) == repr(theirs)
    assert (ours.num_leaves, ours.num_nodes, ours.num_children, ours.is_leaf()) == (
        theirs.num_leaves, theirs.num_nodes, theirs.num_children, theirs.is_leaf())
    rebuilt = npt.tree_unflatten(ours_leaves, ours)
    assert rebuilt == tp.tree_unflatten(theirs_leaves, theirs)
    assert type(rebuilt) is type(tree)
    assert npt.tree_map(lambda v: (v, 0), tree) == tp.tree_map(lambda v: (v, 0), tree)
    assert npt.tree_leaves(tree) == tp.tree_leaves(tree)
    assert repr(npt.tree_structure(tree)) == repr(tp.tree_structure(tree))


def test_node_registry_and_node_types():
    for kind in (list, tuple, dict, namedtuple, OrderedDict, defaultdict, deque):
        assert (kind in npt.SUPPORTED_NODES) == (kind in tp.SUPPORTED_NODES)
        ours = npt.SUPPORTED_NODES[kind].flatten_fn
        theirs = tp.SUPPORTED_NODES[kind].flatten_fn
        sample = {list: [1, 2], tuple: (1, 2), dict: {"a": 1}, namedtuple: Point(1, 2),
                  OrderedDict: OrderedDict(a=1), defaultdict: defaultdict(list, a=1),
                  deque: deque([1], maxlen=2)}[kind]
        assert ours(sample) == theirs(sample)
    for value in (Point(1, 2), [1], {"a": 1}, 3):
        assert npt._get_node_type(value) is tp._get_node_type(value)


def test_spec_built_by_hand_and_leaf_spec():
    # the way Lightning builds specs: TreeSpec(type, context, children) and LeafSpec()
    ours = npt.TreeSpec(dict, ["a", "b"], [npt.LeafSpec(), npt.TreeSpec(list, None, [
        npt.LeafSpec(), npt.LeafSpec()])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = tp.TreeSpec(dict, ["a", "b"], [tp.LeafSpec(), tp.TreeSpec(list, None, [
            tp.LeafSpec(), tp.LeafSpec()])])
    assert repr(ours) == repr(theirs)
    assert npt.tree_unflatten([1, 2, 3], ours) == tp.tree_unflatten([1, 2, 3], theirs)
    assert ours == npt.tree_structure({"a": 0, "b": [0, 0]})
    with pytest.warns(FutureWarning, match="isinstance"):
        assert isinstance(npt.tree_structure(1), npt.LeafSpec)
    with pytest.warns(FutureWarning, match="children_specs"):
        assert len(ours.children_specs) == 2


def test_errors_like_torch():
    spec = npt.tree_structure([1, 2])
    with pytest.raises(ValueError) as ours:
        npt.tree_unflatten([1], spec)
    with pytest.raises(ValueError) as theirs:
        tp.tree_unflatten([1], tp.tree_structure([1, 2]))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(TypeError) as ours:
        npt.tree_unflatten([1], [1])
    with pytest.raises(TypeError) as theirs:
        tp.tree_unflatten([1], [1])
    assert str(ours.value) == str(theirs.value)


def test_is_leaf_and_predicates():
    tree = [[1, 2], [3]]
    leaf = lambda v: isinstance(v, list) and len(v) == 1  # noqa: E731
    assert npt.tree_leaves(tree, is_leaf=leaf) == tp.tree_leaves(tree, is_leaf=leaf)
    assert npt.tree_all(lambda v: v > 0, tree) == tp.tree_all(lambda v: v > 0, tree)
    assert npt.tree_any(lambda v: v > 2, tree) == tp.tree_any(lambda v: v > 2, tree)
    assert npt.tree_map(lambda a, b: a + b, tree, tree) == tp.tree_map(lambda a, b: a + b,
                                                                         tree, tree)
