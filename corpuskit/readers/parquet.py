"""Parquet files: split by row groups; ids are ``rel#row`` unless ``id_field`` names a column.

Memory is bounded the way it is for compressed JSONL. A Parquet page is decompressed whole (Arrow cannot read
part of one), so before a row group is read the header of every page in it is looked at (a few bytes each):
a page that would decompress to more than 64 MiB *and* more than ``max_decompression_ratio`` times its size on
disk (or to more than ``max_decompressed_bytes``) is a decompression bomb, and the rows of that row group are
rejected with ``read:decompression-bomb`` without reading it. Otherwise rows are read in batches small enough
that even a batch of values each as large as the largest page stays within ``batch_bytes``: a dictionary page
holding one 25 MB string, which 40 rows of a 2 kB file refer to, is never expanded to 40 copies. Text sizes are
taken from Arrow (offsets, or the dictionary's), and a text over ``max_doc_bytes`` is rejected with
``read:too-large`` without ever becoming a Python string; only a preview of its start is kept.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import storage
from ..errors import InputError
from ..fileio import open_raw
from .base import REJECT_PREVIEW_CHARS, Doc, ProgressSink, Reader, ReadTask

BOMB = "read:decompression-bomb"
_GRACE = 64 * 1024**2  # as for compressed files: the ratio limit applies to pages larger than this
_MAX_PAGE_HEADER = 16 * 1024**2  # Arrow's own limit on a page header
_MAX_BATCH_ROWS = 8192
_SURVEY_BLOCK = 64 * 1024  # at a URL, page headers are read in ranges of this size


@contextlib.contextmanager
def _open(path: str) -> Iterator[pq.ParquetFile]:
    """The Parquet file at ``path`` (a local path, or a URL read through ranged requests: the footer, then the
    column chunks of the row groups read)."""
    source = open_raw(path) if storage.is_url(path) else path
    try:
        try:
            pf = pq.ParquetFile(source, buffer_size=1 << 20)  # buffered: column chunks are not read whole
        except (pa.ArrowException, OSError) as exc:
            raise InputError(storage.redact(path), f"not a readable Parquet file ({exc})") from exc
        yield pf
    finally:
        if source is not path:
            source.close()


# --- page headers ------------------------------------------------------------------------------------------------


class _Thrift:
    """Just enough of Thrift's compact protocol to read a Parquet ``PageHeader``'s sizes."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def byte(self) -> int:
        b = self.data[self.pos]  # IndexError: the header goes on past the bytes read so far
        self.pos += 1
        return b

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ValueError("bad varint in a page header")

    def zigzag(self) -> int:
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def skip(self, kind: int, depth: int = 0) -> None:
        if depth > 32:
            raise ValueError("page header nested too deeply")
        if kind in (1, 2):  # booleans live in the field header
            return
        if kind == 3:
            self.pos += 1
        elif kind in (4, 5, 6):
            self.varint()
        elif kind == 7:
            self.pos += 8
        elif kind == 8:
            n = self.varint()  # (not "self.pos += self.varint()": that would lose the varint's own bytes)
            self.pos += n
        elif kind in (9, 10):
            head = self.byte()
            n, item = head >> 4, head & 0x0F
            if n == 15:
                n = self.varint()
            for _ in range(n):
                self.skip(item, depth + 1)
        elif kind == 11:
            n = self.varint()
            if n:
                kv = self.byte()
                for _ in range(n):
                    self.skip(kv >> 4, depth + 1)
                    self.skip(kv & 0x0F, depth + 1)
        elif kind == 12:
            self.struct(lambda fid, kind: False, depth + 1)
        else:
            raise ValueError(f"bad Thrift type {kind} in a page header")
        if self.pos > len(self.data):
            raise IndexError

    def struct(self, on_field, depth: int = 0) -> None:
        """Read a struct; ``on_field(id, type)`` reads a field it wants and returns True, else it is skipped."""
        fid = 0
        while True:
            head = self.byte()
            if head == 0:
                return
            kind, delta = head & 0x0F, head >> 4
            fid = fid + delta if delta else self.zigzag()
            if not on_field(fid, kind):
                self.skip(kind, depth)


