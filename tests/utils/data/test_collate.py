"""default_collate / default_convert against torch's, on the structures datasets return."""

from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as td

import numtorch
import numtorch.utils.data as nd

Point = namedtuple("Point", "x y")


def _plain(v):
    """A comparable view: tensors -> (dtype name, shape, values); containers kept by type."""
    if isinstance(v, (torch.Tensor, numtorch.Tensor)):
        return ("T", str(v.dtype).replace("torch.", ""), tuple(v.shape), v.tolist())
    if isinstance(v, dict):
        return (type(v).__name__, {k: _plain(x) for k, x in v.items()})
    if isinstance(v, tuple) and hasattr(v, "_fields"):
        return (type(v).__name__, tuple(_plain(x) for x in v))
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_plain(x) for x in v])
    if isinstance(v, np.ndarray):
        return ("A", v.dtype.str, v.tolist())
    return v


def _batch(lib):
    t = torch if lib is td else numtorch
    return [
        {"img": t.tensor([[1.0, 2.0]]) * i, "label": i, "w": 0.5 * i, "name": f"s{i}",
         "arr": np.full((2,), i, dtype=np.int16), "f32": np.float32(i), "flag": bool(i % 2),
         "pair": (i, [i, -i]), "pt": Point(i, np.float64(i)), "od": OrderedDict(a=i)}
        for i in range(3)]


def test_default_collate_structure():
    a = _plain(td.default_collate(_batch(td)))
    b = _plain(nd.default_collate(_batch(nd)))
    assert a == b


@pytest.mark.parametrize("batch", [
    [1, 2, 3], [1.5, 2.0], [True, False], ["a", "b"], [b"a", b"b"],
    [np.int32(1), np.int32(4)], [np.float64(1.5), np.float64(2)], [np.bool_(True)],
    [np.zeros((2, 3), np.uint8), np.ones((2, 3), np.uint8)], [(1, 2), (3, 4)], [[1, 2], [3, 4]],
])
def test_default_collate_leaves(batch):
    assert _plain(td.default_collate(batch)) == _plain(nd.default_collate(batch))


def test_collate_mixed_dtypes_promote():
    a = td.default_collate([torch.zeros(2), torch.zeros(2, dtype=torch.float64)])
    b = nd.default_collate([numtorch.zeros(2), numtorch.zeros(2, dtype=numtorch.float64)])
    assert _plain(a) == _plain(b)


def _raises_same(fn_t, fn_n, exc):
    with pytest.raises(exc) as et:
        fn_t()
    with pytest.raises(exc) as en:
        fn_n()
    assert str(et.value) == str(en.value)


def test_collate_errors_match_torch():
    _raises_same(lambda: td.default_collate([torch.zeros(3), torch.zeros(2)]),
                 lambda: nd.default_collate([numtorch.zeros(3), numtorch.zeros(2)]),
                 RuntimeError)
    _raises_same(lambda: td.default_collate([[1, 2], [3]]),
                 lambda: nd.default_collate([[1, 2], [3]]), RuntimeError)
    _raises_same(lambda: td.default_collate([object()]),
                 lambda: nd.default_collate([object()]), TypeError)
    arr = [np.array(["a"]), np.array(["b"])]
    _raises_same(lambda: td.default_collate(arr), lambda: nd.default_collate(arr), TypeError)


@pytest.mark.parametrize("data", [
    np.arange(4, dtype=np.float32), np.float64(2.5), {"a": np.ones(2)}, (np.int8(3), "s"),
    [np.zeros(1), 7], Point(np.ones(1), 2), np.array(["x"]), "text", 3,
])
def test_default_convert(data):
    assert _plain(td.default_convert(data)) == _plain(nd.default_convert(data))


def test_collate_keeps_grad_and_shares_nothing():
    x = numtorch.ones(2, requires_grad=True)
    out = nd.default_collate([x, x])
    assert out.shape == (2, 2) and out.requires_grad
