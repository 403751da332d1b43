"""Executors run independent tasks: per-shard work and the phases of global stages.

The interface is one method, :meth:`Executor.map_unordered`, so that a distributed engine
(Dask, Ray, a Slurm array) can be added by implementing it. Workers report progress through
shared counters; an executor that cannot share memory may pass ``None`` and the runner falls
back to per-task progress.
"""

from __future__ import annotations

import concurrent.futures as cf
from concurrent.futures.process import BrokenProcessPool
import ctypes
import multiprocessing as mp
import os
import signal
import sys
from typing import Any, Callable, Iterable, Iterator

# Set in each worker: (docs, bytes) shared counters for live progress, or None.
COUNTERS: tuple[Any, Any] | None = None
# Set in each worker: (shared array of [pid, task index + 1] pairs, this worker's slot), so that the parent can
# say which task a worker was running when it died.
_RUNNING: tuple[Any, int] | None = None


class WorkerDied(Exception):
    """A worker process died while running task ``index`` (None: unknown), e.g. killed by the out-of-memory
    killer. The runner turns it into an error naming the shard."""

    def __init__(self, index: int | None, how: str):
        self.index, self.how = index, how
        super().__init__(f"a worker process died ({how}) while running task {index}")


def _describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            return f"killed by {name}, usually the system's out-of-memory killer"
        return f"killed by {name}"
    return f"exit status {exitcode}"


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


def _init_worker(counters, running=None) -> None:
    global COUNTERS, _RUNNING
    COUNTERS = counters
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if running is not None:
        with running.get_lock():
            slots = len(running) // 2
            slot = next((k for k in range(slots) if running[2 * k] == 0), None)
            if slot is not None:
                running[2 * slot] = os.getpid()
        _RUNNING = (running, slot) if slot is not None else None


def _tracked(fn: Callable, index: int, item: Any) -> Any:
    """Runs in a worker: ``fn(item)``, with the task's index in the worker's slot while it runs."""
    if _RUNNING is not None:
        running, slot = _RUNNING
        running[2 * slot + 1] = index + 1
    try:
        return fn(item)
    finally:
        if _RUNNING is not None:
            running[2 * slot + 1] = 0


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
        self._running = None
        self._pool: cf.ProcessPoolExecutor | None = None

    def counters(self):
        return self._counters

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._running = self._ctx.Array("q", 2 * self.workers)
            self._pool = cf.ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=_init_worker,
                                                initargs=(self._counters, self._running))
        return self._pool

    def _dead_worker(self) -> WorkerDied:
        """After the pool broke: which worker died, how, and the task it was running."""
        processes = dict(getattr(self._pool, "_processes", None) or {})
        for proc in processes.values():
            proc.join(timeout=1)
        dead = {pid: proc.exitcode for pid, proc in processes.items() if proc.exitcode not in (None, 0)}
        # when one worker dies the pool terminates the others (SIGTERM): the one that died first is the one that
        # did not die of SIGTERM
        first = {pid: code for pid, code in dead.items() if code != -signal.SIGTERM} or dead
        running = list(self._running) if self._running is not None else []
        for k in range(len(running) // 2):
            pid, task = running[2 * k], running[2 * k + 1]
            if pid in first and task:
                return WorkerDied(task - 1, _describe_exit(first[pid]))
        how = _describe_exit(next(iter(first.values()))) if first else "it stopped answering"
        return WorkerDied(None, how)

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
        futures = {pool.submit(_tracked, fn, i, item): i for i, item in enumerate(items)}
        try:
            yield from yield_as_done(futures, lambda pending: cf.wait(pending, timeout=0.25,
                                                                      return_when=cf.FIRST_COMPLETED)[0], poll)
        except BrokenProcessPool:
            died = self._dead_worker()
            self.close()
            raise died from None

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._running = None


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
