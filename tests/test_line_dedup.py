"""line_dedup: repeated lines across documents, as a two-phase global stage (hash per shard, count per bucket)."""

from __future__ import annotations

import json
import random

import pytest

from corpuskit.recipe import load_config
from corpuskit.dedup.minhash import normalize_for_dedup
from corpuskit.runner import run_pipeline
from corpuskit.stages.line_dedup import REJECT_REASON, LineDedup, _line_keys

from .conftest import (comparable_stats, kill_during_phases_then_resume, read_rows, read_stats, run_outputs, shared,
                       write_pipeline)


def _run(tmp_path, paths, params, name="out", workers=1, shard_bytes=1, stages=None):
    cfg = {"name": "line-dedup-test", "input": {"paths": [str(p) for p in paths], "shard_bytes": shard_bytes},
           "output": str(tmp_path / name),
           "stages": stages or [{"line_dedup": params}], "executor": {"workers": workers}}
    return run_pipeline(load_config(write_pipeline(tmp_path, cfg, f"{name}.yaml")))


def _outputs(out):
    kept = {r["id"]: r["text"] for r in read_rows(out / "kept")}
    rejected = {r["id"]: (r["reason"], r["text"]) for r in read_rows(out / "rejected")}
    return kept, rejected


def _jsonl_corpus(tmp_path, files: list[list[str]], name="corpus"):
    """One JSONL file per list of texts: ids f0.jsonl#0, f0.jsonl#1, ... in corpus order."""
    d = tmp_path / name
    d.mkdir()
    for f, texts in enumerate(files):
        (d / f"f{f}.jsonl").write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                                       encoding="utf-8")
    return d


def _reference(docs, mode="all", min_count=2, normalize=False, min_line_chars=0):
    """A plain in-memory line dedup: (id -> kept text or None for rejected, counters)."""
    def key(line):
        s = line.strip()
        if not s or len(s) < min_line_chars:
            return None
        return (normalize_for_dedup(s) if normalize else s) or None

    counts, first = {}, {}
    for doc_id, text in docs:
        for n, line in enumerate(text.splitlines(keepends=True)):
            k = key(line)
            if k is not None:
                counts[k] = counts.get(k, 0) + 1
                first.setdefault(k, (doc_id, n))
    out = {}
    counters = {"lines_in": 0, "chars_in": 0, "lines_removed": 0, "chars_removed": 0, "docs_modified": 0}
    for doc_id, text in docs:
        lines = text.splitlines(keepends=True)
        counters["lines_in"] += len(lines)
        counters["chars_in"] += len(text)
        kept, removed = [], 0
        for n, line in enumerate(lines):
            k = key(line)
            if k is not None and counts[k] >= min_count and (mode == "all" or first[k] != (doc_id, n)):
                removed += 1
                counters["chars_removed"] += len(line)
            else:
                kept.append(line)
        counters["lines_removed"] += removed
        counters["docs_modified"] += bool(removed)
        new = "".join(kept)
        out[doc_id] = None if removed and not new.strip() else new
    return out, counters


# -- the CS336 assignment 4 fixture --------------------------------------------------------------

@pytest.mark.parametrize("shard_bytes", [1, 1 << 20])  # each file a shard, or one shard
def test_cs336_line_dedup_fixture(tmp_path, shard_bytes):
    src = shared("cs336-a4-fixtures", "documents_with_line_duplicates")
    expected_dir = shared("cs336-a4-fixtures", "documents_line_deduplicated")
    result = _run(tmp_path, [src], {}, shard_bytes=shard_bytes)  # the default: exact lines, as CS336
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {f"doc{n}.txt": (expected_dir / f"doc{n}.txt").read_text(encoding="utf-8") for n in (3, 4, 5)}
    assert {k: v[0] for k, v in rejected.items()} == {"doc1.txt": REJECT_REASON, "doc2.txt": REJECT_REASON}
    # expected output files doc1/doc2 are empty; rejected documents keep their input text
    assert all((expected_dir / k).read_text(encoding="utf-8") == "" for k in rejected)
    assert rejected["doc1.txt"][1] == (src / "doc1.txt").read_text(encoding="utf-8")
    stage = result.stats["stages"][-1]
    assert stage["counters"]["lines_removed"] == 6 and stage["counters"]["docs_modified"] == 4


