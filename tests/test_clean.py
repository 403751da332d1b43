"""`corpuskit clean`: the default chain on the shipped sample crawl, judged against its labels."""

from __future__ import annotations

import json
from collections import Counter

from click.testing import CliRunner

from corpuskit.cli import main

from .conftest import ROOT, read_rows, read_stats, sample_label_key

SAMPLE = ROOT / "pipelines" / "sample-crawl"
INPUTS = [str(SAMPLE / "crawl.warc.gz"), str(SAMPLE / "comments.jsonl.gz"), str(SAMPLE / "pages")]


def _labels():
    return {json.loads(line)["id"]: json.loads(line)
            for line in (SAMPLE / "labels.jsonl").read_text(encoding="utf-8").splitlines()}


def test_clean_default_chain_on_sample_crawl(tmp_path):
    result = CliRunner().invoke(main, ["clean", *INPUTS, "-o", str(tmp_path / "out"), "-w", "1", "-q"])
    assert result.exit_code == 0, result.output
    labels = _labels()
    kept = Counter(labels[sample_label_key(r)]["category"] for r in read_rows(tmp_path / "out" / "kept"))
    rejected = read_rows(tmp_path / "out" / "rejected")
    rejected_cats = Counter(labels[sample_label_key(r)]["category"] for r in rejected)
    assert kept["good"] == 120  # every well-written article, English and Chinese, survives
    assert kept["exact_dup"] + kept["near_dup"] == 30  # duplicates are for the dedup stage
    # One boilerplate page is kept: a "page not found" page listing the site's headlines, which only C4's removal
    # of lines without terminal punctuation took. The default follows FineWeb and leaves that rule off (it costs
    # ~15 % of the characters of real pages: headings, list items); `c4: {filter_no_terminal_punct: true}` in a
    # pipeline file turns it back on.
    assert rejected_cats["other_lang"] == 10 and rejected_cats["junk"] == 33 and rejected_cats["boilerplate"] == 14
    assert kept["spam"] <= 2  # the heuristics take most spam, the quality model most of the rest
    assert kept["offensive"] == 0 and kept["comment"] == 0  # comments are short: toxicity or Gopher
    stats = read_stats(tmp_path / "out")
    names = [s["name"] for s in stats["stages"]]
    assert names == ["read", "extract", "fix_unicode", "language", "toxicity", "gopher_repetition",
                     "gopher_quality", "c4", "fineweb", "quality", "pii"]
    toxic = Counter(labels[sample_label_key(r)]["category"] for r in rejected if r["rejected_by"] == "toxicity")
    assert toxic["offensive"] >= 25 and toxic["comment"] <= 4  # most insults, few civil comments
    for s in stats["stages"]:
        if s["name"] not in ("fix_unicode", "pii"):  # these two repair or redact text and keep every document
            assert s["docs_rejected"] > 0, s["name"]  # every kind of rule has something to remove
    # FineWeb's rules take the English short-line Q&A page and both repeated-notice pages; the Chinese Q&A page of
    # short lines is kept: like FineWeb-2, the CJK chain leaves the short-line rule off (verse is written a short
    # clause per line)
    assert rejected_cats["fineweb_only"] == 3
    assert {r["rejected_by"] for r in rejected if labels[sample_label_key(r)]["category"] == "fineweb_only"} == {"fineweb"}
    kept_rows = read_rows(tmp_path / "out" / "kept")
    assert all(r["content_type"] == "text/plain" and r["language"] in ("en", "zh") for r in kept_rows)
    assert {r["zh_script"] for r in kept_rows if r["language"] == "zh"} >= {"hans", "hant"}
    c4 = next(s for s in stats["stages"] if s["name"] == "c4")
    assert c4["counters"]["chars_removed"] > 0


def test_print_pipeline_reproduces_clean(tmp_path):
    runner = CliRunner()
    args = [*INPUTS, "--lang", "zh", "--skip", "c4"]
    text = runner.invoke(main, ["clean", *args, "-o", str(tmp_path / "a"), "--print-pipeline"]).output
    assert "c4" not in text and "- zh" in text
    (tmp_path / "p.yaml").write_text(text.replace(str(tmp_path / "a"), str(tmp_path / "b")), encoding="utf-8")
    assert runner.invoke(main, ["clean", *args, "-o", str(tmp_path / "a"), "-w", "1", "-q"]).exit_code == 0
    assert runner.invoke(main, ["run", str(tmp_path / "p.yaml"), "-w", "1", "-q"]).exit_code == 0
    ids = [sorted(r["id"] for r in read_rows(tmp_path / d / "kept")) for d in ("a", "b")]
    assert ids[0] == ids[1] and len(ids[0]) > 50
    languages = {r["language"] for r in read_rows(tmp_path / "a" / "kept")}
    assert languages == {"zh"}
