"""Perplexity filter: each document's bits per byte under a GPT trained with corpuskit on reference text.

CCNet (Wenzek et al. 2020) keeps web pages whose perplexity under a language model of Wikipedia is low: text
that reads like the reference. Here the model is a run directory of ``corpuskit train`` (for example one trained
on clean English or Chinese text) and the score is bits per byte (:mod:`corpuskit.gpt.evaluate`), which does not
depend on the model's tokenizer and compares across languages of the same model.

* ``perplexity`` with ``max_bits_per_byte`` (and/or ``min_bits_per_byte``: very low values are repeated
  boilerplate the model has memorised): keep documents within the bounds (``perplexity:bpb>1.8``);
* ``perplexity_percentile`` with ``keep_fraction``: keep the fraction of the corpus with the lowest bits per
  byte. A global stage: a first phase scores every shard and stores the scores, a second finds the cut-off,
  then each shard is filtered with its stored scores (the model runs once per document).

``perplexity_bpb`` is kept as a column either way (the report shows its histogram). Only the first
``max_tokens`` tokens of a document are scored (its score is over the bytes those tokens cover), so a long page
costs no more than ``max_tokens``. With ``languages``, only documents whose ``language`` column is one of them are
scored; the others get no score and are kept (counted as ``not_scored``), as are documents with no text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..fileio import atomic_write, write_text_atomic
from ..schema import with_columns
from ..stage import Filter, GlobalStage, Phase, StageResult, register


class _PerplexityScorer:
    """Bits per byte of a table's texts under the GPT of a run directory."""

    report_scores = {"perplexity_bpb": ("bits per byte under the reference model", 0.0, 8.0)}
    path_params = ("model",)

    def _init_scorer(self, model: str, languages: list[str] | None, max_tokens: int, stride: int | None,
                     batch_tokens: int):
        if not model:
            raise ValueError("model: give the run directory of a corpuskit train run (or its ckpt.npz)")
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be positive, got {max_tokens}")
        if batch_tokens < 1:
            raise ValueError(f"batch_tokens must be positive, got {batch_tokens}")
        self.model, self.languages, self.max_tokens = model, languages, max_tokens
        self.stride, self.batch_tokens = stride, batch_tokens
        self._run = None

    def _checkpoint(self) -> Path:
        from ..gpt.runfiles import CHECKPOINT_NAME
        path = Path(self.model)
        return path / CHECKPOINT_NAME if path.is_dir() else path

    def files_read(self) -> list[str]:
        from ..gpt.runfiles import TOKENIZER_NAME
        ckpt = self._checkpoint()
        return sorted(str(p.resolve()) for p in (ckpt, ckpt.parent / TOKENIZER_NAME) if p.is_file())

    def setup(self):
        from ..gpt.sample import load_run
        if self._run is None:
            self._run = load_run(self._checkpoint())
            if self.stride is not None and not 1 <= self.stride <= self._run[0].block_size:
                raise ValueError(f"stride must be between 1 and the model's block_size ({self._run[0].block_size})")

    def __getstate__(self):  # workers load the model themselves
        state = self.__dict__.copy()
        state["_run"] = None
        return state

    def bpb_scores(self, table: pa.Table) -> np.ndarray:
        """Bits per byte of each row (NaN where not scored)."""
        from ..gpt.evaluate import score_documents

        self.setup()
        config, params, tok, header = self._run
        texts = table.column("text").to_pylist()
        wanted = [bool(t) for t in texts]
        if self.languages is not None and "language" in table.column_names:
            allowed = set(self.languages)
            wanted = [w and lang in allowed for w, lang in zip(wanted, table.column("language").to_pylist())]
        elif self.languages is not None:
            wanted = [False] * len(texts)
        rows = [i for i, w in enumerate(wanted) if w]
        out = np.full(len(texts), np.nan)
        if not rows:
            return out
        encodings = tok.encode_batch([texts[i] for i in rows], add_special_tokens=False)
        ids, n_bytes = [], []
        for i, enc in zip(rows, encodings):
            doc_ids = enc.ids[:self.max_tokens]
            if len(enc.ids) > self.max_tokens:  # the bytes the scored tokens cover
                end = enc.offsets[self.max_tokens - 1][1]
                n_bytes.append(len(texts[i][:end].encode("utf-8", "surrogatepass")))
            else:
                n_bytes.append(len(texts[i].encode("utf-8", "surrogatepass")))
            ids.append(doc_ids)
        nll, _ = score_documents(params, config, ids, header["tokenizer"]["eot_id"], stride=self.stride,
                                 batch_tokens=self.batch_tokens)
        for k, i in enumerate(rows):
            out[i] = nll[k] / math.log(2) / n_bytes[k] if n_bytes[k] and ids[k] else np.nan
        return out


def _bpb_array(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.float32), pa.float32(), mask=np.isnan(values))


