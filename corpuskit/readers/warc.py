"""WARC and ARC files (``.warc``, ``.warc.gz``, ``.arc.gz``; WET ``conversion`` records too).

Uses warcio, which decodes chunked transfer-encoding and gzip/deflate content-encoding of
HTTP bodies (Common Crawl stores some bodies that way). Response, resource and conversion
records are documents; a non-200 status or a non-text payload is rejected with a reason, so
every candidate document is accounted for. Request, metadata, warcinfo and revisit records
are not documents and are only counted.
"""

from __future__ import annotations

from typing import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..charset import decode_html
from ..errors import InputError
from ..fileio import compression_of, open_input
from ..schema import TEXT_HTML, TEXT_PLAIN
from .base import REJECT_PREVIEW_CHARS, Doc, ProgressSink, Reader, ReadTask, looks_binary

DOCUMENT_RECORDS = {"response", "resource", "conversion"}
TRUNCATED = "read:truncated-record"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")


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


class WarcReader(Reader):
    format = "warc"

    def __init__(self, options):
        super().__init__(options)
        self.skipped_records: dict[str, int] = {}

    def iter_docs(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        opts = self.options
        raw = open(task.path, "rb")
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
                    self.skipped_records[rtype] = self.skipped_records.get(rtype, 0) + 1
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
                self.skipped_records["bad-length"] = self.skipped_records.get("bad-length", 0) + records.err_count
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


