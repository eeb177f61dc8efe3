"""``torch.Generator`` for the CPU and the default generator, with torch's exact state bytes."""

from __future__ import annotations

import os
import struct

import numpy as np

from . import distributions as _dist
from .mt19937 import STATE_SIZE, Engine, N
from .randperm import randperm as _randperm

_DEFAULT_SEED = 67280421310721
_HEADER = struct.Struct("<QiiQ")  # seed, left, seeded, next
_WORDS_AT = _HEADER.size
_NORMAL_AT = _WORDS_AT + 8 * N + 8  # cached double normal (after an unused double)
_NORMAL_VALID_AT = _NORMAL_AT + 16
_FLOAT_NORMAL_AT = _NORMAL_VALID_AT + 8


def _to_seed(seed) -> int:
    """torch's ``manual_seed`` argument handling: int() then modulo 2**64 (overflow checked)."""
    s = int(seed)
    if s < -(1 << 63) or s >= (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return s % (1 << 64)


def _nondeterministic_seed() -> int:
    return int.from_bytes(os.urandom(8), "little")


def _state_array(state) -> np.ndarray:
    data = getattr(state, "_data", None)
    arr = data if isinstance(data, np.ndarray) else state
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")
    if arr.dtype != np.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    return arr


class Generator:
    """A CPU random number generator producing the same numbers as ``torch.Generator()``."""

    def __init__(self, device="cpu") -> None:
        dev = str(device)
        if dev != "cpu":
            raise RuntimeError(f"numtorch only has a CPU generator, not {dev!r}")
        self._engine: Engine | None = None
        self._manual_seed(_DEFAULT_SEED)

    @classmethod
    def _lazy(cls) -> Generator:
        """A generator that seeds itself from the OS on first use (torch's default generator)."""
        g = cls.__new__(cls)
        g._engine = None
        g._seed = 0
        g._normal_cache = None
        g._float_normal = bytes(8)
        return g

    @property
    def device(self):
        return _cpu_device()

    def _get_engine(self) -> Engine:
        if self._engine is None:
            self._manual_seed(_nondeterministic_seed())
        return self._engine

    def _manual_seed(self, s: int) -> None:
        if self._engine is None:
            self._engine = Engine(s)
        else:
            self._engine.seed(s)
        self._seed = s
        self._normal_cache: float | None = None
        self._float_normal = bytes(8)

    def manual_seed(self, seed) -> Generator:
        """Seed with ``seed`` modulo 2**64; only the low 32 bits reach the engine (as torch)."""
        self._manual_seed(_to_seed(seed))
        return self

    def seed(self) -> int:
        """Re-seed from a non-deterministic source and return the seed."""
        s = _nondeterministic_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        self._get_engine()
        return self._seed

    def _get_state_array(self) -> np.ndarray:
        words, left, nxt = self._get_engine().words_and_counters()
        buf = bytearray(STATE_SIZE)
        _HEADER.pack_into(buf, 0, self._seed, left, 1, nxt)
        buf[_WORDS_AT : _WORDS_AT + 8 * N] = words.astype("<u8").tobytes()
        if self._normal_cache is not None:
            struct.pack_into("<d", buf, _NORMAL_AT, self._normal_cache)
            struct.pack_into("<i", buf, _NORMAL_VALID_AT, 1)
        buf[_FLOAT_NORMAL_AT : _FLOAT_NORMAL_AT + 8] = self._float_normal
        return np.frombuffer(bytes(buf), np.uint8).copy()

    def _set_state_array(self, arr: np.ndarray) -> None:
        if arr.size != STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input "
                f"RNG state size to be {arr.size}"
            )
        buf = np.ascontiguousarray(arr).ravel().tobytes()
        seed, left, seeded, nxt = _HEADER.unpack_from(buf, 0)
        if seeded != 1 or not 0 < left <= N or nxt > N:
            raise RuntimeError("Invalid mt19937 state")
        words = np.frombuffer(buf, "<u8", N, _WORDS_AT).astype(np.uint32)
        self._get_engine()
        self._engine.load(words, left, nxt)
        self._seed = seed
        valid = struct.unpack_from("<i", buf, _NORMAL_VALID_AT)[0]
        cached = struct.unpack_from("<d", buf, _NORMAL_AT)[0]
        self._normal_cache = cached if valid else None
        self._float_normal = bytes(buf[_FLOAT_NORMAL_AT : _FLOAT_NORMAL_AT + 8])

    def get_state(self):
        """The 5056-byte state as a uint8 tensor (``torch.Generator.get_state``)."""
        return _wrap_state(self._get_state_array())

    def set_state(self, new_state) -> Generator:
        """Load a 5056-byte state produced by torch or numtorch."""
        self._set_state_array(_state_array(new_state))
        return self

    def clone_state(self) -> Generator:
        g = Generator()
        g.set_state(self._get_state_array())
        return g

    def __repr__(self) -> str:
        return f"<numtorch.Generator object at {hex(id(self))}>"

    # array-level samplers used by the tensor ops (values in storage order)
    def _uniform(
        self, n: int, np_dtype, low: float = 0.0, high: float = 1.0, out=None
    ) -> np.ndarray:
        return _dist.uniform(self, n, np_dtype, low, high, out)

    def _normal(
        self,
        n: int,
        np_dtype,
        mean: float = 0.0,
        std: float = 1.0,
        contiguous: bool = True,
        out=None,
    ) -> np.ndarray:
        return _dist.normal(self, n, np_dtype, mean, std, contiguous, out)

    def _randint(self, n: int, low: int, high: int, np_dtype=np.int64) -> np.ndarray:
        return _dist.randint(self, n, low, high, np_dtype)

    def _random(self, n: int, np_dtype) -> np.ndarray:
        return _dist.random(self, n, np_dtype)

    def _random_bounded(self, n: int, low: int, high: int | None, np_dtype) -> np.ndarray:
        return _dist.random_bounded(self, n, low, high, np_dtype)

    def _randperm(self, n: int, np_dtype=np.int64) -> np.ndarray:
        return _randperm(self, n, np_dtype)

    def _bernoulli_tensor(self, p: np.ndarray) -> np.ndarray:
        return _dist.bernoulli_tensor(self, p)

    def _bernoulli_scalar(self, n: int, p: float, np_dtype) -> np.ndarray:
        return _dist.bernoulli_scalar(self, n, p, np_dtype)

    def _exponential(self, n: int, np_dtype, lambd: float = 1.0) -> np.ndarray:
        return _dist.exponential(self, n, np_dtype, lambd)

    def _geometric(self, n: int, np_dtype, p: float) -> np.ndarray:
        return _dist.geometric(self, n, np_dtype, p)

    def _cauchy(self, n: int, np_dtype, median: float = 0.0, sigma: float = 1.0) -> np.ndarray:
        return _dist.cauchy(self, n, np_dtype, median, sigma)

    def _multinomial(self, probs: np.ndarray, k: int, replacement: bool) -> np.ndarray:
        return _dist.multinomial(self, probs, k, replacement)

    def _log_normal(self, n: int, np_dtype, mean: float = 1.0, std: float = 2.0) -> np.ndarray:
        return _dist.log_normal(self, n, np_dtype, mean, std)


def _cpu_device():
    try:
        from .._device import device  # type: ignore[import-not-found]
    except ImportError:
        return "cpu"
    return device("cpu")


def _wrap_state(arr: np.ndarray):
    try:
        from .._tensor import Tensor  # type: ignore[import-not-found]
    except ImportError:
        return arr
    return Tensor._from_array(arr)


default_generator = Generator._lazy()


def manual_seed(seed) -> Generator:
    """``torch.manual_seed``: seed the default generator; returns it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """``torch.seed``: seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """``torch.initial_seed``: the default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """``torch.get_rng_state``: the default generator's 5056-byte state."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """``torch.set_rng_state``."""
    default_generator.set_state(new_state)
