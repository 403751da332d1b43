"""What the dedup stages share: keep-policy ranks, atomic work files, per-shard duplicate lists, filtering."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..fileio import atomic_write
from ..schema import with_columns
from ..stage import GlobalStage, StageResult

POLICIES = ("first", "longest", "quality", "random")


def open_batches(path) -> pq.ParquetFile:
    """A Parquet file to read batch by batch with bounded memory. Without ``pre_buffer`` and with a 1 MiB read
    buffer: by default pyarrow pre-buffers the column chunks of the row groups it reads ahead, which held
    ~100-130 MB more per worker for a 256 MiB shard."""
    return pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


FULL_COLLECTION_EVERY = 2.0  # seconds: at most one full garbage collection per this much time, see release_memory
_last_full_collection = -FULL_COLLECTION_EVERY


def release_memory() -> None:
    """Hand the heap a finished task freed back to the OS. Workers live for the whole run, and both allocators
    keep freed memory for reuse: Arrow's pool (mimalloc) and glibc's malloc (numpy arrays, Python objects),
    so without this a worker's RSS stays near the peak of its largest task so far (measured on a 340k-document
    shard: 757 MiB still held after the former exact-dedup hash task, 164 MiB after this).

    A full garbage collection (for reference cycles) walks every object of the process: ~65 ms with corpuskit
    imported (~70k objects), more in a test runner, against well under a millisecond for the rest. Tasks of a
    few thousand documents take less than that, and a run of many small tasks spent most of its time collecting
    (a 30-document exact_dedup: 1.3 of its 1.7 s). So the full collection runs at most once every
    ``FULL_COLLECTION_EVERY`` seconds, and otherwise only the young generations are collected: every task of a
    large run (seconds or more each) still ends with a full one."""
    global _last_full_collection
    if time.monotonic() - _last_full_collection >= FULL_COLLECTION_EVERY:
        gc.collect()
        _last_full_collection = time.monotonic()
    else:
        gc.collect(1)
    pa.default_memory_pool().release_unused()
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):  # glibc only
        _LIBC.malloc_trim(0)


def released(task):
    """``task`` (a phase's per-task function), then :func:`release_memory`: the next task of the worker starts
    from what it needs, not from the peak of this one."""
    def run(index, ctx):
        try:
            return task(index, ctx)
        finally:
            release_memory()
    return run


def write_atomic(table: pa.Table, path: Path) -> None:
    """Atomic and durable: a task that dies half-way leaves no file that looks finished."""
    with atomic_write(path) as fh:
        pq.write_table(table, fh)


class DuplicateStage(GlobalStage):
    """Base of ``exact_dedup`` and ``minhash_dedup``: the phases write, for each shard, a list
    ``row -> duplicate_of, cluster_id`` (the row's position in the shard, never its id: ids may repeat); each
    shard is then filtered with only its own list in memory."""

    reject_reason = ""
    policy = "first"
    policy_seed = 0

    def output_fields(self):
        return [pa.field("duplicate_of", pa.string()), pa.field("cluster_id", pa.string())]

    def policy_ranks(self, table: pa.Table) -> np.ndarray:
        """Lower ranks are kept first; ties fall back to input order (shard, row)."""
        n = table.num_rows
        if self.policy == "first":
            return np.zeros(n)
        if self.policy == "longest":
            return -pc.utf8_length(table.column("text")).to_numpy(zero_copy_only=False).astype(np.float64)
        if self.policy == "quality":
            if "quality_score" not in table.column_names:
                raise ValueError(f"{self.name} policy 'quality' needs a quality_score column (a quality stage before it)")
            scores = pc.fill_null(table.column("quality_score").cast(pa.float64()), -1.0)
            return -scores.to_numpy(zero_copy_only=False)
        return np.array([int.from_bytes(hashlib.blake2b(f"{self.policy_seed}\x00{i}".encode("utf-8", "surrogatepass"),
                                                        digest_size=8).digest(), "big") / 2**64
                         for i in table.column("id").to_pylist()])

    @staticmethod
    def write_duplicates(path: Path, rows, ids, duplicate_of, clusters) -> None:
        """One shard's duplicates, keyed by their row in the shard (ids are informative only: they may repeat).
        Columns may be lists, numpy arrays or Arrow arrays (the phases pass Arrow to keep ids out of Python)."""
        write_atomic(pa.table({"row": _arrow(rows, pa.int64()), "id": _arrow(ids, pa.string()),
                               "duplicate_of": _arrow(duplicate_of, pa.string()),
                               "cluster_id": _arrow(clusters, pa.string())}), path)

    def duplicate_files(self, shard: int) -> list[Path]:
        raise NotImplementedError

    def shard_files(self, index: int) -> list[str]:
        return [str(p) for p in self.duplicate_files(index)]

    def begin_shard(self, index: int) -> None:
        super().begin_shard(index)
        # Only this shard's decisions, as a sorted numpy array of rows and two Arrow string arrays: the stage
        # object stays cached in the worker between tasks, and a dict of Python tuples would stay with it.
        self._dup_rows = self._dup_of = self._dup_cluster = None  # drop the previous shard's before reading
        release_memory()  # and what the worker's previous task freed
        parts = [pq.read_table(path, columns=["row", "duplicate_of", "cluster_id"])
                 for path in self.duplicate_files(index)]
        t = pa.concat_tables(parts) if parts else pa.table({"row": pa.array([], pa.int64()),
                                                            "duplicate_of": pa.array([], pa.string()),
                                                            "cluster_id": pa.array([], pa.string())})
        rows = t.column("row").to_numpy()
        order = np.argsort(rows, kind="stable")  # stable: of a row listed twice, the last one wins (as dict.update)
        self._dup_rows = rows[order]
        take = pa.array(order)
        self._dup_of = t.column("duplicate_of").take(take).combine_chunks()
        self._dup_cluster = t.column("cluster_id").take(take).combine_chunks()

    def _lookup(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each row of the shard: whether it is a duplicate, and where its decision is in the sorted arrays."""
        pos = np.searchsorted(self._dup_rows, rows, "right") - 1  # the last entry <= row
        hit = pos >= 0
        hit[hit] = self._dup_rows[pos[hit]] == rows[hit]
        return hit, np.where(hit, pos, 0)

    def process(self, table: pa.Table) -> StageResult:
        hit, pos = self._lookup(self.shard_rows(table))
        if hit.any():
            at = pa.array(pos, mask=~hit)  # null index -> null duplicate_of / cluster_id
            duplicate_of, cluster = self._dup_of.take(at), self._dup_cluster.take(at)
        else:
            duplicate_of = cluster = pa.nulls(table.num_rows, pa.string())
        table = with_columns(table, {"duplicate_of": duplicate_of, "cluster_id": cluster})
        keep = pa.array(~hit)
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([self.reject_reason] * rejected.num_rows, pa.string()))
        return StageResult(table.filter(keep), rejected)


def _arrow(values, type_: pa.DataType) -> pa.Array | pa.ChunkedArray:
    """A column for ``pa.table``: Arrow arrays as they are (cast to ``type_``), lists and numpy arrays converted."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.cast(type_)
    return pa.array(values, type_)
