"""exact_dedup: a two-phase global stage (hash per shard, group per bucket), keep policies, resume."""

from __future__ import annotations

import json

import pytest

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline
from corpuskit.stages.exact_dedup import ExactDedup

from .conftest import kill_during_phases_then_resume, ROOT, read_rows, sample_label_key, write_pipeline

TEXTS = ["The Same Story, told once.", "the same story told once", "A different story entirely here.",
         "ＴＨＥ　ＳＡＭＥ　ＳＴＯＲＹ，ＴＯＬＤ　ＯＮＣＥ。", "同一个故事，讲了一次。", "同一个故事,讲了一次.", ""]


def _corpus(tmp_path, files=3):
    d = tmp_path / "corpus"
    d.mkdir()
    for f in range(files):
        rows = [{"text": t + (" longer version" if (f == 2 and i == 1) else ""), "url": f"http://x.example/{i}"}
                for i, t in enumerate(TEXTS)]
        (d / f"f{f}.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    return d


def _run(tmp_path, corpus, params, name="out"):
    cfg = {"input": {"paths": [str(corpus)], "shard_bytes": 1}, "output": str(tmp_path / name),
           "stages": [{"exact_dedup": params}], "executor": {"workers": 1}}
    return run_pipeline(load_config(write_pipeline(tmp_path, cfg, f"{name}.yaml")))


def test_exact_duplicates_across_shards_after_normalisation(tmp_path):
    result = _run(tmp_path, _corpus(tmp_path), {"buckets": 4})
    kept = sorted(r["id"] for r in read_rows(tmp_path / "out" / "kept"))
    # 0, 1, 3 are one text (case, punctuation, full width), 4 and 5 another, 2 a third, in every file;
    # empty texts are never duplicates; f2's #1 has extra words
    assert kept == ["f0.jsonl#0", "f0.jsonl#2", "f0.jsonl#4", "f0.jsonl#6", "f1.jsonl#6", "f2.jsonl#1",
                    "f2.jsonl#6"]
    rejected = {r["id"]: r for r in read_rows(tmp_path / "out" / "rejected")}
    assert rejected["f1.jsonl#3"]["duplicate_of"] == "f0.jsonl#0" and rejected["f1.jsonl#3"]["reason"] == "exact-duplicate"
    assert rejected["f2.jsonl#5"]["duplicate_of"] == "f0.jsonl#4"
    assert len({r["cluster_id"] for r in rejected.values()}) == 3
    stage = result.stats["stages"][1]
    assert stage["docs_in"] == 21 and stage["docs_rejected"] == len(rejected)


def test_keep_policies_are_deterministic(tmp_path):
    corpus = _corpus(tmp_path)
    _run(tmp_path, corpus, {"policy": "longest", "on": "url"}, "longest")
    kept = {r["id"] for r in read_rows(tmp_path / "longest" / "kept")}
    assert "f2.jsonl#1" in kept and len(kept) == len(TEXTS)  # one per URL; the longest text for URL /1
    _run(tmp_path, corpus, {"policy": "random", "seed": 5}, "r1")
    _run(tmp_path, corpus, {"policy": "random", "seed": 5, "buckets": 3}, "r2")
    assert sorted(r["id"] for r in read_rows(tmp_path / "r1" / "kept")) == \
        sorted(r["id"] for r in read_rows(tmp_path / "r2" / "kept"))


def test_parameters_are_checked():
    for bad in ({"on": "title"}, {"policy": "best"}, {"buckets": 0}):
        with pytest.raises(ValueError):
            ExactDedup(**bad)


def test_sample_crawl_mirrors_are_found_after_extraction(tmp_path):
    sample = ROOT / "pipelines" / "sample-crawl"
    cfg = {"input": {"paths": [str(sample / "crawl.warc.gz")]}, "output": str(tmp_path / "out"),
           "stages": [{"extract": {}}, {"exact_dedup": {}}], "executor": {"workers": 1}}
    run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    labels = {json.loads(line)["id"]: json.loads(line)
              for line in (sample / "labels.jsonl").read_text(encoding="utf-8").splitlines()}
    dups = [r for r in read_rows(tmp_path / "out" / "rejected") if r["rejected_by"] == "exact_dedup"]
    cats = sorted(labels[sample_label_key(r)]["category"] for r in dups)
    assert cats.count("exact_dup") == 10
    assert all(labels[sample_label_key(r)]["dup_of"] for r in dups if labels[sample_label_key(r)]["category"] == "exact_dup")


def test_resume_after_kills_inside_the_phases_gives_identical_output(tmp_path):

    from .conftest import run_outputs

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in range(6):
        rows = [{"text": f"document {i % 700} about topic {i % 13} " * (1 + i % 5)} for i in range(3000)]
        (corpus / f"f{f}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")

    def config(name):
        return {"name": "dedup", "input": {"paths": [str(corpus)], "shard_bytes": 100_000}, "output": str(tmp_path / name),
                "stages": [{"length": {"min_words": 3}}, {"exact_dedup": {"buckets": 8}}, {"length": {"max_chars": 300}}],
                "executor": {"workers": 2}}

    run_pipeline(load_config(write_pipeline(tmp_path, config("ref"), "ref.yaml")))
    path = write_pipeline(tmp_path, config("out"), "out.yaml")
    assert kill_during_phases_then_resume(tmp_path, path, tmp_path / "out", ["hash", "group"]) >= 1
    assert run_outputs(tmp_path / "out") == run_outputs(tmp_path / "ref")
