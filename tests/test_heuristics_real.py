"""The heuristic filters on real good text (issue 16): classical Chinese, laws, WikiText as distributed, web
pages with tables and citation markers. The default rules must keep it; real spam must still go.

Sets from ../shared/data (each test skips without it). 论语 and 古文觀止 were not used to choose any threshold.
"""

from __future__ import annotations

import gzip
import json
import re

import pyarrow as pa
import pytest

from corpuskit.stages.heuristics import C4Filter, FineWebFilter, GopherQualityFilter, GopherRepetitionFilter

from .conftest import shared

CHAIN = (GopherRepetitionFilter, GopherQualityFilter, C4Filter, FineWebFilter)
CLEAN_PARAMS = {C4Filter: {"filter_no_terminal_punct": False}}  # as `corpuskit clean` runs them


def rejections(texts: list[str], language: str) -> list[str | None]:
    """The first reason the default heuristic chain (as `corpuskit clean` runs it) gives each text, or None."""
    reasons: list[str | None] = [None] * len(texts)
    rows = list(range(len(texts)))
    table = pa.table({"id": [str(i) for i in rows], "text": texts, "language": [language] * len(texts)})
    for cls in CHAIN:
        result = cls(**CLEAN_PARAMS.get(cls, {})).process(table)
        if result.rejected is not None:
            for doc_id, reason in zip(result.rejected.column("id").to_pylist(),
                                      result.rejected.column("reason").to_pylist()):
                reasons[int(doc_id)] = reason
        table = result.kept.select(["id", "text", "language"])
    return reasons


def alpha_ratio(text: str, language: str) -> float:
    g = GopherQualityFilter()
    return g.measure(text, language == "zh")[6]


def _poems(min_chars: int = 150) -> list[str]:
    base = shared("zh-chinese-poetry-subset")
    out = []
    for p in json.loads((base / "shijing" / "shijing.json").read_text(encoding="utf-8")):
        out.append(p["title"] + "\n" + "\n".join(p["content"]))
    for f in ("songci-300.json", "ci.song.0.json", "ci.song.1000.json"):
        for p in json.loads((base / "songci" / f).read_text(encoding="utf-8")):
            out.append(p["rhythmic"] + "\n" + "\n".join(p["paragraphs"]))
    tang = json.loads((base / "mengxue" / "tangshisanbaishou.json").read_text(encoding="utf-8"))
    for group in tang["content"]:
        for p in group["content"]:
            out.append((p.get("chapter") or "") + "\n" + "\n".join(p["paragraphs"]))
    return [t.strip() for t in out if len(t.strip()) >= min_chars]


def test_lunyu_and_guwenguanzhi_pass_every_heuristic():
    """Unseen classical prose, dense in CJK punctuation (为政篇 was 0.79 alphabetic while marks were words)."""
    base = shared("zh-chinese-poetry-subset")
    lunyu = [c["chapter"] + "\n" + "\n".join(c["paragraphs"])
             for c in json.loads((base / "lunyu" / "lunyu.json").read_text(encoding="utf-8"))]
    assert len(lunyu) == 20
    assert rejections(lunyu, "zh") == [None] * 20
    book = json.loads((base / "mengxue" / "guwenguanzhi.json").read_text(encoding="utf-8"))
    essays = [e["chapter"] + "\n" + "\n".join(e["paragraphs"]) for v in book["content"] for e in v["content"]]
    assert len(essays) > 200
    rejected = [r for r in rejections(essays, "zh") if r]
    assert len(rejected) <= 0.02 * len(essays), rejected


def test_long_poems_pass_the_heuristics():
    """The issue's target for poems of >= 150 characters is 97 % through the whole chain; here the heuristics'
    share of it. What may still reject: refrains (gopher_rep), ci with almost no function characters."""
    poems = _poems()
    assert len(poems) > 150
    reasons = rejections(poems, "zh")
    rejected = [(p[:20], r) for p, r in zip(poems, reasons) if r]
    assert len(rejected) <= 0.03 * len(poems), rejected
    assert not any(r.startswith(("gopher:alpha_words", "fineweb:short_line")) for _, r in rejected), rejected
    # the worst cases of the issue: 诗经 伐檀, 相鼠, 黍离 and 南山有台's neighbours are dense in ，。？
    shijing = {p.split("\n", 1)[0]: p for p in poems}
    for title in ("伐檀", "黍离"):
        assert alpha_ratio(shijing[title], "zh") > 0.95


def test_law_chapters_pass_the_heuristics():
    docs = []
    for name in ("constitution.md", "civil-code.md", "criminal-law.md"):
        text = shared("quality-pos-zh-laws", name).read_text(encoding="utf-8")
        parts = re.split(r"\n(?=#{1,4}\s*第[一二三四五六七八九十百零〇两]+章)", text)
        docs += [re.sub(r"^#+\s*", "", p, flags=re.M) for p in parts[1:] if len(p) > 300]
    assert len(docs) > 90
    rejected = [(d[:15], r) for d, r in zip(docs, rejections(docs, "zh")) if r]
    assert len(rejected) <= 1, rejected


def test_wikitext_as_distributed_passes_alpha_words():
    """WikiText's own tokenisation (`` , `` `` @-@ `` `` @,@ ``) is punctuation, not non-alphabetic words."""
    lines = shared("quality-pos-wikitext2", "valid.txt").read_text(encoding="utf-8").split("\n")
    articles, cur = [], []
    for line in lines:
        if re.match(r"^ = [^=].* = $", line) and cur:
            articles.append("\n".join(cur))
            cur = []
        if line.strip():
            cur.append(line.strip())
    articles.append("\n".join(cur))
    assert len(articles) > 50
    ratios = [alpha_ratio(a, "en") for a in articles]
    assert min(ratios) >= 0.85, min(ratios)
    reasons = rejections(articles, "en")
    assert not any(r and r.startswith("gopher:alpha_words") for r in reasons)


def _page(name: str) -> tuple[str, str]:
    base = shared("html-trafilatura-eval")
    entries = json.loads((base / "evaldata.subset.json").read_text(encoding="utf-8"))
    url, entry = next((u, e) for u, e in entries.items() if e["file"] == name)
    return url, gzip.decompress((base / entry["html_gz"]).read_bytes()).decode("utf-8", "replace")


@pytest.mark.parametrize("name,language,marker", [
    ("dailymail.co.uk.food.html", "en", "|"),      # a table, written as Markdown pipes by trafilatura
    ("baike.baidu.com.tanya.html", "zh", "["),     # citation markers [1] ... [13]
])
def test_table_pipes_and_citation_markers_are_not_words(name, language, marker):
    trafilatura = pytest.importorskip("trafilatura")
    url, html = _page(name)
    text = trafilatura.extract(html, url=url, include_tables=True, include_comments=False)
    assert text and marker in text
    # the figures with tokens that counted the markup: 0.72 and 0.75
    assert alpha_ratio(text, language) >= 0.8
    assert not any(r.startswith("gopher:alpha_words") for r in _failures(GopherQualityFilter(), text, language))


def _failures(stage, text, language):
    t = pa.table({"id": ["0"], "text": [text], "language": [language]})
    for col, arr in stage.score(t).items():
        t = t.append_column(col, arr)
    return set(stage.failures(*[t.column(c)[0].as_py() for c in stage.decision_columns]))
