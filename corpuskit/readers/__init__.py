"""Readers: input files -> documents. See :mod:`corpuskit.readers.base` for the contract."""

from __future__ import annotations

from ..fileio import strip_compression_suffix
from .base import BatchBuilder, Doc, ProgressSink, Reader, ReaderOptions, ReadTask
from .files import HtmlFileReader, TextFileReader
from .jsonl import JsonlReader
from .parquet import ParquetReader
from .warc import WarcReader

READERS: dict[str, type[Reader]] = {
    "jsonl": JsonlReader,
    "parquet": ParquetReader,
    "warc": WarcReader,
    "html": HtmlFileReader,
    "txt": TextFileReader,
}

_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".warc": "warc", ".arc": "warc", ".wet": "warc", ".wat": "warc",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "txt", ".text": "txt",
}


def detect_format(name: str) -> str | None:
    """The reader format for a file name, looking through ``.gz``/``.zst`` suffixes; None if unknown."""
    base = strip_compression_suffix(name.lower())
    dot = base.rfind(".")
    return _EXTENSIONS.get(base[dot:]) if dot >= 0 else None


def make_reader(fmt: str, options: ReaderOptions) -> Reader:
    return READERS[fmt](options)


__all__ = ["READERS", "BatchBuilder", "Doc", "ProgressSink", "Reader", "ReaderOptions", "ReadTask",
           "detect_format", "make_reader"]
