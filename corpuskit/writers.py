"""Writers: Parquet shards (zstd) or JSON Lines, bounded in rows and bytes per shard.

Writes are atomic and two-step, so the runner can make a whole task's output appear at once:
shards are written under hidden temporary names, and :meth:`ShardWriter.commit` renames them
into place. A crash before ``commit`` leaves only temporary files, which the next run removes.

Writes are durable too: each shard is fsynced when it is finished (so before its rename), and ``commit`` fsyncs
the directory after the renames, so that a marker written after ``commit`` can never name a shard that a power
loss would leave empty or missing.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .fileio import fsync_dir, fsync_file, fsync_new_dirs, make_dirs
from .schema import conform

FORMATS = ("parquet", "jsonl", "jsonl.gz")


def temp_name(final: Path) -> Path:
    """Hidden, and unique per process, so two attempts at the same task never share a file."""
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


class ShardWriter:
    """Writes tables to ``DIR/PREFIX-0000.EXT``, ``-0001``, ... rotating at ``max_rows``/``max_bytes``."""

    def __init__(self, directory: str | os.PathLike, prefix: str, schema: pa.Schema, *, fmt: str = "parquet",
                 max_rows: int = 1_000_000, max_bytes: int = 512 * 1024**2, row_group_rows: int = 20_000,
                 row_group_bytes: int = 64 * 1024**2):
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.directory = Path(directory)
        self.prefix = prefix
        self.schema = schema
        self.fmt = fmt
        self.max_rows, self.max_bytes = max_rows, max_bytes
        self.row_group_rows, self.row_group_bytes = row_group_rows, row_group_bytes
        self.finals: list[Path] = []
        self.rows_written = 0
        self._file = None  # open ParquetWriter or text stream
        self._rows = self._bytes = 0  # in the current shard
        self._buffer: list[pa.Table] = []
        self._buffer_rows = self._buffer_bytes = 0
        self._created_dirs: list[Path] = []  # made by this writer: their entries are fsynced on commit

    # -- public -----------------------------------------------------------------------------
    def write(self, table: pa.Table) -> None:
        if table is None or table.num_rows == 0:
            return
        table = conform(table, self.schema)
        start = 0
        while start < table.num_rows:
            if self._file is None:
                self._open()
            room = self.max_rows - self._rows
            part = table.slice(start, room)
            self._buffer.append(part)
            self._buffer_rows += part.num_rows
            self._buffer_bytes += part.nbytes
            self._rows += part.num_rows
            self._bytes += part.nbytes
            start += part.num_rows
            if self._buffer_rows >= self.row_group_rows or self._buffer_bytes >= self.row_group_bytes:
                self._flush()
            if self._rows >= self.max_rows or self._bytes >= self.max_bytes:
                self._close_shard()

    def close(self) -> list[Path]:
        """Finish writing; returns the final paths (not yet in place until :meth:`commit`)."""
        if self._file is not None:
            self._close_shard()
        return list(self.finals)

    def commit(self) -> list[Path]:
        """Rename the finished (and already fsynced) shards into place, then fsync the directory, so that the
        shards are durable when this returns. The directory is fsynced even when there are no shards: that makes
        durable the removal of an earlier attempt's shards as well, before the runner writes its marker."""
        self.close()
        for final in self.finals:
            os.replace(temp_name(final), final)
        if self.finals or self.directory.is_dir():
            fsync_dir(self.directory)
            fsync_new_dirs(self._created_dirs)
            self._created_dirs = []
        return list(self.finals)

    def abort(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
            self._file = None
        for final in self.finals:
            temp_name(final).unlink(missing_ok=True)

    # -- internals --------------------------------------------------------------------------
    def _open(self):
        self._created_dirs += make_dirs(self.directory)
        ext = {"parquet": "parquet", "jsonl": "jsonl", "jsonl.gz": "jsonl.gz"}[self.fmt]
        final = self.directory / f"{self.prefix}-{len(self.finals):04d}.{ext}"
        tmp = temp_name(final)
        self.finals.append(final)
        if self.fmt == "parquet":
            self._file = pq.ParquetWriter(tmp, self.schema, compression="zstd", compression_level=3)
        elif self.fmt == "jsonl":
            self._file = open(tmp, "w", encoding="utf-8")
        else:
            self._file = gzip.GzipFile(tmp, "wb", compresslevel=6, mtime=0)
        self._rows = self._bytes = 0

    def _flush(self):
        if not self._buffer:
            return
        table = pa.concat_tables(self._buffer)
        self._buffer, self._buffer_rows, self._buffer_bytes = [], 0, 0
        if self.fmt == "parquet":
            self._file.write_table(table, row_group_size=max(table.num_rows, 1))
        else:
            lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in table.to_pylist())
            self._file.write(lines if self.fmt == "jsonl" else lines.encode("utf-8"))
        self.rows_written += table.num_rows

    def _close_shard(self):
        self._flush()
        self._file.close()
        self._file = None
        fsync_file(temp_name(self.finals[-1]))
