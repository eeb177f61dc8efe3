"""``Work``: the handle an ``async_op=True`` collective returns; ``wait()`` completes it."""

from __future__ import annotations

import datetime
import time

from . import _departures, _failure


def wait_requests(requests: list, timeout: datetime.timedelta | None, what: str,
                  statuses: list | None = None, ranks=None) -> None:
    """Complete MPI requests (see :func:`wait_until` for how waiting ends on failure)."""
    if not requests:
        return
    from mpi4py import MPI

    wait_until(lambda: MPI.Request.Testall(requests, statuses), timeout, what, ranks)


def wait_until(done, timeout: datetime.timedelta | None, what: str, ranks=None):
    """Poll ``done()`` until it returns something true, and return that. The job is aborted
    with an error naming the op when ``timeout`` passes, or naming the rank when a member of
    ``ranks`` (global ranks; None: all) has left the job.

    A stuck collective cannot be cancelled in MPI, so the only safe end is to stop every rank.
    """
    result = done()
    if result:
        return result
    deadline = None if timeout is None else time.monotonic() + timeout.total_seconds()
    pause = 1e-5
    checked = time.monotonic()
    while True:
        result = done()
        if result:
            return result
        now = time.monotonic()
        if deadline is not None and now > deadline:
            _failure.abort(1, f"{what} did not finish within {timeout} (a peer rank is stuck or "
                              "gone); aborting the job")
        if now - checked > 0.05:
            checked = now
            gone = _departures.departed(ranks)
            if gone is not None:
                _failure.abort(1, f"{what} cannot finish: rank {gone[0]} ({gone[1]}) has left "
                                  "the job (its program ended or it destroyed the process "
                                  "group) while this rank waits for it; aborting the job")
        time.sleep(pause)
        pause = min(pause * 2, 5e-4)


class Work:
    """A started collective or point-to-point op (``torch.distributed.Work``).

    The tensors it writes hold their result after ``wait()`` returns.
    """

    def __init__(self, requests: list, finish=None, timeout=None, what: str = "",
                 tensors: list | None = None, statuses: list | None = None,
                 ranks=None) -> None:
        self._ranks = ranks
        self._requests = list(requests)
        self._statuses = statuses
        self._finish = finish
        self._timeout = timeout
        self._what = what
        self._tensors = tensors or []
        self._done = False
        self._error: BaseException | None = None
        self._source = -1

    def _complete(self) -> None:
        if self._done:
            return
        self._done = True
        try:
            if self._finish is not None:
                res = self._finish()
                if isinstance(res, int):
                    self._source = res
        except BaseException as e:  # kept so is_success()/exception() can report it
            self._error = e
        self._requests = []

    def wait(self, timeout: datetime.timedelta | None = None) -> bool:
        """Block until the op finished; raises the op's error (a size mismatch, say)."""
        if not self._done:
            wait_requests(self._requests, timeout if timeout is not None else self._timeout,
                          self._what, self._statuses, self._ranks)
            self._complete()
        if self._error is not None:
            raise self._error
        return True

    def is_completed(self) -> bool:
        if self._done:
            return True
        from mpi4py import MPI

        if self._requests and not MPI.Request.Testall(self._requests, self._statuses):
            return False
        self._complete()
        return True

    def is_success(self) -> bool:
        return self.is_completed() and self._error is None

    def exception(self):
        return self._error

    def result(self) -> list:
        self.wait()
        return list(self._tensors)

    def source_rank(self) -> int:
        self.wait()
        return self._source

    def synchronize(self) -> None:
        self.wait()


def done_work(tensors: list | None = None) -> Work:
    """A Work that is already complete (single-rank groups never talk to MPI)."""
    w = Work([], tensors=tensors)
    w._done = True
    return w
