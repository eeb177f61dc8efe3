"""MT19937 engine with PyTorch's CPU bookkeeping (``left``/``next``) and 5056-byte state layout.

The 32-bit stream comes from ``numpy.random.MT19937`` (the same engine); this module adds the
parts that are torch's own: seeding from a 64-bit seed, the cached normal value, and the exact
byte layout of ``torch.get_rng_state()``.
"""

from __future__ import annotations

import functools

import numpy as np

N = 624
STATE_SIZE = 5056
_MASK32 = 0xFFFFFFFF
_BULK = 1 << 14  # from this many draws on, fetch them as uint32 through Generator.integers


def seed_words(seed32: int) -> np.ndarray:
    """The 624 words of ``init_genrand(seed32)`` (standard MT19937 seeding)."""
    words = [0] * N
    x = seed32 & _MASK32
    words[0] = x
    for i in range(1, N):
        x = (1812433253 * (x ^ (x >> 30)) + i) & _MASK32
        words[i] = x
    return np.array(words, dtype=np.uint32)


def temper(y: np.ndarray) -> np.ndarray:
    """MT19937 output tempering of 32-bit words (returned as uint64 values < 2**32)."""
    y = y.astype(np.uint64)
    y ^= y >> np.uint64(11)
    y ^= (y << np.uint64(7)) & np.uint64(0x9D2C5680)
    y ^= (y << np.uint64(15)) & np.uint64(0xEFC60000)
    y ^= y >> np.uint64(18)
    return y & np.uint64(_MASK32)


def untemper(v: np.ndarray) -> np.ndarray:
    """Inverse of :func:`temper` (used by tests to feed chosen outputs to an engine)."""
    y = np.asarray(v, np.uint64) & np.uint64(_MASK32)
    y ^= y >> np.uint64(18)
    y ^= (y << np.uint64(15)) & np.uint64(0xEFC60000)
    t = y.copy()
    for _ in range(4):
        t = y ^ ((t << np.uint64(7)) & np.uint64(0x9D2C5680))
    y = t & np.uint64(_MASK32)
    t = y.copy()
    for _ in range(2):
        t = y ^ (t >> np.uint64(11))
    return t & np.uint64(_MASK32)


@functools.cache
def _integers_are_raw() -> bool:
    """Whether ``Generator.integers(0, 2**32, dtype=uint32)`` on an MT19937 returns exactly its
    raw 32-bit outputs, one per element (checked once; NumPy has done so since 1.17)."""
    a, b = np.random.MT19937(0), np.random.MT19937(0)
    a._legacy_seeding(12345)
    b._legacy_seeding(12345)
    gen = np.random.Generator(b)
    for k in (1, 5, 700, 1300):
        if not np.array_equal(a.random_raw(k), gen.integers(0, 1 << 32, k, dtype=np.uint32)):
            return False
    return a.state["state"]["pos"] == b.state["state"]["pos"]


class Engine:
    """The 32-bit MT19937 stream with torch's ``left``/``next`` counters.

    Normally the stream is NumPy's bit generator at position ``pos`` (torch: ``next = pos``,
    ``left = 625 - pos``). A state loaded with other counters, or a freshly seeded one
    (``left = 1, next = 0``), first yields ``left - 1`` tempered words starting at ``next`` and
    only then regenerates, exactly like torch; those pending outputs are kept in ``_pending``.
    """

    __slots__ = ("_bitgen", "_gen", "_pending", "_pending_pos", "_pending_next")

    def __init__(self, seed32: int = 0) -> None:
        self._bitgen = np.random.MT19937(0)
        self._gen = np.random.Generator(self._bitgen)
        self.seed(seed32)

    def seed(self, seed32: int) -> None:
        seed32 &= _MASK32
        try:
            self._bitgen._legacy_seeding(seed32)  # init_genrand, pos = 624
        except (AttributeError, TypeError, ValueError):
            self._set_words(seed_words(seed32), N)
        self._pending = np.empty(0, np.uint64)
        self._pending_pos = 0
        self._pending_next = 0

    def _set_words(self, words: np.ndarray, pos: int) -> None:
        self._bitgen.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.asarray(words, np.uint32), "pos": int(pos)},
        }

    def words_and_counters(self) -> tuple[np.ndarray, int, int]:
        """``(state words, left, next)`` as torch stores them."""
        st = self._bitgen.state["state"]
        words = np.asarray(st["key"], np.uint32)
        if self._pending is not None:
            remaining = self._pending.size - self._pending_pos
            return words, remaining + 1, self._pending_next + self._pending_pos
        pos = int(st["pos"])
        return words, N + 1 - pos, pos

    def load(self, words: np.ndarray, left: int, nxt: int) -> None:
        """Adopt torch's ``(words, left, next)``; caller has validated the counters."""
        words = np.asarray(words, np.uint32)
        if nxt == N + 1 - left:
            self._set_words(words, nxt)
            self._pending = None
            return
        idx = np.arange(nxt, nxt + left - 1)
        padded = np.concatenate([words, np.zeros(N, np.uint32)])  # torch would read past the end
        self._set_words(words, N)
        self._pending = temper(padded[idx]) if idx.size else np.empty(0, np.uint64)
        self._pending_pos = 0
        self._pending_next = nxt

    def next32(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs, as a uint64 array."""
        pend = self._pending
        if pend is not None:
            avail = pend.size - self._pending_pos
            if n <= avail:
                out = pend[self._pending_pos : self._pending_pos + n]
                self._pending_pos += n
                return out
            head = pend[self._pending_pos :]
            self._pending = None
            return np.concatenate([head, self._bitgen.random_raw(n - avail)])
        return self._bitgen.random_raw(n)

    def next32_u32(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs as a uint32 array (the fast path for bulk draws)."""
        if n < _BULK or not _integers_are_raw():  # Generator.integers costs ~10 us per call
            return self.next32(n).astype(np.uint32)
        pend = self._pending
        if pend is None:
            return self._gen.integers(0, 1 << 32, n, dtype=np.uint32)
        avail = pend.size - self._pending_pos
        if n <= avail:
            return self.next32(n).astype(np.uint32)
        head = pend[self._pending_pos :].astype(np.uint32)
        self._pending = None
        return np.concatenate([head, self._gen.integers(0, 1 << 32, n - avail, dtype=np.uint32)])

    def skip(self, n: int) -> None:
        """Discard the next ``n`` 32-bit outputs."""
        while n > 0:
            k = min(n, 1 << 20)
            self.next32(k)
            n -= k

    def next64(self, n: int) -> np.ndarray:
        """The next ``n`` 64-bit values, each two 32-bit outputs with the first as high word."""
        r = self.next32(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    def copy_from(self, other: Engine) -> None:
        self._bitgen.state = other._bitgen.state
        self._pending = None if other._pending is None else other._pending.copy()
        self._pending_pos = other._pending_pos
        self._pending_next = other._pending_next
