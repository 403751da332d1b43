"""The stage contract.

A stage receives a batch (an Arrow table of documents) and returns it annotated and split into
kept and rejected. Stages only decide; the framework (:func:`apply_stage`) adds the
``rejected_by`` column, counts, times and routes, in the manner of datatrove's pipeline steps.

Three kinds of stage:

* :class:`Stage`: anything per batch — a modifier that rewrites ``text`` (and reports what it
  removed through ``counters``), an annotator, an extractor.
* :class:`Filter`: "score, then decide". ``score`` adds columns, which are kept in the output
  for later analysis; ``decide`` names a reason for each rejected row.
* :class:`GlobalStage`: needs the whole corpus before deciding (dedup). The runner cuts the
  pipeline at a global stage: the stages before it run per shard and write their output to a
  work directory, then the global stage's phases run as lists of independent tasks (which an
  executor may spread over workers or a cluster), then ``process`` runs per shard like any
  other stage, using what the phases left in the stage's work directory.

Stages are constructed from keyword parameters (the YAML ``stages:`` list); a stage holds
nothing heavy until ``setup`` runs, once per worker process, so it pickles cheaply.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .schema import text_bytes, with_columns
from .stats import StageStats

#: Stages by name, filled by :func:`register` as stage modules are imported (the built-in ones by
#: :func:`corpuskit.registry.stage_registry`, which sits above the stages).
STAGES: dict[str, type["Stage"]] = {}


def register(cls: type["Stage"]) -> type["Stage"]:
    """Class decorator: make a stage available to pipelines under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    if cls.name in STAGES and STAGES[cls.name] is not cls:
        raise ValueError(f"two stages are named {cls.name!r}")
    STAGES[cls.name] = cls
    return cls


def constructor_arguments(cls: type, args: tuple, kwargs: dict) -> dict[str, Any]:
    """``{parameter: value}`` of a call ``cls(*args, **kwargs)``, positional arguments named (defaults left out)."""
    signature = inspect.signature(cls.__init__)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:  # the constructor will say what is wrong
        return dict(kwargs)
    arguments = {}
    for name, value in list(bound.arguments.items())[1:]:  # [0] is self
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL:
            arguments[name] = value
    return arguments


@dataclass
class StageResult:
    kept: pa.Table
    rejected: pa.Table | None = None  # has a string column ``reason``
    counters: dict[str, float] = field(default_factory=dict)
    added: int = 0  # documents the stage created (copies made by up-sampling)


class Stage:
    name: ClassVar[str] = ""
    # batches reaching a segment that holds this stage have at least this many documents (when the input has
    # them, and within the reader's byte limit): for stages whose work has a fixed cost per call
    min_batch_docs: ClassVar[int] = 0
    # output columns worth a histogram in the run report: column -> (title, low, high), the range cut into bins
    report_scores: ClassVar[dict[str, tuple[str, float, float]]] = {}

    def output_fields(self) -> list[pa.Field]:
        """Annotation columns this stage adds (declared up front: the run's schema is fixed)."""
        return []

    def setup(self) -> None:
        """Load models and other heavy state, once per worker."""

    def process(self, table: pa.Table) -> StageResult:
        raise NotImplementedError

    def close(self) -> None:
        """Release what ``setup`` acquired (child processes, files); called when a worker is done."""

    def finish(self, output: Path, stats: dict) -> None:
        """Called once in the main process when every shard is done, before ``stats.json`` is written:
        write what the stage adds beside the output (a tokenizer, a summary). Must be idempotent."""

    def __new__(cls, *args, **kwargs):
        # Keep the constructor's arguments as given, so a stage built in Python (``LanguageFilter(keep=["zh"])``)
        # can be described, fingerprinted and rebuilt in a worker like one named in a pipeline file.
        stage = super().__new__(cls)
        if args or kwargs:  # (pickle and copy call ``__new__`` with nothing: their state comes afterwards)
            stage._params = constructor_arguments(cls, args, kwargs)
        return stage

    def params(self) -> dict[str, Any]:
        """The parameters this stage was built with, as given (for stats, the run fingerprint and to rebuild
        the stage in a worker process)."""
        return dict(getattr(self, "_params", {}))

    def files_read(self) -> list[str]:
        """Every file the stage reads besides the documents (models, block lists, a tokenizer): the run's
        fingerprint covers their content, so a file edited between a crash and the re-run is noticed. By
        default the existing files named by the stage's ``path_params`` (a path, or a mapping or list of paths);
        stages that read files of their own (shipped models, block lists) add them."""
        found: list[str] = []
        params = self.params()
        for name in getattr(self, "path_params", ()):
            value = params.get(name)
            paths = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            found += [str(Path(p).resolve()) for p in paths if isinstance(p, str) and Path(p).is_file()]
        return found