def _page_header(data: bytes) -> tuple[int, int, int]:
    """``(uncompressed_page_size, compressed_page_size, header length)`` of the page header ``data`` starts with."""
    t = _Thrift(data)
    sizes = {}

    def field(fid, kind):
        if fid in (2, 3) and kind == 5:
            sizes[fid] = t.zigzag()
            return True
        return False

    t.struct(field)
    if 2 not in sizes or 3 not in sizes or sizes[2] < 0 or sizes[3] < 0:
        raise ValueError("page header without sizes")
    return sizes[2], sizes[3], t.pos


def _pages(fh, chunk) -> Iterator[tuple[int, int]]:
    """``(uncompressed, compressed)`` size of each page of a column chunk, from the page headers."""
    pos = chunk.data_page_offset
    if chunk.has_dictionary_page and chunk.dictionary_page_offset and chunk.dictionary_page_offset < pos:
        pos = chunk.dictionary_page_offset
    end = pos + chunk.total_compressed_size
    while pos < end:
        want = 1024
        while True:
            fh.seek(pos)
            data = fh.read(want)
            try:
                unc, comp, length = _page_header(data)
                break
            except IndexError:
                if len(data) < want or want >= _MAX_PAGE_HEADER:
                    raise ValueError("truncated page header") from None
                want = min(want * 8, _MAX_PAGE_HEADER)
        yield unc, comp
        pos += length + comp


def _is_bomb(unc: int, comp: int, options) -> bool:
    return unc > options.max_decompressed_bytes or (unc > _GRACE and unc > comp * options.max_decompression_ratio)


def _survey(fh, rg, options) -> tuple[int, dict | None, set[str]]:
    """Look at a row group's pages before reading it: ``(largest page, the first bomb or None, columns with one)``.

    A column whose page headers cannot be walked (an odd writer) is judged by its chunk's totals instead."""
    largest, bomb, bombs = 1, None, set()
    for i in range(rg.num_columns):
        chunk = rg.column(i)
        try:
            sizes = list(_pages(fh, chunk))
        except (ValueError, OSError):
            sizes = [(chunk.total_uncompressed_size, chunk.total_compressed_size)]
        for unc, comp in sizes:
            if _is_bomb(unc, comp, options):
                bombs.add(chunk.path_in_schema)
                if bomb is None:
                    bomb = {"column": chunk.path_in_schema, "page_bytes": unc, "page_compressed_bytes": comp}
            else:
                largest = max(largest, unc)
    return largest, bomb, bombs


# --- text values without materialising large ones ------------------------------------------------------------------


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _texts(col: pa.Array, limit: int) -> tuple[list, list | None, dict[int, str]]:
    """``(values, sizes, previews)`` of a text column: values as Python objects except those over ``limit``
    bytes (None there; they never become Python strings), each value's UTF-8 size (None for non-strings), and
    the first characters of each value over the limit by row."""
    if pa.types.is_dictionary(col.type) and _is_text(col.type.value_type):
        values, indices = col.dictionary, col.indices
    elif _is_text(col.type):
        values, indices = col, None
    else:
        return col.to_pylist(), None, {}
    if values.nbytes <= limit:  # no value can be over the limit (the usual case: no compute kernels per batch)
        return col.to_pylist(), None, {}
    size_of = pc.binary_length(values)
    sizes = pc.take(size_of, indices) if indices is not None else size_of
    over = pc.fill_null(pc.greater(sizes, limit), False)
    if not pc.any(over).as_py():
        return col.to_pylist(), sizes.to_pylist(), {}
    rows = pc.indices_nonzero(over)
    at = pc.take(indices, rows) if indices is not None else rows
    previews = pc.take(pc.utf8_slice_codeunits(values, 0, REJECT_PREVIEW_CHARS), at).to_pylist()
    if indices is not None:
        small = pc.take(values, pc.if_else(over, pa.scalar(None, indices.type), indices))
    else:
        small = pc.if_else(over, pa.scalar(None, col.type), col)
    return small.to_pylist(), sizes.to_pylist(), dict(zip(rows.to_pylist(), previews))


