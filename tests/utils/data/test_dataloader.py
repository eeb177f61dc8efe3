"""DataLoader against torch's DataLoader over the same datasets: order, batches, errors, workers.

Worker tests use small datasets and two workers (fork), so the whole file runs in seconds.
"""

import os
import random
import time
import tracemalloc
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as td

import numtorch
import numtorch.utils.data as nd
from numtorch import _random as nrandom


def _lib_seed(lib, s):
    (torch.manual_seed if lib is td else nrandom.manual_seed)(s)


def _gen(lib, s):
    g = torch.Generator() if lib is td else nrandom.Generator()
    g.manual_seed(s)
    return g


def _state(lib):
    return (torch.get_rng_state() if lib is td else nrandom.get_rng_state()).numpy().tobytes()


def _initial_seed(lib):
    return torch.initial_seed() if lib is td else nrandom.initial_seed()


def _lists(batches):
    out = []
    for b in batches:
        if isinstance(b, (list, tuple)):
            out.append([x.tolist() if hasattr(x, "tolist") else x for x in b])
        else:
            out.append(b.tolist() if hasattr(b, "tolist") else b)
    return out


class Items:
    """Map-style dataset of (i, i*i) pairs, library independent."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i, i * i


def both(fn):
    return fn(td), fn(nd)


# -- single process ---------------------------------------------------------------------------
def test_seed_example_shapes():
    ds = nd.TensorDataset(numtorch.zeros(130, 1, 28, 28), numtorch.arange(130))
    dl = nd.DataLoader(ds, batch_size=64, shuffle=True)
    x, y = next(iter(dl))
    assert str(x.size()) == "torch.Size([64, 1, 28, 28])" and str(y.size()) == "torch.Size([64])"
    assert len(dl) == 3 and dl.dataset is ds
    assert x[0].squeeze().shape == (28, 28)


@pytest.mark.parametrize("kwargs", [
    dict(batch_size=4, shuffle=True), dict(batch_size=3, shuffle=True, drop_last=True),
    dict(batch_size=None, shuffle=True), dict(batch_size=5), dict(batch_size=1, shuffle=False),
])
def test_order_matches_torch_two_epochs(kwargs):
    def run(lib):
        _lib_seed(lib, 0)
        dl = lib.DataLoader(Items(23), **kwargs)
        return len(dl), _lists(dl), _lists(dl), _state(lib)
    a, b = both(run)
    assert a == b


def test_order_with_generator_and_samplers():
    def run(lib):
        _lib_seed(lib, 5)
        out = [_lists(lib.DataLoader(Items(20), batch_size=6, shuffle=True,
                                     generator=_gen(lib, 3)))]
        out.append(_lists(lib.DataLoader(Items(30), batch_size=8,
                                         sampler=lib.SubsetRandomSampler(range(12)))))
        bs = lib.BatchSampler(lib.RandomSampler(Items(10)), 4, False)
        out.append(_lists(lib.DataLoader(Items(10), batch_sampler=bs)))
        w = lib.WeightedRandomSampler([1.0, 5.0, 2.0, 0.5], 9)
        out.append(_lists(lib.DataLoader(Items(4), batch_size=3, sampler=w)))
        out.append(_state(lib))
        return out
    a, b = both(run)
    assert a == b


@pytest.mark.parametrize("kwargs", [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2),
    dict(persistent_workers=True), dict(shuffle=True, sampler=[0, 1]),
    dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], drop_last=True),
    dict(batch_size=None, drop_last=True), dict(multiprocessing_context="fork"),
    dict(num_workers=1, multiprocessing_context="nope"), dict(num_workers=1, prefetch_factor=-1),
])
def test_argument_errors_match_torch(kwargs):
    msgs = []
    for lib in (td, nd):
        with pytest.raises(ValueError) as e:
            lib.DataLoader(Items(3), **kwargs)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_frozen_attributes():
    for lib in (td, nd):
        dl = lib.DataLoader(Items(3))
        with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                             "DataLoader is initialized"):
            dl.batch_size = 3
        dl.num_workers = 0


class Stream:
    """Iterable dataset body shared by both libraries (mixed in below)."""

    def __init__(self, n, length=None):
        self.n, self.length = n, length

    def __iter__(self):
        info = (td if self.lib is td else nd).get_worker_info()
        lo, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(lo, self.n, step))

    def __len__(self):
        return self.n if self.length is None else self.length


def _stream(lib, n, length=None):
    cls = type("S", (Stream, lib.IterableDataset), {"lib": lib})
    return cls(n, length)


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=None), dict(batch_size=4, num_workers=2),
                                    dict(batch_size=2, num_workers=2, drop_last=True)])
def test_iterable_dataset_matches_torch(kwargs):
    a, b = both(lambda lib: (len(lib.DataLoader(_stream(lib, 11), **kwargs)),
                             _lists(lib.DataLoader(_stream(lib, 11), **kwargs))))
    assert a == b


def test_iterable_dataset_errors_and_length_warning():
    for lib in (td, nd):
        with pytest.raises(ValueError, match="expected unspecified shuffle option, but got "
                                             "shuffle=True"):
            lib.DataLoader(_stream(lib, 3), shuffle=True)
    dl = nd.DataLoader(_stream(nd, 5, length=2), batch_size=None)
    assert len(dl) == 2
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert len(list(dl)) == 5
    assert "was reported to be 2(when accessing len(dataloader)), but 3 samples" in \
        str(w[0].message)


class Batched(Items):
    def __init__(self, n):
        super().__init__(n)
        self.calls = []

    def __getitems__(self, indices):
        self.calls.append(list(indices))
        return [(i, -i) for i in indices]


def test_getitems_is_used_for_batches():
    ds = Batched(7)
    out = _lists(nd.DataLoader(ds, batch_size=3))
    assert ds.calls == [[0, 1, 2], [3, 4, 5], [6]]
    assert out[2] == [[6], [-6]]
    sub = nd.Subset(ds, [6, 5])
    assert _lists(nd.DataLoader(sub, batch_size=2)) == [[[6, 5], [-6, -5]]]


def test_pin_memory_is_accepted():
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        out = _lists(nd.DataLoader(Items(3), batch_size=2, pin_memory=True))
    assert out == [[[0, 1], [0, 1]], [[2], [4]]]


def test_memory_stays_a_few_batches():
    """60,000 28x28 uint8 images: iterating holds the dataset plus a few batches, not more."""
    images = np.random.default_rng(0).integers(0, 256, (60000, 28, 28), dtype=np.uint8)

    class Images(nd.Dataset):
        def __len__(self):
            return len(images)

        def __getitem__(self, i):
            return images[i], 1

    dl = nd.DataLoader(Images(), batch_size=1000, shuffle=True)
    tracemalloc.start()
    n = 0
    for x, _y in dl:
        n += x.shape[0]
        x = (x.float() / 255)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 60000
    batch_bytes = 1000 * 28 * 28 * 4
    assert peak < 4 * batch_bytes, peak


# -- worker processes -------------------------------------------------------------------------
class SeedProbe:
    """Each item reports what the worker's random state and WorkerInfo look like."""

    def __init__(self, lib, n):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.get_worker_info()
        return (i, info.id, info.num_workers, info.seed, random.random(),
                int(np.random.randint(0, 2**31 - 1)), _initial_seed(self.lib))


