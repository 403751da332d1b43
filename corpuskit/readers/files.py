"""One document per file: ``.html``/``.htm`` pages (raw HTML kept for extraction) and ``.txt`` files.

The id is the file's path relative to the input root. Charsets are decoded as for WARC pages
(``<meta>`` and detection for HTML; BOM, UTF-8 and detection for text).
"""

from __future__ import annotations

from typing import Iterator

from ..charset import decode_html, decode_text
from ..fileio import open_input
from ..schema import TEXT_HTML, TEXT_PLAIN
from .base import Doc, ProgressSink, Reader, ReadTask, looks_binary


class _WholeFileReader(Reader):
    content_type = TEXT_PLAIN

    def decode(self, data: bytes) -> tuple[str, str, str]:
        raise NotImplementedError

    def iter_docs(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        opts = self.options
        with open_input(task.path, max_decompressed_bytes=opts.max_decompressed_bytes,
                        max_ratio=opts.max_decompression_ratio) as fh:
            data = fh.read(opts.max_doc_bytes + 1)
            if len(data) > opts.max_doc_bytes:
                yield self.too_large(task.rel, task.size)
            elif not data.strip():
                yield Doc(task.rel, "", None, self.content_type, None, "read:empty")
            elif looks_binary(data):
                yield Doc(task.rel, "", None, self.content_type, None, "read:binary")
            else:
                text, codec, source = self.decode(data)
                yield Doc(task.rel, text, None, self.content_type, {"charset": codec, "charset_source": source})
        progress.update(task.size)


class HtmlFileReader(_WholeFileReader):
    format = "html"
    content_type = TEXT_HTML

    def decode(self, data):
        return decode_html(data)


class TextFileReader(_WholeFileReader):
    format = "txt"
    content_type = TEXT_PLAIN

    def decode(self, data):
        return decode_text(data)
