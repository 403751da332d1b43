"""Executors run independent tasks: per-shard work and the phases of global stages.

The interface is one method, :meth:`Executor.map_unordered`, so that a distributed engine
(Dask, Ray, a Slurm array) can be added by implementing it. Workers report progress through
shared counters; an executor that cannot share memory may pass ``None`` and the runner falls
back to per-task progress.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import multiprocessing as mp
import os
import signal
import sys
from typing import Any, Callable, Iterable, Iterator

# Set in each worker: (docs, bytes) shared counters for live progress, or None.
COUNTERS: tuple[Any, Any] | None = None


def report_progress(docs: int = 0, nbytes: int = 0) -> None:
    """Called by workers after each batch."""
    if COUNTERS is None:
        return
    d, b = COUNTERS
    with d.get_lock():
        d.value += docs
    with b.get_lock():
        b.value += nbytes


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this worker when the parent dies (no orphaned writers after a kill)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def _init_worker(counters) -> None:
    global COUNTERS
    COUNTERS = counters
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C


def yield_as_done(futures: dict, wait_some: Callable[[set], set], poll: Callable[[], None] | None):
    """``(index, result)`` of each future in ``futures`` (future -> index) as they finish. ``wait_some(pending)``
    waits a short while and returns the futures done; ``poll`` runs after each wait. A task's exception is raised
    here, and the futures not yet done are cancelled."""
    pending = set(futures)
    try:
        while pending:
            done = wait_some(pending)
            for fut in sorted(done, key=futures.get):
                yield futures[fut], fut.result()
            pending -= done
            if poll:
                poll()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise


class Executor:
    workers: int = 1

    def counters(self):
        """Shared (docs, bytes) counters visible to the workers, or None."""
        return None

    def map_unordered(self, fn: Callable, items: Iterable, *, poll: Callable[[], None] | None = None
                      ) -> Iterator[tuple[int, Any]]:
        """Run ``fn(item)`` for each item; yield ``(index, result)`` as tasks finish.

        ``poll`` is called regularly while waiting (the progress display uses it).
        """
        raise NotImplementedError

    def close(self) -> None:
        pass


class LocalExecutor(Executor):
    """A process pool on this machine; ``workers=1`` runs tasks in this process (easy to debug)."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._ctx = mp.get_context("spawn")
        self._counters = (self._ctx.Value("q", 0), self._ctx.Value("q", 0))
        self._pool: cf.ProcessPoolExecutor | None = None

    def counters(self):
        return self._counters

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=self._ctx,
                                                initializer=_init_worker, initargs=(self._counters,))
        return self._pool

    def map_unordered(self, fn, items, *, poll=None):
        items = list(items)
        if self.workers == 1 or len(items) <= 1:
            global COUNTERS
            saved, COUNTERS = COUNTERS, self._counters
            try:
                for i, item in enumerate(items):
                    yield i, fn(item)
                    if poll:
                        poll()
            finally:
                COUNTERS = saved
            return
        pool = self._get_pool()
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        yield from yield_as_done(futures, lambda pending: cf.wait(pending, timeout=0.25,
                                                                  return_when=cf.FIRST_COMPLETED)[0], poll)

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def make_executor(spec: dict | None, workers: int | None = None) -> Executor:
    spec = spec or {"type": "local"}
    kind = spec.get("type", "local")
    if kind == "local":
        return LocalExecutor(workers or spec.get("workers"))
    if kind == "dask":
        from .dask_executor import DaskExecutor

        return DaskExecutor(spec.get("address"), workers or spec.get("workers"),
                            spec.get("threads_per_worker") or 1)
    raise ValueError(f"unknown executor type {kind!r}")