def test_workers_order_and_seeding_match_torch():
    def run(lib):
        _lib_seed(lib, 1234)
        dl = lib.DataLoader(SeedProbe(lib, 9), batch_size=2, shuffle=True, num_workers=2,
                            collate_fn=lambda b: b)
        return [list(dl), list(dl), _state(lib)]
    a, b = both(run)
    assert a == b


def test_workers_with_generator_and_prefetch():
    def run(lib):
        dl = lib.DataLoader(Items(15), batch_size=2, shuffle=True, num_workers=2,
                            prefetch_factor=3, generator=_gen(lib, 8))
        return _lists(dl)
    a, b = both(run)
    assert a == b


def _init_fn(worker_id):
    info = nd.get_worker_info()
    assert info.id == worker_id
    random.seed(100 + worker_id)
    info.dataset.tag = f"w{worker_id}"


class Tagged(Items):
    tag = "main"

    def __getitem__(self, i):
        return f"{self.tag}-{random.randint(0, 9)}"


def test_worker_init_fn_and_worker_info():
    out = list(nd.DataLoader(Tagged(4), batch_size=1, num_workers=2, worker_init_fn=_init_fn))
    r0, r1 = random.Random(100), random.Random(101)
    assert out == [[f"w0-{r0.randint(0, 9)}"], [f"w1-{r1.randint(0, 9)}"],
                   [f"w0-{r0.randint(0, 9)}"], [f"w1-{r1.randint(0, 9)}"]]
    assert nd.get_worker_info() is None
    info = nd.WorkerInfo(id=1, num_workers=2, seed=3, dataset=None)
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo objects"):
        info.id = 2


