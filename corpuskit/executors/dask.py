"""The Dask executor: the runner's tasks (per-shard work and every phase of the global stages, dedup included) as
Dask futures on a ``distributed`` cluster — one given by its scheduler address, or a ``LocalCluster`` started here.

```yaml
executor: {type: dask}                                   # a local cluster: one worker process per core
executor: {type: dask, workers: 4}                       # ... of 4 workers
executor: {type: dask, address: "tcp://10.0.0.5:8786"}  # a running cluster (dask-scheduler, dask-jobqueue, ...)
```

The runner stays the only writer of run state: tasks write their own output files (atomically, named by task) and
done-markers, exactly as under the local executor, so results, resumption and stats are the same whatever runs
the tasks. A cluster's workers therefore need corpuskit installed (the same version) and must see the input and
output paths at the same place as the machine that runs ``corpuskit run`` (a shared file system). Progress is per
task (workers on other machines cannot share counters). ``pip install 'corpuskit[dask]'``.

Each task counts its worker's threads as its cores (``usable_cores``): a worker process of one thread on a machine
of 16 cores is one of 16 such workers, and a model trained in it (an ablation's) runs its batch in one part, not 16.
"""

from __future__ import annotations

import os
import uuid

from ..errors import CorpuskitError
from .base import Executor, yield_as_done


def _in_worker_share(fn, item):
    """Runs on a Dask worker: ``fn(item)`` with this process's core share set to the worker's thread count."""
    from ..processes import set_core_share

    try:
        from dask.distributed import get_worker

        worker = get_worker()
        threads = getattr(getattr(worker, "state", None), "nthreads", None) or getattr(worker, "nthreads", None)
    except (ImportError, ValueError):  # not in a worker
        threads = None
    set_core_share(threads)
    return fn(item)


class DaskExecutor(Executor):
    def __init__(self, address: str | None = None, workers: int | None = None, threads_per_worker: int = 1):
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise CorpuskitError("executor type dask needs Dask: pip install 'dask[distributed]' "
                                 "(or corpuskit[dask])") from exc
        self._cluster = None
        if address:
            try:
                self.client = Client(address, timeout="30s")
            except OSError as exc:
                raise CorpuskitError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        else:
            n = max(1, workers or os.cpu_count() or 1)
            # non-daemonic workers: the extract stage isolates each page batch in a child process
            with dask.config.set({"distributed.worker.daemon": False}):
                self._cluster = LocalCluster(n_workers=n, threads_per_worker=threads_per_worker, processes=True,
                                             host="127.0.0.1", dashboard_address=None, silence_logs=40)
            self.client = Client(self._cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map_unordered(self, fn, items, *, poll=None):
        from dask.distributed import wait

        items = list(items)
        if not items:
            return
        # a key per task and call: Dask would hand back an earlier call's result for a key it still holds
        batch = f"corpuskit-{getattr(fn, '__name__', 'task')}-{uuid.uuid4().hex[:12]}"
        futures = {self.client.submit(_in_worker_share, fn, item, pure=False, key=f"{batch}-{i}"): i
                   for i, item in enumerate(items)}

        def wait_some(pending: set) -> set:
            try:
                wait(list(pending), timeout=0.25, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished in this interval
                pass
            return {f for f in pending if f.done()}

        try:
            yield from yield_as_done(futures, wait_some, poll)
        finally:
            for fut in futures:
                fut.release()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
