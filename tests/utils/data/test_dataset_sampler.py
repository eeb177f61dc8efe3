"""Datasets, samplers and random_split against torch.utils.data (same seeds, same indices)."""

import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as td

import numtorch
import numtorch.utils.data as nd
from numtorch._random import Generator, default_generator, get_rng_state, manual_seed


def _gen(lib, seed):
    g = torch.Generator() if lib is td else Generator()
    g.manual_seed(seed)
    return g


def _seed(lib, seed):
    (torch.manual_seed if lib is td else manual_seed)(seed)


def _state(lib):
    return (torch.get_rng_state() if lib is td else get_rng_state()).numpy().tobytes()


def both(fn):
    """fn(lib) for torch.utils.data and numtorch.utils.data; returns the two results."""
    return fn(td), fn(nd)


class Items:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def test_tensor_concat_subset():
    x = np.arange(12.0).reshape(6, 2)

    def run(lib):
        t = torch.tensor(x) if lib is td else numtorch.tensor(x)
        ds = lib.TensorDataset(t, t[:, 0])
        cat = lib.ConcatDataset([ds, lib.Subset(ds, [5, 0])])
        return (len(ds), [tuple(v.tolist() for v in ds[i]) for i in range(6)], len(cat),
                [tuple(v.tolist() for v in cat[i]) for i in (-1, 6, 7, 2)], cat.cumulative_sizes,
                [tuple(v.tolist() for v in s) for s in lib.Subset(ds, [3, 1]).__getitems__([1])])
    a, b = both(run)
    assert a == b


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        nd.TensorDataset(numtorch.zeros(3), numtorch.zeros(2))


def test_concat_errors():
    for lib in (td, nd):
        with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
            lib.ConcatDataset([])
        with pytest.raises(ValueError, match="absolute value of index"):
            lib.ConcatDataset([Items(2)])[-3]


def test_chain_and_iterable_add():
    class Stream(nd.IterableDataset):
        def __init__(self, a, b):
            self.a, self.b = a, b

        def __iter__(self):
            return iter(range(self.a, self.b))

        def __len__(self):
            return self.b - self.a
    chain = Stream(0, 3) + Stream(10, 12)
    assert isinstance(chain, nd.ChainDataset)
    assert list(chain) == [0, 1, 2, 10, 11] and len(chain) == 5
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(nd.ChainDataset([Items(2)]))

    class Sized(nd.Dataset):
        def __len__(self):
            return 1
    assert isinstance(Sized() + Sized(), nd.ConcatDataset)


def test_stack_dataset():
    a, b = both(lambda lib: (lib.StackDataset(Items(3), Items(3))[1],
                             lib.StackDataset(x=Items(2), y=Items(2))[0]))
    assert a == b
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        nd.StackDataset(Items(2), Items(3))


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [0.33, 0.33, 0.34]])
def test_random_split_matches_torch(lengths):
    def run(lib):
        parts = lib.random_split(Items(10), lengths, generator=_gen(lib, 7))
        return [list(p.indices) for p in parts]
    a, b = both(run)
    assert a == b

    def run_default(lib):
        _seed(lib, 3)
        parts = lib.random_split(Items(10), lengths)
        return [list(p.indices) for p in parts], _state(lib)
    a, b = both(run_default)
    assert a == b


def test_random_split_errors_and_warning():
    for lib in (td, nd):
        with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
            lib.random_split(Items(10), [3, 3])
        with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
            lib.random_split(Items(10), [1.5, -0.5])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        nd.random_split(Items(2), [0.0, 1.0])
    assert "Length of split at index 0 is 0" in str(w[0].message)


@pytest.mark.parametrize("n", [1, 10, 1000])
def test_random_sampler_default_generator(n):
    def run(lib):
        _seed(lib, 0)
        s = lib.RandomSampler(Items(n))
        return list(s), list(s), _state(lib)
    a, b = both(run)
    assert a == b


