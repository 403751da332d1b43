"""WARC and ARC files (``.warc``, ``.warc.gz``, ``.arc.gz``; WET ``conversion`` records too).

Uses warcio, which decodes chunked transfer-encoding and gzip/deflate content-encoding of
HTTP bodies (Common Crawl stores some bodies that way). Response, resource and conversion
records are documents; a non-200 status or a non-text payload is rejected with a reason, so
every candidate document is accounted for. Request, metadata, warcinfo and revisit records
are not documents and are only counted.

WARC files (plain, gzip per record or whole, zstd) are cut into records here, and warcio parses one record
at a time. A record's ``Content-Length`` is checked against the stream: its block must be followed by blank
lines and the next ``WARC/`` header (or the end of the file). A length that is too long swallows the next
records, one that is too short leaves the rest of the block to be misread as records; either way the record
is rejected with ``read:bad-length`` and reading resumes at the next ``WARC/`` header that starts a line after
a blank line (when too long, the first such header inside the declared block). The bad record consumes one
record index, so the records after it keep their ids. ARC files, which have no such framing, are left to
warcio's own iterator.
"""

from __future__ import annotations

import gzip
import io
import re
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader as WarcioBuffer
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

from ..charset import decode_html
from ..errors import InputError
from ..fileio import BoundedReader, compression_of, open_input, open_raw
from ..schema import TEXT_HTML, TEXT_PLAIN
from .base import REJECT_PREVIEW_CHARS, Doc, ProgressSink, Reader, ReadTask, looks_binary
from .warc_split import cut_ranges, gzip_member_starts, plain_record_starts

DOCUMENT_RECORDS = {"response", "resource", "conversion"}
TRUNCATED = "read:truncated-record"
BAD_LENGTH = "read:bad-length"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")

_CHUNK = 1 << 20
_KEEP = 1 << 20  # decompressed bytes kept behind the read position, for cheap short seeks back
_MAX_HEADER = 256 * 1024  # a WARC header longer than this is not a header
_MAX_REOPENS = 64  # seeks back past what is kept re-read a compressed file from its start: at most this often
_TAIL = 16  # bytes carried from one chunk to the next when scanning for record starts
_WARC_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")  # "Name:" (a token, then a colon)


def _record_starts(data: bytes, offset: int, loose: bool = False) -> Iterator[tuple[int, int]]:
    """Where a record may start in ``data`` (which begins at stream position ``offset``): ``WARC/`` and a digit
    at the start of a line that follows a blank line. Yields ``(position of "WARC/", length of the blank lines
    before it)``, the blank lines being the end of the record before. With ``loose``, also a ``WARC/`` that
    follows no blank line, or no line end at all (blank length 0): files whose records end with fewer line ends,
    which warcio reads, are resynchronised on too; each candidate is checked as a whole header before it is used.
    (``find``, not a regex: this scans every byte of every record.)"""
    marker = b"WARC/" if loose else b"\nWARC/"
    at = len(marker) - 5  # from the match to "WARC/"
    k = data.find(marker)
    while k >= 0:
        w = k + at
        if data[w + 5: w + 6].isdigit():
            blank = 0
            if w > 0 and data[w - 1: w] == b"\n":
                before = data[max(w - 4, 0): w - 1]  # the line before ends with "\n" or "\r\n" and is empty
                blank = 2 if before.endswith(b"\n") else 3 if before.endswith(b"\n\r") else 0
                if blank and before[:-blank + 1].endswith(b"\r"):
                    blank += 1
            if blank or loose:
                yield offset + w, blank
        k = data.find(marker, k + 1)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _sniff(body: bytes) -> str | None:
    head = body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<meta", b"<title")) \
            or b"<html" in head:
        return TEXT_HTML
    if not looks_binary(body):
        return TEXT_PLAIN
    return None


class _QuietArchiveIterator(ArchiveIterator):
    """warcio writes a warning to stderr for a record with a wrong Content-Length; we count it instead."""

    INC_RECORD = ""


