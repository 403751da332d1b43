"""minhash_dedup: LSH near-duplicate removal as a three-phase global stage."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from corpuskit.config import load_config
from corpuskit.runner import run_pipeline
from corpuskit.stages.minhash_dedup import MinHashDedup, band_keys

from .conftest import ROOT, read_rows, sample_label_key, shared, write_pipeline


def _run(tmp_path, paths, stages, **input_options):
    cfg = {"input": {"paths": [str(p) for p in paths], **input_options}, "output": str(tmp_path / "out"),
           "stages": stages, "executor": {"workers": 1}}
    return run_pipeline(load_config(write_pipeline(tmp_path, cfg)))


def test_band_keys_group_equal_bands_only():
    sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 3, 4]], dtype=np.uint32)
    keys = band_keys(sig, bands=2, rows=2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] == keys[2, 1]
    assert keys[0, 0] != keys[2, 0] and keys[0, 1] != keys[1, 1] and keys[0, 0] != keys[0, 1]


def test_parameters():
    assert (MinHashDedup().bands, MinHashDedup().rows) == (9, 13)  # datasketch's optimal_param(0.8, 128)
    for bad in ({"threshold": 1.5}, {"bands": 4}, {"bands": 20, "rows": 20}, {"policy": "best"}):
        with pytest.raises(ValueError):
            MinHashDedup(**bad)


def test_cs336_fuzzy_fixture(tmp_path):
    d = shared("cs336-a4-fixtures", "documents_with_fuzzy_duplicates")
    _run(tmp_path, [d], [{"minhash_dedup": {"threshold": 0.5, "ngram": 5}}])
    kept = sorted(r["id"] for r in read_rows(tmp_path / "out" / "kept"))
    mit = [k for k in kept if "mit_license" in k]
    assert len(kept) == 2 and len(mit) == 1 and "pytorch_license.txt" in kept


def test_sample_crawl_near_and_exact_duplicates(tmp_path):
    sample = ROOT / "pipelines" / "sample-crawl"
    _run(tmp_path, [sample / "crawl.warc.gz", sample / "pages"],
         [{"extract": {}}, {"minhash_dedup": {"threshold": 0.7}}])
    labels = {json.loads(line)["id"]: json.loads(line)
              for line in (sample / "labels.jsonl").read_text(encoding="utf-8").splitlines()}
    rejected = [r for r in read_rows(tmp_path / "out" / "rejected") if r["rejected_by"] == "minhash_dedup"]
    cats = Counter(labels[sample_label_key(r)]["category"] for r in rejected)
    assert cats["exact_dup"] == 10
    assert cats["near_dup"] >= 16  # of 20; labels give similarities 0.71-0.97 after normalisation
    assert cats["good"] <= 2  # originals are kept (they come first), a good page is rarely a false positive
    kept = read_rows(tmp_path / "out" / "kept")
    assert Counter(labels[sample_label_key(r)]["category"] for r in kept)["good"] >= 118