def test_random_sampler_options():
    def run(lib):
        out = [list(lib.RandomSampler(Items(10), generator=_gen(lib, 1)))]
        out.append(list(lib.RandomSampler(Items(7), num_samples=17, generator=_gen(lib, 2))))
        out.append(list(lib.RandomSampler(Items(7), replacement=True, num_samples=70,
                                          generator=_gen(lib, 3))))
        _seed(lib, 5)
        out.append(list(lib.RandomSampler(Items(9), replacement=True)))
        out.append(len(lib.RandomSampler(Items(9), num_samples=4)))
        return out
    a, b = both(run)
    assert a == b


def test_random_sampler_errors():
    for lib in (td, nd):
        with pytest.raises(TypeError, match="replacement should be a boolean value, but got "
                                            "replacement=1"):
            lib.RandomSampler(Items(3), replacement=1)
        with pytest.raises(ValueError, match="num_samples should be a positive integer value, "
                                             "but got num_samples=0"):
            lib.RandomSampler(Items(3), num_samples=0)


def test_subset_random_and_sequential():
    def run(lib):
        _seed(lib, 11)
        out = [list(lib.SubsetRandomSampler([5, 9, 2, 7])), _state(lib),
               list(lib.SubsetRandomSampler(range(20), generator=_gen(lib, 4))),
               list(lib.SequentialSampler(Items(4))), len(lib.SequentialSampler(Items(4)))]
        return out
    a, b = both(run)
    assert a == b


@pytest.mark.parametrize("replacement", [True, False])
def test_weighted_random_sampler(replacement):
    w = [0.1, 0.9, 0.4, 0.0, 0.7, 0.25, 3.0]

    def run(lib):
        out = [list(lib.WeightedRandomSampler(w, 5, replacement, generator=_gen(lib, 9))),
               list(lib.WeightedRandomSampler(w, 1, replacement, generator=_gen(lib, 2)))]
        _seed(lib, 4)
        out.append(list(lib.WeightedRandomSampler(w, 6, replacement)))
        out.append(_state(lib))
        return out
    a, b = both(run)
    assert a == b


def test_weighted_random_sampler_errors():
    for lib in (td, nd):
        with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
            lib.WeightedRandomSampler([1.0], 0)
        with pytest.raises(ValueError, match="replacement should be a boolean value"):
            lib.WeightedRandomSampler([1.0], 1, replacement=None)
        with pytest.raises(ValueError, match=r"weights should be a 1d sequence but given "
                                             r"weights have shape \(1, 2\)"):
            lib.WeightedRandomSampler([[1.0, 2.0]], 1)
        with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
            list(lib.WeightedRandomSampler([1.0, 2.0], 3, replacement=False))


@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler(drop_last):
    a, b = both(lambda lib: (list(lib.BatchSampler(range(10), 3, drop_last)),
                             len(lib.BatchSampler(range(10), 3, drop_last))))
    assert a == b
    for lib in (td, nd):
        with pytest.raises(ValueError, match="batch_size should be a positive integer value, "
                                             "but got batch_size=0"):
            lib.BatchSampler(range(3), 0, False)
        with pytest.raises(ValueError, match="drop_last should be a boolean value"):
            lib.BatchSampler(range(3), 1, 0)


@pytest.mark.parametrize("n,replicas,shuffle,drop_last", [
    (10, 3, True, False), (10, 3, False, False), (10, 3, True, True), (2, 5, False, False),
    (11, 4, True, True)])
def test_distributed_sampler(n, replicas, shuffle, drop_last):
    def run(lib):
        out = []
        for rank in range(replicas):
            s = lib.DistributedSampler(Items(n), replicas, rank, shuffle=shuffle, seed=3,
                                       drop_last=drop_last)
            out.append((list(s), len(s)))
            s.set_epoch(2)
            out.append(list(s))
        return out
    a, b = both(run)
    assert a == b


def test_distributed_sampler_bad_rank():
    for lib in (td, nd):
        with pytest.raises(ValueError, match=r"Invalid rank 3, rank should be in the interval "
                                             r"\[0, 2\]"):
            lib.DistributedSampler(Items(4), num_replicas=3, rank=3)


def test_default_generator_is_numtorch_default():
    manual_seed(1)
    s = default_generator.initial_seed()
    assert s == 1
