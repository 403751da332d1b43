"""Repeated document ids: counted, never trusted.

Ids come from the user's data when ``input.id_field`` is set, and real data repeats them (sharded exports that
number each file from 0, per-shard ids of a Hugging Face dataset). corpuskit never keys a decision by id — global
stages key theirs by (shard, row) — but a user wants to know. Each shard of the first segment writes the sorted
64-bit hashes of the ids it read to ``OUT/_state/ids/``; when the run ends they are merged range by range
(``buckets`` slices of the hash space, read from memory-mapped files), so the main process holds one slice at a
time, not every id. Two distinct ids share a 64-bit hash with probability about n²/2⁶⁵ (≈ 3·10⁻⁴ for 10⁸
documents): the figure is a count for a report, exact in practice. Without ``id_field`` ids are ``path#index``,
distinct by construction, and nothing is counted (``repeated_ids`` is null).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa

from .fileio import atomic_write

IDS_DIR = "ids"


def id_hashes_of(ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """64-bit BLAKE2b of each id (unsorted), as uint64."""
    digests = b"".join(hashlib.blake2b((i or "").encode("utf-8", "surrogatepass"), digest_size=8).digest()
                       for i in ids.to_pylist())
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def write_id_hashes(path: str | Path, parts: list[np.ndarray]) -> None:
    """One shard's id hashes, sorted, as a ``.npy`` (atomic)."""
    hashes = np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.uint64)
    with atomic_write(path) as fh:
        np.save(fh, hashes.astype(np.uint64), allow_pickle=False)


def count_repeated_ids(paths: list[str | Path], buckets: int = 64) -> dict:
    """``{"ids": distinct ids that occur more than once, "documents": documents that carry one}``."""
    arrays = [np.load(p, mmap_mode="r", allow_pickle=False) for p in paths]
    arrays = [a for a in arrays if len(a)]
    repeated_ids = repeated_docs = 0
    edges = [int(round(b * 2**64 / buckets)) for b in range(buckets + 1)]
    for lo, hi in zip(edges[:-1], edges[1:]):
        parts = []
        for a in arrays:
            start = int(np.searchsorted(a, np.uint64(lo), "left"))
            end = len(a) if hi >= 2**64 else int(np.searchsorted(a, np.uint64(hi), "left"))
            if end > start:
                parts.append(np.asarray(a[start:end]))
        if not parts:
            continue
        _, counts = np.unique(np.concatenate(parts), return_counts=True)
        many = counts[counts > 1]
        repeated_ids += len(many)
        repeated_docs += int(many.sum())
    return {"ids": int(repeated_ids), "documents": int(repeated_docs)}
