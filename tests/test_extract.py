"""The ``extract`` stage: main text of real pages, pass-through, rejects, time limit, crash isolation."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import pickle
import re
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from corpuskit.charset import decode_html
from corpuskit.recipe import load_config
from corpuskit.runner import run_pipeline
from corpuskit.schema import CORE_SCHEMA
from corpuskit.stages.extract import ExtractStage

from .conftest import ROOT, read_rows, read_stats, shared, write_pipeline

# Pages of html-trafilatura-eval that the default configuration gets fully right (two Chinese ones).
EVAL_PAGES = [
    "https://www.caktusgroup.com/blog/2015/06/08/testing-client-side-applications-django-post-mortem/",
    "https://github.blog/2019-03-29-leader-spotlight-erin-spiceland/",
    "https://fivethirtyeight.com/features/the-2020-endorsement-race-is-getting-interesting/",
    "https://www.lastampa.it/cronaca/2020/02/19/news/"
    "temperature-in-calo-in-tutta-italia-attesa-neve-sull-appennino-1.38487954",
    "http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm",
    "http://www.banyuetan.org/jmcs/detail/20200102/1000200033136171577956287380194268_1.html",
]
ARTICLE = ("<html><head><title>A test page</title></head><body><nav><a href='/'>Home</a> | <a href='/x'>News</a></nav>"
           "<article><h1>A test page</h1>"
           + "".join(f"<p>Paragraph {i} of a short article about extraction, long enough to be main text.</p>"
                     for i in range(6))
           + "</article><footer>Copyright notice</footer></body></html>")


def norm(s: str) -> str:
    return " ".join(s.split())


def make_table(texts, content_types=None, urls=None) -> pa.Table:
    n = len(texts)
    return pa.Table.from_pydict({
        "id": [f"d{i}" for i in range(n)], "text": texts, "url": urls or [None] * n,
        "source": ["test"] * n, "content_type": content_types or ["text/html"] * n, "meta": ["{}"] * n,
    }, schema=CORE_SCHEMA)


def reasons(result) -> dict[str, str]:
    if result.rejected is None or result.rejected.num_rows == 0:
        return {}
    return dict(zip(result.rejected.column("id").to_pylist(), result.rejected.column("reason").to_pylist()))


@pytest.fixture(scope="module")
def stage():
    st = ExtractStage(with_metadata=True)  # these tests check the metadata columns too
    st.setup()
    yield st
    st.close()


@pytest.fixture
def hooks(monkeypatch):
    """Stages created while this fixture is active extract with the faults of tests/_faults.py."""
    from ._faults import FAULTY_EXTRACT

    monkeypatch.setattr(ExtractStage, "extract_function", FAULTY_EXTRACT)


def hook(command: str) -> str:
    return ARTICLE.replace("<html>", f"<html><!--corpuskit-test:{command}-->")


def _pid_gone(pid: int, zombie_ok: bool = False) -> bool:
    """True if the process has exited and (unless ``zombie_ok``) been reaped."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        return zombie_ok and state == "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# ---------------------------------------------------------------------------------------------
# Quality on real pages


def test_real_pages_with_and_without_segments(stage):
    data = shared("html-trafilatura-eval")
    index = json.loads((data / "evaldata.subset.json").read_text(encoding="utf-8"))
    htmls = [decode_html(gzip.decompress((data / index[u]["html_gz"]).read_bytes()))[0] for u in EVAL_PAGES]
    result = stage.process(make_table(htmls, urls=EVAL_PAGES))
    assert reasons(result) == {}
    rows = {r["url"]: r for r in result.kept.to_pylist()}
    for url in EVAL_PAGES:
        row, entry = rows[url], index[url]
        text = norm(row["text"])
        assert row["content_type"] == "text/plain"
        assert "<p>" not in row["text"] and "\n" in row["text"]  # paragraphs kept as lines
        for seg in entry["with"]:
            assert norm(seg) in text, (url, seg)
        for seg in entry["without"]:
            assert norm(seg) not in text, (url, seg)
    zh = rows[EVAL_PAGES[4]]
    assert zh["title"].startswith("武汉的声音") and zh["date"] == "2020-02-19"