class _Stream:
    """A WARC file's (decompressed) bytes, read forward, with the last ``_KEEP`` bytes kept for short seeks back.

    A plain file seeks; a compressed one goes back further by reading again from the start (rare: only to
    resynchronise after a record whose length was too long, and at most ``_MAX_REOPENS`` times).
    """

    def __init__(self, path: str, options, start: int = 0, end: int | None = None):
        self.path = path
        self._options = options
        self.compressed = compression_of(path) is not None
        self._start, self._end = start, end  # the task's byte range of the file (gzip members when compressed)
        self._reopens = 0
        self._fh = None
        self._open()

    def _open(self) -> None:
        if self._fh is not None:
            self._fh.close()
        opts = self._options
        if self.compressed and (self._start or self._end is not None):
            self._fh = _open_gzip_range(self.path, self._start, self._end, opts)
            self._raw_read = self._fh.read1
        elif self.compressed:
            self._fh = open_input(self.path, max_decompressed_bytes=opts.max_decompressed_bytes,
                                  max_ratio=opts.max_decompression_ratio)
            self._raw_read = self._fh.read1  # one decompressed chunk per call: nothing lost if the next one fails
        else:
            try:
                self._fh = open_raw(self.path, buffering=0)
            except OSError as exc:
                raise InputError(self.path, f"cannot open: {exc.strerror or exc}") from exc
            self._fh.seek(self._start)
            self._raw_read = self._read_plain
        self._buf = bytearray()
        # stream position of self._buf[0]: the file offset (uncompressed), the offset in the range's
        # decompressed bytes (gzip)
        self._buf_start = 0 if self.compressed else self._start
        self._pos = self._buf_start
        self._eof = False

    def _read_plain(self, n: int) -> bytes:
        """Up to ``n`` bytes of an uncompressed file, none past the task's range."""
        if self._end is not None:
            n = min(n, self._end - self._fh.tell())
        return self._fh.read(n) if n > 0 else b""

    def close(self) -> None:
        self._fh.close()

    def tell(self) -> int:
        return self._pos

    def raw_position(self) -> int:
        """Bytes of the file on disk consumed so far within the task's range, for progress."""
        if self.compressed:  # the range's own position (_BoundedRange) or the whole file's
            return self._fh.raw.raw_position()
        return self._buf_start + len(self._buf) - self._start

    def _fill(self) -> bool:
        """Read one more chunk into the buffer; False at the end of the stream."""
        if self._eof:
            return False
        data = self._raw_read(_CHUNK)
        if not data:
            self._eof = True
            return False
        self._buf += data
        drop = self._pos - self._buf_start - _KEEP
        if drop > 0:
            del self._buf[:drop]
            self._buf_start += drop
        return True

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes; fewer only at the end of the stream."""
        out = bytearray()
        while len(out) < n:
            off = self._pos - self._buf_start
            if off >= len(self._buf):
                if not self._fill():
                    break
                continue
            piece = self._buf[off: off + n - len(out)]
            out += piece
            self._pos += len(piece)
        return bytes(out)

    def peek(self, n: int) -> bytes:
        pos = self._pos
        data = self.read(n)
        self._pos = pos  # n <= _KEEP: still in the buffer
        return data

    def readline(self, limit: int) -> bytes:
        """A line with its newline, at most ``limit`` bytes."""
        out = bytearray()
        while len(out) < limit:
            off = self._pos - self._buf_start
            if off >= len(self._buf):
                if not self._fill():
                    break
                continue
            stop = min(len(self._buf), off + limit - len(out))
            k = self._buf.find(b"\n", off, stop)
            end = stop if k < 0 else k + 1
            out += self._buf[off:end]
            self._pos += end - off
            if k >= 0:
                break
        return bytes(out)

    def skip_blank(self) -> int:
        """Move past CR and LF bytes; returns how many LFs there were."""
        lines = 0
        while True:
            off = self._pos - self._buf_start
            if off >= len(self._buf):
                if not self._fill():
                    return lines
                continue
            end = off
            while end < len(self._buf) and self._buf[end] in (10, 13):
                end += 1
            lines += self._buf.count(b"\n", off, end)
            self._pos += end - off
            if end < len(self._buf):
                return lines

    def seek(self, pos: int) -> None:
        if self._buf_start <= pos <= self._buf_start + len(self._buf):
            self._pos = pos
        elif not self.compressed:
            self._fh.seek(max(pos, self._start))
            pos = max(pos, self._start)
            self._buf, self._buf_start, self._pos, self._eof = bytearray(), pos, pos, False
        else:
            if pos < self._buf_start:
                self._reopens += 1
                if self._reopens > _MAX_REOPENS:
                    raise InputError(self.path, f"more than {_MAX_REOPENS} records with a Content-Length too long "
                                     "to resynchronise in a compressed file", position=f"decompressed byte {pos}")
                self._open()
            while self._buf_start + len(self._buf) < pos:
                self._pos = self._buf_start + len(self._buf)  # what is skipped need not be kept
                if not self._fill():
                    break
            self._pos = min(pos, self._buf_start + len(self._buf))

    def find_record(self, pos: int) -> tuple[int, int] | None:
        """The first record start at or after ``pos`` (a ``WARC/`` line after a blank line) as ``(start, blank)``
        where ``blank`` is the length of the blank lines before it; None if there is none (the position is then
        at the end of the stream)."""
        self.seek(max(pos - 4, 0))
        base, tail = self._pos, b""
        while True:
            chunk = self.read(_CHUNK)
            if not chunk:
                return None
            data = tail + chunk
            for found in _record_starts(data, base - len(tail), loose=True):
                if found[0] >= pos:
                    return found
            tail = data[-_TAIL:]
            base += len(chunk)


class _RangeFile(io.RawIOBase):
    """Bytes ``[start, end)`` of a file, as a file of its own for the gzip decompressor; ``tell`` is the position
    in the whole file."""

    def __init__(self, fh, start: int, end: int | None):
        self._fh, self._end = fh, end
        fh.seek(start)

    def readable(self):
        return True

    def readinto(self, b):
        n = len(b) if self._end is None else min(len(b), self._end - self._fh.tell())
        if n <= 0:
            return 0
        data = self._fh.read(n)
        b[:len(data)] = data
        return len(data)

    def tell(self):
        return self._fh.tell()

    def close(self):
        self._fh.close()
        super().close()


def _open_gzip_range(path: str, start: int, end: int | None, options) -> io.BufferedReader:
    """The decompressed bytes of the gzip members in ``[start, end)`` of a file, with the decompression limits of
    :func:`corpuskit.fileio.open_input`."""
    try:
        fh = open_raw(path)
    except OSError as exc:
        raise InputError(path, f"cannot open: {exc.strerror or exc}") from exc
    window = _RangeFile(fh, start, end)
    inner = gzip.GzipFile(fileobj=window, mode="rb")
    limited = _BoundedRange(inner, window, path, options.max_decompressed_bytes, options.max_decompression_ratio,
                            start)
    return io.BufferedReader(limited, buffer_size=1 << 20)


class _BoundedRange(BoundedReader):
    """:class:`~corpuskit.fileio.BoundedReader` over a range: the ratio is of the range's compressed bytes."""

    def __init__(self, inner, window, path, max_bytes, max_ratio, start: int):
        super().__init__(inner, window, path, max_bytes, max_ratio)
        self._range_start = start

    def raw_position(self) -> int:
        """Compressed bytes of the range consumed so far."""
        return max(super().raw_position() - self._range_start, 0)


