"""JSON Lines: ``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst`` (also ``.json``/``.ndjson`` lines).

Uncompressed files are split into byte ranges at line boundaries so one large file can be
processed by many workers and resumed range by range. Document ids are ``rel#line`` (0-based
line number) unless ``id_field`` names a field.
"""

from __future__ import annotations

import json
from typing import Iterator

from ..fileio import compression_of, open_input, open_raw
from .base import REJECT_PREVIEW_CHARS, Doc, ProgressSink, Reader, ReadTask, clean_unicode

_SCAN_CHUNK = 16 * 1024**2


def split_lines(path: str, shard_bytes: int) -> list[tuple[int, int | None, int]]:
    """Split a plain file into ``(start, end, first_line)`` ranges of about ``shard_bytes``, at newlines. Ids
    count lines from the file's start, so the whole file is scanned (at a URL: read through once, in large
    ranged requests)."""
    ranges = []
    start = first = lines = pos = 0
    target = shard_bytes
    with open_raw(path) as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            offset = 0
            while pos + len(chunk) > target:
                k = chunk.find(b"\n", max(target - pos, offset))
                if k < 0:
                    break
                lines += chunk.count(b"\n", offset, k + 1)
                boundary = pos + k + 1
                ranges.append((start, boundary, first))
                start, first, offset = boundary, lines, k + 1
                target = boundary + shard_bytes
            lines += chunk.count(b"\n", offset)
            pos += len(chunk)
    if start < pos or not ranges:
        ranges.append((start, None, first))
    return ranges


class JsonlReader(Reader):
    format = "jsonl"
    splittable = True

    def plan(self, path, rel, size):
        if size <= self.split_bytes or compression_of(path) is not None:
            return super().plan(path, rel, size)
        tasks = []
        for start, end, first in split_lines(path, self.split_bytes):
            stop = size if end is None else end
            tasks.append(ReadTask(path=path, rel=rel, format=self.format, start=start, end=end,
                                  first_index=first, size=stop - start))
        return tasks

    def iter_docs(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        opts = self.options
        limit = opts.max_doc_bytes
        with open_input(task.path, max_decompressed_bytes=opts.max_decompressed_bytes,
                        max_ratio=opts.max_decompression_ratio) as fh:
            if task.start:
                fh.seek(task.start)
            pos = task.start
            index = task.first_index
            raw = fh.raw
            while task.end is None or pos < task.end:
                line = fh.readline(limit + 1)
                if not line:
                    break
                pos += len(line)
                if len(line) > limit and not line.endswith(b"\n"):
                    nbytes = len(line)
                    while True:  # skip the rest of the line without holding it in memory
                        more = fh.readline(1 << 20)
                        nbytes += len(more)
                        if not more or more.endswith(b"\n"):
                            break
                    pos += nbytes - len(line)
                    yield self.too_large(f"{task.rel}#{index}", nbytes,
                                         preview=line[:REJECT_PREVIEW_CHARS].decode("utf-8", "replace"))
                    index += 1
                    continue
                if line.strip():
                    yield self.parse_line(line, task.rel, index)
                index += 1
                if index % 1024 == 0:
                    progress.update(raw.raw_position() - task.start)
            progress.update(raw.raw_position() - task.start)

    def parse_line(self, line: bytes, rel: str, index: int) -> Doc:
        opts = self.options
        doc_id = f"{rel}#{index}"

        def reject(reason: str, preview: str) -> Doc:
            return Doc(doc_id, preview[:REJECT_PREVIEW_CHARS], None, opts.content_type, None, f"read:{reason}")

        try:
            s = line.decode("utf-8")
        except UnicodeDecodeError:
            s = line.decode("utf-8", errors="replace")
            if opts.encoding_errors == "reject":
                return reject("invalid-utf8", s)
        try:
            obj = json.loads(s)
        except ValueError:
            return reject("invalid-json", s)
        if not isinstance(obj, dict):
            return reject("not-an-object", s)
        text = obj.get(opts.text_field)
        if text is None:
            return reject("missing-text", s)
        if not isinstance(text, str):
            return reject("text-not-a-string", s)
        if clean_unicode(text) is None:
            if opts.encoding_errors == "reject":
                return reject("invalid-unicode", text.encode("utf-8", "replace").decode("utf-8"))
            text = text.encode("utf-8", "replace").decode("utf-8")
        if opts.id_field:
            given = obj.get(opts.id_field)
            if given is None or given == "":
                return reject("missing-id", s)
            doc_id = str(given)
        url = obj.get(opts.url_field) if opts.url_field else None
        if url is not None and not isinstance(url, str):
            url = str(url)
        skip = {opts.text_field, opts.id_field, opts.url_field}
        meta = {k: v for k, v in obj.items() if k not in skip} or None
        return Doc(doc_id, text, url, opts.content_type, meta, None)
