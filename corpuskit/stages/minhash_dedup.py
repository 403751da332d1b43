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
permutations); ``corpuskit.dedup.lsh_error_areas`` gives the areas of a split.

``verify`` checks each candidate pair before it becomes an edge, to cut the false positives that
banding lets through (pairs below the threshold that share one band): ``estimated`` compares the
two signatures (the share of equal values estimates Jaccard), ``exact`` intersects the two
documents' sets of shingle hashes (exact Jaccard of the shingle sets, up to hash collisions).
Then the signature phase also spills whole signatures (and, for ``exact``, the sorted shingle
hashes) to ``.npy`` files per shard, which band tasks memory-map and read only the rows they need.
Within a bucket, members are checked against its first member; those that fail are checked
against the first of the rest, and so on (``verify_rounds`` at most), so a bucket holding two
unrelated clusters still gives both their edges.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..dedup.minhash import MinHasher, lsh_error_areas, optimal_param
from ..fileio import atomic_write, write_text_atomic
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
                 bands: int | None = None, rows: int | None = None, policy: str = "first", policy_seed: int = 0,
                 verify: str = "none", verify_rounds: int = 8, hash: str = "sha1"):
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be within (0, 1), got {threshold}")
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        if verify not in ("none", "estimated", "exact"):
            raise ValueError(f"verify must be none, estimated or exact, got {verify!r}")
        if verify_rounds < 1:
            raise ValueError("verify_rounds must be at least 1")
        if hash not in ("sha1", "fast"):
            raise ValueError(f"hash must be sha1 (datasketch-compatible) or fast, got {hash!r}")
        if (bands is None) != (rows is None):
            raise ValueError("give both bands and rows, or neither")
        if bands is None:
            bands, rows = optimal_param(threshold, num_perm)
        if bands * rows > num_perm or bands < 1 or rows < 1:
            raise ValueError(f"bands × rows = {bands} × {rows} does not fit in num_perm = {num_perm}")
        self.threshold, self.num_perm, self.ngram, self.seed = threshold, num_perm, ngram, seed
        self.bands, self.rows, self.policy, self.policy_seed = bands, rows, policy, policy_seed
        self.verify, self.verify_rounds, self.hash = verify, verify_rounds, hash

    def phases(self):
        return [Phase("signature", lambda ctx: list(range(len(ctx.shards))), self._signature_shard),
                Phase("band", lambda ctx: list(range(self.bands)), self._band),
                Phase("cluster", lambda ctx: [0], self._cluster)]

    # -- phase 1: signatures -> band keys -------------------------------------------------------
    def _signature_shard(self, shard: int, ctx) -> None:
        names = pq.read_schema(ctx.shards[shard]).names
        table = pq.read_table(ctx.shards[shard], columns=[c for c in ("id", "text", "quality_score") if c in names])
        hasher = MinHasher(num_perm=self.num_perm, seed=self.seed, n=self.ngram, hash=self.hash)
        hashes = [hasher.shingle_hashes(t or "") for t in table.column("text").to_pylist()]
        sigs = hasher.signatures_from_hashes(hashes)
        keys = band_keys(sigs, self.bands, self.rows)
        empty = hasher.is_empty(sigs) if len(sigs) else np.zeros(0, dtype=bool)
        work = Path(ctx.workdir)
        if self.verify == "estimated":
            _save_npy(work / "sigs" / f"s{shard:06d}.npy", sigs)
        elif self.verify == "exact":
            sets = [np.unique(h) for h in hashes]
            _save_npy(work / "sets" / f"s{shard:06d}.offsets.npy",
                      np.concatenate(([0], np.cumsum([len(x) for x in sets]))).astype(np.int64))
            _save_npy(work / "sets" / f"s{shard:06d}.npy",
                      np.concatenate(sets) if sets else np.zeros(0, np.uint32))
        cols = {"id": table.column("id"), "rank": pa.array(self.policy_ranks(table), pa.float64()),
                "empty": pa.array(empty, pa.bool_())}
        cols.update({f"b{j}": pa.array(keys[:, j], pa.uint64()) for j in range(self.bands)})
        write_atomic(pa.table(cols), work / "sig" / f"s{shard:06d}.parquet")

    # -- phase 2: candidate edges per band --------------------------------------------------------
    def _band(self, band: int, ctx) -> None:
        keys, valid = [], []
        for s in range(len(ctx.shards)):
            t = pq.read_table(Path(ctx.workdir, "sig", f"s{s:06d}.parquet"), columns=[f"b{band}", "empty"])
            keys.append(t.column(f"b{band}").to_numpy())
            valid.append(~t.column("empty").to_numpy(zero_copy_only=False))
        key = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        offsets = np.concatenate(([0], np.cumsum([len(k) for k in keys]))).astype(np.int64)
        idx = np.flatnonzero(np.concatenate(valid)) if valid else np.zeros(0, np.int64)
        key = key[idx]
        order = np.argsort(key, kind="stable")
        key, idx = key[order], idx[order]
        if self.verify == "none":
            src, dst = _star_edges(key, idx)
            checked = len(src)
        else:
            src, dst, checked = self._verified_edges(key, idx, offsets, ctx)
        write_atomic(pa.table({"src": pa.array(src, pa.int64()), "dst": pa.array(dst, pa.int64())}),
                     Path(ctx.workdir, "edges", f"band{band:04d}.parquet"))
        write_text_atomic(Path(ctx.workdir, "edges", f"band{band:04d}.json"),
                          json.dumps({"candidates": int(checked), "edges": int(len(src))}))

    def _verified_edges(self, key: np.ndarray, idx: np.ndarray, offsets: np.ndarray, ctx):
        """Edges between bucket members whose similarity reaches the threshold (see the module docstring)."""
        similarity = _SimilarityReader(ctx.workdir, offsets, self.verify)
        srcs, dsts, checked = [], [], 0
        for _ in range(self.verify_rounds):
            if len(key) < 2:
                break
            src, dst = _star_edges(key, idx)
            if not len(src):
                break
            checked += len(src)
            ok = similarity(src, dst) >= self.threshold
            srcs.append(src[ok])
            dsts.append(dst[ok])
            # the members that failed their pivot form the next round's buckets (order kept)
            failed = np.isin(idx, src[~ok])
            key, idx = key[failed], idx[failed]
        cat = (lambda xs: np.concatenate(xs) if xs else np.zeros(0, np.int64))
        return cat(srcs), cat(dsts), checked

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

        edges, candidates = 0, 0
        for band in range(self.bands):
            candidates += json.loads(Path(ctx.workdir, "edges", f"band{band:04d}.json").read_text())["candidates"]
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
        _, sizes = np.unique(roots, return_counts=True)
        size_counts = Counter(int(x) for x in sizes[sizes > 1])
        fp, fn = lsh_error_areas(self.threshold, self.bands, self.rows)
        write_text_atomic(Path(ctx.workdir, "lsh.json"), json.dumps({
            "threshold": self.threshold, "bands": self.bands, "rows": self.rows,
            "false_positive_area": round(fp, 6), "false_negative_area": round(fn, 6),
            "docs": n, "verify": self.verify, "candidate_pairs": candidates, "edges": edges,
            "clusters": int((sizes > 1).sum()), "duplicates": int(sizes[sizes > 1].sum() - (sizes > 1).sum()),
            "cluster_sizes": {str(k): v for k, v in sorted(size_counts.items())}}))

    def phase_report(self, ctx) -> dict:
        return json.loads(Path(ctx.workdir, "lsh.json").read_text())

    # -- per shard --------------------------------------------------------------------------------
    def duplicate_files(self, shard: int) -> list[Path]:
        return [Path(self.ctx.workdir, "dups", f"s{shard:06d}.parquet")]