# Pages with a Markdown table in trafilatura's text (Daily Mail: a header row, so a |---| rule; the Baidu Baike
# biography: tables and [13] citation markers; Wikipedia: citation markers; two pages where trafilatura keeps one cell
# of a layout table as the whole article), and the pages above.
TABLE_PAGE = "https://www.dailymail.co.uk/news/article-8772683/Chef-Jamie-Oliver-joins-Mail-Sundays-war-toxic-food.html"
BAIKE_PAGE = "https://baike.baidu.com/item/%E8%94%A1%E5%81%A5%E9%9B%85"
WIKI_PAGE = "https://en.wikipedia.org/wiki/T-distributed_stochastic_neighbor_embedding"
STRAY_CELL_PAGES = ["http://www.hundeverein-kreisunna.de/unserverein.html",
                    "https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/news/2012-06/04/"
                    "content_25340717.htm"]
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+")  # a CJK character is a token; else runs of word characters


def eval_pages(urls):
    data = shared("html-trafilatura-eval")
    index = json.loads((data / "evaldata.subset.json").read_text(encoding="utf-8"))
    return [(u, index[u], decode_html(gzip.decompress((data / index[u]["html_gz"]).read_bytes()))[0]) for u in urls]


def plain_trafilatura(html: str) -> str:
    """What trafilatura's published benchmark output is made with."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def shingles(text: str, n: int = 4) -> set:
    toks = tokens(text)
    return {tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))}


def ngram_recall_and_leak(entry, text):
    """Share of the "with" segments' word 4-grams in the text, share of the "without" ones in it."""
    got = shingles(text)
    want = set().union(*(shingles(s) for s in entry["with"]))
    bad = set().union(*(shingles(s) for s in entry.get("without", []))) - want
    return len(want & got) / max(1, len(want)), len(bad & got) / max(1, len(bad))


def letter_word_share(text: str) -> float:
    words = text.split()
    return sum(any(c.isalpha() for c in w) for w in words) / len(words)


def test_word_ngrams_at_least_as_good_as_plain_trafilatura(stage):
    """4-gram recall of the main-text segments and leak of the boilerplate ones, page by page, against plain
    trafilatura on the same pages in the same test: the stage's extras (tables as rows of cells, no citation
    markers, metadata, URL, child process) cost nothing in words."""
    urls = EVAL_PAGES + [TABLE_PAGE, BAIKE_PAGE, WIKI_PAGE] + STRAY_CELL_PAGES
    pages = eval_pages(urls)
    result = stage.process(make_table([html for _, _, html in pages], urls=urls))
    assert reasons(result) == {}
    texts = {r["url"]: r["text"] for r in result.kept.to_pylist()}
    for url, entry, html in pages:
        ours, theirs = ngram_recall_and_leak(entry, texts[url]), ngram_recall_and_leak(entry, plain_trafilatura(html))
        assert ours[0] >= theirs[0] and ours[1] <= theirs[1], (url, ours, theirs)
        if url not in (BAIKE_PAGE, WIKI_PAGE):  # no citation markers dropped there: the very same words
            assert tokens(texts[url]) == tokens(plain_trafilatura(html)), url


def test_tables_are_rows_of_tab_separated_cells(stage):
    [(url, entry, html)] = eval_pages([TABLE_PAGE])
    plain = plain_trafilatura(html)
    assert "|---|" in plain and re.search(r"^\| .* \|\s*$", plain, re.M)  # what trafilatura writes
    text = stage.process(make_table([html], urls=[url])).kept.column("text")[0].as_py()
    assert "|---|" not in text and not re.search(r"^\|", text, re.M)
    rows = [line for line in text.splitlines() if "\t" in line]
    assert len(rows) >= 3 and all(len(r.split("\t")) >= 2 for r in rows)
    assert tokens(text) == tokens(plain)  # same words, in the same order
    assert letter_word_share(text) > letter_word_share(plain) + 0.1
    assert letter_word_share(text) > 0.9
    # the Markdown rendering stays available
    markdown = ExtractStage(table_format="markdown", isolation="inline").process(make_table([html], urls=[url]))
    assert markdown.kept.column("text")[0].as_py() == plain.strip()


