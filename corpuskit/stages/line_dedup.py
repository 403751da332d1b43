"""Line-level deduplication: lines repeated across the corpus are removed from the documents.

Web pages share boilerplate lines (menus, cookie notices, copyright footers, "Our servers have
detected ...") that document-level dedup cannot touch. Each line is keyed by the line without
surrounding whitespace (the default: exact lines), or with ``normalize: true`` by
:func:`corpuskit.dedup.minhash.normalize_for_dedup` (case, width, punctuation, digits folded to 0,
whitespace: CCNet's line normalisation, under which "page 3" and "page 4" are one line); the keys are
counted over the whole corpus, and repeated lines are removed:

* ``mode: all``: a line whose key occurs ``min_count`` or more times in the corpus (repeats inside
  one document count) is removed from every document, first occurrence included. These are the
  semantics of Stanford CS336 assignment 4 (``exact_line_deduplication``, exact lines) and, with
  ``normalize: true``, of CCNet's paragraph dedup.
* ``mode: first``: like C4's removal of repeated spans, of a line whose key occurs ``min_count`` or
  more times every occurrence but the first in corpus order (shard, row, line number) is removed.

Lines with an empty key (blank; with ``normalize: true`` also punctuation only) and lines shorter than ``min_line_chars``
characters (stripped) are neither counted nor removed. Kept text is the input text minus the
removed lines, line endings included; a document left with only whitespace is rejected with
``line-dedup:all-lines-removed`` (rejected documents keep their input text). Counters:
``lines_in``, ``chars_in``, ``lines_removed``, ``chars_removed`` (line endings included) and
``docs_modified`` (documents that lost a line, rejected ones included).

Phases, each writing its files atomically under the stage's work directory:

* ``hash`` (one task per shard): each line key is hashed to 64 bits (BLAKE2b); the shard's distinct
  hashes, with their count and (``first``) their first occurrence, go to ``buckets`` files by
  ``hash % buckets``.
* ``count`` (one task per bucket): the bucket's counts are summed over the shards (a numpy sort);
  the hashes that reach ``min_count`` are written, with their corpus-wide first occurrence for
  ``first`` (shard, row in the shard, line number: a position, never the document id, which may repeat). ``stats.json`` reports the number of
  repeated keys and of their occurrences.

Then each worker loads the repeated hashes once into sorted numpy arrays and each batch is
filtered with ``np.searchsorted``. Memory: a ``hash`` task holds its shard's line hashes (8 bytes a
line, 20 for ``first``), a ``count`` task one bucket of every shard's distinct hashes, a worker the
repeated distinct keys of the corpus (8 bytes each, 24 for ``first``); never the lines themselves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..dedup.minhash import normalize_for_dedup
from ..schema import with_columns
from ..stage import GlobalStage, Phase, StageResult, register
from ._duplicates import open_batches, released, release_memory, write_atomic

MODES = ("all", "first")
REJECT_REASON = "line-dedup:all-lines-removed"
_SEP = "\ue000"  # joins the lines of a document for one normalisation call
_BATCH = 8192  # documents per batch of the hash phase (pyarrow's default, 65,536: ~160 MB more)


def _hash64(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=8).digest()


def _as_uint64(digests: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(np.uint64) if digests else np.zeros(0, np.uint64)


def _line_keys(lines: list[str], text: str) -> list[str]:
    """``normalize_for_dedup`` of each line (lines without line breaks). Non-ASCII text goes through
    it once, its lines joined by a private-use character that normalisation keeps as a letter (NFKC
    composes nothing with it, no case, not punctuation), so as not to pay its per-call cost per line."""
    if len(lines) > 1 and not text.isascii() and _SEP not in text:
        keys = normalize_for_dedup(_SEP.join(lines)).split(_SEP)
        if len(keys) == len(lines):
            return [k.strip() for k in keys]
    return [normalize_for_dedup(line) for line in lines]


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


@register
class LineDedup(GlobalStage):
    """Remove lines repeated across the corpus (every copy, or all but the first)."""

    name = "line_dedup"

    def __init__(self, mode: str = "all", min_count: int = 2, normalize: bool = False, min_line_chars: int = 0,
                 buckets: int = 16):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 2:
            raise ValueError(f"min_count must be an integer of at least 2, got {min_count!r}")
        if not isinstance(normalize, bool):
            raise ValueError(f"normalize must be true or false, got {normalize!r}")
        if isinstance(min_line_chars, bool) or not isinstance(min_line_chars, int) or min_line_chars < 0:
            raise ValueError(f"min_line_chars must be a non-negative integer, got {min_line_chars!r}")
        if isinstance(buckets, bool) or not isinstance(buckets, int) or not 1 <= buckets <= 4096:
            raise ValueError(f"buckets must be an integer within 1..4096, got {buckets!r}")
        self.mode, self.min_count, self.normalize = mode, min_count, normalize
        self.min_line_chars, self.buckets = min_line_chars, buckets
        self._repeated, self._repeated_dir = None, None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_repeated"], state["_repeated_dir"] = None, None  # loaded again in each worker
        return state

    def phases(self):
        return [Phase("hash", lambda ctx: list(range(len(ctx.shards))), released(self._hash_shard),
                      reads=lambda shard, ctx: [ctx.shards[shard]]),
                Phase("count", lambda ctx: list(range(self.buckets)), released(self._count_bucket),
                      reads=lambda bucket, ctx: [str(self._hash_file(ctx.workdir, bucket, s))
                                                 for s in range(len(ctx.shards))])]

    # -- line keys ------------------------------------------------------------------------------
    def _line_hashes(self, text: str | None) -> tuple[list[str], list[int], list[bytes]]:
        """The document's lines (with their endings), and the numbers and key hashes of those that take part."""
        lines = text.splitlines(keepends=True) if text else []
        numbers, stripped = [], []
        for i, line in enumerate(lines):
            s = line.strip()
            if s and len(s) >= self.min_line_chars:
                numbers.append(i)
                stripped.append(s)
        keys = _line_keys(stripped, text) if self.normalize else stripped
        taken = [(n, k) for n, k in zip(numbers, keys) if k]
        return lines, [n for n, _ in taken], [_hash64(k.encode("utf-8", "surrogatepass")) for _, k in taken]

    def _hash_file(self, workdir: str, bucket: int, shard: int) -> Path:
        return Path(workdir, "hash", f"b{bucket:04d}", f"s{shard:06d}.parquet")

    def _count_file(self, workdir: str, bucket: int) -> Path:
        return Path(workdir, "count", f"b{bucket:04d}.parquet")

    # -- phase 1: per shard, distinct line hashes with counts (and first occurrences) -----------
    def _hash_shard(self, shard: int, ctx) -> None:
        first = self.mode == "first"
        hashes, rows, lines = [], [], []
        row0 = 0
        for batch in open_batches(ctx.shards[shard]).iter_batches(batch_size=_BATCH, columns=["text"]):
            texts = batch.column(0).to_pylist()
            digests, per_doc, numbers = [], [], []
            for text in texts:
                _, nums, dig = self._line_hashes(text)
                digests += dig
                numbers += nums
                per_doc.append(len(nums))
            hashes.append(_as_uint64(digests))
            if first:
                per_doc = np.array(per_doc, np.int64)
                rows.append(np.repeat(np.arange(row0, row0 + len(texts), dtype=np.int64), per_doc))
                lines.append(np.array(numbers, np.int32))
            row0 += len(texts)
        # distinct hashes of the shard; np.unique's index is each hash's first occurrence (corpus order)
        uniq, index, counts = np.unique(_concat(hashes, np.uint64), return_index=True, return_counts=True)
        bucket_of = uniq % np.uint64(self.buckets)
        columns = {"hash": uniq, "count": counts.astype(np.int64)}
        if first:
            columns.update(row=_concat(rows, np.int64)[index],
                           line=_concat(lines, np.int32)[index])
        for b in range(self.buckets):
            sel = bucket_of == b
            table = pa.table({k: v[sel] for k, v in columns.items()})
            if first:
                table = table.append_column("shard", pa.array(np.full(table.num_rows, shard, np.int32)))
            write_atomic(table, self._hash_file(ctx.workdir, b, shard))

    # -- phase 2: per bucket, the hashes repeated in the corpus ----------------------------------
    def _count_bucket(self, bucket: int, ctx) -> None:
        first = self.mode == "first"
        parts = [pq.read_table(self._hash_file(ctx.workdir, bucket, s)) for s in range(len(ctx.shards))]
        parts = [t for t in parts if t.num_rows]
        out = {"hash": np.zeros(0, np.uint64), "count": np.zeros(0, np.int64)}
        if first:
            out.update(shard=np.zeros(0, np.int32), row=np.zeros(0, np.int64), line=np.zeros(0, np.int32))
        if parts:
            t = pa.concat_tables(parts)
            h = t.column("hash").to_numpy()
            if first:  # within a hash, the earliest (shard, row, line) comes first
                order = np.lexsort((t.column("line").to_numpy(), t.column("row").to_numpy(),
                                    t.column("shard").to_numpy(), h))
            else:
                order = np.argsort(h, kind="stable")
            h = h[order]
            starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
            totals = np.add.reduceat(t.column("count").to_numpy()[order], starts)
            keep = totals >= self.min_count
            out = {"hash": h[starts][keep], "count": totals[keep]}
            if first:
                at = order[starts][keep]
                out.update(shard=t.column("shard").to_numpy()[at], row=t.column("row").to_numpy()[at],
                           line=t.column("line").to_numpy()[at])
        write_atomic(pa.table(out), self._count_file(ctx.workdir, bucket))

    def phase_report(self, ctx) -> dict:
        keys = occurrences = 0
        for b in range(self.buckets):
            counts = pq.read_table(self._count_file(ctx.workdir, b), columns=["count"]).column("count")
            keys += len(counts)
            occurrences += int(pc.sum(counts).as_py() or 0)
        return {"repeated_keys": keys, "repeated_key_occurrences": occurrences}

    # -- per shard: remove the repeated lines ----------------------------------------------------
    def _load_repeated(self) -> None:
        """The corpus's repeated hashes, sorted, in every worker (8 bytes a key; 24 for ``first``)."""
        self._repeated = None  # a previous output's arrays go before the new ones are read
        if self.mode == "all":
            # only the hashes: sorted in place, without the argsort index and the gathered copy
            parts = [pq.read_table(self._count_file(self.ctx.workdir, b), columns=["hash"]).column("hash").to_numpy()
                     for b in range(self.buckets)]
            h = _concat(parts, np.uint64)
            del parts
            h.sort()
            self._repeated = {"hash": h}
        else:
            cols = ["hash", "shard", "row", "line"]
            t = pa.concat_tables([pq.read_table(self._count_file(self.ctx.workdir, b), columns=cols)
                                  for b in range(self.buckets)])
            order = np.argsort(t.column("hash").to_numpy(), kind="stable")
            self._repeated = {c: t.column(c).to_numpy()[order] for c in cols}
        self._repeated_dir = self.ctx.workdir

    def begin_shard(self, index: int) -> None:
        super().begin_shard(index)
        release_memory()  # what the worker's previous task freed (this stage object outlives tasks)
        if self._repeated is None or self._repeated_dir != self.ctx.workdir:
            self._load_repeated()  # the same for every shard: once per worker

    def process(self, table: pa.Table) -> StageResult:
        if self._repeated is None:
            self._load_repeated()
        texts = table.column("text").to_pylist()
        positions = self.shard_rows(table)
        doc_lines, n_hashed, digests, numbers = [], [], [], []
        for text in texts:
            lines, nums, dig = self._line_hashes(text)
            doc_lines.append(lines)
            n_hashed.append(len(nums))
            digests += dig
            numbers += nums
        hashes = _as_uint64(digests)
        doc_of = np.repeat(np.arange(len(texts)), n_hashed)
        repeated = self._repeated["hash"]
        if len(repeated):
            at = np.minimum(np.searchsorted(repeated, hashes), len(repeated) - 1)  # where each hash would be
            remove = repeated[at] == hashes
            if self.mode == "first":  # the first occurrence of a repeated line stays
                remove &= ~((self._repeated["shard"][at] == self.shard)
                            & (self._repeated["row"][at] == positions[doc_of])
                            & (self._repeated["line"][at] == np.array(numbers, np.int32)))
        else:
            remove = np.zeros(len(hashes), bool)
        removed: dict[int, set[int]] = {}
        for d, n in zip(doc_of[remove].tolist(), np.array(numbers, np.int64)[remove].tolist()):
            removed.setdefault(d, set()).add(n)

        counters = {"lines_in": sum(len(lines) for lines in doc_lines),
                    "chars_in": sum(len(t) for t in texts if t), "lines_removed": int(remove.sum()),
                    "chars_removed": 0, "docs_modified": len(removed)}
        if not removed:
            return StageResult(table, None, counters)
        new_texts, reasons = list(texts), [None] * len(texts)
        for d, drop in removed.items():
            lines = doc_lines[d]
            counters["chars_removed"] += sum(len(lines[i]) for i in drop)
            kept = "".join(line for i, line in enumerate(lines) if i not in drop)
            if kept.strip():
                new_texts[d] = kept
            else:
                reasons[d] = REJECT_REASON  # rejected with its input text
        keep = pa.array([r is None for r in reasons], pa.bool_())
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([r for r in reasons if r], pa.string()))
        kept_table = with_columns(table, {"text": pa.array(new_texts, pa.string())}).filter(keep)
        return StageResult(kept_table, rejected, counters)
