"""Shape, join, indexing and creation ops: a wrong kind of argument is torch's TypeError (same
text), and the check order on 0-d/empty tensors is torch's."""

from __future__ import annotations

import pytest
import torch

import numtorch

WRONG = (None, [1, 2], "a", (1,), object())


def _calls(L, w):
    t, i = L.ones(2, 3), L.zeros(2, 3, dtype=L.int64)
    return [
        lambda: L.full((2,), w), lambda: L.gather(t, 0, w), lambda: L.index_select(t, 0, w),
        lambda: L.take(t, w), lambda: L.masked_select(t, w), lambda: L.nonzero(w),
        lambda: L.cat(w), lambda: L.cat([t], w), lambda: L.stack([t], w),
        lambda: L.diagonal(t, w), lambda: L.select(t, w, 0), lambda: L.squeeze(t, w),
        lambda: L.tril(t, w), lambda: L.triu(t, w), lambda: L.chunk(t, w), lambda: L.split(t, w),
        lambda: L.split(t, 1, w), lambda: L.movedim(t, w, 0), lambda: L.transpose(t, 0, w),
        lambda: L.narrow(t, 0, w, 1), lambda: L.arange(w), lambda: L.arange(0, w),
        lambda: L.reshape(t, w), lambda: t.expand(w), lambda: L.permute(t, w),
        lambda: t.repeat(w), lambda: L.tile(t, w), lambda: L.flip(t, w), lambda: L.roll(t, w, 0),
        lambda: L.roll(t, 1, w), lambda: L.gather(t, w, i),
    ]


def _outcome(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - torch's behaviour is the spec
        return type(e), str(e).splitlines()[0]
    return None


@pytest.mark.parametrize("k", range(len(_calls(torch, None))))
@pytest.mark.parametrize("w", WRONG, ids=lambda w: type(w).__name__)
def test_wrong_kind_is_torchs_type_error(k, w):
    want = _outcome(_calls(torch, w)[k])
    got = _outcome(_calls(numtorch, w)[k])
    assert got == want


@pytest.mark.parametrize("fn", [
    lambda L: L.cat([L.ones(0), L.ones(0)], 5).shape,
    lambda L: L.cat([L.ones(2, 3), L.tensor(1.0)], 5),
    lambda L: L.stack([L.ones(2, 3), L.ones(3)], 5),
    lambda L: L.flip(L.ones(2, 3), (0, 0, 5)),
    lambda L: L.flip(L.tensor(1.0), (0,)),
    lambda L: L.movedim(L.tensor(1.0), 0, -1),
    lambda L: L.narrow(L.ones(2, 3), 5, 0, -1),
    lambda L: L.narrow(L.ones(2, 3), 0, 3, 0),
    lambda L: L.narrow(L.tensor(1.0), 0, 0, 1),
    lambda L: L.permute(L.ones(2, 3), (5,)),
    lambda L: L.split(L.ones(3), -1),
    lambda L: L.chunk(L.tensor(1.0), 1, 5),
    lambda L: L.ones(0, 2).repeat(-1, 2).shape,
    lambda L: L.tile(L.ones(0, 2), (-1, 1)).shape,
    lambda L: L.roll(L.ones(0, 2), 1, 5).shape,
    lambda L: L.tensor(3)["a"],
    lambda L: L.ones(2)["a"],
    lambda L: L.arange(float("inf")),
    lambda L: L.ones(2, 3).expand(3, -1, 3, 4),
])
def test_check_order_as_torch(fn):
    want = _outcome(lambda: fn(torch))
    got = _outcome(lambda: fn(numtorch))
    assert got == want
    if want is None:
        n, t = fn(numtorch), fn(torch)
        if isinstance(t, torch.Tensor):
            n, t = (tuple(n.shape), n.tolist()), (tuple(t.shape), t.tolist())
        assert tuple(n) == tuple(t)
