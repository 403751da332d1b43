"""The shipped quality models keep the good text they are meant to keep (issue 16): whole chapters of the
laws and novels, long classical poems, and real English prose pass the quality stage at its default
(model-card) threshold, while the Common Crawl spam pages still score low and the default chain rejects them.

Reads ../shared/data (skips where it is absent). Documents are whole chapters, as a user would feed them, not
the 200-2,000-character chunks the model was trained on.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pyarrow as pa
import pytest

from corpuskit.classifier import TextClassifier
from corpuskit.classifier_training import load_texts
from corpuskit.models import default_model_path
from corpuskit.stage import apply_stage
from corpuskit.stages.quality import QualityFilter
from corpuskit.stats import StageStats

from .conftest import read_rows, shared

_LAW_CHAPTER = re.compile(r"^#{1,4}\s*第[一二三四五六七八九十百零〇两]+章")
_NOVEL_CHAPTER = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+回")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def law_chapters(name: str) -> list[str]:
    """One document per chapter (第X章) of a law: heading and articles, Markdown marks and comments dropped."""
    chapters, cur = [], None
    for line in shared("quality-pos-zh-laws", name).read_text(encoding="utf-8").splitlines():
        if _LAW_CHAPTER.match(line):
            if cur:
                chapters.append("\n".join(cur))
            cur = [line.lstrip("#").strip()]
        elif re.match(r"^#\s", line):  # the next law or amendment ends a chapter
            if cur:
                chapters.append("\n".join(cur))
            cur = None
        elif cur is not None and line.strip() and not line.startswith("<!--"):
            cur.append(line.lstrip("#").strip())
    if cur:
        chapters.append("\n".join(cur))
    return chapters


def novel_chapters(name: str, every: int = 4) -> list[str]:
    """Every ``every``-th chapter (第X回) of a novel, heading included."""
    text = shared("zh-classics-novels", name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    chapters, cur = [], []
    for line in text.split("\n"):
        if _NOVEL_CHAPTER.match(line) and cur:
            chapters.append("\n".join(x.strip() for x in cur if x.strip()))
            cur = []
        cur.append(line)
    chapters.append("\n".join(x.strip() for x in cur if x.strip()))
    return [c for c in chapters if len(c) >= 200][::every]


def long_poems() -> list[str]:
    """Poems of >= 150 characters (title + lines) of 诗经 and 唐詩三百首 (collections the model never saw)."""
    base = shared("zh-chinese-poetry-subset")
    poems = [[p.get("title", ""), *p.get("content", [])]
             for p in json.loads((base / "shijing" / "shijing.json").read_text(encoding="utf-8"))]
    tang = json.loads((base / "mengxue" / "tangshisanbaishou.json").read_text(encoding="utf-8"))
    poems += [[p.get("chapter", ""), *p.get("paragraphs", [])] for g in tang["content"] for p in g["content"]]
    texts = ["\n".join(x.strip() for x in p if x and x.strip()) for p in poems]
    return [t for t in texts if len(t) >= 150]


def cc_pages_zh() -> list[str]:
    """Main text of the Chinese pages of the Common Crawl WARC excerpt (gambling, porn, link-list spam)."""
    texts, _ = load_texts([str(shared("warc-samples", "commoncrawl-2020-34-resiliparse"))], min_chars=20)
    return [t for t in texts if len(_CJK.findall(t)) > 0.2 * len(t)]


def _kept_by_quality_stage(texts: list[str], lang: str) -> tuple[int, list[str]]:
    """Documents the quality stage keeps at its default threshold, and the reasons of those it rejects."""
    table = pa.table({"id": [f"d{i}" for i in range(len(texts))], "text": texts, "url": [None] * len(texts),
                      "language": [lang] * len(texts)})
    stage = QualityFilter()
    stage.setup()
    kept, rejected = apply_stage(stage, table, StageStats("quality"))
    return kept.num_rows, [] if rejected is None else rejected.column("reason").to_pylist()


@pytest.mark.parametrize("law", ["civil-code.md", "criminal-law.md", "constitution.md"])
def test_law_chapters_pass_the_quality_stage(law):
    chapters = law_chapters(law)
    assert len(chapters) >= 4
    kept, reasons = _kept_by_quality_stage(chapters, "zh")
    # laws are one of quality-zh's own positive sets: its threshold must not reject them (issue target >= 98 %)
    assert kept >= 0.98 * len(chapters), reasons


@pytest.mark.parametrize("novel", ["hongloumeng.txt", "xiyouji.txt"])
def test_novel_chapters_pass_the_quality_stage(novel):
    chapters = novel_chapters(novel)
    assert len(chapters) >= 20
    kept, reasons = _kept_by_quality_stage(chapters, "zh")
    assert kept >= 0.99 * len(chapters), reasons


def test_long_poems_of_unseen_collections_pass_the_quality_stage():
    poems = long_poems()
    assert len(poems) >= 50
    kept, reasons = _kept_by_quality_stage(poems, "zh")
    assert kept >= 0.97 * len(poems), reasons


def test_common_crawl_spam_pages_score_low():
    pages = cc_pages_zh()
    assert len(pages) >= 8
    clf = TextClassifier.load(default_model_path("quality", "zh"))
    scores = clf.predict_proba(pages)
    chapters = law_chapters("civil-code.md")
    good = clf.predict_proba(chapters)
    # most spam pages fall below the threshold, and spam as a whole ranks far below edited text
    assert (scores < clf.threshold).mean() >= 0.75, scores
    assert np.median(scores) < clf.threshold < np.quantile(good, 0.02)
    assert np.median(scores) < np.median(good) - 0.4


def test_default_chain_rejects_every_common_crawl_page(tmp_path):
    from click.testing import CliRunner

    from corpuskit.cli import main

    warc = shared("warc-samples", "commoncrawl-2020-34-resiliparse")
    result = CliRunner().invoke(main, ["clean", str(warc), "--lang", "zh", "-o", str(tmp_path / "out"), "-w", "1",
                                       "-q"])
    assert result.exit_code == 0, result.output
    rejected = read_rows(tmp_path / "out" / "rejected")
    assert len(rejected) >= len(cc_pages_zh())
    assert read_rows(tmp_path / "out" / "kept") == []


def test_quality_en_keeps_speeches_and_novel_chapters():
    base = shared("quality-pos-us-speeches-nltk")
    speeches = []
    for f in sorted((base / "inaugural").glob("*.txt"))[::3]:
        raw = f.read_bytes()
        try:
            speeches.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            speeches.append(raw.decode("latin-1"))
    book = shared("quality-pos-gutenberg", "pg1342-pride-and-prejudice.txt").read_text(encoding="utf-8-sig")
    book = book[book.index("\n", book.index("*** START OF")): book.index("*** END OF")].replace("\r\n", "\n")
    chapters = [re.sub(r"(?<!\n)\n(?!\n)", " ", c).strip() for c in re.split(r"\nChapter \d+\s*\n", book)[1::6]]
    docs = [d for d in speeches + chapters if len(d) >= 1000]
    assert len(docs) >= 15
    kept, reasons = _kept_by_quality_stage(docs, "en")
    assert kept == len(docs), reasons
