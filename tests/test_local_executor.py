"""The local process pool: each worker's share of the cores and of the BLAS threads."""

from __future__ import annotations

import os

import pytest

from corpuskit.executors.local import LocalExecutor, share_blas_threads


def _blas_threads(_):
    from threadpoolctl import threadpool_info

    from corpuskit.gpt.parallel import auto_parts
    from corpuskit.processes import usable_cores

    blas = sorted({i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"})
    return os.getpid(), blas, usable_cores(), auto_parts(64, 256)


def _cores():
    from corpuskit.processes import machine_cores

    return machine_cores()


@pytest.fixture(autouse=True)
def _no_share_left_behind():
    """share_blas_threads run in the test runner sets this process's core share: take it back afterwards."""
    from corpuskit.processes import set_core_share

    yield
    set_core_share(None)


def test_workers_share_the_blas_threads(monkeypatch):
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        monkeypatch.delenv(v, raising=False)
    executor = LocalExecutor(workers=2)
    try:
        results = [r for _, r in executor.map_unordered(_blas_threads, range(6))]
    finally:
        executor.close()
    assert {r[0] for r in results} - {os.getpid()}  # ran in the workers
    expected = max(1, _cores() // 2)
    assert all(threads == [expected] for _, threads, _, _ in results), results
    # what sizes itself by the cores (usable_cores, the GPT's batch parts) sees the worker's share, not the machine
    assert all(cores == expected and parts == min(expected, 64) for _, _, cores, parts in results), results


def test_a_thread_count_the_user_set_is_left_alone(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    assert share_blas_threads(2) is None
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    from corpuskit.processes import usable_cores

    assert usable_cores() == max(1, _cores() // 2)  # the share of the cores still applies


@pytest.mark.skipif(_cores() < 2, reason="needs 2 cores")
def test_share_is_at_least_one_thread(monkeypatch):
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        monkeypatch.delenv(v, raising=False)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=None):  # restored afterwards: this process is the test runner
        assert share_blas_threads(10 * _cores()) == 1
