"""HTML main-text extraction with trafilatura, with a per-document time limit and crash isolation.

Rows whose ``content_type`` is ``text/html`` hold decoded raw HTML in ``text``; this stage replaces it
with the page's main text (paragraphs separated by newlines, no navigation, ads, cookie banners or,
by default, reader comments) and sets ``content_type`` to ``text/plain``. With ``with_metadata: true`` it
also fills the annotation columns ``title``, ``author``, ``date`` (publication date, ``YYYY-MM-DD``) and
``sitename`` (they are there either way, null without it): the metadata costs about a fifth of the extraction
time and changes no word of the text, and no stage reads it, so it is off by default. Other rows pass
through untouched.

The words are trafilatura's (``trafilatura.extract(html, include_comments=False)``, the call behind
its published benchmark figures), with two changes of form by default, both for language-model text:
a table row is one line of tab-separated cells instead of a Markdown pipe row (no ``|---|`` rules;
``table_format: markdown`` keeps trafilatura's), and citation markers (a ``<sup>`` holding only
``[13]``, ``[2-4]``...) are dropped (``drop_citation_markers``). Rows and cells that trafilatura keeps
outside any table (one cell of a layout table taken for the article) are unwrapped, so the article's
paragraphs stay lines instead of one ``| ... |`` line.

Rejection reasons:

* ``extract:too-large``: the page has more than ``max_html_bytes`` bytes of UTF-8 (not parsed);
* ``extract:no-text``: trafilatura found no main text, or fewer than ``min_text_chars`` characters;
* ``extract:timeout``: extraction took longer than ``timeout`` seconds;
* ``extract:error``: extraction raised, or the process extracting the page crashed (segfault,
  out of memory, killed).

With ``isolation: process`` (the default) each worker runs trafilatura in a persistent child
process, started in :meth:`ExtractStage.setup`, and sends it the pages of a batch over a pipe
in small chunks. The parent waits for each page's result with a deadline; when the deadline
passes, or the child dies, the child is killed (and reaped) and restarted, only the page being
extracted is rejected, and the rest of the chunk is sent again. The child also runs with an
address-space limit (``max_memory_mb``) so that a page that makes lxml allocate without bound
fails with ``extract:error`` instead of waking the kernel's OOM killer. The pipe costs about
0.5-1 ms per real page (2-5 % of the extraction time). ``isolation: inline`` extracts in the worker
itself with a ``SIGALRM`` timer (main thread only): for debugging and profiling; it is not
meaningfully faster, its timer cannot interrupt a long C call (the lxml parser), and a crash takes
the worker down. The child process and the timer live in :mod:`corpuskit.stages._extraction_isolation`;
this module holds the stage and the extraction proper. See ``docs/extraction.md`` for the measurements
behind the defaults.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..schema import TEXT_HTML, TEXT_PLAIN, with_columns
from ..stage import Stage, StageResult, register
from ..values import parse_size
from ._extraction_isolation import InlineBackend, ProcessBackend

REASON_NO_TEXT = "extract:no-text"
REASON_TOO_LARGE = "extract:too-large"
REASON_TIMEOUT = "extract:timeout"
REASON_ERROR = "extract:error"

HTML_TYPES = frozenset({TEXT_HTML, "application/xhtml+xml"})
META_FIELDS = ("title", "author", "date", "sitename")
ISOLATIONS = ("process", "inline")

#: The function that extracts one page, as ``module:name``, imported where it runs (in the child process too). Tests
#: replace it on the class (``ExtractStage.extract_function``) to inject faults: a hung page, a crash, runaway memory.
EXTRACT_FUNCTION = "corpuskit.stages.extract:extract_html"
#: The function that readies a process to extract (``prepare_extraction``), as ``module:name``: run once per process.
PREPARE_FUNCTION = "corpuskit.stages.extract:prepare_extraction"

_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability")


# ---------------------------------------------------------------------------------------------
# Extraction proper (runs in the extraction child process, or inline)


# Citation markers: a ``<sup>`` holding only a bracketed number, range or list (``[13]``, ``[2-4]``, ``[1, 5]``),
# as Wikipedia, Baidu Baike and most wikis write them. Pruned before extraction, so the text after them stays.
# Superscripts without brackets (``m<sup>2</sup>``, footnote digits) are not matched.
CITATION_XPATH = ("//sup[contains(., '[') and contains(., ']') and string-length(normalize-space(.)) <= 24"
                  " and translate(normalize-space(.), '0123456789[]-\u2013,; ', '') = '']")
TABLE_FORMATS = ("text", "markdown")


def trafilatura_kwargs(*, include_comments: bool, include_tables: bool, favor_precision: bool,
                       favor_recall: bool, fast: bool, include_formatting: bool, deduplicate: bool,
                       with_metadata: bool, date_extensive_search: bool, table_format: str = "text",
                       drop_citation_markers: bool = True) -> dict[str, Any]:
    """Keyword arguments for :func:`extract_html` (plain data: they travel to the child).

    All of them are ``trafilatura.bare_extraction``'s, except ``_tables_as_text`` (popped by
    :func:`extract_html`: tables rendered as tab-separated rows instead of Markdown pipes).
    """
    if table_format not in TABLE_FORMATS:
        raise ValueError(f"table_format must be one of {', '.join(TABLE_FORMATS)}; got {table_format!r}")
    kwargs = {"include_comments": include_comments, "include_tables": include_tables,
              "favor_precision": favor_precision, "favor_recall": favor_recall, "fast": fast,
              "include_formatting": include_formatting, "deduplicate": deduplicate,
              "with_metadata": with_metadata, "include_images": False, "include_links": False}
    if with_metadata and not date_extensive_search:
        # htmldate's defaults otherwise (latest allowed date: today)
        kwargs["date_extraction_params"] = {"original_date": True, "extensive_search": False}
    if drop_citation_markers:
        kwargs["prune_xpath"] = [CITATION_XPATH]
    if include_tables and table_format == "text":
        kwargs["_tables_as_text"] = True
    return kwargs


def extract_html(html: str, url: str | None, kwargs: dict[str, Any]) -> tuple[str, dict[str, str | None]]:
    """Main text and metadata of one page; ``("", {...})`` where trafilatura finds nothing.

    The text is what ``trafilatura.extract(output_format="txt")`` returns (the comments, when
    asked for, after the body), NFC-normalised, without the metadata header; with
    ``_tables_as_text`` in ``kwargs``, each table row is one line of tab-separated cells instead
    of trafilatura's Markdown pipe rows (``| a | b |``, ``|---|---|``).
    """
    import trafilatura

    kwargs = dict(kwargs)
    tables_as_text = kwargs.pop("_tables_as_text", False)
    doc = trafilatura.bare_extraction(html, url=url or None, output_format="python", **kwargs)
    if doc is None:
        return "", {}
    formatting = bool(kwargs.get("include_formatting"))
    text = doc.text or ""
    if tables_as_text and doc.body is not None and _has_table_parts(doc.body):
        text = _text_with_plain_tables(doc.body, formatting)
    if kwargs.get("include_comments") and getattr(doc, "comments", None):
        comments = doc.comments
        body = getattr(doc, "commentsbody", None)
        if tables_as_text and body is not None and _has_table_parts(body):
            comments = _text_with_plain_tables(body, formatting)
        text = f"{text}\n{comments}"
    text = unicodedata.normalize("NFC", text).strip()
    meta = {}
    if kwargs.get("with_metadata"):
        for key in META_FIELDS:
            value = " ".join(str(getattr(doc, key, None) or "").split())
            meta[key] = value or None
    return text, meta


def _has_table_parts(body) -> bool:
    return next(body.iter("table", "row", "cell"), None) is not None


def _cell_text(cell) -> str:
    """One table cell on one line, spaced the way trafilatura spaces it (its serializer, pipes taken off)."""
    from copy import deepcopy

    from trafilatura.xml import xmltotxt

    cell = deepcopy(cell)
    cell.tail = None
    text = xmltotxt(cell, False).strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return " ".join(text.replace("\\|", "|").split())


def _table_rows(table) -> list[str]:
    """The rows of one table (nested tables already flattened): tab-separated cells, empty rows dropped."""
    rows = []
    for row in table.iter("row"):
        if next(row.iterancestors("table"), None) is not table:
            continue
        cells = [_cell_text(cell) for cell in row if cell.tag == "cell"]
        line = "\t".join(cells).rstrip("\t")
        if line.strip():
            rows.append(line)
    return rows


def _unwrap_stray_cells(body) -> None:
    """Rows and cells outside any table (trafilatura keeps them when it picks one cell of a layout table as
    the main content) are unwrapped into their parent, so that their paragraphs stay lines of their own
    instead of one ``| ... |`` line holding the whole article."""
    from lxml.etree import Element

    while True:
        stray = next((el for el in body.iter("row", "cell") if next(el.iterancestors("table"), None) is None
                      and el.getparent() is not None), None)
        if stray is None:
            return
        _squash_spacing(stray)
        parent = stray.getparent()
        position = parent.index(stray)
        moved = list(stray)
        if stray.text and stray.text.strip():
            lead = Element("p")
            lead.text = stray.text
            moved.insert(0, lead)
        if stray.tail and stray.tail.strip():
            trail = Element("p")
            trail.text = stray.tail
            moved.append(trail)
        parent.remove(stray)  # lxml's remove drops the tail with it: kept above
        for k, child in enumerate(moved):
            parent.insert(position + k, child)


_BLOCKS = frozenset({"p", "head", "quote", "list", "item", "table", "row", "cell", "lb"})


def _squash(text: str | None) -> str | None:
    if not text:
        return text
    core = " ".join(text.split())
    if not core:
        return " "
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def _squash_spacing(element) -> None:
    """Collapse the source's line breaks and runs of spaces inside a cell's text, as trafilatura does for
    text outside cells (inside them it keeps them, and turns them into spaces only when it draws the row);
    ``code`` keeps its spacing."""
    for el in element.iter():
        if el.tag == "code" or next(el.iterancestors("code"), None) is not None:
            if el is not element and el.tag == "code":
                el.tail = _squash(el.tail)
            continue
        block = el.tag in _BLOCKS
        el.text = _squash(el.text)
        if block and el.text:
            el.text = el.text.lstrip() or None
        if el is not element:
            el.tail = _squash(el.tail)
            if block and el.tail:
                el.tail = el.tail.lstrip() or None


def _text_with_plain_tables(body, formatting: bool) -> str:
    """``xmltotxt(body)`` with every table as lines of tab-separated cells (no pipes, no ``|---|`` rows).

    Each outermost table is swapped for a paragraph holding a unique marker, the tree is serialised
    by trafilatura as usual, and the marker is replaced by the table's rows; a table nested in a
    cell becomes that cell's text (its cells separated by spaces).
    """
    import uuid
    from copy import deepcopy

    from lxml.etree import Element
    from trafilatura.xml import xmltotxt

    body = deepcopy(body)
    _unwrap_stray_cells(body)
    tables = list(body.iter("table"))
    rendered: dict[str, str] = {}
    nonce = uuid.uuid4().hex
    for k, table in enumerate(reversed(tables)):  # inner tables first
        parent = table.getparent()
        if parent is None:
            continue
        rows = _table_rows(table)
        replacement = Element("p")
        if next(table.iterancestors("table"), None) is not None:
            replacement.text = " ".join(" ".join(r.split("\t")) for r in rows)
        else:
            marker = f"corpuskittable{nonce}n{k}x"  # "n1x" is no prefix of "n10x"
            rendered[marker] = "\n".join(rows)
            replacement.text = marker
        replacement.tail = table.tail
        parent.replace(table, replacement)
    text = xmltotxt(body, formatting)
    lines = []
    for line in text.split("\n"):
        line = line.rstrip(" ")
        if "corpuskittable" in line:
            for marker, rows in rendered.items():
                if marker in line:
                    line = line.replace(marker, rows)
            if not line.strip():
                continue
        lines.append(line)
    return "\n".join(lines)


def prepare_extraction(kwargs: dict[str, Any]) -> None:
    """Ready this process to extract with ``kwargs``: quiet trafilatura's loggers and warm it up."""
    _quiet_loggers()
    _warm_up(kwargs)


