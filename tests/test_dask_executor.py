"""The Dask executor gives the local executor's results: same kept and rejected rows, same stats, with the
multi-phase dedup stages' phases run as Dask tasks; on a LocalCluster it starts, and on one given by address."""

from __future__ import annotations

import json

import pytest

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import comparable_stats, read_rows, write_pipeline

pytest.importorskip("distributed")

WORDS = "river town hills sea spring water boats market bridge school morning winter harvest village road".split()


def _inputs(tmp_path):
    import random

    rnd = random.Random(3)
    base = []
    for i in range(60):
        if i % 3:
            base.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 90))) + ".")
        else:
            base.append("".join(rnd.choice("河水城镇山中发源流经入海春天位很高渔民们等洪过去后再出船捕鱼市场桥")
                                for _ in range(rnd.randint(80, 160))) + "。")
    (tmp_path / "in").mkdir()
    for f in range(6):  # six files, so six shards and six tasks per phase
        docs = [{"id": f"f{f}-{j}", "text": base[(f * 10 + j) % 60]} for j in range(10)]
        docs += [{"id": f"f{f}-copy", "text": base[(f * 7) % 60]},  # copies across files
                 {"id": f"f{f}-near", "text": base[(f * 11) % 60].replace(" ", "  ", 1) + " end"},
                 {"id": f"f{f}-short", "text": "too short"}]
        (tmp_path / "in" / f"part{f}.jsonl").write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")


def _config(tmp_path, name, executor):
    return write_pipeline(tmp_path, {
        "name": "dask-check", "input": {"paths": [str(tmp_path / "in")], "id_field": "id"},
        "output": {"path": str(tmp_path / name)},
        "stages": [{"length": {"min_chars": 20}}, {"exact_dedup": {}},
                   {"minhash_dedup": {"threshold": 0.7, "verify": "exact"}}, {"line_dedup": {"mode": "first"}},
                   {"tokenize": {"kind": "char", "val_fraction": 0.2}}],
        "executor": executor}, name=f"{name}.yaml")


def _result(out):
    def rows(side):
        return sorted(((r["id"], r.get("rejected_by"), r.get("reason"), r.get("duplicate_of"), r["text"])
                       for r in read_rows(out / side)))
    stats = comparable_stats(json.loads((out / "stats.json").read_text(encoding="utf-8")))
    return rows("kept"), rows("rejected"), stats, json.loads((out / "meta.json").read_text(encoding="utf-8"))


def test_dask_local_cluster_equals_local_executor(tmp_path):
    _inputs(tmp_path)
    local = run_pipeline(load_config(_config(tmp_path, "local", {"type": "local", "workers": 2})))
    dask = run_pipeline(load_config(_config(tmp_path, "dask", {"type": "dask", "workers": 2})))
    assert local.stats["output"]["kept_docs"] > 30 and local.stats["output"]["rejected_docs"] > 10
    reasons = {r for s in local.stats["stages"] for r in s["rejected_by_reason"]}
    assert {"exact-duplicate", "near-duplicate", "length:chars<20"} <= reasons
    a, b = _result(tmp_path / "local"), _result(tmp_path / "dask")
    assert a[0] == b[0] and a[1] == b[1]  # same kept and rejected rows
    assert {k: v for k, v in a[2].items() if k != "output"} == {k: v for k, v in b[2].items() if k != "output"}
    assert a[3] == b[3]  # same tokenizer and token counts
    # every phase of the global stages ran, as tasks
    phases = {s["name"]: s["global"]["phase_task_seconds"] for s in dask.stats["stages"] if "global" in s}
    assert set(phases["minhash_dedup"]) == {"signature", "band", "cluster"}


def test_dask_executor_on_a_cluster_given_by_address(tmp_path):
    from dask.distributed import LocalCluster

    _inputs(tmp_path)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      silence_logs=40) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        run_pipeline(load_config(_config(tmp_path, "remote", {"type": "dask", "address": cluster.scheduler_address})))
        # a task counts its worker's one thread as its cores (a model trained there runs its batch in one part)
        from corpuskit.executors.dask import DaskExecutor

        executor = DaskExecutor(cluster.scheduler_address)
        try:
            seen = [r for _, r in executor.map_unordered(
                lambda _: __import__("corpuskit.processes").processes.usable_cores(), range(3))]
        finally:
            executor.close()
        assert seen == [1, 1, 1]
    run_pipeline(load_config(_config(tmp_path, "local", {"type": "local", "workers": 1})))
    a, b = _result(tmp_path / "local"), _result(tmp_path / "remote")
    assert a[0] == b[0] and a[1] == b[1] and a[3] == b[3]


def test_dask_executor_settings_are_checked(tmp_path):
    from corpuskit.errors import ConfigError

    _inputs(tmp_path)
    path = _config(tmp_path, "bad", {"type": "dask", "address": 8786})
    with pytest.raises(ConfigError, match="executor.address"):
        load_config(path)
    path = _config(tmp_path, "bad2", {"type": "dask", "nodes": 3})
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(path)
