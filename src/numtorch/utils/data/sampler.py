"""Samplers: the index orders a DataLoader walks, drawn as ``torch.utils.data.sampler`` draws them.

Random samplers take their numbers from numtorch's MT19937 generators in the same order and
amounts as PyTorch (``randperm``, ``randint`` in chunks of 32, ``multinomial``), so the same
``manual_seed`` gives the same indices.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

__all__ = [
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
]


# -- random numbers -----------------------------------------------------------------------------
def _generator(generator):
    if generator is not None:
        return generator
    from ..._random import default_generator

    return default_generator


def _new_generator(seed: int):
    from ..._random import Generator

    g = Generator()
    g.manual_seed(seed)
    return g


def _draw_seed(generator=None) -> int:
    """``torch.empty((), dtype=torch.int64).random_(generator=g).item()`` (two 32-bit draws)."""
    return int(_generator(generator)._random(1, np.int64)[0])


def _randperm(n: int, generator=None) -> list[int]:
    return _generator(generator)._randperm(n).tolist()


def _randint(high: int, size: int, generator=None) -> list[int]:
    return _generator(generator)._randint(size, 0, high, np.int64).tolist()


def _multinomial(weights: np.ndarray, num_samples: int, replacement: bool,
                 generator=None) -> list[int]:
    """``torch.multinomial`` of a 1-D float64 weight vector, with its draws and checks."""
    n = weights.shape[0]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if weights.sum() <= 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = _generator(generator)
    if not replacement or num_samples == 1:
        # PyTorch's fast path: the top-k of weights / Exp(1) noise
        keys = weights / g._exponential(n, np.float64)
        return np.argsort(-keys, kind="stable")[:num_samples].tolist()
    cum = np.cumsum(weights)
    cum = cum / cum[-1]
    u = g._uniform(num_samples, np.float64)
    return np.searchsorted(cum, u, side="left").tolist()


# -- samplers -----------------------------------------------------------------------------------
class Sampler:
    """Base class: an iterable over dataset indices (or lists of indices)."""

    def __init__(self, data_source=None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError

    def __class_getitem__(cls, item):
        return cls


class SequentialSampler(Sampler):
    """Indices ``0 .. len(data_source) - 1`` in order."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation (or ``num_samples`` draws with replacement), as PyTorch draws it.

    Without a generator it seeds a fresh generator from one 64-bit draw of the default
    generator each epoch; the draw happens at the first ``next``, as in PyTorch.
    """

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        g = self.generator
        if g is None:
            g = _new_generator(_draw_seed())
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from _randint(n, 32, g)
            yield from _randint(n, self.num_samples % 32, g)
        else:
            for _ in range(self.num_samples // n):
                yield from _randperm(n, g)
            yield from _randperm(n, g)[:self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (``randperm`` of their count)."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in _randperm(len(self.indices), self.generator):
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices drawn with probabilities proportional to ``weights`` (``torch.multinomial``)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        if (not isinstance(num_samples, int) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        from ..._dtype import float64
        from ..._ops.creation import as_tensor

        self.weights = as_tensor(weights, dtype=float64)
        if self.weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(self.weights.shape)}")
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        w = np.asarray(self.weights._data, dtype=np.float64)
        yield from _multinomial(w, self.num_samples, self.replacement, self.generator)

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
