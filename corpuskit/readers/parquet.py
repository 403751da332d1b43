"""Parquet files: split by row groups; ids are ``rel#row`` unless ``id_field`` names a column."""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError
from .base import Doc, ProgressSink, Reader, ReadTask


def _open(path: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file ({exc})") from exc


class ParquetReader(Reader):
    format = "parquet"
    splittable = True

    def plan(self, path, rel, size):
        meta = _open(path).metadata
        tasks, start, first, row, acc = [], 0, 0, 0, 0
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            acc += rg.total_byte_size
            row += rg.num_rows
            if acc >= self.options.shard_bytes or g == meta.num_row_groups - 1:
                tasks.append(ReadTask(path=path, rel=rel, format=self.format, start=start, end=g + 1,
                                      first_index=first, size=acc))
                start, first, acc = g + 1, row, 0
        return tasks or [ReadTask(path=path, rel=rel, format=self.format, start=0, end=0, size=0)]

    def iter_docs(self, task: ReadTask, progress: ProgressSink) -> Iterator[Doc]:
        opts = self.options
        pf = _open(task.path)
        names = pf.schema_arrow.names
        if opts.text_field not in names:
            raise InputError(task.path, f"no column {opts.text_field!r} (text_field); columns: {', '.join(names)}")
        if opts.id_field and opts.id_field not in names:
            raise InputError(task.path, f"no column {opts.id_field!r} (id_field)")
        end = pf.metadata.num_row_groups if task.end is None else task.end
        index = task.first_index
        skip = {opts.text_field, opts.id_field, opts.url_field}
        meta_cols = [n for n in names if n not in skip]
        done_bytes = 0
        for g in range(task.start, end):
            try:
                table = pf.read_row_group(g)
            except (pa.ArrowException, OSError) as exc:
                raise InputError(task.path, f"corrupt row group ({exc})", position=f"row group {g}") from exc
            texts = table.column(opts.text_field).to_pylist()
            ids = table.column(opts.id_field).to_pylist() if opts.id_field else None
            urls = table.column(opts.url_field).to_pylist() if opts.url_field and opts.url_field in names else None
            metas = table.select(meta_cols).to_pylist() if meta_cols else None
            for i, text in enumerate(texts):
                doc_id = f"{task.rel}#{index + i}"
                if ids is not None:
                    if ids[i] is None or ids[i] == "":
                        yield Doc(doc_id, text if isinstance(text, str) else "", None, opts.content_type,
                                  None, "read:missing-id")
                        continue
                    doc_id = str(ids[i])
                url = urls[i] if urls else None
                url = None if url is None else str(url)
                meta = metas[i] if metas else None
                if text is None:
                    yield Doc(doc_id, "", url, opts.content_type, meta, "read:missing-text")
                elif not isinstance(text, str):
                    yield Doc(doc_id, "", url, opts.content_type, meta, "read:text-not-a-string")
                elif len(text) * 4 > opts.max_doc_bytes and len(text.encode("utf-8", "replace")) > opts.max_doc_bytes:
                    yield self.too_large(doc_id, len(text.encode("utf-8", "replace")), url, text)
                else:
                    yield Doc(doc_id, text, url, opts.content_type, meta, None)
            index += len(texts)
            done_bytes += pf.metadata.row_group(g).total_byte_size
            progress.update(done_bytes)
