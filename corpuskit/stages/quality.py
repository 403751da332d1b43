"""Quality classification: P(high quality) from a fastText model, and three ways to act on it.

* ``quality`` with ``threshold`` (default: the model card's threshold): keep documents scoring at
  least the threshold (``quality:score<0.42``);
* ``quality`` with ``pareto_alpha`` (GPT-3, Brown et al. 2020, appendix A): keep a document when a
  Pareto(alpha) draw exceeds ``1 - score`` — mostly high scores, some diversity from the rest. The
  draw is seeded by the document id and ``seed``, so it is the same on every run and executor
  (``quality:pareto``); the draw is kept in ``quality_draw``;
* ``quality_percentile`` with ``keep_fraction``: keep the best fraction of the whole corpus. It is a
  global stage: a first phase scores every shard, a second finds the score cut-off, then each shard
  is filtered (``quality:below-top-0.3``).

``quality_score`` is kept as a column in every case. Documents in a language without a model
(only ``en`` and ``zh`` ship) get no score and are kept, with the counter ``no_model``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..fileio import atomic_write, write_text_atomic
from ..schema import with_columns
from ..stage import Filter, GlobalStage, Phase, StageResult, register
from ._models import LanguageModels



def uniform_from_id(doc_id: str, seed: int) -> float:
    """A uniform number in (0, 1] fixed by the document id and the seed (same on every executor)."""
    h = hashlib.blake2b(f"{seed}\x00{doc_id}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return (int.from_bytes(h, "big") >> 11) / float(1 << 53) + 2.0**-54


def pareto_draw(doc_id: str, seed: int, alpha: float) -> float:
    """numpy's ``pareto(alpha)`` (a Lomax draw) by inverse transform: ``U**(-1/alpha) - 1``."""
    return uniform_from_id(doc_id, seed) ** (-1.0 / alpha) - 1.0


class _QualityScorer:
    """Scores a table's texts with the quality model of each document's language."""

    report_scores = {"quality_score": ("quality score (P(high quality))", 0.0, 1.0)}

    def _init_models(self, models: dict[str, str] | None):
        self.models = LanguageModels("quality", models)

    def files_read(self) -> list[str]:
        return sorted(set(super().files_read()) | set(self.models.files()))

    def setup(self):
        self.models.load()

    def quality_scores(self, table: pa.Table) -> list[float | None]:
        return self.models.scores(*self.models.route(table))


@register
class QualityFilter(_QualityScorer, Filter):
    """Keep documents by quality score: a threshold, or seeded GPT-3-style Pareto sampling."""

    name = "quality"
    path_params = ("models",)

    def __init__(self, threshold: float | None = None, pareto_alpha: float | None = None, seed: int = 0,
                 models: dict[str, str] | None = None):
        if threshold is not None and pareto_alpha is not None:
            raise ValueError("give threshold or pareto_alpha, not both")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within [0, 1], got {threshold}")
        if pareto_alpha is not None and pareto_alpha <= 0:
            raise ValueError(f"pareto_alpha must be positive, got {pareto_alpha}")
        self.threshold, self.pareto_alpha, self.seed = threshold, pareto_alpha, seed
        self._init_models(models)

    def output_fields(self):
        return [pa.field("quality_score", pa.float32()), pa.field("quality_draw", pa.float32())]

    def score(self, table):
        scores = self.quality_scores(table)
        draws = None
        if self.pareto_alpha is not None:
            draws = [pareto_draw(i, self.seed, self.pareto_alpha) for i in table.column("id").to_pylist()]
        return {"quality_score": pa.array(scores, pa.float32()),
                "quality_draw": pa.array(draws if draws is not None else [None] * len(scores), pa.float32())}

    def decide(self, table):
        reasons = []
        _, langs = self.models.route(table)
        for lang, score, draw in zip(langs, table.column("quality_score").to_pylist(),
                                     table.column("quality_draw").to_pylist()):
            if score is None:
                reasons.append(None)
            elif self.pareto_alpha is not None:
                reasons.append(None if draw > 1.0 - score else "quality:pareto")
            else:
                t = self.threshold if self.threshold is not None else self.models.threshold(lang)
                reasons.append(None if score >= t else f"quality:score<{t:.3g}")
        return reasons

    def counters(self, table):
        no_model = table.column("quality_score").null_count
        return {"no_model": no_model} if no_model else {}


@register
class QualityPercentile(_QualityScorer, GlobalStage):
    """Keep the top ``keep_fraction`` of the corpus by quality score (a global, two-phase stage)."""

    name = "quality_percentile"
    path_params = ("models",)

    def __init__(self, keep_fraction: float = 0.5, models: dict[str, str] | None = None):
        if not 0.0 < keep_fraction <= 1.0:
            raise ValueError(f"keep_fraction must be within (0, 1], got {keep_fraction}")
        self.keep_fraction = keep_fraction
        self._init_models(models)

    def output_fields(self):
        return [pa.field("quality_score", pa.float32())]

    def phases(self):
        return [Phase("score", self._plan_score, self._score_shard), Phase("cutoff", lambda ctx: [0], self._cutoff)]

    @staticmethod
    def _plan_score(ctx):
        return list(range(len(ctx.shards)))

    def _score_shard(self, i, ctx):
        table = pq.read_table(ctx.shards[i], columns=[c for c in ("text", "language")
                                                       if c in pq.read_schema(ctx.shards[i]).names])
        scores = np.array([np.nan if s is None else s for s in self.quality_scores(table)], dtype=np.float64)
        with atomic_write(Path(ctx.workdir, f"scores-{i:06d}.npy")) as fh:
            np.save(fh, scores, allow_pickle=False)

    def _cutoff(self, _, ctx):
        parts = [np.load(Path(ctx.workdir, f"scores-{i:06d}.npy"), allow_pickle=False) for i in range(len(ctx.shards))]
        scores = np.concatenate(parts) if parts else np.array([])
        scores = scores[~np.isnan(scores)]
        cutoff = float(np.quantile(scores, 1.0 - self.keep_fraction, method="higher")) if scores.size else 0.0
        write_text_atomic(Path(ctx.workdir, "cutoff.json"), json.dumps({"cutoff": cutoff, "scored": int(scores.size)}))

    def process(self, table):
        cutoff = json.loads(Path(self.ctx.workdir, "cutoff.json").read_text())["cutoff"]
        scores = self.quality_scores(table)
        table = with_columns(table, {"quality_score": pa.array(scores, pa.float32())})
        keep = pa.array([s is None or s >= cutoff for s in scores])
        rejected = table.filter(pa.compute.invert(keep))
        rejected = rejected.append_column(
            "reason", pa.array([f"quality:below-top-{self.keep_fraction:g}"] * rejected.num_rows, pa.string()))
        return StageResult(table.filter(keep), rejected)
