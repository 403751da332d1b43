"""Shared test helpers. Real data sets live in ../shared/data beside the project; tests that need
them skip with a clear reason where that folder is absent (a fresh clone on a user's machine)."""

from __future__ import annotations

import json
import re
import os
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# the trainer caches its measured matmul peak per user: tests (and the corpuskit processes they start) keep theirs
# in a directory of their own, so they neither read nor write the user's
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="corpuskit-test-cache-")
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


def run_outputs(out: Path) -> tuple[list[dict], list[dict], dict]:
    """What two runs that should be the same must agree on: kept rows, rejected rows and stats (times aside)."""
    return read_rows(Path(out) / "kept"), read_rows(Path(out) / "rejected"), comparable_stats(read_stats(out))


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


def kill_during_phases_then_resume(tmp_path: Path, pipeline: Path, out: Path, phases: list[str]) -> int:
    """SIGKILL ``corpuskit run PIPELINE`` once a task of each global phase in ``phases`` (of the first global
    stage) has finished, then once a shard of the segment after it has; then run it to the end. Returns
    how many runs were killed (a run may finish before its trigger)."""
    import signal
    import subprocess
    import sys
    import time

    work, state = out / "_work", out / "_state"
    triggers = [(lambda ph=ph: any(work.glob(f"global-00/phase-{ph}-*.done"))) for ph in phases]
    triggers.append(lambda: any(state.glob("s01-t*.json")))
    kills = 0
    for trigger in triggers:
        proc = subprocess.Popen([sys.executable, "-m", "corpuskit.cli", "run", str(pipeline), "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 90
        while time.time() < deadline and proc.poll() is None and not trigger():
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    final = subprocess.run([sys.executable, "-m", "corpuskit.cli", "run", str(pipeline), "-q"], capture_output=True)
    assert final.returncode == 0, final.stderr.decode()
    return kills


# ---------------------------------------------------------------------------------------------
# A real S3 server on 127.0.0.1 (moto's server mode): the object-storage tests read and write buckets there over
# HTTP, from this process and from the worker processes and subprocesses it starts (they inherit the environment).

_S3_ENV = {"AWS_ACCESS_KEY_ID": "corpuskit-test", "AWS_SECRET_ACCESS_KEY": "corpuskit-test-secret",
           "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of an S3 server for the whole session; ``AWS_*`` variables in the environment point at it."""
    pytest.importorskip("s3fs", reason="s3fs is not installed (pip install -e '.[dev]')")
    server_mod = pytest.importorskip("moto.server", reason="moto[server] is not installed (pip install -e '.[dev]')")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    saved = {k: os.environ.get(k) for k in [*_S3_ENV, "AWS_ENDPOINT_URL"]}
    os.environ.update(_S3_ENV, AWS_ENDPOINT_URL=endpoint)
    try:
        yield endpoint
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def s3_bucket(s3_server, request):
    """A new, empty bucket on the session's S3 server: its name (``corpuskit-<test>-<n>``)."""
    import boto3
    import fsspec

    from s3fs import S3FileSystem

    # fsspec keeps one S3 client per process, made with the environment of its time: not one that a test before
    # made without credentials or for another server
    S3FileSystem.clear_instance_cache()
    _S3_BUCKETS[0] += 1
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:30].strip("-")
    name = f"ck-{stem}-{_S3_BUCKETS[0]}"
    boto3.client("s3", endpoint_url=s3_server).create_bucket(Bucket=name)
    fsspec.filesystem("s3").invalidate_cache()  # s3fs caches listings per process
    return name


_S3_BUCKETS = [0]
