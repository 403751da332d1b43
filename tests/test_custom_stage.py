"""A stage written in the user's own code (here: this test module), registered and named in a pipeline, runs in
worker processes too: with the local executor's process pool and on a Dask cluster, not only in-process."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline
from corpuskit.stage import Filter, register

from .conftest import read_rows, write_pipeline


@register
class ShortOut(Filter):
    """Reject documents shorter than ``min_chars`` characters, and keep their length as a column."""

    name = "test_short_out"

    def __init__(self, min_chars: int = 30):
        self.min_chars = min_chars

    def output_fields(self):
        return [pa.field("test_chars", pa.int64())]

    def score(self, table):
        return {"test_chars": pa.array([len(t or "") for t in table.column("text").to_pylist()], pa.int64())}

    def decide(self, table):
        return [None if n >= self.min_chars else f"test_short_out:chars<{self.min_chars}"
                for n in table.column("test_chars").to_pylist()]


def _corpus(tmp_path):
    (tmp_path / "in").mkdir()
    for f in range(4):  # four files: four shards, so two workers both get some
        docs = [{"id": f"f{f}-{j}", "text": f"file {'abcd'[f]} " + ("word " * (j * 3)).strip()} for j in range(12)]
        (tmp_path / "in" / f"p{f}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


def _run(tmp_path, name, executor):
    path = write_pipeline(tmp_path, {
        "name": "custom", "input": {"paths": [str(tmp_path / "in")], "id_field": "id", "shard_bytes": 1},
        "output": {"path": str(tmp_path / name)},
        "stages": [{"test_short_out": {"min_chars": 40}}, {"exact_dedup": {}}], "executor": executor},
        name=f"{name}.yaml")
    run_pipeline(load_config(path))
    kept = sorted((r["id"], r["test_chars"]) for r in read_rows(tmp_path / name / "kept"))
    rejected = sorted((r["id"], r["reason"]) for r in read_rows(tmp_path / name / "rejected"))
    return kept, rejected


def test_custom_stage_in_worker_processes(tmp_path):
    _corpus(tmp_path)
    one = _run(tmp_path, "one", {"type": "local", "workers": 1})
    two = _run(tmp_path, "two", {"type": "local", "workers": 2})
    assert one == two
    kept, rejected = two
    # "file a " + 3j words of 5 characters: j = 0, 1, 2 are under 40 characters, j = 3 .. 11 are kept
    assert len(kept) == 4 * 9 and all(chars >= 40 for _, chars in kept)
    assert sorted(r for _, r in rejected) == ["test_short_out:chars<40"] * (4 * 3)


def test_custom_stage_on_dask(tmp_path):
    pytest.importorskip("distributed")
    _corpus(tmp_path)
    local = _run(tmp_path, "local", {"type": "local", "workers": 1})
    dask = _run(tmp_path, "dask", {"type": "dask", "workers": 2})
    assert local == dask