class Failing(Items):
    def __getitem__(self, i):
        if i == 7:
            raise ValueError(f"bad sample {i}")
        return i


def test_worker_exception_reraised_with_traceback():
    # torch's own worker shutdown after an error stalls ~10 s under pytest, so torch's text is
    # taken from its ExceptionWrapper (what its workers send) instead of a torch DataLoader.
    from torch._utils import ExceptionWrapper

    try:
        raise ValueError("bad sample 7")
    except ValueError:
        wrapped = ExceptionWrapper(where="in DataLoader worker process 1")
    with pytest.raises(ValueError) as et:
        wrapped.reraise()
    with pytest.raises(ValueError) as en:
        list(nd.DataLoader(Failing(8), batch_size=2, num_workers=2))
    t_lines, n_lines = str(et.value).splitlines(), str(en.value).splitlines()
    assert n_lines[:2] == t_lines[:2]
    assert n_lines[-1] == t_lines[-1] == "ValueError: bad sample 7"
    assert any("in __getitem__" in line for line in n_lines)


def _bad_init(worker_id):
    raise KeyError("init failed")


def test_worker_init_exception_and_keyerror():
    with pytest.raises(KeyError) as e:
        list(nd.DataLoader(Items(4), num_workers=2, worker_init_fn=_bad_init))
    assert "Caught KeyError in DataLoader worker process 0." in str(e.value)
    assert "in _bad_init" in str(e.value)


class Dying(Items):
    def __getitem__(self, i):
        if i == 2:
            os._exit(1)
        return i


def test_dead_worker_is_reported_not_hung():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           r"unexpectedly"):
        list(nd.DataLoader(Dying(6), batch_size=1, num_workers=2))
    assert time.monotonic() - start < 10


class Slow(Items):
    def __getitem__(self, i):
        time.sleep(0.5 if i == 1 else 0)
        return i


def test_timeout():
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.2 seconds"):
        list(nd.DataLoader(Slow(3), batch_size=1, num_workers=1, timeout=0.2))


class Unpicklable(Items):
    def __getitem__(self, i):
        return lambda: i


def test_unpicklable_batch_is_an_error():
    with pytest.raises(Exception, match="Caught .* in DataLoader worker process 0"):
        list(nd.DataLoader(Unpicklable(2), batch_size=None, num_workers=1))


class Pids(Items):
    def __getitem__(self, i):
        return os.getpid()


def test_persistent_workers_reuse_processes_and_match_torch():
    dl = nd.DataLoader(Pids(4), batch_size=1, num_workers=2, persistent_workers=True)
    first = set(x.item() for x in dl)
    second = set(x.item() for x in dl)
    assert first == second and os.getpid() not in first and len(first) == 2

    def run(lib):
        _lib_seed(lib, 3)
        dl = lib.DataLoader(Items(7), batch_size=2, shuffle=True, num_workers=2,
                            persistent_workers=True)
        it = iter(dl)
        early = _lists([next(it)])
        return early, _lists(dl), _lists(dl), _state(lib)
    a, b = both(run)
    assert a == b


def test_in_order_false_delivers_everything():
    out = nd.DataLoader(Slow(6), batch_size=1, num_workers=2, in_order=False)
    got = [x.item() for x in out]
    assert sorted(got) == list(range(6)) and got != list(range(6))