class Filter(Stage):
    """Score, then decide. Subclasses implement :meth:`score` and :meth:`decide`."""

    def score(self, table: pa.Table) -> dict[str, pa.Array]:
        """Annotation columns, one value per row (names and types as in ``output_fields``)."""
        return {}

    def decide(self, table: pa.Table) -> list[str | None]:
        """For each row (with the scores added), None to keep it or a reason such as ``length:chars<200``."""
        raise NotImplementedError

    def counters(self, table: pa.Table) -> dict[str, float]:
        """Counts of this batch for ``stats.json`` beyond kept and rejected (e.g. documents left unscored), read
        from the rows with the scores added."""
        return {}

    def process(self, table: pa.Table) -> StageResult:
        types = {f.name: f.type for f in self.output_fields()}
        table = with_columns(table, {
            col: values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, types.get(col))
            for col, values in self.score(table).items()})
        reasons = self.decide(table)
        if len(reasons) != table.num_rows:
            raise RuntimeError(f"stage {self.name!r} decided {len(reasons)} rows of {table.num_rows}")
        keep = pa.array([r is None for r in reasons], pa.bool_())
        rejected = table.filter(pc.invert(keep))
        rejected = rejected.append_column("reason", pa.array([r for r in reasons if r is not None], pa.string()))
        return StageResult(table.filter(keep), rejected, counters=self.counters(table))


@dataclass
class Phase:
    """One step of a global stage: ``plan`` lists independent tasks, ``run`` does one of them.

    Tasks must be picklable and idempotent (a task may run again after a crash); ``run``
    writes its results under ``ctx.workdir`` atomically.
    """

    name: str
    plan: Callable[["GlobalContext"], list[Any]]
    run: Callable[[Any, "GlobalContext"], None]
    # the files a task reads (of ``ctx.shards`` and under ``ctx.workdir``), or None for "any of them": a run whose
    # output is in object storage fetches just these to the worker that runs the task
    reads: Callable[[Any, "GlobalContext"], list[str]] | None = None


@dataclass
class GlobalContext:
    workdir: str  # this stage's private directory, kept across resumes
    shards: list[str]  # Parquet files holding the documents that reach this stage
    seed: int = 0


class GlobalStage(Stage):
    """A stage that sees the whole corpus through phases before it decides per shard."""

    def phases(self) -> list[Phase]:
        raise NotImplementedError

    def bind(self, ctx: GlobalContext) -> None:
        """Called in each worker before ``process``: where the phases left their results."""
        self.ctx = ctx
        self.shard = None

    def phase_report(self, ctx: GlobalContext) -> dict:
        """Figures the phases left in ``ctx.workdir`` (candidate pairs, clusters...), for ``stats.json``;
        called once after the last phase, in the main process."""
        return {}

    def main_reads(self, ctx: GlobalContext) -> list[str] | None:
        """The files under ``ctx.workdir`` that :meth:`phase_report` and :meth:`finish` read in the main process, or
        None for "any of them" (a run whose output is in object storage fetches these to the main process). A stage
        that overrides neither reads none."""
        cls = type(self)
        if cls.phase_report is GlobalStage.phase_report and cls.finish is Stage.finish:
            return []
        return None

    def shard_files(self, index: int) -> list[str] | None:
        """The files under ``ctx.workdir`` that ``begin_shard(index)`` reads, or None for "any of them". A run whose
        output is in object storage fetches these to the worker before the shard's task runs."""
        return None

    def begin_shard(self, index: int) -> None:
        """Called before the batches of shard ``ctx.shards[index]`` go through ``process``, so a stage can
        load only that shard's decisions (bounded memory)."""
        self.shard = index
        self.next_row = 0

    def shard_rows(self, table: pa.Table) -> np.ndarray:
        """The positions in shard ``self.shard`` of this batch's rows. The runner hands a global stage every row
        of a shard once, in order, so ``(shard, row)`` is a key the runner assigns: per-document decisions are
        keyed by it, never by ids (a user's ids need not be unique)."""
        start = getattr(self, "next_row", 0)
        self.next_row = start + table.num_rows
        return np.arange(start, self.next_row, dtype=np.int64)


def apply_stage(stage: Stage, table: pa.Table, stats: StageStats) -> tuple[pa.Table, pa.Table | None]:
    """Run one stage on one batch: time it, count it, check it, label the rejects."""
    n_in = table.num_rows
    b_in = text_bytes(table)
    t0 = time.perf_counter()
    result = stage.process(table)
    stats.seconds += time.perf_counter() - t0
    kept, rejected = result.kept, result.rejected
    n_rej = 0 if rejected is None else rejected.num_rows
    if kept.num_rows + n_rej != n_in + result.added:
        raise RuntimeError(f"stage {stage.name!r} returned {kept.num_rows} kept + {n_rej} rejected "
                           f"documents for {n_in} in and {result.added} added")
    stats.docs_in += n_in
    stats.docs_kept += kept.num_rows
    stats.docs_rejected += n_rej
    stats.docs_added += result.added
    stats.bytes_in += b_in
    stats.bytes_kept += text_bytes(kept)
    for k, v in result.counters.items():
        stats.counters[k] = stats.counters.get(k, 0) + v
    if n_rej:
        reasons = rejected.column("reason")
        if reasons.null_count:
            raise RuntimeError(f"stage {stage.name!r} rejected documents without a reason")
        stats.add_reasons(reasons.to_pylist())
        rejected = rejected.append_column("rejected_by", pa.array([stage.name] * n_rej, pa.string()))
    else:
        rejected = None
    return kept, rejected
