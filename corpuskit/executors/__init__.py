"""Executors run the independent tasks of a run: ``base`` (the contract, progress counters), ``local`` (a process
pool on this machine) and ``dask`` (a Dask cluster); :func:`make_executor` builds one from a pipeline's
``executor:`` section."""

from __future__ import annotations

from .base import Executor, WorkerDied, report_progress, yield_as_done
from .local import LocalExecutor


def make_executor(spec: dict | None, workers: int | None = None) -> Executor:
    spec = spec or {"type": "local"}
    kind = spec.get("type", "local")
    if kind == "local":
        return LocalExecutor(workers or spec.get("workers"))
    if kind == "dask":
        from .dask import DaskExecutor

        return DaskExecutor(spec.get("address"), workers or spec.get("workers"),
                            spec.get("threads_per_worker") or 1)
    raise ValueError(f"unknown executor type {kind!r}")


__all__ = ["Executor", "LocalExecutor", "WorkerDied", "make_executor", "report_progress", "yield_as_done"]
