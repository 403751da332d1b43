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
from ._duplicates import POLICIES, DuplicateStage, write_atomic


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
        return [Phase("hash", lambda ctx: list(range(len(ctx.shards))), self._hash_shard,
                      reads=lambda shard, ctx: [ctx.shards[shard]]),
                Phase("group", lambda ctx: list(range(self.buckets)), self._group_bucket,
                      reads=lambda bucket, ctx: [str(f) for f in self._hash_files(ctx, bucket)])]

    # -- phase 1 --------------------------------------------------------------------------------
    def _key(self, text: str | None, url: str | None) -> bytes | None:
        value = (url or "") if self.on == "url" else normalize_for_dedup(text or "")
        if not value.strip():
            return None  # nothing to compare: never a duplicate
        return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _hash_shard(self, shard: int, ctx) -> None:
        names = pq.read_schema(ctx.shards[shard]).names
        cols = [c for c in ("id", "text", "url", "quality_score") if c in names]
        table = pq.read_table(ctx.shards[shard], columns=cols)
        texts = table.column("text").to_pylist()
        urls = table.column("url").to_pylist() if "url" in names else [None] * len(texts)
        keys = [self._key(t, u) for t, u in zip(texts, urls)]
        ranks = self.policy_ranks(table).tolist()
        ids = table.column("id").to_pylist()
        by_bucket: dict[int, list[int]] = {}
        for row, key in enumerate(keys):
            if key is not None:
                by_bucket.setdefault(key[0] % self.buckets, []).append(row)
        for b in range(self.buckets):
            rows = by_bucket.get(b, [])
            write_atomic(pa.table({"key": pa.array([keys[r] for r in rows], pa.binary(16)),
                             "id": pa.array([ids[r] for r in rows], pa.string()),
                             "rank": pa.array([ranks[r] for r in rows], pa.float64()),
                             "shard": pa.array([shard] * len(rows), pa.int32()),
                             "row": pa.array(rows, pa.int64())}),
                   Path(ctx.workdir, "hash", f"b{b:03d}", f"s{shard:06d}.parquet"))

    # -- phase 2 --------------------------------------------------------------------------------
    def _hash_files(self, ctx, bucket: int) -> list[Path]:
        return [Path(ctx.workdir, "hash", f"b{bucket:03d}", f"s{s:06d}.parquet") for s in range(len(ctx.shards))]

    def _group_bucket(self, bucket: int, ctx) -> None:
        files = self._hash_files(ctx, bucket)
        table = pa.concat_tables([pq.read_table(f) for f in files]) if files else None
        per_shard: dict[int, tuple[list, list, list]] = {}
        if table is not None and table.num_rows:
            # sort by (key, rank, shard, row): the first row of each key is the keeper
            order = np.lexsort((table.column("row").to_numpy(), table.column("shard").to_numpy(),
                                table.column("rank").to_numpy(),
                                np.array(table.column("key").to_pylist(), dtype=object).astype("S16")))
            keys = table.column("key").to_pylist()
            ids = table.column("id").to_pylist()
            shards = table.column("shard").to_pylist()
            rows = table.column("row").to_pylist()
            keeper_key, keeper_id = None, None
            for i in order:
                if keys[i] != keeper_key:
                    keeper_key, keeper_id = keys[i], ids[i]
                    continue
                dup_rows, dup_ids, dup_of, clusters = per_shard.setdefault(shards[i], ([], [], [], []))
                dup_rows.append(rows[i])
                dup_ids.append(ids[i])
                dup_of.append(keeper_id)
                clusters.append(keys[i].hex())
        for s in range(len(ctx.shards)):
            self.write_duplicates(Path(ctx.workdir, "dups", f"s{s:06d}", f"b{bucket:03d}.parquet"),
                                  *per_shard.get(s, ([], [], [], [])))

    def duplicate_files(self, shard: int) -> list[Path]:
        return [Path(self.ctx.workdir, "dups", f"s{shard:06d}", f"b{b:03d}.parquet") for b in range(self.buckets)]