def _quiet_loggers() -> None:
    """Trafilatura logs every page it cannot use at WARNING/ERROR; our reasons say it already."""
    import logging

    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _warm_up(kwargs: dict[str, Any]) -> None:
    """Import everything trafilatura loads lazily, so the first real page is not charged for it."""
    page = ("<html><head><title>t</title></head><body><article><h1>Warm up</h1>"
            + "<p>This paragraph is long enough to count as the main text of a page.</p>" * 8
            + "</article></body></html>")
    extract_html(page, "https://example.com/a", kwargs)


# ---------------------------------------------------------------------------------------------
# The stage


@register
class ExtractStage(Stage):
    """Main text of HTML pages with trafilatura; ``text/plain`` rows pass through.

    Annotations: ``title``, ``author``, ``date`` (publication date as found in the page,
    ``YYYY-MM-DD``), ``sitename`` (null where unknown and on rows that were not HTML).
    Counters: ``html_docs``, ``html_bytes``, ``extract_seconds`` (time spent extracting, summed
    over pages), ``timeouts``, ``crashes``, ``child_restarts``.
    """

    name = "extract"
    #: ``module:name`` of the function that extracts one page (``EXTRACT_FUNCTION``); a class attribute, not a
    #: pipeline parameter: tests replace it to inject faults into the child process
    extract_function: str = EXTRACT_FUNCTION

    def __init__(self, include_comments: bool = False, include_tables: bool = True,
                 favor_precision: bool = False, favor_recall: bool = False, fast: bool = False,
                 include_formatting: bool = False, deduplicate: bool = False, with_metadata: bool = False,
                 date_extensive_search: bool = False, table_format: str = "text",
                 drop_citation_markers: bool = True,
                 min_text_chars: int = 20, max_html_bytes: int | str = 5_000_000, timeout: float = 10.0,
                 isolation: str = "process", max_memory_mb: int | None = 4096, chunk_docs: int = 16,
                 chunk_bytes: int | str = 8_000_000):
        if isolation not in ISOLATIONS:
            raise ValueError(f"isolation must be one of {', '.join(ISOLATIONS)}; got {isolation!r}")
        if favor_precision and favor_recall:
            raise ValueError("favor_precision and favor_recall exclude each other")
        if timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        if min_text_chars < 1:
            raise ValueError("min_text_chars must be at least 1")
        self.kwargs = trafilatura_kwargs(
            include_comments=include_comments, include_tables=include_tables, favor_precision=favor_precision,
            favor_recall=favor_recall, fast=fast, include_formatting=include_formatting,
            deduplicate=deduplicate, with_metadata=with_metadata, date_extensive_search=date_extensive_search,
            table_format=table_format, drop_citation_markers=drop_citation_markers)
        self.min_text_chars = min_text_chars
        self.max_html_bytes = parse_size(max_html_bytes)
        self.timeout = float(timeout)
        self.isolation = isolation
        self.max_memory_mb = max_memory_mb
        self.chunk_docs = max(1, chunk_docs)
        self.chunk_bytes = parse_size(chunk_bytes)
        self._backend = None

    # -- lifecycle ------------------------------------------------------------------------
    def __getstate__(self):
        state = dict(self.__dict__)
        state["_backend"] = None  # a child process does not travel; each worker starts its own
        return state

    def output_fields(self):
        return [pa.field(name, pa.string()) for name in META_FIELDS]

    def setup(self) -> None:
        if self._backend is not None:
            return
        if self.isolation == "process":
            self._backend = ProcessBackend(self.kwargs, self.timeout, self.max_memory_mb, self.chunk_docs,
                                           self.chunk_bytes, extract=self.extract_function, prepare=PREPARE_FUNCTION)
            self._backend.start()
        else:
            self._backend = InlineBackend(self.kwargs, self.timeout, extract=self.extract_function,
                                          prepare=PREPARE_FUNCTION)

    def close(self) -> None:
        """Stop the child process (also done at interpreter exit, and if the stage is garbage-collected)."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    # -- work -----------------------------------------------------------------------------
    def process(self, table: pa.Table) -> StageResult:
        n = table.num_rows
        counters = {k: 0.0 for k in ("html_docs", "html_bytes", "extract_seconds", "timeouts", "crashes",
                                     "child_restarts")}
        if self.isolation == "inline":
            counters["untimed_docs"] = 0.0
        texts = table.column("text").to_pylist()
        ctypes = table.column("content_type").to_pylist()
        reasons: list[str | None] = [None] * n
        meta_cols: dict[str, list] = {k: [None] * n for k in META_FIELDS}
        jobs = self._jobs(table, texts, ctypes, reasons, counters)
        if jobs:
            if self._backend is None:
                self.setup()
            results = self._backend.run(jobs, counters)
            self._apply_results(jobs, results, texts, ctypes, meta_cols, reasons)
        return _stage_result(table, texts, ctypes, meta_cols, reasons, counters)

    def _jobs(self, table: pa.Table, texts: list, ctypes: list, reasons: list,
              counters: dict[str, float]) -> list[tuple[int, str, str | None]]:
        """``(row, html, url)`` of each HTML page to extract; empty and too large pages get their reason."""
        urls = table.column("url").to_pylist() if "url" in table.column_names else [None] * table.num_rows
        sizes = pc.binary_length(table.column("text").cast(pa.binary())).to_pylist()  # UTF-8 bytes, in C
        jobs = []
        for i in range(table.num_rows):
            if (ctypes[i] or "").split(";")[0].strip().lower() not in HTML_TYPES:
                continue
            html = texts[i]
            counters["html_docs"] += 1
            if not html or html.isspace():
                reasons[i] = REASON_NO_TEXT
                continue
            size = sizes[i]
            counters["html_bytes"] += size
            if size > self.max_html_bytes:
                reasons[i] = REASON_TOO_LARGE
                continue
            jobs.append((i, html, urls[i]))
        return jobs

    def _apply_results(self, jobs: list, results: dict[int, tuple], texts: list, ctypes: list,
                       meta_cols: dict[str, list], reasons: list) -> None:
        """Each page's text and metadata in place of its HTML, or its reason for rejection."""
        for i, _, _ in jobs:
            res = results[i]
            if res[0] == "timeout":
                reasons[i] = REASON_TIMEOUT
            elif res[0] != "ok":
                reasons[i] = REASON_ERROR
            elif _too_short(res[1], self.min_text_chars):
                reasons[i] = REASON_NO_TEXT
            else:
                texts[i] = res[1]
                ctypes[i] = TEXT_PLAIN
                for key, value in res[2].items():
                    meta_cols[key][i] = value


def _stage_result(table: pa.Table, texts: list, ctypes: list, meta_cols: dict[str, list], reasons: list,
                  counters: dict[str, float]) -> StageResult:
    """The table with the new columns, split into kept rows and rejected ones (with their ``reason``)."""
    table = with_columns(table, {"text": pa.array(texts, pa.string()),
                                 "content_type": pa.array(ctypes, pa.string())})
    for key in META_FIELDS:
        table = with_columns(table, {key: pa.array(meta_cols[key], pa.string())})
    keep = pa.array([r is None for r in reasons], pa.bool_())
    rejected = table.filter(pc.invert(keep))
    rejected = rejected.append_column("reason", pa.array([r for r in reasons if r is not None], pa.string()))
    return StageResult(table.filter(keep), rejected, counters)


def _too_short(text: str, n: int) -> bool:
    """Fewer than ``n`` characters that are not whitespace (looks at a prefix first: texts can be long)."""
    if len(text) < n:
        return True
    return len("".join(text[: 64 * n].split())) < n and len("".join(text.split())) < n
