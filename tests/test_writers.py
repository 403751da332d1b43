"""Shard writers: rotation bounds, formats, atomic commit."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq

from corpuskit.schema import kept_schema
from corpuskit.writers import ShardWriter


def _table(n, start=0):
    return pa.table({"id": [f"d{i}" for i in range(start, start + n)], "text": ["x" * 100] * n})


def test_rotation_by_rows_and_commit(tmp_path):
    w = ShardWriter(tmp_path, "part-a", kept_schema([]), max_rows=250)
    for k in range(7):
        w.write(_table(100, k * 100))
    assert list(tmp_path.glob("part-*")) == []  # nothing visible before commit
    files = w.commit()
    assert [f.name for f in files] == [f"part-a-{i:04d}.parquet" for i in range(3)]
    counts = [pq.read_metadata(f).num_rows for f in files]
    assert counts == [250, 250, 200]
    ids = [i for f in files for i in pq.read_table(f).column("id").to_pylist()]
    assert ids == [f"d{i}" for i in range(700)]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert pq.read_schema(files[0]).names == ["id", "text", "url", "source", "content_type", "meta"]


def test_rotation_by_bytes(tmp_path):
    w = ShardWriter(tmp_path, "p", kept_schema([]), max_bytes=30_000)
    for k in range(10):
        w.write(_table(100, k * 100))
    assert len(w.commit()) > 1


def test_jsonl_outputs(tmp_path):
    for fmt, opener in (("jsonl", open), ("jsonl.gz", gzip.open)):
        w = ShardWriter(tmp_path / fmt, "p", kept_schema([]), fmt=fmt)
        w.write(_table(3))
        (f,) = w.commit()
        with opener(f, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        assert [r["id"] for r in rows] == ["d0", "d1", "d2"] and rows[0]["url"] is None


def test_abort_leaves_nothing(tmp_path):
    w = ShardWriter(tmp_path, "p", kept_schema([]), max_rows=10)
    w.write(_table(25))
    w.abort()
    assert list(tmp_path.iterdir()) == []
