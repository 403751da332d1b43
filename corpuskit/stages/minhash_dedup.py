"""Near-duplicate removal with MinHash LSH, as a global stage in three phases.

``signature`` (one task per shard): MinHash signatures of each document's shingles
(:class:`corpuskit.dedup.minhash.MinHasher`: word 5-grams, or character 5-grams for Chinese and
Japanese, equal to datasketch's MinHash), cut into ``bands`` bands of ``rows`` values; each band is
hashed to 64 bits and written with the document's rank for the keep policy. Only band keys are
kept on disk, never whole signatures. ``band`` (one task per band): documents that share a band
key are candidates; each group becomes a star of edges to its first member. ``cluster`` (one
task): union-find over all edges gives the clusters; the best-ranked document of each is kept and
the others are written, per shard, as ``id -> duplicate_of``. Then each shard is filtered with
only its own list in memory.

``bands`` × ``rows`` default to datasketch's ``optimal_param`` for ``threshold`` (the split that
minimises the false-positive plus false-negative area under the S-curve; 9 × 13 for 0.8 and 128
permutations); ``corpuskit.dedup.lsh_error_areas`` gives the areas of a split. Candidates are not
verified by Jaccard yet.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..dedup.minhash import MinHasher, optimal_param
from ..stage import Phase, register
from ._duplicates import POLICIES, DuplicateStage, write_atomic

_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """64-bit keys, shape ``(docs, bands)``: an FNV-1a-style fold of each band's ``rows`` values."""
    sig = signatures.astype(np.uint64)
    keys = np.empty((sig.shape[0], bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(bands):
            h = np.full(sig.shape[0], _FNV_OFFSET, dtype=np.uint64)
            for k in range(j * rows, (j + 1) * rows):
                h = (h ^ sig[:, k]) * _FNV_PRIME
            keys[:, j] = h ^ np.uint64(j)
    return keys


@register
class MinHashDedup(DuplicateStage):
    name = "minhash_dedup"
    reject_reason = "near-duplicate"

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, ngram: int = 5, seed: int = 1,
                 bands: int | None = None, rows: int | None = None, policy: str = "first", policy_seed: int = 0):
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be within (0, 1), got {threshold}")
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        if (bands is None) != (rows is None):
            raise ValueError("give both bands and rows, or neither")
        if bands is None:
            bands, rows = optimal_param(threshold, num_perm)
        if bands * rows > num_perm or bands < 1 or rows < 1:
            raise ValueError(f"bands × rows = {bands} × {rows} does not fit in num_perm = {num_perm}")
        self.threshold, self.num_perm, self.ngram, self.seed = threshold, num_perm, ngram, seed
        self.bands, self.rows, self.policy, self.policy_seed = bands, rows, policy, policy_seed

    def phases(self):
        return [Phase("signature", lambda ctx: list(range(len(ctx.shards))), self._signature_shard),
                Phase("band", lambda ctx: list(range(self.bands)), self._band),
                Phase("cluster", lambda ctx: [0], self._cluster)]

    # -- phase 1: signatures -> band keys -------------------------------------------------------
    def _signature_shard(self, shard: int, ctx) -> None:
        names = pq.read_schema(ctx.shards[shard]).names
        table = pq.read_table(ctx.shards[shard], columns=[c for c in ("id", "text", "quality_score") if c in names])
        hasher = MinHasher(num_perm=self.num_perm, seed=self.seed, n=self.ngram)
        sigs = hasher.signatures([t or "" for t in table.column("text").to_pylist()])
        keys = band_keys(sigs, self.bands, self.rows)
        empty = hasher.is_empty(sigs) if len(sigs) else np.zeros(0, dtype=bool)
        cols = {"id": table.column("id"), "rank": pa.array(self.policy_ranks(table), pa.float64()),
                "empty": pa.array(empty, pa.bool_())}
        cols.update({f"b{j}": pa.array(keys[:, j], pa.uint64()) for j in range(self.bands)})
        write_atomic(pa.table(cols), Path(ctx.workdir, "sig", f"s{shard:06d}.parquet"))

    # -- phase 2: candidate edges per band --------------------------------------------------------
    def _band(self, band: int, ctx) -> None:
        keys, valid = [], []
        for s in range(len(ctx.shards)):
            t = pq.read_table(Path(ctx.workdir, "sig", f"s{s:06d}.parquet"), columns=[f"b{band}", "empty"])
            keys.append(t.column(f"b{band}").to_numpy())
            valid.append(~t.column("empty").to_numpy(zero_copy_only=False))
        key = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        idx = np.flatnonzero(np.concatenate(valid)) if valid else np.zeros(0, np.int64)
        key = key[idx]
        order = np.argsort(key, kind="stable")
        key, idx = key[order], idx[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
        group_first = np.repeat(idx[starts], np.diff(np.r_[starts, len(key)])) if len(key) else idx
        edge = idx != group_first
        write_atomic(pa.table({"src": pa.array(idx[edge], pa.int64()), "dst": pa.array(group_first[edge], pa.int64())}),
               Path(ctx.workdir, "edges", f"band{band:04d}.parquet"))

    # -- phase 3: clusters and keepers ------------------------------------------------------------
    def _cluster(self, _, ctx) -> None:
        ids, ranks, shard_of, offsets = [], [], [], [0]
        for s in range(len(ctx.shards)):
            t = pq.read_table(Path(ctx.workdir, "sig", f"s{s:06d}.parquet"), columns=["id", "rank"])
            ids.extend(t.column("id").to_pylist())
            ranks.append(t.column("rank").to_numpy())
            shard_of.append(np.full(t.num_rows, s, dtype=np.int64))
            offsets.append(offsets[-1] + t.num_rows)
        n = offsets[-1]
        parent = np.arange(n, dtype=np.int64)

        def find(x: int) -> int:
            root = x
            while parent[root] != root:
                root = parent[root]
            while parent[x] != root:
                parent[x], x = root, parent[x]
            return root

        edges = 0
        for band in range(self.bands):
            t = pq.read_table(Path(ctx.workdir, "edges", f"band{band:04d}.parquet"))
            for a, b in zip(t.column("src").to_numpy(), t.column("dst").to_numpy()):
                ra, rb = find(int(a)), find(int(b))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            edges += t.num_rows
        roots = np.array([find(i) for i in range(n)], dtype=np.int64)
        rank = np.concatenate(ranks) if ranks else np.zeros(0)
        # keeper of each cluster: lowest (rank, global index) — global index is input order
        order = np.lexsort((np.arange(n), rank, roots))
        keeper = {}
        for i in order:
            keeper.setdefault(int(roots[i]), int(i))
        per_shard: dict[int, tuple[list, list, list]] = {}
        shard_index = np.concatenate(shard_of) if shard_of else np.zeros(0, np.int64)
        for i in range(n):
            k = keeper[int(roots[i])]
            if k != i:
                d = per_shard.setdefault(int(shard_index[i]), ([], [], []))
                d[0].append(ids[i])
                d[1].append(ids[k])
                d[2].append(ids[k])  # the cluster is named by its keeper
        for s in range(len(ctx.shards)):
            self.write_duplicates(Path(ctx.workdir, "dups", f"s{s:06d}.parquet"), *per_shard.get(s, ([], [], [])))
        Path(ctx.workdir, "lsh.json").write_text(json.dumps({"bands": self.bands, "rows": self.rows,
                                                             "candidate_edges": edges, "docs": n}))

    # -- per shard --------------------------------------------------------------------------------
    def duplicate_files(self, shard: int) -> list[Path]:
        return [Path(self.ctx.workdir, "dups", f"s{shard:06d}.parquet")]