def test_cs336_fixture_with_normalisation(tmp_path):
    """normalize: true maps digits to 0 (as CCNet's line normalisation does), so the
    "<Insert ... for doc3.txt>" and "... doc4.txt>" lines become one repeated line as well."""
    src = shared("cs336-a4-fixtures", "documents_with_line_duplicates")
    expected_dir = shared("cs336-a4-fixtures", "documents_line_deduplicated")
    _run(tmp_path, [src], {"normalize": True})
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {"doc3.txt": "- back\n", "doc5.txt": (expected_dir / "doc5.txt").read_text(encoding="utf-8")}
    assert sorted(rejected) == ["doc1.txt", "doc2.txt", "doc4.txt"]
    assert {v[0] for v in rejected.values()} == {REJECT_REASON}


# -- synthetic corpora ---------------------------------------------------------------------------

def test_first_mode_keeps_the_first_occurrence_in_corpus_order_across_shards(tmp_path):
    files = [
        ["Intro text of a.\nShared footer line\n", "Only here.\nRepeated twice in one doc\nRepeated twice in one doc\n"],
        ["Shared footer line\nBody of c.\n", "Shared footer line\n"],
        ["Body of e.\nShared footer line"],
    ]
    corpus = _jsonl_corpus(tmp_path, files)
    result = _run(tmp_path, [corpus], {"mode": "first", "buckets": 3})
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {"f0.jsonl#0": "Intro text of a.\nShared footer line\n",
                    "f0.jsonl#1": "Only here.\nRepeated twice in one doc\n",
                    "f1.jsonl#0": "Body of c.\n", "f2.jsonl#0": "Body of e.\n"}
    assert rejected == {"f1.jsonl#1": (REJECT_REASON, "Shared footer line\n")}
    assert result.stats["input"]["shards"] >= 3
    c = result.stats["stages"][-1]["counters"]
    assert (c["lines_removed"], c["docs_modified"]) == (4, 4)
    assert c["chars_removed"] == 3 * len("Shared footer line\n") - 1 + len("Repeated twice in one doc\n")

    # the same with two workers, and with another bucket count
    _run(tmp_path, [corpus], {"mode": "first", "buckets": 3}, name="two", workers=2)
    _run(tmp_path, [corpus], {"mode": "first", "buckets": 1}, name="one_bucket")
    for name in ("two", "one_bucket"):
        assert _outputs(tmp_path / name) == (kept, rejected)
    assert comparable_stats(read_stats(tmp_path / "two")) == comparable_stats(read_stats(tmp_path / "out"))


def test_all_mode_counts_repeats_inside_a_document_and_min_count(tmp_path):
    corpus = _jsonl_corpus(tmp_path, [["x line\nUnique one\nx line\n", "y line\nUnique two\n"],
                                      ["y line\nUnique three\ny line\n"]])
    _run(tmp_path, [corpus], {})
    kept, _ = _outputs(tmp_path / "out")
    assert kept == {"f0.jsonl#0": "Unique one\n", "f0.jsonl#1": "Unique two\n", "f1.jsonl#0": "Unique three\n"}
    _run(tmp_path, [corpus], {"min_count": 3}, name="three")
    kept, _ = _outputs(tmp_path / "three")  # "x line" occurs twice, "y line" three times
    assert kept == {"f0.jsonl#0": "x line\nUnique one\nx line\n", "f0.jsonl#1": "Unique two\n",
                    "f1.jsonl#0": "Unique three\n"}


def test_normalisation_merges_case_width_and_punctuation_variants(tmp_path):
    texts = ["Home\nStory one is here.\n", "ＨＯＭＥ\nStory two is here.\n", "home!\nStory three is here.\n"]
    corpus = _jsonl_corpus(tmp_path, [texts])
    _run(tmp_path, [corpus], {"normalize": True})
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {f"f0.jsonl#{i}": t.split("\n", 1)[1] for i, t in enumerate(texts)} and not rejected
    _run(tmp_path, [corpus], {}, name="raw")  # the default: exact lines
    kept, _ = _outputs(tmp_path / "raw")
    assert kept == {f"f0.jsonl#{i}": t for i, t in enumerate(texts)}


def test_blank_lines_are_never_removed_and_punctuation_lines_only_when_exact(tmp_path):
    texts = ["First story.\n\n   \n---\nFooter here\n", "Second story.\n\n   \n---\nFooter here\n",
             "\n\n", "   "]
    corpus = _jsonl_corpus(tmp_path, [texts])
    result = _run(tmp_path, [corpus], {"normalize": True})
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {"f0.jsonl#0": "First story.\n\n   \n---\n", "f0.jsonl#1": "Second story.\n\n   \n---\n",
                    "f0.jsonl#2": "\n\n", "f0.jsonl#3": "   "}  # whitespace-only input is not this stage's business
    assert not rejected and result.stats["stages"][-1]["counters"]["lines_removed"] == 2
    result = _run(tmp_path, [corpus], {}, name="exact")  # exact lines: "---" is a repeated line like any other
    kept, rejected = _outputs(tmp_path / "exact")
    assert kept == {"f0.jsonl#0": "First story.\n\n   \n", "f0.jsonl#1": "Second story.\n\n   \n",
                    "f0.jsonl#2": "\n\n", "f0.jsonl#3": "   "}
    assert not rejected and result.stats["stages"][-1]["counters"]["lines_removed"] == 4


