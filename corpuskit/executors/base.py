"""The executor contract: run independent tasks (per-shard work, the phases of global stages) and yield their
results as they finish.

The interface is one method, :meth:`Executor.map_unordered`, so that a distributed engine (Dask, Ray, a Slurm
array) can be added by implementing it. Workers report progress through shared counters; an executor that cannot
share memory may pass ``None`` and the runner falls back to per-task progress.
"""

from __future__ import annotations

import signal
from typing import Any, Callable, Iterable, Iterator

# Set in each worker of an executor that shares memory: (docs, bytes) counters for live progress, or None.
COUNTERS: tuple[Any, Any] | None = None


class WorkerDied(Exception):
    """A worker process died while running task ``index`` (None: unknown), e.g. killed by the out-of-memory
    killer. The runner turns it into an error naming the shard."""

    def __init__(self, index: int | None, how: str):
        self.index, self.how = index, how
        super().__init__(f"a worker process died ({how}) while running task {index}")


def describe_exit(exitcode: int | None) -> str:
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


def set_counters(counters: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    """Make ``counters`` the ones :func:`report_progress` adds to in this process; returns the previous ones."""
    global COUNTERS
    previous, COUNTERS = COUNTERS, counters
    return previous


# Set while tasks run in the process that shows progress (one worker, in-process): called after each report, so
# the progress line moves during a long task too (the display itself limits how often it redraws).
PROGRESS_HOOK: Callable[[], None] | None = None


def set_progress_hook(hook: Callable[[], None] | None) -> Callable[[], None] | None:
    """Make ``hook`` run after each :func:`report_progress` in this process; returns the previous one."""
    global PROGRESS_HOOK
    previous, PROGRESS_HOOK = PROGRESS_HOOK, hook
    return previous


def report_progress(docs: int = 0, nbytes: int = 0) -> None:
    """Called by workers after each batch."""
    if COUNTERS is None:
        return
    d, b = COUNTERS
    with d.get_lock():
        d.value += docs
    with b.get_lock():
        b.value += nbytes
    if PROGRESS_HOOK is not None:
        PROGRESS_HOOK()


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

    def start(self) -> None:
        """Begin starting the workers, ahead of the first tasks (while the run plans them); optional."""

    def close(self) -> None:
        pass
