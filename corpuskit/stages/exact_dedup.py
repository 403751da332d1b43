"""Exact deduplication on normalised text (or on URL), as a global stage that scales.

Phase ``hash`` (one task per shard): a 128-bit BLAKE2b of each document's key — the text after
:func:`corpuskit.dedup.minhash.normalize_for_dedup` (case, width, punctuation, digits,
whitespace), or the URL — written to one of ``buckets`` files by the hash's first byte, with
what the keep policy ranks by. Phase ``group`` (one task per bucket): documents with equal hashes
form a cluster; the best-ranked one is kept and the others are written, per shard, as
``row -> duplicate_of`` (by position in the shard: ids need not be unique). Then each shard is filtered with only its own list in memory.

Keep policies, deterministic on every executor: ``first`` (input order), ``longest`` (most
characters), ``quality`` (highest ``quality_score``), ``random`` (a seeded hash of the id).
Rejected documents carry ``reason = exact-duplicate``, ``duplicate_of`` and ``cluster_id``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..dedup.minhash import normalize_for_dedup
from ..stage import Phase, register
from ._duplicates import POLICIES, DuplicateStage, open_batches, released, write_atomic

_BATCH = 8192  # documents per batch read in the hash phase
_NO_KEY = bytes(16)  # placeholder of a document without a key (masked out by ``valid``)


def _fixed16(key: np.ndarray) -> pa.Array:
    """Rows of 16 bytes (a ``(n, 16)`` uint8 array) as Arrow ``binary(16)``, without Python bytes objects."""
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(key), [None, pa.py_buffer(key.tobytes())])


def _key_bytes(column: pa.ChunkedArray) -> np.ndarray:
    """A ``binary(16)`` column as a ``(n, 16)`` uint8 array (no nulls: every row of a hash file has a key)."""
    arr = column.combine_chunks()
    data = np.frombuffer(arr.buffers()[1], np.uint8) if len(arr) else np.zeros(0, np.uint8)
    return data[arr.offset * 16:(arr.offset + len(arr)) * 16].reshape(-1, 16)


def _hex32(key: np.ndarray) -> pa.Array:
    """Each 16-byte row as 32 lowercase hex digits (``bytes.hex()``), built as one Arrow string array."""
    text = key.tobytes().hex().encode("ascii")
    offsets = np.arange(0, 32 * (len(key) + 1), 32, dtype=np.int32)
    return pa.StringArray.from_buffers(len(key), pa.py_buffer(offsets.tobytes()), pa.py_buffer(text))


@register
class ExactDedup(DuplicateStage):
    name = "exact_dedup"
    reject_reason = "exact-duplicate"

    def __init__(self, on: str = "text", policy: str = "first", seed: int = 0, buckets: int = 16):
        if on not in ("text", "url"):
            raise ValueError(f"on must be 'text' or 'url', got {on!r}")
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        if not 1 <= buckets <= 256:
            raise ValueError("buckets must be within 1..256")
        self.on, self.policy, self.policy_seed, self.buckets = on, policy, seed, buckets

    def phases(self):
        return [Phase("hash", lambda ctx: list(range(len(ctx.shards))), released(self._hash_shard),
                      reads=lambda shard, ctx: [ctx.shards[shard]]),
                Phase("group", lambda ctx: list(range(self.buckets)), released(self._group_bucket),
                      reads=lambda bucket, ctx: [str(f) for f in self._hash_files(ctx, bucket)])]

    # -- phase 1 --------------------------------------------------------------------------------
    def _key(self, text: str | None, url: str | None) -> bytes | None:
        value = (url or "") if self.on == "url" else normalize_for_dedup(text or "")
        if not value.strip():
            return None  # nothing to compare: never a duplicate
        return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _hash_shard(self, shard: int, ctx) -> None:
        """Batch by batch, only the columns needed: the shard's texts are never all in memory (as Python
        strings they were ~0.9 GB for a 256 MiB task); what is kept per row is its 16-byte key, rank and id."""
        source = open_batches(ctx.shards[shard])
        names = source.schema_arrow.names
        cols = [c for c in ("id", "text", "url", "quality_score") if c in names]
        keys, valid, ranks, ids = [], [], [], []
        for batch in source.iter_batches(batch_size=_BATCH, columns=cols):
            table = pa.Table.from_batches([batch])
            texts = table.column("text").to_pylist()
            urls = table.column("url").to_pylist() if "url" in names else [None] * len(texts)
            digests = [self._key(t, u) for t, u in zip(texts, urls)]
            del texts, urls
            valid.append(np.array([d is not None for d in digests], bool))  # no key: never a duplicate
            keys.append(np.frombuffer(b"".join(d or _NO_KEY for d in digests), np.uint8).reshape(-1, 16))
            ranks.append(self.policy_ranks(table))
            ids.extend(table.column("id").cast(pa.string()).chunks)
        key = np.concatenate(keys) if keys else np.zeros((0, 16), np.uint8)
        valid_ = np.concatenate(valid) if valid else np.zeros(0, bool)
        rank = np.concatenate(ranks) if ranks else np.zeros(0)
        id_ = pa.chunked_array(ids, pa.string()).combine_chunks()
        del keys, valid, ranks, ids
        bucket_of = key[:, 0] % self.buckets
        for b in range(self.buckets):
            rows = np.flatnonzero(valid_ & (bucket_of == b))  # ascending: rows in shard order
            write_atomic(pa.table({"key": _fixed16(key[rows]), "id": id_.take(pa.array(rows)),
                                   "rank": pa.array(rank[rows], pa.float64()),
                                   "shard": pa.array(np.full(len(rows), shard, np.int32)),
                                   "row": pa.array(rows, pa.int64())}),
                         Path(ctx.workdir, "hash", f"b{b:03d}", f"s{shard:06d}.parquet"))

    # -- phase 2 --------------------------------------------------------------------------------
    def _hash_files(self, ctx, bucket: int) -> list[Path]:
        return [Path(ctx.workdir, "hash", f"b{bucket:03d}", f"s{s:06d}.parquet") for s in range(len(ctx.shards))]

    def _group_bucket(self, bucket: int, ctx) -> None:
        """Numpy throughout (the Python lists of keys, ids, shards and rows were ~280 bytes a row): sort by
        (key, rank, shard, row), so the first row of each run of equal keys is its keeper; ids are read
        last, and only those of duplicates and their keepers leave Arrow."""
        files = self._hash_files(ctx, bucket)
        if not files:
            return
        table = pa.concat_tables([pq.read_table(f, columns=["key", "rank", "shard", "row"]) for f in files])
        key = _key_bytes(table.column("key"))
        # the 16 bytes as two big-endian integers sort like the bytes (as the former sort on S16 values did)
        halves = key.view(">u8").astype(np.uint64)
        shard, row = table.column("shard").to_numpy(), table.column("row").to_numpy()
        order = np.lexsort((row, shard, table.column("rank").to_numpy(), halves[:, 1], halves[:, 0]))
        del table
        sorted_halves = halves[order]
        del halves
        start = np.ones(len(order), bool)  # the first row of each run of equal keys: its keeper
        start[1:] = (sorted_halves[1:] != sorted_halves[:-1]).any(axis=1)
        del sorted_halves
        run_first = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
        dup = order[~start]  # duplicates (positions in the bucket), in sorted order
        keeper = order[run_first[~start]]
        del order, start, run_first
        by_shard = np.argsort(shard[dup], kind="stable")  # per shard, still in sorted order
        dup, keeper = dup[by_shard], keeper[by_shard]
        ids = pa.concat_tables([pq.read_table(f, columns=["id"]) for f in files]).column("id")
        dup_ids, keeper_ids = ids.take(pa.array(dup)), ids.take(pa.array(keeper))
        del ids
        clusters = _hex32(key[dup])
        bounds = np.searchsorted(shard[dup], np.arange(len(ctx.shards) + 1))
        for s in range(len(ctx.shards)):
            a, b = int(bounds[s]), int(bounds[s + 1])
            self.write_duplicates(Path(ctx.workdir, "dups", f"s{s:06d}", f"b{bucket:03d}.parquet"), row[dup[a:b]],
                                  dup_ids.slice(a, b - a), keeper_ids.slice(a, b - a), clusters.slice(a, b - a))

    def duplicate_files(self, shard: int) -> list[Path]:
        return [Path(self.ctx.workdir, "dups", f"s{shard:06d}", f"b{b:03d}.parquet") for b in range(self.buckets)]