def test_a_layout_cell_taken_for_the_article_keeps_its_paragraphs(stage):
    pages = eval_pages(STRAY_CELL_PAGES)
    result = stage.process(make_table([html for _, _, html in pages], urls=STRAY_CELL_PAGES))
    texts = {r["url"]: r["text"] for r in result.kept.to_pylist()}
    for url, entry, html in pages:
        plain = plain_trafilatura(html)
        assert plain.startswith("| ") and plain.count("\n") <= 1  # one pipe-framed line for the whole article
        text = texts[url]
        assert "|" not in text and text.count("\n") >= 4
        assert all(line == line.strip() for line in text.splitlines())
        for seg in entry["with"]:
            assert norm(seg) in norm(text)


def test_citation_markers_are_dropped(stage):
    pages = eval_pages([BAIKE_PAGE, WIKI_PAGE])
    result = stage.process(make_table([html for _, _, html in pages], urls=[BAIKE_PAGE, WIKI_PAGE]))
    texts = {r["url"]: r["text"] for r in result.kept.to_pylist()}
    cite = re.compile(r"\[\d+\]")
    for url, _, html in pages:
        assert len(cite.findall(plain_trafilatura(html))) >= 5
        assert len(cite.findall(texts[url])) < len(cite.findall(plain_trafilatura(html))) / 4, url
    assert "Geoffrey Hinton. It is a nonlinear" in texts[WIKI_PAGE]
    assert "自学吉他并尝试写歌" in texts[BAIKE_PAGE] and "[13]" not in texts[BAIKE_PAGE]
    # only bracketed numbers in a <sup> go: squares, lettered notes and brackets in the text stay
    page = ARTICLE.replace("</article>", "<p>The room has 12 m<sup>2</sup> of floor, a note<sup>[a]</sup> and "
                                         "a list l[2] in code, as said before.<sup>[4]</sup> The end.</p></article>")
    text = stage.process(make_table([page])).kept.column("text")[0].as_py()
    assert "12 m2 of floor, a note[a] and a list l[2] in code, as said before. The end." in text
    kept = ExtractStage(drop_citation_markers=False, isolation="inline").process(make_table([page]))
    assert "as said before.[4] The end." in kept.kept.column("text")[0].as_py()


def test_moby_fixture_is_close_to_reference(stage):
    fx = shared("cs336-a4-fixtures")
    html = (fx / "moby.html").read_text(encoding="utf-8")
    expected = (fx / "moby_extracted.txt").read_text(encoding="utf-8")
    result = stage.process(make_table([html]))
    row = result.kept.to_pylist()[0]
    ratio = difflib.SequenceMatcher(None, norm(row["text"]), norm(expected)).ratio()
    assert ratio > 0.9, (ratio, row["text"])
    assert "Perth, the begrimed, blistered old blacksmith" in row["text"]
    assert row["title"] == "Herman Melville - Moby-Dick" and row["author"] == "Herman Melville"


# ---------------------------------------------------------------------------------------------
# Pass-through and rejects


def test_plain_text_passes_through_unchanged(stage):
    table = make_table(["Just text.\n\nTwo paragraphs.", "<p>looks like html but is plain</p>", ARTICLE],
                       ["text/plain", "text/plain", "text/html"], ["http://a.example/", None, "http://b.example/"])
    result = stage.process(table)
    assert reasons(result) == {}
    rows = result.kept.to_pylist()
    original = table.to_pylist()
    for got, want in zip(rows[:2], original[:2]):
        assert {k: got[k] for k in want} == want
        assert got["title"] is None and got["date"] is None
    assert rows[2]["content_type"] == "text/plain" and rows[2]["title"] == "A test page"
    assert "Home" not in rows[2]["text"] and "Copyright" not in rows[2]["text"]
    assert result.kept.schema.field("title").type == pa.string()
    assert {f.name for f in stage.output_fields()} <= set(result.kept.column_names)


