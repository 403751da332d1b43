"""Reading the documents of an output directory back: ``OUT/kept`` and ``OUT/rejected``, Parquet or JSONL(.gz).

One reader serves the report (its histograms and examples) and ``corpuskit head`` (a look at a few documents):
:func:`row_batches` reads only the columns asked for, and a Parquet text column only for the rows wanted, so a
look at five documents of a large output, or at the rare rejections of one rule, reads little of it.
:func:`excerpt` cuts a text by lines (the first few, each shortened), so that an example shows a document's shape.

A run that is still going (or was interrupted) has the files of its finished shards in place: they are read like
those of a finished run; the hidden temporary files of shards in progress are not.
"""

from __future__ import annotations

import fnmatch
import gzip
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import CorpuskitError

SIDES = ("kept", "rejected")
BATCH_ROWS = 4096
#: what marks a directory as a run's output (any one of them: a run that has just started has only ``_state``)
OUTPUT_MARKS = ("kept", "rejected", "stats.json", "_state")

Rows = list[dict]
TextAt = Callable[[int], "str | None"]


# ---------------------------------------------------------------------------------------------
# Reading rows


def output_parts(directory: Path) -> list[Path]:
    """The finished files of ``OUT/kept`` or ``OUT/rejected``, in the order of the plan (shard, then part)."""
    return [f for f in sorted(Path(directory).glob("part-*"))
            if f.suffix == ".parquet" or f.name.endswith((".jsonl", ".jsonl.gz"))]


@dataclass(frozen=True)
class Match:
    """Rows whose columns match shell-style globs (``fnmatch``, case-sensitive), e.g. ``{"reason": "gopher:*"}``;
    a missing value matches as the empty string."""

    globs: dict[str, str]

    def accepts(self, row: dict) -> bool:
        return all(fnmatch.fnmatchcase(row.get(c) or "", glob) for c, glob in self.globs.items())

    def indices(self, batch: pa.RecordBatch) -> list[int]:
        """The rows of ``batch`` that match. Each glob is tried once per distinct value (a reason column holds a
        few), the rows are then picked by Arrow: no Python object per row."""
        mask = None
        for column, glob in self.globs.items():
            if column not in batch.schema.names:
                if fnmatch.fnmatchcase("", glob):
                    continue
                return []
            values = batch.column(column)
            matching = [v for v in pc.unique(values).to_pylist() if fnmatch.fnmatchcase(v or "", glob)]
            hit = pc.is_in(values, value_set=pa.array(matching, values.type))
            mask = hit if mask is None else pc.and_(mask, hit)
        if mask is None:
            return list(range(batch.num_rows))
        return pc.indices_nonzero(mask).to_pylist()


def row_batches(directory: Path, columns: list[str], where: Match | None = None) -> Iterator[tuple[Rows, TextAt]]:
    """``(rows, text_at)`` batches of a kept/ or rejected/ directory, Parquet or JSONL(.gz): ``rows`` are dicts of
    ``columns`` (those a file has) and, when ``columns`` names ``text``, the text's length in characters as
    ``_chars`` instead of the text; ``text_at(i)`` gives row i's text (only a few are needed, so Parquet texts are
    not turned into Python strings). With ``where``, only the rows it matches: a Parquet file's rows become Python
    objects only when they match, and its text column is read only for the row groups that have such a row."""
    fields = [c for c in columns if c != "text"]
    for f in output_parts(directory):
        if f.suffix == ".parquet":
            yield from _parquet_row_batches(f, fields, "text" in columns, where)
        else:
            yield from _jsonl_row_batches(f, fields, "text" in columns, where)


def _parquet_row_batches(path: Path, fields: list[str], with_text: bool,
                         where: Match | None) -> Iterator[tuple[Rows, TextAt]]:
    """:func:`row_batches` of one Parquet file, row group by row group."""
    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    wanted = set(fields) | set(where.globs if where else ())
    have = [c for c in names if c in wanted and c != "text"] or names[:1]  # one column at least: rows counted
    with_text = with_text and "text" in names
    for group in range(pf.num_row_groups):
        texts = None  # the row group's text column: read when a row of it is wanted
        offset = 0
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[group], columns=have):
            chosen = list(range(batch.num_rows)) if where is None else where.indices(batch)
            if chosen:
                picked = batch if where is None else batch.take(pa.array(chosen, pa.int64()))
                rows = [{k: v for k, v in r.items() if k in fields} for r in picked.to_pylist()]
                if with_text:
                    if texts is None:
                        texts = pf.read_row_group(group, columns=["text"]).column("text")
                    yield _with_texts(rows, texts.slice(offset, batch.num_rows).take(chosen))
                else:
                    yield rows, lambda i: None
            offset += batch.num_rows


def _with_texts(rows: Rows, texts: pa.ChunkedArray) -> tuple[Rows, TextAt]:
    for r, n in zip(rows, pc.utf8_length(texts).to_pylist()):
        r["_chars"] = n
    return rows, lambda i: texts[i].as_py()


