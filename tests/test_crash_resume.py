"""`corpuskit run` killed with SIGKILL at random moments, several times, across the stages and inside the phases
of the multi-phase dedup stages, then run again until it finishes: the output equals an uninterrupted run's
(kept rows, rejected rows with reasons, stats, token shards, tokenizer)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import comparable_stats, read_rows, read_stats, write_pipeline
from .test_runner import make_corpus

STAGES = [{"length": {"min_words": 3}}, {"gopher_repetition": {}}, {"exact_dedup": {}},
          {"minhash_dedup": {"threshold": 0.8, "verify": "exact"}}, {"line_dedup": {"mode": "first"}},
          {"length": {"max_chars": 400}}, {"tokenize": {"kind": "char", "val_fraction": 0.1}}]


def _config(tmp_path, corpus, name):
    return write_pipeline(tmp_path, {
        "name": "crash", "input": {"paths": [str(corpus)], "shard_bytes": 150_000},
        "output": {"path": str(tmp_path / name), "max_rows_per_shard": 900}, "stages": STAGES,
        "executor": {"type": "local", "workers": 2}}, f"{name}.yaml")


def _start(path):
    return subprocess.Popen([sys.executable, "-m", "corpuskit.cli", "run", str(path), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _where(out: Path) -> str:
    """How far a run got: shards done per segment, and the global phases' tasks done."""
    state, work = out / "_state", out / "_work"
    shards = len(list(state.glob("s*-t*.json"))) if state.exists() else 0
    phases = sorted({p.name.split("-")[1] for p in work.glob("global-*/phase-*.done")}) if work.exists() else []
    return f"{shards} shard markers, phases done in: {','.join(phases) or '-'}"


def _outputs(out: Path):
    return (sorted((r["id"], r["text"], r.get("tokens") and tuple(r["tokens"])) for r in read_rows(out / "kept")),
            sorted((r["id"], r["rejected_by"], r["reason"], r.get("duplicate_of")) for r in read_rows(out / "rejected")),
            comparable_stats(read_stats(out)), json.loads((out / "meta.json").read_text()),
            (out / "tokenizer.json").read_text())


def test_sigkill_at_random_points_then_rerun_equals_uninterrupted(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", files=8, docs=2500, seed=5)
    t0 = time.time()
    ref = _start(_config(tmp_path, corpus, "ref"))
    assert ref.wait(timeout=300) == 0, ref.stderr.read().decode()
    duration = time.time() - t0
    reference = _outputs(tmp_path / "ref")
    assert read_stats(tmp_path / "ref")["input"]["shards"] >= 6

    path = _config(tmp_path, corpus, "out")
    out = tmp_path / "out"
    rng = random.Random(20261123)
    kills = []
    # random moments, and once right after the first MinHash band task finished (inside a multi-phase stage)
    plan = [("random", 0.2, 0.5), ("band", None, None), ("random", 0.1, 0.4), ("random", 0.1, 0.4)]
    for how, lo, hi in plan:
        proc = _start(path)
        if how == "random":
            deadline = time.time() + rng.uniform(lo, hi) * duration
            while time.time() < deadline and proc.poll() is None:
                time.sleep(0.01)
        else:
            deadline = time.time() + 120
            while time.time() < deadline and proc.poll() is None and not list(out.glob("_work/global-*/phase-band-*.done")):
                time.sleep(0.005)
        if proc.poll() is not None:
            assert proc.returncode == 0, proc.stderr.read().decode()
            break
        where = _where(out)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills.append(f"{how}: {where}")
    final = _start(path)
    assert final.wait(timeout=300) == 0, final.stderr.read().decode()
    assert len(kills) >= 3, kills
    # one kill landed inside minhash_dedup: band tasks done, its cluster phase not yet
    assert any("band" in k and "cluster" not in k for k in kills), kills
    assert _outputs(out) == reference, kills
    assert not list(out.rglob(".*tmp")), "temporary files left behind"
    print("\n".join(kills))
