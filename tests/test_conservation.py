"""Conservation, as a property: for random document sets and random chains of stages, every input document ends
up exactly once in kept or rejected, and the stats add up (per stage, along the chain, and against the output)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline

from .conftest import read_rows, write_pipeline

WORDS = ["the", "data", "of", "model", "and", "crawl", "text", "is", "filter", "web", "a", "to", "quality"]
HANZI = "的数据模型网页文本质量过滤是在和了一"
STAGE_CHOICES = [
    {"length": {"min_words": 5}}, {"length": {"max_chars": 300}}, {"gopher_repetition": {}},
    {"gopher_quality": {"min_words": 10, "min_words_cjk": 10}}, {"c4": {"min_sentences": 1}}, {"fineweb": {}},
    {"exact_dedup": {}}, {"minhash_dedup": {"threshold": 0.7, "num_perm": 32}}, {"line_dedup": {"mode": "all"}},
    {"line_dedup": {"mode": "first"}},
]

sentence = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(lambda w: " ".join(w).capitalize() + "."),
    st.text(HANZI, min_size=1, max_size=20).map(lambda s: s + "。"),
)
document = st.one_of(
    st.lists(sentence, min_size=0, max_size=12).map(lambda s: "\n".join(s)),
    st.sampled_from(["", " ", "\n\n", "。。。", "The end."]),
    st.text(min_size=0, max_size=60),  # anything, control characters and surrogates excluded by JSON below
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(document, min_size=1, max_size=40),
       copies=st.lists(st.integers(0, 39), max_size=10),
       chain=st.lists(st.sampled_from(range(len(STAGE_CHOICES))), min_size=1, max_size=6),
       files=st.integers(1, 3))
def test_every_document_is_accounted_for_once(docs, copies, chain, files):
    docs = docs + [docs[i % len(docs)] for i in copies]  # exact copies for the dedup stages
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        for f in range(files):
            part = docs[f::files]
            (tmp / "in" / f"p{f}.jsonl").write_text(
                "".join(json.dumps({"text": t}) + "\n" for t in part), encoding="utf-8")
        path = write_pipeline(tmp, {"input": {"paths": [str(tmp / "in")], "shard_bytes": 200},
                                    "output": {"path": str(tmp / "out")},
                                    "stages": [STAGE_CHOICES[i] for i in chain],
                                    "executor": {"type": "local", "workers": 1}})
        result = run_pipeline(load_config(path))
        kept, rejected = read_rows(tmp / "out" / "kept"), read_rows(tmp / "out" / "rejected")
        expected = {f"p{f}.jsonl#{i}" for f in range(files) for i in range(len(docs[f::files]))}
        ids = [r["id"] for r in kept + rejected]
        assert sorted(ids) == sorted(expected)  # each exactly once
        stats = result.stats
        previous = None
        for s in stats["stages"]:
            assert s["docs_in"] + s["docs_added"] == s["docs_kept"] + s["docs_rejected"], s["name"]
            assert sum(s["rejected_by_reason"].values()) == s["docs_rejected"], s["name"]
            if previous is not None:
                assert s["docs_in"] == previous["docs_kept"], s["name"]
            previous = s
        assert stats["stages"][-1]["docs_kept"] == len(kept) == stats["output"]["kept_docs"]
        assert sum(s["docs_rejected"] for s in stats["stages"]) == len(rejected) == stats["output"]["rejected_docs"]
        by_stage = {}
        for r in rejected:
            assert r["reason"], r
            by_stage[r["rejected_by"]] = by_stage.get(r["rejected_by"], 0) + 1
        for name, n in by_stage.items():
            assert n == sum(s["docs_rejected"] for s in stats["stages"] if s["name"] == name), name