def _parse_header(lines: list[bytes]) -> dict[str, str]:
    fields = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            fields[name.strip().lower().decode("latin-1")] = value.strip().decode("utf-8", "replace")
    return fields


def _plausible_header(stream: _Stream) -> bool:
    """Whether a WARC header starts at the position: the version line, ``Name: value`` lines with a
    Content-Length, a blank line. Moves the position."""
    if not _WARC_LINE.fullmatch(stream.readline(64)):
        return False
    size, length = 0, False
    while size <= _MAX_HEADER:
        line = stream.readline(_MAX_HEADER)
        size += len(line)
        if not line.strip():
            return bool(line) and length
        if not _HEADER_LINE.match(line):
            return False
        length = length or line[:15].lower() == b"content-length:" and line[15:].strip().isdigit()
    return False


class _Block:
    """What warcio reads of one record: exactly Content-Length bytes of the stream after the header.

    Notes where a new record seems to start inside the block (a length too long swallowed it), whether the
    stream ended first, and an input error of the stream (truncated gzip, zstd) instead of raising it inside warcio.
    """

    def __init__(self, stream: _Stream, length: int, loose: bool = False):
        self.stream = stream
        self.loose = loose  # the file ends records with fewer than two line ends: look for starts without them
        self.start = stream.tell()
        self.left = length
        self.inner: tuple[int, int] | None = None  # (start, blank) of the first record start inside the block
        self.error: InputError | None = None
        self.short = False  # the stream ended before the block did
        self._tail = b""

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0 or self.short:
            return b""
        n = self.left if n is None or n < 0 else min(n, self.left)
        pos = self.stream.tell()
        try:
            data = self.stream.read(min(n, _CHUNK))
        except InputError as exc:
            self.error, self.short = exc, True
            return b""
        if not data:
            self.short = True
            return b""
        self.left -= len(data)
        if self.inner is None:
            scan = self._tail + data
            self.inner = next(_record_starts(scan, pos - len(self._tail), loose=self.loose), None)
            self._tail = scan[-_TAIL:]
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass


