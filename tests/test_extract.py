"""The ``extract`` stage: main text of real pages, pass-through, rejects, time limit, crash isolation."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

import corpuskit.stages.extract as extract_mod
from corpuskit.charset import decode_html
from corpuskit.config import load_config
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
    st = ExtractStage()
    st.setup()
    yield st
    st.close()


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.setenv(extract_mod.TEST_HOOKS_ENV, "1")


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
           "stages": [{"extract": {"timeout": 5.0}}], "executor": {"type": "local", "workers": 1}}
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
