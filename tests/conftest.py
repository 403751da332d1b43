"""Shared test helpers. Real data sets live in ../shared/data beside the project; tests that need
them skip with a clear reason where that folder is absent (a fresh clone on a user's machine)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data set not available: {path}")
    return path


def write_pipeline(tmp_path: Path, config: dict, name: str = "pipeline.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def read_rows(directory: Path) -> list[dict]:
    rows = []
    for f in sorted(Path(directory).glob("part-*.parquet")):
        rows.extend(pq.read_table(f).to_pylist())
    return rows


def read_stats(out: Path) -> dict:
    return json.loads((Path(out) / "stats.json").read_text(encoding="utf-8"))


def comparable_stats(stats: dict) -> dict:
    """Stats without the fields that legitimately differ between two runs (times)."""
    keep = {k: v for k, v in stats.items() if k not in ("finished", "wall_seconds")}
    keep["stages"] = [{k: v for k, v in s.items() if k != "seconds"} for s in stats["stages"]]
    for s in keep["stages"]:
        if "global" in s:
            s["global"] = {k: v for k, v in s["global"].items() if k != "phase_task_seconds"}
    return keep


def sample_label_key(row: dict) -> str:
    """The key of a sample-crawl document in labels.jsonl: URL (WARC), the JSON id (JSONL), file name (HTML)."""
    meta = json.loads(row["meta"]) if row["meta"] else {}
    if row["source"].endswith(".warc.gz"):
        return row["url"]
    if row["source"].endswith(".jsonl.gz"):
        return meta["id"]
    return Path(row["id"]).name
