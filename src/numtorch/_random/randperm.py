"""``torch.randperm`` on the CPU, reproduced without a Python loop per element.

torch runs a sequential shuffle. Both of its shuffles are resolved here from all draws at once:
each output position's value is found by following "who last wrote here" links, which are
collapsed by pointer jumping (O(n log n) NumPy work instead of n Python steps).
"""

from __future__ import annotations

import numpy as np

SMALL_LIMIT = 214748364  # floor((2**32 - 1) / 20): below it torch uses 32-bit draws


def _resolve(parent: np.ndarray) -> np.ndarray:
    """Follow ``parent`` links to their fixed points (pointer jumping)."""
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


def _group_pred(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort step indices by key (stable); return (order, sorted keys, predecessor-in-group)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    pred = np.full(keys.size, -1, np.int64)
    same = sk[1:] == sk[:-1]
    pred[order[1:][same]] = order[:-1][same]
    return order, sk, pred


def forward_shuffle(n: int, targets: np.ndarray) -> np.ndarray:
    """Result of ``for i < n-1: swap(a[i], a[targets[i]])`` on ``a = 0..n-1`` (targets >= i)."""
    if n <= 1:
        return np.arange(n, dtype=np.int64)
    j = targets.astype(np.int64)
    order, sj, pred = _group_pred(j)
    # prev_to[q]: the last step m < q that swapped into position q (q's value before step q).
    is_last = np.ones(sj.size, bool)
    is_last[:-1] = sj[1:] != sj[:-1]
    last_steps = order[is_last]
    q = sj[is_last]
    cand = np.where(last_steps == q, pred[last_steps], last_steps)
    parent = np.arange(n, dtype=np.int64)
    ok = cand >= 0
    parent[q[ok]] = cand[ok]
    value_at = _resolve(parent)  # value_at[i]: what position i holds just before step i
    out = np.empty(n, np.int64)
    has_pred = pred >= 0
    out[:-1] = np.where(has_pred, value_at[np.maximum(pred, 0)], j)
    out[-1] = value_at[n - 1]
    return out


def inside_out_shuffle(n: int, picks: np.ndarray) -> np.ndarray:
    """Result of ``for i < n: a[i] = a[picks[i]]; a[picks[i]] = i`` (picks[i] <= i)."""
    if n == 0:
        return np.arange(0, dtype=np.int64)
    k = picks.astype(np.int64)
    order, sk, pred = _group_pred(k)
    idx = np.arange(n, dtype=np.int64)
    # Node x resolves to its predecessor in group k[x] if it has one, else defers to node k[x].
    terminal = pred >= 0
    parent = np.where(terminal | (k == idx), idx, k)
    root = _resolve(parent)
    is_last = np.ones(n, bool)
    is_last[:-1] = sk[1:] != sk[:-1]
    group_max = np.full(n, -1, np.int64)
    group_max[sk[is_last]] = order[is_last]
    return np.where(group_max >= 0, group_max, pred[root])


def randperm(gen, n: int, dtype=np.int64) -> np.ndarray:
    """``torch.randperm(n)``: torch's CPU shuffle with its draws, in the requested dtype."""
    eng = gen._get_engine()
    if n < SMALL_LIMIT:
        if n <= 1:
            return np.arange(n).astype(dtype)
        i = np.arange(n - 1, dtype=np.uint64)
        v = eng.next32(n - 1)
        targets = i + v % (np.uint64(n) - i)
        return forward_shuffle(n, targets).astype(dtype)
    chunk = 1 << 24
    picks = np.empty(n, np.int64)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        bound = np.arange(s + 1, e + 1, dtype=np.uint64)
        picks[s:e] = (eng.next64(e - s) % bound).astype(np.int64)
    return inside_out_shuffle(n, picks).astype(dtype)
