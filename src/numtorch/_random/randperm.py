"""``torch.randperm`` on the CPU, reproduced without a Python loop per element.

torch runs a sequential shuffle. Both of its shuffles are resolved here from all draws at once:
each output position's value is found by following "who last wrote here" links, which are
collapsed by pointer jumping (O(n log n) NumPy work instead of n Python steps).
"""

from __future__ import annotations

import numpy as np

SMALL_LIMIT = 214748364  # floor((2**32 - 1) / 20): below it torch uses 32-bit draws


def _resolve(parent: np.ndarray) -> np.ndarray:
    """Follow ``parent`` links to their fixed points (pointer jumping on the unresolved)."""
    active = np.flatnonzero(parent != np.arange(parent.size))
    while active.size:
        up = parent[active]
        upup = parent[up]
        moved = upup != up
        parent[active] = upup
        active = active[moved]
    return parent


def _stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """``argsort(keys, kind="stable")`` for integer keys in [0, bound): LSD radix sort with
    16-bit digits (NumPy sorts 16-bit keys stably by radix, in linear time)."""
    order = None
    shift = 0
    while True:
        digit = ((keys >> shift) & 0xFFFF).astype(np.uint16)
        if order is not None:
            digit = digit[order]
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
        shift += 16
        if bound <= (1 << shift):
            return order


def _group_pred(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort step indices by key (stable); return (order, sorted keys, predecessor-in-group)."""
    order = _stable_order(keys, int(keys.max()) + 1 if keys.size else 1)
    sk = keys[order]
    pred = np.full(keys.size, -1, np.int64)
    same = sk[1:] == sk[:-1]
    pred[order[1:][same]] = order[:-1][same]
    return order, sk, pred


def forward_shuffle(n: int, targets: np.ndarray) -> np.ndarray:
    """Result of ``for i < n-1: swap(a[i], a[targets[i]])`` on ``a = 0..n-1`` (targets >= i).

    After step i, position i is final: it holds what position ``targets[i]`` held just before
    step i. That is the value V(p) that position p held just before its own step, where p is
    the previous step with the same target (p's swap moved V(p) there), or ``targets[i]``
    itself if no earlier step targeted it. V(q) in turn is V of the last step before q that
    targeted q, or q: a forest of links resolved by pointer jumping.
    """
    if n <= 1:
        return np.arange(n, dtype=np.int64)
    j = targets.astype(np.int64, copy=False)
    order = _stable_order(j, n)  # steps grouped by target, in step order within a group
    sk = j[order]
    first = np.empty(sk.size, bool)  # first of its group in the sorted order
    first[0] = True
    np.not_equal(sk[1:], sk[:-1], out=first[1:])
    # L(q): the last step before q with target q (a step q with target q is its group's last)
    last = np.empty(sk.size, bool)
    last[-1] = True
    last[:-1] = first[1:]
    lp = np.flatnonzero(last)
    lq, ls = sk[lp], order[lp]
    selfie = ls == lq
    ls[selfie] = np.where(first[lp[selfie]], -1, order[lp[selfie] - 1])
    parent = np.arange(n, dtype=np.int64)
    ok = ls >= 0
    parent[lq[ok]] = ls[ok]
    value = _resolve(parent)  # value[q] = V(q)
    vals = sk.copy()  # in sorted order: targets[i] ...
    prev = order[:-1][~first[1:]]
    vals[1:][~first[1:]] = value[prev]  # ... or V(previous step of the group)
    out = np.empty(n, np.int64)
    out[order] = vals
    out[-1] = value[n - 1]
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
