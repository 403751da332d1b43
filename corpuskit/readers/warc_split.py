"""Where a WARC file can be cut into read tasks, and how many records come before each cut.

Document ids are ``rel#record-index`` over the whole file, so a task that starts inside a file must know the
global index of its first record: the planner counts the records before each cut. Cuts are made only where the
file is well formed enough for that count to be certain, i.e. equal to what a reader of the whole file counts:

- an uncompressed WARC is walked header by header (each ``Content-Length`` skipped with a seek, so only the
  headers are read): every record must be a ``WARC/`` header ending in a blank line, its block followed by at
  least two line ends and the next header or the end of the file. A cut is a record start.
- a ``.warc.gz`` of one gzip member per record (or per few records, as Common Crawl writes) is cut at member
  starts. Member boundaries cannot be found without decompressing, so each member is decompressed (in C, no
  record is parsed beyond its header) and its records walked as above; a member must hold whole records.
  A file that is one big gzip stream (a member larger than ``MAX_MEMBER_BYTES`` decompressed) is not split.

Anything else (zstd, ARC, a length that disagrees with the file, records that end with fewer line ends, a
member that splits a record) gives ``None``: the file stays one task and the reader's own recovery applies.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import BinaryIO, Iterator

from ..errors import InputError
from ..fileio import open_raw

_WARC_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")
_MAX_HEADER = 256 * 1024
_READ_CHUNK = 1 << 20
MAX_MEMBER_BYTES = 64 * 1024**2  # a gzip member larger than this (decompressed): one big stream, not split
_HEADER_BLOCK = 256 * 1024  # at a URL, the headers of an uncompressed WARC are read in ranges of this size


class _NoSplit(Exception):
    """The file is not regular enough to be cut with certain record counts."""


def _skip_line_ends(fh: BinaryIO) -> int:
    """Move past CR and LF bytes; returns how many LFs there were."""
    lines = 0
    while True:
        byte = fh.read(1)
        if byte not in (b"\r", b"\n"):
            if byte:
                fh.seek(-1, io.SEEK_CUR)
            return lines
        lines += byte == b"\n"


def _content_length(fh: BinaryIO) -> int:
    """Read one record header from the position (after its ``WARC/`` line); its Content-Length."""
    length, size = None, 0
    while True:
        line = fh.readline(_MAX_HEADER)
        size += len(line)
        if not line or size > _MAX_HEADER:
            raise _NoSplit("a header without its end")
        if not line.strip():
            break
        if line[:15].lower() == b"content-length:":
            value = line[15:].strip()
            if not value.isdigit():
                raise _NoSplit("a Content-Length that is no number")
            length = int(value)
    if length is None:
        raise _NoSplit("a header without Content-Length")
    return length


def record_offsets(fh: BinaryIO, size: int) -> list[int]:
    """The offsets of the records in ``fh`` (``size`` bytes), read from its position to its end; raises
    ``_NoSplit`` where the file is not regular (see the module's description)."""
    offsets: list[int] = []
    _skip_line_ends(fh)
    while True:
        start = fh.tell()
        first = fh.readline(64)
        if not first:
            return offsets
        if not _WARC_LINE.fullmatch(first):
            raise _NoSplit(f"no WARC header at byte {start}")
        length = _content_length(fh)
        if fh.tell() + length > size:
            raise _NoSplit("a record longer than the file")
        fh.seek(length, io.SEEK_CUR)
        offsets.append(start)
        if _skip_line_ends(fh) < 2 and fh.tell() < size:
            raise _NoSplit("a record not followed by a blank line")


def _gzip_members(fh: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """``(offset in the file, decompressed bytes)`` of each gzip member; ``_NoSplit`` for a member larger than
    ``MAX_MEMBER_BYTES``, a truncated one, or bytes after the last member that are no gzip member."""
    start, pending = 0, b""
    while True:
        if not pending:
            pending = fh.read(_READ_CHUNK)
            if not pending:
                return
        inflater = zlib.decompressobj(31)
        parts, produced, used = [], 0, 0
        while not inflater.eof:
            if not pending:
                pending = fh.read(_READ_CHUNK)
                if not pending:
                    raise _NoSplit("a truncated gzip member")
            fed = len(pending)
            try:
                out = inflater.decompress(pending, MAX_MEMBER_BYTES + 1 - produced)
            except zlib.error as exc:
                raise _NoSplit(f"not a gzip member at byte {start}") from exc
            produced += len(out)
            parts.append(out)
            if produced > MAX_MEMBER_BYTES:
                raise _NoSplit("one big gzip stream")
            pending = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
            used += fed - len(pending)
        yield start, b"".join(parts)
        start += used


def plain_record_starts(path: str, size: int) -> list[tuple[int, int]] | None:
    """``(byte offset, record index)`` of every record of an uncompressed WARC, or None if it cannot be cut."""
    try:
        with open_raw(path, _HEADER_BLOCK) as fh:
            return [(offset, index) for index, offset in enumerate(record_offsets(fh, size))]
    except (_NoSplit, OSError, InputError):
        return None


def gzip_member_starts(path: str) -> list[tuple[int, int]] | None:
    """``(byte offset, index of its first record)`` of every gzip member of a ``.warc.gz``, or None if it cannot
    be cut (one big stream, a member that does not hold whole records, a corrupt file)."""
    starts, records = [], 0
    try:
        with open_raw(path) as fh:
            for offset, data in _gzip_members(fh):
                found = len(record_offsets(io.BytesIO(data), len(data)))
                if found == 0 and data.strip(b"\r\n"):
                    return None
                starts.append((offset, records))
                records += found
    except (_NoSplit, OSError, InputError):
        return None
    return starts


def cut_ranges(starts: list[tuple[int, int]], size: int, target: int) -> list[tuple[int, int | None, int]]:
    """``(start, end, first record index)`` ranges of about ``target`` bytes, cut only at ``starts``; the first
    range starts at 0 (whatever comes before the first record goes with it), the last one has ``end`` None."""
    ranges, begin, first = [], 0, 0
    for offset, index in starts:
        if offset - begin >= target and size - offset >= target // 4:
            ranges.append((begin, offset, first))
            begin, first = offset, index
    ranges.append((begin, None, first))
    return ranges