def test_no_text_too_large_and_binary_junk_are_rejected(stage):
    import random

    rng = random.Random(0)
    junk = bytes(rng.getrandbits(8) for _ in range(20000)).decode("cp1252", errors="replace")
    pages = ["<html><head><title>Nothing</title></head><body><div></div></body></html>", "", None,
             "   \n", junk, "\x00\x01\x02" * 1000, "<html><body><p>tiny</p></body></html>", ARTICLE]
    result = stage.process(make_table(pages))
    got = reasons(result)
    assert got == {f"d{i}": "extract:no-text" for i in range(7)}
    assert result.kept.column("id").to_pylist() == ["d7"]
    small = ExtractStage(max_html_bytes=500, isolation="inline")
    result = small.process(make_table([ARTICLE, "<html><body><p>short</p></body></html>"]))
    assert reasons(result) == {"d0": "extract:too-large", "d1": "extract:no-text"}
    # the rejected row keeps its HTML for inspection
    assert result.rejected.to_pylist()[0]["text"] == ARTICLE


# ---------------------------------------------------------------------------------------------
# Time limit and crash isolation


def test_sleeping_page_times_out_and_the_rest_of_the_batch_is_extracted(hooks):
    st = ExtractStage(timeout=1.0)
    st.setup()
    try:
        t0 = time.monotonic()
        result = st.process(make_table([ARTICLE, hook("sleep=60"), ARTICLE, ARTICLE, ARTICLE]))
        elapsed = time.monotonic() - t0
        assert elapsed < 8, elapsed
        assert reasons(result) == {"d1": "extract:timeout"}
        assert result.kept.column("id").to_pylist() == ["d0", "d2", "d3", "d4"]
        assert all("Paragraph 5" in t for t in result.kept.column("text").to_pylist())
        assert result.counters["timeouts"] == 1 and result.counters["child_restarts"] == 1
    finally:
        st.close()


def test_real_slow_page_is_cut_by_the_time_limit():
    # ~3 MB of distinct paragraphs takes seconds to extract; the limit is 0.3 s
    slow = ("<html><body><article>" + "".join(f"<p>Paragraph {i} says something different, {i * 7}.</p>\n"
                                              for i in range(40000)) + "</article></body></html>")
    st = ExtractStage(timeout=0.3)
    st.setup()
    try:
        t0 = time.monotonic()
        result = st.process(make_table([slow, ARTICLE]))
        assert time.monotonic() - t0 < 5
        assert reasons(result) == {"d0": "extract:timeout"}
        assert result.kept.column("id").to_pylist() == ["d1"]
    finally:
        st.close()


@pytest.mark.parametrize("command", ["exit", "segfault"])
def test_child_crash_rejects_only_that_page(hooks, command):
    st = ExtractStage(chunk_docs=2)  # the crash happens mid-chunk
    st.setup()
    try:
        result = st.process(make_table([ARTICLE, ARTICLE, hook(command), ARTICLE, ARTICLE]))
        assert reasons(result) == {"d2": "extract:error"}
        assert result.kept.num_rows == 4 and set(result.kept.column("content_type").to_pylist()) == {"text/plain"}
        assert result.counters["crashes"] == 1 and result.counters["child_restarts"] == 1
    finally:
        st.close()


def test_runaway_memory_is_an_error_not_an_oom_kill(hooks):
    st = ExtractStage(max_memory_mb=1024)
    st.setup()
    try:
        result = st.process(make_table([hook("memory"), ARTICLE]))
        assert reasons(result) == {"d0": "extract:error"}
        assert result.kept.column("id").to_pylist() == ["d1"]
    finally:
        st.close()


def test_inline_isolation_has_a_timer(hooks):
    st = ExtractStage(isolation="inline", timeout=0.5)
    st.setup()
    t0 = time.monotonic()
    result = st.process(make_table([hook("sleep=30"), ARTICLE]))
    assert time.monotonic() - t0 < 5
    assert reasons(result) == {"d0": "extract:timeout"}
    assert result.kept.column("id").to_pylist() == ["d1"]


def test_stage_pickles_and_child_is_reaped():
    st = ExtractStage(timeout=2.0)
    clone = pickle.loads(pickle.dumps(st))  # what the runner does to reach its workers
    st.setup()
    pid = st._backend.child.proc.pid
    again = pickle.loads(pickle.dumps(st))  # a set-up stage pickles too, without its child
    assert again._backend is None and again.timeout == clone.timeout == 2.0
    assert st.process(make_table([ARTICLE])).kept.num_rows == 1
    st.close()
    assert _pid_gone(pid)


