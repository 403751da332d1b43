"""The runner: conservation, output layout, resume after a crash, global-stage phases."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpuskit.recipe import load_config
from corpuskit.errors import OutputError
from corpuskit.runner import run_pipeline
from corpuskit.stage import STAGES, GlobalStage, Phase, register

from .conftest import read_rows, read_stats, run_outputs, shared, write_pipeline


def make_corpus(directory: Path, files: int = 4, docs: int = 300, seed: int = 0) -> Path:
    """JSONL files of short and long English/Chinese documents, some junk lines."""
    import random

    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    words = ["data", "model", "crawl", "text", "filter", "quality", "token", "web"]
    for f in range(files):
        lines = []
        for i in range(docs):
            if i % 97 == 13:
                lines.append('{"text": "broken json')
                continue
            if rng.random() < 0.5:
                text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
            else:
                text = "".join(rng.choice("语言模型数据过滤质量网页文本") for _ in range(rng.randint(1, 80)))
            lines.append(json.dumps({"text": text, "url": f"http://site{f}.example/{i}"}, ensure_ascii=False))
        (directory / f"part{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def basic_config(tmp_path: Path, corpus: Path, **extra) -> dict:
    cfg = {"name": "test", "input": {"paths": [str(corpus)]}, "output": {"path": str(tmp_path / "out")},
           "stages": [{"length": {"min_words": 10}}, {"length": {"max_chars": 300}}],
           "executor": {"type": "local", "workers": 1}}
    for k, v in extra.items():
        cfg[k] = v
    return cfg


def test_conservation_and_layout(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    cfg = load_config(write_pipeline(tmp_path, basic_config(tmp_path, corpus)))
    result = run_pipeline(cfg)
    out = tmp_path / "out"
    stats = read_stats(out)
    kept, rejected = read_rows(out / "kept"), read_rows(out / "rejected")
    all_ids = {f"part{f}.jsonl#{i}" for f in range(4) for i in range(300)}
    kept_ids = [r["id"] for r in kept]
    rej_ids = [r["id"] for r in rejected]
    assert len(kept_ids) + len(rej_ids) == len(all_ids)
    assert set(kept_ids) | set(rej_ids) == all_ids and not set(kept_ids) & set(rej_ids)
    for s in stats["stages"]:
        assert s["docs_in"] == s["docs_kept"] + s["docs_rejected"]
        assert sum(s["rejected_by_reason"].values()) == s["docs_rejected"]
    names = [s["name"] for s in stats["stages"]]
    assert names == ["read", "length", "length"]
    assert stats["stages"][0]["rejected_by_reason"] == {"read:invalid-json": 4 * 3}
    assert stats["output"] == {**stats["output"], "kept_docs": len(kept), "rejected_docs": len(rejected)}
    # every rejected document names its stage and reason; scores are kept as columns
    assert all(r["rejected_by"] and r["reason"] for r in rejected)
    assert {r["reason"].split("<")[0].split(">")[0] for r in rejected} == {
        "read:invalid-json", "length:words", "length:chars"}
    assert all(r["n_words"] >= 10 and r["n_chars"] <= 300 for r in kept)
    assert result.stats == stats


def test_chinese_word_counts_are_characters(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "zh.jsonl").write_text(
        json.dumps({"text": "今天天气很好我们去公园"}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "你好"}, ensure_ascii=False) + "\n", encoding="utf-8")
    cfg = basic_config(tmp_path, tmp_path / "c", stages=[{"length": {"min_words": 5}}])
    run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    kept = read_rows(tmp_path / "out" / "kept")
    assert [r["n_words"] for r in kept] == [11]


def test_parallel_run_equals_serial_run(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", files=6)
    serial = basic_config(tmp_path, corpus)
    serial["input"]["shard_bytes"] = 4096
    run_pipeline(load_config(write_pipeline(tmp_path, serial)))
    parallel = dict(serial, output={"path": str(tmp_path / "out2")}, executor={"type": "local", "workers": 2})
    run_pipeline(load_config(write_pipeline(tmp_path, parallel, "p2.yaml")))
    assert run_outputs(tmp_path / "out") == run_outputs(tmp_path / "out2")


def test_rerun_is_a_no_op_and_other_pipeline_is_refused(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", files=1)
    path = write_pipeline(tmp_path, basic_config(tmp_path, corpus))
    run_pipeline(load_config(path))
    again = run_pipeline(load_config(path))
    assert again.already_complete
    other = basic_config(tmp_path, corpus, stages=[{"length": {"min_words": 3}}])
    with pytest.raises(OutputError, match="different pipeline"):
        run_pipeline(load_config(write_pipeline(tmp_path, other, "other.yaml")))
    forced = run_pipeline(load_config(write_pipeline(tmp_path, other, "other.yaml")), force=True)
    assert [s["name"] for s in forced.stats["stages"]] == ["read", "length"]


def test_input_errors_are_reported_not_fatal(tmp_path):
    import gzip

    corpus = make_corpus(tmp_path / "corpus", files=2)
    data = gzip.compress(("\n".join(json.dumps({"text": f"doc {i} " * 20}) for i in range(30000)) + "\n").encode())
    (corpus / "trunc.jsonl.gz").write_bytes(data[: len(data) // 2])
    result = run_pipeline(load_config(write_pipeline(tmp_path, basic_config(tmp_path, corpus))))
    (err,) = result.stats["errors"]
    assert err["file"] == "trunc.jsonl.gz" and "truncated" in err["error"]
    assert result.stats["stages"][0]["docs_in"] > 600  # the good files and the readable part


# --- crash and resume -------------------------------------------------------------------------


def _run_cli(args, **kw):
    return subprocess.Popen([sys.executable, "-m", "corpuskit.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def test_resume_after_kill_gives_identical_output(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", files=8, docs=4000)
    ref_cfg = basic_config(tmp_path, corpus, output={"path": str(tmp_path / "ref"), "max_rows_per_shard": 700})
    ref_cfg["input"]["shard_bytes"] = 200_000
    run_pipeline(load_config(write_pipeline(tmp_path, ref_cfg, "ref.yaml")))
    reference = run_outputs(tmp_path / "ref")
    n_shards = read_stats(tmp_path / "ref")["input"]["shards"]
    assert n_shards >= 8

    cfg = dict(ref_cfg, output={"path": str(tmp_path / "out"), "max_rows_per_shard": 700})
    path = write_pipeline(tmp_path, cfg, "run.yaml")
    state = tmp_path / "out" / "_state"
    kills = 0
    for delay in (0.0, 0.4, 0.9):
        proc = _run_cli(["run", str(path), "--quiet", "--workers", "2"])  # a process pool, killed with it
        deadline = time.time() + 60
        # wait until the run is under way: past start-up, somewhere inside the shards
        while time.time() < deadline and proc.poll() is None:
            done = len(list(state.glob("s00-t*.json"))) if state.exists() else 0
            if done >= 1 + kills:
                break
            time.sleep(0.01)
        time.sleep(delay * 0.1)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        assert not (tmp_path / "out" / "stats.json").exists() or proc.returncode == 0
    assert kills >= 1
    final = _run_cli(["run", str(path), "--quiet"])
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    assert run_outputs(tmp_path / "out") == reference
    leftovers = [p.name for p in (tmp_path / "out").rglob(".*tmp")]
    assert leftovers == []


# --- global stages ------------------------------------------------------------------------------


class ExactDupForTest(GlobalStage):
    """A minimal two-phase global stage (hash per shard, then decide) to exercise the contract."""

    name = "test_exact_dup"

    def output_fields(self):
        return [pa.field("dup_of", pa.string())]

    def phases(self):
        return [Phase("hash", self._plan_hash, self._hash), Phase("decide", lambda ctx: [None], self._decide)]

    @staticmethod
    def _plan_hash(ctx):
        return list(range(len(ctx.shards)))

    @staticmethod
    def _hash(i, ctx):
        t = pq.read_table(ctx.shards[i], columns=["id", "text"])
        rows = [{"id": r["id"], "text": r["text"], "shard": i} for r in t.to_pylist()]
        Path(ctx.workdir, f"hash-{i}.json").write_text(json.dumps(rows))

    @staticmethod
    def _decide(_, ctx):
        first, dup = {}, {}
        for i in range(len(ctx.shards)):
            for r in json.loads(Path(ctx.workdir, f"hash-{i}.json").read_text()):
                if r["text"] in first:
                    dup[r["id"]] = first[r["text"]]
                else:
                    first[r["text"]] = r["id"]
        Path(ctx.workdir, "dups.json").write_text(json.dumps(dup))

    def process(self, table):
        from corpuskit.stage import StageResult

        dup = json.loads(Path(self.ctx.workdir, "dups.json").read_text())
        ids = table.column("id").to_pylist()
        mask = pa.array([i not in dup for i in ids])
        rejected = table.filter(pa.compute.invert(mask))
        rej_ids = rejected.column("id").to_pylist()
        rejected = rejected.append_column("dup_of", pa.array([dup[i] for i in rej_ids], pa.string()))
        rejected = rejected.append_column("reason", pa.array(["exact-duplicate"] * len(rej_ids), pa.string()))
        return StageResult(table.filter(mask), rejected)


def test_global_stage_runs_in_phases_between_segments(tmp_path):
    if "test_exact_dup" not in STAGES:
        register(ExactDupForTest)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = ["alpha " * 20, "beta " * 20, "alpha " * 20, "gamma " * 30, "beta " * 20, "x"]
    for f in range(2):
        (corpus / f"f{f}.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n")
    cfg = basic_config(tmp_path, corpus, stages=[{"length": {"min_chars": 5}}, "test_exact_dup",
                                                 {"length": {"max_chars": 150}}])
    cfg["input"]["shard_bytes"] = 10
    result = run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    stats = result.stats["stages"]
    assert [s["name"] for s in stats] == ["read", "length", "test_exact_dup", "length"]
    assert stats[2]["docs_in"] == 10 and stats[2]["docs_rejected"] == 7
    kept = read_rows(tmp_path / "out" / "kept")
    assert sorted(r["id"] for r in kept) == ["f0.jsonl#0", "f0.jsonl#1"]
    assert stats[3]["rejected_by_reason"] == {"length:chars>150": 1}
    rejected = {r["id"]: r for r in read_rows(tmp_path / "out" / "rejected")}
    assert rejected["f1.jsonl#0"]["dup_of"] == "f0.jsonl#0"
    assert rejected["f1.jsonl#0"]["rejected_by"] == "test_exact_dup"
    assert not (tmp_path / "out" / "_work").exists()


def test_reader_on_real_warc_through_runner(tmp_path):
    warc = shared("warc-samples")
    cfg = {"input": {"paths": [str(warc)]}, "output": str(tmp_path / "out"),
           "stages": [{"length": {"min_chars": 1}}], "executor": {"workers": 1}}
    result = run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    read = result.stats["stages"][0]
    assert read["docs_in"] >= 23
    assert read["counters"]["warc_records_skipped:request"] >= 17
    kept = read_rows(tmp_path / "out" / "kept")
    assert any("亚洲" in r["text"] for r in kept)


def test_two_runs_cannot_write_one_output(tmp_path):
    import fcntl

    corpus = make_corpus(tmp_path / "corpus", files=1)
    (tmp_path / "out").mkdir()
    with open(tmp_path / "out" / ".corpuskit.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="another corpuskit run"):
            run_pipeline(load_config(write_pipeline(tmp_path, basic_config(tmp_path, corpus))))
    run_pipeline(load_config(write_pipeline(tmp_path, basic_config(tmp_path, corpus))))