def test_default_is_exact_lines_digits_fold_only_on_request(tmp_path):
    texts = ["Chapter text one.\npage 3\n", "Chapter text two.\npage 4\n", "Chapter text three.\npage 4\n"]
    corpus = _jsonl_corpus(tmp_path, [texts])
    _run(tmp_path, [corpus], {})
    kept, _ = _outputs(tmp_path / "out")  # "page 3" occurs once and stays; "page 4" twice and goes
    assert kept == {"f0.jsonl#0": texts[0], "f0.jsonl#1": "Chapter text two.\n", "f0.jsonl#2": "Chapter text three.\n"}
    _run(tmp_path, [corpus], {"normalize": True}, name="folded")
    kept, _ = _outputs(tmp_path / "folded")
    assert kept == {f"f0.jsonl#{i}": t.split("\n", 1)[0] + "\n" for i, t in enumerate(texts)}


def test_min_line_chars_protects_short_lines(tmp_path):
    texts = ["Home\nA long shared boilerplate line\nStory one.\n", "Home\nA long shared boilerplate line\nStory two.\n"]
    corpus = _jsonl_corpus(tmp_path, [texts])
    _run(tmp_path, [corpus], {"min_line_chars": 5})
    kept, _ = _outputs(tmp_path / "out")
    assert kept == {"f0.jsonl#0": "Home\nStory one.\n", "f0.jsonl#1": "Home\nStory two.\n"}


def test_chinese_footer_is_removed_and_unique_lines_stay(tmp_path):
    texts = ["今天北京天气晴朗，气温回升。\n版权所有 © 2024 新华网\n",
             "上海举办国际进口博览会。\n版权所有 © 2024 新华网\n",
             "广州地铁新线路开通运营。\r\n版权所有 © 2023 新华网"]  # another year: digits are normalised
    corpus = _jsonl_corpus(tmp_path, [texts[:2], texts[2:]])
    _run(tmp_path, [corpus], {"normalize": True})
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {"f0.jsonl#0": "今天北京天气晴朗，气温回升。\n", "f0.jsonl#1": "上海举办国际进口博览会。\n",
                    "f1.jsonl#0": "广州地铁新线路开通运营。\r\n"} and not rejected


def _random_corpus(seed=0, files=4, docs=60):
    rng = random.Random(seed)
    boiler = ["Home", "ＨＯＭＥ", "home!", "Contact us", "All rights reserved 2024.", "版权所有 © 2024 新华网",
              "分享到微信", "Login | Register", "", "   ", "---", "Read more", "Page 1 of 3", "Page 2 of 3"]
    words = ["data", "model", "crawl", "text", "filter", "模型", "数据", "网页", "quality", "token"]
    out = []
    for _ in range(files):
        texts = []
        for _ in range(docs):
            lines = []
            for _ in range(rng.randint(0, 8)):
                if rng.random() < 0.45:
                    lines.append(rng.choice(boiler))
                else:
                    lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))))
            ends = [rng.choice(["\n", "\n", "\r\n"]) for _ in lines]
            text = "".join(line + end for line, end in zip(lines, ends))
            if text and rng.random() < 0.3:
                text = text.rstrip("\r\n")
            texts.append(text)
        out.append(texts)
    return out


@pytest.mark.parametrize("params", [{}, {"mode": "first"}, {"normalize": True}, {"min_line_chars": 6},
                                    {"mode": "first", "min_count": 3, "buckets": 5}])
