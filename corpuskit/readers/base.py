"""The reader contract: a reader turns one input shard into a stream of documents.

Readers never drop a document silently. A record that cannot become a document (invalid
JSON, invalid UTF-8, too large, an HTTP 404) is emitted with a ``reason`` and is counted and
written to the rejected output by the runner, as if a ``read`` stage had rejected it. Errors
that stop a whole file (truncated gzip, corrupt Parquet) raise :class:`InputError` naming
the file; the runner records them and keeps the documents read before the error.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields
from typing import Iterator, NamedTuple

import pyarrow as pa

from ..schema import CORE_SCHEMA, REJECT_FIELDS, TEXT_PLAIN

DEFAULT_SHARD_BYTES = 256 * 1024**2  # the largest automatic task size, and the split size outside a run
REJECT_PREVIEW_CHARS = 10_000  # how much of an unusable record a rejected row keeps for inspection


class Doc(NamedTuple):
    id: str
    text: str
    url: str | None = None
    content_type: str = TEXT_PLAIN
    meta: dict | None = None
    reason: str | None = None  # set when the reader rejects the record


@dataclass(frozen=True)
class ReadTask:
    """One unit of reading work: a whole file, or a byte range / row-group range of one."""

    path: str  # absolute path
    rel: str  # path relative to the input root; prefixes document ids
    format: str
    start: int = 0  # byte offset (jsonl) or first row group (parquet)
    end: int | None = None  # exclusive; None = to the end
    first_index: int = 0  # record index of the first record in the range
    size: int = 0  # bytes on disk this task covers, for progress and ETA
    error: str | None = None  # the file could not even be planned (e.g. no Parquet footer): reported when read
    max_docs: int | None = None  # read at most this many documents of the range (``input.limit`` cut it here)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "ReadTask":
        return cls(**d)

    def to_plan_dict(self) -> dict:
        """As in plan.json: without ``error`` or ``max_docs`` unless set (plans stay as they were)."""
        return {k: v for k, v in self.to_dict().items() if k not in ("error", "max_docs") or v is not None}


@dataclass
class ReaderOptions:
    """Options shared by all readers (the ``input:`` section of a pipeline)."""

    text_field: str = "text"
    id_field: str | None = None  # use this field as the id instead of path#index
    url_field: str | None = "url"
    content_type: str = TEXT_PLAIN  # for jsonl/parquet/txt: what the text field holds
    encoding_errors: str = "reject"  # invalid UTF-8 in JSONL: 'reject' the line or 'replace' bad bytes
    max_doc_bytes: int = 8 * 1024**2  # larger documents are rejected with read:too-large
    max_decompressed_bytes: int = 64 * 1024**3
    max_decompression_ratio: float = 1000.0
    batch_docs: int = 1000
    batch_bytes: int = 32 * 1024**2
    # splittable inputs are split into ranges of about this size; None: chosen by the run from the input size and
    # the worker count (:func:`corpuskit.inputs.task_bytes`), at most DEFAULT_SHARD_BYTES
    shard_bytes: int | None = None
    limit: int | None = None  # read only the first this many documents, in plan order (a trial run)


class Reader:
    """Base class: subclasses implement :meth:`iter_docs` and say whether they can split files."""

    format: str = ""
    splittable: bool = False
    # whether plan() may split a compressed file whose boundaries cost a decompression pass to find (a WARC of
    # gzip members): the planner turns it off when there are enough files to keep the workers busy without it
    split_compressed: bool = True

    def __init__(self, options: ReaderOptions):
        self.options = options

    @property
    def split_bytes(self) -> int:
        """The size of the ranges a splittable file is cut into."""
        return self.options.shard_bytes or DEFAULT_SHARD_BYTES

    def plan(self, path: str, rel: str, size: int) -> list[ReadTask]:
        """Split one file into tasks. Non-splittable formats give one task per file."""
        return [ReadTask(path=path, rel=rel, format=self.format, size=size)]

    def iter_docs(self, task: ReadTask, progress: "ProgressSink") -> Iterator[Doc]:
        raise NotImplementedError

    def counters(self) -> dict[str, int]:
        """What this reader passed over without a document row, per reason, keyed as in ``stats.json``'s read
        counters (e.g. ``warc_records_skipped:request``); summed over the files it read."""
        return {}

    def too_large(self, doc_id: str, nbytes: int, url: str | None = None, preview: str = "") -> Doc:
        return Doc(doc_id, preview[:REJECT_PREVIEW_CHARS], url, TEXT_PLAIN,
                   {"bytes": nbytes}, f"read:too-large>{self.options.max_doc_bytes}")


def dump_meta(meta: dict) -> str:
    """Meta as compact JSON; escapes non-ASCII only when it holds lone surrogates Arrow cannot store."""
    text = json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(meta, ensure_ascii=True, separators=(",", ":"), default=str)
    return text


def clean_unicode(text: str) -> str | None:
    """``text`` if it is valid Unicode (no lone surrogates), else None."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``\\ud800``): valid Unicode that still tells
    such strings apart (unlike U+FFFD). For ids, URLs and other short strings that must survive the trip into
    Arrow."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, as undecodable bytes in a document's text are."""
    return _SURROGATE.sub("\ufffd", text)


