"""The shipped sample crawl and the quickstart pipeline that runs on it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import ROOT, read_rows, sample_label_key

SAMPLE = ROOT / "pipelines" / "sample-crawl"


def generate(out_dir, seed: int = 0):
    """The sample crawl's generator: tooling in benchmarks/samplecrawl, not part of the corpuskit package."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from samplecrawl import generate as generate_crawl

    return generate_crawl(out_dir, seed=seed)


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def test_sample_crawl_regenerates_identically(tmp_path):
    generate(tmp_path)
    shipped = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == shipped
    for rel in shipped:
        assert _content(tmp_path / rel) == _content(SAMPLE / rel), rel


def test_quickstart_accounts_for_every_sample_document(tmp_path):
    config = load_config(ROOT / "pipelines" / "quickstart.yaml")
    config.output = str(tmp_path / "out")
    config.executor = {"type": "local", "workers": 1}
    result = run_pipeline(config)
    rows = read_rows(tmp_path / "out" / "kept") + read_rows(tmp_path / "out" / "rejected")
    labels = [json.loads(line) for line in (SAMPLE / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(labels) == result.stats["stages"][0]["docs_in"]

    by_key = {sample_label_key(r): r for r in rows}
    assert set(by_key) == {label["id"] for label in labels}
    for label in labels:
        row = by_key[label["id"]]
        if label["category"] in ("http_404", "redirect", "binary"):
            assert row["rejected_by"] == "read", label
        if label.get("header_charset") == "gb2312":
            assert json.loads(row["meta"])["charset"] == "gb18030"
            assert sum("\u4e00" <= c <= "\u9fff" for c in row["text"]) > 50
            assert "\ufffd" not in row["text"]
    reasons = {r["reason"] for r in rows if r.get("reason")}
    assert {"read:http-status-404", "read:http-status-301", "read:non-text-content"} <= reasons
    # the run ends with token shards that decode to the kept text, and their meta.json
    from corpuskit.tokenizer import load_tokenizer

    meta = json.loads((tmp_path / "out" / "meta.json").read_text(encoding="utf-8"))
    tok = load_tokenizer(tmp_path / "out" / "tokenizer.json")
    kept = read_rows(tmp_path / "out" / "kept")
    assert meta["documents"]["train"] + meta["documents"]["val"] == len(kept) > 100
    for row in kept:
        assert row["tokens"][-1] == meta["tokenizer"]["eot_id"] and tok.decode(row["tokens"][:-1]) == row["text"]


def test_quickstart_trains_a_gpt_and_samples_from_it(tmp_path):
    """The train and generate sections after the stages (shortened: the shipped file trains 600 steps)."""
    from corpuskit.gpt.pipeline import run_model_steps

    config = load_config(ROOT / "pipelines" / "quickstart.yaml")
    assert config.train["max_iters"] >= 500 and config.generate["prompts"] == ["The ", "中国"]
    config.output = str(tmp_path / "out")
    run_pipeline(config)
    config.train = {**config.train, "max_iters": 40, "eval_interval": 20, "eval_iters": 2}
    config.generate = {**config.generate, "max_new_tokens": 20}
    result = run_model_steps(config, log=lambda m: None)
    run = tmp_path / "out" / "model"
    assert result["step"] == 40 and result["val_loss"] < 7.0  # ln(2048) = 7.62 at the start
    log = [json.loads(line) for line in (run / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [h["step"] for h in log if "val_loss" in h] == [0, 20, 40]
    samples = [json.loads(line) for line in (run / "samples.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [s["prompt"] for s in samples] == ["The ", "中国"] and samples == result["samples"]
    assert all(s["text"] for s in samples)
    again = run_model_steps(config, log=lambda m: None)  # complete: resumes at the end, same samples
    assert again["samples"] == samples and again["step"] == 40


@pytest.mark.parametrize("name", ["web-en", "web-zh", "dedup-only"])
def test_ready_pipelines_run_on_the_sample_crawl(tmp_path, name):
    """Each ready pipeline validates and runs on its default input (the shipped sample), every document
    accounted for; web-en keeps only English, web-zh only Chinese."""
    config = load_config(ROOT / "pipelines" / f"{name}.yaml")
    text = (ROOT / "pipelines" / f"{name}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# " + name + ":")  # a documented header
    config.output = str(tmp_path / "out")
    result = run_pipeline(config)
    stats = result.stats
    kept, rejected = read_rows(tmp_path / "out" / "kept"), read_rows(tmp_path / "out" / "rejected")
    assert len(kept) + len(rejected) == stats["stages"][0]["docs_in"] > 0 and kept
    if name != "dedup-only":
        assert {r["language"] for r in kept} == {"en" if name == "web-en" else "zh"}
        assert (tmp_path / "out" / "meta.json").exists()
    else:
        removed = {r["rejected_by"] for r in rejected}
        assert {"exact_dedup", "minhash_dedup"} <= removed <= {"read", "extract", "exact_dedup", "minhash_dedup",
                                                               "line_dedup"}