def _jsonl_row_batches(path: Path, fields: list[str], with_text: bool,
                       where: Match | None) -> Iterator[tuple[Rows, TextAt]]:
    """:func:`row_batches` of one JSONL(.gz) file."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        rows, texts = [], []
        for line in fh:
            record = json.loads(line)
            if where is not None and not where.accepts(record):
                continue
            row = {c: record[c] for c in fields if c in record}
            if with_text:
                text = record.get("text") if isinstance(record.get("text"), str) else None
                row["_chars"] = None if text is None else len(text)
                texts.append(text)
            rows.append(row)
            if len(rows) == BATCH_ROWS:
                yield rows, (texts.__getitem__ if with_text else lambda i: None)
                rows, texts = [], []
        if rows:
            yield rows, (texts.__getitem__ if with_text else lambda i: None)


def column_names(directory: Path) -> dict[str, bool]:
    """The columns of the documents in ``directory`` -> whether they hold floating-point numbers: from the first
    Parquet file's schema, or the first record of the first JSONL file ({} when it has no file yet)."""
    parts = output_parts(directory)
    if not parts:
        return {}
    first = parts[0]
    if first.suffix == ".parquet":
        return {f.name: pa.types.is_floating(f.type) for f in pq.read_schema(first)}
    opener = gzip.open if first.name.endswith(".gz") else open
    with opener(first, "rt", encoding="utf-8") as fh:
        line = fh.readline()
    record = json.loads(line) if line.strip() else {}
    return {k: isinstance(v, float) or (v is None and k.endswith("_score")) for k, v in record.items()}


# ---------------------------------------------------------------------------------------------
# Texts cut by lines

#: shown as escapes, never sent to a terminal as they are: C0/C1 controls (a crawled page may hold ANSI escape
#: sequences) and the bidirectional overrides that reorder what is displayed
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to print: tabs as spaces, control and bidirectional-override characters as ``\\xNN`` /
    ``\\uNNNN`` escapes."""
    text = text.replace("\t", "    ")
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def display_width(char: str) -> int:
    """Columns a character takes on a terminal: two for wide (CJK) characters, none for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def shorten_line(line: str, width: int) -> tuple[str, bool]:
    """``line`` cut to ``width`` terminal columns, an ellipsis included (and whether it was cut). Only the first
    ``width`` characters or so are looked at, however long the line."""
    if len(line) * 2 <= width:
        return line, False
    columns, fits = 0, None  # fits: the characters that leave a column for the ellipsis
    for i, char in enumerate(line):
        w = display_width(char)
        if fits is None and columns + w > width - 1:
            fits = i
        columns += w
        if columns > width:
            return line[:fits] + "…", True
    return line, False


@dataclass
class Excerpt:
    """The first lines of a text, each at most ``width`` columns: ``more_lines`` were left out; ``truncated`` when
    anything was (lines, or the end of a line)."""

    lines: list[str] = field(default_factory=list)
    more_lines: int = 0
    truncated: bool = False


def excerpt(text: str | None, max_lines: int, width: int) -> Excerpt:
    """The first ``max_lines`` lines of ``text``, each shortened to ``width`` columns and made printable
    (:func:`printable`): enough to see a document's shape (headings, lists, paragraphs) at a glance."""
    all_lines = (text or "").splitlines()
    shown, cut_any = [], False
    for line in all_lines[:max_lines]:
        line, cut = shorten_line(printable(line), width)
        shown.append(line)
        cut_any = cut_any or cut
    more = max(len(all_lines) - max_lines, 0)
    return Excerpt(shown, more, cut_any or more > 0)


# ---------------------------------------------------------------------------------------------
# A look at a few documents


@dataclass
class Look:
    """What :func:`head` found: the documents (dicts with ``id``, ``url``, the score columns, ``text``; and
    ``rejected_by`` / ``reason`` for rejected ones), where from, and whether the run had finished."""

    documents: list[dict]
    directory: Path
    side: str
    score_columns: list[str]
    finished: bool


def check_output_directory(out: Path) -> None:
    """An error naming ``out`` unless it is a run's output directory (finished or not)."""
    if not out.exists():
        raise CorpuskitError(f"{out}: no such directory")
    if not out.is_dir():
        raise CorpuskitError(f"{out} is a file, not an output directory (give the directory a run wrote to)")
    if not any((out / name).exists() for name in OUTPUT_MARKS):
        raise CorpuskitError(f"{out} is not the output directory of a corpuskit run: it has no kept/, rejected/ "
                             "or stats.json")


def _match(reason: str | None, stage: str | None) -> Match | None:
    """The rejected rows whose reason and rejecting stage match the globs given, or None (every row)."""
    globs = {column: glob for column, glob in (("reason", reason), ("rejected_by", stage)) if glob is not None}
    return Match(globs) if globs else None


def head(out: str | Path, n: int = 5, *, rejected: bool = False, reason: str | None = None,
         stage: str | None = None, declared_scores: Iterable[str] = ()) -> Look:
    """The first ``n`` documents of the output directory ``out`` in plan order: kept ones, or rejected ones
    (``rejected``, implied by ``reason`` / ``stage``: globs over the rejection reason and the stage that
    rejected, e.g. ``gopher:*``). Score columns are the floating-point columns named ``*_score`` and those in
    ``declared_scores`` (``Stage.report_scores`` of the stages). Reading stops once ``n`` documents are found."""
    out = Path(out)
    check_output_directory(out)
    side = "rejected" if rejected or reason is not None or stage is not None else "kept"
    directory = out / side
    available = column_names(directory)
    declared = set(declared_scores)
    scores = sorted(c for c, is_float in available.items()
                    if c in declared or (is_float and c.endswith("_score")))
    columns = ["id", "url", *(["rejected_by", "reason"] if side == "rejected" else []), *scores, "text"]
    documents = list(itertools.islice(_documents(directory, columns, _match(reason, stage)), max(n, 0)))
    return Look(documents, directory, side, scores, (out / "stats.json").exists())


def _documents(directory: Path, columns: list[str], where: Match | None) -> Iterator[dict]:
    for rows, text_at in row_batches(directory, columns, where):
        for i, row in enumerate(rows):
            row.pop("_chars", None)
            yield {**row, "text": text_at(i)}