def path_text(path: str) -> str:
    """A path as valid Unicode for ids, ``source`` and reports. A name that is not UTF-8 reaches Python with its
    bad bytes as lone surrogates (``surrogateescape``); they are shown as ``\\xNN`` escapes of those bytes, so
    the text is stable across runs and machines and names the file the way ``ls -b`` does. The file itself is
    still opened through the original ``str``."""
    if clean_unicode(path) is not None:
        return path
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeError:  # a surrogate the file system encoding cannot have produced
        return escape_surrogates(path)


def looks_binary(data: bytes) -> bool:
    """NUL bytes near the start mean a binary file, unless the text is UTF-16/32 with a BOM."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return head.count(b"\x00") > 0


class ProgressSink:
    """Receives progress from a reader: on-disk bytes consumed so far within the task."""

    def __init__(self, callback=None):
        self._callback = callback
        self.position = 0

    def update(self, position: int) -> None:
        if position > self.position:
            delta = position - self.position
            self.position = position
            if self._callback:
                self._callback(delta)


_BATCH_SCHEMA = pa.schema(list(CORE_SCHEMA) + REJECT_FIELDS)


class BatchBuilder:
    """Collects documents column-wise and emits Arrow tables of bounded size."""

    def __init__(self, source: str, max_docs: int, max_bytes: int):
        self.source = path_text(source)
        self.max_docs = max_docs
        self.max_bytes = max_bytes
        self._reset()

    def _reset(self):
        self.cols = {name: [] for name in ("id", "text", "url", "content_type", "meta", "reason")}
        self.nbytes = 0

    def __len__(self):
        return len(self.cols["id"])

    def add(self, doc: Doc) -> bool:
        """Add a document; True when the batch is full and should be taken."""
        c = self.cols
        c["id"].append(doc.id)
        c["text"].append(doc.text)
        c["url"].append(doc.url)
        c["content_type"].append(doc.content_type)
        c["meta"].append(dump_meta(doc.meta) if doc.meta else None)
        c["reason"].append(doc.reason)
        self.nbytes += len(doc.text)
        return len(self) >= self.max_docs or self.nbytes >= self.max_bytes

    def take(self) -> pa.Table:
        """The batch as a table with core columns plus ``rejected_by``/``reason`` (set for reader rejects).

        Every string is made valid Unicode here, where documents become Arrow: a lone surrogate (JSON may spell
        one, ``"\\ud800"``) in an id, URL or content type is escaped, in a text replaced by U+FFFD. Arrow
        refuses such strings, and one of them would fail the whole shard on every re-run."""
        c = self.cols
        n = len(self)
        reasons = c["reason"]
        table = pa.Table.from_arrays(
            [
                _strings(c["id"], escape_surrogates),
                _strings(c["text"], replace_surrogates),
                _strings(c["url"], escape_surrogates),
                pa.array([self.source] * n, pa.string()),
                _strings(c["content_type"], escape_surrogates),
                pa.array(c["meta"], pa.string()),
                pa.array(["read" if r else None for r in reasons], pa.string()),
                _strings(reasons, escape_surrogates),
            ],
            schema=_BATCH_SCHEMA,
        )
        self._reset()
        return table


def _strings(values: list, fix) -> pa.Array:
    """A string column; only when Arrow refuses a value (lone surrogates) are the values passed through ``fix``."""
    try:
        return pa.array(values, pa.string())
    except UnicodeEncodeError:
        return pa.array([v if v is None or clean_unicode(v) is not None else fix(v) for v in values], pa.string())
