"""Splitting one large input into several tasks: the task size follows the input size and the worker count, a
WARC is cut at record (or gzip member) boundaries, and a split run keeps exactly what an unsplit one keeps."""

from __future__ import annotations

import io
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpuskit import inputs
from corpuskit.readers import ProgressSink, ReaderOptions, make_reader
from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import read_rows, read_stats, write_pipeline

WORDS = ["data", "model", "crawl", "text", "filter", "quality", "token", "web", "page", "corpus", "shard"]


def make_jsonl(path: Path, docs: int = 12_000, seed: int = 0) -> Path:
    """A few MB of JSON lines: documents of 1 to 120 words, some broken lines and empty ones."""
    rng = random.Random(seed)
    lines = []
    for i in range(docs):
        if i % 211 == 7:
            lines.append('{"text": "broken')
        elif i % 503 == 11:
            lines.append("")
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 120)))
            lines.append(json.dumps({"text": text, "url": f"http://site.example/{i}"}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_warc(path: Path, records: int = 600, gz: bool = False, seed: int = 0) -> Path:
    """A WARC of a warcinfo record, HTML responses (a few 404s) and requests, one gzip member each if ``gz``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(records):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 400)))
            body = f"<html><head><title>p{i}</title></head><body><p>{words}</p></body></html>".encode()
            status = "404 Not Found" if i % 37 == 5 else "200 OK"
            http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://site.example/{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
            if i % 4 == 0:
                writer.write_record(writer.create_warc_record(f"http://site.example/{i}", "request",
                                                              payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    return path


def pipeline(tmp_path: Path, corpus: Path, name: str, workers: int, shard_bytes: int | None = None) -> Path:
    cfg = {"name": "split", "input": {"paths": [str(corpus)]}, "output": {"path": str(tmp_path / name)},
           "stages": [{"length": {"min_words": 20}}, {"exact_dedup": {}}],
           "executor": {"type": "local", "workers": workers}}
    if shard_bytes is not None:
        cfg["input"]["shard_bytes"] = shard_bytes
    return write_pipeline(tmp_path, cfg, f"{name}.yaml")


def kept_and_counts(out: Path) -> tuple[list[tuple], list[tuple], list[dict]]:
    """What a split and an unsplit run must agree on: kept (id, text) in order, rejected (id, reason), and
    each stage's counts (times and the number of shards aside)."""
    kept = [(r["id"], r["text"]) for r in read_rows(out / "kept")]
    rejected = sorted((r["id"], r["reason"]) for r in read_rows(out / "rejected"))
    stages = [{k: v for k, v in s.items() if k not in ("seconds", "global")} for s in read_stats(out)["stages"]]
    return kept, rejected, stages


def planned_tasks(out: Path) -> int:
    return len(json.loads((out / "_state" / "plan.json").read_text())["shards"])


@pytest.fixture
def small_tasks(monkeypatch):
    """Automatic task sizes down to 64 KB, so that test inputs of a few MB split the way large ones do."""
    monkeypatch.setattr(inputs, "MIN_TASK_BYTES", 64 * 1024)


@pytest.mark.parametrize("kind", ["jsonl", "warc", "warc.gz"])
def test_split_run_keeps_what_an_unsplit_run_keeps(tmp_path, small_tasks, kind):
    if kind == "jsonl":
        corpus = make_jsonl(tmp_path / "in" / "big.jsonl")
    else:
        corpus = make_warc(tmp_path / "in" / f"crawl.{kind}", gz=kind.endswith("gz"))
    run_pipeline(load_config(pipeline(tmp_path, corpus, "whole", 1, shard_bytes=1 << 40)))
    run_pipeline(load_config(pipeline(tmp_path, corpus, "split", 2)))
    assert planned_tasks(tmp_path / "whole") == 1
    assert planned_tasks(tmp_path / "split") >= 4
    whole, split = kept_and_counts(tmp_path / "whole"), kept_and_counts(tmp_path / "split")
    assert split == whole
    assert len(whole[0]) > 100 and whole[1]
    assert read_stats(tmp_path / "split")["stages"][0]["counters"] == read_stats(tmp_path / "whole")["stages"][0][
        "counters"]


def test_task_count_grows_with_workers(tmp_path, small_tasks):
    corpus = make_jsonl(tmp_path / "in" / "big.jsonl")
    counts = []
    for workers in (1, 2, 4):
        run_pipeline(load_config(pipeline(tmp_path, corpus, f"w{workers}", workers)))
        counts.append(planned_tasks(tmp_path / f"w{workers}"))
    assert counts[0] < counts[1] < counts[2], counts
    assert kept_and_counts(tmp_path / "w1") == kept_and_counts(tmp_path / "w4")


def test_explicit_shard_bytes_wins(tmp_path, small_tasks):
    corpus = make_jsonl(tmp_path / "in" / "big.jsonl")
    run_pipeline(load_config(pipeline(tmp_path, corpus, "fixed", 2, shard_bytes=1 << 30)))
    assert planned_tasks(tmp_path / "fixed") == 1


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_ranges_read_the_records_of_the_whole_file(tmp_path, gz):
    path = make_warc(tmp_path / f"c.warc{'.gz' if gz else ''}", records=300, gz=gz)
    size = path.stat().st_size
    whole_reader = make_reader("warc", ReaderOptions(shard_bytes=1 << 40))
    [whole_task] = whole_reader.plan(str(path), "c", size)
    whole = list(whole_reader.iter_docs(whole_task, ProgressSink()))
    reader = make_reader("warc", ReaderOptions(shard_bytes=size // 6))
    tasks = reader.plan(str(path), "c", size)
    assert len(tasks) >= 4 and sum(t.size for t in tasks) == size
    docs, consumed = [], 0
    for task in tasks:
        sink = ProgressSink()
        docs.extend(reader.iter_docs(task, sink))
        assert sink.position == task.size  # progress counts each range's own bytes
        consumed += sink.position
    assert docs == whole and consumed == size
    assert reader.counters() == whole_reader.counters()


def test_one_big_gzip_stream_is_not_split(tmp_path):
    import gzip

    plain = make_warc(tmp_path / "c.warc", records=200)
    path = tmp_path / "one-stream.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    reader = make_reader("warc", ReaderOptions(shard_bytes=1024))
    assert len(reader.plan(str(path), "c", path.stat().st_size)) == 1


def test_a_warc_with_a_wrong_length_is_not_split(tmp_path):
    path = make_warc(tmp_path / "c.warc", records=200)
    data = path.read_bytes()
    at = data.index(b"Content-Length: ", len(data) // 2)
    end = data.index(b"\r\n", at)
    path.write_bytes(data[:at] + b"Content-Length: 5" + data[end:])
    reader = make_reader("warc", ReaderOptions(shard_bytes=1024))
    assert len(reader.plan(str(path), "c", path.stat().st_size)) == 1


def _run_cli(pipeline_file: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "corpuskit.cli", "run", str(pipeline_file), "-q", "-w",
                             str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_split_run_resumes_with_its_plan(tmp_path):
    corpus = make_jsonl(tmp_path / "in" / "big.jsonl", docs=20_000)
    reference = pipeline(tmp_path, corpus, "reference", 1, shard_bytes=1 << 40)
    run_pipeline(load_config(reference))
    resumed = pipeline(tmp_path, corpus, "resumed", 2, shard_bytes=200_000)
    out = tmp_path / "resumed"
    proc = _run_cli(resumed, 2)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not any((out / "_state").glob("s00-t*.json")):
        time.sleep(0.005)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    plan_before = (out / "_state" / "plan.json").read_text()
    final = subprocess.run([sys.executable, "-m", "corpuskit.cli", "run", str(resumed), "-w", "1"],
                           capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    if killed:
        assert "resuming: " in final.stderr and " tasks done" in final.stderr, final.stderr
    assert (out / "_state" / "plan.json").read_text() == plan_before  # another worker count, the same plan
    assert planned_tasks(out) > 4
    assert kept_and_counts(out) == kept_and_counts(tmp_path / "reference")


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_moves_while_a_task_runs(tmp_path, workers):
    """The line is redrawn from the workers' counters before the only task ends, with an ETA from bytes."""
    from corpuskit.progress import Progress
    from corpuskit.runner import Runner

    corpus = make_jsonl(tmp_path / "in" / "big.jsonl", docs=30_000)
    stream = io.StringIO()
    config = load_config(pipeline(tmp_path, corpus, "progress", workers, shard_bytes=1 << 40))
    Runner(config, progress=Progress(enabled=True, stream=stream, interval=0)).run()
    lines = stream.getvalue().split("\r")
    during = [line for line in lines if "[segment 0]  0/1 tasks" in line and " 0 docs" not in line]
    assert during, stream.getvalue()
    assert len(during) >= 3 and "ETA --:--" not in during[-1], during