class ParquetReader(Reader):
    format = "parquet"
    splittable = True

    def plan(self, path, rel, size):
        with _open(path) as pf:
            meta = pf.metadata
        tasks, start, first, row, acc = [], 0, 0, 0, 0
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            acc += rg.total_byte_size
            row += rg.num_rows
            if acc >= self.split_bytes or g == meta.num_row_groups - 1:
                tasks.append(ReadTask(path=path, rel=rel, format=self.format, start=start, end=g + 1,
                                      first_index=first, size=acc))
                start, first, acc = g + 1, row, 0
        return tasks or [ReadTask(path=path, rel=rel, format=self.format, start=0, end=0, size=0)]

    def iter_docs(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        with _open(task.path) as pf:
            yield from self._iter_file(pf, task, progress)

    def _iter_file(self, pf: pq.ParquetFile, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        opts = self.options
        names = pf.schema_arrow.names
        if opts.text_field not in names:
            raise InputError(task.path, f"no column {opts.text_field!r} (text_field); columns: {', '.join(names)}")
        if opts.id_field and opts.id_field not in names:
            raise InputError(task.path, f"no column {opts.id_field!r} (id_field)")
        end = pf.metadata.num_row_groups if task.end is None else task.end
        index = task.first_index
        done_bytes = 0
        with open_raw(task.path, _SURVEY_BLOCK) as fh:
            for g in range(task.start, end):
                rg = pf.metadata.row_group(g)
                largest, bomb, bombs = _survey(fh, rg, opts)
                rows = max(1, min(_MAX_BATCH_ROWS, opts.batch_bytes // largest))
                if bomb is None:
                    docs = self._read_row_group(pf, task, g, index, rows, names)
                else:
                    docs = self._reject_row_group(pf, task, g, index, rg.num_rows, bomb, bombs, rows)
                for doc in docs:
                    yield doc
                index += rg.num_rows
                done_bytes += rg.total_byte_size
                progress.update(done_bytes)

    def _batches(self, pf, task, g: int, rows: int, columns: list[str]) -> Iterator[pa.RecordBatch]:
        batches = pf.iter_batches(batch_size=rows, row_groups=[g], columns=columns)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except (pa.ArrowException, OSError) as exc:
                raise InputError(task.path, f"corrupt row group ({exc})", position=f"row group {g}") from exc
            yield batch

    def _read_row_group(self, pf, task, g: int, index: int, rows: int, names: list[str]) -> Iterator[Doc]:
        opts = self.options
        skip = {opts.text_field, opts.id_field, opts.url_field}
        meta_cols = [n for n in names if n not in skip]
        for batch in self._batches(pf, task, g, rows, names):
            texts, sizes, previews = _texts(batch.column(opts.text_field), opts.max_doc_bytes)
            ids = batch.column(opts.id_field).to_pylist() if opts.id_field else None
            urls = batch.column(opts.url_field).to_pylist() if opts.url_field and opts.url_field in names else None
            metas = batch.select(meta_cols).to_pylist() if meta_cols else None
            for i, text in enumerate(texts):
                doc_id = f"{task.rel}#{index + i}"
                if ids is not None:
                    if ids[i] is None or ids[i] == "":
                        preview = text if isinstance(text, str) else previews.get(i, "")
                        yield Doc(doc_id, preview[:REJECT_PREVIEW_CHARS], None, opts.content_type, None,
                                  "read:missing-id")
                        continue
                    doc_id = str(ids[i])
                url = urls[i] if urls else None
                url = None if url is None else str(url)
                meta = metas[i] if metas else None
                if i in previews:
                    yield self.too_large(doc_id, sizes[i], url, previews[i])
                elif text is None:
                    yield Doc(doc_id, "", url, opts.content_type, meta, "read:missing-text")
                elif not isinstance(text, str):
                    yield Doc(doc_id, "", url, opts.content_type, meta, "read:text-not-a-string")
                else:
                    yield Doc(doc_id, text, url, opts.content_type, meta, None)
            index += batch.num_rows

    def _reject_row_group(self, pf, task, g: int, index: int, n: int, bomb: dict, bombs: set[str],
                          rows: int) -> Iterator[Doc]:
        """Every row of a row group that holds a decompression bomb: rejected, with its id when the id column
        can be read without the bomb."""
        opts = self.options
        meta = {"row_group": g, **bomb}
        ids: list = []
        if opts.id_field and opts.id_field not in bombs:
            for batch in self._batches(pf, task, g, rows, [opts.id_field]):
                ids.extend(batch.column(0).to_pylist())
        for i in range(n):
            given = ids[i] if i < len(ids) else None
            doc_id = str(given) if given not in (None, "") else f"{task.rel}#{index + i}"
            yield Doc(doc_id, "", None, opts.content_type, meta, BOMB)