def _star_edges(key: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For keys sorted into runs of equal values: an edge from each member of a run to its first member."""
    if not len(key):
        return idx[:0], idx[:0]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    first = np.repeat(idx[starts], np.diff(np.r_[starts, len(key)]))
    edge = idx != first
    return idx[edge], first[edge]


def _save_npy(path: Path, array: np.ndarray) -> None:
    with atomic_write(path) as f:
        np.save(f, array, allow_pickle=False)


class _SimilarityReader:
    """Similarity of pairs of documents given by global index, read from the memory-mapped spill files of
    the signature phase: only the rows asked for are read."""

    def __init__(self, workdir: str, offsets: np.ndarray, verify: str):
        self.offsets, self.verify = offsets, verify
        shards = len(offsets) - 1
        sub = "sigs" if verify == "estimated" else "sets"
        self.data = [np.load(Path(workdir, sub, f"s{s:06d}.npy"), mmap_mode="r", allow_pickle=False)
                     for s in range(shards)]
        self.starts = ([np.load(Path(workdir, sub, f"s{s:06d}.offsets.npy"), mmap_mode="r", allow_pickle=False)
                        for s in range(shards)] if verify == "exact" else None)

    def _locate(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        shard = np.searchsorted(self.offsets, index, "right") - 1
        return shard, index - self.offsets[shard]

    def _signatures(self, index: np.ndarray) -> np.ndarray:
        shard, row = self._locate(index)
        out = np.empty((len(index), self.data[0].shape[1] if self.data else 0), self.data[0].dtype if self.data
                       else np.uint32)
        for s in np.unique(shard):
            at = shard == s
            out[at] = self.data[s][row[at]]
        return out

    def _set(self, index: int) -> np.ndarray:
        shard, row = self._locate(np.array([index]))
        s, r = int(shard[0]), int(row[0])
        return self.data[s][self.starts[s][r]:self.starts[s][r + 1]]

    def __call__(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if self.verify == "estimated":
            return (self._signatures(a) == self._signatures(b)).mean(axis=1) if len(a) else np.zeros(0)
        out = np.empty(len(a))
        for k, (x, y) in enumerate(zip(a.tolist(), b.tolist())):
            sa, sb = self._set(x), self._set(y)
            inter = len(np.intersect1d(sa, sb, assume_unique=True))
            union = len(sa) + len(sb) - inter
            out[k] = inter / union if union else 0.0
        return out