@register
class PerplexityFilter(_PerplexityScorer, Filter):
    """Keep documents whose bits per byte under a reference GPT is within bounds."""

    name = "perplexity"

    def __init__(self, model: str = "", max_bits_per_byte: float | None = None, min_bits_per_byte: float | None = None,
                 languages: list[str] | None = None, max_tokens: int = 512, stride: int | None = None,
                 batch_tokens: int = 8192):
        for name, value in (("max_bits_per_byte", max_bits_per_byte), ("min_bits_per_byte", min_bits_per_byte)):
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be positive, got {value}")
        if max_bits_per_byte is not None and min_bits_per_byte is not None and min_bits_per_byte >= max_bits_per_byte:
            raise ValueError("min_bits_per_byte must be below max_bits_per_byte")
        self.max_bpb, self.min_bpb = max_bits_per_byte, min_bits_per_byte
        self._init_scorer(model, languages, max_tokens, stride, batch_tokens)

    def output_fields(self):
        return [pa.field("perplexity_bpb", pa.float32())]

    def score(self, table):
        return {"perplexity_bpb": _bpb_array(self.bpb_scores(table))}

    def decide(self, table):
        reasons = []
        for s in table.column("perplexity_bpb").to_pylist():
            if s is None:
                reasons.append(None)
            elif self.max_bpb is not None and s > self.max_bpb:
                reasons.append(f"perplexity:bpb>{self.max_bpb:g}")
            elif self.min_bpb is not None and s < self.min_bpb:
                reasons.append(f"perplexity:bpb<{self.min_bpb:g}")
            else:
                reasons.append(None)
        return reasons

    def counters(self, table):
        not_scored = table.column("perplexity_bpb").null_count
        return {"not_scored": not_scored} if not_scored else {}


@register
class PerplexityPercentile(_PerplexityScorer, GlobalStage):
    """Keep the ``keep_fraction`` of the corpus with the lowest bits per byte (a global, two-phase stage)."""

    name = "perplexity_percentile"

    def __init__(self, model: str = "", keep_fraction: float = 0.5, languages: list[str] | None = None,
                 max_tokens: int = 512, stride: int | None = None, batch_tokens: int = 8192):
        if not 0.0 < keep_fraction <= 1.0:
            raise ValueError(f"keep_fraction must be within (0, 1], got {keep_fraction}")
        self.keep_fraction = keep_fraction
        self._init_scorer(model, languages, max_tokens, stride, batch_tokens)

    def output_fields(self):
        return [pa.field("perplexity_bpb", pa.float32())]

    def phases(self):
        return [Phase("score", lambda ctx: list(range(len(ctx.shards))), self._score_shard,
                      reads=lambda i, ctx: [ctx.shards[i]]),
                Phase("cutoff", lambda ctx: [0], self._cutoff,
                      reads=lambda _, ctx: [str(self._scores_file(ctx, i)) for i in range(len(ctx.shards))])]

    @staticmethod
    def _scores_file(ctx, shard: int) -> Path:
        return Path(ctx.workdir, f"scores-{shard:06d}.npy")

    def _score_shard(self, shard: int, ctx) -> None:
        source = pq.ParquetFile(ctx.shards[shard])
        columns = [c for c in ("text", "language") if c in source.schema_arrow.names]
        parts = [self.bpb_scores(pa.Table.from_batches([b])) for b in source.iter_batches(columns=columns)]
        scores = np.concatenate(parts) if parts else np.zeros(0)
        with atomic_write(self._scores_file(ctx, shard)) as fh:
            np.save(fh, scores, allow_pickle=False)

    def _cutoff(self, _, ctx) -> None:
        parts = [np.load(self._scores_file(ctx, i), allow_pickle=False) for i in range(len(ctx.shards))]
        scores = np.concatenate(parts) if parts else np.zeros(0)
        scores = scores[~np.isnan(scores)]
        # the lowest keep_fraction: documents at or below this value are kept
        cutoff = float(np.quantile(scores, self.keep_fraction, method="lower")) if scores.size else math.inf
        write_text_atomic(Path(ctx.workdir, "cutoff.json"), json.dumps({"cutoff": cutoff, "scored": int(scores.size)}))

    def phase_report(self, ctx) -> dict:
        return json.loads(Path(ctx.workdir, "cutoff.json").read_text())

    def main_reads(self, ctx):
        return [str(Path(ctx.workdir, "cutoff.json"))]

    def shard_files(self, index: int):
        return [str(self._scores_file(self.ctx, index)), str(Path(self.ctx.workdir, "cutoff.json"))]

    def begin_shard(self, index: int) -> None:
        super().begin_shard(index)
        self._cut = json.loads(Path(self.ctx.workdir, "cutoff.json").read_text())["cutoff"]
        self._scores = np.load(self._scores_file(self.ctx, index), allow_pickle=False)

    def process(self, table: pa.Table) -> StageResult:
        scores = self._scores[self.shard_rows(table)]
        table = with_columns(table, {"perplexity_bpb": _bpb_array(scores)})
        keep = np.isnan(scores) | (scores <= self._cut)
        rejected = table.filter(pa.array(~keep))
        rejected = rejected.append_column(
            "reason", pa.array([f"perplexity:above-lowest-{self.keep_fraction:g}"] * rejected.num_rows, pa.string()))
        not_scored = int(np.isnan(scores).sum())
        return StageResult(table.filter(pa.array(keep)), rejected,
                           counters={"not_scored": not_scored} if not_scored else {})
