"""minhash_dedup: LSH near-duplicate removal as a three-phase global stage."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline
from corpuskit.stages.minhash_dedup import MinHashDedup, band_keys, connected_components

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
    recall_first = MinHashDedup(false_negative_weight=0.8)
    assert (recall_first.bands, recall_first.rows) == (12, 10)  # optimal_param(0.8, 128, 0.2, 0.8)
    for bad in ({"threshold": 1.5}, {"bands": 4}, {"bands": 20, "rows": 20}, {"policy": "best"},
                {"verify": "yes"}, {"hash": "md5"}, {"false_negative_weight": 2.0}, {"verify_rounds": 0}):
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


def _similar_pair_corpus(tmp_path, overlap: float):
    """Two documents whose word 1-gram Jaccard is about ``overlap``, and one unrelated document."""
    import random

    rng = random.Random(5)
    vocab = sorted({"".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)) for _ in range(5000)})
    a = rng.sample(vocab, 200)
    shared_words = a[:int(200 * overlap * 2 / (1 + overlap))]
    b = shared_words + rng.sample([w for w in vocab if w not in a], 200 - len(shared_words))
    c = rng.sample([w for w in vocab if w not in a and w not in b], 200)
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "text": " ".join(t)}) for i, t in
                              [("a", a), ("b", b), ("c", c)]) + "\n")
    return path


@pytest.mark.parametrize("verify", ["estimated", "exact"])
def test_verification_removes_band_false_positives(tmp_path, verify):
    # 1-row bands collide for any pair with Jaccard ~0.35: almost surely a candidate, but far below 0.8
    path = _similar_pair_corpus(tmp_path, 0.35)
    loose = {"threshold": 0.8, "ngram": 1, "num_perm": 64, "bands": 64, "rows": 1}
    (tmp_path / "plain").mkdir()
    (tmp_path / "checked").mkdir()
    _run(tmp_path / "plain", [path], [{"minhash_dedup": loose}], id_field="id")
    assert [r["id"] for r in read_rows(tmp_path / "plain" / "out" / "rejected")] == ["b"]
    _run(tmp_path / "checked", [path], [{"minhash_dedup": {**loose, "verify": verify}}], id_field="id")
    assert read_rows(tmp_path / "checked" / "out" / "rejected") == []
    stats = json.loads((tmp_path / "checked" / "out" / "stats.json").read_text())
    lsh = next(s for s in stats["stages"] if s["name"] == "minhash_dedup")["global"]
    assert lsh["candidate_pairs"] > 0 and lsh["edges"] == 0 and lsh["clusters"] == 0
    assert set(lsh["phase_task_seconds"]) == {"signature", "band", "cluster"}


@pytest.mark.parametrize("verify", ["estimated", "exact"])
def test_verification_keeps_true_duplicates(tmp_path, verify):
    path = _similar_pair_corpus(tmp_path, 0.95)
    _run(tmp_path, [path], [{"minhash_dedup": {"threshold": 0.8, "ngram": 1, "verify": verify}}], id_field="id")
    rejected = read_rows(tmp_path / "out" / "rejected")
    assert [(r["id"], r["duplicate_of"]) for r in rejected] == [("b", "a")]


def test_verification_rounds_split_a_mixed_bucket(monkeypatch):
    """One bucket holding two unrelated clusters {0, 2} and {1, 3}: both get their edge."""
    import corpuskit.stages.minhash_dedup as mod

    class Similar:
        def __init__(self, *args):
            pass

        def __call__(self, a, b):
            return np.array([1.0 if x % 2 == y % 2 else 0.0 for x, y in zip(a, b)])

    monkeypatch.setattr(mod, "_SimilarityReader", Similar)
    stage = MinHashDedup(verify="estimated")
    key = np.array([7, 7, 7, 7, 9], dtype=np.uint64)
    ctx = type("Ctx", (), {"workdir": "unused"})()
    src, dst, checked = stage._verified_edges(key, np.arange(5), np.array([0, 5]), ctx)
    assert sorted(zip(src.tolist(), dst.tolist())) == [(2, 0), (3, 1)] and checked == 4


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.lists(
    st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60))))
def test_connected_components_equal_union_find(case):
    n, edges = case
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    expected = [find(i) for i in range(n)]  # roots are the smallest index of each component
    src = np.array([a for a, _ in edges], np.int64)
    dst = np.array([b for _, b in edges], np.int64)
    assert connected_components(n, src, dst).tolist() == expected


@pytest.mark.parametrize("policy", ["first", "longest", "random"])
def test_keep_policies_same_on_one_and_two_workers(tmp_path, policy):
    """Clusters spanning input files (shards): the same keeper and duplicate_of whatever the worker count."""
    import random

    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(3000)]
    base = [" ".join(rng.choice(words) for _ in range(80)) for _ in range(30)]
    (tmp_path / "in").mkdir()
    for f in range(4):
        rows = []
        for k in range(30):
            text = base[(k + f) % 30]
            if f:  # later files hold edited copies of a different length
                text = text + " " + " ".join(rng.choice(words) for _ in range(f))
            rows.append(json.dumps({"id": f"f{f}-{k}", "text": text}))
        (tmp_path / "in" / f"part{f}.jsonl").write_text("\n".join(rows) + "\n")
    results = []
    for workers in (1, 2):
        cfg = {"input": {"paths": [str(tmp_path / "in")], "id_field": "id", "shard_bytes": 8192},
               "output": str(tmp_path / f"o{workers}"),
               "stages": [{"minhash_dedup": {"threshold": 0.8, "policy": policy, "policy_seed": 7}}],
               "executor": {"workers": workers}}
        run_pipeline(load_config(write_pipeline(tmp_path, cfg, f"p{workers}.yaml")))
        results.append(sorted((r["id"], r["duplicate_of"]) for r in read_rows(tmp_path / f"o{workers}" / "rejected")))
    assert results[0] == results[1] and len(results[0]) >= 80  # 30 clusters of 4: 90 duplicates, LSH finds most
    keepers = {d for _, d in results[0]}
    if policy == "first":
        assert all(k.startswith("f0-") for k in keepers)
    if policy == "longest":
        assert all(k.startswith("f3-") for k in keepers)


def test_resume_after_kills_in_every_phase_gives_identical_output(tmp_path):
    from .conftest import kill_during_phases_then_resume, run_outputs

    src = tmp_path / "in.jsonl"
    import random

    rng = random.Random(11)
    words = ["".join(rng.choice("klmnopqrst") for _ in range(5)) for _ in range(2000)]
    base = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(400)]
    src.write_text("\n".join(json.dumps({"text": t if k % 3 else t + " extra"})
                             for k, t in enumerate(base + base[:200])) + "\n")

    def config(name):
        return {"name": "resume", "input": {"paths": [str(src)], "shard_bytes": 40_000}, "output": str(tmp_path / name),
                "stages": [{"minhash_dedup": {"verify": "exact"}}, {"length": {"min_words": 1}}],
                "executor": {"workers": 2}}

    run_pipeline(load_config(write_pipeline(tmp_path, config("ref"), "ref.yaml")))
    path = write_pipeline(tmp_path, config("out"), "out.yaml")
    assert kill_during_phases_then_resume(tmp_path, path, tmp_path / "out", ["signature", "band", "cluster"]) >= 1
    assert run_outputs(tmp_path / "out") == run_outputs(tmp_path / "ref")
    assert len(read_rows(tmp_path / "ref" / "rejected")) >= 190
