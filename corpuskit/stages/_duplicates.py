"""What the dedup stages share: keep-policy ranks, atomic work files, per-shard duplicate lists, filtering."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..fileio import atomic_write
from ..schema import with_columns
from ..stage import GlobalStage, StageResult

POLICIES = ("first", "longest", "quality", "random")


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
    def write_duplicates(path: Path, rows: list, ids: list, duplicate_of: list, clusters: list) -> None:
        """One shard's duplicates, keyed by their row in the shard (ids are informative only: they may repeat)."""
        write_atomic(pa.table({"row": pa.array(rows, pa.int64()), "id": pa.array(ids, pa.string()),
                               "duplicate_of": pa.array(duplicate_of, pa.string()),
                               "cluster_id": pa.array(clusters, pa.string())}), path)

    def duplicate_files(self, shard: int) -> list[Path]:
        raise NotImplementedError

    def shard_files(self, index: int) -> list[str]:
        return [str(p) for p in self.duplicate_files(index)]

    def begin_shard(self, index: int) -> None:
        super().begin_shard(index)
        self._dups = {}
        for path in self.duplicate_files(index):
            t = pq.read_table(path, columns=["row", "duplicate_of", "cluster_id"])
            self._dups.update(zip(t.column("row").to_pylist(),
                                  zip(t.column("duplicate_of").to_pylist(), t.column("cluster_id").to_pylist())))

    def process(self, table: pa.Table) -> StageResult:
        hits = [self._dups.get(row) for row in self.shard_rows(table).tolist()]
        table = with_columns(table, {"duplicate_of": pa.array([h[0] if h else None for h in hits], pa.string()),
                                     "cluster_id": pa.array([h[1] if h else None for h in hits], pa.string())})
        keep = pa.array([h is None for h in hits])
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([self.reject_reason] * rejected.num_rows, pa.string()))
        return StageResult(table.filter(keep), rejected)