def test_matches_a_plain_reference_and_counters_add_up(tmp_path, params):
    files = _random_corpus()
    corpus = _jsonl_corpus(tmp_path, files)
    result = _run(tmp_path, [corpus], params, shard_bytes=1500)
    docs = [(f"f{f}.jsonl#{i}", t) for f, texts in enumerate(files) for i, t in enumerate(texts)]
    expected, counters = _reference(docs, **{k: v for k, v in params.items() if k != "buckets"})
    kept, rejected = _outputs(tmp_path / "out")
    assert kept == {d: t for d, t in expected.items() if t is not None}
    assert {d: r for d, (r, _) in rejected.items()} == \
        {d: REJECT_REASON for d, t in expected.items() if t is None}
    assert all(text == dict(docs)[d] for d, (_, text) in rejected.items())
    stats = read_stats(tmp_path / "out")
    stage = stats["stages"][-1]
    assert stage["counters"] == counters and counters["lines_removed"] > 0
    assert stats["input"]["shards"] > 4 and stage["global"]["repeated_keys"] > 0
    assert stage["docs_in"] == stage["docs_kept"] + stage["docs_rejected"] == len(docs)
    assert stats["output"]["kept_docs"] + stats["output"]["rejected_docs"] == len(docs)
    assert result.stats["stages"][-1]["rejected_by_reason"].get(REJECT_REASON, 0) == \
        sum(t is None for t in expected.values())


@pytest.mark.parametrize("mode", ["all", "first"])
def test_phases_run_directly_with_an_empty_shard(tmp_path, mode):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpuskit.stage import GlobalContext

    shards = []
    for n, texts in enumerate([[], ["a\nb\n", "b\nc"], ["c\nd"]]):
        shards.append(str(tmp_path / f"s{n}.parquet"))
        pq.write_table(pa.table({"id": pa.array([f"{n}-{i}" for i in range(len(texts))], pa.string()),
                                 "text": pa.array(texts, pa.string())}), shards[-1])
    ctx = GlobalContext(workdir=str(tmp_path / "work"), shards=shards)
    stage = LineDedup(mode=mode, buckets=2)
    for phase in stage.phases():
        for task in phase.plan(ctx):
            phase.run(task, ctx)
    assert stage.phase_report(ctx) == {"repeated_keys": 2, "repeated_key_occurrences": 4}
    stage.bind(ctx)
    out = []
    for n, path in enumerate(shards):
        stage.begin_shard(n)
        result = stage.process(pq.read_table(path))
        out += result.kept.column("text").to_pylist()
    assert out == (["a\n", "d"] if mode == "all" else ["a\nb\n", "c", "d"])


def test_batched_line_normalisation_equals_per_line_normalisation():
    lines = ["\u0301e accent first", "ΟΔΟΣ", "Σ", "ＨＯＭＥ　ＰＡＧＥ１２", "ﬁle ㈱ ½", "zero\u200bwidth", "---", "。，、",
             "版权所有 © 2024 新华网", "e\u0301", "\u3000全角空格\u3000", "٣ arabic digit", "x"]
    rng = random.Random(3)
    for _ in range(300):
        sample = [rng.choice(lines) for _ in range(rng.randint(1, 6))]
        assert _line_keys(sample, "\n".join(sample)) == [normalize_for_dedup(x) for x in sample]
    with_sep = ["private \ue000 use", "版权所有"]  # the joining character in the text: one call per line
    assert _line_keys(with_sep, "\n".join(with_sep)) == [normalize_for_dedup(x) for x in with_sep]


def test_parameters_are_checked():
    for bad in ({"mode": "last"}, {"min_count": 1}, {"min_count": 2.5}, {"normalize": "yes"},
                {"min_line_chars": -1}, {"buckets": 0}, {"buckets": 5000}):
        with pytest.raises(ValueError):
            LineDedup(**bad)


def test_resume_after_kills_inside_the_phases_gives_identical_output(tmp_path):

    rng = random.Random(1)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in range(6):
        rows = [{"text": "\n".join(f"line {rng.randint(0, 3000)} of topic {rng.choice('abcdefgh')}"
                                   for _ in range(rng.randint(1, 12)))} for _ in range(2000)]
        (corpus / f"f{f}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")

    def config(name):
        return {"name": "lines", "input": {"paths": [str(corpus)], "shard_bytes": 100_000},
                "output": str(tmp_path / name),
                "stages": [{"length": {"min_words": 3}}, {"line_dedup": {"buckets": 8, "normalize": False}},
                           {"length": {"max_chars": 200}}],
                "executor": {"workers": 2}}

    run_pipeline(load_config(write_pipeline(tmp_path, config("ref"), "ref.yaml")))
    path = write_pipeline(tmp_path, config("out"), "out.yaml")
    assert kill_during_phases_then_resume(tmp_path, path, tmp_path / "out", ["hash", "count"]) >= 1
    assert run_outputs(tmp_path / "out") == run_outputs(tmp_path / "ref")
    assert read_stats(tmp_path / "ref")["stages"][2]["counters"]["lines_removed"] > 0