class _Header:
    """One WARC record's header as read, and what a document made of the record carries (id, URL, meta)."""

    def __init__(self, index: int, doc_id: str, start: int, lines: list[bytes], size: int):
        self.index, self.doc_id = index, doc_id
        self.start = start  # stream position of the record
        self.lines, self.size = lines, size  # size: bytes in lines
        self.fields = _parse_header(lines)
        self.rtype = self.fields.get("warc-type", "")
        self.is_doc = self.rtype in DOCUMENT_RECORDS
        self.url = self.fields.get("warc-target-uri")
        self.meta = {"warc_type": self.rtype or None, "warc_record_id": self.fields.get("warc-record-id"),
                     "warc_date": self.fields.get("warc-date")}
        self.length_text = self.fields.get("content-length", "")
        self.length = int(self.length_text) if self.length_text.isdigit() else None

    @property
    def ended(self) -> bool:
        """Whether a blank line ends the header."""
        return not self.lines[-1].strip()


def _read_header_lines(stream: _Stream) -> tuple[list[bytes], int]:
    """The header's lines from the position, up to the blank line that ends it (included), ``_MAX_HEADER`` bytes
    or the end of the file, and their size in bytes; ``([], 0)`` at the end of the file."""
    first = stream.readline(_MAX_HEADER)
    if not first:
        return [], 0
    lines, size = [first], len(first)
    while size <= _MAX_HEADER and lines[-1].strip():
        line = stream.readline(_MAX_HEADER + 1 - size)
        if not line:
            break
        lines.append(line)
        size += len(line)
    return lines, size


def _preview(doc: Doc | None) -> str:
    """What a rejected record keeps of the document read from it."""
    return doc.text[:REJECT_PREVIEW_CHARS] if doc is not None else ""


