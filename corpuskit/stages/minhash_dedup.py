"""Near-duplicate removal with MinHash LSH, as a global stage in three phases.

``signature`` (one task per shard): MinHash signatures of each document's shingles
(:class:`corpuskit.dedup.minhash.MinHasher`: word 5-grams, or character 5-grams for Chinese and
Japanese, equal to datasketch's MinHash), cut into ``bands`` bands of ``rows`` values; each band is
hashed to 64 bits and written with the document's rank for the keep policy. Only band keys are
kept on disk, never whole signatures. ``band`` (one task per band): documents that share a band
key are candidates; each group becomes a star of edges to its first member. ``cluster`` (one
task): union-find over all edges gives the clusters; the best-ranked document of each is kept and
the others are written, per shard, as ``row -> duplicate_of`` (ids need not be unique). Then each shard is filtered with
only its own list in memory.

``bands`` × ``rows`` default to datasketch's ``optimal_param`` for ``threshold`` (the split that
minimises the false-positive plus false-negative area under the S-curve; 9 × 13 for 0.8 and 128
permutations); ``corpuskit.dedup.lsh_error_areas`` gives the areas of a split. That split makes a
pair *at* the threshold a candidate with probability 0.40 only (0.93 at Jaccard 0.9):
``false_negative_weight`` above 0.5 moves the S-curve left (0.8 → 12 × 10, 0.74 at the threshold),
best with ``verify`` to remove the extra false positives.

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
from ..fileio import atomic_write, fsync_file, write_text_atomic
from ..stage import Phase, register
from ._duplicates import POLICIES, DuplicateStage, open_batches, released, write_atomic

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
                 verify: str = "none", verify_rounds: int = 8, hash: str = "sha1",
                 false_negative_weight: float = 0.5):
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
        if not 0.0 <= false_negative_weight <= 1.0:
            raise ValueError(f"false_negative_weight must be within [0, 1], got {false_negative_weight}")
        if bands is None:
            bands, rows = optimal_param(threshold, num_perm, 1.0 - false_negative_weight, false_negative_weight)
        if bands * rows > num_perm or bands < 1 or rows < 1:
            raise ValueError(f"bands × rows = {bands} × {rows} does not fit in num_perm = {num_perm}")
        self.threshold, self.num_perm, self.ngram, self.seed = threshold, num_perm, ngram, seed
        self.bands, self.rows, self.policy, self.policy_seed = bands, rows, policy, policy_seed
        self.verify, self.verify_rounds, self.hash = verify, verify_rounds, hash

    def phases(self):
        return [Phase("signature", lambda ctx: list(range(len(ctx.shards))), released(self._signature_shard),
                      reads=lambda shard, ctx: [ctx.shards[shard]]),
                Phase("band", lambda ctx: list(range(self.bands)), released(self._band), reads=self._band_reads),
                Phase("cluster", lambda ctx: [0], released(self._cluster))]

    # -- phase 1: signatures -> band keys -------------------------------------------------------
    def _signature_shard(self, shard: int, ctx) -> None:
        """Batch by batch, so memory does not grow with the shard: band keys to Parquet, and for
        ``verify`` whole signatures (a memory-mapped ``.npy``) or sorted shingle-hash sets (raw values +
        offsets) that band tasks read back by row."""
        source = open_batches(ctx.shards[shard])
        names = source.schema_arrow.names
        columns = [c for c in ("id", "text", "quality_score") if c in names]
        rows = source.metadata.num_rows
        hasher = MinHasher(num_perm=self.num_perm, seed=self.seed, n=self.ngram, hash=self.hash)
        work = Path(ctx.workdir)
        sig_path = work / "sig" / f"s{shard:06d}.parquet"
        schema = pa.schema([("id", pa.string()), ("rank", pa.float64()), ("empty", pa.bool_())]
                           + [(f"b{j}", pa.uint64()) for j in range(self.bands)])
        sigs_out = sets_out = None
        offsets, done = [np.zeros(1, np.int64)], 0
        with atomic_write(sig_path) as fh, pq.ParquetWriter(fh, schema) as writer:
            if self.verify == "estimated":
                sigs_tmp = work / "sigs" / f".s{shard:06d}.npy.tmp"
                sigs_tmp.parent.mkdir(parents=True, exist_ok=True)
                sigs_out = np.lib.format.open_memmap(sigs_tmp, "w+", hasher.dtype, (rows, self.num_perm))
            elif self.verify == "exact":
                (work / "sets").mkdir(parents=True, exist_ok=True)
                sets_out = open(work / "sets" / f".s{shard:06d}.bin.tmp", "wb")
            for batch in source.iter_batches(batch_size=4096, columns=columns):
                table = pa.Table.from_batches([batch])
                hashes = hasher.shingle_hashes_many([t or "" for t in table.column("text").to_pylist()])
                sigs = hasher.signatures_from_hashes(hashes)
                keys = band_keys(sigs, self.bands, self.rows)
                cols = {"id": table.column("id"), "rank": pa.array(self.policy_ranks(table), pa.float64()),
                        "empty": pa.array(hasher.is_empty(sigs) if len(sigs) else np.zeros(0, bool), pa.bool_())}
                cols.update({f"b{j}": pa.array(keys[:, j], pa.uint64()) for j in range(self.bands)})
                writer.write_table(pa.table(cols, schema=schema))
                if sigs_out is not None:
                    sigs_out[done:done + len(sigs)] = sigs
                if sets_out is not None:
                    sets = [np.unique(h).astype(hasher.dtype) for h in hashes]
                    sets_out.write(b"".join(x.tobytes() for x in sets))
                    offsets.append(offsets[-1][-1] + np.cumsum([len(x) for x in sets], dtype=np.int64))
                done += len(sigs)
        if sigs_out is not None:
            sigs_out.flush()
            del sigs_out
            fsync_file(sigs_tmp)  # durable before its name says it is finished (a phase marker follows)
            sigs_tmp.replace(work / "sigs" / f"s{shard:06d}.npy")
        if sets_out is not None:
            sets_out.close()
            _save_npy(work / "sets" / f"s{shard:06d}.offsets.npy", np.concatenate(offsets))
            fsync_file(work / "sets" / f".s{shard:06d}.bin.tmp")
            Path(work / "sets" / f".s{shard:06d}.bin.tmp").replace(work / "sets" / f"s{shard:06d}.bin")

    # -- phase 2: candidate edges per band --------------------------------------------------------
    def _band_reads(self, band: int, ctx) -> list[str]:
        """A band task reads its column of every signature file, and with ``verify`` the spill files too."""
        files = [Path(ctx.workdir, "sig", f"s{s:06d}.parquet") for s in range(len(ctx.shards))]
        for s in range(len(ctx.shards)):
            if self.verify == "estimated":
                files.append(Path(ctx.workdir, "sigs", f"s{s:06d}.npy"))
            elif self.verify == "exact":
                files += [Path(ctx.workdir, "sets", f"s{s:06d}.bin"), Path(ctx.workdir, "sets", f"s{s:06d}.offsets.npy")]
        return [str(f) for f in files]

    def _band(self, band: int, ctx) -> None:
        key, valid, sizes = self._band_column(band, ctx)
        if self.verify == "none":
            # Only keys shared by two or more documents give edges; the rest (almost all) are dropped before
            # the stable argsort, so its index arrays hold the candidates, not every document (with index
            # arrays of every document this task took ~95 bytes a document; now the column, its mask and a
            # sorted copy: ~17, ~25 with temporaries).
            idx = _shared_key_rows(key, valid)
            key = key[idx]
            del valid
            order = np.argsort(key, kind="stable")
            src, dst = _star_edges(key[order], idx[order])
            checked = len(src)
        else:
            offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
            idx = np.flatnonzero(valid)
            key = key[idx]
            del valid
            order = np.argsort(key, kind="stable")
            key, idx = key[order], idx[order]
            del order
            src, dst, checked = self._verified_edges(key, idx, offsets, ctx)
        write_atomic(pa.table({"src": pa.array(src, pa.int64()), "dst": pa.array(dst, pa.int64())}),
                     Path(ctx.workdir, "edges", f"band{band:04d}.parquet"))
        write_text_atomic(Path(ctx.workdir, "edges", f"band{band:04d}.json"),
                          json.dumps({"candidates": int(checked), "edges": int(len(src))}))

    def _sig_file(self, ctx, shard: int) -> Path:
        return Path(ctx.workdir, "sig", f"s{shard:06d}.parquet")

    def _shard_sizes(self, ctx) -> list[int]:
        return [pq.ParquetFile(self._sig_file(ctx, s)).metadata.num_rows for s in range(len(ctx.shards))]

    def _band_column(self, band: int, ctx) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """One band's key of every document, and whether the document has shingles, in global order: read
        shard by shard into arrays sized from the files' metadata (no list of parts and a concatenated copy);
        and the shards' sizes."""
        sizes = self._shard_sizes(ctx)
        key, valid = np.empty(sum(sizes), np.uint64), np.empty(sum(sizes), bool)
        at = 0
        for s, size in enumerate(sizes):
            t = pq.read_table(self._sig_file(ctx, s), columns=[f"b{band}", "empty"])
            key[at:at + size] = t.column(f"b{band}").to_numpy()
            valid[at:at + size] = ~t.column("empty").to_numpy(zero_copy_only=False)
            at += size
        return key, valid, sizes

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
        """Connected components of all bands' edges, then the best-ranked document of each component is
        kept. Only documents with an edge can be in a cluster of two or more, so the components, ranks and ids
        are worked out for those (numbered in global order) and never for every document of the corpus."""
        sizes = self._shard_sizes(ctx)
        bounds = np.r_[0, np.cumsum(sizes)].astype(np.int64)
        n = int(bounds[-1])
        edges, candidates, src, dst = 0, 0, [], []
        for band in range(self.bands):
            candidates += json.loads(Path(ctx.workdir, "edges", f"band{band:04d}.json").read_text())["candidates"]
            t = pq.read_table(Path(ctx.workdir, "edges", f"band{band:04d}.parquet"))
            src.append(t.column("src").to_numpy())
            dst.append(t.column("dst").to_numpy())
            edges += t.num_rows
        src = np.concatenate(src) if src else np.zeros(0, np.int64)
        dst = np.concatenate(dst) if dst else np.zeros(0, np.int64)
        nodes = np.unique(np.concatenate([src, dst]))  # sorted: local numbers keep the global order
        # the smallest local index of a component is its smallest global index, as before on all n documents
        roots = nodes[connected_components(len(nodes), np.searchsorted(nodes, src), np.searchsorted(nodes, dst))]
        del src, dst
        rank = self._column_at(ctx, "rank", nodes, bounds).to_numpy(zero_copy_only=False)
        # keeper of each cluster: lowest (rank, global index) — global index is input order
        order = np.lexsort((nodes, rank, roots))
        sorted_roots = roots[order]
        first = np.r_[True, sorted_roots[1:] != sorted_roots[:-1]] if len(nodes) else np.zeros(0, bool)
        keeper = np.empty(len(nodes), np.int64)
        keeper[order] = nodes[np.repeat(order[first], np.diff(np.r_[np.flatnonzero(first), len(nodes)]))]
        is_dup = keeper != nodes
        dups, keepers = nodes[is_dup], keeper[is_dup]  # ascending global index, as np.flatnonzero gave
        wanted = np.unique(np.concatenate([dups, keepers]))
        ids = self._column_at(ctx, "id", wanted, bounds)
        dup_ids = ids.take(pa.array(np.searchsorted(wanted, dups)))
        keeper_ids = ids.take(pa.array(np.searchsorted(wanted, keepers)))
        cut = np.searchsorted(dups, bounds)
        for s in range(len(ctx.shards)):
            a, b = int(cut[s]), int(cut[s + 1])
            # the cluster is named by its keeper; decisions are keyed by row (ids need not be unique)
            self.write_duplicates(Path(ctx.workdir, "dups", f"s{s:06d}.parquet"), dups[a:b] - bounds[s],
                                  dup_ids.slice(a, b - a), keeper_ids.slice(a, b - a), keeper_ids.slice(a, b - a))
        _, sizes = np.unique(roots, return_counts=True)
        sizes = sizes[sizes > 1]  # a node whose only edge is to itself (none expected) is no cluster
        size_counts = Counter(int(x) for x in sizes)
        fp, fn = lsh_error_areas(self.threshold, self.bands, self.rows)
        write_text_atomic(Path(ctx.workdir, "lsh.json"), json.dumps({
            "threshold": self.threshold, "bands": self.bands, "rows": self.rows,
            "false_positive_area": round(fp, 6), "false_negative_area": round(fn, 6),
            "docs": n, "verify": self.verify, "candidate_pairs": candidates, "edges": edges,
            "clusters": int(len(sizes)), "duplicates": int(len(dups)),
            "cluster_sizes": {str(k): v for k, v in sorted(size_counts.items())}}))

    def _column_at(self, ctx, column: str, index: np.ndarray, bounds: np.ndarray) -> pa.Array:
        """``column`` of the signature files at the sorted global indices ``index``, one shard at a time."""
        parts = []
        cut = np.searchsorted(index, bounds)
        for s in range(len(ctx.shards)):
            if cut[s + 1] > cut[s]:
                t = pq.read_table(self._sig_file(ctx, s), columns=[column])
                parts.extend(t.column(column).take(pa.array(index[cut[s]:cut[s + 1]] - bounds[s])).chunks)
        type_ = pa.string() if column == "id" else pa.float64()
        return pa.chunked_array(parts, type_).combine_chunks()

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


