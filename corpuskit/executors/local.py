"""A process pool on this machine (``executor: {type: local}``, the default)."""

from __future__ import annotations

import concurrent.futures as cf
from concurrent.futures.process import BrokenProcessPool
import multiprocessing as mp
import os
import signal
from typing import Any, Callable

from ..processes import die_with_parent, machine_cores, set_core_share
from .base import Executor, WorkerDied, describe_exit, set_counters, set_progress_hook, yield_as_done

# Set in each worker: (shared array of [pid, task index + 1] pairs, this worker's slot), so that the parent can
# say which task a worker was running when it died.
_RUNNING: tuple[Any, int] | None = None


_BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def share_blas_threads(workers: int) -> int | None:
    """In a worker of a pool of ``workers``: this process's share of the cores (at least 1) becomes what
    ``usable_cores`` answers, and BLAS is limited to it, unless the user set a thread count in the environment. By
    default OpenBLAS starts a thread per core in every process, so ``workers`` processes doing matrix products (the
    perplexity stage's GPT, an ablation's trainings) ran ``workers`` x cores threads: 2 workers on 2 cores took 3.8x
    the task time of 1. Returns the BLAS limit set, or None."""
    threads = max(1, machine_cores() // max(1, workers))
    set_core_share(threads)
    if any(os.environ.get(v) for v in _BLAS_VARIABLES):
        return None
    for v in _BLAS_VARIABLES:  # for BLAS libraries loaded later in this process
        os.environ[v] = str(threads)
    import numpy  # noqa: F401  (loads numpy's BLAS, so that the limit below reaches it)
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=threads, user_api="blas")
    return threads


def _init_worker(counters, running=None, parent_pid: int | None = None, workers: int = 1) -> None:
    global _RUNNING
    set_counters(counters)
    share_blas_threads(workers)
    die_with_parent(parent_pid)
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
                                                initargs=(self._counters, self._running, os.getpid(),
                                                          self.workers))
        return self._pool

    def start(self) -> None:
        """Spawn the worker processes now: each imports corpuskit for a second or more, which then overlaps with
        the planning (reading a large input to cut it) instead of delaying the first tasks."""
        if self.workers > 1 and self._pool is None:
            pool = self._get_pool()
            for _ in range(self.workers):
                pool.submit(os.getpid)

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
                return WorkerDied(task - 1, describe_exit(first[pid]))
        how = describe_exit(next(iter(first.values()))) if first else "it stopped answering"
        return WorkerDied(None, how)

    def map_unordered(self, fn, items, *, poll=None):
        items = list(items)
        if self.workers == 1 or len(items) <= 1:
            saved, saved_hook = set_counters(self._counters), set_progress_hook(poll)
            try:
                for i, item in enumerate(items):
                    result = fn(item)
                    set_progress_hook(saved_hook)  # not while the caller handles the result
                    yield i, result
                    set_progress_hook(poll)
                    if poll:
                        poll()
            finally:
                set_counters(saved)
                set_progress_hook(saved_hook)
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