class WarcReader(Reader):
    """WARC and ARC files. Records that are not documents are counted by WARC type, and records whose length
    disagrees with the file or whose header is no header by that problem: :meth:`counters`."""

    format = "warc"

    def __init__(self, options):
        super().__init__(options)
        self.skipped_records: dict[str, int] = {}  # WARC type or problem -> records

    def counters(self) -> dict[str, int]:
        """Per-reason counts of the records skipped so far, keyed as in ``stats.json``."""
        return {f"warc_records_skipped:{key}": n for key, n in self.skipped_records.items()}

    def plan(self, path: str, rel: str, size: int) -> list[ReadTask]:
        """Whole files, or ranges of records (uncompressed) or of gzip members (``.warc.gz``) of about
        ``split_bytes`` when the file is larger and regular enough to count its records exactly
        (:mod:`corpuskit.readers.warc_split`): each range knows the global index of its first record."""
        if size <= self.split_bytes:
            return super().plan(path, rel, size)
        kind = compression_of(path)
        if kind is None:
            starts = plain_record_starts(path, size)
        elif kind == "gzip" and self.split_compressed:
            starts = gzip_member_starts(path)
        else:
            starts = None
        if not starts:
            return super().plan(path, rel, size)
        return [ReadTask(path=path, rel=rel, format=self.format, start=start, end=end, first_index=first,
                         size=(size if end is None else end) - start)
                for start, end, first in cut_ranges(starts, size, self.split_bytes)]

    def iter_docs(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        stream = _Stream(task.path, self.options, task.start, task.end)
        try:
            stream.skip_blank()
            is_warc = stream.peek(5) == b"WARC/"
            if is_warc:
                yield from self._iter_warc(task, stream, progress)
        finally:
            progress.update(stream.raw_position())
            stream.close()
        if not is_warc:  # ARC (or not an archive at all: warcio says so)
            yield from self._iter_archive(task, progress)

    def _count(self, key: str, n: int = 1) -> None:
        self.skipped_records[key] = self.skipped_records.get(key, 0) + n

    def _iter_warc(self, task: ReadTask, stream: _Stream, progress: ProgressSink) -> Iterator[Doc]:
        loader = ArcWarcRecordLoader(verify_http=False, arc2warc=False)
        convention: dict = {}  # how this file ends its records ("loose": fewer than two line ends), once known
        index = task.first_index - 1  # a range of the file: its first record's index in the whole file
        while True:
            stream.skip_blank()
            record_start = stream.tell()
            lines, size = _read_header_lines(stream)
            if not lines:
                return
            index += 1
            header = _Header(index, f"{task.rel}#{index}", record_start, lines, size)
            if not header.ended:
                yield from self._unended_header(task, stream, header)
                continue
            yield from self._read_record(task, stream, header, loader, convention)
            progress.update(stream.raw_position())

    def _unended_header(self, task: ReadTask, stream: _Stream, header: _Header) -> Iterator[Doc]:
        """A header without the blank line that ends it: the file ends inside it (an input error), or it is too
        long to be a header (skipped; reading goes on at the next record start)."""
        if header.size <= _MAX_HEADER:  # the file ends inside it
            if header.is_doc:
                yield Doc(header.doc_id, "", header.url, TEXT_HTML, header.meta, TRUNCATED)
            raise InputError(task.path, "the file ends inside a record header (truncated download?)",
                             position=f"record {header.index}")
        self._count("bad-header")
        if header.is_doc:
            yield Doc(header.doc_id, "", header.url, TEXT_HTML, header.meta, "read:bad-header")
        self._resume(stream, stream.find_record(header.start + 1), task.path, header.index)

    def _read_record(self, task: ReadTask, stream: _Stream, header: _Header, loader: ArcWarcRecordLoader,
                     convention: dict) -> Iterator[Doc]:
        """The record's block after its header: the document (or its reject), or a count; a length that
        disagrees with the stream is rejected and reading resumes at the next record."""
        block_start = stream.tell()
        doc = parse_error = None
        block = None
        if header.length is not None:
            block = _Block(stream, header.length, loose=convention.get("loose") is True)
            if header.is_doc:
                doc, parse_error = self._parse_document(block, header, loader)
            block.drain()
            if block.error is not None or (block.short and block.inner is None):
                yield from self._truncated(task, header, doc, block)
        if block is not None and not block.short and self._followed_by_record(stream, convention):
            yield from self._whole_record(header, doc, parse_error)
        else:
            yield from self._bad_length(task, stream, header, block, block_start, doc)

    def _parse_document(self, block: _Block, header: _Header,
                        loader: ArcWarcRecordLoader) -> tuple[Doc | None, Exception | None]:
        """The document warcio reads from the record, or the error it raised."""
        try:
            reader = WarcioBuffer(block, starting_data=b"".join(header.lines))
            record = loader.parse_record_stream(reader, known_format="warc")
            return self.record_to_doc(record, header.doc_id), None
        except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, OSError, ValueError) as exc:
            return None, exc

    @staticmethod
    def _truncated(task: ReadTask, header: _Header, doc: Doc | None, block: _Block) -> Iterator[Doc]:
        """The file ends inside this record (a truncated download, or its last record is too long): the document
        is rejected and the file is an input error."""
        if header.is_doc:
            yield Doc(header.doc_id, _preview(doc), header.url, TEXT_HTML,
                      doc.meta if doc is not None else header.meta, TRUNCATED)
        why = f" ({block.error.message})" if block.error is not None else ""
        raise InputError(task.path, f"the file ends inside a record (truncated download?){why}",
                         position=f"record {header.index}") from block.error

    def _whole_record(self, header: _Header, doc: Doc | None, parse_error: Exception | None) -> Iterator[Doc]:
        """A record whose length agrees with the stream: its document, its reject, or (not a document) a count."""
        if not header.is_doc:
            self._count(header.rtype or "untyped")
        elif doc is not None:
            yield doc
        else:
            header.meta["error"] = str(parse_error)[:500]
            yield Doc(header.doc_id, "", header.url, TEXT_HTML, header.meta, "read:malformed-record")

    def _bad_length(self, task: ReadTask, stream: _Stream, header: _Header, block: _Block | None,
                    block_start: int, doc: Doc | None) -> Iterator[Doc]:
        """A Content-Length that disagrees with the stream (or is missing): the record is rejected (a document)
        or counted, and reading resumes at the next record start."""
        self._count("bad-length")
        inner = block.inner if block is not None else None
        if inner is not None:  # too long: the next record starts inside the declared block
            found = inner
        elif header.length is not None:  # too short (or too long by a few bytes: a header across the end)
            found = stream.find_record(block_start + max(header.length - _TAIL, 0))
        else:
            found = stream.find_record(block_start)
        meta = header.meta
        if found is not None:
            meta["block_length"] = found[0] - found[1] - block_start
        meta["content_length"] = header.length if header.length is not None else header.length_text[:100]
        if header.is_doc:
            yield Doc(header.doc_id, _preview(doc), header.url, TEXT_HTML, meta, BAD_LENGTH)
        else:
            self._count(header.rtype or "untyped")
        self._resume(stream, found, task.path, header.index)

    @staticmethod
    def _followed_by_record(stream: _Stream, convention: dict) -> bool:
        """After a block: a blank line (``\\r\\n\\r\\n``; more blank lines, or LF alone, are tolerated), then
        the next ``WARC/`` header; or the end of the file (whatever blank lines are left of the last record).

        Some writers end a record with a single line end (warcio reads such files). A file is taken to be one of
        those when its *first* record is followed by fewer than two line ends and a whole header; from then on
        that is a record's end in this file. In a file whose first record ends as the standard says, a record
        followed by fewer line ends has a wrong length (it swallowed part of the blank line)."""
        lines = stream.skip_blank()
        head = stream.peek(5)
        if not head:
            return True
        if head != b"WARC/":
            return False
        if lines >= 2:
            convention.setdefault("loose", False)
            return True
        if convention.get("loose") is False:
            return False
        at = stream.tell()
        plausible = _plausible_header(stream)
        stream.seek(at)
        if plausible:
            convention.setdefault("loose", True)
        return plausible

    @staticmethod
    def _resume(stream: _Stream, found: tuple[int, int] | None, path: str, index: int) -> None:
        """Go on at the record start ``found`` (from ``find_record``) if a WARC header really starts there, else at
        the next one that does, or at the end of the file. Reaching the end past ``WARC/`` lines that are no whole
        header is an input error: records there may be lost, and that is said, not skipped in silence."""
        unreadable = None
        while found is not None:
            stream.seek(found[0])
            if _plausible_header(stream):
                stream.seek(found[0])
                return
            unreadable = unreadable if unreadable is not None else found[0]
            found = stream.find_record(found[0] + 1)
        if unreadable is not None:
            raise InputError(path, "no readable WARC record after a record whose length disagrees with the file: "
                             "the rest of the file is not read", position=f"record {index}, byte {unreadable}")

    def _iter_archive(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        """ARC files: warcio's own iterator (it decompresses gzip members itself)."""
        opts = self.options
        raw = open_raw(task.path)
        # warcio reads gzip members itself; zstd-compressed WARC is decompressed here first.
        stream = open_input(task.path, max_decompressed_bytes=opts.max_decompressed_bytes,
                            max_ratio=opts.max_decompression_ratio) if compression_of(task.path) == "zstd" else raw
        index = -1
        records = None
        try:
            records = _QuietArchiveIterator(stream, arc2warc=True)
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
                    raise InputError(task.path, f"malformed or truncated WARC ({exc})",
                                     position=f"record {index + 1}, byte {raw.tell()}") from exc
                index += 1
                rtype = record.rec_type
                if rtype not in DOCUMENT_RECORDS:
                    self._count(rtype)
                    continue
                try:
                    doc = self.record_to_doc(record, f"{task.rel}#{index}")
                except (EOFError, OSError, ValueError) as exc:
                    raise InputError(task.path, f"truncated or corrupt record body ({exc})",
                                     position=f"record {index}, byte {raw.tell()}") from exc
                yield doc
                if doc.reason == TRUNCATED:
                    raise InputError(task.path, "the file ends inside a record (truncated download?)",
                                     position=f"record {index}")
                progress.update(raw.tell())
        finally:
            if records is not None and records.err_count:
                self._count("bad-length", records.err_count)
            progress.update(raw.tell())
            if stream is not raw:
                stream.close()
            raw.close()

    def record_to_doc(self, record, doc_id: str) -> Doc:
        opts = self.options
        h = record.rec_headers
        url = h.get_header("WARC-Target-URI")
        meta = {"warc_type": record.rec_type, "warc_record_id": h.get_header("WARC-Record-ID"),
                "warc_date": h.get_header("WARC-Date")}
        if h.get_header("WARC-Truncated"):
            meta["warc_truncated"] = h.get_header("WARC-Truncated")
        if h.get_header("WARC-Identified-Content-Language"):
            meta["warc_language"] = h.get_header("WARC-Identified-Content-Language")
        if record.rec_type == "response" and record.http_headers is not None:
            status = record.http_headers.get_statuscode()
            content_type = record.http_headers.get_header("Content-Type")
            meta["http_status"] = int(status) if status and status.isdigit() else status
            if status != "200":
                return Doc(doc_id, "", url, TEXT_HTML, meta, f"read:http-status-{status}")
        else:
            content_type = h.get_header("Content-Type")
        if content_type:
            meta["content_type"] = content_type
        body = record.content_stream().read(opts.max_doc_bytes + 1)
        if len(body) > opts.max_doc_bytes:
            return self.too_large(doc_id, len(body), url)
        if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than Content-Length promised
            return Doc(doc_id, body[:REJECT_PREVIEW_CHARS].decode("utf-8", "replace"), url, TEXT_HTML, meta, TRUNCATED)
        if not body.strip():
            return Doc(doc_id, "", url, TEXT_HTML, meta, "read:empty")
        media = _media_type(content_type)
        if record.rec_type == "conversion" or media == "text/plain":
            kind = TEXT_PLAIN
        elif media in _HTML_TYPES:
            kind = TEXT_HTML
        elif not media or media == "application/octet-stream":
            kind = _sniff(body)
        else:
            kind = None
        if kind is None or looks_binary(body):
            return Doc(doc_id, "", url, TEXT_HTML, meta, "read:non-text-content")
        text, codec, source = decode_html(body, content_type, use_meta=kind == TEXT_HTML)
        meta["charset"], meta["charset_source"] = codec, source
        return Doc(doc_id, text, url, kind, meta, None)