def _shared_key_rows(key: np.ndarray, valid: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """The indices (ascending) of the valid rows whose key another valid row has too."""
    values = key[valid]
    values.sort()  # in place (np.sort would copy once more); unstable is fine: only the values are needed
    repeated = np.unique(values[1:][values[1:] == values[:-1]])
    del values
    if not len(repeated):
        return np.zeros(0, np.int64)
    out = []
    for lo in range(0, len(key), chunk):  # chunked: the searchsorted positions of all rows at once are 8 bytes each
        part = key[lo:lo + chunk]
        pos = np.minimum(np.searchsorted(repeated, part), len(repeated) - 1)
        out.append(lo + np.flatnonzero((repeated[pos] == part) & valid[lo:lo + chunk]))
    return np.concatenate(out)


def _memmap(path: Path, dtype) -> np.ndarray:
    return np.memmap(path, dtype=dtype, mode="r") if path.stat().st_size else np.zeros(0, dtype)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with atomic_write(path) as f:
        np.save(f, array, allow_pickle=False)


def connected_components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The smallest node index of each node's component, for ``n`` nodes and edges ``src[i] - dst[i]``.

    Union-find in whole-array steps (Shiloach-Vishkin style): hook the root of each edge's larger end
    under the smaller root, then compress paths by pointer jumping; repeat until every edge joins nodes
    with one root. A few passes over the edges instead of a Python loop per edge.
    """
    parent = np.arange(n, dtype=np.int64)
    if not len(src):
        return parent
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    while True:
        ps, pd = parent[src], parent[dst]
        differ = ps != pd
        if not differ.any():
            return parent
        lo, hi = np.minimum(ps[differ], pd[differ]), np.maximum(ps[differ], pd[differ])
        np.minimum.at(parent, hi, lo)  # hi is a root: hook it under the smallest root it meets
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


class _SimilarityReader:
    """Similarity of pairs of documents given by global index, read from the memory-mapped spill files of
    the signature phase: only the rows asked for are read."""

    def __init__(self, workdir: str, offsets: np.ndarray, verify: str, hash_bits: int = 32):
        self.offsets, self.verify = offsets, verify
        shards = len(offsets) - 1
        if verify == "estimated":
            self.data = [np.load(Path(workdir, "sigs", f"s{s:06d}.npy"), mmap_mode="r", allow_pickle=False)
                         for s in range(shards)]
        else:
            dtype = np.uint64 if hash_bits == 64 else np.uint32
            self.data = [_memmap(Path(workdir, "sets", f"s{s:06d}.bin"), dtype) for s in range(shards)]
            self.starts = [np.load(Path(workdir, "sets", f"s{s:06d}.offsets.npy"), allow_pickle=False)
                           for s in range(shards)]

    def _locate(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        shard = np.searchsorted(self.offsets, index, "right") - 1
        return shard, index - self.offsets[shard]

    def _signatures(self, index: np.ndarray) -> np.ndarray:
        shard, row = self._locate(index)
        out = np.empty((len(index), self.data[0].shape[1]), self.data[0].dtype)
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
