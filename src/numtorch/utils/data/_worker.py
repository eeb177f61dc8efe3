"""What runs inside a DataLoader worker process, and the data that crosses the process boundary.

Each worker seeds Python's ``random`` and numtorch with ``base_seed + worker_id`` and NumPy's
legacy global generator with a state derived from (base_seed, worker_id) by NumPy's
``SeedSequence`` mixing, which is how PyTorch seeds its workers. Results travel as pickled
bytes made inside the worker, so a batch that cannot be pickled becomes an error in the main
process instead of a silent hang.
"""

from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any

__all__ = ["WorkerInfo", "get_worker_info", "ExceptionWrapper"]

_worker_info: WorkerInfo | None = None
_PARENT_CHECK_S = 1.0


class WorkerInfo:
    """``id``, ``num_workers``, ``seed`` and ``dataset`` of the current worker (read-only)."""

    id: int
    num_workers: int
    seed: int
    dataset: Any

    def __init__(self, **kwargs) -> None:
        for k, v in kwargs.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_keys", tuple(kwargs))

    def __setattr__(self, key, val) -> None:
        raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={getattr(self, k)}" for k in self._keys)
        return f"{self.__class__.__name__}({items})"


def get_worker_info() -> WorkerInfo | None:
    """The current worker's ``WorkerInfo`` inside a DataLoader worker, ``None`` elsewhere."""
    return _worker_info


class _KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError prints its traceback readably."""

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception and its formatted traceback, re-raised in another process or thread."""

    def __init__(self, exc_info=None, where: str = "in background") -> None:
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where
        try:
            pickle.dumps(self.exc_type)
        except Exception:
            self.exc_type = RuntimeError

    def reraise(self):
        """Raise ``exc_type`` with the original traceback in its message (PyTorch's text)."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Sent to persistent workers at a new epoch; echoed back once they are ready."""


def _numpy_seed(base_seed: int, worker_id: int):
    """The 4-word state PyTorch gives ``np.random.seed`` in worker ``worker_id``."""
    import numpy as np

    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    return np.random.SeedSequence(entropy).generate_state(4)


def _seed_worker(base_seed: int, worker_id: int) -> int:
    seed = base_seed + worker_id
    random.seed(seed)
    from ..._random import manual_seed

    manual_seed(seed)
    if "numpy" in sys.modules:
        import numpy as np

        np.random.seed(_numpy_seed(base_seed, worker_id))
    return seed


class _MapFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        getitems = getattr(dataset, "__getitems__", None)
        self.getitems = getitems if auto_collation and getitems else None

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self.getitems is not None:
            return self.collate_fn(self.getitems(index))
        return self.collate_fn([self.dataset[i] for i in index])


class _IterableFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.iterator = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        data = []
        for _ in index:
            try:
                data.append(next(self.iterator))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)


def _make_fetcher(iterable: bool, dataset, auto_collation, collate_fn, drop_last):
    kind = _IterableFetcher if iterable else _MapFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)


def _pack(idx, data) -> bytes:
    return pickle.dumps((idx, data), protocol=pickle.HIGHEST_PROTOCOL)


def _worker_loop(iterable: bool, dataset, index_queue, result_queue, done_event,
                 auto_collation: bool, collate_fn, drop_last: bool, base_seed: int, init_fn,
                 worker_id: int, num_workers: int, parent_pid: int) -> None:
    """Serve ``(task_idx, indices)`` requests until told to stop (``None``) or orphaned."""
    global _worker_info
    where = f"in DataLoader worker process {worker_id}"
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_error = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(where=where)
        exhausted = False
        while True:
            try:
                task = index_queue.get(timeout=_PARENT_CHECK_S)
            except queue.Empty:
                if os.getppid() != parent_pid:
                    break
                continue
            if task is None:
                break
            if isinstance(task, _ResumeIteration):
                exhausted = False
                if init_error is None:
                    fetcher = _make_fetcher(iterable, dataset, auto_collation, collate_fn,
                                            drop_last)
                result_queue.put(_pack(task, None))
                continue
            if done_event.is_set() or exhausted:
                continue
            idx, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data = _IterableDatasetStopIteration(worker_id)
                        exhausted = True
                except Exception:
                    data = ExceptionWrapper(where=where)
            try:
                payload = _pack(idx, data)
            except Exception:
                payload = _pack(idx, ExceptionWrapper(where=where))
            result_queue.put(payload)
            del data
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        result_queue.cancel_join_thread()
        result_queue.close()
