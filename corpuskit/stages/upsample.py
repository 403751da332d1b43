"""Up-sampling: repeat the best documents, since a model should see the best data more than once.

Documents whose score column (``quality_score`` by default) is at least ``min_score`` appear
``copies`` times in the kept output: the original and ``copies - 1`` copies with ids
``<id>#copy1``, ``<id>#copy2``, … (ids stay unique). Stats record the copies as ``docs_added``,
so the conservation check still holds: in + added == kept + rejected.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..stage import Stage, StageResult, register


@register
class Upsample(Stage):
    name = "upsample"

    def __init__(self, min_score: float = 0.9, copies: int = 2, score_column: str = "quality_score"):
        if copies < 1:
            raise ValueError(f"copies must be at least 1, got {copies}")
        self.min_score, self.copies, self.score_column = min_score, copies, score_column

    def process(self, table: pa.Table) -> StageResult:
        if self.copies == 1 or table.num_rows == 0:
            return StageResult(table)
        if self.score_column not in table.column_names:
            raise ValueError(f"upsample: no column {self.score_column!r}; put a scoring stage "
                             "(e.g. quality) before it or set score_column")
        best = table.filter(pc.fill_null(pc.greater_equal(table.column(self.score_column), self.min_score), False))
        parts = [table]
        for k in range(1, self.copies):
            ids = pc.binary_join_element_wise(best.column("id"), pa.scalar(f"#copy{k}"), "")
            parts.append(best.set_column(best.column_names.index("id"), "id", ids))
        added = best.num_rows * (self.copies - 1)
        return StageResult(pa.concat_tables(parts), counters={"docs_upsampled": best.num_rows}, added=added)