def test_child_dies_with_its_parent(tmp_path):
    """The worker's exit (normal or SIGKILL) leaves no extraction process behind."""
    script = tmp_path / "worker.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from corpuskit.stages.extract import ExtractStage\n"
        "st = ExtractStage(); st.setup()\n"
        "print(st._backend.child.proc.pid, flush=True)\n"
        "if sys.argv[1] == 'hang':\n"
        "    time.sleep(60)\n", encoding="utf-8")
    for mode in ("exit", "hang"):
        proc = subprocess.Popen([sys.executable, str(script), mode], stdout=subprocess.PIPE, text=True)
        child = int(proc.stdout.readline())
        if mode == "hang":
            proc.kill()
        proc.wait(30)
        deadline = time.monotonic() + 10
        while not _pid_gone(child, zombie_ok=True) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _pid_gone(child, zombie_ok=True), mode


def test_parameters_are_checked():
    with pytest.raises(ValueError):
        ExtractStage(isolation="thread")
    with pytest.raises(ValueError):
        ExtractStage(favor_precision=True, favor_recall=True)
    with pytest.raises(ValueError):
        ExtractStage(table_format="html")
    assert ExtractStage(max_html_bytes="2MB").max_html_bytes == 2_000_000


# ---------------------------------------------------------------------------------------------
# Through the runner


def test_extract_through_the_runner(tmp_path):
    data = shared("html-trafilatura-eval")
    index = json.loads((data / "evaldata.subset.json").read_text(encoding="utf-8"))
    corpus = tmp_path / "pages"
    corpus.mkdir()
    url = EVAL_PAGES[5]
    (corpus / "zh.html").write_bytes(gzip.decompress((data / index[url]["html_gz"]).read_bytes()))
    (corpus / "article.html").write_text(ARTICLE, encoding="utf-8")
    (corpus / "empty.html").write_text("<html><body><div></div></body></html>", encoding="utf-8")
    (corpus / "note.txt").write_text("A plain text note.\n", encoding="utf-8")
    cfg = {"name": "extract", "input": {"paths": [str(corpus)]}, "output": {"path": str(tmp_path / "out")},
           "stages": [{"extract": {"timeout": 5.0, "with_metadata": True}}], "executor": {"type": "local", "workers": 1}}
    run_pipeline(load_config(write_pipeline(tmp_path, cfg)))
    kept = {r["id"]: r for r in read_rows(tmp_path / "out" / "kept")}
    rejected = read_rows(tmp_path / "out" / "rejected")
    assert set(kept) == {"zh.html", "article.html", "note.txt"}
    assert all(r["content_type"] == "text/plain" for r in kept.values())
    assert kept["note.txt"]["text"] == "A plain text note.\n" and kept["note.txt"]["title"] is None
    assert norm(index[url]["with"][0]) in norm(kept["zh.html"]["text"])
    assert kept["zh.html"]["date"] == "2020-01-02"
    assert [(r["id"], r["rejected_by"], r["reason"]) for r in rejected] == [
        ("empty.html", "extract", "extract:no-text")]
    stage_stats = read_stats(tmp_path / "out")["stages"][-1]
    assert stage_stats["name"] == "extract" and stage_stats["rejected_by_reason"] == {"extract:no-text": 1}
    assert stage_stats["counters"]["html_docs"] == 3


def test_metadata_is_off_by_default_and_changes_no_text():
    """The default leaves title/author/date/sitename null (the columns stay) and extracts the same text as with
    the metadata on, page for page, on real pages."""
    pages = sorted((shared("html-trafilatura-eval") / "html").glob("*.html.gz"))[:40]
    htmls = [decode_html(gzip.decompress(p.read_bytes()))[0] for p in pages]
    tables = {}
    for with_metadata in (False, True):
        st = ExtractStage(with_metadata=with_metadata)
        st.setup()
        try:
            tables[with_metadata] = st.process(make_table(htmls)).kept.to_pylist()
        finally:
            st.close()
    plain, full = tables[False], tables[True]
    assert len(plain) > 30
    assert [r["text"] for r in plain] == [r["text"] for r in full]
    assert all(r[k] is None for r in plain for k in ("title", "author", "date", "sitename"))
    assert sum(r["title"] is not None for r in full) > len(full) // 2
